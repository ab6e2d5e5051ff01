import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import {
	compilePatterns,
	MAX_PATTERN_LENGTH,
	MAX_PATTERN_PROGRAM_SIZE,
	PATTERN_TOO_LARGE,
	validatePattern
} from '../../../../src/plugins/automod/lib/regex.js';

describe('validatePattern', () => {
	it.each(['bad', '(?i)fr[e3]{2}\\s*n[i1]tr[o0]', '\\bcat\\b', '^(?:[0-9]{1,3}\\.){3}[0-9]{1,3}$', '\\p{Greek}+', '(b|c)at', '(?P<name>x)'])(
		'accepts %j',
		(pattern) => {
			expect(validatePattern(pattern)).toEqual({ ok: true });
		}
	);

	it('refuses an empty or blank pattern', () => {
		expect(validatePattern('')).toEqual({ ok: false, problem: 'empty' });
		expect(validatePattern('  \n')).toEqual({ ok: false, problem: 'empty' });
	});

	it.each(['x*', 'a|', '(?:spam)?', '^', '.{0,3}'])('refuses %j, which matches the empty text and so every message', (pattern) => {
		expect(validatePattern(pattern)).toEqual({ ok: false, problem: 'matchesEverything' });
	});

	it("refuses more than Discord's 260 characters", () => {
		expect(MAX_PATTERN_LENGTH).toBe(260);
		expect(validatePattern('a'.repeat(260))).toEqual({ ok: true });
		expect(validatePattern('a'.repeat(261))).toEqual({ ok: false, problem: 'tooLong' });
	});

	it.each([
		['(abc', 'missing closing )', '(abc'],
		['abc)', 'unexpected )', 'abc)'],
		['[abc', 'missing closing ]', '[abc'],
		['(?=x)y', 'invalid or unsupported Perl syntax', '(?='],
		['(?!x)y', 'invalid or unsupported Perl syntax', '(?!'],
		['(a)\\1', 'invalid escape sequence', '\\1'],
		['a**', 'invalid nested repetition operator', '**'],
		['*a', 'missing argument to repetition operator', '*'],
		['a{1001}', 'invalid repeat count', '{1001}'],
		['[z-a]', 'invalid character class range', 'z-a']
	])('refuses %j with RE2\'s description %j and the fragment %j', (pattern, detail, fragment) => {
		expect(validatePattern(pattern)).toEqual({ ok: false, problem: 'syntax', detail, fragment });
	});

	it('gives no fragment when RE2 names none', () => {
		expect(validatePattern('abc\\')).toEqual({ ok: false, problem: 'syntax', detail: 'trailing backslash at end of expression' });
	});

	it('refuses a pattern that compiles too large to run on every message', () => {
		expect(MAX_PATTERN_PROGRAM_SIZE).toBe(300);
		expect(validatePattern('\\pL{1,1000}x')).toEqual({ ok: false, problem: 'syntax', detail: PATTERN_TOO_LARGE });
		expect(validatePattern('.{1,200}x')).toEqual({ ok: false, problem: 'syntax', detail: 'expression too large' });
		// What moderators write fits: an alternation of words filling the 260 characters, bounded context around a phrase.
		const words = Array.from({ length: 30 }, (_, index) => `w${String(index).padStart(2, '0')}abcd`).join('|');
		expect(validatePattern(`\\b(?:${words})\\b`)).toEqual({ ok: true });
		expect(validatePattern('(?s).{0,60}free nitro.{0,60}')).toEqual({ ok: true });
	});
});

describe('compilePatterns', () => {
	it('returns the first pattern that matches, in order, with what it matched, ignoring case', () => {
		const matcher = compilePatterns(['fr[e3]{2}\\s*n[i1]tr[o0]', '\\bcat\\b']);
		expect(matcher.size).toBe(2);
		expect(matcher.match('Get FREE N1TRO now')).toEqual({ pattern: 'fr[e3]{2}\\s*n[i1]tr[o0]', matched: 'FREE N1TRO' });
		expect(matcher.match('a Cat and free nitro')).toEqual({ pattern: 'fr[e3]{2}\\s*n[i1]tr[o0]', matched: 'free nitro' });
		expect(matcher.match('a CAT.')).toEqual({ pattern: '\\bcat\\b', matched: 'CAT' });
		expect(matcher.match('concatenate')).toBeNull();
		expect(compilePatterns([]).match('anything')).toBeNull();
	});

	it('reads the text without invisible characters and zalgo, case and letters kept', () => {
		const matcher = compilePatterns(['free nitro', 'caf[eé]']);
		expect(matcher.match('FREE\u200B NI\u200DTRO')).toEqual({ pattern: 'free nitro', matched: 'FREE NITRO' });
		expect(matcher.match('f̸̡r̷e̴e̵ n̶i̷t̸r̴o̵')).toEqual({ pattern: 'free nitro', matched: 'free nitro' });
		expect(matcher.match('Cafe\u0301')).toEqual({ pattern: 'caf[eé]', matched: 'Café' });
		expect(matcher.match('ｆｒｅｅ ｎｉｔｒｏ')).toBeNull(); // regexes see letters as written; word lists fold them
	});

	it('skips invalid patterns and lists them, never throwing', () => {
		const matcher = compilePatterns(['(', 'ok', '', 'x'.repeat(261), '\\pL{1,1000}x', '(?=a)']);
		expect(matcher.size).toBe(1);
		expect(matcher.invalid).toEqual(['(', '', 'x'.repeat(261), '\\pL{1,1000}x', '(?=a)']);
		expect(matcher.match('OK then')).toEqual({ pattern: 'ok', matched: 'OK' });
	});

	it('finishes quickly on a regex bomb and other hostile input', { timeout: 5_000 }, () => {
		const matcher = compilePatterns(['(a+)+$', '(a|aa)+c', '(x+x+)+y', '(?:a*)*b{2}', '[ab]*a[ab]{20}c', 'a.{100}z', '(?:\\w+\\s?){1,20}!']);
		expect(matcher.invalid).toEqual([]);
		const bomb = `${'a'.repeat(4_000)}b`;
		expect(matcher.match(bomb)).toBeNull();
		expect(matcher.match('x'.repeat(4_000))).toBeNull();
		expect(matcher.match('ab'.repeat(2_000))).toBeNull();
		expect(matcher.match('word '.repeat(800))).toBeNull();
		expect(matcher.match('a'.repeat(4_000))).toEqual({ pattern: '(a+)+$', matched: 'a'.repeat(4_000) });
	});

	it('finds the same first pattern through its union as testing each pattern in order would', () => {
		// Anchors, inline flags (which must stay in their pattern: `(?-i)` leaking into the next ones would miss "CAT"),
		// alternations, and a \Q quote without \E (tested on its own).
		const patterns = ['^hello', 'bye$', '(?s)a.b', 'x|y\\d', '(?-i)XYZ', '\\Qa+b', '\\bcat\\b', 'c(?i:AT)s', '\\d{3}-\\d{4}'];
		const matcher = compilePatterns(patterns);
		expect(matcher.size).toBe(patterns.length);
		const each = patterns.map((pattern) => RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE));
		const alphabet = ['hello', 'bye', 'a', 'b', '\n', 'x', 'y', '7', 'a+b', 'cat', 'CAT', 'CATS', 'XYZ', ' ', '-', '555', '1234', 'q'];
		let state = 20_261_201;
		const next = (limit: number) => {
			state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
			return (state >>> 8) % limit;
		};
		let matched = 0;
		for (let round = 0; round < 2_000; round++) {
			const text = Array.from({ length: 1 + next(4) }, () => alphabet[next(alphabet.length)]).join(next(2) ? ' ' : '');
			const first = patterns.findIndex((_, index) => each[index]!.test(text));
			const found = matcher.match(text);
			expect(found?.pattern ?? null, text).toBe(first === -1 ? null : patterns[first]);
			if (found) matched++;
		}
		// Both outcomes were exercised.
		expect(matched).toBeGreaterThan(300);
		expect(matched).toBeLessThan(1_700);
	});
});
