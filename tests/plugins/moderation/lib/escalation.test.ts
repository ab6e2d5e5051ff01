import { describe, expect, it } from 'vitest';
import type { EscalationStep } from '../../../../src/plugins/moderation/lib/config.js';
import { crossedThreshold } from '../../../../src/plugins/moderation/lib/escalation.js';

const steps: EscalationStep[] = [
	{ warnings: 3, action: 'timeout', durationSeconds: 3_600 },
	{ warnings: 5, action: 'kick' },
	{ warnings: 7, action: 'ban', durationSeconds: 7 * 86_400 }
];

describe('crossedThreshold', () => {
	it('applies the step whose count a new warning reaches', () => {
		expect(crossedThreshold(steps, 2, 3)).toBe(steps[0]);
		expect(crossedThreshold(steps, 4, 5)).toBe(steps[1]);
		expect(crossedThreshold(steps, 6, 7)).toBe(steps[2]);
	});

	it('applies nothing between thresholds and beyond the last', () => {
		expect(crossedThreshold(steps, 0, 1)).toBeNull();
		expect(crossedThreshold(steps, 3, 4)).toBeNull();
		expect(crossedThreshold(steps, 7, 8)).toBeNull();
	});

	it('never applies a step when the count did not grow (a warning while another expired, a pardon)', () => {
		expect(crossedThreshold(steps, 3, 3)).toBeNull();
		expect(crossedThreshold(steps, 4, 3)).toBeNull();
	});

	it('applies one step at most, the highest crossed, when the count jumps', () => {
		expect(crossedThreshold(steps, 2, 7)).toBe(steps[2]);
		expect(crossedThreshold(steps, 4, 6)).toBe(steps[1]);
	});

	it('applies a step again after the count fell below it and reached it again', () => {
		expect(crossedThreshold(steps, 2, 3)).toBe(steps[0]);
		// pardoned: 3 -> 2, then warned again: a new crossing
		expect(crossedThreshold(steps, 2, 3)).toBe(steps[0]);
	});

	it('does not depend on the order of the steps', () => {
		expect(crossedThreshold([...steps].reverse(), 2, 7)).toBe(steps[2]);
		expect(crossedThreshold([], 0, 10)).toBeNull();
	});
});
