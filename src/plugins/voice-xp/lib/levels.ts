/**
 * Levels of the voice XP plugin: the MEE6 curve.
 *
 * Rule (issue 4, "the MEE6 curve"): going from level `L` to level `L + 1` costs `5·L² + 50·L + 100` XP.
 * Summed, the total XP needed to reach level `L` from zero is the closed form
 * `T(L) = (10·L³ + 135·L² + 455·L) / 6` (always an integer): `T(1) = 100`, `T(10) = 4,675`, `T(50) = 268,375`.
 *
 * All XP values are whole XP (integers). Totals are JavaScript numbers and are exact up to
 * `Number.MAX_SAFE_INTEGER` (level ≈ 175,000), far beyond anything a member can earn.
 */

/** Minutes in one hour, used to turn minutes of voice time into hours in the level table. */
const MINUTES_PER_HOUR = 60;

function assertLevel(level: number): void {
	if (!Number.isSafeInteger(level) || level < 0) {
		throw new RangeError(`A level must be a non-negative integer, got ${level}`);
	}
}

/**
 * XP needed to go from `level` to `level + 1`: `5·L² + 50·L + 100` (MEE6 curve).
 *
 * @param level the current level, a non-negative integer
 * @returns whole XP, e.g. 100 at level 0, 155 at level 1, 1,100 at level 10
 * @throws RangeError when `level` is negative or not an integer
 */
export function xpToNextLevel(level: number): number {
	assertLevel(level);
	return 5 * level * level + 50 * level + 100;
}

/**
 * Total XP needed to reach `level` from zero XP: the sum of {@link xpToNextLevel} over levels `0 … level - 1`,
 * computed with the closed form `(10·L³ + 135·L² + 455·L) / 6`.
 *
 * @param level the target level, a non-negative integer
 * @returns whole XP: 0 at level 0, 100 at level 1, 4,675 at level 10, 268,375 at level 50
 * @throws RangeError when `level` is negative or not an integer
 */
export function totalXpForLevel(level: number): number {
	assertLevel(level);
	return (10 * level * level * level + 135 * level * level + 455 * level) / 6;
}

/**
 * A first guess of the level for a total, from the real root of the cubic `T(L) = totalXp`
 * (substituting `L = y - 4.5` gives `y³ - 15.25·y - 22.5 = 0.6·totalXp`), lowered by one. Checked for every level up
 * to 200,000: it is never above the true level and at most two below it; callers correct it exactly.
 */
function estimateLevel(totalXp: number): number {
	return Math.max(0, Math.floor(Math.cbrt(0.6 * totalXp + 22.5) - 4.5) - 1);
}

/**
 * The level reached with `totalXp`: the largest `L` with `totalXpForLevel(L) <= totalXp`.
 *
 * @param totalXp whole XP; zero, negative or non-finite totals give level 0
 * @returns a non-negative integer level
 */
export function levelForTotalXp(totalXp: number): number {
	if (!Number.isFinite(totalXp) || totalXp < totalXpForLevel(1)) return 0;
	let level = estimateLevel(totalXp);
	while (level > 0 && totalXpForLevel(level) > totalXp) level--;
	while (totalXpForLevel(level + 1) <= totalXp) level++;
	return level;
}

/** Where a total of XP stands on the curve, as shown by `/rank`. */
export interface LevelProgress {
	/** The level reached (non-negative integer). */
	level: number;
	/** Whole XP earned since reaching `level` (0 ≤ xpIntoLevel < xpForNextLevel). */
	xpIntoLevel: number;
	/** Whole XP needed to go from `level` to `level + 1` ({@link xpToNextLevel}). */
	xpForNextLevel: number;
}

/**
 * Splits a member's total XP into level, XP into that level and XP needed for the next one.
 * Negative or zero totals clamp to level 0 with 0 XP into it (an admin's `/xp add` with a negative amount can
 * push a total below zero before it is clamped). Fractional totals are floored to whole XP.
 *
 * @param totalXp whole XP
 * @returns e.g. `levelProgress(150)` → `{ level: 1, xpIntoLevel: 50, xpForNextLevel: 155 }`
 */
export function levelProgress(totalXp: number): LevelProgress {
	const total = Number.isFinite(totalXp) && totalXp > 0 ? Math.floor(totalXp) : 0;
	const level = levelForTotalXp(total);
	return { level, xpIntoLevel: total - totalXpForLevel(level), xpForNextLevel: xpToNextLevel(level) };
}

/** `T(L)` ({@link totalXpForLevel}) as a PostgreSQL bigint expression; `level` is a short SQL expression, used 6 times. */
export function totalXpForLevelSql(level: string): string {
	return `((10 * ${level} * ${level} * ${level} + 135 * ${level} * ${level} + 455 * ${level}) / 6)`;
}

/**
 * First half of {@link levelForTotalXp} in PostgreSQL: a lower bound of the level for a total, from the cube root
 * estimate lowered by one more level as a margin for floating-point differences. The true level is at most four
 * levels above it. `totalXpSql` (a bigint expression) is evaluated once.
 */
export function levelEstimateSql(totalXpSql: string): string {
	return `greatest(0, floor(cbrt(0.6 * greatest(${totalXpSql}, 0)::float8 + 22.5) - 4.5)::bigint - 2)`;
}

/**
 * Second half of {@link levelForTotalXp} in PostgreSQL: the exact level, from the lower bound of
 * {@link levelEstimateSql} and the total, by counting the four levels above the bound that the total reaches.
 * Both arguments should be column references (each is used several times); exact for every total up to 2⁵³.
 */
export function levelFromEstimateSql(totalXpSql: string, estimateSql: string): string {
	const steps = [1, 2, 3, 4].map(
		(k) => `(case when ${totalXpForLevelSql(`(${estimateSql} + ${k})`)} <= ${totalXpSql} then 1 else 0 end)`
	);
	return `(${estimateSql} + ${steps.join(' + ')})`;
}

/**
 * {@link levelForTotalXp} as one PostgreSQL expression (a scalar subquery), for single-row statements such as an
 * admin's adjustment. Totals below 100 (zero and negative ones included) give level 0.
 *
 * @param totalXpSql a bigint SQL expression (trusted code only: it is inlined, not bound)
 */
export function levelSqlExpression(totalXpSql: string): string {
	return `(select ${levelFromEstimateSql('e.total', 'e.base')} from (select (${totalXpSql})::bigint as total, ${levelEstimateSql(`(${totalXpSql})::bigint`)} as base) e)`;
}

/** One row of the level table printed by `npm run levels`. */
export interface LevelTableRow {
	/** The level (integer ≥ 1). */
	level: number;
	/** Whole XP needed to go from this level to the next. */
	xpToNext: number;
	/** Total whole XP needed to reach this level from zero. */
	totalXp: number;
	/** Hours of eligible voice time needed to reach this level at the given rate (fractional). */
	hours: number;
}

/**
 * The level table for tuning a guild's rate: for each level 1 … `maxLevel`, its total XP and the hours of eligible
 * voice time it takes at `xpPerMinute` (hours = totalXp / xpPerMinute / 60).
 *
 * @param maxLevel the last level listed, integer 1 … 10,000
 * @param xpPerMinute XP earned per eligible minute, a positive number (the plugin's default is 6)
 * @throws RangeError on a `maxLevel` or `xpPerMinute` outside those ranges
 */
export function levelTable(maxLevel: number, xpPerMinute: number): LevelTableRow[] {
	if (!Number.isInteger(maxLevel) || maxLevel < 1 || maxLevel > 10_000) {
		throw new RangeError(`maxLevel must be an integer from 1 to 10000, got ${maxLevel}`);
	}
	if (!Number.isFinite(xpPerMinute) || xpPerMinute <= 0) {
		throw new RangeError(`xpPerMinute must be a positive number, got ${xpPerMinute}`);
	}
	const rows: LevelTableRow[] = [];
	for (let level = 1; level <= maxLevel; level++) {
		const totalXp = totalXpForLevel(level);
		rows.push({ level, xpToNext: xpToNextLevel(level), totalXp, hours: totalXp / xpPerMinute / MINUTES_PER_HOUR });
	}
	return rows;
}

/**
 * Formats {@link levelTable} rows as a fixed-width text table (header line, then one line per level; hours with one
 * decimal). Plain text for a terminal: this is a developer tool, not user-facing bot output.
 */
export function formatLevelTable(rows: readonly LevelTableRow[], xpPerMinute: number): string {
	const header = ['level', 'xp to next', 'total xp', `hours at ${xpPerMinute} xp/min`];
	const body = rows.map((row) => [
		String(row.level),
		row.xpToNext.toLocaleString('en-US'),
		row.totalXp.toLocaleString('en-US'),
		row.hours.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })
	]);
	const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)));
	const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padStart(widths[column]!)).join('  ');
	return [line(header), ...body.map(line)].join('\n');
}
