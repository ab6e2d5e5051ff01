import { isDeepStrictEqual } from 'node:util';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock.js';
import { deepFreeze } from './frozen.js';
import { noopLogger, type GuildSettingsSnapshot, type SettingsLogger } from './types.js';

/**
 * The copies of guilds' settings kept in front of PostgreSQL: one in this process's memory, one in Redis shared by
 * every process of the bot. Knows nothing of PostgreSQL or of other processes: the service tells it what to load
 * (src/lib/settings/GuildSettingsService.ts) and when its memory can no longer be trusted (the change bus,
 * src/lib/settings/SettingsChangeBus.ts, is up or down).
 *
 * Memory: how long a copy is kept depends on {@link MemoryMode}: `trusted` while this process hears every change
 * (`memoryTtlSeconds`), `outage` while it may miss changes (`outageMemoryTtlSeconds`, short: other processes' writes
 * are seen within that time, and PostgreSQL gets at most one read per guild per that time), `off` for no memory copies
 * at all. Every switch of mode drops all memory copies, and a load started before a switch or an invalidation is not
 * remembered (it may hold what the switch or invalidation was about).
 *
 * Redis: `<prefix>settings:<guildId>` holds `<version>|<snapshot JSON>` for `redisTtlSeconds`. It is only ever replaced
 * by a newer version (the Lua script {@link SET_IF_NEWER}), so a slow reader never overwrites a newer write. Every Redis
 * call fails fast while Redis is down (the client has no offline queue) and is then treated as a miss.
 *
 * Snapshots handed out are deeply frozen (src/lib/settings/frozen.ts): every caller shares them.
 */

/** How this process may keep memory copies; see {@link SettingsCache}. */
export type MemoryMode = 'trusted' | 'outage' | 'off';

/** Options of {@link SettingsCache}. */
export interface SettingsCacheOptions {
	/** Client for cache reads and writes (commands fail fast while Redis is down). Null: no Redis copies. */
	redis: Redis | null;
	/** Prefix of every Redis key of this bot, e.g. `bot:`. */
	keyPrefix: string;
	/** Seconds a copy lives in Redis. */
	redisTtlSeconds: number;
	/** Seconds a memory copy lives while the memory is trusted (`config/defaults.json` `settingsCache.memoryTtlSeconds`). */
	memoryTtlSeconds: number;
	/** Seconds a memory copy lives during an outage of the change bus (`settingsCache.outageMemoryTtlSeconds`). */
	outageMemoryTtlSeconds: number;
	/** Source of "now" for expiry (milliseconds). */
	clock: Clock;
	logger?: SettingsLogger;
}

/** A guild's copy in memory. */
export interface MemoryEntry {
	/** Deeply frozen. */
	snapshot: GuildSettingsSnapshot;
	/** Clock milliseconds after which the copy is read again. */
	expiresAt: number;
	/**
	 * Parsed, defaulted, frozen plugin configs of this snapshot, by plugin name (filled by the service). A new copy of
	 * the guild starts with the previous copy's configs whose stored values did not change (see
	 * {@link SettingsCache.remember}).
	 */
	parsedConfigs: Map<string, unknown>;
}

/**
 * Sets a cached copy only if it is newer than the cached one. KEYS[1] = key; ARGV = version, JSON, TTL seconds.
 * Values are stored as `<version>|<json>`, so a slow reader never overwrites a newer write.
 */
export const SET_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
	local separator = string.find(current, '|', 1, true)
	if separator and tonumber(string.sub(current, 1, separator - 1)) >= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'EX', ARGV[3])
return 1`;

/** Name of {@link SET_IF_NEWER} on the Redis client (`defineCommand`). */
const SET_IF_NEWER_COMMAND = 'botSettingsSetIfNewer';

/** See the file's comment. One per service (holds runtime state; never shared module-wide). */
export class SettingsCache {
	readonly #options: SettingsCacheOptions;
	readonly #logger: SettingsLogger;
	readonly #memory = new Map<string, MemoryEntry>();
	/**
	 * Per guild, the last memory copy dropped (invalidated by a change, or expired) until the guild's next copy is
	 * remembered, which takes over its parsed configs where they still apply. At most one a guild.
	 */
	readonly #retired = new Map<string, MemoryEntry>();
	/** Per guild, bumped by every invalidation: a load that started before one is not remembered. */
	readonly #generation = new Map<string, number>();
	readonly #inflight = new Map<string, Promise<GuildSettingsSnapshot>>();
	/** Bumped by every mode switch: a load that started before one is not remembered. */
	#epoch = 0;
	#mode: MemoryMode;

	/** @param mode the initial memory mode (default `off`). */
	public constructor(options: SettingsCacheOptions, mode: MemoryMode = 'off') {
		this.#options = options;
		this.#logger = options.logger ?? noopLogger;
		this.#mode = mode;
		options.redis?.defineCommand(SET_IF_NEWER_COMMAND, { numberOfKeys: 1, lua: SET_IF_NEWER });
	}

	/** Redis key of a guild's shared copy: `<prefix>settings:<guildId>`. */
	public cacheKey(guildId: string): string {
		return `${this.#options.keyPrefix}settings:${guildId}`;
	}

	/** The current memory mode. */
	public get mode(): MemoryMode {
		return this.#mode;
	}

	/**
	 * Switches the memory mode. Any switch (even to the same mode) drops every memory copy and every load in flight:
	 * the caller switches when copies may have missed a change (the change bus went down or came back).
	 */
	public setMode(mode: MemoryMode): void {
		this.#mode = mode;
		this.#epoch++;
		this.#memory.clear();
		this.#retired.clear();
		this.#inflight.clear();
	}

	/** The guild's memory copy if it has not expired (no I/O), else undefined. */
	public peek(guildId: string): MemoryEntry | undefined {
		if (this.#mode === 'off') return undefined;
		const entry = this.#memory.get(guildId);
		if (!entry) return undefined;
		if (entry.expiresAt <= this.#options.clock.now()) {
			this.#memory.delete(guildId);
			this.#retired.set(guildId, entry);
			return undefined;
		}
		return entry;
	}

	/**
	 * The guild's settings from memory, else Redis, else `readDatabase` (whose result is then written to Redis). One
	 * load per guild at a time: concurrent callers share it, so a guild costs PostgreSQL at most one read per memory TTL.
	 * @param readDatabase reads the guild's row; its errors reach the caller.
	 * @returns a frozen snapshot.
	 */
	public get(guildId: string, readDatabase: (guildId: string) => Promise<GuildSettingsSnapshot>): Promise<GuildSettingsSnapshot> {
		const entry = this.peek(guildId);
		if (entry) return Promise.resolve(entry.snapshot);
		const existing = this.#inflight.get(guildId);
		if (existing) return existing;
		const generation = this.#generation.get(guildId) ?? 0;
		const epoch = this.#epoch;
		const load = (async () => {
			let snapshot = await this.readShared(guildId);
			if (!snapshot) {
				snapshot = deepFreeze(await readDatabase(guildId));
				await this.storeShared(snapshot);
			}
			if ((this.#generation.get(guildId) ?? 0) === generation && this.#epoch === epoch) this.remember(snapshot);
			return snapshot;
		})().finally(() => {
			if (this.#inflight.get(guildId) === load) this.#inflight.delete(guildId);
		});
		this.#inflight.set(guildId, load);
		return load;
	}

	/**
	 * Keeps a copy in memory for the current mode's TTL (nothing in mode `off`). Freezes it. The configs parsed from the
	 * guild's previous copy (current, invalidated or expired) come along where the plugin's stored values are deeply
	 * equal in both: a plugin switched on or off, or another plugin's settings changed, leaves the other configs as they
	 * were parsed (the same frozen objects), instead of parsing and freezing each again (the automod's 1,000 words: a
	 * few milliseconds and about 700 KB of garbage a guild, by bench:automod's heap profile). Comparing costs a walk of
	 * the stored values, far less than the schema's parse.
	 */
	public remember(snapshot: GuildSettingsSnapshot): void {
		if (this.#mode === 'off') return;
		const ttlSeconds = this.#mode === 'trusted' ? this.#options.memoryTtlSeconds : this.#options.outageMemoryTtlSeconds;
		const previous = this.#memory.get(snapshot.guildId) ?? this.#retired.get(snapshot.guildId);
		this.#retired.delete(snapshot.guildId);
		const parsedConfigs = new Map<string, unknown>();
		if (previous) {
			for (const [plugin, config] of previous.parsedConfigs) {
				if (isDeepStrictEqual(previous.snapshot.pluginConfigs[plugin], snapshot.pluginConfigs[plugin])) parsedConfigs.set(plugin, config);
			}
		}
		this.#memory.set(snapshot.guildId, {
			snapshot: deepFreeze(snapshot),
			expiresAt: this.#options.clock.now() + ttlSeconds * 1_000,
			parsedConfigs
		});
	}

	/** Drops the guild's memory copy and any load of it in flight (the next read goes to Redis or PostgreSQL). */
	public invalidate(guildId: string): void {
		const entry = this.#memory.get(guildId);
		if (entry) this.#retired.set(guildId, entry);
		this.#memory.delete(guildId);
		this.#inflight.delete(guildId);
		this.#generation.set(guildId, (this.#generation.get(guildId) ?? 0) + 1);
	}

	/** Drops every memory copy (the mode stays). */
	public clear(): void {
		this.setMode(this.#mode);
	}

	/** The guild's Redis copy (frozen), or null when there is none or Redis cannot be reached (logged at debug). */
	public async readShared(guildId: string): Promise<GuildSettingsSnapshot | null> {
		const redis = this.#options.redis;
		if (!redis || redis.status !== 'ready') return null;
		try {
			const value = await redis.get(this.cacheKey(guildId));
			if (value === null) return null;
			return deepFreeze(JSON.parse(value.slice(value.indexOf('|') + 1)) as GuildSettingsSnapshot);
		} catch (error) {
			this.#logger.debug(`Settings cache read failed for guild ${guildId}, reading PostgreSQL:`, error);
			return null;
		}
	}

	/**
	 * Writes the copy to Redis unless Redis holds a newer (or the same) version.
	 * @returns false when Redis could not be reached (the copy there may now be stale).
	 */
	public async storeShared(snapshot: GuildSettingsSnapshot): Promise<boolean> {
		const redis = this.#options.redis;
		if (!redis || redis.status !== 'ready') return false;
		try {
			await (redis as Redis & Record<typeof SET_IF_NEWER_COMMAND, (...args: unknown[]) => Promise<number>>)[SET_IF_NEWER_COMMAND](
				this.cacheKey(snapshot.guildId),
				snapshot.version,
				JSON.stringify(snapshot),
				this.#options.redisTtlSeconds
			);
			return true;
		} catch (error) {
			this.#logger.debug(`Settings cache write failed for guild ${snapshot.guildId}:`, error);
			return false;
		}
	}

	/**
	 * Deletes the guild's Redis copy (one that may be stale: written to PostgreSQL while Redis was unreachable).
	 * @returns false when Redis could not be reached.
	 */
	public async deleteShared(guildId: string): Promise<boolean> {
		const redis = this.#options.redis;
		if (!redis || redis.status !== 'ready') return false;
		try {
			await redis.del(this.cacheKey(guildId));
			return true;
		} catch (error) {
			this.#logger.debug(`Settings cache delete failed for guild ${guildId}:`, error);
			return false;
		}
	}
}
