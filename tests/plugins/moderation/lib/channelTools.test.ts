/**
 * The pure rules of the channel tools (src/plugins/moderation/lib/purge.ts, lockdown.ts, slowmode.ts): purge filters,
 * the 14-day bulk-delete limit, batches, the lockdown overwrite and its exact restoration, slowmode input.
 */
import { UserError } from '@sapphire/framework';
import { PermissionFlagsBits, SnowflakeUtil } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { LOCKDOWN_DENIED_BITS, lockedOverwrite, parseBits, restoredOverwrite, snapshotOf } from '../../../../src/plugins/moderation/lib/lockdown.js';
import {
	BULK_DELETE_AGE_MARGIN_MS,
	BULK_DELETE_MAX_AGE_MS,
	checkPurgeCount,
	deleteBatches,
	isBulkDeletable,
	matchesPurge,
	MAX_PURGE_COUNT
} from '../../../../src/plugins/moderation/lib/purge.js';
import { parseSlowmode } from '../../../../src/plugins/moderation/lib/slowmode.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 20, 12);

/** The UserError a call throws (fails the test when it throws none or something else). */
function userErrorOf(call: () => unknown): UserError {
	try {
		call();
	} catch (error) {
		if (error instanceof UserError) return error;
		throw error;
	}
	throw new Error('expected a UserError');
}

const message = (over: Partial<{ id: string; author: { id: string; bot?: boolean }; content: string; pinned: boolean }> = {}) => ({
	id: '1',
	author: { id: '100' },
	content: 'Hello World',
	...over
});

describe('purge', () => {
	it('accepts counts 1 to 1,000 and refuses anything else', () => {
		expect(checkPurgeCount(1)).toBe(1);
		expect(checkPurgeCount(MAX_PURGE_COUNT)).toBe(1_000);
		for (const count of [0, -1, 1_001, 2.5, Number.NaN]) {
			const error = userErrorOf(() => checkPurgeCount(count));
			expect(error.identifier).toBe('moderation:errors.badPurgeCount');
			expect(error.context).toMatchObject({ count: String(count), max: 1_000 });
		}
	});

	it('matches by member, text (any case) and bots, all filters together; never a pinned message', () => {
		expect(matchesPurge(message(), {})).toBe(true);
		expect(matchesPurge(message(), { authorId: '100' })).toBe(true);
		expect(matchesPurge(message(), { authorId: '200' })).toBe(false);
		expect(matchesPurge(message(), { contains: 'WORLD' })).toBe(true);
		expect(matchesPurge(message(), { contains: 'planet' })).toBe(false);
		expect(matchesPurge(message(), { botsOnly: true })).toBe(false);
		expect(matchesPurge(message({ author: { id: '300', bot: true } }), { botsOnly: true })).toBe(true);
		expect(matchesPurge(message({ author: { id: '300', bot: true } }), { botsOnly: true, authorId: '300', contains: 'hello' })).toBe(true);
		expect(matchesPurge(message({ author: { id: '300', bot: true } }), { botsOnly: true, authorId: '300', contains: 'bye' })).toBe(false);
		expect(matchesPurge(message({ pinned: true }), {})).toBe(false);
	});

	it('bulk deletes messages younger than 14 days, with a minute to spare', () => {
		const at = (ms: number) => SnowflakeUtil.generate({ timestamp: ms }).toString();
		expect(isBulkDeletable(at(NOW - DAY), NOW)).toBe(true);
		expect(isBulkDeletable(at(NOW - BULK_DELETE_MAX_AGE_MS + BULK_DELETE_AGE_MARGIN_MS + 1_000), NOW)).toBe(true);
		expect(isBulkDeletable(at(NOW - BULK_DELETE_MAX_AGE_MS + 30_000), NOW)).toBe(false);
		expect(isBulkDeletable(at(NOW - 15 * DAY), NOW)).toBe(false);
	});

	it('splits ids into batches of 100, in order', () => {
		const ids = Array.from({ length: 250 }, (_, index) => String(index));
		const batches = deleteBatches(ids);
		expect(batches.map((batch) => batch.length)).toEqual([100, 100, 50]);
		expect(batches.flat()).toEqual(ids);
		expect(deleteBatches(ids.slice(0, 101)).map((batch) => batch.length)).toEqual([100, 1]);
		expect(deleteBatches([])).toEqual([]);
	});
});

describe('lockdown overwrite', () => {
	const addReactions = PermissionFlagsBits.AddReactions;
	const attachFiles = PermissionFlagsBits.AttachFiles;

	it('denies writing and threads, keeping every other bit', () => {
		expect(lockedOverwrite(null)).toEqual({ allow: 0n, deny: LOCKDOWN_DENIED_BITS });
		const previous = { allow: addReactions | PermissionFlagsBits.SendMessages, deny: attachFiles };
		expect(lockedOverwrite(previous)).toEqual({ allow: addReactions, deny: attachFiles | LOCKDOWN_DENIED_BITS });
		expect(LOCKDOWN_DENIED_BITS).toBe(
			PermissionFlagsBits.SendMessages | PermissionFlagsBits.SendMessagesInThreads | PermissionFlagsBits.CreatePublicThreads | PermissionFlagsBits.CreatePrivateThreads
		);
	});

	it('restores exactly the previous overwrite, or none', () => {
		const previous = { allow: addReactions, deny: attachFiles };
		const snapshot = snapshotOf(previous);
		expect(snapshot).toEqual({ hadOverwrite: true, allow: addReactions.toString(), deny: attachFiles.toString() });
		expect(restoredOverwrite(snapshot)).toEqual(previous);
		expect(restoredOverwrite(snapshotOf({ allow: 0n, deny: 0n }))).toEqual({ allow: 0n, deny: 0n });
		expect(restoredOverwrite(snapshotOf(null))).toBeNull();
		// Bit 63 survives the round trip (Discord's bitfields are 64 bits; a JavaScript number would lose it).
		const high = { allow: 1n << 63n, deny: (1n << 64n) - 1n };
		expect(restoredOverwrite(snapshotOf(high))).toEqual(high);
	});

	it('refuses a damaged snapshot rather than guessing', () => {
		expect(() => restoredOverwrite({ hadOverwrite: true, allow: null, deny: '0' })).toThrow(TypeError);
		expect(() => parseBits('-1')).toThrow(TypeError);
		expect(() => parseBits('12a')).toThrow(TypeError);
	});
});

describe('slowmode input', () => {
	it('reads off, 0 and durations in whole seconds, up to 6 hours', () => {
		expect(parseSlowmode('off', 'en-US')).toBe(0);
		expect(parseSlowmode(' OFF ', 'en-US')).toBe(0);
		expect(parseSlowmode('0', 'en-US')).toBe(0);
		expect(parseSlowmode('désactivé', 'fr', ['désactivé'])).toBe(0);
		expect(parseSlowmode('10s', 'en-US')).toBe(10);
		expect(parseSlowmode('1h 30m', 'en-US')).toBe(5_400);
		expect(parseSlowmode('6h', 'en-US')).toBe(21_600);
	});

	it('refuses what is not a duration and more than 6 hours', () => {
		expect(userErrorOf(() => parseSlowmode('soon', 'en-US')).identifier).toBe('moderation:errors.badDuration');
		expect(userErrorOf(() => parseSlowmode('6h 1s', 'en-US')).identifier).toBe('moderation:errors.durationOutOfRange');
		expect(userErrorOf(() => parseSlowmode('1d', 'en-US')).identifier).toBe('moderation:errors.durationOutOfRange');
	});
});
