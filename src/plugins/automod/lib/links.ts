import { find } from 'linkifyjs';
import { stripInvisible } from './normalize.js';

/**
 * The links of a message, as hostnames, and the domain rules that judge them.
 *
 * Hostnames are compared in ASCII: lower case, no trailing dot, internationalised names in punycode as the WHATWG
 * URL parser writes them (`пример.рф` -> `xn--e1afmkfd.xn--p1ai`). {@link findLinkHosts} and {@link normalizeDomain}
 * both produce that form, so a domain a moderator typed in Cyrillic meets the same link in a message.
 */

/**
 * A bare domain needs a dot followed by a letter (top-level domains start with one, `xn--` too), a link with a scheme
 * `://`: most messages have neither and skip linkifyjs.
 */
const MAY_HOLD_LINK = /\.\p{L}|:\/\//u;

const WHITESPACE_RUN = /\s+/;

/** Ideographic full stops (U+3002, and U+FF61 which NFKC turns into it), which browsers read as dots in hostnames. */
const IDEOGRAPHIC_FULL_STOP = /\u3002/g;

/**
 * The hostnames of the links in a message, in order of appearance, each once.
 *
 * The text is read through {@link stripInvisible} (zero-width characters gone), then NFKC (fullwidth
 * `ｅｘａｍｐｌｅ．ｃｏｍ` becomes `example.com`, as a browser maps it) with ideographic full stops made dots, and
 * handed to linkifyjs (`find(text, 'url')`): links with a scheme (`https://…`, `http://…`) and bare domains with a
 * known top-level domain (`example.com/path`, `www.example.org`, `discord.gg/abc`), as Discord's client also makes
 * links of them. Not links: e-mail addresses (`mailto:` included), bare IP addresses without a scheme, domains whose
 * top-level domain linkifyjs does not know (including punycode `xn--` top-level domains typed without a scheme), and
 * hosts of one label (`localhost`, `http://intranet/`), which linkifyjs accepts but nobody outside can visit.
 *
 * Each link is parsed with the WHATWG URL parser, so the host is the one a browser would visit
 * (`https://discord.com@evil.example/` -> `evil.example`, `http://example%2Ecom` -> `example.com`,
 * `http://2130706433/` -> `127.0.0.1`); hosts are reported as parsed, not judged (a label over 63 characters is
 * kept). Discord invite hosts are kept (`discord.gg`): the caller decides.
 *
 * Cost: linear in the text length (linkifyjs's scanner is a state machine); the first call of the process also
 * builds linkifyjs's tables (a few milliseconds).
 * @param text a message's content as sent.
 * @returns hostnames, e.g. `['example.com', 'sub.example.org', 'xn--e1afmkfd.xn--p1ai']`; `[]` when none. Never
 *   throws.
 */
export function findLinkHosts(text: string): string[] {
	const prepared = stripInvisible(text).normalize('NFKC').replace(IDEOGRAPHIC_FULL_STOP, '.');
	if (!MAY_HOLD_LINK.test(prepared)) return [];
	// A link holds no whitespace: linkifyjs reads only the words that may hold one (a sentence around a link is
	// most of a message, and tokenizing it was most of the filter's time).
	const words = prepared.split(WHITESPACE_RUN).filter((word) => MAY_HOLD_LINK.test(word));
	const hosts = new Set<string>();
	for (const link of find(words.join(' '), 'url')) {
		const host = hostOf(link.href);
		if (host !== null && host.includes('.')) hosts.add(host);
	}
	return [...hosts];
}

/** The host of a URL, lower case, without a trailing dot; null when the URL does not parse or has no host. */
function hostOf(href: string): string | null {
	const url = URL.parse(href);
	if (!url) return null;
	const host = trimTrailingDots(url.hostname.toLowerCase());
	return host === '' ? null : host;
}

function trimTrailingDots(host: string): string {
	let end = host.length;
	while (end > 0 && host.charCodeAt(end - 1) === 0x2e) end--;
	return end === host.length ? host : host.slice(0, end);
}

/**
 * Whether a host is a domain or one of its subdomains: `example.com` and `a.b.example.com` match `example.com`;
 * `badexample.com` and `example.com.evil.net` do not. Case and a trailing dot on either side make no difference.
 * Compare hosts of {@link findLinkHosts} with domains of {@link normalizeDomain}.
 * @returns false when the domain is empty.
 */
export function domainMatches(host: string, domain: string): boolean {
	const h = trimTrailingDots(host.toLowerCase());
	const d = trimTrailingDots(domain.toLowerCase());
	if (d === '' || h.length < d.length) return false;
	if (h.length === d.length) return h === d;
	return h.endsWith(d) && h.charCodeAt(h.length - d.length - 1) === 0x2e;
}

/** Longest input {@link normalizeDomain} reads, in characters: a URL a moderator pastes. */
export const MAX_DOMAIN_INPUT = 2_048;

/** One label of a hostname in ASCII: letters, digits, hyphens (and underscores, found in real subdomains), 1-63. */
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * The domain a moderator meant, from what they typed: a bare domain (`Example.com`), a URL
 * (`https://Example.com/x?y` -> `example.com`), with a wildcard or dot in front (`*.example.com`, `.example.com` ->
 * `example.com`; a domain rule covers subdomains anyway), a port or credentials (ignored). Lower case, no trailing
 * dot, internationalised names in punycode (`пример.рф` -> `xn--e1afmkfd.xn--p1ai`).
 * @returns the domain, or null when it is not one: empty, over {@link MAX_DOMAIN_INPUT} characters, not parseable as
 *   a host, an IPv6 address, a single label (`localhost`, `com`), a label over 63 characters or the whole over 253.
 *   IPv4 addresses are returned as they are (`1.2.3.4`). Never throws.
 */
export function normalizeDomain(input: string): string | null {
	let text = input.trim();
	if (text === '' || text.length > MAX_DOMAIN_INPUT) return null;
	if (text.startsWith('*.')) text = text.slice(2);
	else if (text.startsWith('.')) text = text.slice(1);
	if (!/^[a-z][a-z0-9+.-]{0,30}:\/\//i.test(text)) text = `http://${text}`;
	const host = hostOf(text);
	if (host === null || host.length > 253) return null;
	const labels = host.split('.');
	if (labels.length < 2) return null;
	for (const label of labels) if (!LABEL.test(label)) return null;
	return host;
}
