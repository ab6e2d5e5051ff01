/**
 * The custom id convention (src/lib/customId.ts): `<plugin>:<action>[:<arg>...]`, at most 100 characters, built and
 * read by one helper. The contract part fails when source under src/ sets a component's or modal's custom id any
 * other way than with `buildCustomId(...)`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCustomId, CUSTOM_ID_MAX_LENGTH, matchCustomId, parseCustomId } from '../../src/lib/customId.js';
import { coreSourceDirectory, projectRoot } from '../../src/lib/paths.js';

describe('buildCustomId / parseCustomId', () => {
	it('builds <plugin>:<action>:<args> and reads it back', () => {
		expect(buildCustomId('voice-xp', 'leaderboard-page', 3, 'next')).toBe('voice-xp:leaderboard-page:3:next');
		expect(buildCustomId('core', 'plugins-enable', 'automod')).toBe('core:plugins-enable:automod');
		expect(buildCustomId('core', 'refresh')).toBe('core:refresh');
		expect(parseCustomId('voice-xp:leaderboard-page:3:next')).toEqual({ plugin: 'voice-xp', action: 'leaderboard-page', args: ['3', 'next'] });
		expect(parseCustomId('core:refresh')).toEqual({ plugin: 'core', action: 'refresh', args: [] });
	});

	it('escapes the separator and % inside arguments, so any text round-trips', () => {
		const texts = ['a:b', '100%', '%3A', '::', '', 'zażółć gęślą jaźń 🎉', 'a%25b:c'];
		const id = buildCustomId('echo', 'say', ...texts);
		expect(id.split(':')).toHaveLength(2 + texts.length);
		expect(parseCustomId(id)).toEqual({ plugin: 'echo', action: 'say', args: texts });
	});

	it('refuses a plugin or action that is not kebab-case (the separator could not be found again)', () => {
		expect(() => buildCustomId('Voice_XP', 'page')).toThrow(TypeError);
		expect(() => buildCustomId('voice:xp', 'page')).toThrow(TypeError);
		expect(() => buildCustomId('voice-xp', 'next:page')).toThrow(TypeError);
		expect(() => buildCustomId('voice-xp', '')).toThrow(TypeError);
		expect(() => buildCustomId('voice-xp', 'Page')).toThrow(TypeError);
	});

	it('keeps every id within Discord’s 100 characters: longer ones are refused when built and when read', () => {
		const fits = buildCustomId('core', 'x', 'a'.repeat(CUSTOM_ID_MAX_LENGTH - 'core:x:'.length));
		expect(fits).toHaveLength(100);
		expect(() => buildCustomId('core', 'x', 'a'.repeat(CUSTOM_ID_MAX_LENGTH - 'core:x:'.length + 1))).toThrow(RangeError);
		// Escaping counts: 31 separators become 93 characters (100 in all), 32 become 96 (103).
		expect(buildCustomId('core', 'x', ':'.repeat(31))).toHaveLength(100);
		expect(() => buildCustomId('core', 'x', ':'.repeat(32))).toThrow(RangeError);
		expect(parseCustomId(`${fits}a`)).toBeNull();
	});

	it('reads ids that do not follow the convention as null', () => {
		for (const id of ['', 'core', 'voice-xp-leaderboard:2:next', 'Core:x', 'core::x', 'core:x:50%', 'core:x:%zz', ':x']) {
			expect(parseCustomId(id), id).toBeNull();
		}
	});

	it('matchCustomId answers the arguments only for that plugin and action', () => {
		expect(matchCustomId('core:plugins-enable:automod', 'core', 'plugins-enable')).toEqual(['automod']);
		expect(matchCustomId('core:plugins-enable:automod', 'voice-xp', 'plugins-enable')).toBeNull();
		expect(matchCustomId('core:plugins-enable:automod', 'core', 'plugins-disable')).toBeNull();
		expect(matchCustomId('nonsense', 'core', 'plugins-enable')).toBeNull();
	});
});

/** `.ts` files under a folder, recursively. */
function sourceFiles(directory: string): string[] {
	return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory() ? sourceFiles(join(directory, entry.name)) : entry.name.endsWith('.ts') ? [join(directory, entry.name)] : []
	);
}

/**
 * Places in a source text that set a custom id other than with a `buildCustomId(` call: `.setCustomId(<x>)` and
 * `custom_id: <x>` (raw component JSON, modals) where `<x>` is not `buildCustomId(...)`. Comments are ignored.
 */
function customIdsWithoutHelper(source: string): string[] {
	const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
	const problems: string[] = [];
	for (const match of code.matchAll(/\.setCustomId\(\s*([^)\s]*)/g)) {
		const argument = match[1] ?? '';
		if (!argument.startsWith('buildCustomId(')) problems.push(match[0]);
	}
	for (const match of code.matchAll(/\bcustom_id\s*:\s*([^,}\s]*)/g)) {
		if (!(match[1] ?? '').startsWith('buildCustomId(')) problems.push(match[0]);
	}
	return problems;
}

describe('contract: every custom id under src/ is built with buildCustomId', () => {
	it('no component or modal of the core or a plugin sets its custom id another way', () => {
		const problems: string[] = [];
		for (const file of sourceFiles(coreSourceDirectory)) {
			for (const problem of customIdsWithoutHelper(readFileSync(file, 'utf8'))) problems.push(`${relative(projectRoot, file)}: ${problem}`);
		}
		expect(problems).toEqual([]);
	});

	it('the scan catches template strings, literals and raw JSON, and accepts the helper', () => {
		expect(customIdsWithoutHelper("new ButtonBuilder().setCustomId(`voice-xp-leaderboard:${page}`)")).toHaveLength(1);
		expect(customIdsWithoutHelper("button.setCustomId('echo-again:' + text)")).toHaveLength(1);
		expect(customIdsWithoutHelper('button.setCustomId(id)')).toHaveLength(1);
		expect(customIdsWithoutHelper("const row = { type: 2, custom_id: 'core:x', label }")).toHaveLength(1);
		expect(customIdsWithoutHelper("button.setCustomId(buildCustomId('core', 'x', name))")).toEqual([]);
		expect(customIdsWithoutHelper("button.setCustomId(pageButtonId(page))")).toHaveLength(1);
		expect(customIdsWithoutHelper("const row = { custom_id: buildCustomId('core', 'x') }")).toEqual([]);
		expect(customIdsWithoutHelper("// button.setCustomId('old')\n/* custom_id: 'x' */")).toEqual([]);
	});
});
