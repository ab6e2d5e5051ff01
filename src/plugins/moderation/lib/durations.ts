/// <reference lib="es2025.intl" />
// Intl.DurationFormat (Node 24) is typed in TypeScript's es2025.intl library; the project's tsconfig.json stops at ES2024.
import type { UserError } from '@sapphire/framework';
import { durationMs, formatDuration, MAX_DURATION_INPUT } from '../../../lib/durations.js';
import { translatedUserError } from '../../../lib/errors.js';

export { durationMs, formatDuration, MAX_DURATION_INPUT };

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

