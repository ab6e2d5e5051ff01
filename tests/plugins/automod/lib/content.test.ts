import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { capsShare, contentFingerprint, countEmoji, countLines, mentionCount } from '../../../../src/plugins/automod/lib/content.js';

const ID = '123456789012345678';

describe('countLines', () => {
	it.each([
		['', 0],
		['\n\n  \n', 0],
		['one line', 1],
		['a\nb', 2],
		['a\r\nb\r\n', 2],
		['a\n\nb\n\n', 3],
		['a\n \n\t\n', 1],
		['\n\na', 3],
		['a\n'.repeat(2_000), 2_000]
	])('counts %j as %d lines', (text, lines) => {
		expect(countLines(text)).toBe(lines);
	});
});

describe('countEmoji', () => {
	it.each([
		['', 0],
		['no emoji here: 1 # * :) <3', 0],
		['😀😀😀', 3],
		['👨‍👩‍👧‍👦', 1], // a ZWJ family is one emoji
		['👍🏽', 1], // with a skin tone
		['🇵🇱🇫🇷', 2], // flags
		['1️⃣ #️⃣', 2], // keycaps
		['❤️ ©️', 2], // with the emoji variation selector
		['© ™ ↔ ❤', 0], // symbols shown as text
		[`<:pepe:${ID}> <a:dance:${ID}>`, 2],
		[`<:pepe:${ID}>😀<:pepe:${ID}>`, 3],
		[`<:notanemoji:12> <@${ID}>`, 0]
	])('counts %j as %d', (text, count) => {
		expect(countEmoji(text)).toBe(count);
	});

	it('finishes quickly on hostile input', { timeout: 5_000 }, () => {
		expect(countEmoji('🇵'.repeat(2_000))).toBe(0); // regional indicators that pair into no flag
		expect(countEmoji('🇵🇱'.repeat(1_000))).toBe(1_000);
		expect(countEmoji('👨\u200D'.repeat(1_333))).toBe(1_333); // a ZWJ chain that never ends
		expect(countEmoji('#\uFE0F'.repeat(2_000))).toBe(0); // keycap bases without the keycap
		expect(countEmoji('😀'.repeat(2_000))).toBe(2_000);
		expect(countEmoji(`<a:${'x'.repeat(3_990)}`)).toBe(0);
		expect(countEmoji('<:a:1'.repeat(800))).toBe(0);
	});
});

describe('capsShare', () => {
	it('measures the share of capitals among letters that have case', () => {
		expect(capsShare('HELLO world')).toEqual({ letters: 10, upper: 5, share: 0.5 });
		expect(capsShare('STOP SHOUTING!!! 123')).toEqual({ letters: 12, upper: 12, share: 1 });
		expect(capsShare('ŻÓŁW pije')).toEqual({ letters: 8, upper: 4, share: 0.5 });
		expect(capsShare('ǅ')).toEqual({ letters: 1, upper: 1, share: 1 }); // title case counts as a capital
	});

	it('gives share 0 when there are no letters with case', () => {
		expect(capsShare('')).toEqual({ letters: 0, upper: 0, share: 0 });
		expect(capsShare('1234 !!! 😀')).toEqual({ letters: 0, upper: 0, share: 0 });
		expect(capsShare('日本語 테스트')).toEqual({ letters: 0, upper: 0, share: 0 });
	});

	it('ignores mentions, custom emoji, slash command mentions, timestamps and links', () => {
		expect(capsShare(`<@${ID}> <@!${ID}> <@&${ID}> <#${ID}> ok`)).toEqual({ letters: 2, upper: 0, share: 0 });
		expect(capsShare(`<:PEPE:${ID}> <a:DANCE:${ID}> ok`)).toEqual({ letters: 2, upper: 0, share: 0 });
		expect(capsShare(`</BAN User:${ID}> <t:1700000000:R> <t:1700000000> ok`)).toEqual({ letters: 2, upper: 0, share: 0 });
		expect(capsShare('look https://Example.COM/AbCdEf ok')).toEqual({ letters: 6, upper: 0, share: 0 });
	});

	it('finishes quickly on hostile input', { timeout: 5_000 }, () => {
		expect(capsShare('<'.repeat(4_000)).letters).toBe(0);
		expect(capsShare('</'.repeat(2_000)).letters).toBe(0);
		expect(capsShare('https://'.repeat(500)).letters).toBe(0);
		expect(capsShare('Ż'.repeat(4_000))).toEqual({ letters: 4_000, upper: 4_000, share: 1 });
		expect(capsShare('A\u0301'.repeat(2_000)).upper).toBe(2_000);
	});
});

describe('mentionCount', () => {
	it('counts unique users and roles', () => {
		expect(mentionCount({ users: [], roles: [] })).toBe(0);
		expect(mentionCount({ users: ['1', '2', '1'], roles: new Set(['3']) })).toBe(3);
		expect(mentionCount({ users: new Map([['1', {}]]).keys(), roles: ['3', '3', '4'] })).toBe(3);
	});
});

describe('contentFingerprint', () => {
	it('is 16 hex digits, stable', () => {
		expect(contentFingerprint('hello world')).toMatch(/^[0-9a-f]{16}$/);
		expect(contentFingerprint('hello world')).toBe(contentFingerprint('hello world'));
		expect(contentFingerprint('')).toBe('da39a3ee5e6b4b0d'); // SHA-1 of nothing
	});

	it('ignores case, spacing, accents, zero-width characters and look-alikes', () => {
		const base = contentFingerprint('free nitro here');
		expect(contentFingerprint('FREE  nitro\nhere ')).toBe(base);
		expect(contentFingerprint('frée nítro hère')).toBe(base);
		expect(contentFingerprint('fr\u200Bee nitro here')).toBe(base);
		expect(contentFingerprint('frее nitrо here')).toBe(base); // Cyrillic е and о
		// Each kind of spacing the rule mends: at either end, a tab, a no-break space, a run.
		for (const spaced of [' free nitro here', 'free nitro here\t', 'free\tnitro here', 'free\u00A0nitro here', 'free nitro   here']) {
			expect(contentFingerprint(spaced), JSON.stringify(spaced)).toBe(base);
		}
		// Text spaced already is hashed as it is: the SHA-1 of the folded text.
		expect(base).toBe(createHash('sha1').update('free nitro here').digest('hex').slice(0, 16));
	});

	it('tells different messages apart', () => {
		expect(contentFingerprint('free nitro here')).not.toBe(contentFingerprint('free nitro there'));
		expect(contentFingerprint('a b')).not.toBe(contentFingerprint('ab'));
	});
});
