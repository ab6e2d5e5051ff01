import { accrueVoiceTime, accrueXp } from './accrual.js';
import { levelProgress } from './levels.js';
import type { MemberStats } from './stats.js';

/**
 * Figures shown by `/rank` and `/leaderboard`, as plain values (the commands translate and lay them out).
 */

/** Seconds in a minute and in an hour. */
const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3_600;

/** Width of the `/rank` progress bar, in characters. */
export const PROGRESS_BAR_WIDTH = 10;

/** Characters of the progress bar: filled and empty segments. */
const FILLED = '█';
const EMPTY = '░';

/**
 * A text progress bar of `width` segments for `value` out of `max`, filled by whole segments rounded down (a bar is
 * full only at 100 %), with the percentage rounded down.
 *
 * @param value progress so far (clamped to 0 … max)
 * @param max the total (> 0; a non-positive max gives an empty bar)
 * @returns e.g. `progressBar(50, 155)` → `{ bar: '███░░░░░░░', percent: 32 }`
 */
export function progressBar(value: number, max: number, width: number = PROGRESS_BAR_WIDTH): { bar: string; percent: number } {
	const ratio = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
	const filled = Math.floor(ratio * width);
	return { bar: FILLED.repeat(filled) + EMPTY.repeat(width - filled), percent: Math.floor(ratio * 100) };
}

/**
 * Whole hours and minutes of a voice time (seconds below a minute are not shown).
 *
 * @param seconds voice time in seconds (negative counts as 0)
 * @returns e.g. 7,530 s → `{ hours: 2, minutes: 5 }`
 */
export function hoursAndMinutes(seconds: number): { hours: number; minutes: number } {
	const total = Math.max(0, Math.floor(seconds));
	return { hours: Math.floor(total / SECONDS_PER_HOUR), minutes: Math.floor((total % SECONDS_PER_HOUR) / SECONDS_PER_MINUTE) };
}

/** Medals for the first three places of the leaderboard (issue 4). */
const MEDALS = ['🥇', '🥈', '🥉'] as const;

/** The medal of a leaderboard position (1-based), or null from the fourth place on. */
export function medalFor(position: number): string | null {
	return MEDALS[position - 1] ?? null;
}

/** A member's figures including time accrued but not yet written. */
export interface LiveStanding {
	totalXp: number;
	level: number;
	xpIntoLevel: number;
	xpForNextLevel: number;
	voiceSeconds: number;
}

/**
 * A member's stored stats plus what their live session accrued since the last flush, computed exactly as the next
 * flush will (carries included, accrual.ts), so `/rank` never lags behind the flush interval.
 *
 * @param stored the member's row, or null when they have none yet
 * @param unflushed eligible ms and XP units (XP·ms/minute) accrued since the last flush (VoiceSessionTracker.unflushed)
 */
export function liveStanding(stored: MemberStats | null, unflushed: { eligibleMs: number; xpUnits: number }): LiveStanding {
	const xp = accrueXp(stored?.xpCarry ?? 0, unflushed.xpUnits);
	const time = accrueVoiceTime(stored?.msCarry ?? 0, unflushed.eligibleMs);
	const totalXp = (stored?.totalXp ?? 0) + xp.gainedXp;
	const progress = levelProgress(totalXp);
	return { totalXp, ...progress, voiceSeconds: (stored?.voiceSeconds ?? 0) + time.gainedSeconds };
}
