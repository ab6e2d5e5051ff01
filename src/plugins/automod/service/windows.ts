import type { Redis } from 'ioredis';

/**
 * The automod's sliding windows in Redis (issue 9, "Strike windows and spam windows live in Redis"): message rates,
 * repeated messages and strike ledgers. Each is one sorted set whose scores are times (ms on the bot's clock) and
 * whose members are unique entries (a message id, a native execution id); one Lua script per message updates and
 * reads them atomically, so every process sees the same counts, a restart loses nothing, and no member's state is kept
 * in process memory. Every key expires after its longest window, so idle members cost nothing.
 *
 * Keys (built by the caller with `ctx.redisKey`, so under the bot's prefix):
 * - rate: `automod:rate:<guild>:<user>` or `automod:rate:<guild>:<user>:<channel>` (the filter's scope);
 * - duplicates: `automod:dup:<guild>:<user>:<fingerprint>` (lib/content.ts `contentFingerprint`);
 * - strikes: `automod:strikes:<guild>:<user>`, members `<entry id>:<points>`.
 *
 * Cost: one round trip per message for both spam counters (none when both filters are off), one per strike; each
 * script is O(log n + entries expired) on sets holding at most one window of one member's messages.
 */

/**
 * Counts a message in up to two windows. KEYS: rate key, duplicate key (either may be `''` to skip it).
 * ARGV: now (ms), entry id, rate window (ms), duplicate window (ms). Returns `{ rate count, duplicate count }`, 0 for a
 * skipped key. An entry already counted (the same message id) is not counted twice.
 */
const COUNT_SCRIPT = `
local now = tonumber(ARGV[1])
local out = {0, 0}
local windows = {tonumber(ARGV[3]), tonumber(ARGV[4])}
for i = 1, 2 do
	local key = KEYS[i]
	if key ~= '' then
		redis.call('zadd', key, now, ARGV[2])
		redis.call('zremrangebyscore', key, '-inf', '(' .. (now - windows[i] + 1))
		redis.call('pexpire', key, windows[i])
		out[i] = redis.call('zcard', key)
	end
end
return out
`;

/**
 * Adds strike points and reads the totals. KEYS: ledger. ARGV: now (ms), entry (`<id>:<points>`), longest window
 * (ms), then one window (ms) per threshold. Returns, per threshold window, the points within it after this strike
 * (an entry already in the ledger is not added again: its totals are returned with `added` = 0 first).
 * Reply: `{ added (0|1), total for window 1, total for window 2, ... }`.
 */
const STRIKE_SCRIPT = `
local now = tonumber(ARGV[1])
local added = redis.call('zadd', KEYS[1], 'NX', now, ARGV[2])
local longest = tonumber(ARGV[3])
redis.call('zremrangebyscore', KEYS[1], '-inf', '(' .. (now - longest + 1))
redis.call('pexpire', KEYS[1], longest)
local out = {added}
for i = 4, #ARGV do
	local entries = redis.call('zrangebyscore', KEYS[1], now - tonumber(ARGV[i]) + 1, '+inf')
	local total = 0
	for _, entry in ipairs(entries) do
		total = total + tonumber(string.match(entry, ':(%d+)$') or '0')
	end
	out[#out + 1] = total
end
return out
`;

const COUNT_COMMAND = 'hearthAutomodCount';
const STRIKE_COMMAND = 'hearthAutomodStrike';

interface WindowCommands {
	[COUNT_COMMAND](rateKey: string, duplicateKey: string, now: number, entryId: string, rateWindowMs: number, duplicateWindowMs: number): Promise<[number, number]>;
	[STRIKE_COMMAND](ledgerKey: string, now: number, entry: string, longestMs: number, ...windows: number[]): Promise<number[]>;
}

/** What {@link SlidingWindows.count} is asked to count: a window per counter, or none to skip it. */
export interface CountRequest {
	/** Time of the message, ms on the bot's clock. */
	now: number;
	/** A unique id of the message (its snowflake): counting it twice changes nothing. */
	entryId: string;
	rate?: { key: string; windowMs: number } | null;
	duplicates?: { key: string; windowMs: number } | null;
}

/** One strike: points added at a time under an entry id. */
export interface StrikeRequest {
	key: string;
	now: number;
	/** A unique id of what earned the strike (a message id, a native execution); the same id never counts twice. */
	entryId: string;
	points: number;
	/** The window of each threshold (ms), in the thresholds' order. */
	windowsMs: readonly number[];
}

/** What {@link SlidingWindows.strike} found: whether the strike was new, and the points in each window after it. */
export interface StrikeTotals {
	added: boolean;
	/** Points within each requested window after this strike, in the order asked. */
	after: number[];
}

/** A {@link SlidingWindows.count} waiting for its batch. */
interface PendingCount {
	request: CountRequest;
	resolve: (counts: { rate: number; duplicates: number }) => void;
	reject: (error: unknown) => void;
}

/** The Redis side of the spam filters and strike ledgers (see the module comment for keys and cost). */
export class SlidingWindows {
	readonly #redis: Redis & WindowCommands;
	/** Counts asked for since the last batch went out (see {@link count}). */
	#pending: PendingCount[] = [];

	public constructor(redis: Redis) {
		const commands = redis as Redis & Partial<WindowCommands>;
		if (typeof commands[COUNT_COMMAND] !== 'function') redis.defineCommand(COUNT_COMMAND, { numberOfKeys: 2, lua: COUNT_SCRIPT });
		if (typeof commands[STRIKE_COMMAND] !== 'function') redis.defineCommand(STRIKE_COMMAND, { numberOfKeys: 1, lua: STRIKE_SCRIPT });
		this.#redis = redis as Redis & WindowCommands;
	}

	/**
	 * Counts a message in its rate window and its duplicate window (one script call). The calls of every message the
	 * process reads in one turn of the event loop go to Redis together, in one pipelined write, after that turn's I/O
	 * (setImmediate): under load the gateway delivers many messages per turn, and one socket write per message was the
	 * largest cost of the hot path (bench:automod). A message waits for no timer: only for the messages read with it.
	 * @returns the messages now in each window, this one included (0 for a counter not asked for).
	 * @throws the Redis client's error when Redis cannot be reached (the caller decides: the message is let through).
	 */
	public count(request: CountRequest): Promise<{ rate: number; duplicates: number }> {
		if (!request.rate && !request.duplicates) return Promise.resolve({ rate: 0, duplicates: 0 });
		return new Promise((resolve, reject) => {
			if (this.#pending.push({ request, resolve, reject }) === 1) setImmediate(() => this.#sendCounts());
		});
	}

	/** Sends the waiting counts in one pipeline and settles each with its own reply or error. */
	#sendCounts(): void {
		const batch = this.#pending;
		this.#pending = [];
		const pipeline = this.#redis.pipeline() as ReturnType<Redis['pipeline']> & { [COUNT_COMMAND](...args: (string | number)[]): unknown };
		for (const { request } of batch) {
			pipeline[COUNT_COMMAND](
				request.rate?.key ?? '',
				request.duplicates?.key ?? '',
				request.now,
				request.entryId,
				request.rate?.windowMs ?? 1,
				request.duplicates?.windowMs ?? 1
			);
		}
		pipeline.exec().then(
			(replies) => {
				batch.forEach(({ resolve, reject }, index) => {
					const [error, reply] = replies?.[index] ?? [new Error('Redis gave no reply for this count'), null];
					if (error) return reject(error);
					const [rate, duplicates] = reply as [number, number];
					resolve({ rate: Number(rate), duplicates: Number(duplicates) });
				});
			},
			(error: unknown) => {
				for (const { reject } of batch) reject(error);
			}
		);
	}

	/**
	 * Adds `points` to a member's ledger and returns the points within each threshold window afterwards.
	 * @throws RangeError when no window is given or `points` is not a whole number ≥ 1; the Redis client's error.
	 */
	public async strike(request: StrikeRequest): Promise<StrikeTotals> {
		if (request.windowsMs.length === 0) throw new RangeError('strike needs at least one window');
		if (!Number.isInteger(request.points) || request.points < 1) throw new RangeError(`strike points must be a whole number ≥ 1, got ${request.points}`);
		const longest = Math.max(...request.windowsMs);
		const reply = await this.#redis[STRIKE_COMMAND](request.key, request.now, `${request.entryId}:${request.points}`, longest, ...request.windowsMs);
		return { added: Number(reply[0]) === 1, after: reply.slice(1).map(Number) };
	}

	/** The points within the last `windowMs` of a ledger (for `/automod strikes`), without adding any. */
	public async points(key: string, now: number, windowMs: number): Promise<number> {
		const entries = await this.#redis.zrangebyscore(key, now - windowMs + 1, '+inf');
		return entries.reduce((sum, entry) => sum + Number(/:(\d+)$/.exec(entry)?.[1] ?? 0), 0);
	}

	/** Forgets a member's strikes (`/automod strikes clear`). @returns whether there were any. */
	public async clear(key: string): Promise<boolean> {
		return (await this.#redis.del(key)) > 0;
	}
}
