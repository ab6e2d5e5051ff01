import { AuditLogEvent } from 'discord.js';

/**
 * Actions done by hand in Discord (its own Ban / Kick / Timeout menus, or another bot) become cases of source
 * `external` (issue 8, "Cases"), read from GUILD_AUDIT_LOG_ENTRY_CREATE. This is the pure part: which entries are such
 * actions, and what they did.
 */

/** The change of one property in an audit-log entry (discord.js `AuditLogChange`). */
export interface AuditChange {
	readonly key: string;
	readonly old?: unknown;
	readonly new?: unknown;
}

/** What the plugin reads of an audit-log entry (discord.js `GuildAuditLogsEntry`). */
export interface AuditEntryFacts {
	/** The entry's action type (`AuditLogEvent`). */
	readonly action: number;
	/** Who acted; null when Discord itself did. */
	readonly executorId: string | null;
	readonly targetId: string | null;
	readonly reason: string | null;
	readonly changes: readonly AuditChange[];
}

/** An action done outside the plugin, to record as a case. */
export type ExternalAction =
	| { readonly type: 'ban' | 'unban' | 'kick' | 'untimeout'; readonly targetId: string; readonly moderatorId: string; readonly reason: string | null }
	| { readonly type: 'timeout'; readonly targetId: string; readonly moderatorId: string; readonly reason: string | null; readonly until: number };

/**
 * The action an audit-log entry records, or null when it is not one the plugin records: the bot's own actions (already
 * cases), actions by Discord itself (no executor), and every other kind of entry. A member update counts when it
 * changes `communication_disabled_until`: set, a timeout until then; removed, the timeout lifted.
 * @param botId the bot's own user id.
 */
export function externalActionOf(entry: AuditEntryFacts, botId: string): ExternalAction | null {
	const { executorId, targetId } = entry;
	if (executorId === null || executorId === botId || targetId === null) return null;
	const reason = entry.reason?.trim() || null;
	const base = { targetId, moderatorId: executorId, reason };
	switch (entry.action) {
		case AuditLogEvent.MemberBanAdd:
			return { type: 'ban', ...base };
		case AuditLogEvent.MemberBanRemove:
			return { type: 'unban', ...base };
		case AuditLogEvent.MemberKick:
			return { type: 'kick', ...base };
		case AuditLogEvent.MemberUpdate: {
			const change = entry.changes.find((candidate) => candidate.key === 'communication_disabled_until');
			if (!change) return null;
			if (change.new === undefined || change.new === null) return change.old === undefined || change.old === null ? null : { type: 'untimeout', ...base };
			const until = typeof change.new === 'string' ? Date.parse(change.new) : Number.NaN;
			return Number.isFinite(until) ? { type: 'timeout', ...base, until } : null;
		}
		default:
			return null;
	}
}
