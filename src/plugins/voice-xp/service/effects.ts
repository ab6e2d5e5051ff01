import type { EntityManager } from '@mikro-orm/postgresql';
import { DiscordAPIError, RESTJSONErrorCodes, type Guild, type GuildMember } from 'discord.js';
import type { PlainTranslationKey, Translate } from '../../../lib/i18n.js';
import type { BotLogger } from '../../../lib/observability/logger.js';
import type { VoiceXpConfig, VoiceXpTier } from '../lib/config.js';
import { setTierRoleId } from '../lib/stats.js';
import { planTierUpdate, reachedTier, retiredTierRoleIds, type TierProblemReason, type TierStatus } from '../lib/tiers.js';
import { tierStatuses } from './discordState.js';

/**
 * What the plugin does on Discord after XP or voice time changed: tier roles and level-up announcements.
 * Failures of Discord calls (a member who left, DMs closed, a permission removed meanwhile) are logged, never thrown.
 */

/** The outcome of bringing one member's tier roles up to date. */
export type TierOutcome =
	/** Nothing to change: the member holds exactly the right tier (or no tier is configured). */
	| { kind: 'none'; tierRoleId: string | null }
	/** Roles were added and/or removed. */
	| { kind: 'applied'; tierRoleId: string | null; added: string[]; removed: string[] }
	/** Nothing was attempted: the bot cannot manage a role involved (reasons per role). */
	| { kind: 'blocked'; tierRoleId: string | null; blocked: TierStatus[] }
	/** The member is not in the guild (left), or Discord refused the change (logged). */
	| { kind: 'skipped'; tierRoleId: string | null };

/** What {@link syncTierRoles} needs besides the member. */
export interface TierSyncContext {
	guild: Guild;
	tiers: readonly VoiceXpTier[];
	em: () => EntityManager;
	logger: BotLogger;
	t: Translate;
	/** Called when a change is blocked, to log it once per member and target (returns false when already logged). */
	firstBlock?: (key: string) => boolean;
	/**
	 * The tier roles a member holds now, as the tier sweep listed them through REST (tierSweep.ts `tierRoleHolders`;
	 * empty for a member holding none, or not in the guild). When given, a member whose stored tier is the one they
	 * reach is fetched only if the listed roles differ from it (a tier role removed or added by hand); without it, such
	 * a member is fetched only when cached (the bot caches members in voice, src/lib/caches.ts).
	 */
	listedTierRoles?: (userId: string) => readonly string[];
}

/** Translation keys of the reasons a tier role cannot be managed. */
export const TIER_PROBLEM_KEYS: Record<TierProblemReason, PlainTranslationKey> = {
	'missing-manage-roles': 'voice-xp:tiers.problems.missingManageRoles',
	'role-above-bot': 'voice-xp:tiers.problems.roleAboveBot',
	'role-missing': 'voice-xp:tiers.problems.roleMissing',
	'role-managed': 'voice-xp:tiers.problems.roleManaged'
};

/** English descriptions of the reasons, for the log (log lines are for the bot's operators, not translated). */
const TIER_PROBLEM_LOG: Record<TierProblemReason, string> = {
	'missing-manage-roles': 'the bot lacks the Manage Roles permission',
	'role-above-bot': "the role is at or above the bot's highest role",
	'role-missing': 'the role no longer exists',
	'role-managed': 'the role is managed by an integration'
};

/** One log line's worth of reasons: `role 123: the role is at or above ...`. */
export function describeBlocked(blocked: readonly TierStatus[]): string {
	return blocked.map((status) => `role ${status.roleId}: ${status.problems.map((problem) => TIER_PROBLEM_LOG[problem]).join(', ')}`).join('; ');
}

/** Discord's answers to a member fetch that mean "not (or no longer) in the guild": not errors, the member is skipped. */
const GONE_CODES: ReadonlySet<unknown> = new Set([RESTJSONErrorCodes.UnknownMember, RESTJSONErrorCodes.UnknownUser]);

/**
 * The member from the cache, or fetched by id through REST. Null when they are not in the guild (Discord's 404
 * Unknown Member / Unknown User, not logged) or the fetch failed otherwise (logged).
 */
async function memberOf(guild: Guild, userId: string, logger: BotLogger): Promise<GuildMember | null> {
	const cached = guild.members.cache.get(userId);
	if (cached) return cached;
	try {
		return await guild.members.fetch(userId);
	} catch (error) {
		if (!(error instanceof DiscordAPIError && GONE_CODES.has(error.code))) logger.warn(`Member ${userId} could not be fetched; tier roles not checked:`, error);
		return null;
	}
}

/**
 * Brings a member's tier roles to exactly the highest tier their voice time reached (issue 4, "Role tiers"): adds
 * the new tier role and removes the other tier roles they hold, then records the tier in their stats row. A stored tier
 * role that is no longer a tier (`/xp tiers remove`; lib/tiers.ts `retiredTierRoleIds`) is removed like a previous
 * tier, whichever path (flush, admin command, sweep) gets to the member first. A member not in the guild (Discord's
 * 404 Unknown Member) is skipped without an error. If the bot
 * cannot manage a role involved (no Manage Roles, role at or above the bot's highest role, integration role, deleted
 * role), nothing is attempted and the reason is logged.
 *
 * @param userId the member
 * @param voiceSeconds their total voice time, whole seconds
 * @param storedTierRoleId the tier role their row says the bot gave (null for none); when the member is not cached
 *   and their tier has not changed, the member is not fetched, unless `context.listedTierRoles` shows them holding
 *   other tier roles than that one
 */
export async function syncTierRoles(
	context: TierSyncContext,
	userId: string,
	voiceSeconds: number,
	storedTierRoleId: string | null
): Promise<TierOutcome> {
	const { guild, tiers, logger } = context;
	const retired = retiredTierRoleIds(tiers, [storedTierRoleId]);
	const target = reachedTier(tiers, voiceSeconds)?.roleId ?? null;
	if (tiers.length === 0 && retired.length === 0) return { kind: 'none', tierRoleId: null };
	if (!guild.members.cache.has(userId) && target === storedTierRoleId) {
		const held = context.listedTierRoles?.(userId);
		if (held === undefined || (held.length === (target === null ? 0 : 1) && held.every((roleId) => roleId === target))) return { kind: 'none', tierRoleId: target };
	}
	const member = await memberOf(guild, userId, logger);
	if (!member) return { kind: 'skipped', tierRoleId: target };
	// Retired roles are checked like tiers (minimum unused), so one the bot cannot take blocks the change.
	const statuses = tierStatuses(guild, [...tiers, ...retired.map((roleId) => ({ roleId, minMinutes: 0 }))]);
	const plan = planTierUpdate(tiers, voiceSeconds, member.roles.cache.keys(), statuses, retired);
	if (plan.kind === 'none') {
		if (plan.tierRoleId !== storedTierRoleId) await setTierRoleId(context.em(), guild.id, userId, plan.tierRoleId);
		return { kind: 'none', tierRoleId: plan.tierRoleId };
	}
	if (plan.kind === 'blocked') {
		const key = `${guild.id}:${userId}:${plan.tierRoleId}:${describeBlocked(plan.blocked)}`;
		if (context.firstBlock?.(key) ?? true) {
			logger.warn(`Tier roles of member ${userId} not changed (tier ${plan.tierRoleId ?? 'none'}): ${describeBlocked(plan.blocked)}`);
		}
		return { kind: 'blocked', tierRoleId: plan.tierRoleId, blocked: plan.blocked };
	}
	const minutes = tiers.find((tier) => tier.roleId === plan.tierRoleId)?.minMinutes ?? 0;
	const reason = context.t(plan.tierRoleId ? 'voice-xp:tiers.auditReason' : 'voice-xp:tiers.auditReasonNone', { minutes });
	try {
		for (const roleId of plan.add) await member.roles.add(roleId, reason);
		for (const roleId of plan.remove) await member.roles.remove(roleId, reason);
	} catch (error) {
		logger.warn(`Tier roles of member ${userId} could not be changed:`, error);
		return { kind: 'skipped', tierRoleId: plan.tierRoleId };
	}
	await setTierRoleId(context.em(), guild.id, userId, plan.tierRoleId);
	logger.info(
		`Tier of member ${userId} is now ${plan.tierRoleId ?? 'none'} (added ${plan.add.join(', ') || 'nothing'}, removed ${plan.remove.join(', ') || 'nothing'})`
	);
	return { kind: 'applied', tierRoleId: plan.tierRoleId, added: plan.add, removed: plan.remove };
}

/**
 * Announces a level-up where the guild asked (issue 4: off by default; a channel, or the member's DMs), in the guild's
 * language. A missing channel, missing permissions or closed DMs are logged.
 */
export async function announceLevelUp(
	guild: Guild,
	config: Pick<VoiceXpConfig, 'levelUpAnnouncement' | 'announcementChannelId'>,
	userId: string,
	level: number,
	t: Translate,
	logger: BotLogger
): Promise<void> {
	try {
		if (config.levelUpAnnouncement === 'channel' && config.announcementChannelId) {
			const channel = guild.channels.cache.get(config.announcementChannelId);
			if (!channel?.isSendable()) {
				logger.warn(`Level-up of ${userId} not announced: channel ${config.announcementChannelId} is missing or not a text channel`);
				return;
			}
			await channel.send({ content: t('voice-xp:levelUp.channel', { user: `<@${userId}>`, level }), allowedMentions: { users: [userId] } });
		} else if (config.levelUpAnnouncement === 'dm') {
			await guild.client.users.send(userId, { content: t('voice-xp:levelUp.dm', { guild: guild.name, level }) });
		}
	} catch (error) {
		logger.warn(`Level-up of ${userId} could not be announced (${config.levelUpAnnouncement}):`, error);
	}
}
