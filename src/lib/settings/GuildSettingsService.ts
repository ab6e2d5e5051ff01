import { LockMode } from '@mikro-orm/core';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { z } from 'zod';
import { GuildSettings } from '../../entities/GuildSettings.js';
import type { BotOrm } from '../database.js';
import { describeZodIssues, translatedUserError, type ValidationProblem } from '../errors.js';
import type { AnyPluginManifest, PluginConfig } from '../plugins/definePlugin.js';
import type { PluginRegistry } from '../plugins/registry.js';

/** A guild's settings as stored: what the guild chose itself. Defaults are applied when reading through the service. */
export interface GuildSettingsSnapshot {
	guildId: string;
	/** Incremented by every write; 0 for a guild without a row (all defaults). */
	version: number;
	/** Locale chosen with `/language set`, or null. */
	language: string | null;
	/** Plugins the guild switched on or off itself. */
	plugins: Readonly<Record<string, boolean>>;
	/** Config values the guild set, per plugin (validated on write). */
	pluginConfigs: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** A plugin switched on or off in a guild (delivered in every process). */
export interface PluginToggle {
	guildId: string;
	plugin: string;
	enabled: boolean;
}

/** The minimal logger the service writes to. */
export interface SettingsLogger {
	debug(...values: unknown[]): void;
	info(...values: unknown[]): void;
	warn(...values: unknown[]): void;
	error(...values: unknown[]): void;
}

/** Options of {@link GuildSettingsService}. */
export interface GuildSettingsServiceOptions {
	orm: BotOrm;
	/** Client for cache reads and writes and PUBLISH (fails fast while Redis is down). Null: no Redis at all. */
	redis: Redis | null;
	/** A separate client for SUBSCRIBE. Null: no cross-process invalidation (and no in-memory cache). */
	subscriber: Redis | null;
	/** Prefix of every Redis key and channel of this bot, e.g. `bot:` (tests use a unique one). */
	keyPrefix: string;
	registry: PluginRegistry;
	/** Locales shipped in `locales/` and the one used when nothing else applies. */
	locales: { supported: readonly string[]; fallback: string };
	/** The guild's preferred locale (community guilds set it), used when the guild chose no language. */
	preferredLocaleOf?: (guildId: string) => string | null | undefined;
	/** Seconds settings live in Redis and in this process's memory. */
	cache: { redisTtlSeconds: number; memoryTtlSeconds: number };
	logger?: SettingsLogger;
}

interface MemoryEntry {
	snapshot: GuildSettingsSnapshot;
	/** `performance.now()` milliseconds after which the entry is read again. */
	expiresAt: number;
	/** Parsed, defaulted plugin configs of this snapshot. */
	parsedConfigs: Map<string, unknown>;
}

interface ChangeMessage {
	guildId: string;
	version: number;
	origin: string;
	toggle?: { plugin: string; enabled: boolean };
}

/**
 * Sets a cached copy only if it is newer than the cached one. KEYS[1] = key; ARGV = version, JSON, TTL seconds.
 * Values are stored as `<version>|<json>`, so a slow reader never overwrites a newer write.
 */
const SET_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
	local separator = string.find(current, '|', 1, true)
	if separator and tonumber(string.sub(current, 1, separator - 1)) >= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'EX', ARGV[3])
return 1`;

const noopLogger: SettingsLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Per-guild settings (language, enabled plugins, plugin configs), available as `container.settings`.
 *
 * Reads: this process's memory, then Redis, then PostgreSQL (a guild without a row reads as all defaults).
 * Writes: PostgreSQL (row locked, so writes to one guild are serialized across processes), then the new copy to
 * Redis, then a message on the Redis channel `<prefix>settings:changes` that drops the memory copy in every process.
 *
 * Redis down: reads fall back to PostgreSQL and the memory copy is not trusted (invalidations could be missed) until
 * the subscriber is back, when memory is cleared; guilds written meanwhile get their Redis copy dropped and an
 * invalidation sent on reconnect. The bot keeps answering throughout.
 */
export class GuildSettingsService {
	/** Identifies this process on the change channel. */
	public readonly instanceId = randomUUID();
	readonly #options: GuildSettingsServiceOptions;
	readonly #logger: SettingsLogger;
	readonly #memory = new Map<string, MemoryEntry>();
	readonly #generation = new Map<string, number>();
	readonly #inflight = new Map<string, Promise<GuildSettingsSnapshot>>();
	readonly #toggleListeners = new Set<(toggle: PluginToggle) => void | Promise<void>>();
	/** Guilds written while Redis was unreachable: their Redis copy is dropped and announced on reconnect. */
	readonly #dirty = new Set<string>();
	#epoch = 0;
	#subscribed = false;
	#closed = false;
	readonly #onMessage = (channel: string, message: string) => this.#handleMessage(channel, message);
	readonly #onSubscriberReady = () => void this.#subscriberUp();
	readonly #onSubscriberDown = () => this.#subscriberDown();

	public constructor(options: GuildSettingsServiceOptions) {
		this.#options = options;
		this.#logger = options.logger ?? noopLogger;
		options.redis?.defineCommand('botSettingsSetIfNewer', { numberOfKeys: 1, lua: SET_IF_NEWER });
	}

	/** Redis channel carrying change messages. */
	public get channel(): string {
		return `${this.#options.keyPrefix}settings:changes`;
	}

	/** Redis key of a guild's cached copy. */
	public cacheKey(guildId: string): string {
		return `${this.#options.keyPrefix}settings:${guildId}`;
	}

	/** Whether this process currently trusts its memory copies (subscribed to the change channel). */
	public get memoryCacheActive(): boolean {
		return this.#subscribed && !this.#closed;
	}

	/**
	 * Subscribes to the change channel (in the background if Redis is down; retried on every reconnect).
	 * Call once before use; reads work before it completes, without the memory cache.
	 */
	public async start(): Promise<void> {
		const subscriber = this.#options.subscriber;
		if (!subscriber) return;
		subscriber.on('message', this.#onMessage);
		subscriber.on('ready', this.#onSubscriberReady);
		subscriber.on('close', this.#onSubscriberDown);
		subscriber.on('error', this.#onSubscriberDown);
		if (subscriber.status === 'ready') await this.#subscriberUp();
	}

	/** Stops listening for changes and forgets the memory copies. Does not close the Redis clients. */
	public async close(): Promise<void> {
		this.#closed = true;
		this.#subscribed = false;
		this.#memory.clear();
		const subscriber = this.#options.subscriber;
		if (!subscriber) return;
		subscriber.off('message', this.#onMessage);
		subscriber.off('ready', this.#onSubscriberReady);
		subscriber.off('close', this.#onSubscriberDown);
		subscriber.off('error', this.#onSubscriberDown);
		if (subscriber.status === 'ready') await subscriber.unsubscribe(this.channel).catch(() => undefined);
	}

	/**
	 * Registers a function called in this process whenever a plugin is switched on or off in a guild, by this process
	 * or another. Errors it throws are logged. @returns a function that unregisters it.
	 */
	public onPluginToggle(listener: (toggle: PluginToggle) => void | Promise<void>): () => void {
		this.#toggleListeners.add(listener);
		return () => this.#toggleListeners.delete(listener);
	}

	/** The guild's stored settings (cached). Never throws for a guild without a row: that reads as all defaults. */
	public async get(guildId: string): Promise<GuildSettingsSnapshot> {
		const entry = this.#validEntry(guildId);
		if (entry) return entry.snapshot;
		return this.#load(guildId);
	}

	/** The guild's stored settings if this process holds a trusted copy in memory, else undefined (no I/O). */
	public peek(guildId: string): GuildSettingsSnapshot | undefined {
		return this.#validEntry(guildId)?.snapshot;
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

	/** Whether the plugin is on in the guild: the guild's own choice, else the bot-wide default. False if not installed. */
	public async isPluginEnabled(guildId: string, name: string): Promise<boolean> {
		if (!this.#options.registry.has(name)) return false;
		return this.#enabledIn(await this.get(guildId), name);
	}

	/**
	 * Like {@link isPluginEnabled} but answers only from this process's trusted memory copy, synchronously:
	 * undefined when there is none (then call the async version). Lets event guards keep events in order.
	 */
	public peekPluginEnabled(guildId: string, name: string): boolean | undefined {
		if (!this.#options.registry.has(name)) return false;
		const snapshot = this.peek(guildId);
		return snapshot ? this.#enabledIn(snapshot, name) : undefined;
	}

	/** Names of the installed plugins that are on in the guild, in plugin-list order. */
	public async enabledPlugins(guildId: string): Promise<string[]> {
		const snapshot = await this.get(guildId);
		return this.#options.registry.names.filter((name) => this.#enabledIn(snapshot, name));
	}

	/**
	 * The plugin's full config in the guild: the guild's values over the bot-wide defaults over the schema defaults.
	 * A stored value the schema no longer accepts (after a plugin update) is ignored and logged.
	 */
	public async getPluginConfig<P extends AnyPluginManifest>(guildId: string, plugin: P): Promise<PluginConfig<P>> {
		const snapshot = await this.get(guildId);
		const entry = this.#validEntry(guildId);
		const memo = entry?.snapshot === snapshot ? entry.parsedConfigs : undefined;
		if (memo?.has(plugin.name)) return memo.get(plugin.name) as PluginConfig<P>;
		const config = this.#parseStoredConfig(plugin, snapshot);
		memo?.set(plugin.name, config);
		return config;
	}

	/**
	 * Changes some fields of the plugin's config in the guild. A field set to `undefined` goes back to its default.
	 * Validated against the plugin's schema as a whole; nothing changes when invalid.
	 * @returns the new full config.
	 * @throws UserError `core:errors.invalidConfig` (context: `plugin`, `problems` = {@link ValidationProblem}[]) when a
	 *   field is unknown or a value is rejected by the schema.
	 */
	public async setPluginConfig<P extends AnyPluginManifest>(
		guildId: string,
		plugin: P,
		patch: Partial<Record<keyof z.input<P['configSchema']> & string, unknown>>
	): Promise<PluginConfig<P>> {
		this.#assertInstalled(plugin.name);
		const known = new Set(Object.keys(plugin.configSchema.shape));
		const unknown = Object.keys(patch).filter((key) => !known.has(key));
		if (unknown.length) {
			throw translatedUserError('core:errors.invalidConfig', {
				plugin: plugin.name,
				problems: unknown.map((field): ValidationProblem => ({ field, code: 'unknown_field', params: {} }))
			});
		}
		let result: PluginConfig<P> | undefined;
		await this.#write(guildId, (row) => {
			const next: Record<string, unknown> = { ...(row.pluginConfigs[plugin.name] ?? {}) };
			for (const [key, value] of Object.entries(patch)) {
				if (value === undefined) delete next[key];
				else next[key] = value;
			}
			const parsed = plugin.configSchema.safeParse({ ...this.#options.registry.botDefaults(plugin.name), ...next });
			if (!parsed.success) {
				throw translatedUserError('core:errors.invalidConfig', { plugin: plugin.name, problems: describeZodIssues(parsed.error.issues) });
			}
			result = parsed.data as PluginConfig<P>;
			row.pluginConfigs = { ...row.pluginConfigs, [plugin.name]: next };
		});
		return result!;
	}

	/**
	 * Switches a plugin on or off in a guild; every process learns it at once.
	 * @returns whether anything changed (false if it already was in that state).
	 * @throws UserError `core:errors.unknownPlugin` (context: `plugin`) when no such plugin is installed.
	 */
	public async setPluginEnabled(guildId: string, name: string, enabled: boolean): Promise<boolean> {
		this.#assertInstalled(name);
		let changed = false;
		await this.#write(
			guildId,
			(row) => {
				const before = row.plugins[name] ?? this.#options.registry.isEnabledByDefault(name);
				changed = before !== enabled;
				row.plugins = { ...row.plugins, [name]: enabled };
			},
			() => (changed ? { plugin: name, enabled } : undefined)
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
		await this.#write(guildId, (row) => {
			row.language = language;
		});
	}

	/** Forgets this process's memory copy of a guild (the next read goes to Redis or PostgreSQL). */
	public invalidate(guildId: string): void {
		this.#memory.delete(guildId);
		this.#inflight.delete(guildId);
		this.#generation.set(guildId, (this.#generation.get(guildId) ?? 0) + 1);
	}

	#assertInstalled(name: string): void {
		if (!this.#options.registry.has(name)) throw translatedUserError('core:errors.unknownPlugin', { plugin: name });
	}

	#enabledIn(snapshot: GuildSettingsSnapshot, name: string): boolean {
		return snapshot.plugins[name] ?? this.#options.registry.isEnabledByDefault(name);
	}

	#parseStoredConfig<P extends AnyPluginManifest>(plugin: P, snapshot: GuildSettingsSnapshot): PluginConfig<P> {
		const defaults = this.#options.registry.botDefaults(plugin.name);
		const stored: Record<string, unknown> = { ...(snapshot.pluginConfigs[plugin.name] ?? {}) };
		for (let attempt = 0; attempt < 100; attempt++) {
			const parsed = plugin.configSchema.safeParse({ ...defaults, ...stored });
			if (parsed.success) return parsed.data as PluginConfig<P>;
			const bad = new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')).filter((key) => key in stored));
			if (!bad.size) break;
			this.#logger.warn(
				`Guild ${snapshot.guildId}: ignoring stored ${plugin.name} config field(s) ${[...bad].join(', ')} that the schema rejects`
			);
			for (const key of bad) delete stored[key];
		}
		return plugin.configSchema.parse(defaults) as PluginConfig<P>;
	}

	#validEntry(guildId: string): MemoryEntry | undefined {
		if (!this.memoryCacheActive) return undefined;
		const entry = this.#memory.get(guildId);
		if (!entry) return undefined;
		if (entry.expiresAt <= performance.now()) {
			this.#memory.delete(guildId);
			return undefined;
		}
		return entry;
	}

	#remember(snapshot: GuildSettingsSnapshot): void {
		if (!this.memoryCacheActive) return;
		this.#memory.set(snapshot.guildId, {
			snapshot,
			expiresAt: performance.now() + this.#options.cache.memoryTtlSeconds * 1_000,
			parsedConfigs: new Map()
		});
	}

	#load(guildId: string): Promise<GuildSettingsSnapshot> {
		const existing = this.#inflight.get(guildId);
		if (existing) return existing;
		const generation = this.#generation.get(guildId) ?? 0;
		const epoch = this.#epoch;
		const load = (async () => {
			const snapshot = (await this.#readRedis(guildId)) ?? (await this.#readDatabase(guildId));
			if ((this.#generation.get(guildId) ?? 0) === generation && this.#epoch === epoch) this.#remember(snapshot);
			return snapshot;
		})().finally(() => {
			if (this.#inflight.get(guildId) === load) this.#inflight.delete(guildId);
		});
		this.#inflight.set(guildId, load);
		return load;
	}

	async #readRedis(guildId: string): Promise<GuildSettingsSnapshot | null> {
		const redis = this.#options.redis;
		if (!redis || redis.status !== 'ready') return null;
		try {
			const value = await redis.get(this.cacheKey(guildId));
			if (value === null) return null;
			const separator = value.indexOf('|');
			return JSON.parse(value.slice(separator + 1)) as GuildSettingsSnapshot;
		} catch (error) {
			this.#logger.debug(`Settings cache read failed for guild ${guildId}, reading PostgreSQL:`, error);
			return null;
		}
	}

	async #readDatabase(guildId: string): Promise<GuildSettingsSnapshot> {
		const row = await this.#options.orm.em.fork().findOne(GuildSettings, { guildId });
		const snapshot: GuildSettingsSnapshot = row
			? {
					guildId,
					version: row.version,
					language: row.language ?? null,
					plugins: row.plugins,
					pluginConfigs: row.pluginConfigs
				}
			: { guildId, version: 0, language: null, plugins: {}, pluginConfigs: {} };
		await this.#storeInRedis(snapshot);
		return snapshot;
	}

	/** Writes the copy to Redis if newer than the one there. @returns false when Redis could not be reached. */
	async #storeInRedis(snapshot: GuildSettingsSnapshot): Promise<boolean> {
		const redis = this.#options.redis;
		if (!redis || redis.status !== 'ready') return false;
		try {
			await (redis as Redis & { botSettingsSetIfNewer(...args: unknown[]): Promise<number> }).botSettingsSetIfNewer(
				this.cacheKey(snapshot.guildId),
				snapshot.version,
				JSON.stringify(snapshot),
				this.#options.cache.redisTtlSeconds
			);
			return true;
		} catch (error) {
			this.#logger.debug(`Settings cache write failed for guild ${snapshot.guildId}:`, error);
			return false;
		}
	}

	/**
	 * Runs `mutate` on the guild's row (created if missing) inside a transaction holding the row lock, then updates the
	 * caches and tells every process. An error thrown by `mutate` rolls everything back and is rethrown.
	 */
	async #write(
		guildId: string,
		mutate: (row: { language: string | null; plugins: Record<string, boolean>; pluginConfigs: Record<string, Record<string, unknown>> }) => void,
		toggle?: () => { plugin: string; enabled: boolean } | undefined
	): Promise<GuildSettingsSnapshot> {
		const em = this.#options.orm.em.fork();
		const snapshot = await em.transactional(async (tx) => {
			await tx.execute(
				`insert into "guild_settings" ("guild_id", "language", "plugins", "plugin_configs", "version", "created_at", "updated_at") values (?, null, '{}', '{}', 1, now(), now()) on conflict ("guild_id") do nothing`,
				[guildId],
				'run'
			);
			const row = await tx.findOneOrFail(GuildSettings, { guildId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
			const draft = {
				language: row.language ?? null,
				plugins: { ...row.plugins },
				pluginConfigs: { ...row.pluginConfigs }
			};
			mutate(draft);
			row.language = draft.language;
			row.plugins = draft.plugins;
			row.pluginConfigs = draft.pluginConfigs;
			await tx.flush();
			return {
				guildId,
				version: row.version,
				language: row.language ?? null,
				plugins: row.plugins,
				pluginConfigs: row.pluginConfigs
			} satisfies GuildSettingsSnapshot;
		});
		const toggled = toggle?.();
		this.invalidate(guildId);
		this.#remember(snapshot);
		const stored = await this.#storeInRedis(snapshot);
		const published = await this.#publish({ guildId, version: snapshot.version, origin: this.instanceId, ...(toggled ? { toggle: toggled } : {}) });
		if (!stored || !published) {
			this.#dirty.add(guildId);
			this.#logger.warn(`Redis unreachable while guild ${guildId}'s settings changed: other processes read PostgreSQL until it is back`);
		}
		if (toggled) await this.#emitToggle({ guildId, ...toggled });
		return snapshot;
	}

	async #publish(message: ChangeMessage): Promise<boolean> {
		const redis = this.#options.redis;
		if (!redis || redis.status !== 'ready') return false;
		try {
			await redis.publish(this.channel, JSON.stringify(message));
			return true;
		} catch (error) {
			this.#logger.debug('Settings change could not be published:', error);
			return false;
		}
	}

	#handleMessage(channel: string, raw: string): void {
		if (channel !== this.channel) return;
		let message: ChangeMessage;
		try {
			message = JSON.parse(raw) as ChangeMessage;
		} catch {
			this.#logger.warn(`Ignoring a malformed settings change message: ${raw.slice(0, 200)}`);
			return;
		}
		if (message.origin === this.instanceId || typeof message.guildId !== 'string') return;
		this.invalidate(message.guildId);
		if (message.toggle) void this.#emitToggle({ guildId: message.guildId, ...message.toggle });
	}

	async #emitToggle(toggle: PluginToggle): Promise<void> {
		for (const listener of this.#toggleListeners) {
			try {
				await listener(toggle);
			} catch (error) {
				this.#logger.error(`A plugin toggle handler failed (${toggle.plugin} in guild ${toggle.guildId}):`, error);
			}
		}
	}

	async #subscriberUp(): Promise<void> {
		const subscriber = this.#options.subscriber;
		if (!subscriber || this.#closed) return;
		try {
			await subscriber.subscribe(this.channel);
		} catch (error) {
			this.#logger.warn('Could not subscribe to settings changes; reading without the memory cache:', error);
			return;
		}
		this.#epoch++;
		this.#memory.clear();
		this.#subscribed = true;
		for (const guildId of [...this.#dirty]) {
			const redis = this.#options.redis;
			try {
				await redis?.del(this.cacheKey(guildId));
				if (await this.#publish({ guildId, version: Number.MAX_SAFE_INTEGER, origin: this.instanceId })) this.#dirty.delete(guildId);
			} catch {
				break;
			}
		}
	}

	#subscriberDown(): void {
		if (this.#subscribed) this.#logger.warn('Settings change channel lost: reading settings from Redis/PostgreSQL until it is back');
		this.#subscribed = false;
		this.#epoch++;
		this.#memory.clear();
		this.#inflight.clear();
	}
}
