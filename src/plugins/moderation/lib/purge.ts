import { SnowflakeUtil } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';

/**
 * The rules of `/purge` (service/ChannelTools.ts `purge`) as plain functions: which messages match, which Discord will
 * still bulk delete, and how they are split into requests.
 */

const DAY_MS = 86_400_000;

/** Most messages one `/purge` deletes: 1,000 (issue 8), ten bulk deletes. */
export const MAX_PURGE_COUNT = 1_000;

/** Messages per bulk delete: 2 to 100 ("Bulk Delete Messages"); a single message goes through "Delete Message". */
export const BULK_DELETE_MAX = 100;

/** Messages per page of channel history: at most 100 ("Get Channel Messages", `limit` 1-100). */
export const HISTORY_PAGE_SIZE = 100;

/**
 * Most messages of the channel's history one purge looks through, newest first: 5,000 (50 pages). With filters
 * (member, text, bots) the matching messages may be far apart; this bounds the requests of one command.
 */
export const MAX_PURGE_SCAN = 5_000;

/** Discord refuses to bulk delete messages older than 14 days (50034, "Bulk Delete Messages"), judged by their id. */
export const BULK_DELETE_MAX_AGE_MS = 14 * DAY_MS;

/**
 * Messages within this margin of the 14 days are treated as too old (skipped): between listing them and Discord
 * receiving the bulk delete, time passes, and one message over the limit makes Discord refuse the whole request.
 */
export const BULK_DELETE_AGE_MARGIN_MS = 60_000;

/** What a purge deletes among the channel's latest messages. Empty filter: every message. */
export interface PurgeFilter {
	/** Only messages of this user. */
	readonly authorId?: string | null;
	/**
	 * Only messages whose text contains this, ignoring case. (Discord hands message text to bots that have the
	 * Message Content intent turned on in the Developer Portal; without it every other member's text reads empty.)
	 */
	readonly contains?: string | null;
	/** Only messages of bots (and webhooks, which Discord marks as bots). */
	readonly botsOnly?: boolean;
}

/** The part of a Discord message the filter reads (an `APIMessage` has it). */
export interface PurgeCandidate {
	readonly id: string;
	readonly author: { readonly id: string; readonly bot?: boolean };
	readonly content: string;
	/** Pinned messages are never purged: they were kept on purpose. */
	readonly pinned?: boolean;
}

/**
 * Checks the count a moderator asked for: a whole number from 1 to {@link MAX_PURGE_COUNT}. (The command's option
 * has the same bounds, so Discord refuses other values; this covers the service's other callers.)
 * @throws UserError `moderation:errors.badPurgeCount` (context: `count`, `max`).
 */
export function checkPurgeCount(count: number): number {
	if (!Number.isInteger(count) || count < 1 || count > MAX_PURGE_COUNT) {
		throw translatedUserError('moderation:errors.badPurgeCount', { count: String(count), max: MAX_PURGE_COUNT });
	}
	return count;
}

/** Whether a message is one the purge deletes: not pinned, and every filter given holds. */
export function matchesPurge(message: PurgeCandidate, filter: PurgeFilter): boolean {
	if (message.pinned) return false;
	if (filter.authorId && message.author.id !== filter.authorId) return false;
	if (filter.botsOnly && !message.author.bot) return false;
	if (filter.contains && !message.content.toLocaleLowerCase().includes(filter.contains.toLocaleLowerCase())) return false;
	return true;
}

/**
 * Whether Discord still bulk deletes a message at `now` (ms): its id's time is less than 14 days old, with
 * {@link BULK_DELETE_AGE_MARGIN_MS} to spare. The single-message route has no age limit, but a purge uses it only for
 * a last lone message, and treats every message alike: older ones are skipped and counted.
 */
export function isBulkDeletable(messageId: string, now: number): boolean {
	const postedAt = SnowflakeUtil.timestampFrom(messageId);
	return now - postedAt < BULK_DELETE_MAX_AGE_MS - BULK_DELETE_AGE_MARGIN_MS;
}

/**
 * Splits message ids into requests of at most {@link BULK_DELETE_MAX}, in order (newest first as given). A request of
 * one id is sent to the single-message route (bulk delete needs 2 to 100).
 */
export function deleteBatches(ids: readonly string[]): string[][] {
	const batches: string[][] = [];
	for (let start = 0; start < ids.length; start += BULK_DELETE_MAX) batches.push(ids.slice(start, start + BULK_DELETE_MAX));
	return batches;
}
