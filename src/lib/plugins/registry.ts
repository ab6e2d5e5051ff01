import { GatewayIntentBits } from 'discord.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, relative, sep } from 'node:path';
import { cachePolicyOf, type CachePolicy } from '../caches.js';
import type { BotConfig } from '../config.js';
import { coreSourceDirectory } from '../paths.js';
import { PLUGIN_NAME_PATTERN, RESERVED_PLUGIN_NAMES, type AnyPluginManifest } from './definePlugin.js';

/** Gateway intents the core itself needs: guilds (cache of guilds, channels, roles, preferred locale). */
export const CORE_INTENTS: readonly GatewayIntentBits[] = [GatewayIntentBits.Guilds];

/**
 * Bot permissions the core itself needs in the invite link: none. Slash commands and their replies work without
 * channel permissions (interaction responses are webhooks); plugins add what they need.
 */
export const CORE_PERMISSIONS: readonly bigint[] = [];

/**
 * Folders of a plugin (or of the core) that hold pieces, and the Sapphire store each belongs to. `tasks/` holds
 * scheduled tasks (store `scheduled-tasks`).
 */
export const PIECE_FOLDERS: Readonly<Record<string, string>> = {
	commands: 'commands',
	listeners: 'listeners',
	preconditions: 'preconditions',
	'interaction-handlers': 'interaction-handlers',
	arguments: 'arguments',
	tasks: 'scheduled-tasks'
};

/** A piece file found on disk: its store, its name (the file name, as Sapphire names pieces) and path. */
export interface PieceFile {
	store: string;
	name: string;
	path: string;
	/** Plugin name, or `core`. */
	owner: string;
}

const PIECE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);

function walkFiles(directory: string): string[] {
	if (!existsSync(directory)) return [];
	const files: string[] = [];
	for (const entry of readdirSync(directory)) {
		const full = join(directory, entry);
		if (statSync(full).isDirectory()) files.push(...walkFiles(full));
		else files.push(full);
	}
	return files;
}

/**
 * Lists the piece files of a folder the way Sapphire's loader sees them: every file under `commands/`, `listeners/`,
 * ... (recursively) with a loadable extension, skipping `.d.ts`, `.map` and names starting with `_`.
 * @param baseDirectory the core's `src/` (or `dist/`) or a plugin's directory.
 */
export function listPieceFiles(baseDirectory: string, owner: string): PieceFile[] {
	const pieces: PieceFile[] = [];
	for (const [folder, store] of Object.entries(PIECE_FOLDERS)) {
		for (const path of walkFiles(join(baseDirectory, folder))) {
			const extension = extname(path);
			if (!PIECE_EXTENSIONS.has(extension) || path.endsWith('.d.ts')) continue;
			const name = basename(path, extension);
			if (name === '' || name.startsWith('_')) continue;
			pieces.push({ store, name, path, owner });
		}
	}
	return pieces;
}

/** Thrown when the plugin list or the bot config is inconsistent; the message names every problem. */
export class PluginRegistryError extends Error {
	public constructor(public readonly problems: readonly string[]) {
		super(`Invalid plugin setup:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
		this.name = 'PluginRegistryError';
	}
}

/**
 * The plugins of this bot (from `src/plugins/index.ts`, or a test's list) and the bot-wide defaults that apply to
 * them. Available as `container.plugins`. Everything the core knows of a plugin goes through here.
 */
export class PluginRegistry {
	readonly #plugins: Map<string, AnyPluginManifest>;
	readonly #config: BotConfig;

	/**
	 * @throws PluginRegistryError when names are not unique or not kebab-case, a directory is shared, a piece name is
	 *   used twice (Sapphire would silently keep only one), or `config/defaults.json` gives a plugin a config its schema
	 *   rejects.
	 */
	public constructor(plugins: readonly AnyPluginManifest[], config: BotConfig, options: { coreDirectory?: string } = {}) {
		const problems: string[] = [];
		this.#plugins = new Map();
		for (const plugin of plugins) {
			if (!PLUGIN_NAME_PATTERN.test(plugin.name) || RESERVED_PLUGIN_NAMES.includes(plugin.name)) {
				problems.push(`plugin name "${plugin.name}" must be kebab-case and not reserved`);
			}
			if (this.#plugins.has(plugin.name)) problems.push(`two plugins are named "${plugin.name}"`);
			this.#plugins.set(plugin.name, plugin);
		}
		const directories = new Map<string, string>();
		for (const plugin of plugins) {
			const other = directories.get(plugin.directory);
			if (other && other !== plugin.name) problems.push(`plugins "${other}" and "${plugin.name}" share ${plugin.directory}`);
			directories.set(plugin.directory, plugin.name);
		}
		for (const plugin of plugins) {
			for (const dependency of plugin.dependsOn ?? []) {
				if (dependency === plugin.name) problems.push(`plugin "${plugin.name}" depends on itself`);
				else if (!this.#plugins.has(dependency)) problems.push(`plugin "${plugin.name}" depends on "${dependency}", which is not in the plugin list`);
			}
		}
		const cycle = findDependencyCycle(plugins);
		if (cycle) problems.push(`plugin dependencies form a cycle: ${cycle.join(' -> ')}`);
		this.#config = config;
		for (const [name, defaults] of Object.entries(config.plugins)) {
			const plugin = this.#plugins.get(name);
			if (!plugin) continue;
			const parsed = plugin.configSchema.safeParse(defaults.config);
			if (!parsed.success) problems.push(`config/defaults.json: plugins.${name}.config is invalid: ${parsed.error.message}`);
		}
		problems.push(...PluginRegistry.findDuplicatePieces(options.coreDirectory ?? coreSourceDirectory, plugins));
		if (problems.length) throw new PluginRegistryError(problems);
	}

	/**
	 * Piece names used more than once in one store across the core and the plugins, as readable problems.
	 * Sapphire names a piece after its file and silently keeps only the last one loaded.
	 */
	public static findDuplicatePieces(coreDirectory: string, plugins: readonly AnyPluginManifest[]): string[] {
		const all = [
			...listPieceFiles(coreDirectory, 'core'),
			...plugins.flatMap((plugin) => listPieceFiles(plugin.directory, plugin.name))
		];
		const byKey = new Map<string, PieceFile[]>();
		for (const piece of all) {
			const key = `${piece.store}/${piece.name}`;
			byKey.set(key, [...(byKey.get(key) ?? []), piece]);
		}
		return [...byKey.entries()]
			.filter(([, pieces]) => pieces.length > 1)
			.map(
				([key, pieces]) =>
					`piece ${key} is defined ${pieces.length} times (${pieces.map((piece) => `${piece.owner}: ${relative(process.cwd(), piece.path)}`).join(', ')})`
			);
	}

	/**
	 * Folders under `pluginsRoot` (the bot's `src/plugins/`) that are no listed plugin's directory: a plugin folder
	 * someone forgot to add to `src/plugins/index.ts`, whose pieces would never load. Files (index.ts) are ignored.
	 * @returns the folder names, sorted.
	 */
	public static findUnlistedPluginFolders(pluginsRoot: string, plugins: readonly AnyPluginManifest[]): string[] {
		const listed = new Set(plugins.map((plugin) => relative(pluginsRoot, plugin.directory)));
		return readdirSync(pluginsRoot, { withFileTypes: true })
			.filter((entry) => entry.isDirectory() && !listed.has(entry.name))
			.map((entry) => entry.name)
			.sort();
	}

	/** Every plugin, in list order. */
	public get list(): readonly AnyPluginManifest[] {
		return [...this.#plugins.values()];
	}

	/** Plugin names, in list order. */
	public get names(): string[] {
		return [...this.#plugins.keys()];
	}

	/** The plugin of that name, or undefined. */
	public get(name: string): AnyPluginManifest | undefined {
		return this.#plugins.get(name);
	}

	/** Whether a plugin of that name is installed. */
	public has(name: string): boolean {
		return this.#plugins.has(name);
	}

	/** Whether the plugin is on in a guild that never chose: `config/defaults.json`, else the manifest. */
	public isEnabledByDefault(name: string): boolean {
		const plugin = this.#plugins.get(name);
		if (!plugin) return false;
		return this.#config.plugins[name]?.enabled ?? plugin.enabledByDefault;
	}

	/** Bot-wide default config values of a plugin (`config/defaults.json`), before a guild's own values. */
	public botDefaults(name: string): Record<string, unknown> {
		return this.#config.plugins[name]?.config ?? {};
	}

	/**
	 * The plugin a piece or file belongs to: the one whose directory contains `path`. Null for the core's own.
	 * @param path absolute path of a piece file (Sapphire's `piece.location.full`).
	 */
	public pluginOfPath(path: string): AnyPluginManifest | null {
		for (const plugin of this.#plugins.values()) {
			const inside = relative(plugin.directory, path);
			if (inside && !inside.startsWith('..') && !inside.startsWith(sep) && inside !== path) return plugin;
		}
		return null;
	}

	/** The plugins `name` needs (its `dependsOn`, and theirs), nearest first, without duplicates. */
	public dependenciesOf(name: string): string[] {
		const out: string[] = [];
		const visit = (current: string) => {
			for (const dependency of this.#plugins.get(current)?.dependsOn ?? []) {
				if (out.includes(dependency) || dependency === name) continue;
				out.push(dependency);
				visit(dependency);
			}
		};
		visit(name);
		return out;
	}

	/** The plugins that need `name` (directly or through another plugin), in list order. */
	public dependentsOf(name: string): string[] {
		return this.names.filter((candidate) => candidate !== name && this.dependenciesOf(candidate).includes(name));
	}

	/** The union of the core's and every plugin's gateway intents. */
	public intents(): GatewayIntentBits[] {
		return [...new Set([...CORE_INTENTS, ...this.list.flatMap((plugin) => plugin.intents)])].sort((a, b) => a - b);
	}

	/** What the client caches: the union of every plugin's declared cache needs (src/lib/caches.ts). */
	public cachePolicy(): CachePolicy {
		return cachePolicyOf(this.list);
	}

	/** The bot permissions the core and every plugin need, as one bit field (for the invite URL). */
	public permissions(): bigint {
		return [...CORE_PERMISSIONS, ...this.list.flatMap((plugin) => plugin.permissions)].reduce((all, bit) => all | bit, 0n);
	}
}

/** A dependency cycle among the plugins (`a -> b -> a`), or null when there is none. */
export function findDependencyCycle(plugins: readonly Pick<AnyPluginManifest, 'name' | 'dependsOn'>[]): string[] | null {
	const byName = new Map(plugins.map((plugin) => [plugin.name, plugin]));
	const state = new Map<string, 'visiting' | 'done'>();
	const path: string[] = [];
	const visit = (name: string): string[] | null => {
		if (state.get(name) === 'done') return null;
		if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
		state.set(name, 'visiting');
		path.push(name);
		for (const dependency of byName.get(name)?.dependsOn ?? []) {
			if (!byName.has(dependency) || dependency === name) continue;
			const cycle = visit(dependency);
			if (cycle) return cycle;
		}
		path.pop();
		state.set(name, 'done');
		return null;
	};
	for (const plugin of plugins) {
		const cycle = visit(plugin.name);
		if (cycle) return cycle;
	}
	return null;
}

/**
 * The invite link of the bot: the `bot` and `applications.commands` scopes with the given permissions.
 * Discord's OAuth2 URL format: https://discord.com/developers/docs/topics/oauth2#bot-authorization-flow
 */
export function inviteUrl(applicationId: string, permissions: bigint): string {
	const params = new URLSearchParams({
		client_id: applicationId,
		scope: 'bot applications.commands',
		permissions: permissions.toString()
	});
	return `https://discord.com/oauth2/authorize?${params.toString().replaceAll('+', '%20')}`;
}
