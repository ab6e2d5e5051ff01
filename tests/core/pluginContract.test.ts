/**
 * The plugin contract (src/lib/plugins/, docs/writing-a-plugin.md), checked on the bot's plugins and the test
 * fixtures: every plugin folder is in the plugin list; every piece extends its plugin's base class with its plugin's
 * name (so the core's guard applies); every task declares what happens when its plugin is off; no user-facing text is
 * hard-coded in a plugin; and the guard of a plugin listener runs it only where and when it should.
 */
import { container, Piece } from '@sapphire/pieces';
import { ScheduledTaskStore } from '@sapphire/plugin-scheduled-tasks';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/lib/paths.js';
import type { AnyPluginManifest } from '../../src/lib/plugins/definePlugin.js';
import { PluginCommand, PluginInteractionHandler, PluginListener, PluginTask } from '../../src/lib/plugins/pieces.js';
import { listPieceFiles, PluginRegistry } from '../../src/lib/plugins/registry.js';
import { plugins } from '../../src/plugins/index.js';
import { echoPlugin } from '../fixtures/echo-plugin/index.js';
import { shoutPlugin } from '../fixtures/shout-plugin/index.js';

const pluginsRoot = join(projectRoot, 'src', 'plugins');
const everyPlugin: readonly AnyPluginManifest[] = [...plugins, echoPlugin, shoutPlugin];

/** The base class a piece of each store must extend. */
const BASES: Record<string, { prototype: object; name: string }> = {
	commands: PluginCommand,
	listeners: PluginListener,
	'interaction-handlers': PluginInteractionHandler,
	'scheduled-tasks': PluginTask
};

/**
 * Constructs every exported piece class of a file the way Sapphire's loader would, without a running bot (commands
 * read the client's default options while constructing: a client with none stands in).
 */
async function loadPieces(path: string, store: string, name: string): Promise<Piece[]> {
	const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
	const pieces: Piece[] = [];
	(container as { client?: unknown }).client ??= { options: {} };
	for (const exported of Object.values(module)) {
		if (typeof exported !== 'function' || !(exported.prototype instanceof Piece)) continue;
		const Constructor = exported as new (context: unknown, options: unknown) => Piece;
		const storeObject = store === 'scheduled-tasks' ? new ScheduledTaskStore() : { name: store };
		pieces.push(new Constructor({ name, path, root: projectRoot, store: storeObject }, {}));
	}
	return pieces;
}

describe('plugin folders', () => {
	it('every folder of src/plugins is a plugin in the list of src/plugins/index.ts', () => {
		expect(PluginRegistry.findUnlistedPluginFolders(pluginsRoot, plugins)).toEqual([]);
	});

	it('the check names a folder that is not in the list', () => {
		const root = mkdtempSync(join(tmpdir(), 'plugins-'));
		try {
			mkdirSync(join(root, 'forgotten'));
			mkdirSync(join(root, 'listed'));
			const listed = { ...echoPlugin, name: 'listed', directory: join(root, 'listed') };
			expect(PluginRegistry.findUnlistedPluginFolders(root, [listed])).toEqual(['forgotten']);
		} finally {
			rmSync(root, { recursive: true, force: true });
		}
	});
});

describe.each(everyPlugin.map((plugin) => ({ plugin, title: plugin.name })))('pieces of $title', ({ plugin }) => {
	const files = listPieceFiles(plugin.directory, plugin.name).filter((file) => file.store in BASES);

	it('extend the plugin base class of their kind, naming this plugin', async () => {
		const problems: string[] = [];
		for (const file of files) {
			const pieces = await loadPieces(file.path, file.store, file.name);
			if (pieces.length === 0) problems.push(`${relative(projectRoot, file.path)} exports no piece`);
			for (const piece of pieces) {
				const base = BASES[file.store]!;
				if (!(piece instanceof (base as unknown as abstract new (...args: never[]) => object))) {
					problems.push(`${relative(projectRoot, file.path)}: ${piece.constructor.name} does not extend ${base.name}`);
				} else if ((piece as unknown as { pluginName: string }).pluginName !== plugin.name) {
					problems.push(`${relative(projectRoot, file.path)}: ${piece.constructor.name} declares plugin ${(piece as unknown as { pluginName: string }).pluginName}`);
				}
			}
		}
		expect(problems).toEqual([]);
	});

	it('tasks declare what happens when the plugin is off in the guild (run, defer or drop)', async () => {
		for (const file of files.filter((candidate) => candidate.store === 'scheduled-tasks')) {
			for (const piece of await loadPieces(file.path, file.store, file.name)) {
				expect(['run', 'defer', 'drop'], `${file.name}.whenDisabled`).toContain((piece as PluginTask<never, never>).whenDisabled);
			}
		}
	});
});

describe('user-facing text', () => {
	/** Literal text where a translation is expected: replies, embeds, components, modals. */
	const HARD_CODED = [
		/content:\s*['"`]/g,
		/\.set(?:Name|Description|Label|Title|Placeholder)\(\s*['"`]/g,
		/\.(?:reply|followUp|editReply|update)\(\s*['"`]/g,
		/\.set(?:Footer|Author)\(\s*\{\s*(?:text|name):\s*['"`]/g,
		/\.addFields\(\s*\{\s*name:\s*['"`]/g,
		/translatedUserError\(\s*`/g
	];

	const scan = (source: string) => HARD_CODED.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[0]));

	it('no plugin folder hard-codes user-facing text (it comes from locales/<locale>/<plugin>.json)', () => {
		const walk = (directory: string): string[] =>
			readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
				entry.isDirectory() ? walk(join(directory, entry.name)) : entry.name.endsWith('.ts') ? [join(directory, entry.name)] : []
			);
		const problems = everyPlugin.flatMap((plugin) =>
			walk(plugin.directory)
				.filter((file) => !file.includes(`${join(plugin.directory, 'scripts')}`))
				.flatMap((file) => scan(readFileSync(file, 'utf8')).map((match) => `${relative(projectRoot, file)}: ${match}`))
		);
		expect(problems).toEqual([]);
	});

	it('the scan catches literal replies, embed titles and button labels', () => {
		expect(scan(`await interaction.reply('Done!')`)).toHaveLength(1);
		expect(scan(`new EmbedBuilder().setTitle("Leaderboard")`)).toHaveLength(1);
		expect(scan(`new ButtonBuilder().setLabel(\`Next\`)`)).toHaveLength(1);
		expect(scan(`embed.addFields({ name: 'Level', value })`)).toHaveLength(1);
		expect(scan(`interaction.reply({ content: t('voice-xp:rank.bot') })`)).toHaveLength(0);
	});
});

describe('the guard of a plugin listener', () => {
	/** Runs PluginListener's guard with a stand-in listener: its plugin is on in guild "on" only. */
	function runGuard(options: { botWide: boolean }, ...args: unknown[]): { handled: unknown[][]; dropped: string[] } {
		const handled: unknown[][] = [];
		const dropped: string[] = [];
		const listener = {
			pluginName: 'echo',
			name: 'echoTest',
			botWide: options.botWide,
			handle: (...received: unknown[]) => handled.push(received),
			container: {
				settings: {
					peekPluginEnabled: (guildId: string) => guildId === 'on',
					isPluginEnabled: async (guildId: string) => guildId === 'on'
				},
				pluginHost: { onGuardDrop: (drop: { guildId: string }) => dropped.push(drop.guildId) }
			}
		};
		(PluginListener.prototype.run as (...runArgs: unknown[]) => unknown).call(listener, ...args);
		return { handled, dropped };
	}

	it('runs for events of a guild where the plugin is on, and drops the others', () => {
		expect(runGuard({ botWide: false }, { guildId: 'on' }).handled).toHaveLength(1);
		expect(runGuard({ botWide: false }, { guildId: 'off' })).toEqual({ handled: [], dropped: ['off'] });
		expect(runGuard({ botWide: false }, { d: { guild_id: 'on' } }).handled).toHaveLength(1);
	});

	it('does not run for an event whose guild cannot be resolved, unless the listener is bot-wide', () => {
		expect(runGuard({ botWide: false }, { id: 'a user' }).handled).toEqual([]);
		expect(runGuard({ botWide: true }, { id: 'a user' }).handled).toEqual([[{ id: 'a user' }]]);
		// Bot-wide listeners are still guarded for events of a guild.
		expect(runGuard({ botWide: true }, { guildId: 'off' }).handled).toEqual([]);
	});

	it('refuses, at load time, a listener that overrides the guarded run()', () => {
		class Sneaky extends PluginListener<'echo', 'ready'> {
			public override run(): void {}
			public handle(): void {}
		}
		expect(() => new Sneaky({ name: 'sneaky', path: '/x/sneaky.ts', root: '/x', store: { name: 'listeners' } } as never, { plugin: 'echo' })).toThrow(
			/Sneaky overrides run\(\) of PluginListener: implement handle\(\) instead/
		);
	});
});
