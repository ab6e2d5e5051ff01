/// <reference lib="es2025.intl" />
// Intl.DurationFormat (Node 24) is typed in TypeScript's es2025.intl library; the project's tsconfig.json stops at ES2024.
import { Duration } from '@sapphire/duration';

/**
 * Durations as people type them ("1d 2h", "90m", "2w", "1h30m"), parsed with @sapphire/duration into milliseconds,
 * and written back for humans in a guild's language. Plugins add their own bounds and translated refusals
 * (src/plugins/moderation/lib/durations.ts, the giveaways' `/giveaway start`).
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Longest input looked at, in characters (nobody types more; it keeps the parsing cheap). */
export const MAX_DURATION_INPUT = 100;

/**
 * One part of a duration: a number (no sign, no exponent) and a unit word, optionally followed by a comma. Whatever
 * the parts do not cover makes the input invalid: @sapphire/duration on its own skips words it does not know, so
 * "1d oops" would be one day, and "90" (no unit) nothing at all.
 */
const PART = /(\d+(?:\.\d+)?)\s*([a-zμ]+)\s*,?\s*/giy;

/**
 * Milliseconds in `input`, or null when it is not a duration: every part must be a number with a unit
 * @sapphire/duration knows (`s`, `sec`, `m`, `min`, `h`, `hr`, `d`, `w`, `wk`, `mo`, `y`, their long forms, ...), with
 * nothing else in between. "0" alone is zero (slowmode off). The result is truncated to whole seconds, the resolution
 * of slowmode and of what moderators see.
 */
export function durationMs(input: string): number | null {
	const text = input.trim();
	if (text === '' || text.length > MAX_DURATION_INPUT) return null;
	if (/^0+$/.test(text)) return 0;
	PART.lastIndex = 0;
	let covered = 0;
	let total = 0;
	for (let match = PART.exec(text); match; match = PART.exec(text)) {
		covered = PART.lastIndex;
		const part = new Duration(`${match[1]}${match[2]}`).offset;
		if (!Number.isFinite(part)) return null; // an unknown unit
		total += part;
	}
	if (covered !== text.length) return null;
	return Math.floor(total / SECOND) * SECOND;
}

/** Units a duration is written in for humans, largest first (weeks and above are written as days: "30 days"). */
const UNITS: readonly (readonly ['days' | 'hours' | 'minutes' | 'seconds', number])[] = [
	['days', DAY],
	['hours', HOUR],
	['minutes', MINUTE],
	['seconds', SECOND]
];

/**
 * A duration for humans in a language: `3_600_000` -> "1 hour" (en-US), "1 godzina" (pl), "1 heure" (fr);
 * `93_600_000` -> "1 day, 2 hours" (en-US). Whole seconds (below one second: "0 seconds"); weeks are written as days
 * so that "28 days" reads as Discord's limit does. Uses the runtime's `Intl.DurationFormat` (plural forms of every
 * language come with it).
 * @param ms milliseconds, not negative.
 * @param locale a locale the runtime knows (`en-US`, `pl`, `fr`).
 */
export function formatDuration(ms: number, locale: string): string {
	let rest = Math.max(0, Math.floor(ms / SECOND)) * SECOND;
	const parts: Partial<Record<(typeof UNITS)[number][0], number>> = {};
	for (const [unit, size] of UNITS) {
		const count = Math.floor(rest / size);
		if (count > 0) parts[unit] = count;
		rest -= count * size;
	}
	if (Object.keys(parts).length === 0) {
		// Intl.DurationFormat leaves out zero units unless told to show one.
		return new Intl.DurationFormat(locale, { style: 'long', secondsDisplay: 'always' }).format({ seconds: 0 });
	}
	return new Intl.DurationFormat(locale, { style: 'long' }).format(parts);
}
