/**
 * The Redis ranking sets (src/plugins/voice-xp/lib/rankings.ts) against the real Redis and PostgreSQL: the same
 * positions and pages as the PostgreSQL queries of stats.ts (ties included), updated after a flush, `/xp add` and
 * `/xp reset`, rebuilt once after the key is lost (one process at a time), PostgreSQL answers when Redis is down.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushDeltas } from '../../../../src/plugins/voice-xp/lib/flush.js';
import { RANK_SENTINEL, RankIndex } from '../../../../src/plugins/voice-xp/lib/rankings.js';
import type { VoiceXpDelta } from '../../../../src/plugins/voice-xp/lib/sessionTracker.js';
import { adjustMemberXp, countRankedMembers, getLeaderboardPage, getRankPosition, resetMemberStats } from '../../../../src/plugins/voice-xp/lib/stats.js';
import { testRedisUrl } from '../../../../tools/infra.js';
import { deleteRedisKeys } from '../../../../tools/redisKeys.js';
import { uniqueRedisPrefix } from '../../../helpers/infra.js';
import { createTestDatabase, type TestDatabase } from './testDatabase.js';

const GUILD = '900000000000000001';
const MINUTE = 60_000;

let db: TestDatabase;
let redis: Redis;
let prefix: string;
const em = () => db.orm.em.fork();
const errors: string[] = [];
const index = () => new RankIndex({ redis, prefix, em, onError: (what) => errors.push(what) });

beforeAll(async () => {
	db = await createTestDatabase();
	redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
	if (prefix) await deleteRedisKeys(testRedisUrl, prefix);
	redis?.disconnect();
	await db?.drop();
});

beforeEach(async () => {
	if (prefix) await deleteRedisKeys(testRedisUrl, prefix);
	prefix = uniqueRedisPrefix();
	errors.length = 0;
	await em().execute('truncate voice_xp_member_stats');
});

let clock = 0;
/** Adds XP and voice seconds through the real flush (each call a later window); returns the rows written. */
async function earn(members: { userId: string; xp: number; seconds: number }[]) {
	const from = clock;
	clock += MINUTE;
	const deltas: VoiceXpDelta[] = members.map((m) => ({ guildId: GUILD, userId: m.userId, eligibleMs: m.seconds * 1_000, xpUnits: m.xp * MINUTE, from, to: clock }));
	return (await flushDeltas(em(), deltas)).written;
}

/** 60 members on few XP values (many ties), ids of 17 to 19 digits. */
function population() {
	return Array.from({ length: 60 }, (_, i) => ({
		userId: String([10_000_000_000_000_000n, 900_000_000_000_000_000n, 99_999_999_999_999_999n][i % 3]! + BigInt(i * 7919)),
		xp: [0, 5, 5, 40, 40, 40, 300][i % 7]!,
		seconds: i % 7 === 0 ? 30 : 60
	}));
}

/** Every member's rank and every page, from the index and from PostgreSQL. */
async function expectSameAsPostgres(rankings: RankIndex, userIds: readonly string[], source: 'redis' | 'postgres' = 'redis') {
	const count = await countRankedMembers(em(), GUILD);
	for (const userId of userIds) {
		expect(await rankings.rank(GUILD, userId), userId).toEqual({ position: await getRankPosition(em(), GUILD, userId), rankedCount: count, source });
	}
	for (let page = 1; page <= Math.max(1, Math.ceil(count / 10)) + 1; page++) {
		const { source: from, ...fromIndex } = await rankings.page(GUILD, page);
		expect(from).toBe(source);
		expect(fromIndex, `page ${page}`).toEqual(await getLeaderboardPage(em(), GUILD, page));
	}
}

describe('RankIndex', () => {
	it('answers from PostgreSQL until the set is rebuilt, then from Redis with the same ranks and pages, ties included', async () => {
		const members = population();
		await earn(members);
		const rankings = index();
		const ids = [...members.map((m) => m.userId), '900000000000000999'];
		expect((await rankings.rank(GUILD, ids[0]!)).source).toBe('postgres');
		await rankings.settled(GUILD);
		expect(await redis.zscore(rankings.key(GUILD), RANK_SENTINEL)).toBe('inf');
		await expectSameAsPostgres(rankings, ids);
		expect(errors).toEqual([]);
	});

	it('follows a flush, /xp add and /xp reset', async () => {
		const members = population();
		await earn(members);
		const rankings = index();
		await rankings.rebuild(GUILD);
		const ids = members.map((m) => m.userId);

		await rankings.update(await earn(members.slice(0, 20).map((m, i) => ({ ...m, xp: i * 3, seconds: 10 }))));
		await expectSameAsPostgres(rankings, ids);

		await rankings.update([(await adjustMemberXp(em(), GUILD, ids[30]!, 10_000)).after, (await adjustMemberXp(em(), GUILD, ids[31]!, -1_000_000)).after]);
		await rankings.update([(await adjustMemberXp(em(), GUILD, '900000000000000777', 40)).after]);
		await expectSameAsPostgres(rankings, [...ids, '900000000000000777']);
		expect((await rankings.rank(GUILD, ids[30]!)).position).toBe(1);

		const before = (await rankings.rank(GUILD, ids[5]!)).rankedCount;
		await rankings.update([(await resetMemberStats(em(), GUILD, ids[5]!))!.after]);
		expect(await rankings.rank(GUILD, ids[5]!)).toEqual({ position: null, rankedCount: before - 1, source: 'redis' });
		await expectSameAsPostgres(rankings, ids);
	});

	it('shows an empty guild from its set, and does not create a set by updating a missing one', async () => {
		const rankings = index();
		await rankings.rank(GUILD, '900000000000000001');
		await rankings.settled(GUILD);
		expect(await rankings.page(GUILD, 3)).toEqual({ page: 1, pageCount: 1, memberCount: 0, entries: [], source: 'redis' });

		const other = '900000000000000002';
		await rankings.update([{ guildId: other, userId: '1', totalXp: 5, voiceSeconds: 1 }]);
		expect(await redis.exists(rankings.key(other))).toBe(0);
	});

	it('is rebuilt after its key is deleted, by one process at a time, keeping updates made during the rebuild', async () => {
		const members = population();
		await earn(members);
		const rankings = index();
		await rankings.rebuild(GUILD);
		await redis.del(rankings.key(GUILD));
		await rankings.update(await earn([{ userId: members[0]!.userId, xp: 7, seconds: 5 }]));

		const a = index();
		const b = index();
		const both = await Promise.all([a.rebuild(GUILD, 7), b.rebuild(GUILD, 7)]);
		expect(both.filter(Boolean)).toHaveLength(1);
		await expectSameAsPostgres(rankings, members.map((m) => m.userId));

		// An update landing while a set is being built goes to it (ZADD NX of the rebuild then keeps it).
		await redis.del(rankings.key(GUILD));
		const building = `${prefix}voice-xp:rank-building:${GUILD}`;
		await redis.zadd(building, '+inf', RANK_SENTINEL);
		const userId = members[1]!.userId;
		await rankings.update(await earn([{ userId, xp: 1_000, seconds: 5 }]));
		expect(Number(await redis.zscore(building, userId))).toBeLessThan(-1_000);
		await redis.del(building);
	});

	it('drops a set that missed an update, so that it is rebuilt rather than left stale', async () => {
		await earn(population());
		const rankings = index();
		await rankings.rebuild(GUILD);
		const failing = { eval: () => failing, exec: () => Promise.reject(new Error('connection lost')) };
		const spy = vi.spyOn(redis, 'pipeline').mockImplementationOnce(() => failing as never);
		await rankings.update(await earn([{ userId: '900000000000000555', xp: 9_999, seconds: 1 }]));
		spy.mockRestore();
		expect(errors).toEqual(['update the ranking sets']);
		expect(await redis.exists(rankings.key(GUILD))).toBe(0);
		expect((await rankings.rank(GUILD, '900000000000000555')).source).toBe('postgres');
		await rankings.settled(GUILD);
		expect(await rankings.rank(GUILD, '900000000000000555')).toMatchObject({ position: 1, source: 'redis' });
	});

	it('answers from PostgreSQL when Redis is down', async () => {
		const members = population();
		await earn(members);
		const down = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
		down.on('error', () => undefined);
		const rankings = new RankIndex({ redis: down, prefix, em, onError: (what) => errors.push(what), timeoutMs: 200 });
		await expectSameAsPostgres(rankings, members.slice(0, 5).map((m) => m.userId), 'postgres');
		await rankings.update(await earn(members.slice(0, 3)));
		expect(errors).toContain('read a member rank');
		expect(errors).toContain('update the ranking sets');
		down.disconnect();
	});
});
