import type { UserError } from '@sapphire/framework';
import { translatedUserError } from '../../../lib/errors.js';

/**
 * Who may act on whom (issue 8, "Refusals"): pure rules over ids and role positions, no Discord objects, so they are
 * tested without Discord and shared by every action of the service (commands, escalation, automod).
 */

/** A role as the rules need it: its id and its position in the guild's role list (0 = @everyone, higher = above). */
export interface RankedRole {
	readonly id: string;
	readonly position: number;
}

/** A member as the rules need it: their id, their highest role, and the ids of all their roles. */
export interface RankedMember {
	readonly id: string;
	/** Their highest role (@everyone when they have no other). */
	readonly highestRole: RankedRole;
	readonly roleIds: readonly string[];
}

/** The parties of one action. */
export interface HierarchyInput {
	/** Who acts: the moderator, or the bot itself for automatic actions (escalation, automod). */
	readonly actor: RankedMember;
	/** Who is acted on: a member, or just a user id when they are not in the guild (a ban of a non-member). */
	readonly target: RankedMember | { readonly id: string };
	/** The bot's own member. */
	readonly bot: RankedMember;
	/** The guild owner's user id. */
	readonly ownerId: string;
	/** The guild's protected roles (the plugin config's `protectedRoleIds`). */
	readonly protectedRoleIds: readonly string[];
}

/**
 * Why an action is refused:
 * - `targetIsActor`: acting on oneself;
 * - `targetIsBot`: acting on the bot;
 * - `targetIsOwner`: acting on the guild owner (Discord refuses it too);
 * - `targetProtected`: the target has a protected role;
 * - `targetAboveActor`: the target's highest role is at or above the actor's (the owner is exempt);
 * - `targetAboveBot`: the target's highest role is at or above the bot's (Discord would answer 403 50013).
 */
export type RefusalReason = 'targetIsActor' | 'targetIsBot' | 'targetIsOwner' | 'targetProtected' | 'targetAboveActor' | 'targetAboveBot';

/**
 * Compares two roles as Discord orders them: by position, and at equal positions the older role (smaller id) is above
 * (discord.js `Role.comparePositions`). @returns a negative number when `a` is below `b`, 0 for the same role,
 * positive when above.
 */
export function compareRoles(a: RankedRole, b: RankedRole): number {
	if (a.position !== b.position) return a.position - b.position;
	const left = BigInt(a.id);
	const right = BigInt(b.id);
	return left === right ? 0 : left < right ? 1 : -1;
}

/** Whether a value is a member (with roles) rather than a bare user id. */
function isMember(target: HierarchyInput['target']): target is RankedMember {
	return 'highestRole' in target;
}

/**
 * Every reason the action is refused, most fundamental first (identity, then protection, then role order); empty when
 * it may go ahead. A target who is not a member has no roles: only the identity rules apply to them.
 */
export function refusalReasons(input: HierarchyInput): RefusalReason[] {
	const { actor, target, bot, ownerId } = input;
	const reasons: RefusalReason[] = [];
	if (target.id === actor.id) reasons.push('targetIsActor');
	if (target.id === bot.id) reasons.push('targetIsBot');
	if (target.id === ownerId) reasons.push('targetIsOwner');
	if (!isMember(target)) return reasons;
	if (target.roleIds.some((roleId) => input.protectedRoleIds.includes(roleId))) reasons.push('targetProtected');
	// The owner outranks everyone whatever their roles; so does the bot acting on its own (actor = bot: the bot rule applies).
	if (actor.id !== ownerId && actor.id !== bot.id && compareRoles(target.highestRole, actor.highestRole) >= 0) reasons.push('targetAboveActor');
	if (target.id !== bot.id && compareRoles(target.highestRole, bot.highestRole) >= 0) reasons.push('targetAboveBot');
	return reasons;
}

/**
 * The translated error of a refusal, naming the target (`<@id>`, shown as a mention that does not ping in ephemeral
 * answers) where the text needs it.
 */
export function refusalError(reason: RefusalReason, targetId: string): UserError {
	const user = `<@${targetId}>`;
	switch (reason) {
		case 'targetIsActor':
			return translatedUserError('moderation:errors.targetIsActor');
		case 'targetIsBot':
			return translatedUserError('moderation:errors.targetIsBot');
		case 'targetIsOwner':
			return translatedUserError('moderation:errors.targetIsOwner', { user });
		case 'targetProtected':
			return translatedUserError('moderation:errors.targetProtected', { user });
		case 'targetAboveActor':
			return translatedUserError('moderation:errors.targetAboveActor', { user });
		case 'targetAboveBot':
			return translatedUserError('moderation:errors.targetAboveBot', { user });
	}
}

/**
 * Throws the first refusal of {@link refusalReasons}, if any.
 * @throws UserError `moderation:errors.<reason>` (see {@link RefusalReason}).
 */
export function assertMayAct(input: HierarchyInput): void {
	const [first] = refusalReasons(input);
	if (first) throw refusalError(first, input.target.id);
}
