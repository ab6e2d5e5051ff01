import { UserError } from '@sapphire/framework';
import { describe, expect, it } from 'vitest';
import { BAN_BOUNDS, checkDuration, durationMs, formatDuration, parseDuration, SLOWMODE_BOUNDS, TIMEOUT_BOUNDS } from '../../../../src/plugins/moderation/lib/durations.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The UserError a call throws (fails the test when it throws none or something else). */
function userErrorOf(call: () => unknown): UserError {
	try {
		call();
	} catch (error) {
		if (error instanceof UserError) return error;
		throw error;
	}
	throw new Error('expected a UserError');
}

describe('durationMs', () => {
	it.each([
		['1d 2h', DAY + 2 * HOUR],
		['90m', 90 * MINUTE],
		['2w', 14 * DAY],
		['1h30m', HOUR + 30 * MINUTE],
		['1h 30m', HOUR + 30 * MINUTE],
		['1 d, 2 h', DAY + 2 * HOUR],
		['3 hours 2 minutes', 3 * HOUR + 2 * MINUTE],
		['45s', 45 * SECOND],
		['1.5h', 90 * MINUTE],
		['2 DAYS', 2 * DAY],
		['  10m  ', 10 * MINUTE],
		['0', 0],
		['1y', 365 * DAY]
	])('reads %j as %d ms', (input, expected) => {
		expect(durationMs(input)).toBe(expected);
	});

	it.each(['', '   ', '90', 'abc', '1d oops', '5x', '-5m', '1e3s', 'an hour', 'm', '1d2', `${'1s '.repeat(40)}`])('refuses %j', (input) => {
		expect(durationMs(input)).toBeNull();
	});

	it('truncates to whole seconds', () => {
		expect(durationMs('1500ms')).toBe(SECOND);
		expect(durationMs('0.5s')).toBe(0);
	});
});

describe('parseDuration', () => {
	it('returns milliseconds within the bounds', () => {
		expect(parseDuration('28d', TIMEOUT_BOUNDS, 'en-US')).toBe(28 * DAY);
		expect(parseDuration('1s', TIMEOUT_BOUNDS, 'en-US')).toBe(SECOND);
		expect(parseDuration('0', SLOWMODE_BOUNDS, 'en-US')).toBe(0);
		expect(parseDuration('6h', SLOWMODE_BOUNDS, 'en-US')).toBe(6 * HOUR);
		expect(parseDuration('52w', BAN_BOUNDS, 'en-US')).toBe(364 * DAY);
	});

	it('refuses what is not a duration, with the input', () => {
		const error = userErrorOf(() => parseDuration('soon', TIMEOUT_BOUNDS, 'en-US'));
		expect(error.identifier).toBe('moderation:errors.badDuration');
		expect(error.context).toEqual({ input: 'soon' });
	});

	it('refuses a timeout over 28 days and slowmode over 6 hours, naming the bounds in the guild language', () => {
		const timeout = userErrorOf(() => parseDuration('29d', TIMEOUT_BOUNDS, 'en-US'));
		expect(timeout.identifier).toBe('moderation:errors.durationOutOfRange');
		expect(timeout.context).toEqual({ duration: '29 days', min: '1 second', max: '28 days' });
		const slowmode = userErrorOf(() => parseDuration('6h 1s', SLOWMODE_BOUNDS, 'pl'));
		expect(slowmode.context).toEqual({ duration: '6 godzin i 1 sekunda', min: '0 sekund', max: '6 godzin' });
		expect(userErrorOf(() => parseDuration('0', TIMEOUT_BOUNDS, 'fr')).context).toMatchObject({ duration: '0\u00a0seconde', min: '1\u00a0seconde' });
		expect(userErrorOf(() => parseDuration('366d', BAN_BOUNDS, 'en-US')).identifier).toBe('moderation:errors.durationOutOfRange');
	});

	it('checkDuration refuses values that are not finite', () => {
		expect(userErrorOf(() => checkDuration(Number.NaN, TIMEOUT_BOUNDS, 'en-US')).identifier).toBe('moderation:errors.durationOutOfRange');
		expect(() => checkDuration(HOUR, TIMEOUT_BOUNDS, 'en-US')).not.toThrow();
	});
});

describe('formatDuration', () => {
	it('writes durations in each shipped language, with their plural forms', () => {
		expect(formatDuration(DAY + 2 * HOUR, 'en-US')).toBe('1 day, 2 hours');
		expect(formatDuration(DAY + 2 * HOUR, 'pl')).toBe('1 dzień i 2 godziny');
		// French puts a no-break space between a number and its unit.
		expect(formatDuration(DAY + 2 * HOUR, 'fr')).toBe('1\u00a0jour et 2\u00a0heures');
		expect(formatDuration(5 * MINUTE, 'pl')).toBe('5 minut');
		expect(formatDuration(22 * MINUTE, 'pl')).toBe('22 minuty');
	});

	it('writes weeks as days and drops milliseconds', () => {
		expect(formatDuration(14 * DAY, 'en-US')).toBe('14 days');
		expect(formatDuration(HOUR + 999, 'en-US')).toBe('1 hour');
		expect(formatDuration(0, 'en-US')).toBe('0 seconds');
	});

	it('reads back what it writes in English units', () => {
		for (const ms of [SECOND, 90 * MINUTE, DAY + 2 * HOUR + 3 * SECOND]) {
			expect(durationMs(formatDuration(ms, 'en-US'))).toBe(ms);
		}
	});
});
