import { createHash } from 'node:crypto';
import { Command, type Redis } from 'ioredis';

/**
 * The automod's sliding windows in Redis (issue 9, "Strike windows and spam windows live in Redis"): message rates,
 * repeated messages and strike ledgers. Each is one sorted set whose scores are times (ms on the bot's clock) and
 * whose members are unique entries (a message id, a native execution id); Lua scripts update and read them atomically
 * (one call for the messages read together, one per strike), so every process sees the same counts, a restart loses
 * nothing, and no member's state is kept in process memory. Every key expires after its longest window, so idle
 * members cost nothing.
 *
 * Keys (built by the caller with `ctx.redisKey`, so under the bot's prefix):
 * - rate: `automod:rate:<guild>:<user>` or `automod:rate:<guild>:<user>:<channel>` (the filter's scope);
 * - duplicates: `automod:dup:<guild>:<user>:<fingerprint>` (lib/content.ts `contentFingerprint`);
 * - strikes: `automod:strikes:<guild>:<user>`, members `<entry id>:<points>`.
 *
 * Cost: one round trip for both spam counters of a batch of messages (none when both filters are off): the messages
 * read in one turn of the event loop, or, while a batch is waiting for Redis, every message read meanwhile (see
 * {@link SlidingWindows.count}); one round trip per strike. Each message is O(log n + entries expired) on sets holding
 * at most one window of one member's messages.
 */

/**
 * Counts a batch of messages, each in up to two windows, in one script call (one command for Redis to parse, one
 * script to run, one reply). KEYS: per message, its rate key then its duplicate key (either may be `''` to skip it).
 * ARGV: per message, now (ms), entry id, rate window (ms), duplicate window (ms). Returns, per message, its rate count
 * then its duplicate count (0 for a skipped key). An entry already counted (the same message id) is not counted twice.
 * Messages are counted in order, so two of one member in one batch see each other as they would one after the other.
 */
const COUNT_SCRIPT = `
local out = {}
for m = 0, #ARGV / 4 - 1 do
	local now = tonumber(ARGV[m * 4 + 1])
	local entry = ARGV[m * 4 + 2]
	for i = 1, 2 do
		local key = KEYS[m * 2 + i]
		local count = 0
		if key ~= '' then
			local window = tonumber(ARGV[m * 4 + 2 + i])
			redis.call('zadd', key, now, entry)
			redis.call('zremrangebyscore', key, '-inf', '(' .. (now - window + 1))
			redis.call('pexpire', key, window)
			count = redis.call('zcard', key)
		end
		out[m * 2 + i] = count
	end
end
return out
`;

/** The SHA-1 of {@link COUNT_SCRIPT}, by which EVALSHA names it (Redis keeps scripts by their SHA-1). */
const COUNT_SHA = createHash('sha1').update(COUNT_SCRIPT).digest('hex');

/**
 * Messages counted by one script call at most: a larger batch is split, so that one call holds Redis (single-threaded,
 * shared by every process) for about a millisecond at most (10 µs a message measured on 2 cores).
 */
export const COUNT_BATCH_MAX = 128;

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

const STRIKE_COMMAND = 'hearthAutomodStrike';

interface WindowCommands {
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
	/** Script calls sent and not answered yet (a batch larger than {@link COUNT_BATCH_MAX} is several). */
	#inFlight = 0;
	/** Whether a send is scheduled (setImmediate) for {@link #pending}. */
	#scheduled = false;

	public constructor(redis: Redis) {
		const commands = redis as Redis & Partial<WindowCommands>;
		if (typeof commands[STRIKE_COMMAND] !== 'function') redis.defineCommand(STRIKE_COMMAND, { numberOfKeys: 1, lua: STRIKE_SCRIPT });
		this.#redis = redis as Redis & WindowCommands;
	}

	/**
	 * Counts a message in its rate window and its duplicate window. Counts are sent in batches, one script call each
	 * (up to {@link COUNT_BATCH_MAX} messages), and one batch at a time: the messages the process reads in one turn of
	 * the event loop go together after that turn's I/O (setImmediate), and while a batch waits for Redis, the messages
	 * read meanwhile wait for its reply and then go as the next batch. A quiet bot therefore sends each message at once
	 * (Redis answers in a fraction of a millisecond, before the next message comes), and a busy one sends fewer, larger
	 * batches instead of a command per turn: each command costs the hot path a socket write, then a reply to read,
	 * parse and settle (bench:automod). A message waits for no timer: at most for one round trip before its own.
	 * @returns the messages now in each window, this one included (0 for a counter not asked for).
	 * @throws the Redis client's error when Redis cannot be reached (the caller decides: the message is let through).
	 */
	public count(request: CountRequest): Promise<{ rate: number; duplicates: number }> {
		if (!request.rate && !request.duplicates) return Promise.resolve({ rate: 0, duplicates: 0 });
		return new Promise((resolve, reject) => {
			this.#pending.push({ request, resolve, reject });
			this.#schedule();
		});
	}

	/** Schedules the waiting counts to go after this turn's I/O, unless a batch is still waiting for Redis (its reply schedules them). */
	#schedule(): void {
		if (this.#scheduled || this.#inFlight > 0 || this.#pending.length === 0) return;
		this.#scheduled = true;
		setImmediate(() => {
			this.#scheduled = false;
			this.#sendCounts();
		});
	}

	/** Sends the waiting counts, {@link COUNT_BATCH_MAX} a script call, and settles each with its own reply or error. */
	#sendCounts(): void {
		const pending = this.#pending;
		this.#pending = [];
		if (pending.length <= COUNT_BATCH_MAX) return this.#countBatch(pending);
		for (let start = 0; start < pending.length; start += COUNT_BATCH_MAX) this.#countBatch(pending.slice(start, start + COUNT_BATCH_MAX));
	}

	/**
	 * One script call for a batch (EVALSHA; EVAL once when Redis does not have the script: first use, or after a
	 * restart). Sent as a command of its own (`sendCommand`), not through the client's auto-pipelining: a batch is one
	 * command already, and the pipeline around it cost a Pipeline object, a promise and a callback a batch.
	 */
	#countBatch(batch: PendingCount[]): void {
		const keys = batch.length * 2;
		const args: (string | number)[] = new Array(2 + batch.length * 6);
		args[0] = COUNT_SHA;
		args[1] = keys;
		for (let index = 0; index < batch.length; index++) {
			const request = batch[index]!.request;
			args[2 + index * 2] = request.rate?.key ?? '';
			args[2 + index * 2 + 1] = request.duplicates?.key ?? '';
			const at = 2 + keys + index * 4;
			args[at] = request.now;
			args[at + 1] = request.entryId;
			args[at + 2] = request.rate?.windowMs ?? 1;
			args[at + 3] = request.duplicates?.windowMs ?? 1;
		}
		const command = new Command('evalsha', args, { replyEncoding: 'utf8' });
		this.#inFlight++;
		this.#redis.sendCommand(command);
		(command.promise as Promise<unknown>)
			.catch((error: unknown) => {
				if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return this.#redis.eval(COUNT_SCRIPT, keys, ...args.slice(2));
				throw error;
			})
			.then(
				(reply) => {
					const counts = reply as number[];
					if (!Array.isArray(counts) || counts.length !== keys) {
						const error = new Error(`Redis answered ${Array.isArray(counts) ? counts.length : typeof counts} counts for ${keys}`);
						for (const { reject } of batch) reject(error);
						return;
					}
					for (let index = 0; index < batch.length; index++) batch[index]!.resolve({ rate: Number(counts[index * 2]), duplicates: Number(counts[index * 2 + 1]) });
				},
				(error: unknown) => {
					for (const { reject } of batch) reject(error);
				}
			)
			.finally(() => {
				this.#inFlight--;
				this.#schedule();
			});
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
