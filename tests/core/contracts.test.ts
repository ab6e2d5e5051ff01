/**
 * Contracts every plugin and every locale must keep (issue 3): unique plugin names, unique piece names across the
 * core and all plugins, config schemas that parse `{}`, a translation namespace per plugin in every locale, every
 * en-US key in every locale (with the same placeholders), valid Discord command names and descriptions in every
 * locale, and no user-facing text hard-coded in the core's pieces.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseBotConfig } from '../../src/lib/config.js';
import { listShippedLocales } from '../../src/lib/i18n.js';
import { coreSourceDirectory, localesDirectory, projectRoot } from '../../src/lib/paths.js';
import { definePlugin, type AnyPluginManifest } from '../../src/lib/plugins/definePlugin.js';
import { PluginRegistry } from '../../src/lib/plugins/registry.js';
import { plugins } from '../../src/plugins/index.js';
import { echoPlugin } from '../fixtures/echo-plugin/index.js';

/** The bot's plugins, plus the test fixture so the checks never run on an empty list. */
const checked: { title: string; list: readonly AnyPluginManifest[] }[] = [
	{ title: 'the bot (src/plugins/index.ts)', list: plugins },
	{ title: 'the bot with the echo test plugin', list: [...plugins, echoPlugin] }
];
const locales = listShippedLocales();

type Json = { [key: string]: Json } | string;
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, Json>;

/** Leaf keys of a translation file: `commands.plugins.name` -> value. */
function leaves(value: Json, prefix = ''): Map<string, string> {
	const out = new Map<string, string>();
	if (typeof value === 'string') return out.set(prefix, value);
	for (const [key, child] of Object.entries(value)) for (const [path, text] of leaves(child, prefix ? `${prefix}.${key}` : key)) out.set(path, text);
	return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((match) => match[1]).sort();

/** Every namespace file: the bot's locales/ folder and plugins' own folders. */
function namespaceFiles(list: readonly AnyPluginManifest[]): { directory: string; namespace: string }[] {
	const files = readdirSync(join(localesDirectory, 'en-US'))
		.filter((file) => file.endsWith('.json'))
		.map((file) => ({ directory: localesDirectory, namespace: file.slice(0, -5) }));
	for (const plugin of list) if (plugin.localesDirectory) files.push({ directory: plugin.localesDirectory, namespace: plugin.name });
	return files;
}

describe('locales', () => {
	it('ships en-US, pl and fr, en-US first', () => {
		expect(locales).toEqual(['en-US', 'fr', 'pl']);
	});

	it.each(checked)('every locale has every key en-US has, with the same placeholders, and no others: $title', ({ list }) => {
		const problems: string[] = [];
		for (const { directory, namespace } of namespaceFiles(list)) {
			const base = leaves(readJson(join(directory, 'en-US', `${namespace}.json`)));
			for (const locale of locales.filter((candidate) => candidate !== 'en-US')) {
				const path = join(directory, locale, `${namespace}.json`);
				if (!existsSync(path)) {
					problems.push(`${relative(projectRoot, path)} is missing`);
					continue;
				}
				const translated = leaves(readJson(path));
				for (const [key, text] of base) {
					const other = translated.get(key);
					if (other === undefined) problems.push(`${locale}/${namespace}: missing ${key}`);
					else if (other.trim() === '') problems.push(`${locale}/${namespace}: empty ${key}`);
					else if (placeholders(other).join() !== placeholders(text).join()) problems.push(`${locale}/${namespace}: ${key} has placeholders ${placeholders(other)} instead of ${placeholders(text)}`);
				}
				for (const key of translated.keys()) if (!base.has(key)) problems.push(`${locale}/${namespace}: ${key} is not in en-US`);
			}
		}
		expect(problems).toEqual([]);
	});

	it('the key check catches a missing key', () => {
		const base = leaves({ a: { b: 'x {{n}}', c: 'y' } });
		const other = leaves({ a: { b: 'x {{n}}' } });
		expect([...base.keys()].filter((key) => !other.has(key))).toEqual(['a.c']);
	});

	it.each(checked)('command names and descriptions are valid for Discord in every locale: $title', ({ list }) => {
		// Discord: names 1-32 characters, lowercase, letters/digits/-/_ (CHAT_INPUT); descriptions 1-100 characters.
		const name = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
		const problems: string[] = [];
		for (const { directory, namespace } of namespaceFiles(list)) {
			for (const locale of locales) {
				for (const [key, text] of leaves(readJson(join(directory, locale, `${namespace}.json`)))) {
					if (!key.startsWith('commands.')) continue;
					if (key.endsWith('.name') && (!name.test(text) || text !== text.toLowerCase())) problems.push(`${locale}/${namespace}: ${key} "${text}"`);
					if (key.endsWith('.description') && (text.length < 1 || text.length > 100)) problems.push(`${locale}/${namespace}: ${key} is ${text.length} characters`);
				}
			}
		}
		expect(problems).toEqual([]);
	});

	it('no user-facing text is hard-coded in the core pieces (replies and builders go through translations)', () => {
		const problems: string[] = [];
		const walk = (directory: string): string[] =>
			readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
				entry.isDirectory() ? walk(join(directory, entry.name)) : entry.name.endsWith('.ts') ? [join(directory, entry.name)] : []
			);
		for (const folder of ['commands', 'listeners', 'preconditions', 'lib']) {
			for (const file of walk(join(coreSourceDirectory, folder))) {
				const source = readFileSync(file, 'utf8');
				for (const pattern of [/content:\s*['"`]/g, /\.set(?:Name|Description)\(\s*['"`]/g, /\.(?:reply|followUp|editReply)\(\s*['"`]/g]) {
					for (const match of source.matchAll(pattern)) problems.push(`${relative(projectRoot, file)}: ${match[0]}`);
				}
			}
		}
		expect(problems).toEqual([]);
	});
});

describe.each(checked)('plugins of $title', ({ list }) => {
	it('have unique, kebab-case names', () => {
		const names = list.map((plugin) => plugin.name);
		expect(new Set(names).size).toBe(names.length);
		for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/);
		expect(() => new PluginRegistry(list, parseBotConfig({}))).not.toThrow();
	});

	it('use every piece name once across the core and all plugins', () => {
		expect(PluginRegistry.findDuplicatePieces(coreSourceDirectory, list)).toEqual([]);
	});

	it('have config schemas that parse {} into a full config', () => {
		for (const plugin of list) {
			const parsed = plugin.configSchema.safeParse({});
			expect(parsed.success, plugin.name).toBe(true);
			// Every field is filled in by its default.
			expect(Object.keys(parsed.data ?? {}).sort(), plugin.name).toEqual(Object.keys(plugin.configSchema.shape).sort());
		}
	});

	it('have their translation namespace, with a description, in every locale', () => {
		for (const plugin of list) {
			for (const locale of locales) {
				const path = join(plugin.localesDirectory ?? localesDirectory, locale, `${plugin.name}.json`);
				expect(existsSync(path), path).toBe(true);
				const description = leaves(readJson(path)).get('plugin.description');
				expect(description, `${path}: plugin.description`).toBeTruthy();
			}
		}
	});

	it('declare the gateway intents and permissions they need as numbers', () => {
		for (const plugin of list) {
			for (const intent of plugin.intents) expect(Number.isInteger(intent)).toBe(true);
			for (const permission of plugin.permissions) expect(typeof permission).toBe('bigint');
		}
	});
});

describe('the contract checks catch mistakes', () => {
	it('a piece name used twice (Sapphire would silently keep one)', () => {
		const directory = mkdtempSync(join(tmpdir(), 'dup-plugin-'));
		try {
			mkdirSync(join(directory, 'commands'));
			writeFileSync(join(directory, 'commands', 'plugins.ts'), 'export {};\n');
			writeFileSync(join(directory, 'commands', '_helper.ts'), 'export {};\n');
			const duplicate = definePlugin({
				name: 'dup',
				configSchema: z.object({}),
				entities: [],
				enabledByDefault: false,
				directory,
				intents: [],
				permissions: []
			});
			const problems = PluginRegistry.findDuplicatePieces(coreSourceDirectory, [duplicate]);
			expect(problems).toHaveLength(1);
			expect(problems[0]).toMatch(/^piece commands\/plugins is defined 2 times \(core: .*src\/commands\/plugins\.ts, dup: .*commands\/plugins\.ts\)$/);
			expect(() => new PluginRegistry([duplicate], parseBotConfig({}))).toThrow(/commands\/plugins is defined 2 times/);
		} finally {
			rmSync(directory, { recursive: true, force: true });
		}
	});

	it('a config field without a default, a bad name, two plugins of one name', () => {
		const base = { entities: [], enabledByDefault: false, directory: '/nowhere', intents: [], permissions: [] };
		expect(() => definePlugin({ ...base, name: 'strict', configSchema: z.object({ rate: z.number() }) })).toThrow(/parse\(\{\}\) must succeed/);
		expect(() => definePlugin({ ...base, name: 'Voice_XP', configSchema: z.object({}) })).toThrow(/kebab-case/);
		expect(() => definePlugin({ ...base, name: 'core', configSchema: z.object({}) })).toThrow(/reserved/);
		const one = definePlugin({ ...base, name: 'twin', configSchema: z.object({}), directory: '/a' });
		const two = definePlugin({ ...base, name: 'twin', configSchema: z.object({}), directory: '/b' });
		expect(() => new PluginRegistry([one, two], parseBotConfig({}))).toThrow(/two plugins are named "twin"/);
	});
});
