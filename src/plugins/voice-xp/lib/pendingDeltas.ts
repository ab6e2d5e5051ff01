import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { FlushResult } from './flush.js';
import type { VoiceXpDelta } from './sessionTracker.js';

/**
 * Crash insurance for voice time that PostgreSQL could not take (docs/voice-xp.md, "How it counts").
 *
 * While a flush cannot write PostgreSQL, the process keeps the unwritten deltas in memory (`VoiceXpFlusher` in
 * lib/flush.ts) and also hands a copy to this store, in Redis, so that a process killed during the outage
 * does not take them with it. Whichever process of the bot next writes PostgreSQL applies the copies other processes
 * left, with the same batched, idempotent upsert as a flush (lib/flush.ts `flushDeltas`), and removes them.
 *
 * Keys (all under the bot's Redis prefix, `<prefix>voice-xp:pending:`):
 * - `writers`: a set of the ids of the processes ("writers") that have a batch stored;
 * - `batch:<writer>`: one hash per writer, its whole unwritten time: field `<guildId>:<userId>` holds that member's
 *   deltas in window order, `from,to,eligibleMs,xpUnits` joined by `;` (milliseconds and XP units as in
 *   sessionTracker.ts); field `@version` names the save (a counter of the writer). A save replaces the hash in one
 *   MULTI/EXEC, so a reader sees one whole save or the previous one, never a mix. It expires after
 *   {@link PendingDeltaStoreOptions.batchTtlMs} if nobody ever applies it;
 * - `lock:<writer>`: a lock (`SET NX PX`, a random token, released by compare-and-delete) held by the writer while it
 *   saves and by a process while it applies the batch, so a batch is never applied by two processes at once nor
 *   replaced while being applied. Its TTL frees it if the holder dies;
 * - `applied:<writer>`: the `@version` of the writer's batch last applied by another process, so the writer, if
 *   still alive and still unable to write, drops exactly that time from memory instead of saving it again.
 *
 * Why applying is exactly once in effect: every delta carries its window [from, to), and the upsert adds a delta only
 * when its window starts at or after the row's watermark (`accrued_until`). A batch applied twice, or applied by
 * another process and then written again by its live writer, is skipped the second time (and reported as skipped).
 * The lock only keeps two processes from doing the same work at once.
 *
 * Cost: a save is one MULTI of `ceil(members / 1,000)` HSETs (50,000 members: 50 commands, one round trip); applying
 * reads a batch with HSCAN pages of 10,000 fields and writes it in the flush's statements. A flush with nothing stored
 * costs one SMEMBERS.
 *
 * The store never reads the clock; lock and expiry times are Redis's (real milliseconds).
 */

/** Field of a batch hash holding the save's version (member fields are `<guildId>:<userId>`, digits only). */
const VERSION_FIELD = '@version';
/** Members per HSET command in a save. */
const FIELDS_PER_COMMAND = 1_000;
/** Fields asked for per HSCAN page when reading a batch. */
const SCAN_COUNT = 10_000;
/** Real milliseconds between two tries of a writer waiting for its own lock. */
const LOCK_POLL_MS = 25;

/** Deletes a lock only if it still holds the caller's token (KEYS[1] lock; ARGV[1] token). */
const UNLOCK_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * Ends the apply of a batch: if the batch is still the version that was applied, deletes it, records the version as
 * applied and drops the writer from the index. KEYS: batch, applied marker, writers set. ARGV: version, writer id,
 * marker TTL (ms). Returns 1 when removed, 0 when the writer saved a newer version meanwhile (it stays, for later).
 */
const FINISH_SCRIPT = `
if redis.call('hget', KEYS[1], '${VERSION_FIELD}') == ARGV[1] then
	redis.call('del', KEYS[1])
	redis.call('set', KEYS[2], ARGV[1], 'PX', ARGV[3])
	redis.call('srem', KEYS[3], ARGV[2])
	return 1
end
return 0`;

/** Options of {@link PendingDeltaStore}. */
export interface PendingDeltaStoreOptions {
	/** The bot's Redis client. With the bot's client (`enableOfflineQueue: false`), calls fail at once while Redis is down. */
	redis: Redis;
	/** The bot's Redis key prefix (`hearth:`); keys are `<prefix>voice-xp:pending:…`. */
	prefix: string;
	/**
	 * This process's writer id. Default: `<pid>-<random UUID>` from node:crypto, not the bot's seeded random source:
	 * two processes started with the same seed must still get different ids.
	 */
	writerId?: string;
	/** Real milliseconds a lock lives if its holder dies (default 60,000: far longer than applying 50,000 members). */
	lockTtlMs?: number;
	/** Real milliseconds a writer waits for its lock while another process applies its batch (default 5,000). */
	lockWaitMs?: number;
	/** Real milliseconds the `applied:<writer>` marker is kept (default one day). */
	appliedMarkerTtlMs?: number;
	/** Real milliseconds a stored batch is kept if no process ever applies it (default 7 days). */
	batchTtlMs?: number;
}

/** A stored batch, as read back. */
export interface PendingBatch {
	/** The process that saved it. */
	writerId: string;
	/** Its `@version`. */
	version: string;
	/** Its deltas: each member's in window order. */
	deltas: VoiceXpDelta[];
	/** Fields that could not be read as deltas (left out; nothing of them is applied). */
	invalidFields: string[];
}

/** A batch another process left, applied by this one. */
export interface RecoveredBatch extends PendingBatch {
	/** The write's outcome: members added, and deltas the watermark skipped (already counted). */
	result: FlushResult;
}

/** A Redis command of the store failed (Redis down, timeout, script error); the cause is attached. */
export class PendingStoreError extends Error {
	public constructor(what: string, options: { cause: unknown }) {
		super(`Redis could not ${what}: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
		this.name = 'PendingStoreError';
	}
}

function memberField(delta: VoiceXpDelta): string {
	return `${delta.guildId}:${delta.userId}`;
}

/** The hash fields of a save: each member's deltas, in the order given, under `<guildId>:<userId>`. */
export function encodePendingDeltas(deltas: readonly VoiceXpDelta[]): Map<string, string> {
	const fields = new Map<string, string>();
	for (const delta of deltas) {
		const field = memberField(delta);
		const value = `${delta.from},${delta.to},${delta.eligibleMs},${delta.xpUnits}`;
		const previous = fields.get(field);
		fields.set(field, previous === undefined ? value : `${previous};${value}`);
	}
	return fields;
}

/** Orders deltas by guild id, user id (as strings), then window start. */
function compareDeltas(a: VoiceXpDelta, b: VoiceXpDelta): number {
	if (a.guildId !== b.guildId) return a.guildId < b.guildId ? -1 : 1;
	if (a.userId !== b.userId) return a.userId < b.userId ? -1 : 1;
	return a.from - b.from;
}

const FIELD = /^(\d{1,20}):(\d{1,20})$/;
const VALUE = /^\d+,\d+,\d+,\d+$/;

/**
 * Reads hash fields back into deltas (the inverse of {@link encodePendingDeltas}), ordered by guild id, user id and
 * window start, whatever order Redis returned the fields in. A field that is not a member, or holds anything but
 * well-formed deltas, is left out whole and named in `invalid` (meta fields starting with `@` are ignored).
 */
export function decodePendingDeltas(fields: Iterable<readonly [string, string]>): { deltas: VoiceXpDelta[]; invalid: string[] } {
	const deltas: VoiceXpDelta[] = [];
	const invalid: string[] = [];
	for (const [field, value] of fields) {
		if (field.startsWith('@')) continue;
		const member = FIELD.exec(field);
		const parts = value.split(';');
		if (!member || !parts.every((part) => VALUE.test(part))) {
			invalid.push(field);
			continue;
		}
		const decoded = parts.map((part) => {
			const [from, to, eligibleMs, xpUnits] = part.split(',').map(Number) as [number, number, number, number];
			return { guildId: member[1]!, userId: member[2]!, eligibleMs, xpUnits, from, to };
		});
		if (!decoded.every((delta) => [delta.from, delta.to, delta.eligibleMs, delta.xpUnits].every(Number.isSafeInteger) && delta.to >= delta.from)) {
			invalid.push(field);
			continue;
		}
		deltas.push(...decoded);
	}
	return { deltas: deltas.sort(compareDeltas), invalid };
}

/**
 * One process's handle on the pending deltas in Redis: it saves its own batch (replacing the previous one), removes
 * it once its memory is written, and applies the batches other processes left. See the module description for the
 * keys and the rules. Every method throws {@link PendingStoreError} when Redis fails (never a raw ioredis error);
 * {@link applyOthers} also lets the database write's own error through unchanged.
 */
export class PendingDeltaStore {
	/** This process's writer id (the `<writer>` of its keys). */
	public readonly writerId: string;
	readonly #redis: Redis;
	readonly #base: string;
	readonly #lockTtlMs: number;
	readonly #lockWaitMs: number;
	readonly #markerTtlMs: number;
	readonly #batchTtlMs: number;
	/** Version of the batch this writer saved last, while memory still holds exactly its deltas (else null). */
	#savedVersion: string | null = null;
	#saves = 0;
	/** Whether a batch of this writer may be stored (saved and not yet seen removed). */
	#mayHaveBatch = false;

	public constructor(options: PendingDeltaStoreOptions) {
		this.#redis = options.redis;
		this.#base = `${options.prefix}voice-xp:pending:`;
		this.writerId = options.writerId ?? `${process.pid}-${randomUUID()}`;
		this.#lockTtlMs = options.lockTtlMs ?? 60_000;
		this.#lockWaitMs = options.lockWaitMs ?? 5_000;
		this.#markerTtlMs = options.appliedMarkerTtlMs ?? 24 * 3_600_000;
		this.#batchTtlMs = options.batchTtlMs ?? 7 * 24 * 3_600_000;
	}

	/** The key of the set of writers with a stored batch. */
	public get writersKey(): string {
		return `${this.#base}writers`;
	}

	/** The key of a writer's batch hash. */
	public batchKey(writerId: string): string {
		return `${this.#base}batch:${writerId}`;
	}

	#lockKey(writerId: string): string {
		return `${this.#base}lock:${writerId}`;
	}

	#appliedKey(writerId: string): string {
		return `${this.#base}applied:${writerId}`;
	}

	async #redisCall<T>(what: string, call: () => Promise<T>): Promise<T> {
		try {
			return await call();
		} catch (error) {
			throw error instanceof PendingStoreError ? error : new PendingStoreError(what, { cause: error });
		}
	}

	/** Takes a writer's lock: returns the token, or null when another holder has it (after waiting up to `waitMs`). */
	async #lock(writerId: string, waitMs: number): Promise<string | null> {
		const token = randomUUID();
		const deadline = performance.now() + waitMs;
		for (;;) {
			const taken = await this.#redisCall('take a pending-deltas lock', () => this.#redis.set(this.#lockKey(writerId), token, 'PX', this.#lockTtlMs, 'NX'));
			if (taken === 'OK') return token;
			if (performance.now() >= deadline) return null;
			await sleep(LOCK_POLL_MS);
		}
	}

	async #unlock(writerId: string, token: string): Promise<void> {
		await this.#redisCall('release a pending-deltas lock', () => this.#redis.eval(UNLOCK_SCRIPT, 1, this.#lockKey(writerId), token));
	}

	/**
	 * Saves this writer's unwritten time, replacing its previous batch, under its lock.
	 *
	 * `compose` builds the deltas to store and is called exactly once, even when Redis fails (then before the error is
	 * thrown, with `false`): the caller moves newly drained time into its memory there. It gets `true` when another
	 * process applied the batch this writer saved last (its `applied:` marker names that version) while this writer's
	 * memory still held exactly that batch's deltas: the caller drops them from memory before adding new ones, so
	 * time already counted is not saved again under a window the database would skip.
	 * When `compose` returns nothing, the stored batch is removed.
	 *
	 * @returns true when saved (or removed), false when the lock stayed taken (another process applying this batch)
	 *   for {@link PendingDeltaStoreOptions.lockWaitMs}: nothing stored now, the next save tries again
	 * @throws PendingStoreError when Redis fails; the stored batch is then the previous one, whole
	 */
	public async save(compose: (appliedElsewhere: boolean) => readonly VoiceXpDelta[]): Promise<boolean> {
		const savedVersion = this.#savedVersion;
		// From here until a save succeeds, memory no longer matches a stored version.
		this.#savedVersion = null;
		let composed = false;
		const build = (appliedElsewhere: boolean) => {
			composed = true;
			return compose(appliedElsewhere);
		};
		let token: string | null = null;
		try {
			token = await this.#lock(this.writerId, this.#lockWaitMs);
			if (token === null) {
				build(false);
				return false;
			}
			const marker =
				savedVersion === null ? null : await this.#redisCall('read a pending-deltas marker', () => this.#redis.get(this.#appliedKey(this.writerId)));
			const deltas = build(savedVersion !== null && marker === savedVersion);
			const key = this.batchKey(this.writerId);
			const version = String(++this.#saves);
			const transaction = this.#redis.multi().del(key);
			if (deltas.length > 0) {
				const fields = [...encodePendingDeltas(deltas)];
				transaction.hset(key, VERSION_FIELD, version);
				for (let start = 0; start < fields.length; start += FIELDS_PER_COMMAND) {
					transaction.hset(key, ...fields.slice(start, start + FIELDS_PER_COMMAND).flat());
				}
				transaction.pexpire(key, this.#batchTtlMs).sadd(this.writersKey, this.writerId);
			} else {
				transaction.srem(this.writersKey, this.writerId);
			}
			await this.#redisCall('save pending deltas', async () => checkExec(await transaction.exec()));
			this.#mayHaveBatch = deltas.length > 0;
			if (deltas.length > 0) this.#savedVersion = version;
			return true;
		} catch (error) {
			if (!composed) build(false);
			throw error;
		} finally {
			if (token !== null) await this.#unlock(this.writerId, token).catch(() => undefined);
		}
	}

	/**
	 * Removes this writer's batch: its memory was written to PostgreSQL, so the copy is no longer needed. Does nothing
	 * when no batch may be stored, or when another process holds the lock (it is applying the batch and removes it).
	 * @throws PendingStoreError when Redis fails (the batch may stay: applying it later only skips what is counted)
	 */
	public async discardOwn(): Promise<void> {
		this.#savedVersion = null;
		if (!this.#mayHaveBatch) return;
		const token = await this.#lock(this.writerId, 0);
		if (token === null) return;
		try {
			await this.#redisCall('remove a pending-deltas batch', async () =>
				checkExec(await this.#redis.multi().del(this.batchKey(this.writerId)).srem(this.writersKey, this.writerId).exec())
			);
			this.#mayHaveBatch = false;
		} finally {
			await this.#unlock(this.writerId, token).catch(() => undefined);
		}
	}

	/**
	 * Applies every batch other writers left (a process that died, or one still unable to write), one at a time, each
	 * under its writer's lock, and removes each once written. A batch whose lock is taken is left for the next call;
	 * so is one its writer replaced while it was being applied (the replacement is applied later; the watermark skips
	 * what this apply already counted).
	 *
	 * @param write writes a batch's deltas (the flush's `flushDeltas`); its error stops the work and is thrown as is
	 * @param onApplied told after each batch is written and removed
	 * @throws the error of `write` (the batch stays stored); PendingStoreError when Redis fails
	 */
	public async applyOthers(write: (deltas: readonly VoiceXpDelta[]) => Promise<FlushResult>, onApplied: (batch: RecoveredBatch) => void): Promise<void> {
		const writers = await this.#redisCall('list pending-deltas batches', () => this.#redis.smembers(this.writersKey));
		for (const writerId of writers.sort()) {
			if (writerId === this.writerId) continue;
			const token = await this.#lock(writerId, 0);
			if (token === null) continue;
			try {
				const batch = await this.#read(writerId);
				if (batch === null) {
					await this.#redisCall('drop an empty pending-deltas entry', () => this.#redis.srem(this.writersKey, writerId));
					continue;
				}
				const result = batch.deltas.length > 0 ? await write(batch.deltas) : { written: [], skipped: [], statements: 0 };
				await this.#redisCall('remove an applied pending-deltas batch', () =>
					this.#redis.eval(FINISH_SCRIPT, 3, this.batchKey(writerId), this.#appliedKey(writerId), this.writersKey, batch.version, writerId, this.#markerTtlMs)
				);
				onApplied({ ...batch, result });
			} finally {
				await this.#unlock(writerId, token).catch(() => undefined);
			}
		}
	}

	/**
	 * Removes a member from every stored batch (`/xp reset`: time earned before the reset must not be applied after it).
	 * One SMEMBERS and one pipeline of HDELs.
	 * @throws PendingStoreError when Redis fails
	 */
	public async forgetMember(guildId: string, userId: string): Promise<void> {
		const writers = await this.#redisCall('list pending-deltas batches', () => this.#redis.smembers(this.writersKey));
		if (writers.length === 0) return;
		const pipeline = this.#redis.pipeline();
		for (const writerId of writers) pipeline.hdel(this.batchKey(writerId), `${guildId}:${userId}`);
		await this.#redisCall('remove a member from pending-deltas batches', async () => checkExec(await pipeline.exec()));
	}

	/**
	 * Every stored batch (this writer's too), read without locking: for diagnostics and tests.
	 * @throws PendingStoreError when Redis fails
	 */
	public async list(): Promise<PendingBatch[]> {
		const writers = await this.#redisCall('list pending-deltas batches', () => this.#redis.smembers(this.writersKey));
		const batches: PendingBatch[] = [];
		for (const writerId of writers.sort()) {
			const batch = await this.#read(writerId);
			if (batch) batches.push(batch);
		}
		return batches;
	}

	/** Reads a writer's batch (HSCAN pages), or null when none is stored. */
	async #read(writerId: string): Promise<PendingBatch | null> {
		const key = this.batchKey(writerId);
		const fields = new Map<string, string>();
		let cursor = '0';
		do {
			const [next, page] = await this.#redisCall('read a pending-deltas batch', () => this.#redis.hscan(key, cursor, 'COUNT', SCAN_COUNT));
			for (let index = 0; index + 1 < page.length; index += 2) fields.set(page[index]!, page[index + 1]!);
			cursor = next;
		} while (cursor !== '0');
		const version = fields.get(VERSION_FIELD);
		if (version === undefined) return null;
		const { deltas, invalid } = decodePendingDeltas(fields);
		return { writerId, version, deltas, invalidFields: invalid };
	}
}

/** Throws the first error of a MULTI/pipeline reply (ioredis reports them per command), or when a MULTI was aborted. */
function checkExec(replies: [Error | null, unknown][] | null): void {
	if (replies === null) throw new Error('the transaction was aborted');
	const failed = replies.find(([error]) => error !== null);
	if (failed) throw failed[0];
}
