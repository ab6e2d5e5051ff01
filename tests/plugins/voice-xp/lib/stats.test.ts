import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flushDeltas } from '../../../../src/plugins/voice-xp/lib/flush.js';
import type { VoiceXpDelta } from '../../../../src/plugins/voice-xp/lib/sessionTracker.js';
import {
	adjustMemberXp,
	countRankedMembers,
	getLeaderboardPage,
	getMemberStats,
	getRankPosition,
	memberTierPage,
	resetMemberStats,
	setTierRoleId,
	voiceSecondsForXp
} from '../../../../src/plugins/voice-xp/lib/stats.js';
import { createTestDatabase, type TestDatabase } from './testDatabase.js';

const GUILD = '900000000000000001';
const MINUTE = 60_000;

let db: TestDatabase;
const em = () => db.orm.em.fork();

beforeAll(async () => {
	db = await createTestDatabase();
});

afterAll(async () => {
	await db?.drop();
});

beforeEach(async () => {
	await em().execute('truncate voice_xp_member_stats');
});

/** Gives members exact XP and voice seconds through the real flush. */
async function seed(members: { userId: string; xp: number; seconds: number }[], from = 0, to = MINUTE): Promise<void> {
	const deltas: VoiceXpDelta[] = members.map((m) => ({ guildId: GUILD, userId: m.userId, eligibleMs: m.seconds * 1_000, xpUnits: m.xp * MINUTE, from, to }));
	await flushDeltas(em(), deltas);
}

describe('adjustMemberXp (/xp add)', () => {
	it('drops a level when a negative amount crosses a level boundary down', async () => {
		await seed([{ userId: '910000000000000001', xp: 4_680, seconds: 100 }]);
		const change = await adjustMemberXp(em(), GUILD, '910000000000000001', -10);
		expect(change.before).toMatchObject({ totalXp: 4_680, level: 10, xpIntoLevel: 5 });
		expect(change.after).toMatchObject({ totalXp: 4_670, level: 9, xpIntoLevel: 950, xpForNextLevel: 955, voiceSeconds: 100 });
		expect(await getMemberStats(em(), GUILD, '910000000000000001')).toEqual(change.after);
	});

	it('raises levels with a positive amount and clamps a total below zero to zero', async () => {
		await seed([{ userId: '910000000000000001', xp: 50, seconds: 10 }]);
		expect((await adjustMemberXp(em(), GUILD, '910000000000000001', 4_625)).after).toMatchObject({ totalXp: 4_675, level: 10, xpIntoLevel: 0 });
		expect((await adjustMemberXp(em(), GUILD, '910000000000000001', -1_000_000)).after).toMatchObject({ totalXp: 0, level: 0, xpIntoLevel: 0 });
	});

	it('creates the row of a member who never earned', async () => {
		const change = await adjustMemberXp(em(), GUILD, '910000000000000002', 150);
		expect(change.before).toBeNull();
		expect(change.after).toMatchObject({ totalXp: 150, level: 1, xpIntoLevel: 50, voiceSeconds: 0 });
	});

	it('keeps accrued carries, so the next flush still adds exactly', async () => {
		await flushDeltas(em(), [{ guildId: GUILD, userId: '910000000000000001', eligibleMs: 5_000, xpUnits: 30_000, from: 0, to: 5_000 }]);
		await adjustMemberXp(em(), GUILD, '910000000000000001', 10);
		await flushDeltas(em(), [{ guildId: GUILD, userId: '910000000000000001', eligibleMs: 5_000, xpUnits: 30_000, from: 5_000, to: 10_000 }]);
		expect(await getMemberStats(em(), GUILD, '910000000000000001')).toMatchObject({ totalXp: 11, voiceSeconds: 10 });
	});

	it('moves voice time with the amount when asked, never below zero', async () => {
		await seed([{ userId: '910000000000000001', xp: 60, seconds: 600 }]);
		const up = await adjustMemberXp(em(), GUILD, '910000000000000001', 60, voiceSecondsForXp(60, 6));
		expect(up.after).toMatchObject({ totalXp: 120, voiceSeconds: 1_200 });
		const down = await adjustMemberXp(em(), GUILD, '910000000000000001', -600, voiceSecondsForXp(-600, 6));
		expect(down.after).toMatchObject({ totalXp: 0, voiceSeconds: 0, level: 0 });
		const fresh = await adjustMemberXp(em(), GUILD, '910000000000000002', 10, voiceSecondsForXp(10, 6));
		expect(fresh.after).toMatchObject({ totalXp: 10, voiceSeconds: 100 });
		await expect(adjustMemberXp(em(), GUILD, '910000000000000002', 1, 0.5)).rejects.toThrow(RangeError);
	});

	it('refuses a fractional or huge amount', async () => {
		await expect(adjustMemberXp(em(), GUILD, '910000000000000001', 1.5)).rejects.toThrow(RangeError);
		await expect(adjustMemberXp(em(), GUILD, '910000000000000001', 2e9)).rejects.toThrow(RangeError);
	});
});

describe('resetMemberStats (/xp reset)', () => {
	it('zeroes XP, level and voice time but never re-adds time counted before', async () => {
		await seed([{ userId: '910000000000000001', xp: 500, seconds: 3_000 }]);
		const change = await resetMemberStats(em(), GUILD, '910000000000000001');
		expect(change!.before).toMatchObject({ totalXp: 500, voiceSeconds: 3_000 });
		expect(change!.after).toMatchObject({ totalXp: 0, level: 0, xpIntoLevel: 0, voiceSeconds: 0 });
		await seed([{ userId: '910000000000000001', xp: 500, seconds: 3_000 }]);
		expect(await getMemberStats(em(), GUILD, '910000000000000001')).toMatchObject({ totalXp: 0, voiceSeconds: 0 });
		expect(await resetMemberStats(em(), GUILD, '910000000000000099')).toBeNull();
	});
});

describe('setTierRoleId', () => {
	it('records the tier role given, and clears it', async () => {
		await seed([{ userId: '910000000000000001', xp: 1, seconds: 1 }]);
		await setTierRoleId(em(), GUILD, '910000000000000001', '920000000000000001');
		expect((await getMemberStats(em(), GUILD, '910000000000000001'))!.tierRoleId).toBe('920000000000000001');
		await setTierRoleId(em(), GUILD, '910000000000000001', null);
		expect((await getMemberStats(em(), GUILD, '910000000000000001'))!.tierRoleId).toBeNull();
	});
});

describe('ranking', () => {
	it('orders by XP, then user id in byte order (the Redis ranking set\'s order; voice time does not break ties)', async () => {
		await seed([
			{ userId: '910000000000000005', xp: 300, seconds: 10 },
			{ userId: '910000000000000004', xp: 200, seconds: 50 },
			{ userId: '910000000000000003', xp: 200, seconds: 90 },
			{ userId: '99999999999999999', xp: 200, seconds: 50 },
			{ userId: '910000000000000001', xp: 100, seconds: 10 }
		]);
		expect(await getRankPosition(em(), GUILD, '910000000000000005')).toBe(1);
		expect(await getRankPosition(em(), GUILD, '910000000000000003')).toBe(2);
		expect(await getRankPosition(em(), GUILD, '910000000000000004')).toBe(3);
		// Same XP: "99…" comes after "91…" in byte order, although the 17-digit id is the smaller number.
		expect(await getRankPosition(em(), GUILD, '99999999999999999')).toBe(4);
		expect(await getRankPosition(em(), GUILD, '910000000000000001')).toBe(5);
		expect(await getRankPosition(em(), GUILD, '910000000000000077')).toBeNull();

		const board = await getLeaderboardPage(em(), GUILD, 1);
		expect(board.entries.map((e) => [e.position, e.userId])).toEqual([
			[1, '910000000000000005'],
			[2, '910000000000000003'],
			[3, '910000000000000004'],
			[4, '99999999999999999'],
			[5, '910000000000000001']
		]);
	});

	it('pages ten at a time, clamps the page number and leaves out members reset to nothing', async () => {
		const members = Array.from({ length: 26 }, (_, i) => ({ userId: String(910000000000000100n + BigInt(i)), xp: 1_000 - i, seconds: 60 }));
		await seed(members);
		await resetMemberStats(em(), GUILD, members[25]!.userId);

		const third = await getLeaderboardPage(em(), GUILD, 3);
		expect(third).toMatchObject({ page: 3, pageCount: 3, memberCount: 25 });
		expect(third.entries.map((e) => e.position)).toEqual([21, 22, 23, 24, 25]);
		expect(third.entries[0]).toMatchObject({ userId: members[20]!.userId, totalXp: 980 });
		expect((await getLeaderboardPage(em(), GUILD, 0)).page).toBe(1);
		expect((await getLeaderboardPage(em(), GUILD, 99)).page).toBe(3);
		expect(await getRankPosition(em(), GUILD, members[25]!.userId)).toBeNull();
	});

	it('shows one empty page for a guild without members', async () => {
		expect(await getLeaderboardPage(em(), '900000000000000002', 1)).toEqual({ page: 1, pageCount: 1, memberCount: 0, entries: [] });
	});
});

describe('voiceSecondsForXp', () => {
	it('is the voice time an amount is worth at a rate, rounded, with its sign', () => {
		expect(voiceSecondsForXp(6, 6)).toBe(60);
		expect(voiceSecondsForXp(4_680, 6)).toBe(46_800);
		expect(voiceSecondsForXp(-10, 6)).toBe(-100);
		expect(voiceSecondsForXp(1, 7)).toBe(9);
		expect(voiceSecondsForXp(-1, 7)).toBe(-9);
		expect(() => voiceSecondsForXp(10, 0)).toThrow(RangeError);
	});
});

describe('countRankedMembers and carries', () => {
	it('counts members with any XP or time, and reads the carries the next flush continues from', async () => {
		await flushDeltas(em(), [{ guildId: GUILD, userId: '910000000000000001', eligibleMs: 5_500, xpUnits: 33_000, from: 0, to: 5_500 }]);
		await seed([{ userId: '910000000000000002', xp: 5, seconds: 5 }]);
		expect(await countRankedMembers(em(), GUILD)).toBe(2);
		expect(await getMemberStats(em(), GUILD, '910000000000000001')).toMatchObject({ totalXp: 0, voiceSeconds: 5, xpCarry: 33_000, msCarry: 500 });
		await resetMemberStats(em(), GUILD, '910000000000000002');
		expect(await countRankedMembers(em(), GUILD)).toBe(1);
	});
});

describe('memberTierPage (tier sweep)', () => {
	it('pages through every stored member of the guild, with their voice time and stored tier, and no other guild', async () => {
		const ids = ['100000000000000003', '100000000000000001', '99000000000000002', '100000000000000002'];
		await seed(ids.map((userId, index) => ({ userId, xp: 0, seconds: (index + 1) * 60 })));
		await setTierRoleId(em(), GUILD, '100000000000000001', '700000000000000001');
		await adjustMemberXp(em(), '900000000000000002', '100000000000000009', 10, 60);
		const first = await memberTierPage(em(), GUILD, null, 3);
		expect(first).toEqual([
			{ userId: '100000000000000001', voiceSeconds: 120, tierRoleId: '700000000000000001' },
			{ userId: '100000000000000002', voiceSeconds: 240, tierRoleId: null },
			{ userId: '100000000000000003', voiceSeconds: 60, tierRoleId: null }
		]);
		const second = await memberTierPage(em(), GUILD, first[2]!.userId, 3);
		expect(second).toEqual([{ userId: '99000000000000002', voiceSeconds: 180, tierRoleId: null }]);
		expect(await memberTierPage(em(), GUILD, second[0]!.userId, 3)).toEqual([]);
	});

	it('refuses a page size outside 1 to 10,000', async () => {
		await expect(memberTierPage(em(), GUILD, null, 0)).rejects.toThrow(RangeError);
		await expect(memberTierPage(em(), GUILD, null, 10_001)).rejects.toThrow(RangeError);
	});
});
