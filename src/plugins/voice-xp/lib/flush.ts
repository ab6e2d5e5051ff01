import type { EntityManager } from '@mikro-orm/postgresql';
import { executeWithBindParameters } from './boundStatement.js';
import { gainedXpFromCarry, MS_PER_SECOND, XP_UNITS_PER_XP } from './accrual.js';
import { levelEstimateSql, levelForTotalXp, levelFromEstimateSql, levelSqlExpression, totalXpForLevelSql } from './levels.js';
import type { VoiceSessionTracker, VoiceXpDelta } from './sessionTracker.js';
import { PendingStoreError, type PendingDeltaStore, type RecoveredBatch } from './pendingDeltas.js';
import { MEMBER_STATS_TABLE, type MemberStatsRow } from './stats.js';

/**
 * The batched flush of accrued voice time to `voice_xp_member_stats` (issue 4, "Writes are batched").
 *
 * One native statement writes a whole batch of deltas: the batch goes to PostgreSQL as six bind parameters (`$1…$6`,
 * one array per field), sent apart from the SQL text by the `pg` driver (boundStatement.ts; MikroORM's `em.execute()`
 * would inline them into the text), unpacked with `unnest`, and `insert … on conflict (guild_id, user_id) do update`
 * adds each member's time with the carry arithmetic of accrual.ts and stores the new level and XP into level
 * (levels.ts), all computed from the row's own current values inside the statement (so two writers never lose each
 * other's updates).
 *
 * Idempotence: a delta covers [from, to). A row remembers the window of the last delta added (`accrued_from`,
 * `accrued_until`); a delta whose `from` is before the row's `accrued_until` is not added (it was already counted, or
 * it overlaps time another process counted). So flushing the same batch twice, a replay after a resume, or two
 * processes holding the same guild never count time twice. The cost of the rule: when two processes overlap, the
 * time only the later one saw may be dropped; time is never doubled.
 *
 * Rows are written in (guild_id, user_id) order so that concurrent flushes take row locks in the same order.
 */

/** Default largest batch per statement: 50,000 members are written in 2 statements. */
export const DEFAULT_MAX_ROWS_PER_STATEMENT = 25_000;

/** The outcome for one member whose delta was added. */
export interface FlushedMember {
	guildId: string;
	userId: string;
	/** Whole XP after the write. */
	totalXp: number;
	/** Whole XP gained by this write. */
	gainedXp: number;
	/** Level after the write. */
	level: number;
	/** Level before the write (a level-up when `level > previousLevel`). */
	previousLevel: number;
	/** Whole XP into `level` after the write. */
	xpIntoLevel: number;
	/** Total eligible voice time after the write, whole seconds. */
	voiceSeconds: number;
	/** Whole seconds of voice time gained by this write. */
	gainedSeconds: number;
	/** The tier role stored for the member (the one the bot last gave), or null. */
	tierRoleId: string | null;
	/** True when the member had no row before (first time they earned in this guild). */
	created: boolean;
	/** True when the write raised the member's level (log it; announce it if the guild asks). */
	leveledUp: boolean;
}

/** The outcome of a flush. */
export interface FlushResult {
	/** Members whose deltas were added, in (guildId, userId) order within each statement. */
	written: FlushedMember[];
	/** Deltas not added because their window starts before the row's `accrued_until` (already counted). */
	skipped: VoiceXpDelta[];
	/** Number of SQL statements sent. */
	statements: number;
}

/** Options of {@link flushDeltas}. */
export interface FlushOptions {
	/** Largest number of deltas per statement (default {@link DEFAULT_MAX_ROWS_PER_STATEMENT}). */
	maxRowsPerStatement?: number;
}

/** What the upsert returns for each member: the new row, and whether it was created by this write. */
type ReturnedRow = MemberStatsRow & { inserted: boolean };

/**
 * A fenced subquery (`offset 0` stops PostgreSQL from inlining it, which would repeat the level arithmetic many
 * times per row) giving `total_xp` and `level` from a bigint expression of the new total.
 */
function totalAndLevelSql(totalXpSql: string): string {
	return `(select v.total_xp, ${levelFromEstimateSql('v.total_xp', 'v.base')} as level
		from (select t.total_xp, ${levelEstimateSql('t.total_xp')} as base from (select ${totalXpSql} as total_xp offset 0) t offset 0) v
		offset 0)`;
}

/** The new total XP of an existing row, from its carry and the proposed row (see {@link UPSERT_SQL}). */
const NEW_TOTAL = `(s.total_xp + (s.xp_carry + excluded.total_xp * ${XP_UNITS_PER_XP} + excluded.xp_carry) / ${XP_UNITS_PER_XP})`;

/** Whether an existing row's level is unchanged by its new total: the common case, decided without the cube root. */
const SAME_LEVEL = `(${NEW_TOTAL} >= ${totalXpForLevelSql('s.level::bigint')} and ${NEW_TOTAL} < ${totalXpForLevelSql('(s.level::bigint + 1)')})`;

/**
 * The statement. Bind parameters `$1…$6`: six parallel arrays (guild ids, user ids, eligible ms, XP units, window
 * start ms, window end ms), each one PostgreSQL array literal, see {@link arrayLiteral}. The SQL text is the same for
 * every batch.
 * New rows are computed from zero; an existing row gets the units and milliseconds back from the proposed row
 * (`excluded`, computed from zero carry: units = total_xp × 60,000 + xp_carry, ms = voice_seconds × 1,000 + ms_carry).
 * For existing rows the level is recomputed with the cube root only when the total leaves the current level (a
 * CASE branch runs only when taken), which keeps the update of 50,000 rows free of per-row subqueries.
 */
const UPSERT_SQL = `
insert into ${MEMBER_STATS_TABLE} as s
	(guild_id, user_id, total_xp, level, xp_into_level, voice_seconds, xp_carry, ms_carry, accrued_from, accrued_until, updated_at)
select i.guild_id, i.user_id, l.total_xp, l.level, l.total_xp - ${totalXpForLevelSql('l.level')},
	i.eligible_ms / ${MS_PER_SECOND}, i.xp_units % ${XP_UNITS_PER_XP}, i.eligible_ms % ${MS_PER_SECOND}, i.from_ms, i.to_ms, now()
from (
	select r.guild_id, r.user_id, r.eligible_ms, r.xp_units, r.from_ms, r.to_ms
	from unnest($1::varchar(20)[], $2::varchar(20)[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])
		as r(guild_id, user_id, eligible_ms, xp_units, from_ms, to_ms)
	order by r.guild_id collate "C", r.user_id collate "C"
) i
	cross join lateral ${totalAndLevelSql(`i.xp_units / ${XP_UNITS_PER_XP}`)} l
on conflict (guild_id, user_id) do update set
	total_xp = ${NEW_TOTAL},
	level = case when ${SAME_LEVEL} then s.level else ${levelSqlExpression(NEW_TOTAL)} end,
	xp_into_level = case when ${SAME_LEVEL} then ${NEW_TOTAL} - ${totalXpForLevelSql('s.level::bigint')}
		else (select x.total_xp - ${totalXpForLevelSql('x.level')} from ${totalAndLevelSql(NEW_TOTAL)} x) end,
	xp_carry = (s.xp_carry + excluded.total_xp * ${XP_UNITS_PER_XP} + excluded.xp_carry) % ${XP_UNITS_PER_XP},
	voice_seconds = s.voice_seconds + (s.ms_carry + excluded.voice_seconds * ${MS_PER_SECOND} + excluded.ms_carry) / ${MS_PER_SECOND},
	ms_carry = (s.ms_carry + excluded.voice_seconds * ${MS_PER_SECOND} + excluded.ms_carry) % ${MS_PER_SECOND},
	accrued_from = excluded.accrued_from,
	accrued_until = excluded.accrued_until,
	updated_at = now()
	where s.accrued_until <= excluded.accrued_from
returning s.guild_id, s.user_id, s.total_xp, s.level, s.xp_into_level, s.voice_seconds, s.xp_carry, s.ms_carry,
	s.tier_role_id, (s.xmax = 0) as inserted`;

function key(guildId: string, userId: string): string {
	return `${guildId}:${userId}`;
}

/**
 * A PostgreSQL array literal (`{1,2,3}`) of ids or integers, sent as one text bind parameter and cast in the statement
 * (`$1::varchar(20)[]`). Built here rather than handing `pg` a JS array, which it would serialize with every element
 * quoted; `unnest` of arrays parses far faster than JSON. Only digits reach it ({@link assertDelta} checks), so
 * nothing needs quoting.
 */
function arrayLiteral(batch: readonly VoiceXpDelta[], pick: (delta: VoiceXpDelta) => string | number): string {
	return `{${batch.map(pick).join(',')}}`;
}

const SNOWFLAKE = /^\d{1,20}$/;

function assertDelta(delta: VoiceXpDelta): void {
	const integers = [delta.eligibleMs, delta.xpUnits, delta.from, delta.to];
	if (
		!SNOWFLAKE.test(delta.guildId) ||
		!SNOWFLAKE.test(delta.userId) ||
		!integers.every((value) => Number.isSafeInteger(value) && value >= 0) ||
		delta.to < delta.from
	) {
		throw new RangeError(`Invalid voice XP delta for ${delta.guildId}/${delta.userId}: ${JSON.stringify(delta)}`);
	}
}

/**
 * Splits deltas into statements: at most `max` rows each, and never the same (guild, member) twice in one statement
 * (PostgreSQL refuses to update a row twice in one `on conflict do update`); a repeated member goes to a later one,
 * keeping their deltas in order.
 */
function planStatements(deltas: readonly VoiceXpDelta[], max: number): VoiceXpDelta[][] {
	const rounds: VoiceXpDelta[][] = [];
	const roundOf = new Map<string, number>();
	for (const delta of deltas) {
		const k = key(delta.guildId, delta.userId);
		const round = (roundOf.get(k) ?? -1) + 1;
		roundOf.set(k, round);
		(rounds[round] ??= []).push(delta);
	}
	const statements: VoiceXpDelta[][] = [];
	for (const round of rounds) {
		for (let start = 0; start < round.length; start += max) statements.push(round.slice(start, start + max));
	}
	return statements;
}

async function writeStatement(em: EntityManager, batch: readonly VoiceXpDelta[]): Promise<{ written: FlushedMember[]; skipped: VoiceXpDelta[] }> {
	const rows = await executeWithBindParameters<ReturnedRow>(em, UPSERT_SQL, [
		arrayLiteral(batch, (delta) => delta.guildId),
		arrayLiteral(batch, (delta) => delta.userId),
		arrayLiteral(batch, (delta) => delta.eligibleMs),
		arrayLiteral(batch, (delta) => delta.xpUnits),
		arrayLiteral(batch, (delta) => delta.from),
		arrayLiteral(batch, (delta) => delta.to)
	]);
	const byKey = new Map(batch.map((delta) => [key(delta.guildId, delta.userId), delta]));
	const written: FlushedMember[] = [];
	for (const row of rows) {
		const delta = byKey.get(key(row.guild_id, row.user_id));
		byKey.delete(key(row.guild_id, row.user_id));
		if (delta === undefined) continue;
		const totalXp = Number(row.total_xp);
		const level = Number(row.level);
		const gainedXp = gainedXpFromCarry(delta.xpUnits, Number(row.xp_carry));
		const gainedSeconds = Math.max(0, Math.ceil((delta.eligibleMs - Number(row.ms_carry)) / MS_PER_SECOND));
		const xpIntoLevel = Number(row.xp_into_level);
		// Most writes stay within the level: no need to walk the curve back.
		const previousLevel = row.inserted ? 0 : gainedXp <= xpIntoLevel ? level : levelForTotalXp(totalXp - gainedXp);
		written.push({
			guildId: row.guild_id,
			userId: row.user_id,
			totalXp,
			gainedXp,
			level,
			previousLevel,
			xpIntoLevel,
			voiceSeconds: Number(row.voice_seconds),
			gainedSeconds,
			tierRoleId: row.tier_role_id,
			created: row.inserted,
			leveledUp: level > previousLevel
		});
	}
	return { written, skipped: [...byKey.values()] };
}

/**
 * Writes drained deltas in one statement per `maxRowsPerStatement` rows (see the module description).
 * Statements are independent and each is atomic and idempotent, so a batch that failed part-way can be flushed
 * again as a whole.
 *
 * @param em a PostgreSQL EntityManager (any fork; no unit of work is used). Inside `em.transactional()` (or after
 *   `em.begin()`) the statements run in that transaction and commit or roll back with it.
 * @param deltas the output of {@link VoiceSessionTracker.drain} (or a batch that failed before)
 * @throws RangeError on a malformed delta (nothing is written); MikroORM's `DriverException` (or a subclass such as
 *   `TableNotFoundException`) on a database error
 */
export async function flushDeltas(em: EntityManager, deltas: readonly VoiceXpDelta[], options: FlushOptions = {}): Promise<FlushResult> {
	deltas.forEach(assertDelta);
	const max = options.maxRowsPerStatement ?? DEFAULT_MAX_ROWS_PER_STATEMENT;
	if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxRowsPerStatement must be a positive integer, got ${max}`);
	const result: FlushResult = { written: [], skipped: [], statements: 0 };
	for (const batch of planStatements(deltas, max)) {
		const { written, skipped } = await writeStatement(em, batch);
		result.written.push(...written);
		result.skipped.push(...skipped);
		result.statements++;
	}
	return result;
}

/**
 * The same flush written one member at a time (one statement per delta, same SQL, same bind-parameter path and
 * semantics). For the benchmark's ratio only: the plugin uses {@link flushDeltas}.
 */
export async function flushOneByOne(em: EntityManager, deltas: readonly VoiceXpDelta[]): Promise<FlushResult> {
	return flushDeltas(em, deltas, { maxRowsPerStatement: 1 });
}

/** Options of {@link VoiceXpFlusher}. */
export interface VoiceXpFlusherOptions extends FlushOptions {
	/**
	 * Crash insurance (lib/pendingDeltas.ts): where the time a failed flush could not write is copied, and where the
	 * copies other processes left are found. Without it, a failed flush keeps its time in memory only.
	 */
	pending?: PendingDeltaStore;
	/** Told after each batch another process left in Redis was written and removed (logs, metrics). */
	onRecovered?: (batch: RecoveredBatch) => void;
	/** Told when Redis failed: the flush goes on, but the Redis copy may be missing or stale. */
	onPendingError?: (error: PendingStoreError) => void;
}

/** A flush's outcome: own and recovered writes. */
export interface FlusherResult extends FlushResult {
	/**
	 * Members written, this process's and those of the batches other processes left in Redis
	 * ({@link VoiceXpFlusherOptions.onRecovered} reports those batches, with their skipped deltas).
	 */
	written: FlushedMember[];
	/** This process's own deltas that were not added because their window starts before the row's watermark. */
	skipped: VoiceXpDelta[];
}

/**
 * Drains a tracker and flushes, keeping what failed to be written again on the next call (the write is idempotent, so
 * a batch that did reach the database before the error is not counted twice).
 *
 * What a failed flush keeps, in memory:
 * - `attempted`: the batch whose write failed. It may have been committed (the error came after), so it is written
 *   again alone, first: the watermark then adds it or skips it as a whole, and nothing newer is merged into it.
 * - with a pending store only, `fresh`: time drained at later failed flushes (one delta per member, merged, never sent
 *   to PostgreSQL). Without a store the tracker is simply not drained while `attempted` fails: it keeps accruing.
 *
 * With a pending store (lib/pendingDeltas.ts), every failed flush also saves `attempted` + `fresh` to Redis, so a
 * process killed while PostgreSQL is down loses at most the time since its last flush. A flush that reaches
 * PostgreSQL writes, in this order: `attempted`; the batches other processes left in Redis (older than this
 * process's newer time of the same members); `fresh` and the tracker's time (separate deltas, so that if another
 * process applied this process's copy meanwhile, only the copied part is skipped); then removes its own copy.
 * A flush never throws a Redis error: it tells {@link VoiceXpFlusherOptions.onPendingError} and goes on.
 */
export class VoiceXpFlusher {
	readonly #tracker: VoiceSessionTracker;
	readonly #em: () => EntityManager;
	readonly #options: FlushOptions;
	readonly #pending: PendingDeltaStore | undefined;
	readonly #onRecovered: ((batch: RecoveredBatch) => void) | undefined;
	readonly #onPendingError: ((error: PendingStoreError) => void) | undefined;
	#attempted: VoiceXpDelta[] = [];
	readonly #fresh = new Map<string, VoiceXpDelta>();
	/** The deltas of the last batch saved to Redis (by identity), to drop if another process applied it. */
	#saved = new Set<VoiceXpDelta>();
	#running: Promise<FlusherResult> | null = null;

	/**
	 * @param tracker the process's session tracker
	 * @param em returns the EntityManager to write with (called on every flush, e.g. `() => orm.em.fork()`)
	 */
	constructor(tracker: VoiceSessionTracker, em: () => EntityManager, options: VoiceXpFlusherOptions = {}) {
		this.#tracker = tracker;
		this.#em = em;
		const { pending, onRecovered, onPendingError, ...flushOptions } = options;
		this.#options = flushOptions;
		this.#pending = pending;
		this.#onRecovered = onRecovered;
		this.#onPendingError = onPendingError;
	}

	/** Deltas of a failed write waiting to be written again first. */
	get pendingRetry(): readonly VoiceXpDelta[] {
		return this.#attempted;
	}

	/** Time drained at failed flushes (with a pending store), never sent yet: one delta per member. */
	get pendingFresh(): readonly VoiceXpDelta[] {
		return [...this.#fresh.values()];
	}

	/**
	 * Writes what a failed flush kept, the batches other processes left in Redis, then drains the tracker at `now` and
	 * writes that (see the class description). Concurrent calls wait for the running flush and then run their own.
	 *
	 * @param now the drain time, ms
	 * @param guildIds drain only these guilds (see {@link VoiceSessionTracker.drain}); default every guild
	 * @returns the combined result of the writes
	 * @throws the database error; the unwritten deltas are kept for the next call (and copied to Redis)
	 */
	async flush(now: number, guildIds?: Iterable<string>): Promise<FlusherResult> {
		while (this.#running !== null) await this.#running.catch(() => undefined);
		const running = this.#flush(now, guildIds === undefined ? undefined : [...guildIds]);
		this.#running = running;
		try {
			return await running;
		} finally {
			this.#running = null;
		}
	}

	/**
	 * Forgets a member's time kept by failed flushes, in memory and in every batch stored in Redis (`/xp reset`: time
	 * earned before the reset must not be written after it). The tracker's own time is the caller's to discard.
	 */
	async discardPending(guildId: string, userId: string): Promise<void> {
		const matches = (delta: VoiceXpDelta) => delta.guildId === guildId && delta.userId === userId;
		this.#attempted = this.#attempted.filter((delta) => !matches(delta));
		this.#fresh.delete(`${guildId}:${userId}`);
		if (!this.#pending) return;
		try {
			await this.#pending.forgetMember(guildId, userId);
		} catch (error) {
			this.#pendingError(error);
		}
	}

	async #flush(now: number, guildIds: string[] | undefined): Promise<FlusherResult> {
		const em = this.#em();
		const total: FlusherResult = { written: [], skipped: [], statements: 0 };
		if (this.#attempted.length > 0) {
			try {
				merge(total, await flushDeltas(em, this.#attempted, this.#options));
				this.#attempted = [];
			} catch (error) {
				await this.#keep(now, guildIds);
				throw error;
			}
		}
		if (this.#pending) {
			try {
				await this.#pending.applyOthers(
					(deltas) => flushDeltas(em, deltas, this.#options),
					(batch) => {
						total.written.push(...batch.result.written);
						total.statements += batch.result.statements;
						this.#onRecovered?.(batch);
					}
				);
			} catch (error) {
				if (!(error instanceof PendingStoreError)) {
					await this.#keep(now, guildIds);
					throw error;
				}
				this.#pendingError(error);
			}
		}
		const batch = [...this.#fresh.values(), ...this.#tracker.drain(now, guildIds)];
		this.#fresh.clear();
		if (batch.length > 0) {
			try {
				merge(total, await flushDeltas(em, batch, this.#options));
			} catch (error) {
				this.#attempted = batch;
				await this.#save([]);
				throw error;
			}
		}
		if (this.#pending) {
			this.#saved.clear();
			await this.#pending.discardOwn().catch((error: unknown) => this.#pendingError(error));
		}
		return total;
	}

	/** After a failed write of `attempted` or of another process's batch: keep the tracker's new time and save. */
	async #keep(now: number, guildIds: string[] | undefined): Promise<void> {
		// Without a store there is nothing to copy: the tracker keeps accruing instead.
		if (!this.#pending) return;
		await this.#save(this.#tracker.drain(now, guildIds));
	}

	/**
	 * Saves `attempted` + `fresh` (+ `drained`, merged into `fresh`) to Redis. If another process applied the batch
	 * saved last, its deltas are dropped from memory first (they are counted; saving them again would be skipped, and
	 * newer time merged into them with it).
	 */
	async #save(drained: readonly VoiceXpDelta[]): Promise<void> {
		if (!this.#pending) return;
		const applied = this.#saved;
		this.#saved = new Set();
		let saving: VoiceXpDelta[] = [];
		const compose = (appliedElsewhere: boolean) => {
			if (appliedElsewhere) {
				this.#attempted = this.#attempted.filter((delta) => !applied.has(delta));
				for (const [key, delta] of this.#fresh) if (applied.has(delta)) this.#fresh.delete(key);
			}
			for (const delta of drained) {
				const key = `${delta.guildId}:${delta.userId}`;
				const previous = this.#fresh.get(key);
				this.#fresh.set(
					key,
					previous === undefined
						? delta
						: { ...previous, eligibleMs: previous.eligibleMs + delta.eligibleMs, xpUnits: previous.xpUnits + delta.xpUnits, to: delta.to }
				);
			}
			saving = [...this.#attempted, ...this.#fresh.values()];
			return saving;
		};
		try {
			if (await this.#pending.save(compose)) this.#saved = new Set(saving);
		} catch (error) {
			this.#pendingError(error);
		}
	}

	#pendingError(error: unknown): void {
		const wrapped = error instanceof PendingStoreError ? error : new PendingStoreError('keep voice time pending', { cause: error });
		this.#onPendingError?.(wrapped);
	}
}

function merge(into: FlushResult, from: FlushResult): void {
	into.written.push(...from.written);
	into.skipped.push(...from.skipped);
	into.statements += from.statements;
}
