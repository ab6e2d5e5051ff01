import { describe, expect, it } from 'vitest';
import { foldText } from '../../../../src/plugins/automod/lib/normalize.js';
import { compileWordList, MAX_WORD_ENTRY_LENGTH, parseWordEntry, type WordMatcher } from '../../../../src/plugins/automod/lib/words.js';

/** The entry that fires on a message (folded as the caller does), or null. */
function firing(matcher: WordMatcher, message: string): string | null {
	return matcher.match(foldText(message))?.entry ?? null;
}

describe('parseWordEntry', () => {
	it.each([
		['cat', 'cat', 'whole'],
		['cat*', 'cat', 'prefix'],
		['*cat', 'cat', 'suffix'],
		['*cat*', 'cat', 'substring'],
		['the mat*', 'the mat', 'prefix'],
		['  I like C++  ', 'i like c++', 'whole'],
		['* Bad   Word *', 'bad word', 'substring'],
		['Ćwierć', 'cwierc', 'whole'],
		['ｂａｄ', 'bad', 'whole']
	] as const)('reads %j as %j (%s)', (raw, text, mode) => {
		expect(parseWordEntry(raw)).toEqual({ ok: true, entry: { raw: raw.trim(), text, mode } });
	});

	it.each(['', '   ', '*', '**', '* *', '\u200B', '*\u200B\u200B*'])('refuses %j as empty', (raw) => {
		expect(parseWordEntry(raw)).toEqual({ ok: false, problem: 'empty' });
	});

	it('refuses an asterisk elsewhere than at the ends', () => {
		expect(parseWordEntry('a*b')).toEqual({ ok: false, problem: 'innerWildcard' });
		expect(parseWordEntry('*a*b*')).toEqual({ ok: false, problem: 'innerWildcard' });
		expect(parseWordEntry('***')).toEqual({ ok: false, problem: 'innerWildcard' });
	});

	it("refuses more than Discord's 60 characters per keyword, asterisks included", () => {
		expect(MAX_WORD_ENTRY_LENGTH).toBe(60);
		expect(parseWordEntry('a'.repeat(60))).toMatchObject({ ok: true });
		expect(parseWordEntry(`*${'a'.repeat(58)}*`)).toMatchObject({ ok: true });
		expect(parseWordEntry('a'.repeat(61))).toEqual({ ok: false, problem: 'tooLong' });
		expect(parseWordEntry(`*${'a'.repeat(59)}*`)).toEqual({ ok: false, problem: 'tooLong' });
		expect(parseWordEntry(`  ${'a'.repeat(60)}  `)).toMatchObject({ ok: true }); // surrounding whitespace is not counted
	});
});

describe('compileWordList', () => {
	const list = compileWordList(['cat', 'tra*', '*dog', '*ana*', 'the mat', 'i like c++', 'bad word*']);

	it('fires a whole-word entry on the word alone, with punctuation or line breaks around it', () => {
		expect(firing(list, 'cat')).toBe('cat');
		expect(firing(list, 'my Cat!')).toBe('cat');
		expect(firing(list, '(cat)\nok')).toBe('cat');
		expect(firing(list, 'look at THE   MAT')).toBe('the mat');
		expect(firing(list, 'the\nmat')).toBe('the mat');
		expect(firing(list, 'I LIKE C++.')).toBe('i like c++');
	});

	it('does not fire a whole-word entry inside another word', () => {
		expect(firing(list, 'catch')).toBeNull();
		expect(firing(list, 'wildcat')).toBeNull();
		expect(firing(list, 'concatenate')).toBeNull();
		expect(firing(list, 'the matrix')).toBeNull();
		expect(firing(list, 'cat2')).toBeNull(); // a digit is part of the word
		expect(firing(list, 'kočka catż')).toBeNull(); // so is any letter, ASCII or not
		expect(firing(list, 'i like c++x')).toBeNull();
	});

	it('fires a prefix entry on words starting with it only', () => {
		expect(firing(list, 'a train')).toBe('tra*');
		expect(firing(list, 'TRAditional')).toBe('tra*');
		expect(firing(list, 'extra')).toBeNull();
		expect(firing(list, 'bad wordsmith')).toBe('bad word*');
	});

	it('fires a suffix entry on words ending with it only', () => {
		expect(firing(list, 'hotdog')).toBe('*dog');
		expect(firing(list, 'dog')).toBe('*dog');
		expect(firing(list, 'doggo')).toBeNull();
	});

	it('fires a substring entry anywhere', () => {
		expect(firing(list, 'banana')).toBe('*ana*');
		expect(firing(list, 'ANA')).toBe('*ana*');
	});

	it('sees through evasions: look-alikes, accents, zero-width characters, zalgo, fullwidth', () => {
		expect(firing(list, 'сat')).toBe('cat'); // Cyrillic с
		expect(firing(list, 'càt')).toBe('cat');
		expect(firing(list, 'c\u200Ba\u200Dt')).toBe('cat');
		expect(firing(list, 'c̸̡̛͎a̷̢͉t̴͓̿')).toBe('cat');
		expect(firing(list, 'ｃａｔ')).toBe('cat');
		expect(firing(list, '𝐜𝐚𝐭')).toBe('cat');
		expect(firing(list, 'ⓒⓐⓣ')).toBe('cat');
		expect(firing(list, '||cat||')).toBe('cat'); // a spoiler
	});

	it('does not join words a zero-width character separates from nothing', () => {
		expect(firing(list, 'bad\u200Bword')).toBeNull(); // "badword": no space, so not the phrase "bad word"
	});

	it('reports the entry as configured and the folded text it fired on', () => {
		expect(list.match(foldText('Such a CÀT'))).toEqual({ entry: 'cat', matched: 'cat' });
		expect(list.match(foldText('bad \n Words'))).toEqual({ entry: 'bad word*', matched: 'bad \n word' });
		expect(list.match(foldText('nothing here'))).toBeNull();
		expect(list.match('')).toBeNull();
	});

	it('matchAll reports distinct entries, leftmost first, up to the limit', () => {
		const text = foldText('cat, banana, hotdog, cat, train');
		expect(list.matchAll(text)).toEqual([
			{ entry: 'cat', matched: 'cat' },
			{ entry: '*ana*', matched: 'ana' },
			{ entry: '*dog', matched: 'dog' },
			{ entry: 'tra*', matched: 'tra' }
		]);
		expect(list.matchAll(text, 2).map((match) => match.entry)).toEqual(['cat', '*ana*']);
		expect(list.matchAll(text, 0)).toEqual([]);
	});

	it('entries in another script meet their text and its look-alikes', () => {
		const cyrillic = compileWordList(['сука', 'привет*']);
		expect(firing(cyrillic, 'ты СУКА')).toBe('сука');
		expect(firing(cyrillic, 'cyka')).toBe('сука');
		expect(firing(cyrillic, 'приветствую')).toBe('привет*');
	});

	it('skips invalid entries and counts distinct ones', () => {
		const matcher = compileWordList(['cat', 'CAT', ' cat ', 'cat*', '', 'a*b', 'x'.repeat(61)]);
		expect(matcher.size).toBe(2); // "cat" (three spellings) and "cat*"
		expect(matcher.invalid).toEqual(['', 'a*b', 'x'.repeat(61)]);
		expect(firing(matcher, 'catalog')).toBe('cat*');
		expect(compileWordList([]).match('anything')).toBeNull();
	});

	it('finishes quickly on hostile input', { timeout: 5_000 }, () => {
		// 1,000 entries of every mode sharing long runs of "a", and three of nearly the longest kind.
		const entries = Array.from({ length: 1_000 }, (_, index) => {
			const body = `${'a'.repeat(index % 50)}x${index}`;
			return [body, `*${body}`, `${body}*`, `*${body}*`][index % 4]!;
		});
		entries.push('a'.repeat(59) + '*', `*${'a'.repeat(57)}b*`, `${'a '.repeat(29)}b`);
		const matcher = compileWordList(entries);
		expect(matcher.match(foldText('a'.repeat(4_000)))?.entry).toBe('a'.repeat(59) + '*');
		expect(matcher.match(foldText('a'.repeat(3_999) + 'c'))?.entry).toBe('a'.repeat(59) + '*');
		expect(matcher.matchAll(foldText('a '.repeat(2_000))).map((match) => match.entry)).toEqual([]);
		expect(matcher.match(foldText(`${'a\u0301'.repeat(1_999)}b`))?.entry).toBe('a'.repeat(59) + '*');
		expect(matcher.match(foldText(`a${' '.repeat(3_998)}b`))).toBeNull();
		expect(matcher.match(foldText('\u200B'.repeat(4_000)))).toBeNull();
	});
});
