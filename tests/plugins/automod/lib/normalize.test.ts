import { describe, expect, it } from 'vitest';
import { foldText, stripInvisible } from '../../../../src/plugins/automod/lib/normalize.js';

/** Zalgo: each character followed by `marks` combining marks of the generic blocks. */
function zalgo(text: string, marks = 12): string {
	let out = '';
	for (const character of text) {
		out += character;
		for (let index = 0; index < marks; index++) out += String.fromCharCode(0x0300 + ((index * 7) % 0x70));
	}
	return out;
}

describe('foldText', () => {
	it.each([
		['Hello World', 'hello world'],
		['BAD word', 'bad word'],
		['Ĉàfé ÆSIR', 'cafe aesir'],
		['Łódź zażółć gęślą jaźń', 'lodz zazolc gesla jazn'],
		['İstanbul', 'istanbul']
	])('lower-cases and removes accents: %j -> %j', (input, expected) => {
		expect(foldText(input)).toBe(expected);
	});

	it('maps Cyrillic and Greek look-alikes to their ASCII skeleton', () => {
		expect(foldText('аррlе ѕсаm')).toBe('apple scam'); // Cyrillic а, р, е, ѕ, с, м mixed with Latin
		expect(foldText('ΒΑD')).toBe('bad'); // Greek capitals
		expect(foldText('сука')).toBe(foldText('cyka')); // an entry in Cyrillic meets its Latin look-alike
	});

	it('turns fullwidth, mathematical, circled letters and ligatures into plain letters', () => {
		expect(foldText('ｆｕｌｌ ｗｉｄｔｈ')).toBe('full width');
		expect(foldText('𝐛𝐨𝐥𝐝 𝔣𝔯𝔞𝔨 𝓼𝓬𝓻𝓲𝓹𝓽 𝚖𝚘𝚗𝚘')).toBe('bold frak script mono');
		expect(foldText('ⓑⓐⓓ ﬁne ｂａｄ²')).toBe('bad fine bad2');
	});

	it('removes zero-width and other invisible characters, soft hyphens and variation selectors', () => {
		expect(foldText('b\u200Ba\u200Cd\u200Dw\u200Eo\u200Fr\u2060d\uFEFF')).toBe('badword');
		expect(foldText('bad\u00ADword')).toBe('badword');
		expect(foldText('b\uFE0Fa\u{E0100}d\u2064\u2062')).toBe('bad');
		expect(foldText('\u3164bad\u115F')).toBe('bad'); // Hangul fillers that pass for blanks
	});

	it('removes zalgo', () => {
		expect(foldText(zalgo('bad word'))).toBe('bad word');
	});

	it("keeps ASCII as it is: punctuation, digits, and the '|' of Discord's spoilers (not read as 'l')", () => {
		expect(foldText('||Spoiler|| 1+1=2, a_b-c!')).toBe('||spoiler|| 1+1=2, a_b-c!');
	});

	it('keeps whitespace and emoji', () => {
		expect(foldText('a  b\nc 😀')).toBe('a  b\nc 😀');
	});

	it('is idempotent', () => {
		for (const text of ['Ĉàfé аррlе ｆｕｌｌ', zalgo('xyz'), 'Zażółć\u200B 𝐛𝐨𝐥𝐝']) {
			expect(foldText(foldText(text))).toBe(foldText(text));
		}
	});

	it('finishes quickly on 4,000 characters of zalgo and of invisible characters', { timeout: 5_000 }, () => {
		expect(foldText(zalgo('a', 3_999))).toBe('a');
		expect(foldText('\u200B'.repeat(4_000))).toBe('');
		expect(foldText('ａ'.repeat(4_000))).toBe('a'.repeat(4_000));
		expect(foldText('а'.repeat(4_000))).toBe('a'.repeat(4_000));
	});
});

describe('stripInvisible', () => {
	it('returns plain ASCII unchanged, case included', () => {
		expect(stripInvisible('Hello, World! ||x||')).toBe('Hello, World! ||x||');
	});

	it('removes invisible characters but keeps case and letters', () => {
		expect(stripInvisible('Dis\u200Bcord\u00AD.gg\uFEFF')).toBe('Discord.gg');
		expect(stripInvisible('аррlе')).toBe('аррlе'); // no look-alike mapping
		expect(stripInvisible('ｆｕｌｌ')).toBe('ｆｕｌｌ'); // no NFKD
	});

	it('removes zalgo but keeps accents, written precomposed or not', () => {
		// A letter with a precomposed form may keep the first mark of its stack as an accent ("À"); the rest goes.
		expect([...stripInvisible(zalgo('BAD'))]).toHaveLength(3);
		expect(stripInvisible(zalgo('BAD')).normalize('NFD').replace(/\p{M}/gu, '')).toBe('BAD');
		expect(stripInvisible(zalgo('bad', 1).replace(/\u0300/g, '\u0338'))).toBe('bad'); // no precomposed form
		expect(stripInvisible('Café')).toBe('Café');
		expect(stripInvisible('Cafe\u0301')).toBe('Café');
		expect(stripInvisible('Zażółć')).toBe('Zażółć');
	});

	it('keeps the marks of scripts that spell with them', () => {
		expect(stripInvisible('नमस्ते')).toBe('नमस्ते');
		expect(stripInvisible('ภาษาไทย')).toBe('ภาษาไทย');
	});

	it('finishes quickly on 4,000 characters of zalgo', { timeout: 5_000 }, () => {
		expect(stripInvisible(zalgo('a', 3_999))).toMatch(/^.{1,2}$/u);
		expect(stripInvisible('\u200B'.repeat(4_000))).toBe('');
	});
});
