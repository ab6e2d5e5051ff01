import { foldText, stripInvisible } from './normalize.js';

/**
 * Discord invite links in a message, including the forms used to slip them past filters.
 *
 * Forms recognised (scheme, `www.`, `canary.`/`ptb.` and anything else before "discord" are irrelevant: the text is
 * searched, not parsed as a URL):
 *
 * | Form                                  | Example                                  |
 * | ------------------------------------- | ---------------------------------------- |
 * | `discord.gg/<code>`                   | `https://discord.gg/AbC12`, `discord.gg/abc` |
 * | `discord.gg/invite/<code>`            | `discord.gg/invite/abc` (Discord redirects it) |
 * | `discord.com/invite/<code>`           | `https://discord.com/invite/abc`         |
 * | `discordapp.com/invite/<code>`        | `discordapp.com/invite/abc`              |
 * | spaces around the dot or the slashes  | `discord . gg / abc`                     |
 * | the dot in brackets                   | `discord(.)gg/abc`, `discord[.]gg`, `discord{.}gg`, `discord<.>gg` |
 * | the dot spelled out                   | `discord dot gg/abc`, `discord(dot)gg/abc`, `discord[dot]gg` |
 * | only whitespace for the dot           | `discord gg/abc`                         |
 * | other full stops                      | `discord。gg` (U+3002, which browsers read as a dot), fullwidth `．` |
 * | a backslash for the slash             | `discord.gg\abc` (browsers read it as `/`) |
 * | zero-width characters anywhere        | `disc\u200Bord.gg/abc` (removed first)   |
 * | look-alike letters, accents, zalgo    | `dіscоrd.gg/abc` (Cyrillic і, о), `díscord`, fullwidth (folded first) |
 *
 * Not an invite: `discord.com/channels/...` and other Discord paths, `notdiscord.gg/abc` (another domain: the text
 * just before "discord" must not be a letter, digit or hyphen), a code of one character or over 32, other invite
 * services (`discord.me`, `dsc.gg`, ...).
 */

/** A full stop: ASCII, ideographic U+3002, halfwidth ideographic U+FF61, fullwidth U+FF0E; or the word "dot". */
const DOT = '(?:[.\\u3002\\uff61\\uff0e]|dot)';

/**
 * Between "discord" and "gg"/"com": optional whitespace, a dot (bare or in one pair of brackets of any kind), optional
 * whitespace; or whitespace alone. Every quantifier is on whitespace next to a fixed token that is not whitespace,
 * so a failing attempt backtracks at most once over each run of whitespace: linear.
 */
const SEPARATOR = `(?:\\s*(?:${DOT}|[\\[({<]\\s*${DOT}\\s*[\\])}>])\\s*|\\s+)`;

/** A slash (or a backslash, which browsers read as one), with optional whitespace around it. */
const SLASH = '\\s*[/\\\\]\\s*';

/**
 * An invite code: 2 to 32 letters, digits or hyphens (random codes and vanity URLs), not followed by another such
 * character (a longer run is no code: at most 32 steps of backtracking). The word "invite" alone is the path, not a
 * code (`discord.gg/invite`, `discord.gg/invite / invite`).
 */
const CODE = '(?!invite(?![a-z0-9-]))([a-z0-9-]{2,32})(?![a-z0-9-])';

const INVITE_SOURCE = `(?<![a-z0-9-])discord(?:${SEPARATOR}gg${SLASH}(?:invite${SLASH})?|(?:app)?${SEPARATOR}com${SLASH}invite${SLASH})${CODE}`;

/** On the stripped text: case-insensitive, the code's case kept (invite codes are case-sensitive). */
const INVITE_ANY_CASE = new RegExp(INVITE_SOURCE, 'gi');

/** On the folded text (already lower case). */
const INVITE_FOLDED = new RegExp(INVITE_SOURCE, 'g');

/**
 * A cheap first look: an invite needs a slash or a backslash, or a character that folding (NFKD) turns into one:
 * fullwidth U+FF0F and U+FF3C, small U+FE68. Most messages have none and skip both passes.
 */
const MAY_HOLD_INVITE = /[/\\\uff0f\uff3c\ufe68]/;

/**
 * The invite codes in a message, each once (codes as written first, in order of appearance, then those found only
 * in the folded text). The text is searched twice, both passes linear in its length (hand-written patterns without
 * nested quantifiers):
 *
 * 1. on {@link stripInvisible}(text): zero-width characters and zalgo gone, case kept, so codes come out exactly as
 *    written (`discord.gg/AbC12` -> `AbC12`);
 * 2. on {@link foldText}(text): look-alike letters, accents and fullwidth forms undone. A code found only this way
 *    (its link was disguised) is in lower case and with its look-alikes replaced, so it may not be the real code:
 *    Discord's codes are case-sensitive. It still says that an invite was posted.
 * @param text a message's content as sent.
 * @returns codes (`[A-Za-z0-9-]{2,32}`), e.g. `['AbC12', 'my-server']`; `[]` when there are none. Never throws.
 */
export function findInviteCodes(text: string): string[] {
	const codes: string[] = [];
	if (!MAY_HOLD_INVITE.test(text)) return codes;
	// Exact codes first (case matters: `abc` and `ABC` are two invites), then the folded ones no exact code explains.
	const lowerCase = new Set<string>();
	const collect = (source: string, pattern: RegExp, folded: boolean): void => {
		pattern.lastIndex = 0;
		for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
			const code = match[1] as string;
			if (folded ? lowerCase.has(code) : codes.includes(code)) continue;
			codes.push(code);
			lowerCase.add(code.toLowerCase());
		}
	};
	collect(stripInvisible(text), INVITE_ANY_CASE, false);
	collect(foldText(text), INVITE_FOLDED, true);
	return codes;
}

