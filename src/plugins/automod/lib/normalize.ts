import { confusablesMap } from 'confusables';

/**
 * The two views of a message's text that the automod filters read, built once per message:
 *
 * - {@link foldText}: the *skeleton* word filters match against. Disguises are undone (accents, zalgo, zero-width
 *   characters, fullwidth and mathematical letters, look-alike letters of other scripts, case), at the price of
 *   meaning: the result is for comparing, never for showing.
 * - {@link stripInvisible}: the text as members see it, with what they cannot see taken out. Moderators' regexes
 *   and the link and invite finders read it; letters, case and accents stay.
 *
 * Both are linear in the text length (a few passes of the runtime's own normalisation and replace), return the
 * input itself when it is plain ASCII that needs nothing done, and never throw.
 */

/**
 * Characters nobody sees: every format character (`\p{Cf}`: U+00AD soft hyphen, U+200B-U+200F zero-width space,
 * joiners and direction marks, U+202A-U+202E and U+2066-U+2069 bidirectional controls, U+2060-U+2064 word joiner and
 * invisible operators, U+FEFF, U+180E, tag characters U+E0000-U+E007F, ...) and every code point Unicode declares
 * "default ignorable" (adds U+034F combining grapheme joiner, the variation selectors U+FE00-U+FE0F and
 * U+E0100-U+E01EF, the Hangul fillers U+115F, U+1160, U+3164, U+FFA0 that pass for blank names, ...).
 */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]+/gu;

/** {@link INVISIBLE} and every combining mark (`\p{M}`: accents once decomposed, zalgo, enclosing keycaps, ...). */
const INVISIBLE_OR_MARK = /[\p{M}\p{Cf}\p{Default_Ignorable_Code_Point}]+/gu;

/**
 * The generic combining diacritics, the blocks zalgo text is stacked from: U+0300-U+036F (Combining Diacritical
 * Marks), U+0483-U+0489 (Cyrillic combining titlo and the enclosing U+0488/U+0489), U+1AB0-U+1AFF and U+1DC0-U+1DFF
 * (their extensions and supplement), U+20D0-U+20FF (combining marks for symbols), U+FE20-U+FE2F (half marks). The
 * marks that belong to a script's spelling (Devanagari vowel signs, Thai vowels and tones, Arabic and Hebrew vowel
 * points, ...) are elsewhere and are kept by {@link stripInvisible}.
 */
const GENERIC_DIACRITICS = /[\u0300-\u036F\u0483-\u0489\u1AB0-\u1AFF\u1DC0-\u1DFF\u20D0-\u20FF\uFE20-\uFE2F]+/g;

/** Plain ASCII: nothing to decompose, no marks, no invisible characters, no look-alikes. */
const ASCII_ONLY = /^[\x00-\x7F]*$/;

/**
 * Look-alike characters -> their lower-case ASCII skeleton, from the `confusables` package's table (about 1,900
 * characters of other scripts and symbol sets that pass for Latin letters and digits: Cyrillic "а" -> "a", Greek
 * "ο" -> "o", Cherokee "Ꭺ" -> "a", "æ" -> "ae", "ø" -> "o", "ł" -> "l", ...).
 *
 * Its `remove()` is not called, for two reasons: it maps the ASCII "|" to "l", which would turn Discord's spoiler
 * markup `||word||` into the letters `llwordll` and hide the word from whole-word entries; and it runs its own
 * mark-stripping regexes over the text again. ASCII characters are therefore kept as they are, and only the table is
 * used.
 */
const SKELETON: ReadonlyMap<number, string> = buildSkeleton();

function buildSkeleton(): Map<number, string> {
	const skeleton = new Map<number, string>();
	for (const [character, base] of confusablesMap) {
		const codePoint = character.codePointAt(0);
		if (codePoint === undefined || codePoint < 0x80) continue; // ASCII stays itself ("|" is not "l")
		if (character.length !== String.fromCodePoint(codePoint).length) continue; // one code point per key
		skeleton.set(codePoint, base.toLowerCase());
	}
	return skeleton;
}

/**
 * The text word filters match against: disguises undone, letters reduced to a lower-case skeleton. In order:
 *
 * 1. Unicode NFKD: precomposed letters come apart into letter + accent ("é" -> "e" + U+0301), and compatibility forms
 *    become their plain letter: fullwidth "ｆｕｌｌ" -> "full", mathematical "𝐛𝐨𝐥𝐝" and "𝔣𝔯𝔞𝔨" -> "bold", "frak",
 *    circled "ⓐ" -> "a", ligatures "ﬁ" -> "fi", superscripts "²" -> "2", fullwidth "．" "／" -> "." "/".
 * 2. Lower case (`toLowerCase`, locale-independent).
 * 3. Every combining mark (`\p{M}`: the accents of step 1, zalgo, keycap enclosures) and every invisible character
 *    ({@link INVISIBLE}: zero-width spaces and joiners, soft hyphens, direction marks, variation selectors, ...)
 *    removed.
 * 4. Each non-ASCII character the `confusables` table knows replaced by its ASCII skeleton ({@link SKELETON}):
 *    Cyrillic "аррlе" -> "apple", Greek "ο" -> "o". ASCII characters are never replaced.
 *
 * Everything else stays: spaces and line breaks (not collapsed), punctuation, digits, emoji, letters of scripts the
 * table does not know. The result is lossy by design (Russian "привет" reads "npnbet", German "ß" reads "b"); a word
 * list is folded the same way (`words.ts`), so an entry in any script still meets the same text.
 * @param text any string (a message is at most 4,000 characters).
 * @returns the folded text (plain ASCII input is only lower-cased).
 */
export function foldText(text: string): string {
	if (ASCII_ONLY.test(text)) return text.toLowerCase();
	const stripped = text.normalize('NFKD').toLowerCase().replace(INVISIBLE_OR_MARK, '');
	return replaceLookalikes(stripped);
}

/** Step 4 of {@link foldText}: one pass, slices copied only around the characters replaced. */
function replaceLookalikes(text: string): string {
	let out = '';
	let copiedUpTo = 0;
	for (let index = 0; index < text.length; index++) {
		if (text.charCodeAt(index) < 0x80) continue;
		const codePoint = text.codePointAt(index) as number;
		const width = codePoint > 0xffff ? 2 : 1;
		const base = SKELETON.get(codePoint);
		if (base !== undefined) {
			out += text.slice(copiedUpTo, index) + base;
			copiedUpTo = index + width;
		}
		index += width - 1;
	}
	return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

/**
 * The text as members see it, with the invisible taken out: what moderators' regexes and the link and invite finders
 * read. In order:
 *
 * 1. Every invisible character removed ({@link INVISIBLE}: zero-width spaces and joiners, soft hyphens, direction
 *    marks, variation selectors, Hangul fillers, tag characters, ...): "dis\u200Bcord" -> "discord".
 * 2. Unicode NFC: a letter typed as letter + accent becomes the precomposed letter ("e" + U+0301 -> "é"), so a regex
 *    meets accents one way only.
 * 3. The generic combining diacritics left over removed ({@link GENERIC_DIACRITICS}): zalgo "b̸̡̛a̷d̴" -> "bad". An
 *    accent that has a precomposed form with its letter was joined to it in step 2 and stays ("é"); the first mark of
 *    a zalgo stack may so survive as an accent.
 *
 * Kept: case, letters (no look-alike mapping, no NFKD: "ｆｕｌｌ" stays fullwidth), accents, and the marks that are
 * part of a script's spelling (Devanagari, Thai, Arabic, Hebrew, ...), which are outside the generic blocks.
 * @param text any string.
 * @returns the stripped text; the input itself when it is plain ASCII.
 */
export function stripInvisible(text: string): string {
	if (ASCII_ONLY.test(text)) return text;
	return text.replace(INVISIBLE, '').normalize('NFC').replace(GENERIC_DIACRITICS, '');
}

/** Whether a UTF-16 code unit is whitespace as `\s` reads it (line breaks included). */
export function isWhitespace(unit: number): boolean {
	return (
		unit === 0x20 ||
		(unit >= 0x09 && unit <= 0x0d) ||
		unit === 0xa0 ||
		unit === 0x1680 ||
		(unit >= 0x2000 && unit <= 0x200a) ||
		unit === 0x2028 ||
		unit === 0x2029 ||
		unit === 0x202f ||
		unit === 0x205f ||
		unit === 0x3000 ||
		unit === 0xfeff
	);
}
