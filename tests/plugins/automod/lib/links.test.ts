import { describe, expect, it } from 'vitest';
import { domainMatches, findLinkHosts, normalizeDomain } from '../../../../src/plugins/automod/lib/links.js';

describe('findLinkHosts', () => {
	it('finds links with a scheme and bare domains, as lower-case hosts without a trailing dot', () => {
		expect(findLinkHosts('see https://Sub.Example.COM./x?y=1 and example.org/path, www.test.net.')).toEqual([
			'sub.example.com',
			'example.org',
			'www.test.net'
		]);
		expect(findLinkHosts('<https://a.example> [b](https://b.example/x) (c.example.com)')).toEqual(['a.example', 'b.example', 'c.example.com']);
	});

	it('finds the links among words, lines, tabs and runs of spaces, and nothing in the words around them', () => {
		expect(findLinkHosts('hello there\nexample.com\tand   some words https://a.org/x, then (www.b.net).\n\nbye now')).toEqual(['example.com', 'a.org', 'www.b.net']);
		expect(findLinkHosts('hi localhost:3000 and 1.2.3.4 or http://10.0.0.1/x')).toEqual(['10.0.0.1']);
	});

	it('keeps Discord invite hosts: the caller decides', () => {
		expect(findLinkHosts('join discord.gg/abc or https://discord.com/invite/abc')).toEqual(['discord.gg', 'discord.com']);
	});

	it('returns each host once, in order of appearance', () => {
		expect(findLinkHosts('b.com a.com https://b.com/x B.COM')).toEqual(['b.com', 'a.com']);
	});

	it('writes internationalised names in punycode', () => {
		expect(findLinkHosts('пример.рф and https://bücher.de')).toEqual(['xn--e1afmkfd.xn--p1ai', 'xn--bcher-kva.de']);
	});

	it('takes the host a browser would visit', () => {
		expect(findLinkHosts('https://discord.com@evil.example/login')).toEqual(['evil.example']);
		expect(findLinkHosts('http://user:pass@example.com:8080/')).toEqual(['example.com']);
	});

	it('sees through zero-width characters, fullwidth forms and ideographic full stops', () => {
		expect(findLinkHosts('exa\u200Bmple.com/x')).toEqual(['example.com']);
		expect(findLinkHosts('ｅｘａｍｐｌｅ．ｃｏｍ')).toEqual(['example.com']);
		expect(findLinkHosts('example。com')).toEqual(['example.com']);
	});

	it.each(['no links here', 'e-mail me at someone@example.com', 'mailto:someone@example.com', 'go to localhost now', 'http://intranet/', 'v1.2 node.js e.g. i.e.', 'file.txt', ''])(
		'finds nothing in %j',
		(text) => {
			expect(findLinkHosts(text)).toEqual([]);
		}
	);

	it('finishes quickly on hostile input', { timeout: 5_000 }, () => {
		expect(findLinkHosts('a.'.repeat(2_000))).toBeInstanceOf(Array);
		expect(findLinkHosts('http://'.repeat(570))).toEqual([]);
		expect(findLinkHosts(`https://${'a'.repeat(3_980)}.com`)).toEqual([`${'a'.repeat(3_980)}.com`]); // as parsed, not judged
		expect(findLinkHosts(`https://${'a.'.repeat(1_990)}com`)).toBeInstanceOf(Array);
		expect(findLinkHosts('x.com '.repeat(666))).toEqual(['x.com']);
		expect(findLinkHosts(Array.from({ length: 500 }, (_, index) => `h${index}.io`).join(' '))).toHaveLength(500);
		expect(findLinkHosts('\u200B.'.repeat(2_000))).toEqual([]);
	});
});

describe('domainMatches', () => {
	it('matches the domain itself and its subdomains', () => {
		expect(domainMatches('example.com', 'example.com')).toBe(true);
		expect(domainMatches('www.example.com', 'example.com')).toBe(true);
		expect(domainMatches('a.b.example.com', 'example.com')).toBe(true);
		expect(domainMatches('A.Example.COM.', 'example.com')).toBe(true);
	});

	it('does not match other domains that merely end the same way or contain it', () => {
		expect(domainMatches('badexample.com', 'example.com')).toBe(false);
		expect(domainMatches('example.com.evil.net', 'example.com')).toBe(false);
		expect(domainMatches('example.co', 'example.com')).toBe(false);
		expect(domainMatches('com', 'example.com')).toBe(false);
		expect(domainMatches('example.com', '')).toBe(false);
	});
});

describe('normalizeDomain', () => {
	it.each([
		['example.com', 'example.com'],
		['Example.COM', 'example.com'],
		['https://Example.com/x?y#z', 'example.com'],
		['  www.example.com  ', 'www.example.com'],
		['*.example.com', 'example.com'],
		['.example.com', 'example.com'],
		['example.com.', 'example.com'],
		['example.com:8080', 'example.com'],
		['ftp://files.example.org', 'files.example.org'],
		['пример.рф', 'xn--e1afmkfd.xn--p1ai'],
		['1.2.3.4', '1.2.3.4']
	])('reads %j as %j', (input, domain) => {
		expect(normalizeDomain(input)).toBe(domain);
	});

	it.each(['', '   ', 'example', 'localhost', 'hello world', 'http://[::1]/', `${'a'.repeat(64)}.com`, '-a.com', 'a..com', 'https://', 'x'.repeat(2_049)])(
		'refuses %j',
		(input) => {
			expect(normalizeDomain(input)).toBeNull();
		}
	);
});
