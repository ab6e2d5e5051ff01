import { describe, expect, it } from 'vitest';
import { FlushSchedule } from '../../../../src/plugins/voice-xp/lib/schedule.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
/** A whole minute since the epoch, as flushes fall on the grid. */
const T0 = 29_000_000 * MINUTE;

describe('FlushSchedule', () => {
	it('is due for a guild whenever the clock crosses a multiple of its interval, never twice in one slot', () => {
		const schedule = new FlushSchedule();
		schedule.set('a', 60, T0 + 10 * SECOND);
		expect(schedule.nextDueAt).toBe(T0 + MINUTE);
		expect(schedule.due(T0 + 59_999)).toEqual([]);
		expect(schedule.due(T0 + MINUTE)).toEqual(['a']);
		schedule.markFlushed(['a'], T0 + MINUTE + 300);
		expect(schedule.due(T0 + MINUTE + 30 * SECOND)).toEqual([]);
		expect(schedule.nextDueAt).toBe(T0 + 2 * MINUTE);
		expect(schedule.due(T0 + 2 * MINUTE)).toEqual(['a']);
	});

	it('never leaves more than one interval between two flushes of a guild, whatever its first time', () => {
		for (const interval of [10, 15, 30, 60]) {
			const schedule = new FlushSchedule();
			let last = T0 + 7_777;
			schedule.set('g', interval, last);
			const end = last + 10 * MINUTE;
			let flushes = 0;
			for (let now = last; now < end; now += 250) {
				if (schedule.due(now).length) {
					expect(now - last).toBeLessThanOrEqual(interval * SECOND);
					schedule.markFlushed(['g'], now);
					last = now;
					flushes++;
				}
			}
			expect(flushes).toBe((10 * 60) / interval);
		}
	});

	it('puts guilds with the same interval in the same flush, and meets shorter intervals on the minute', () => {
		const schedule = new FlushSchedule();
		schedule.set('a', 60, T0 + 5 * SECOND);
		schedule.set('b', 60, T0 + 50 * SECOND);
		schedule.set('c', 30, T0 + 50 * SECOND);
		schedule.set('d', 10, T0 + 50 * SECOND);
		expect(schedule.due(T0 + MINUTE).sort()).toEqual(['a', 'b', 'c', 'd']);
		schedule.markFlushed(['a', 'b', 'c', 'd'], T0 + MINUTE);
		expect(schedule.nextDueAt).toBe(T0 + MINUTE + 10 * SECOND);
		expect(schedule.due(T0 + MINUTE + 10 * SECOND)).toEqual(['d']);
	});

	it('takes a new interval at once and keeps the last flush time; forgets removed guilds', () => {
		const schedule = new FlushSchedule();
		schedule.set('a', 60, T0);
		schedule.set('a', 10, T0 + 3 * SECOND);
		expect(schedule.intervalSeconds('a')).toBe(10);
		expect(schedule.due(T0 + 10 * SECOND)).toEqual(['a']);
		schedule.remove('a');
		expect(schedule.has('a')).toBe(false);
		expect(schedule.nextDueAt).toBe(Number.POSITIVE_INFINITY);
		expect(schedule.due(T0 + 10 * MINUTE)).toEqual([]);
	});

	it('refuses an interval that is not a positive whole number of seconds', () => {
		const schedule = new FlushSchedule();
		expect(() => schedule.set('a', 0, T0)).toThrow(RangeError);
		expect(() => schedule.set('a', 1.5, T0)).toThrow(RangeError);
	});
});
