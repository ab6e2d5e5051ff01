import type { VoiceXpTier } from './config.js';

/**
 * Role tiers by total voice time (issue 4, "Role tiers"): a member holds exactly the highest tier reached and loses
 * the previous one on promotion; when their time drops (an admin's `/xp add` with a negative amount, `/xp reset`)
 * they are demoted the same way. If the bot lacks Manage Roles, or a tier role sits at or above the bot's highest
 * role (Discord lets a bot manage only roles strictly below its own highest role), nothing is attempted.
 */

/** Seconds in a minute: tiers are set in minutes, voice time is stored in seconds. */
const SECONDS_PER_MINUTE = 60;

/**
 * The tier a member has reached: the tier with the largest `minMinutes` such that
 * `voiceSeconds >= minMinutes × 60`, or null when none is reached (or there are no tiers).
 *
 * @param tiers the guild's tiers, in any order (minimums are unique, see the config schema)
 * @param voiceSeconds the member's total eligible voice time in seconds
 */
export function reachedTier(tiers: readonly VoiceXpTier[], voiceSeconds: number): VoiceXpTier | null {
	let best: VoiceXpTier | null = null;
	for (const tier of tiers) {
		if (voiceSeconds >= tier.minMinutes * SECONDS_PER_MINUTE && (best === null || tier.minMinutes > best.minMinutes)) {
			best = tier;
		}
	}
	return best;
}

/** The role changes that bring a member to exactly the right tier. */
export interface TierRoleChanges {
	/** The tier role the member should hold, or null when no tier is reached. */
	tierRoleId: string | null;
	/** Tier role ids to add (empty, or the one tier role the member lacks). */
	add: string[];
	/** Tier role ids to remove: every other tier role the member holds (previous tier on promotion, higher ones on demotion). */
	remove: string[];
}

/**
 * Which tier roles to add and remove so that a member holds exactly the highest tier reached.
 * Roles that are neither tier roles nor in `retiredRoleIds` are never touched.
 *
 * @param tiers the guild's tiers
 * @param voiceSeconds the member's total eligible voice time in seconds
 * @param memberRoleIds the role ids the member holds now
 * @param retiredRoleIds roles the bot gave as tiers that are no longer tiers (`/xp tiers remove`, see
 *   {@link retiredTierRoleIds}): removed like a previous tier when the member holds them (default none)
 */
export function tierRoleChanges(
	tiers: readonly VoiceXpTier[],
	voiceSeconds: number,
	memberRoleIds: Iterable<string>,
	retiredRoleIds: Iterable<string> = []
): TierRoleChanges {
	const tierRoleId = reachedTier(tiers, voiceSeconds)?.roleId ?? null;
	const held = new Set(memberRoleIds);
	const add = tierRoleId !== null && !held.has(tierRoleId) ? [tierRoleId] : [];
	const managed = new Set([...tiers.map((tier) => tier.roleId), ...retiredRoleIds]);
	const remove = [...managed].filter((roleId) => roleId !== tierRoleId && held.has(roleId));
	return { tierRoleId, add, remove };
}

/**
 * The tier roles the bot gave that are no longer tiers: each of `storedTierRoleIds` (the `tier_role_id` of members'
 * stats rows, the role the bot last gave them) that is not the role of one of `tiers`, once each, in first-seen order.
 * After `/xp tiers remove`, the removed tier's holders still have it stored: their sweep removes it
 * ({@link tierRoleChanges}' `retiredRoleIds`) and gives them the lower tier they reach, if any.
 *
 * @param tiers the guild's tiers now
 * @param storedTierRoleIds stored tier role ids (null for members the bot gave no tier)
 */
export function retiredTierRoleIds(tiers: readonly VoiceXpTier[], storedTierRoleIds: Iterable<string | null>): string[] {
	const current = new Set(tiers.map((tier) => tier.roleId));
	const retired = new Set<string>();
	for (const roleId of storedTierRoleIds) if (roleId !== null && !current.has(roleId)) retired.add(roleId);
	return [...retired];
}

/** Why the bot cannot give or take a tier role. */
export type TierProblemReason = 'missing-manage-roles' | 'role-above-bot' | 'role-missing' | 'role-managed';

/** One tier and what stops the bot from managing its role (an empty list when nothing does). */
export interface TierStatus {
	/** The tier's role id. */
	roleId: string;
	/** The tier's minimum voice time in minutes. */
	minMinutes: number;
	/** The problems, empty when the bot can give and take this role. */
	problems: TierProblemReason[];
}

/**
 * The order of a guild's roles as Discord compares them (role hierarchy): by `position`, and for equal positions the
 * role with the smaller (older) id is higher. Returns role id → rank (0 = lowest), so that a comparison of ranks is a
 * comparison in the hierarchy; pass it to {@link tierProblems} as positions.
 *
 * @param roles every role of the guild (id as a snowflake string, position as Discord reports it)
 */
export function roleRanks(roles: Iterable<{ id: string; position: number }>): Map<string, number> {
	const sorted = [...roles].sort((a, b) => {
		if (a.position !== b.position) return a.position - b.position;
		const [x, y] = [BigInt(a.id), BigInt(b.id)];
		return x === y ? 0 : x > y ? -1 : 1;
	});
	return new Map(sorted.map((role, rank) => [role.id, rank]));
}

/**
 * Checks every tier against the bot's permissions and role hierarchy, for `/xp tiers list` and before any role change.
 * - `missing-manage-roles`: the bot lacks the Manage Roles permission (every tier gets it).
 * - `role-missing`: the role no longer exists in the guild (not in `rolePositions`).
 * - `role-managed`: the role belongs to an integration (a bot's own role, a booster role); Discord lets nobody give it.
 * - `role-above-bot`: the role is at or above the bot's highest role (Discord refuses with error 50013
 *   "Missing Permissions"). Compare ranks from {@link roleRanks} so that equal positions are ordered as Discord does.
 *
 * @param tiers the guild's tiers (returned in the same order)
 * @param botHighestRolePosition the position (or rank) of the bot member's highest role
 * @param botHasManageRoles whether the bot has Manage Roles in the guild
 * @param rolePositions the guild's roles: role id → position (or rank)
 * @param managedRoleIds roles managed by an integration (default none)
 */
export function tierProblems(
	tiers: readonly VoiceXpTier[],
	botHighestRolePosition: number,
	botHasManageRoles: boolean,
	rolePositions: ReadonlyMap<string, number>,
	managedRoleIds: ReadonlySet<string> = new Set()
): TierStatus[] {
	return tiers.map((tier) => {
		const problems: TierProblemReason[] = [];
		if (!botHasManageRoles) problems.push('missing-manage-roles');
		const position = rolePositions.get(tier.roleId);
		if (position === undefined) problems.push('role-missing');
		else {
			if (managedRoleIds.has(tier.roleId)) problems.push('role-managed');
			if (position >= botHighestRolePosition) problems.push('role-above-bot');
		}
		return { roleId: tier.roleId, minMinutes: tier.minMinutes, problems };
	});
}

/** What to do about a member's tier roles: the changes, or why nothing may be attempted. */
export type TierUpdatePlan =
	| { kind: 'none'; tierRoleId: string | null }
	| ({ kind: 'apply' } & TierRoleChanges)
	| { kind: 'blocked'; tierRoleId: string | null; blocked: TierStatus[] };

/**
 * Plans a member's tier update: `none` when they already hold exactly the right tier, `apply` with the changes when
 * the bot can manage every role involved, `blocked` (nothing is attempted; log the reasons) when it cannot manage one
 * of them. Giving the new tier and removing the old one go together, so one blocked role blocks the whole change.
 *
 * @param statuses the result of {@link tierProblems} for the same tiers, and for the retired roles
 * @param retiredRoleIds roles that are no longer tiers, to remove when held (see {@link tierRoleChanges}); default none
 */
export function planTierUpdate(
	tiers: readonly VoiceXpTier[],
	voiceSeconds: number,
	memberRoleIds: Iterable<string>,
	statuses: readonly TierStatus[],
	retiredRoleIds: Iterable<string> = []
): TierUpdatePlan {
	const changes = tierRoleChanges(tiers, voiceSeconds, memberRoleIds, retiredRoleIds);
	const involved = new Set([...changes.add, ...changes.remove]);
	if (involved.size === 0) return { kind: 'none', tierRoleId: changes.tierRoleId };
	const blocked = statuses.filter((status) => involved.has(status.roleId) && status.problems.length > 0);
	if (blocked.length > 0) return { kind: 'blocked', tierRoleId: changes.tierRoleId, blocked };
	return { kind: 'apply', ...changes };
}
