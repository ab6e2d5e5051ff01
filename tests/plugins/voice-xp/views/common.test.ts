import { describe, expect, it } from 'vitest';
import { formatNumber } from '../../../../src/plugins/voice-xp/views/common.js';

describe('formatNumber', () => {
	it('writes whole numbers in each locale’s conventions, whatever the order of the calls (one format kept per locale)', () => {
		for (let round = 0; round < 2; round++) {
			expect(formatNumber('en-US', 1_234_567.4)).toBe('1,234,567');
			expect(formatNumber('pl', 1_234_567.4)).toBe(new Intl.NumberFormat('pl', { maximumFractionDigits: 0 }).format(1_234_567));
			expect(formatNumber('fr', 1_234_567.6)).toBe(new Intl.NumberFormat('fr', { maximumFractionDigits: 0 }).format(1_234_568));
			expect(formatNumber('en-US', 42)).toBe('42');
		}
	});

	it('throws RangeError for a malformed locale, as Intl does', () => {
		expect(() => formatNumber('not a locale!', 1)).toThrow(RangeError);
	});
});
