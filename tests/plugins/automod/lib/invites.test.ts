import { describe, expect, it } from 'vitest';
import { findInviteCodes } from '../../../../src/plugins/automod/lib/invites.js';

describe('findInviteCodes', () => {
	it.each([
		['join discord.gg/AbC12 now', ['AbC12']],
		['https://discord.gg/abc', ['abc']],
		['http://www.discord.gg/abc', ['abc']],
		['discord.gg/invite/abc', ['abc']],
		['https://discord.com/invite/my-server', ['my-server']],
		['discordapp.com/invite/xyz', ['xyz']],
		['https://canary.discord.com/invite/xyz', ['xyz']],
		['<https://discord.gg/abc>', ['abc']],
		['[click](https://discord.gg/abc)', ['abc']],
		['https://discord.gg/abc?event=123', ['abc']],
		['DISCORD.GG/Vanity', ['Vanity']]
	])('finds the code in %j', (text, codes) => {
		expect(findInviteCodes(text)).toEqual(codes);
	});

	it.each([
		['discord . gg / abc', ['abc']],
		['discord .gg/abc', ['abc']],
		['discord(.)gg/abc', ['abc']],
		['discord[.]gg/abc', ['abc']],
		['discord { . } gg/abc', ['abc']],
		['discord dot gg/abc', ['abc']],
		['discord(dot)gg/abc', ['abc']],
		['discord [DOT] gg/abc', ['abc']],
		['discord gg/abc', ['abc']],
		['discord。gg/abc', ['abc']],
		['discord.gg\\abc', ['abc']],
		['discord . com / invite / abc', ['abc']]
	])('finds the code in the disguised %j', (text, codes) => {
		expect(findInviteCodes(text)).toEqual(codes);
	});

	it('sees through zero-width characters, keeping the case of the code', () => {
		expect(findInviteCodes('dis\u200Bcord\u200D.g\uFEFFg/Ab\u200BC')).toEqual(['AbC']);
	});

	it('sees through look-alike letters, accents, zalgo and fullwidth forms (the code then in lower case)', () => {
		expect(findInviteCodes('dіscоrd.gg/abc')).toEqual(['abc']); // Cyrillic і and о
		expect(findInviteCodes('díscörd.gg/Abc')).toEqual(['abc']);
		expect(findInviteCodes('d̸̡i̷s̴c̵o̶r̷d̸.g̴g̵/abc')).toEqual(['abc']);
		expect(findInviteCodes('ｄｉｓｃｏｒｄ．ｇｇ／ａｂｃ')).toEqual(['abc']);
		expect(findInviteCodes('discord.gg/аbс')).toEqual(['abc']); // Cyrillic letters in the code
	});

	it('returns each code once, codes as written first', () => {
		expect(findInviteCodes('discord.gg/abc discord.gg/abc discord.gg/ABC dіscord.gg/Def discord.com/invite/abc')).toEqual(['abc', 'ABC', 'def']);
	});

	it.each([
		'https://discord.com/channels/123456789012345678/123456789012345678',
		'discord.com/invite/',
		'discord.gg/invite',
		'https://discord.com/developers/docs',
		'notdiscord.gg/abc',
		'my-discord.gg/abc',
		'discord.gg/a',
		`discord.gg/${'a'.repeat(33)}`,
		'discord.me/abc',
		'discord.gg',
		'I love discord, gg everyone',
		'discord gg',
		'gg/abc',
		'no links at all'
	])('finds nothing in %j', (text) => {
		expect(findInviteCodes(text)).toEqual([]);
	});

	it('accepts codes of 2 and of 32 characters', () => {
		expect(findInviteCodes('discord.gg/ab')).toEqual(['ab']);
		expect(findInviteCodes(`discord.gg/${'a'.repeat(32)}`)).toEqual(['a'.repeat(32)]);
	});

	it('finishes quickly on hostile input', { timeout: 5_000 }, () => {
		expect(findInviteCodes(`discord${' '.repeat(3_990)}/abc`)).toEqual([]);
		expect(findInviteCodes(`discord(${' '.repeat(3_990)}/x`)).toEqual([]);
		expect(findInviteCodes(`discord${' ( '.repeat(1_300)}. ) gg/abc`)).toEqual([]);
		expect(findInviteCodes(`${'discord dot '.repeat(330)}/abc`)).toEqual([]);
		expect(findInviteCodes(`${'discord.gg'.repeat(399)}/`)).toEqual([]);
		expect(findInviteCodes(`discord.gg/${'a'.repeat(3_990)}`)).toEqual([]);
		expect(findInviteCodes(`discord.gg/${'-'.repeat(3_990)}`)).toEqual([]);
		expect(findInviteCodes(`discord.gg${' / invite'.repeat(440)}`)).toEqual([]);
		expect(findInviteCodes('discord.gg/ab '.repeat(285))).toEqual(['ab']);
		expect(findInviteCodes(`${'d\u0301\u200B'.repeat(1_300)}/`)).toEqual([]);
	});
});
