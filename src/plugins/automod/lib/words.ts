import { foldText, isWhitespace } from './normalize.js';

/**
 * Word lists in Discord's AutoMod keyword syntax, so that a list syncs 1:1 to a native AutoMod rule
 * (`trigger_metadata.keyword_filter`, https://discord.com/developers/docs/resources/auto-moderation, "Keyword Matching
 * Strategies"), and a matcher that walks a message's folded text once.
 *
 * | Entry      | Mode        | Fires on                                                  |
 * | ---------- | ----------- | --------------------------------------------------------- |
 * | `cat`      | `whole`     | "cat", "the cat!" (not "catch", "wildcat")                |
 * | `cat*`     | `prefix`    | a word starting with it: "catch", "Catapult"              |
 * | `*cat`     | `suffix`    | a word ending with it: "wildcat", "copyCat"               |
 * | `*cat*`    | `substring` | anywhere: "location", "eduCation"                         |
 * | `the mat*` | `prefix`    | phrases too: "the matrix"                                 |
 *
 * Both the entries and the message are read through {@link foldText}, so case, accents, zalgo, zero-width characters,
 * fullwidth and mathematical letters and look-alike letters of other scripts make no difference.
 */

/** Longest entry, in UTF-16 code units, asterisks included: Discord's 60 characters per keyword. */
export const MAX_WORD_ENTRY_LENGTH = 60;

/** How an entry meets the text; the asterisks of Discord's keyword syntax. */
export type WordMatchMode = 'whole' | 'prefix' | 'suffix' | 'substring';

/** One parsed entry of a word list. */
export interface WordEntry {
	/** The entry as configured, trimmed (asterisks included): what is synced to Discord and shown to moderators. */
	readonly raw: string;
	/** The text between the asterisks, folded ({@link foldText}) with runs of whitespace made one space. */
	readonly text: string;
	readonly mode: WordMatchMode;
}

/**
 * Why an entry is refused, a code the caller translates: `empty` (nothing but asterisks, whitespace or invisible
 * characters), `tooLong` (over {@link MAX_WORD_ENTRY_LENGTH}), `innerWildcard` (a `*` elsewhere than at the ends;
 * Discord's syntax has no such wildcard).
 */
export type WordEntryProblem = 'empty' | 'tooLong' | 'innerWildcard';

/** The result of {@link parseWordEntry}. */
export type WordEntryParse = { readonly ok: true; readonly entry: WordEntry } | { readonly ok: false; readonly problem: WordEntryProblem };

/**
 * Reads one entry of a word list as Discord's AutoMod reads a keyword: `word` (whole word), `word*` (prefix), `*word`
 * (suffix), `*word*` (anywhere); phrases with spaces allowed. Whitespace around the entry and just inside its
 * asterisks is ignored. Never throws.
 * @param raw what a moderator typed.
 * @returns `{ ok: true, entry }` or `{ ok: false, problem }` ({@link WordEntryProblem}); the length is checked on the
 *   trimmed entry with its asterisks, in UTF-16 code units (never more lenient than Discord's count).
 */
export function parseWordEntry(raw: string): WordEntryParse {
	const trimmed = raw.trim();
	if (trimmed.length > MAX_WORD_ENTRY_LENGTH) return { ok: false, problem: 'tooLong' };
	let body = trimmed;
	const startWild = body.startsWith('*');
	if (startWild) body = body.slice(1);
	const endWild = body.endsWith('*');
	if (endWild) body = body.slice(0, -1);
	if (body.includes('*')) return { ok: false, problem: 'innerWildcard' };
	const text = foldText(body).replace(WHITESPACE_RUN, ' ').trim();
	if (text === '') return { ok: false, problem: 'empty' };
	const mode: WordMatchMode = startWild ? (endWild ? 'substring' : 'suffix') : endWild ? 'prefix' : 'whole';
	return { ok: true, entry: { raw: trimmed, text, mode } };
}

const WHITESPACE_RUN = /\s+/g;

/** One hit of a word list in a text. */
export interface WordMatch {
	/** The entry that fired, as configured ({@link WordEntry.raw}). */
	readonly entry: string;
	/** The part of the folded text it fired on (folded: lower case, look-alikes replaced; whitespace as in the text). */
	readonly matched: string;
}

/** A compiled word list. */
export interface WordMatcher {
	/**
	 * The first hit in the text (leftmost; at one position the shortest entry first), or null.
	 * @param folded the message passed through {@link foldText} (once; the same string serves every list).
	 */
	match(folded: string): WordMatch | null;
	/**
	 * Hits of distinct entries, leftmost first, at most `limit` (for `/automod test`, which explains why). Same cost
	 * as {@link match} when nothing fires: one walk of the text.
	 * @param limit at most this many (default 10).
	 */
	matchAll(folded: string, limit?: number): WordMatch[];
	/** Entries compiled (valid and distinct: the same folded text and mode counts once). */
	readonly size: number;
	/** Entries refused by {@link parseWordEntry} (as given), left out of the matcher; never thrown. */
	readonly invalid: readonly string[];
}

interface TrieTerminal {
	readonly raw: string;
	/** The text before the match must end a word (`whole`, `prefix`). */
	readonly needsStart: boolean;
	/** The text after the match must start no word (`whole`, `suffix`). */
	readonly needsEnd: boolean;
}

interface TrieNode {
	/** Next nodes by UTF-16 code unit; a space in an entry is the key 0x20 and meets any run of whitespace. */
	next: Map<number, TrieNode> | null;
	terminals: TrieTerminal[] | null;
}

const SPACE = 0x20;

/**
 * Compiles a word list into a trie of the folded entries. Matching walks the folded text once from each position
 * down the trie: O(text length x longest entry) at worst, no allocation unless something fires, whatever the text
 * (4,000 repeated letters against an entry of 60 of them: 240,000 steps).
 *
 * Word boundaries: a whole or prefix entry must start where the text before it is not a letter or digit (Unicode
 * `\p{L}`, `\p{N}`) or is the start of the text; a whole or suffix entry must end where the text after it is not a
 * letter or digit or is the end. So "cat" fires on "cat!" and "(cat)" as well as on "cat" between spaces: Discord
 * documents "surrounded by whitespace", punctuation is treated as space here. A space inside an entry meets any run of
 * whitespace (spaces, line breaks, tabs) in the text.
 * @param entries the list as configured; invalid entries are skipped and listed in `invalid`, never thrown.
 */
export function compileWordList(entries: readonly string[]): WordMatcher {
	const root: TrieNode = { next: null, terminals: null };
	const invalid: string[] = [];
	const seen = new Set<string>();
	for (const raw of entries) {
		const parsed = parseWordEntry(raw);
		if (!parsed.ok) {
			invalid.push(raw);
			continue;
		}
		const { text, mode } = parsed.entry;
		const key = `${mode}:${text}`;
		if (seen.has(key)) continue;
		seen.add(key);
		let node = root;
		for (let index = 0; index < text.length; index++) {
			const unit = text.charCodeAt(index);
			node.next ??= new Map();
			let child = node.next.get(unit);
			if (!child) {
				child = { next: null, terminals: null };
				node.next.set(unit, child);
			}
			node = child;
		}
		(node.terminals ??= []).push({
			raw: parsed.entry.raw,
			needsStart: mode === 'whole' || mode === 'prefix',
			needsEnd: mode === 'whole' || mode === 'suffix'
		});
	}

	const scan = (text: string, limit: number, found: WordMatch[], reported: Set<string> | null): void => {
		const rootNext = root.next;
		if (!rootNext) return;
		const length = text.length;
		for (let start = 0; start < length; start++) {
			let node = rootNext.get(text.charCodeAt(start));
			if (!node) continue;
			let startsWord: boolean | undefined;
			let end = start + 1;
			for (;;) {
				if (node.terminals) {
					for (const terminal of node.terminals) {
						if (terminal.needsStart && !(startsWord ??= !isWordCharBefore(text, start))) continue;
						if (terminal.needsEnd && isWordCharAt(text, end)) continue;
						if (reported?.has(terminal.raw)) continue;
						found.push({ entry: terminal.raw, matched: text.slice(start, end) });
						if (found.length >= limit) return;
						reported?.add(terminal.raw);
					}
				}
				if (end >= length || !node.next) break;
				const unit = text.charCodeAt(end);
				if (isWhitespace(unit)) {
					const child = node.next.get(SPACE);
					if (!child) break;
					node = child;
					end++;
					while (end < length && isWhitespace(text.charCodeAt(end))) end++;
				} else {
					const child = node.next.get(unit);
					if (!child) break;
					node = child;
					end++;
				}
			}
		}
	};

	return {
		size: seen.size,
		invalid,
		match(folded) {
			const found: WordMatch[] = [];
			scan(folded, 1, found, null);
			return found[0] ?? null;
		},
		matchAll(folded, limit = 10) {
			const found: WordMatch[] = [];
			if (limit >= 1) scan(folded, limit, found, new Set());
			return found;
		}
	};
}


/** ASCII letters and digits, by code unit. */
const ASCII_WORD = new Uint8Array(128);
for (let unit = 0; unit < 128; unit++) ASCII_WORD[unit] = /[A-Za-z0-9]/.test(String.fromCharCode(unit)) ? 1 : 0;

const WORD_CHARACTER = /^[\p{L}\p{N}]$/u;

/** Whether the code point is a letter or digit (`\p{L}`, `\p{N}`); a string is built only for non-ASCII ones. */
function isWordCodePoint(codePoint: number): boolean {
	if (codePoint < 128) return ASCII_WORD[codePoint] === 1;
	return WORD_CHARACTER.test(String.fromCodePoint(codePoint));
}

/** Whether the code point starting at `index` is a letter or digit (false past the end). */
function isWordCharAt(text: string, index: number): boolean {
	if (index >= text.length) return false;
	return isWordCodePoint(text.codePointAt(index) as number);
}

/** Whether the code point ending just before `index` is a letter or digit (false at the start). */
function isWordCharBefore(text: string, index: number): boolean {
	if (index <= 0) return false;
	const unit = text.charCodeAt(index - 1);
	if (unit >= 0xdc00 && unit <= 0xdfff && index >= 2) {
		const high = text.charCodeAt(index - 2);
		if (high >= 0xd800 && high <= 0xdbff) return isWordCodePoint(text.codePointAt(index - 2) as number);
	}
	return isWordCodePoint(unit);
}
