import type { Translate } from '../../../lib/i18n.js';
import { fitContent } from '../../../lib/replies.js';
import { formatDuration } from '../lib/durations.js';
import { discordTime } from './modLog.js';

/** The actions whose member is told by DM (issue 8: warn, timeout, kick and ban; a softban tells like a kick). */
export type DmKind = 'warn' | 'timeout' | 'kick' | 'softban' | 'ban';

/** What a DM says besides its kind. */
export interface DmDetails {
	/** The guild's name. */
	guildName: string;
	/** The case's reason (null: none given, the line is left out). */
	reason: string | null;
	/** Timeouts (always) and temporary bans: the length (ms) and the end (ms since the epoch). */
	durationMs?: number | null;
	until?: number | null;
	/** Bans: the guild's appeal text (config `appealText`), or null. */
	appealText?: string | null;
}

/**
 * The DM telling a member about an action, in the guild's language: what happened and where, for how long, why, and
 * for bans how to appeal. Cut to Discord's 2,000 characters.
 */
export function dmContent(kind: DmKind, details: DmDetails, t: Translate, locale: string): string {
	const guild = details.guildName;
	const duration = formatDuration(details.durationMs ?? 0, locale);
	const until = discordTime(details.until ?? 0);
	const temporary = details.durationMs !== null && details.durationMs !== undefined;
	const lines: string[] = [];
	if (kind === 'timeout') lines.push(t('moderation:dm.timeout', { guild, duration, until }));
	else if (kind === 'ban' && temporary) lines.push(t('moderation:dm.banTemporary', { guild, duration, until }));
	else lines.push(t(`moderation:dm.${kind}`, { guild }));
	if (details.reason) lines.push(t('moderation:dm.reason', { reason: details.reason }));
	if (kind === 'ban' && details.appealText) lines.push(t('moderation:dm.appeal', { text: details.appealText }));
	return fitContent(lines.join('\n'));
}
