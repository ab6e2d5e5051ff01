import { describe, expect, it } from 'vitest';
import { accrueVoiceTime, accrueXp } from '../../../../src/plugins/voice-xp/lib/accrual.js';
import { hoursAndMinutes, liveStanding, medalFor, progressBar } from '../../../../src/plugins/voice-xp/lib/format.js';
import type { MemberStats } from '../../../../src/plugins/voice-xp/lib/stats.js';

describe('progressBar', () => {
	it('fills whole segments rounded down and is full only at 100 %', () => {
		expect(progressBar(0, 100)).toEqual({ bar: '░░░░░░░░░░', percent: 0 });
		expect(progressBar(50, 155)).toEqual({ bar: '███░░░░░░░', percent: 32 });
		expect(progressBar(154, 155)).toEqual({ bar: '█████████░', percent: 99 });
		expect(progressBar(155, 155)).toEqual({ bar: '██████████', percent: 100 });
	});

	it('clamps values outside 0 … max and survives a zero max', () => {
		expect(progressBar(-5, 100).percent).toBe(0);
		expect(progressBar(500, 100).percent).toBe(100);
		expect(progressBar(5, 0)).toEqual({ bar: '░░░░░░░░░░', percent: 0 });
		expect(progressBar(1, 2, 4).bar).toBe('██░░');
	});
});

describe('hoursAndMinutes', () => {
	it('splits seconds into whole hours and minutes, dropping the seconds', () => {
		expect(hoursAndMinutes(7_530)).toEqual({ hours: 2, minutes: 5 });
		expect(hoursAndMinutes(59)).toEqual({ hours: 0, minutes: 0 });
		expect(hoursAndMinutes(46_800)).toEqual({ hours: 13, minutes: 0 });
		expect(hoursAndMinutes(-10)).toEqual({ hours: 0, minutes: 0 });
	});
});

describe('medalFor', () => {
	it('gives gold, silver and bronze to the first three places only', () => {
		expect([1, 2, 3, 4, 10].map(medalFor)).toEqual(['🥇', '🥈', '🥉', null, null]);
	});
});

describe('liveStanding', () => {
	const stored: MemberStats = {
		guildId: '900000000000000001',
		userId: '910000000000000001',
		totalXp: 99,
		level: 0,
		xpIntoLevel: 99,
		xpForNextLevel: 100,
		voiceSeconds: 990,
		tierRoleId: null,
		xpCarry: 59_000,
		msCarry: 900
	};

	it('adds the unflushed time exactly as the next flush will, carries included', () => {
		// 200 ms at 6 XP/min = 1,200 units: with the stored carry of 59,000 that makes one more XP (level 1).
		const live = liveStanding(stored, { eligibleMs: 200, xpUnits: 1_200 });
		expect(live).toEqual({ totalXp: 100, level: 1, xpIntoLevel: 0, xpForNextLevel: 155, voiceSeconds: 991 });
		expect(live.totalXp).toBe(stored.totalXp + accrueXp(stored.xpCarry, 1_200).gainedXp);
		expect(live.voiceSeconds).toBe(stored.voiceSeconds + accrueVoiceTime(stored.msCarry, 200).gainedSeconds);
	});

	it('starts from zero for a member without a row', () => {
		expect(liveStanding(null, { eligibleMs: 90_000, xpUnits: 90_000 * 6 })).toEqual({ totalXp: 9, level: 0, xpIntoLevel: 9, xpForNextLevel: 100, voiceSeconds: 90 });
		expect(liveStanding(null, { eligibleMs: 0, xpUnits: 0 })).toMatchObject({ totalXp: 0, voiceSeconds: 0 });
	});
});
