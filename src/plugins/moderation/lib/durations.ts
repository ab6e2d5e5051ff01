/// <reference lib="es2025.intl" />
// Intl.DurationFormat (Node 24) is typed in TypeScript's es2025.intl library; the project's tsconfig.json stops at ES2024.
import { Duration } from '@sapphire/duration';
import type { UserError } from '@sapphire/framework';
import { translatedUserError } from '../../../lib/errors.js';

/**
 * Durations as moderators type them ("1d 2h", "90m", "2w", "1h30m"), parsed with @sapphire/duration into
 * milliseconds, checked against the bounds of their use, and written back for humans in a guild's language.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The range a duration must fall in, both ends included, in milliseconds. */
export interface DurationBounds {
	readonly minMs: number;
	readonly maxMs: number;
}

/** A timeout: 1 second to 28 days (Discord's limit on `communication_disabled_until`, "Modify Guild Member"). */
export const TIMEOUT_BOUNDS: DurationBounds = Object.freeze({ minMs: SECOND, maxMs: 28 * DAY });

/** A temporary ban: 1 second to 365 days (our limit: a longer ban is a permanent one). */
export const BAN_BOUNDS: DurationBounds = Object.freeze({ minMs: SECOND, maxMs: 365 * DAY });

/** A timed lockdown: 1 second to 365 days (our limit). */
export const LOCKDOWN_BOUNDS: DurationBounds = Object.freeze({ minMs: SECOND, maxMs: 365 * DAY });

/** Slowmode: 0 (off) to 6 hours, Discord's limit on `rate_limit_per_user` (21,600 seconds). */
export const SLOWMODE_BOUNDS: DurationBounds = Object.freeze({ minMs: 0, maxMs: 21_600 * SECOND });

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

/**
 * Parses a duration a moderator typed and checks it against the bounds of its use.
 * @param input what they typed, e.g. "1d 2h", "90m", "2w", "1h30m".
 * @param bounds {@link TIMEOUT_BOUNDS}, {@link BAN_BOUNDS}, {@link SLOWMODE_BOUNDS}, ...
 * @param locale the guild's language, for the bounds named in the error.
 * @returns milliseconds (whole seconds).
 * @throws UserError `moderation:errors.badDuration` (context: `input`) when it is not a duration;
 *   `moderation:errors.durationOutOfRange` (context: `duration`, `min`, `max`, written for humans) when it is outside
 *   the bounds.
 */
export function parseDuration(input: string, bounds: DurationBounds, locale: string): number {
	const ms = durationMs(input);
	if (ms === null) throw badDuration(input);
	checkDuration(ms, bounds, locale);
	return ms;
}

/**
 * Checks a duration given in milliseconds (a service call, an escalation step) against bounds.
 * @throws UserError `moderation:errors.durationOutOfRange` (context: `duration`, `min`, `max`) outside them.
 */
export function checkDuration(ms: number, bounds: DurationBounds, locale: string): void {
	if (!Number.isFinite(ms) || ms < bounds.minMs || ms > bounds.maxMs) {
		throw translatedUserError('moderation:errors.durationOutOfRange', {
			duration: Number.isFinite(ms) ? formatDuration(Math.max(0, ms), locale) : String(ms),
			min: formatDuration(bounds.minMs, locale),
			max: formatDuration(bounds.maxMs, locale)
		});
	}
}

function badDuration(input: string): UserError {
	// The input is shown back, cut to what the parser looks at.
	return translatedUserError('moderation:errors.badDuration', { input: input.trim().slice(0, MAX_DURATION_INPUT) });
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
