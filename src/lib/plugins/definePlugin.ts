import type { EntitySchema } from '@mikro-orm/core';
import type { GatewayIntentBits } from 'discord.js';
import type { z } from 'zod';
import { cacheNeedsProblems, type PluginCacheNeeds } from '../caches.js';
import type { PluginContext } from './context.js';
import type { PluginName } from './services.js';

/** Plugin names: kebab-case, starting with a letter (`voice-xp`). `core` is the core's own namespace. */
export const PLUGIN_NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Names a plugin may not take: namespaces the core uses itself. */
export const RESERVED_PLUGIN_NAMES: readonly string[] = ['core'];

/**
 * What a plugin tells the core about itself. One manifest per folder `src/plugins/<name>/index.ts`, listed once in
 * `src/plugins/index.ts`. The core registers the pieces found in the plugin's folder (`commands/`, `listeners/`,
 * `preconditions/`, `interaction-handlers/`, `arguments/`, `tasks/`), its entities and migrations (`migrations/`), its
 * translations, and enforces per-guild enablement for all of them. See docs/writing-a-plugin.md.
 */
export interface PluginManifest<TSchema extends z.ZodObject = z.ZodObject, TService = unknown, TDependencies extends PluginName = never> {
	/**
	 * Kebab-case, unique across plugins ({@link PLUGIN_NAME_PATTERN}). Also the plugin's i18n namespace:
	 * `locales/<locale>/<name>.json`, with at least `plugin.description` (one line shown by `/plugins list`).
	 * Stored in the database (enabled plugins, configs): renaming a plugin needs a migration.
	 */
	name: string;
	/**
	 * The per-guild configuration, validated with zod on every write. Every field has a default, so
	 * `configSchema.parse({})` is a full working config. Bot-wide default values may be set in `config/defaults.json`.
	 */
	configSchema: TSchema;
	/**
	 * Names of the plugins this one needs in the same guild (automod needs `moderation`: its punishments are
	 * moderation cases). A plugin counts as on in a guild only while every plugin it depends on is on there too;
	 * `/plugins enable` names a missing dependency and `/plugins disable` names the plugins that stop working.
	 * Every name must be in the plugin list, and dependencies may not form a cycle (checked at start-up).
	 */
	dependsOn?: readonly TDependencies[];
	/** The plugin's MikroORM entities (`defineEntity` results); their tables come from the plugin's `migrations/`. */
	entities: EntitySchema<any, any>[];
	/** Whether the plugin is on in a guild that never enabled or disabled it (`config/defaults.json` may override). */
	enabledByDefault: boolean;
	/** `import.meta.dirname` of the plugin's `index.ts`: the folder whose pieces, migrations and lib belong to it. */
	directory: string;
	/** Gateway intents the plugin needs (the core asks Discord for the union of the core's and every plugin's). */
	intents: GatewayIntentBits[];
	/** Bot permissions the plugin needs (`PermissionFlagsBits` values), added to the invite URL printed at start-up. */
	permissions: bigint[];
	/**
	 * What the plugin reads from discord.js's caches (src/lib/caches.ts); the client caches the union of every plugin's
	 * needs and nothing else (issue 12). Omitted: nothing beyond guilds, channels, roles and the bot's own member.
	 * `members`: `'voice'` (members in a voice channel and their voice states), `'messageAuthors'` (`message.member` as a
	 * message arrives), `'all'` (every member seen; costly at scale). `messages`: messages per channel read from
	 * `channel.messages.cache` (default 0). `partialMessages`: MESSAGE_UPDATE/MESSAGE_DELETE for messages not in the
	 * cache, as partials. A member the plugin needs that no rule keeps is fetched (`guild.members.fetch(id)`).
	 * See docs/writing-a-plugin.md, "What the plugin caches".
	 */
	caches?: PluginCacheNeeds;
	/**
	 * Folder holding `<locale>/<name>.json` for this plugin. Default: the bot's `locales/` folder. Meant for plugins
	 * that live outside `src/plugins` (test fixtures); the bot's own plugins keep their translations in `locales/`.
	 */
	localesDirectory?: string;
	/**
	 * Builds the plugin's service: its runtime state and public API, reachable from its pieces (`this.service`) and from
	 * plugins that depend on it (`ctx.dependency(name)`), typed through `PluginServices` (src/lib/plugins/services.ts).
	 * Called once per bot start, before login, after the setup of every plugin it depends on. `ctx` is everything the
	 * plugin may use (config, logger, metrics, database, Redis, clock, random source, task queue, translations).
	 * A plugin without runtime state may omit it (its service is then undefined).
	 * @throws whatever it throws stops the start-up (a plugin that cannot set up must not half-run).
	 */
	setup?(ctx: PluginContext<TSchema, TDependencies>): TService | Promise<TService>;
	/**
	 * Called once after every shard of this process is ready and the application commands are registered
	 * (rebuild state from the guild caches here). Errors are logged and do not stop the bot.
	 */
	onReady?(service: TService): Promise<void> | void;
	/**
	 * Called in every bot process when the plugin goes on or off in a guild (its own switch through `/plugins` in any
	 * process, or a plugin it depends on; delivered by Redis pub/sub, or directly in the writing process). Errors are
	 * logged. @param guildId the guild's snowflake. @param enabled the new state.
	 */
	onGuildToggle?(service: TService, guildId: string, enabled: boolean): Promise<void> | void;
	/**
	 * Flush what the plugin holds (open voice sessions, counters) and stop its timers. Called on SIGTERM/SIGINT after
	 * new work stopped and before the gateway closes, with the database, Redis and task queue still open. Must finish
	 * within 4 seconds (the whole shutdown has 10); it is abandoned after that and the loss is logged.
	 */
	onShutdown?(service: TService): Promise<void> | void;
	/**
	 * Called when the bot is dropped without a flush (`crash()` in tests: connections cut as if the process died).
	 * Stop timers and loops so nothing of this bot keeps running; write nothing.
	 */
	onCrash?(service: TService): void;
}

/** Any plugin's manifest, whatever its config schema, service and dependencies. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPluginManifest = PluginManifest<z.ZodObject, any, any>;

/** A plugin's full, validated config type (`z.infer` of its schema). */
export type PluginConfig<P extends AnyPluginManifest> = z.infer<P['configSchema']>;

/**
 * Declares a plugin. Checks the manifest at once so a broken plugin fails at import time, not in a guild.
 * @returns the same manifest, typed, for `src/plugins/index.ts`.
 * @throws TypeError when the name is not kebab-case or is reserved, when `configSchema.parse({})` fails (a field
 *   without a default), when `directory` is empty, or when `caches` names an unknown member need or a message count
 *   outside 0–1,000.
 */
export function definePlugin<T extends z.ZodObject, S = undefined, D extends PluginName = never>(
	manifest: PluginManifest<T, S, D>
): PluginManifest<T, S, D> {
	if (!PLUGIN_NAME_PATTERN.test(manifest.name)) {
		throw new TypeError(`Plugin name "${manifest.name}" must be kebab-case (like voice-xp)`);
	}
	if (RESERVED_PLUGIN_NAMES.includes(manifest.name)) throw new TypeError(`Plugin name "${manifest.name}" is reserved`);
	if (!manifest.directory) throw new TypeError(`Plugin "${manifest.name}" needs its directory (import.meta.dirname)`);
	const cacheProblems = cacheNeedsProblems(manifest.caches);
	if (cacheProblems.length) throw new TypeError(`Plugin "${manifest.name}": ${cacheProblems.join('; ')}`);
	const defaults = manifest.configSchema.safeParse({});
	if (!defaults.success) {
		throw new TypeError(
			`Plugin "${manifest.name}": configSchema.parse({}) must succeed (give every field a default): ${defaults.error.message}`
		);
	}
	return manifest;
}
