import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import { withTimeout } from '../../../lib/timeout.js';
import {
	countRankedMembers,
	getLeaderboardPage,
	getMembersStats,
	getRankPosition,
	LEADERBOARD_PAGE_SIZE,
	MEMBER_STATS_TABLE,
	type LeaderboardPage
} from './stats.js';

/**
 * `/rank` and `/leaderboard` in O(log n) (issue 12): one Redis sorted set per guild, `<prefix>voice-xp:rank:<guildId>`,
 * member = user id, score = −total XP, holding the ranked members (any XP or voice time). A member's position is
 * `ZRANK` + 1, a leaderboard page `ZRANGE offset offset+9`: ascending score is descending XP, and Redis orders equal
 * scores by member in byte order, which is the tie-break the PostgreSQL queries of stats.ts use (`user_id collate "C"`),
 * so both give the same answers, ties included.
 *
 * PostgreSQL stays the source of truth; the set follows it:
 * - the flush, after its write, sets the new totals of the members it wrote (one pipeline per flush; {@link update});
 *   `/xp add` and `/xp reset` do the same for their member; a member with nothing (0 XP and 0 s) is removed;
 * - updates only touch a set that exists (a Lua script checks), so a partial set is never taken for a whole one. A
 *   complete set holds a sentinel member ({@link RANK_SENTINEL}, score +inf, always last): a guild with no ranked
 *   member still has its set, and counts are `ZCARD − 1`;
 * - a guild whose set is missing (first use, Redis flushed or evicted) is answered from PostgreSQL and rebuilt in the
 *   background once, under a lock (`…:rank-lock:<guildId>`, {@link RANK_LOCK_TTL_MS}) so two processes never rebuild
 *   together: rows are read by primary key pages into `…:rank-building:<guildId>` with `ZADD NX` (updates made meanwhile
 *   go to that key too, and win), then renamed into place atomically;
 * - when Redis fails or is slow ({@link RANK_REDIS_TIMEOUT_MS}), answers come from PostgreSQL as before; a set that
 *   missed an update is deleted (at once, or before the next read once Redis answers again), and so rebuilt.
 *
 * Limits: two flushes of the same member by two processes may reach Redis in the other order than PostgreSQL (the set
 * then shows the older total until the member's next write); a `/xp reset` racing a rebuild may leave the member's old
 * total until their next write.
 */

/** The member marking a complete set (not a snowflake; score +inf, so it sorts after every member). */
export const RANK_SENTINEL = '~';
/** How long a rebuild may hold its lock (refreshed every page), ms. */
export const RANK_LOCK_TTL_MS = 60_000;
/** How long a Redis read may take before the answer comes from PostgreSQL, ms. */
export const RANK_REDIS_TIMEOUT_MS = 1_000;
/** Rows per PostgreSQL page of a rebuild. */
export const RANK_REBUILD_PAGE = 10_000;
/** Members per ZADD of an update. */
const UPDATE_CHUNK = 1_000;

/** ZADD (ARGV: score, member, …) into each of KEYS that exists. */
const ZADD_IF_EXISTS = `for _, key in ipairs(KEYS) do if redis.call('exists', key) == 1 then redis.call('zadd', key, unpack(ARGV)) end end return 0`;
/** ZREM (ARGV: members) from each of KEYS that exists. */
const ZREM_IF_EXISTS = `for _, key in ipairs(KEYS) do if redis.call('exists', key) == 1 then redis.call('zrem', key, unpack(ARGV)) end end return 0`;
const UNLOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/** A member's new standing, as the flush and the admin commands return it. */
export interface RankedTotals {
	guildId: string;
	userId: string;
	totalXp: number;
	voiceSeconds: number;
}

/** Where an answer came from. */
export type RankSource = 'redis' | 'postgres';

/** A member's position (null: not ranked) among `rankedCount` ranked members. */
export interface RankAnswer {
	position: number | null;
	rankedCount: number;
	source: RankSource;
}

/** Options of {@link RankIndex}. */
export interface RankIndexOptions {
	redis: Redis;
	/** The bot's Redis prefix (`hearth:`). */
	prefix: string;
	em: () => EntityManager;
	/** Told when Redis failed (the answer came from PostgreSQL) or a rebuild failed. */
	onError?: (what: string, error: unknown) => void;
	/** Redis read timeout, ms (default {@link RANK_REDIS_TIMEOUT_MS}). */
	timeoutMs?: number;
}

/** The per-guild ranking sets (see the module description). */
export class RankIndex {
	readonly #redis: Redis;
	readonly #prefix: string;
	readonly #em: () => EntityManager;
	readonly #onError: (what: string, error: unknown) => void;
	readonly #timeoutMs: number;
	/** Guilds whose set missed an update and could not be dropped yet (Redis down): dropped before their next read. */
	readonly #stale = new Set<string>();
	/** Rebuilds started by this process, per guild. */
	readonly #rebuilds = new Map<string, Promise<boolean>>();

	public constructor(options: RankIndexOptions) {
		this.#redis = options.redis;
		this.#prefix = `${options.prefix}voice-xp:`;
		this.#em = options.em;
		this.#onError = options.onError ?? (() => undefined);
		this.#timeoutMs = options.timeoutMs ?? RANK_REDIS_TIMEOUT_MS;
	}

	/** The guild's sorted set. */
	public key(guildId: string): string {
		return `${this.#prefix}rank:${guildId}`;
	}

	#buildingKey(guildId: string): string {
		return `${this.#prefix}rank-building:${guildId}`;
	}

	#lockKey(guildId: string): string {
		return `${this.#prefix}rank-lock:${guildId}`;
	}

	async #read<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
		try {
			if (this.#stale.size > 0) await withTimeout(this.#dropStale(), this.#timeoutMs, 'drop stale ranking sets');
			return await withTimeout(call(), this.#timeoutMs, what);
		} catch (error) {
			this.#onError(what, error);
			return undefined;
		}
	}

	/**
	 * A member's position and the number of ranked members: `ZRANK` and `ZCARD` in one round trip; from PostgreSQL
	 * (stats.ts) when the set is missing (a rebuild is started) or Redis fails.
	 */
	public async rank(guildId: string, userId: string): Promise<RankAnswer> {
		const key = this.key(guildId);
		const replies = await this.#read('read a member rank', async () => checkExec(await this.#redis.pipeline().zrank(key, userId).zcard(key).exec()));
		if (replies !== undefined) {
			const [rank, card] = replies as [number | null, number];
			if (card > 0) return { position: rank === null || userId === RANK_SENTINEL ? null : rank + 1, rankedCount: card - 1, source: 'redis' };
			this.#startRebuild(guildId);
		}
		const em = this.#em();
		const [position, rankedCount] = await Promise.all([getRankPosition(em, guildId, userId), countRankedMembers(em, guildId)]);
		return { position, rankedCount, source: 'postgres' };
	}

	/**
	 * A leaderboard page: `ZCARD` and `ZRANGE` of the page asked for, in one round trip (a second `ZRANGE` only when the
	 * page asked for is past the last one and is clamped to it, as stats.ts does), then the members' rows by primary
	 * key; from PostgreSQL ({@link getLeaderboardPage}) when the set is missing or Redis fails.
	 */
	public async page(guildId: string, page: number, pageSize: number = LEADERBOARD_PAGE_SIZE): Promise<LeaderboardPage & { source: RankSource }> {
		const key = this.key(guildId);
		const read = await this.#read('read a leaderboard page', async () => {
			const asked = Math.max(1, Math.floor(Number.isFinite(page) ? page : 1));
			const askedOffset = (asked - 1) * pageSize;
			const [size, askedRange] = checkExec(await this.#redis.pipeline().zcard(key).zrange(key, askedOffset, askedOffset + pageSize - 1).exec()) as [number, string[]];
			const memberCount = size - 1;
			if (memberCount < 0) return null;
			const pageCount = Math.max(1, Math.ceil(memberCount / pageSize));
			const shown = Math.min(asked, pageCount);
			const offset = (shown - 1) * pageSize;
			const range = shown === asked ? askedRange : await this.#redis.zrange(key, offset, offset + pageSize - 1);
			return { memberCount, pageCount, shown, offset, ids: range.filter((id) => id !== RANK_SENTINEL) };
		});
		if (read) {
			const stats = await getMembersStats(this.#em(), guildId, read.ids);
			return {
				page: read.shown,
				pageCount: read.pageCount,
				memberCount: read.memberCount,
				entries: stats.map((entry, index) => ({ ...entry, position: read.offset + index + 1 })),
				source: 'redis'
			};
		}
		if (read === null) this.#startRebuild(guildId);
		return { ...(await getLeaderboardPage(this.#em(), guildId, page, pageSize)), source: 'postgres' };
	}

	/**
	 * Sets the new totals of members just written to PostgreSQL (ranked: score −total XP; nothing left: removed), in
	 * the sets (and sets being rebuilt) that exist: one pipeline for all. Never throws: a Redis failure is reported to
	 * `onError` and the set is dropped, so it is rebuilt from PostgreSQL rather than left stale.
	 */
	public async update(members: readonly RankedTotals[]): Promise<void> {
		if (members.length === 0) return;
		const byGuild = new Map<string, { add: (string | number)[]; remove: string[] }>();
		for (const member of members) {
			let entry = byGuild.get(member.guildId);
			if (!entry) byGuild.set(member.guildId, (entry = { add: [], remove: [] }));
			if (member.totalXp > 0 || member.voiceSeconds > 0) entry.add.push(member.totalXp === 0 ? 0 : -member.totalXp, member.userId);
			else entry.remove.push(member.userId);
		}
		const pipeline = this.#redis.pipeline();
		for (const [guildId, { add, remove }] of byGuild) {
			const keys = [this.key(guildId), this.#buildingKey(guildId)];
			for (let i = 0; i < add.length; i += UPDATE_CHUNK * 2) pipeline.eval(ZADD_IF_EXISTS, 2, ...keys, ...add.slice(i, i + UPDATE_CHUNK * 2));
			for (let i = 0; i < remove.length; i += UPDATE_CHUNK) pipeline.eval(ZREM_IF_EXISTS, 2, ...keys, ...remove.slice(i, i + UPDATE_CHUNK));
		}
		try {
			checkExec(await withTimeout(pipeline.exec(), this.#timeoutMs * 5, 'update the ranking sets'));
		} catch (error) {
			this.#onError('update the ranking sets', error);
			// A set that missed an update would answer wrongly until the member's next write: drop it (now, or before
			// the next read if Redis is still unreachable), so it is rebuilt from PostgreSQL.
			for (const guildId of byGuild.keys()) this.#stale.add(guildId);
			await this.#dropStale().catch(() => undefined);
		}
	}

	async #dropStale(): Promise<void> {
		const guildIds = [...this.#stale];
		// Only the sets in place: a set being built belongs to a running rebuild (its sentinel must stay).
		await this.#redis.del(...guildIds.map((guildId) => this.key(guildId)));
		for (const guildId of guildIds) this.#stale.delete(guildId);
	}

	/** Resolves when this process's rebuild of the guild's set (if one runs) is over (tests, the benchmark). */
	public async settled(guildId: string): Promise<void> {
		await this.#rebuilds.get(guildId);
	}

	#startRebuild(guildId: string): void {
		if (this.#rebuilds.has(guildId)) return;
		const running = this.rebuild(guildId)
			.catch((error: unknown) => {
				this.#onError('rebuild a ranking set', error);
				return false;
			})
			.finally(() => this.#rebuilds.delete(guildId));
		this.#rebuilds.set(guildId, running);
	}

	/**
	 * Builds the guild's set from PostgreSQL if no other process is doing it (see the module description).
	 * @returns false when another process holds the lock
	 * @throws the Redis or database error (the lock is released; the set stays missing)
	 */
	public async rebuild(guildId: string, pageSize: number = RANK_REBUILD_PAGE): Promise<boolean> {
		const lock = this.#lockKey(guildId);
		const building = this.#buildingKey(guildId);
		const token = randomUUID();
		if ((await this.#redis.set(lock, token, 'PX', RANK_LOCK_TTL_MS, 'NX')) !== 'OK') return false;
		try {
			checkExec(await this.#redis.multi().del(building).zadd(building, '+inf', RANK_SENTINEL).pexpire(building, RANK_LOCK_TTL_MS).exec());
			let after = '';
			for (;;) {
				const rows = await this.#em().execute<{ user_id: string; total_xp: string | number }[]>(
					`select user_id, total_xp from ${MEMBER_STATS_TABLE}
					where guild_id = ? and user_id > ? and (total_xp > 0 or voice_seconds > 0) order by user_id limit ?`,
					[guildId, after, pageSize],
					'all'
				);
				if (rows.length === 0) break;
				const args: (string | number)[] = [];
				for (const row of rows) args.push(Number(row.total_xp) === 0 ? 0 : -Number(row.total_xp), row.user_id);
				checkExec(await this.#redis.pipeline().zadd(building, 'NX', ...args).pexpire(building, RANK_LOCK_TTL_MS).pexpire(lock, RANK_LOCK_TTL_MS).exec());
				after = rows[rows.length - 1]!.user_id;
				if (rows.length < pageSize) break;
			}
			checkExec(await this.#redis.multi().rename(building, this.key(guildId)).persist(this.key(guildId)).exec());
			return true;
		} finally {
			await this.#redis.eval(UNLOCK, 1, lock, token).catch(() => undefined);
		}
	}
}

/** The replies of a pipeline or MULTI, throwing the first error (ioredis reports them per command). */
function checkExec(replies: [Error | null, unknown][] | null): unknown[] {
	if (replies === null) throw new Error('Redis transaction aborted');
	for (const [error] of replies) if (error) throw error;
	return replies.map(([, value]) => value);
}
