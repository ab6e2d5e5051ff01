/**
 * Moderation actions shared by the REST routes (the bot acts) and `emu.moderation` (a member acts in Discord's own
 * client): the state change and its gateway events, then the audit log entry naming the actor. Permission checks
 * stay with the callers, because a refusal differs: REST answers 403 50013 (../rest/context.ts), a control throws
 * since Discord's client would not offer the action ({@link checkModerator}).
 */
import { AuditLogEvent, PermissionFlagsBits, type APIAuditLogEntry } from 'discord-api-types/v10';
import { auditChanges } from './audit.js';
import type { GuildHandle } from './guild.js';
import { bulkDeleteMessages } from './messages.js';
import { isoTimestamp } from './payloads.js';
import { basePermissions, canManageMember, permissionNames } from './permissions.js';

/** Discord's longest timeout: 28 days ahead ("Modify Guild Member", `communication_disabled_until`). */
export const MAX_TIMEOUT_MS = 28 * 86_400_000;
/** Discord deletes at most 7 days of messages on a ban ("Create Guild Ban", `delete_message_seconds`). */
export const MAX_BAN_DELETE_SECONDS = 604_800;

/** Who does what to whom, and why. */
export interface ModerationInput {
	/** The member (or the bot) acting. */
	actorId: string;
	/** The user acted on. */
	targetId: string;
	/** Recorded as the audit log entry's `reason` (and the ban's). */
	reason?: string | null;
}

/**
 * Bans a user: GUILD_BAN_ADD, GUILD_MEMBER_REMOVE if they were a member, one MESSAGE_DELETE_BULK per channel for the
 * messages they sent in the last `deleteMessageSeconds` (0 to 604800), then a MEMBER_BAN_ADD (22) entry.
 */
export function banUser(guild: GuildHandle, input: ModerationInput & { deleteMessageSeconds?: number }): APIAuditLogEntry {
	const { world } = guild;
	guild.ban(input.targetId, input.reason || null);
	const seconds = input.deleteMessageSeconds ?? 0;
	if (seconds > 0) {
		const since = world.context.clock.now() - seconds * 1000;
		for (const channelId of guild.state.channelIds) {
			const channel = world.channels.get(channelId)!;
			const ids = [...channel.messages.values()]
				.filter((message) => message.author.id === input.targetId && Date.parse(message.timestamp) >= since)
				.map((message) => message.id);
			if (ids.length) bulkDeleteMessages(world, channel, ids);
		}
	}
	return guild.recordAuditLogEntry({
		actionType: AuditLogEvent.MemberBanAdd,
		userId: input.actorId,
		targetId: input.targetId,
		reason: input.reason
	});
}

/** Lifts a ban: GUILD_BAN_REMOVE, then a MEMBER_BAN_REMOVE (23) entry. */
export function unbanUser(guild: GuildHandle, input: ModerationInput): APIAuditLogEntry {
	guild.unban(input.targetId);
	return guild.recordAuditLogEntry({
		actionType: AuditLogEvent.MemberBanRemove,
		userId: input.actorId,
		targetId: input.targetId,
		reason: input.reason
	});
}

/** Kicks a member: VOICE_STATE_UPDATE if in voice, GUILD_MEMBER_REMOVE, then a MEMBER_KICK (20) entry. */
export function kickMember(guild: GuildHandle, input: ModerationInput): APIAuditLogEntry {
	guild.removeMember(input.targetId);
	return guild.recordAuditLogEntry({
		actionType: AuditLogEvent.MemberKick,
		userId: input.actorId,
		targetId: input.targetId,
		reason: input.reason
	});
}

/** Discord's form of a timeout end (`2026-01-01T00:00:00.000000+00:00`), or null. */
export function normalizeTimeout(until: string | number | Date | null): string | null {
	if (until === null) return null;
	const ms = until instanceof Date ? until.getTime() : typeof until === 'number' ? until : Date.parse(until);
	return isoTimestamp(ms);
}

/**
 * Times a member out until `until` (null lifts the timeout): GUILD_MEMBER_UPDATE, then a MEMBER_UPDATE (24) entry
 * whose change is `communication_disabled_until`, or none when the value did not change.
 */
export function timeoutMember(guild: GuildHandle, input: ModerationInput & { until: string | null }): APIAuditLogEntry | null {
	const member = guild.requireMember(input.targetId);
	const before = member.communicationDisabledUntil;
	const until = normalizeTimeout(input.until);
	guild.updateMember(input.targetId, { communicationDisabledUntil: until });
	const changes = auditChanges([['communication_disabled_until', before, until]]);
	if (!changes.length) return null;
	return guild.recordAuditLogEntry({
		actionType: AuditLogEvent.MemberUpdate,
		userId: input.actorId,
		targetId: input.targetId,
		reason: input.reason,
		changes
	});
}

/**
 * Checks that a member could take a moderation action in Discord's client, where the action is not offered
 * otherwise: the actor is a member holding `permission` (guild-level, owner and ADMINISTRATOR hold all), the target
 * is not the actor, and a target who is a member is not the owner and has a highest role strictly below the actor's
 * (unless the actor is the owner) (Permissions topic, "Permission Hierarchy"). Throws an Error naming the rule.
 */
export function checkModerator(guild: GuildHandle, actorId: string, permission: bigint, targetId?: string): void {
	const { state, world } = guild;
	const name = (id: string) => world.users.get(id)?.username ?? id;
	const actor = state.members.get(actorId);
	if (!actor) throw new Error(`emulator: ${name(actorId)} is not a member of ${state.name}`);
	const have = basePermissions(state, actor, world.context.clock.now());
	const missing = permission & ~have;
	if (missing) {
		throw new Error(`emulator: ${name(actorId)} lacks ${permissionNames(missing).join(', ')} in ${state.name}; Discord's client does not offer this action`);
	}
	if (targetId === undefined) return;
	if (!world.users.has(targetId)) throw new Error(`emulator: no user ${targetId}`);
	if (targetId === actorId) throw new Error(`emulator: ${name(actorId)} cannot moderate themselves`);
	const target = state.members.get(targetId);
	if (target && !canManageMember(state, actor, target)) {
		throw new Error(
			`emulator: ${name(targetId)} is the owner of ${state.name} or has a highest role at or above ${name(actorId)}'s (role hierarchy)`
		);
	}
}

/** True when the member is an administrator (or the owner): Discord refuses to time them out. */
export function isAdministrator(guild: GuildHandle, userId: string): boolean {
	const member = guild.requireMember(userId);
	return (basePermissions(guild.state, member, guild.world.context.clock.now()) & PermissionFlagsBits.Administrator) !== 0n;
}
