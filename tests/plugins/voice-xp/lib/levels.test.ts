import { describe, expect, it } from 'vitest';
import {
	formatLevelTable,
	levelForTotalXp,
	levelProgress,
	levelTable,
	totalXpForLevel,
	xpToNextLevel
} from '../../../../src/plugins/voice-xp/lib/levels.js';

describe('xpToNextLevel (5·L² + 50·L + 100)', () => {
	it('gives the MEE6 costs at levels 0, 1, 10 and 50', () => {
		expect(xpToNextLevel(0)).toBe(100);
		expect(xpToNextLevel(1)).toBe(155);
		expect(xpToNextLevel(10)).toBe(1_100);
		expect(xpToNextLevel(50)).toBe(15_100);
	});

	it('refuses negative and fractional levels', () => {
		expect(() => xpToNextLevel(-1)).toThrow(RangeError);
		expect(() => xpToNextLevel(1.5)).toThrow(RangeError);
	});
});

describe('totalXpForLevel', () => {
	it('reaches level 1 at 100 XP, level 10 at 4,675 and level 50 at 268,375', () => {
		expect(totalXpForLevel(0)).toBe(0);
		expect(totalXpForLevel(1)).toBe(100);
		expect(totalXpForLevel(10)).toBe(4_675);
		expect(totalXpForLevel(50)).toBe(268_375);
	});

	it('equals the running sum of the per-level costs for the first 2,000 levels', () => {
		let sum = 0;
		for (let level = 0; level <= 2_000; level++) {
			expect(totalXpForLevel(level)).toBe(sum);
			sum += xpToNextLevel(level);
		}
	});
});

describe('levelProgress', () => {
	it('splits totals at the level boundaries', () => {
		expect(levelProgress(0)).toEqual({ level: 0, xpIntoLevel: 0, xpForNextLevel: 100 });
		expect(levelProgress(99)).toEqual({ level: 0, xpIntoLevel: 99, xpForNextLevel: 100 });
		expect(levelProgress(100)).toEqual({ level: 1, xpIntoLevel: 0, xpForNextLevel: 155 });
		expect(levelProgress(150)).toEqual({ level: 1, xpIntoLevel: 50, xpForNextLevel: 155 });
		expect(levelProgress(4_674)).toEqual({ level: 9, xpIntoLevel: 954, xpForNextLevel: 955 });
		expect(levelProgress(4_675)).toEqual({ level: 10, xpIntoLevel: 0, xpForNextLevel: 1_100 });
		expect(levelProgress(268_375)).toEqual({ level: 50, xpIntoLevel: 0, xpForNextLevel: 15_100 });
	});

	it('clamps zero and negative totals to level 0', () => {
		expect(levelProgress(-1)).toEqual({ level: 0, xpIntoLevel: 0, xpForNextLevel: 100 });
		expect(levelProgress(-1_000_000)).toEqual({ level: 0, xpIntoLevel: 0, xpForNextLevel: 100 });
		expect(levelProgress(Number.NaN)).toEqual({ level: 0, xpIntoLevel: 0, xpForNextLevel: 100 });
	});

	it('drops a level when a negative adjustment crosses a level boundary down', () => {
		const before = levelProgress(totalXpForLevel(10) + 5);
		expect(before).toEqual({ level: 10, xpIntoLevel: 5, xpForNextLevel: 1_100 });
		const after = levelProgress(totalXpForLevel(10) + 5 - 10);
		expect(after).toEqual({ level: 9, xpIntoLevel: 950, xpForNextLevel: 955 });
	});
});

describe('levelForTotalXp', () => {
	it('agrees with a step-by-step walk of the curve for every total up to 300,000', () => {
		let level = 0;
		for (let total = 0; total <= 300_000; total++) {
			while (totalXpForLevel(level + 1) <= total) level++;
			if (levelForTotalXp(total) !== level) expect(levelForTotalXp(total)).toBe(level);
		}
	});

	it('is exact on both sides of every boundary up to level 150,000', () => {
		for (let level = 1; level <= 150_000; level++) {
			const at = totalXpForLevel(level);
			if (levelForTotalXp(at) !== level || levelForTotalXp(at - 1) !== level - 1) {
				expect([levelForTotalXp(at - 1), levelForTotalXp(at)]).toEqual([level - 1, level]);
			}
		}
	});
});

describe('levelTable', () => {
	it('lists total XP and the hours of voice time at the rate', () => {
		const rows = levelTable(10, 6);
		expect(rows).toHaveLength(10);
		expect(rows[0]).toEqual({ level: 1, xpToNext: 155, totalXp: 100, hours: 100 / 6 / 60 });
		expect(rows[9]!.totalXp).toBe(4_675);
		expect(rows[9]!.hours).toBeCloseTo(12.986, 3);
		expect(levelTable(10, 12)[9]!.hours).toBeCloseTo(6.493, 3);
	});

	it('refuses a bad range or rate', () => {
		expect(() => levelTable(0, 6)).toThrow(RangeError);
		expect(() => levelTable(10, 0)).toThrow(RangeError);
		expect(() => levelTable(10_001, 6)).toThrow(RangeError);
	});

	it('formats one aligned line per level under a header naming the rate', () => {
		const lines = formatLevelTable(levelTable(10, 6), 6).split('\n');
		expect(lines).toHaveLength(11);
		expect(lines[0]).toMatch(/level\s+xp to next\s+total xp\s+hours at 6 xp\/min/);
		expect(lines[10]).toMatch(/^\s*10\s+1,100\s+4,675\s+13\.0$/);
		expect(new Set(lines.map((line) => line.length)).size).toBe(1);
	});
});
