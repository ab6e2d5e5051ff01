import type { EntityManager } from '@mikro-orm/postgresql';
import { executeWithBindParameters } from './boundStatement.js';
import { gainedXpFromCarry, MS_PER_SECOND, XP_UNITS_PER_XP } from './accrual.js';
import { levelEstimateSql, levelForTotalXp, levelFromEstimateSql, levelSqlExpression, totalXpForLevelSql } from './levels.js';
import type { VoiceSessionTracker, VoiceXpDelta } from './sessionTracker.js';
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

/**
 * Drains a tracker and flushes, keeping a failed batch to be written again first on the next call (the write is
 * idempotent, so a batch that did reach the database before the error is not counted twice). While a failed batch
 * cannot be written, the tracker is not drained and keeps accruing: nothing is lost.
 */
export class VoiceXpFlusher {
	readonly #tracker: VoiceSessionTracker;
	readonly #em: () => EntityManager;
	readonly #options: FlushOptions;
	#retry: VoiceXpDelta[] = [];
	#running: Promise<FlushResult> | null = null;

	/**
	 * @param tracker the process's session tracker
	 * @param em returns the EntityManager to write with (called on every flush, e.g. `() => orm.em.fork()`)
	 */
	constructor(tracker: VoiceSessionTracker, em: () => EntityManager, options: FlushOptions = {}) {
		this.#tracker = tracker;
		this.#em = em;
		this.#options = options;
	}

	/** Deltas of a failed flush waiting to be written again. */
	get pendingRetry(): readonly VoiceXpDelta[] {
		return this.#retry;
	}

	/**
	 * Writes a batch that failed before, if any, then drains the tracker at `now` and writes that. Concurrent calls
	 * wait for the running flush and then run their own.
	 *
	 * @param now the drain time, ms
	 * @param guildIds drain only these guilds (see {@link VoiceSessionTracker.drain}); default every guild
	 * @returns the combined result of both writes
	 * @throws the database error; the unwritten deltas are kept for the next call
	 */
	async flush(now: number, guildIds?: Iterable<string>): Promise<FlushResult> {
		while (this.#running !== null) await this.#running.catch(() => undefined);
		const running = this.#flush(now, guildIds);
		this.#running = running;
		try {
			return await running;
		} finally {
			this.#running = null;
		}
	}

	async #flush(now: number, guildIds?: Iterable<string>): Promise<FlushResult> {
		const em = this.#em();
		const total: FlushResult = { written: [], skipped: [], statements: 0 };
		if (this.#retry.length > 0) {
			const retried = await flushDeltas(em, this.#retry, this.#options);
			this.#retry = [];
			merge(total, retried);
		}
		const deltas = this.#tracker.drain(now, guildIds);
		if (deltas.length === 0) return total;
		try {
			merge(total, await flushDeltas(em, deltas, this.#options));
		} catch (error) {
			this.#retry = deltas;
			throw error;
		}
		return total;
	}
}

function merge(into: FlushResult, from: FlushResult): void {
	into.written.push(...from.written);
	into.skipped.push(...from.skipped);
	into.statements += from.statements;
}
