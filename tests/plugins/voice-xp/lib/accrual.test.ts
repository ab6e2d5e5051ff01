import { describe, expect, it } from 'vitest';
import {
	accrueVoiceTime,
	accrueXp,
	gainedXpFromCarry,
	xpUnitsFor
} from '../../../../src/plugins/voice-xp/lib/accrual.js';

/** A small deterministic pseudo-random generator (mulberry32), so failures can be replayed. */
function random(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

describe('accrueXp', () => {
	it('gives 6 XP for one minute at 6 XP per minute', () => {
		expect(accrueXp(0, xpUnitsFor(60_000, 6))).toEqual({ gainedXp: 6, xpCarry: 0 });
	});

	it('carries the fraction: 10 flushes of 6 seconds give the same 6 XP as one of 60 seconds', () => {
		let carry = 0;
		let total = 0;
		const gains: number[] = [];
		for (let i = 0; i < 10; i++) {
			const { gainedXp, xpCarry } = accrueXp(carry, xpUnitsFor(6_000, 6));
			gains.push(gainedXp);
			total += gainedXp;
			carry = xpCarry;
		}
		// 0.6 XP per flush: running totals 0.6, 1.2, 1.8, 2.4, 3.0, 3.6, 4.2, 4.8, 5.4, 6.0
		expect(gains).toEqual([0, 1, 0, 1, 1, 0, 1, 0, 1, 1]);
		expect(total).toBe(6);
		expect(carry).toBe(0);
	});

	it('loses nothing across thousands of uneven flushes at several rates', () => {
		const next = random(42);
		for (const rate of [1, 6, 7, 13, 1000]) {
			let carry = 0;
			let total = 0;
			let ms = 0;
			for (let i = 0; i < 5_000; i++) {
				const chunk = Math.floor(next() * 9_000);
				ms += chunk;
				const step = accrueXp(carry, xpUnitsFor(chunk, rate));
				total += step.gainedXp;
				carry = step.xpCarry;
			}
			expect(total).toBe(Math.floor((ms * rate) / 60_000));
			expect(total * 60_000 + carry).toBe(ms * rate);
		}
	});

	it('refuses negative input and a carry of a whole XP or more', () => {
		expect(() => accrueXp(-1, 10)).toThrow(RangeError);
		expect(() => accrueXp(0, -10)).toThrow(RangeError);
		expect(() => accrueXp(60_000, 0)).toThrow(RangeError);
		expect(() => xpUnitsFor(1.5, 6)).toThrow(RangeError);
	});
});

describe('accrueVoiceTime', () => {
	it('counts seconds and carries milliseconds', () => {
		expect(accrueVoiceTime(0, 1_500)).toEqual({ gainedSeconds: 1, msCarry: 500 });
		expect(accrueVoiceTime(500, 1_500)).toEqual({ gainedSeconds: 2, msCarry: 0 });
	});

	it('sums 1,000 flushes of 999 ms to exactly 999 seconds', () => {
		let carry = 0;
		let seconds = 0;
		for (let i = 0; i < 1_000; i++) {
			const step = accrueVoiceTime(carry, 999);
			seconds += step.gainedSeconds;
			carry = step.msCarry;
		}
		expect(seconds).toBe(999);
		expect(carry).toBe(0);
	});
});

describe('gainedXpFromCarry', () => {
	it('recovers the XP gained from the units added and the new carry, whatever the old carry was', () => {
		const next = random(7);
		for (let i = 0; i < 10_000; i++) {
			const oldCarry = Math.floor(next() * 60_000);
			const units = Math.floor(next() * 1_000_000);
			const { gainedXp, xpCarry } = accrueXp(oldCarry, units);
			expect(gainedXpFromCarry(units, xpCarry)).toBe(gainedXp);
		}
	});
});
