import { hash } from 'node:crypto';
import emojiRegex from 'emoji-regex';
import { foldText, isWhitespace } from './normalize.js';

/**
 * Measures of a message's content for the spam filters (too many lines, emoji, capitals, mentions; the same message
 * again and again). Each is one or two linear passes over the text and never throws.
 */


/**
 * Lines of a message: the parts between line feeds (`\n`; a `\r` before it changes nothing), without the blank lines
 * at the end (empty or only whitespace, which Discord's client trims). Blank lines in between count: a wall of empty
 * lines is what line spam is.
 * @returns 0 for an empty or blank text; `"a\n\nb\n\n"` -> 3.
 */
export function countLines(text: string): number {
	let end = text.length;
	while (end > 0 && isWhitespace(text.charCodeAt(end - 1))) end--;
	if (end === 0) return 0;
	let lines = 1;
	for (let index = 0; index < end; index++) if (text.charCodeAt(index) === 0x0a) lines++;
	return lines;
}

/**
 * Unicode emoji: emoji-regex's pattern (every emoji and sequence of the Unicode standard: keycaps, flags, skin tones,
 * ZWJ families count one each). It is a fixed alternation of literal sequences, linear in the text: 4,000 hostile
 * characters (lone regional indicators, ZWJ chains, keycap bases) take a fraction of a millisecond.
 */
const UNICODE_EMOJI = emojiRegex();

/**
 * A single character the pattern also matches but that is shown as text, not as an emoji: symbols of the Basic
 * Multilingual Plane without the Emoji_Presentation property, written without the emoji variation selector U+FE0F
 * ("©", "™", "↔", "❤" bare; "❤️" with U+FE0F is an emoji).
 */
const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}$/u;

/** A custom emoji of Discord's message formatting: `<:name:id>` or animated `<a:name:id>` (names of word characters). */
const CUSTOM_EMOJI = /<a?:\w{1,32}:\d{17,20}>/g;

const ASCII_ONLY = /^[\x00-\x7F]*$/;

/**
 * Emoji in a message: Unicode emoji (each sequence once, see {@link UNICODE_EMOJI}; a symbol Discord shows as text,
 * like a bare "©", not counted) plus custom emoji `<:name:id>` and `<a:name:id>`. Every occurrence counts (three
 * times the same emoji is 3).
 * @returns the count; 0 for text without emoji.
 */
export function countEmoji(text: string): number {
	let count = 0;
	if (text.includes('<')) {
		CUSTOM_EMOJI.lastIndex = 0;
		while (CUSTOM_EMOJI.exec(text) !== null) count++;
	}
	if (ASCII_ONLY.test(text)) return count; // no Unicode emoji is ASCII alone (keycaps need U+20E3)
	UNICODE_EMOJI.lastIndex = 0;
	for (let match = UNICODE_EMOJI.exec(text); match; match = UNICODE_EMOJI.exec(text)) {
		if (match[0].length === 1 && !EMOJI_PRESENTATION.test(match[0])) continue;
		count++;
	}
	return count;
}

/** What {@link capsShare} measures. */
export interface CapsShare {
	/** Letters that have case (upper, lower or title case: `\p{Lu}`, `\p{Ll}`, `\p{Lt}`). */
	readonly letters: number;
	/** Of those, upper or title case. */
	readonly upper: number;
	/** `upper / letters`, from 0 to 1; 0 when there are no such letters. */
	readonly share: number;
}

/**
 * Discord markup whose letters nobody typed as capitals: user, role and channel mentions (`<@id>`, `<@!id>`,
 * `<@&id>`, `<#id>`), custom emoji (`<:name:id>`, `<a:name:id>`), slash command mentions (`</name sub:id>`),
 * timestamps (`<t:1700000000:R>`), and links with a scheme (`https://…` up to the next whitespace: paths and ids are
 * case-sensitive).
 */
const NOT_TYPED = /<(?:@[!&]?\d{17,20}|#\d{17,20}|a?:\w{1,32}:\d{17,20}|\/[^<>:\n]{1,100}:\d{17,20}|t:-?\d{1,20}(?::[A-Za-z])?)>|https?:\/\/\S+/gi;

const UPPER = /[\p{Lu}\p{Lt}]/uy;
const LOWER = /\p{Ll}/uy;

/**
 * The share of capital letters in a message, for the caps filter. Only letters that have case are counted (digits,
 * punctuation, emoji and letters of scripts without case are neither), after removing Discord markup and links
 * ({@link NOT_TYPED}).
 * @returns `{ letters, upper, share }` ({@link CapsShare}); "HELLO world" -> `{ letters: 10, upper: 5, share: 0.5 }`.
 */
export function capsShare(text: string): CapsShare {
	const typed = text.includes('<') || text.includes('://') ? text.replace(NOT_TYPED, ' ') : text;
	let letters = 0;
	let upper = 0;
	for (let index = 0; index < typed.length; index++) {
		const unit = typed.charCodeAt(index);
		if (unit < 0x80) {
			if (unit >= 0x41 && unit <= 0x5a) {
				letters++;
				upper++;
			} else if (unit >= 0x61 && unit <= 0x7a) letters++;
			continue;
		}
		const codePoint = typed.codePointAt(index) as number;
		UPPER.lastIndex = index;
		if (UPPER.test(typed)) {
			letters++;
			upper++;
		} else {
			LOWER.lastIndex = index;
			if (LOWER.test(typed)) letters++;
		}
		if (codePoint > 0xffff) index++;
	}
	return { letters, upper, share: letters === 0 ? 0 : upper / letters };
}

/** The mentions of a message, as ids. */
export interface MessageMentions {
	/** Users mentioned: discord.js `message.mentions.users.keys()`, or the ids of the API's `mentions`. */
	readonly users: Iterable<string>;
	/** Roles mentioned: discord.js `message.mentions.roles.keys()`, or the API's `mention_roles`. */
	readonly roles: Iterable<string>;
}

/**
 * Unique user and role mentions of a message, as Discord's mention spam rule counts them ("total number of unique
 * role and user mentions", `mention_total_limit`, at most 50). `@everyone` and `@here` are not counted; a reply that
 * pings its author is in the API's `mentions` when it pings: leave it out if it should not count.
 * @returns distinct user ids + distinct role ids.
 */
export function mentionCount(mentions: MessageMentions): number {
	return new Set(mentions.users).size + new Set(mentions.roles).size;
}

const WHITESPACE_RUN = /\s+/g;

/**
 * A short stable fingerprint of a message's content, to recognise the same message posted again: the SHA-1 of
 * {@link foldText}(text) with runs of whitespace made one space and the ends trimmed, first 16 hex digits (64 bits).
 * Case, accents, zalgo, zero-width characters, look-alike letters and spacing make no difference ("Hello  World" and
 * "hello world" share one); anything else does. Not a secret: only for comparing.
 * @returns 16 lower-case hex digits; an empty or blank text has a fingerprint too (`da39a3ee5e6b4b0d`, the hash of "").
 */
export function contentFingerprint(text: string): string {
	const folded = foldText(text);
	// Most chat is spaced already (single spaces, none at the ends): hashed as it is, without a copy.
	const normalized = SPACING_TO_MEND.test(folded) ? folded.replace(WHITESPACE_RUN, ' ').trim() : folded;
	return hash('sha1', normalized, 'hex').slice(0, 16);
}

/** Whitespace that {@link contentFingerprint}'s spacing rule changes: a run of two, any other than a space, or at an end. */
const SPACING_TO_MEND = /\s\s|[^\S ]|^\s|\s$/;
