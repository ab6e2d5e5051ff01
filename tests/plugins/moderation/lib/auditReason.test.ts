import { describe, expect, it } from 'vitest';
import { AUDIT_REASON_LIMIT, auditReason, characterCount, truncateCharacters } from '../../../../src/plugins/moderation/lib/auditReason.js';

const actor = { name: 'alice', id: '100000000000000002' };

describe('auditReason', () => {
	it('is "moderator (id): reason"', () => {
		expect(auditReason(actor, 'spam')).toBe('alice (100000000000000002): spam');
	});

	it('keeps a reason that fits exactly', () => {
		const prefix = 'alice (100000000000000002): ';
		const reason = 'r'.repeat(AUDIT_REASON_LIMIT - prefix.length);
		expect(auditReason(actor, reason)).toBe(`${prefix}${reason}`);
		expect(characterCount(auditReason(actor, reason))).toBe(AUDIT_REASON_LIMIT);
	});

	it('cuts a long reason to 512 characters, with an ellipsis', () => {
		const text = auditReason(actor, 'x'.repeat(600));
		expect(characterCount(text)).toBe(AUDIT_REASON_LIMIT);
		expect(text.endsWith('x…')).toBe(true);
	});

	it('counts code points as Discord does, and never splits one', () => {
		const text = auditReason(actor, '😀'.repeat(600));
		expect(characterCount(text)).toBeLessThanOrEqual(AUDIT_REASON_LIMIT);
		expect(characterCount(text)).toBeGreaterThan(AUDIT_REASON_LIMIT - 2);
		// 512 code points of emoji are 1,000+ UTF-16 units; no lone surrogate is left at the cut.
		expect(text.length).toBeGreaterThan(AUDIT_REASON_LIMIT);
		expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
		expect(text.endsWith('😀…')).toBe(true);
	});

	it('does not cut inside an emoji sequence or a letter with its accent', () => {
		const family = '👨‍👩‍👧'; // 5 code points
		const cut = truncateCharacters(`ab${family}`, 5);
		expect(cut).toBe('ab…');
		const accented = 'e\u0301'.repeat(10); // é as e + combining acute accent: 2 code points each
		expect(truncateCharacters(accented, 6)).toBe(`${'e\u0301'.repeat(2)}…`);
	});

	it('puts the reason on one line', () => {
		expect(auditReason(actor, 'line one\nline two\r\nthree')).toBe('alice (100000000000000002): line one line two three');
	});

	it('leaves short texts alone', () => {
		expect(truncateCharacters('short', 10)).toBe('short');
	});
});
