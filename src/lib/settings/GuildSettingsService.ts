import { LockMode } from '@mikro-orm/core';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { GuildSettings } from '../../entities/GuildSettings.js';
import type { Clock } from '../clock.js';
import type { BotOrm } from '../database.js';
import { describeZodIssues, translatedUserError, type ValidationProblem } from '../errors.js';
import type { AnyPluginManifest, PluginConfig } from '../plugins/definePlugin.js';
import type { PluginRegistry } from '../plugins/registry.js';
import { PluginEnablement } from './enablement.js';
import { deepFreeze, type DeepReadonly } from './frozen.js';
import { SettingsCache } from './SettingsCache.js';
import { SettingsChangeBus } from './SettingsChangeBus.js';
import { noopLogger, type GuildSettingsSnapshot, type PluginState, type PluginToggle, type SettingsLogger } from './types.js';

export type { DeepReadonly } from './frozen.js';
export type { GuildSettingsSnapshot, PluginToggle, SettingsLogger } from './types.js';

/** Default of `settingsCache.outageMemoryTtlSeconds` (src/lib/config.ts), for callers that do not pass it. */
export const DEFAULT_OUTAGE_MEMORY_TTL_SECONDS = 5;

/** Options of {@link GuildSettingsService}. */
export interface GuildSettingsServiceOptions {
	orm: BotOrm;
	/** Client for cache reads and writes, PUBLISH and the toggle stream (fails fast while Redis is down). Null: no Redis. */
	redis: Redis | null;
	/** A separate client for SUBSCRIBE (with an offline queue). Null: no cross-process changes and no memory copies. */
	subscriber: Redis | null;
	/** Prefix of every Redis key and channel of this bot, e.g. `bot:` (tests use a unique one). */
	keyPrefix: string;
	registry: PluginRegistry;
	/** Locales shipped in `locales/` and the one used when nothing else applies. */
	locales: { supported: readonly string[]; fallback: string };
	/** The guild's preferred locale (community guilds set it), used when the guild chose no language. */
	preferredLocaleOf?: (guildId: string) => string | null | undefined;
	/**
	 * Seconds settings live in Redis and in this process's memory (`config/defaults.json` `settingsCache`).
	 * `outageMemoryTtlSeconds` (default {@link DEFAULT_OUTAGE_MEMORY_TTL_SECONDS}): how long a memory copy lives while
	 * the change bus is down.
	 */
	cache: { redisTtlSeconds: number; memoryTtlSeconds: number; outageMemoryTtlSeconds?: number };
	/** Source of "now" for the memory TTLs (milliseconds). Default: a monotonic clock (`performance.now()`). */
	clock?: Clock;
	logger?: SettingsLogger;
}

/**
 * Fields to change in a plugin's config: values in the schema's input shape (read-only ones accepted, so a patch can
 * be built from a frozen config); a field set to `undefined` goes back to its default.
 */
export type PluginConfigPatch<P extends AnyPluginManifest> = {
	[K in keyof z.input<P['configSchema']>]?: DeepReadonly<z.input<P['configSchema']>[K]> | undefined;
};

/** What a write may change: a copy of the row's values. */
interface SettingsDraft {
	language: string | null;
	plugins: Record<string, boolean>;
	pluginConfigs: Record<string, Record<string, unknown>>;
}

/** `performance.now()` as milliseconds since the Unix epoch: never jumps with the wall clock. */
const monotonicClock: Clock = Object.freeze({ now: () => performance.timeOrigin + performance.now() });

/**
 * Per-guild settings (language, enabled plugins, plugin configs), available as `container.settings`.
 *
 * Reads go through the cache (src/lib/settings/SettingsCache.ts): this process's memory, then Redis, then PostgreSQL
 * (a guild without a row reads as all defaults). Writes lock the guild's row in PostgreSQL (`SELECT … FOR UPDATE`, so
 * writes to one guild are serialized across processes), then update the caches and announce the change to every
 * process over the change bus (src/lib/settings/SettingsChangeBus.ts), which also delivers plugin toggles.
 *
 * Enablement is *effective* (src/lib/settings/enablement.ts): a plugin is on in a guild only when its own switch is on
 * and so is the switch of every plugin it depends on (`dependsOn`). {@link isPluginSwitchedOn} answers the switch alone.
 *
 * Everything handed out (snapshots, configs) is deeply frozen and shared: mutating it throws a TypeError.
 *
 * Redis outage: while the change bus is down, memory copies live only `outageMemoryTtlSeconds` (other processes'
 * writes are seen within that time; PostgreSQL gets at most one read per guild per that time) and reads that miss
 * memory go to PostgreSQL. Writes still go to PostgreSQL; when Redis is back the other processes are told, including
 * the plugins toggled meanwhile (their listeners hear the final state). The bot keeps answering throughout.
 */
export class GuildSettingsService {
	/** Identifies this process on the change channel. */
	public readonly instanceId = randomUUID();
	readonly #options: GuildSettingsServiceOptions;
	readonly #logger: SettingsLogger;
	readonly #enablement: PluginEnablement;
	readonly #cache: SettingsCache;
	readonly #bus: SettingsChangeBus;
	#closed = false;

	public constructor(options: GuildSettingsServiceOptions) {
		this.#options = options;
		this.#logger = options.logger ?? noopLogger;
		this.#enablement = new PluginEnablement(options.registry);
		this.#cache = new SettingsCache(
			{
				redis: options.redis,
				keyPrefix: options.keyPrefix,
				redisTtlSeconds: options.cache.redisTtlSeconds,
				memoryTtlSeconds: options.cache.memoryTtlSeconds,
				outageMemoryTtlSeconds: options.cache.outageMemoryTtlSeconds ?? DEFAULT_OUTAGE_MEMORY_TTL_SECONDS,
				clock: options.clock ?? monotonicClock,
				logger: this.#logger
			},
			// Without a subscriber no process could tell this one about a change: keep no memory copies at all.
			options.subscriber ? 'outage' : 'off'
		);
		this.#bus = new SettingsChangeBus({
			redis: options.redis,
			subscriber: options.subscriber,
			keyPrefix: options.keyPrefix,
			instanceId: this.instanceId,
			logger: this.#logger,
			hooks: {
				onUp: () => {
					if (!this.#closed) this.#cache.setMode('trusted');
				},
				onDown: () => {
					if (!this.#closed) this.#cache.setMode('outage');
				},
				onRemoteChange: (guildId) => this.#cache.invalidate(guildId),
				resync: (guildId, plugins) => this.#resync(guildId, plugins)
			}
		});
	}

	/** Redis channel carrying change messages: `<prefix>settings:changes`. */
	public get channel(): string {
		return this.#bus.channel;
	}

	/** Redis key of a guild's cached copy: `<prefix>settings:<guildId>`. */
	public cacheKey(guildId: string): string {
		return this.#cache.cacheKey(guildId);
	}

	/**
	 * Whether this process hears every change now (subscribed to the change channel), so its memory copies live the full
	 * `memoryTtlSeconds`. False during a Redis outage (copies then live `outageMemoryTtlSeconds`), without a
	 * subscriber, and after {@link close}.
	 */
	public get memoryCacheActive(): boolean {
		return this.#bus.connected && !this.#closed;
	}

	/** Number of guilds changed here during a Redis outage that the other processes have not been told about yet. */
	public get pendingAnnouncements(): number {
		return this.#bus.pendingGuilds;
	}

	/**
	 * Subscribes to the change channel (in the background if Redis is down; again on every reconnect).
	 * Call once before use; reads work before it completes, with short-lived memory copies.
	 */
	public async start(): Promise<void> {
		await this.#bus.start();
	}

	/** Stops listening for changes and forgets the memory copies. Does not close the Redis clients. */
	public async close(): Promise<void> {
		this.#closed = true;
		this.#cache.setMode('off');
		await this.#bus.close();
	}

	/**
	 * Registers a function called in this process whenever a plugin's effective state changes in a guild, by a write in
	 * this process or another: the plugin switched on or off, and the plugins depending on it whose state changed with
	 * it (disabling `moderation` also reports `automod` off if automod's switch was on). Toggles are delivered one at
	 * a time in order; after a Redis outage a toggle may repeat a state already delivered (listeners must be
	 * idempotent). Errors it throws are logged. @returns a function that unregisters it.
	 */
	public onPluginToggle(listener: (toggle: PluginToggle) => void | Promise<void>): () => void {
		return this.#bus.onPluginToggle(listener);
	}

	/**
	 * The guild's stored settings (cached, deeply frozen). Never throws for a guild without a row: that reads as all
	 * defaults. @throws when PostgreSQL must be read and cannot be.
	 */
	public async get(guildId: string): Promise<GuildSettingsSnapshot> {
		return this.#cache.get(guildId, (id) => this.#readDatabase(id));
	}

	/** The guild's stored settings if this process holds an unexpired memory copy, else undefined (no I/O). */
	public peek(guildId: string): GuildSettingsSnapshot | undefined {
		return this.#cache.peek(guildId)?.snapshot;
	}

	/** The language the guild chose with `/language set` (a shipped locale), or null. */
	public async getChosenLanguage(guildId: string): Promise<string | null> {
		const { language } = await this.get(guildId);
		return language && this.#options.locales.supported.includes(language) ? language : null;
	}

	/**
	 * The language to answer a guild in: its `/language set` choice, else its preferred locale if shipped, else the
	 * default (`config/defaults.json` `defaultLocale`). Always a locale of `locales/`.
	 * @param preferredLocale the guild's preferred locale if the caller knows it (an interaction's `guildLocale`);
	 *   otherwise it is looked up in the guild cache.
	 */
	public async getLanguage(guildId: string, preferredLocale?: string | null): Promise<string> {
		return (await this.getChosenLanguage(guildId)) ?? this.fallbackLanguage(guildId, preferredLocale);
	}

	/** The language of a guild that chose none: its preferred locale if shipped, else the default. */
	public fallbackLanguage(guildId: string | null, preferredLocale?: string | null): string {
		const { supported, fallback } = this.#options.locales;
		const preferred = preferredLocale ?? (guildId ? this.#options.preferredLocaleOf?.(guildId) : null);
		return preferred && supported.includes(preferred) ? preferred : fallback;
	}

	/** The locales shipped in `locales/` (the only values {@link setLanguage} accepts). */
	public get supportedLanguages(): readonly string[] {
		return this.#options.locales.supported;
	}

	/**
	 * Whether the plugin is effectively on in the guild: its switch ({@link isPluginSwitchedOn}) is on and so is the
	 * switch of every plugin it depends on, transitively. False if not installed.
	 */
	public async isPluginEnabled(guildId: string, name: string): Promise<boolean> {
		if (!this.#options.registry.has(name)) return false;
		return this.#enablement.effective((await this.get(guildId)).plugins, name);
	}

	/**
	 * The plugin's own switch in the guild, dependencies aside (what `/plugins enable|disable` set): the guild's choice,
	 * else the bot-wide default. False if not installed.
	 */
	public async isPluginSwitchedOn(guildId: string, name: string): Promise<boolean> {
		if (!this.#options.registry.has(name)) return false;
		return this.#enablement.switchedOn((await this.get(guildId)).plugins, name);
	}

	/**
	 * Like {@link isPluginEnabled} but answers only from this process's memory copy, synchronously: undefined when there
	 * is none (then call the async version). Lets event guards keep events in order. Answers during a Redis outage too,
	 * from the short-lived copies.
	 */
	public peekPluginEnabled(guildId: string, name: string): boolean | undefined {
		if (!this.#options.registry.has(name)) return false;
		const snapshot = this.peek(guildId);
		return snapshot ? this.#enablement.effective(snapshot.plugins, name) : undefined;
	}

	/**
	 * Like {@link getPluginConfig} but answers only from this process's memory, synchronously: the config already parsed
	 * from the guild's unexpired memory copy, else undefined (then call the async version, which reads and parses it).
	 * For hot paths (every message), which then take no promise or microtask turn for a config they already have.
	 */
	public peekPluginConfig<P extends AnyPluginManifest>(guildId: string, plugin: P): DeepReadonly<PluginConfig<P>> | undefined {
		const entry = this.#cache.peek(guildId);
		return entry?.parsedConfigs.get(plugin.name) as DeepReadonly<PluginConfig<P>> | undefined;
	}

	/** Names of the installed plugins that are effectively on in the guild, in plugin-list order. */
	public async enabledPlugins(guildId: string): Promise<string[]> {
		return this.#enablement.enabledPlugins((await this.get(guildId)).plugins);
	}

	/**
	 * The plugin's full config in the guild: the guild's values over the bot-wide defaults over the schema defaults.
	 * Deeply frozen (shared by every caller). A stored value the schema no longer accepts (after a plugin update) is
	 * ignored and logged.
	 */
	public async getPluginConfig<P extends AnyPluginManifest>(guildId: string, plugin: P): Promise<DeepReadonly<PluginConfig<P>>> {
		const peeked = this.peekPluginConfig(guildId, plugin);
		if (peeked) return peeked;
		const snapshot = await this.get(guildId);
		const entry = this.#cache.peek(guildId);
		const memo = entry?.snapshot === snapshot ? entry.parsedConfigs : undefined;
		if (memo?.has(plugin.name)) return memo.get(plugin.name) as DeepReadonly<PluginConfig<P>>;
		const config = this.#parseStoredConfig(plugin, guildId, snapshot.pluginConfigs[plugin.name]);
		memo?.set(plugin.name, config);
		return config;
	}

	/**
	 * Changes some fields of the plugin's config in the guild. A field set to `undefined` goes back to its default.
	 * Validated against the plugin's schema as a whole; nothing changes when invalid.
	 * To change a field from its current value (add to a list), use {@link updatePluginConfig}: a patch computed from a
	 * config read before the write loses a concurrent change.
	 * @returns the new full config (deeply frozen).
	 * @throws UserError `core:errors.invalidConfig` (context: `plugin`, `problems` = {@link ValidationProblem}[]) when a
	 *   field is unknown or a value is rejected by the schema.
	 * @throws UserError `core:errors.unknownPlugin` when the plugin is not installed.
	 */
	public async setPluginConfig<P extends AnyPluginManifest>(
		guildId: string,
		plugin: P,
		patch: Partial<Record<keyof z.input<P['configSchema']> & string, unknown>>
	): Promise<DeepReadonly<PluginConfig<P>>> {
		this.#assertInstalled(plugin.name);
		let result: DeepReadonly<PluginConfig<P>> | undefined;
		await this.#write(guildId, (draft) => {
			result = this.#applyPatch(draft, plugin, patch);
		});
		return result!;
	}

	/**
	 * Atomic read-modify-write of the plugin's config in the guild. `fn` gets the current full config (as
	 * {@link getPluginConfig} would return it, read inside the write's transaction while the guild's row is locked, so
	 * no other write to the guild can happen in between, in any process) and returns the fields to change, like
	 * {@link setPluginConfig}'s patch, or `undefined` to change nothing. Two concurrent updates (e.g. each adding a
	 * channel to a list) both survive.
	 *
	 * `fn` must be synchronous and quick (the row stays locked while it runs). It may throw, e.g. a
	 * `translatedUserError(...)` (src/lib/errors.ts) to refuse the change: nothing changes and the error reaches the
	 * caller.
	 * @returns the new full config (deeply frozen); the current one when `fn` returned `undefined`.
	 * @throws whatever `fn` throws.
	 * @throws UserError `core:errors.invalidConfig` (context: `plugin`, `problems`) when the result is invalid, exactly
	 *   as {@link setPluginConfig}.
	 * @throws UserError `core:errors.unknownPlugin` when the plugin is not installed.
	 */
	public async updatePluginConfig<P extends AnyPluginManifest>(
		guildId: string,
		plugin: P,
		fn: (current: DeepReadonly<PluginConfig<P>>) => PluginConfigPatch<P> | undefined
	): Promise<DeepReadonly<PluginConfig<P>>> {
		this.#assertInstalled(plugin.name);
		let result: DeepReadonly<PluginConfig<P>> | undefined;
		await this.#write(guildId, (draft) => {
			const current = this.#parseStoredConfig(plugin, guildId, draft.pluginConfigs[plugin.name]);
			const patch = fn(current);
			if (patch === undefined) {
				result = current;
				return false;
			}
			result = this.#applyPatch(draft, plugin, patch as Partial<Record<string, unknown>>);
			return true;
		});
		return result!;
	}

	/**
	 * Switches a plugin on or off in a guild (its own switch; see {@link isPluginSwitchedOn}); every process learns it at
	 * once, and {@link onPluginToggle} listeners hear every plugin whose effective state changed with it.
	 * @returns whether the switch changed (false if it already was in that state).
	 * @throws UserError `core:errors.unknownPlugin` (context: `plugin`) when no such plugin is installed.
	 */
	public async setPluginEnabled(guildId: string, name: string, enabled: boolean): Promise<boolean> {
		this.#assertInstalled(name);
		let changed = false;
		await this.#write(
			guildId,
			(draft) => {
				changed = this.#enablement.switchedOn(draft.plugins, name) !== enabled;
				draft.plugins = { ...draft.plugins, [name]: enabled };
			},
			[name]
		);
		return changed;
	}

	/**
	 * Sets the guild's language, or clears it (null) to follow the guild's preferred locale.
	 * @throws UserError `core:errors.unknownLanguage` (context: `language`, `supported`) for a locale not shipped.
	 */
	public async setLanguage(guildId: string, language: string | null): Promise<void> {
		const { supported } = this.#options.locales;
		if (language !== null && !supported.includes(language)) {
			throw translatedUserError('core:errors.unknownLanguage', { language, supported: supported.join(', ') });
		}
		await this.#write(guildId, (draft) => {
			draft.language = language;
		});
	}

	/** Forgets this process's memory copy of a guild (the next read goes to Redis or PostgreSQL). */
	public invalidate(guildId: string): void {
		this.#cache.invalidate(guildId);
	}

	#assertInstalled(name: string): void {
		if (!this.#options.registry.has(name)) throw translatedUserError('core:errors.unknownPlugin', { plugin: name });
	}

	/**
	 * Applies a patch to the draft's stored values of the plugin and validates the result as a whole.
	 * @returns the new full config, frozen.
	 * @throws UserError `core:errors.invalidConfig` for an unknown field or a value the schema rejects.
	 */
	#applyPatch<P extends AnyPluginManifest>(draft: SettingsDraft, plugin: P, patch: Partial<Record<string, unknown>>): DeepReadonly<PluginConfig<P>> {
		const known = new Set(Object.keys(plugin.configSchema.shape));
		const unknown = Object.keys(patch).filter((key) => !known.has(key));
		if (unknown.length) {
			throw translatedUserError('core:errors.invalidConfig', {
				plugin: plugin.name,
				problems: unknown.map((field): ValidationProblem => ({ field, code: 'unknown_field', params: {} }))
			});
		}
		const next: Record<string, unknown> = { ...(draft.pluginConfigs[plugin.name] ?? {}) };
		for (const [key, value] of Object.entries(patch)) {
			if (value === undefined) delete next[key];
			else next[key] = value;
		}
		const parsed = plugin.configSchema.safeParse({ ...this.#options.registry.botDefaults(plugin.name), ...next });
		if (!parsed.success) {
			throw translatedUserError('core:errors.invalidConfig', { plugin: plugin.name, problems: describeZodIssues(parsed.error.issues) });
		}
		draft.pluginConfigs = { ...draft.pluginConfigs, [plugin.name]: structuredClone(next) };
		return deepFreeze(parsed.data as PluginConfig<P>);
	}

	/** The full config from a guild's stored values (dropping, with a warning, fields the schema now rejects), frozen. */
	#parseStoredConfig<P extends AnyPluginManifest>(
		plugin: P,
		guildId: string,
		storedValues: Readonly<Record<string, unknown>> | undefined
	): DeepReadonly<PluginConfig<P>> {
		const defaults = this.#options.registry.botDefaults(plugin.name);
		const stored: Record<string, unknown> = { ...(storedValues ?? {}) };
		for (let attempt = 0; attempt < 100; attempt++) {
			const parsed = plugin.configSchema.safeParse({ ...defaults, ...stored });
			if (parsed.success) return deepFreeze(parsed.data as PluginConfig<P>);
			const bad = new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')).filter((key) => key in stored));
			if (!bad.size) break;
			this.#logger.warn(`Guild ${guildId}: ignoring stored ${plugin.name} config field(s) ${[...bad].join(', ')} that the schema rejects`);
			for (const key of bad) delete stored[key];
		}
		return deepFreeze(plugin.configSchema.parse(defaults) as PluginConfig<P>);
	}

	/** Reads the guild's row (one PostgreSQL query); all defaults (version 0) when it has none. */
	async #readDatabase(guildId: string): Promise<GuildSettingsSnapshot> {
		const row = await this.#options.orm.em.fork().findOne(GuildSettings, { guildId });
		if (!row) return { guildId, version: 0, language: null, plugins: {}, pluginConfigs: {} };
		return {
			guildId,
			version: row.version,
			language: row.language ?? null,
			plugins: structuredClone(row.plugins),
			pluginConfigs: structuredClone(row.pluginConfigs)
		};
	}

	/**
	 * For the change bus, before it announces a guild changed during an outage: drops the guild's Redis copy (it may be
	 * stale) and reads the current effective state of the given plugins from PostgreSQL.
	 * @throws when Redis or PostgreSQL cannot be reached (the bus retries later).
	 */
	async #resync(guildId: string, plugins: readonly string[]): Promise<{ version: number; toggles: PluginState[] }> {
		if (!(await this.#cache.deleteShared(guildId))) throw new Error('Redis unreachable');
		this.#cache.invalidate(guildId);
		if (!plugins.length) return { version: Number.MAX_SAFE_INTEGER, toggles: [] };
		const snapshot = await this.#readDatabase(guildId);
		const toggles = plugins
			.filter((plugin) => this.#options.registry.has(plugin))
			.map((plugin) => ({ plugin, enabled: this.#enablement.effective(snapshot.plugins, plugin) }));
		return { version: snapshot.version, toggles };
	}

	/**
	 * Runs `mutate` on a copy of the guild's row (created if missing) inside a transaction holding the row lock
	 * (PESSIMISTIC_WRITE), saves it, then updates the caches and announces the change with the plugins whose effective
	 * state changed. An error thrown by `mutate` rolls everything back and is rethrown. `mutate` returning `false`
	 * means "nothing to change": nothing is saved or announced.
	 * @param first plugins to list first among the toggles (the one switched by hand).
	 */
	async #write(guildId: string, mutate: (draft: SettingsDraft) => boolean | void, first: readonly string[] = []): Promise<void> {
		const em = this.#options.orm.em.fork();
		const written = await em.transactional(async (tx) => {
			await tx.execute(
				`insert into "guild_settings" ("guild_id", "language", "plugins", "plugin_configs", "version", "created_at", "updated_at") values (?, null, '{}', '{}', 1, now(), now()) on conflict ("guild_id") do nothing`,
				[guildId],
				'run'
			);
			const row = await tx.findOneOrFail(GuildSettings, { guildId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
			const before = structuredClone(row.plugins);
			const draft: SettingsDraft = {
				language: row.language ?? null,
				plugins: structuredClone(row.plugins),
				pluginConfigs: structuredClone(row.pluginConfigs)
			};
			if (mutate(draft) === false) return null;
			row.language = draft.language;
			row.plugins = draft.plugins;
			row.pluginConfigs = draft.pluginConfigs;
			await tx.flush();
			const snapshot: GuildSettingsSnapshot = {
				guildId,
				version: row.version,
				language: draft.language,
				plugins: structuredClone(draft.plugins),
				pluginConfigs: structuredClone(draft.pluginConfigs)
			};
			return { snapshot, toggles: this.#enablement.changes(before, draft.plugins, first) };
		});
		if (!written) return;
		const { snapshot, toggles } = written;
		this.#cache.invalidate(guildId);
		this.#cache.remember(snapshot);
		const stored = await this.#cache.storeShared(snapshot);
		await this.#bus.announce({ guildId, version: snapshot.version, toggles }, { sharedCopyStale: !stored });
	}
}
