import { describe, expect, it } from 'vitest';
import { runLevels } from '../../../../src/plugins/voice-xp/scripts/levels.js';

describe('levels script', () => {
	it('prints 50 levels at 6 XP per minute by default', () => {
		const lines = runLevels([]).split('\n');
		expect(lines).toHaveLength(51);
		expect(lines[0]).toContain('hours at 6 xp/min');
		expect(lines[50]).toMatch(/^\s*50\s+15,100\s+268,375\s+745\.5$/);
	});

	it('takes --max and --rate', () => {
		const lines = runLevels(['--max', '10', '--rate', '12']).split('\n');
		expect(lines).toHaveLength(11);
		expect(lines[10]).toMatch(/^\s*10\s+1,100\s+4,675\s+6\.5$/);
	});

	it('rejects bad arguments with a message naming them', () => {
		expect(() => runLevels(['--max', 'many'])).toThrow(/--max/);
		expect(() => runLevels(['--rate', '0'])).toThrow(/--rate/);
		expect(() => runLevels(['--unknown'])).toThrow();
	});
});
