/**
 * Guild audit logs (Discord's "Audit Logs Resource" and the gateway's "Guild Audit Log Entry Create"): every
 * administrative action adds an entry `{ id, action_type, user_id, target_id, changes?, options?, reason? }` to its
 * guild, and GUILD_AUDIT_LOG_ENTRY_CREATE (the entry plus `guild_id`) goes to the bot only when it holds
 * VIEW_AUDIT_LOG in that guild (and, as for every guild event, only to sessions with the intent it needs:
 * GUILD_MODERATION, see ../gateway/intents.ts). Entries are kept 45 days, as Discord does.
 *
 * Changes follow the documented shape `{ key, old_value?, new_value? }`: `old_value` is left out when the property
 * was null before, `new_value` when it was reset to null; MEMBER_ROLE_UPDATE uses the `$add` / `$remove` keys with
 * `[{ id, name }]` values.
 */
import { AuditLogEvent, PermissionFlagsBits, type APIAuditLogEntry, type APIUser } from 'discord-api-types/v10';
import { snowflakeTimestamp } from '../snowflake.js';
import { channelPayload, userPayload } from './payloads.js';
import { basePermissions } from './permissions.js';
import type { GuildState, OverwriteState } from './state.js';
import type { World } from './world.js';

/** Discord keeps audit log entries for 45 days ("Audit Logs Resource"). */
export const AUDIT_LOG_RETENTION_MS = 45 * 86_400_000;
/** `X-Audit-Log-Reason` and an entry's `reason`: 1 to 512 characters ("Audit Log Entry Object"). */
export const MAX_AUDIT_LOG_REASON_LENGTH = 512;

/** One change of an entry, as Discord sends it. */
export interface AuditLogChange {
	key: string;
	old_value?: unknown;
	new_value?: unknown;
}

/** What an action reports to the audit log. */
export interface AuditLogEntryInput {
	actionType: AuditLogEvent;
	/** Who acted: the bot for REST calls, the member for `emu.moderation` controls; null for Discord itself. */
	userId: string | null;
	/** The affected entity (user, channel, role...), null for actions without one (MEMBER_DISCONNECT). */
	targetId: string | null;
	/** The `X-Audit-Log-Reason`, or what the moderator typed; empty or null means none. */
	reason?: string | null;
	changes?: AuditLogChange[];
	/** Optional entry info; Discord sends every value as a string (`count: "1"`, `type: "0"`). */
	options?: Record<string, string>;
}

/**
 * A change object, or null when nothing changed. Null / undefined values are left out, as Discord's docs say
 * ("If `new_value` is not present ... the property has been reset or set to null").
 */
export function auditChange(key: string, oldValue: unknown, newValue: unknown): AuditLogChange | null {
	const before = oldValue ?? undefined;
	const after = newValue ?? undefined;
	if (JSON.stringify(before) === JSON.stringify(after)) return null;
	return {
		key,
		...(after === undefined ? {} : { new_value: after }),
		...(before === undefined ? {} : { old_value: before })
	};
}

/** The change objects among `[key, old, new]` triples that differ. */
export function auditChanges(triples: [key: string, oldValue: unknown, newValue: unknown][]): AuditLogChange[] {
	return triples.map(([key, before, after]) => auditChange(key, before, after)).filter((change) => change !== null);
}

/**
 * The changes of a MEMBER_ROLE_UPDATE (25) entry: `$add` and `$remove`, each a list of `{ id, name }` partial roles
 * ("Audit Log Change Exceptions"). Empty when the roles did not change.
 */
export function roleUpdateChanges(guild: GuildState, before: string[], after: string[]): AuditLogChange[] {
	const named = (ids: string[]) => ids.map((id) => ({ id, name: guild.roles.get(id)?.name ?? '' }));
	const added = after.filter((id) => !before.includes(id));
	const removed = before.filter((id) => !after.includes(id));
	const changes: AuditLogChange[] = [];
	if (added.length) changes.push({ key: '$add', new_value: named(added) });
	if (removed.length) changes.push({ key: '$remove', new_value: named(removed) });
	return changes;
}

/** A permission overwrite as it appears in audit log changes (bitfields as strings). */
export function overwriteValue(overwrite: OverwriteState): { id: string; type: 0 | 1; allow: string; deny: string } {
	return { id: overwrite.id, type: overwrite.type, allow: overwrite.allow.toString(), deny: overwrite.deny.toString() };
}

/**
 * Adds an entry to the guild's audit log and sends GUILD_AUDIT_LOG_ENTRY_CREATE (entry + `guild_id`) when the bot
 * holds VIEW_AUDIT_LOG there ("Guild Audit Log Entry Create": "only sent to bots with the VIEW_AUDIT_LOG
 * permission"). Returns the entry.
 */
export function recordAuditLogEntry(world: World, guild: GuildState, input: AuditLogEntryInput): APIAuditLogEntry {
	const entry = {
		id: world.context.ids.next(),
		action_type: input.actionType,
		user_id: input.userId,
		target_id: input.targetId,
		...(input.changes?.length ? { changes: input.changes } : {}),
		...(input.options ? { options: input.options } : {}),
		...(input.reason ? { reason: input.reason } : {})
	} as APIAuditLogEntry;
	guild.auditLog.push(entry);
	const bot = guild.members.get(world.context.bot.id);
	if (bot && basePermissions(guild, bot, world.context.clock.now()) & PermissionFlagsBits.ViewAuditLog) {
		world.dispatch('GUILD_AUDIT_LOG_ENTRY_CREATE', { ...entry, guild_id: guild.id }, guild.id);
	}
	return entry;
}

/** Entries still kept at `now` (younger than 45 days), oldest first. */
export function retainedEntries(guild: GuildState, now: number): APIAuditLogEntry[] {
	return guild.auditLog.filter((entry) => now - snowflakeTimestamp(entry.id) <= AUDIT_LOG_RETENTION_MS);
}

/** Filters of `GET /guilds/{guild_id}/audit-logs` ("Get Guild Audit Log" query string params). */
export interface AuditLogQuery {
	userId?: string;
	targetId?: string;
	actionType?: number;
	before?: string;
	after?: string;
	/** 1 to 100, default 50. */
	limit?: number;
}

/**
 * Selects entries as "Get Guild Audit Log" documents: with `after` (and no `before`) the entries after it in
 * ascending id order, otherwise the entries before `before` (default: now) in descending order; at most `limit`.
 */
export function queryAuditLog(guild: GuildState, now: number, query: AuditLogQuery): APIAuditLogEntry[] {
	const matching = retainedEntries(guild, now).filter(
		(entry) =>
			(query.userId === undefined || entry.user_id === query.userId) &&
			(query.targetId === undefined || entry.target_id === query.targetId) &&
			(query.actionType === undefined || entry.action_type === query.actionType) &&
			(query.before === undefined || BigInt(entry.id) < BigInt(query.before)) &&
			(query.after === undefined || BigInt(entry.id) > BigInt(query.after))
	);
	const limit = query.limit ?? 50;
	if (query.after !== undefined && query.before === undefined) return matching.slice(0, limit);
	return matching.reverse().slice(0, limit);
}

/** Action types whose `target_id` is a user (the users list of the response includes them). */
const USER_TARGETS = new Set<number>([
	AuditLogEvent.MemberKick,
	AuditLogEvent.MemberBanAdd,
	AuditLogEvent.MemberBanRemove,
	AuditLogEvent.MemberUpdate,
	AuditLogEvent.MemberRoleUpdate,
	AuditLogEvent.BotAdd,
	AuditLogEvent.MessageDelete,
	AuditLogEvent.MessagePin,
	AuditLogEvent.MessageUnpin,
	AuditLogEvent.AutoModerationBlockMessage,
	AuditLogEvent.AutoModerationFlagToChannel,
	AuditLogEvent.AutoModerationUserCommunicationDisabled
]);

/**
 * The audit log object ("Audit Log Object"): the entries plus the users they reference (actors and user targets),
 * the threads of THREAD_CREATE / THREAD_UPDATE entries and the AutoMod rules of AUTO_MODERATION_RULE_* entries that
 * still exist (in `guild`); the other lists are empty (the emulator has no webhooks, integrations or scheduled events).
 */
export function auditLogPayload(world: World, entries: APIAuditLogEntry[], guild?: GuildState) {
	const userIds = new Set<string>();
	for (const entry of entries) {
		if (entry.user_id) userIds.add(entry.user_id);
		if (entry.target_id && USER_TARGETS.has(entry.action_type)) userIds.add(entry.target_id);
	}
	const users: APIUser[] = [...userIds].flatMap((id) => {
		const user = world.users.get(id);
		return user ? [userPayload(user)] : [];
	});
	const threadIds = new Set(
		entries
			.filter((entry) => entry.action_type === AuditLogEvent.ThreadCreate || entry.action_type === AuditLogEvent.ThreadUpdate)
			.map((entry) => entry.target_id!)
	);
	const threads = [...threadIds].flatMap((id) => {
		const channel = world.channels.get(id);
		return channel ? [channelPayload(world, channel)] : [];
	});
	const ruleTypes = new Set<number>([
		AuditLogEvent.AutoModerationRuleCreate,
		AuditLogEvent.AutoModerationRuleUpdate,
		AuditLogEvent.AutoModerationRuleDelete
	]);
	const ruleIds = new Set(entries.filter((entry) => ruleTypes.has(entry.action_type)).map((entry) => entry.target_id!));
	const rules = [...ruleIds].flatMap((id) => {
		const rule = guild?.autoModerationRules.get(id);
		return rule ? [structuredClone(rule)] : [];
	});
	return {
		application_commands: [],
		audit_log_entries: entries,
		auto_moderation_rules: rules,
		guild_scheduled_events: [],
		integrations: [],
		threads,
		users,
		webhooks: []
	};
}
