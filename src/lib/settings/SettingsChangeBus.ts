import type { Redis } from 'ioredis';
import { noopLogger, type PluginState, type PluginToggle, type SettingsLogger } from './types.js';

/**
 * Tells every process of the bot that a guild's settings changed, over Redis, and delivers plugin toggles to the
 * listeners of this process (GuildSettingsService.onPluginToggle). Knows nothing of PostgreSQL or of the cache: the
 * service (src/lib/settings/GuildSettingsService.ts) reacts through {@link ChangeBusHooks}.
 *
 * Transport:
 * - Every change is PUBLISHed on `<prefix>settings:changes` as a JSON {@link ChangeMessage}; every other process drops
 *   its memory copy of the guild.
 * - A change that toggles plugins is also appended to the Redis stream `<prefix>settings:toggles` (capped at
 *   {@link TOGGLE_STREAM_LENGTH} entries, kept {@link TOGGLE_STREAM_TTL_MS} after the last one), in the same Lua call as
 *   the PUBLISH. Pub/sub delivers only to processes subscribed at that moment; a process whose subscription was down
 *   reads the toggles it missed from the stream when it is back ("catch-up"), so its listeners still hear them.
 *   Each stream entry is delivered once per process (its id is remembered).
 *
 * Outage (Redis unreachable, or this process's subscription lost):
 * - The bus is down ({@link connected} false) until the subscriber is ready and subscribed again; the service keeps
 *   short-lived memory copies meanwhile.
 * - A change this process could not announce (PUBLISH failed) or whose Redis copy could not be written is kept as
 *   pending, with the plugins it toggled. When Redis is back the bus asks the service to resync the guild (drop its
 *   Redis copy, read the plugins' current state in PostgreSQL) and announces it: an invalidation plus, for each
 *   toggled plugin, its current effective state (the final state per guild and plugin, whichever process wrote last).
 *   So a plugin disabled during an outage is heard as disabled by every process's listeners once Redis is back.
 *
 * Toggles are delivered to the listeners of this process one at a time, in the order this process learnt them.
 * After an outage a listener may hear a state it already had: listeners must be idempotent.
 */

/** Most entries kept in the toggle stream (approximately: Redis trims whole blocks). */
export const TOGGLE_STREAM_LENGTH = 1_000;
/** Milliseconds the toggle stream is kept after its last entry (a process down longer than this misses toggles). */
export const TOGGLE_STREAM_TTL_MS = 24 * 60 * 60 * 1_000;
/** Entries read per XRANGE call of a catch-up. */
const CATCH_UP_PAGE = 200;
/** Stream entry ids remembered as delivered (more than the stream holds, so a catch-up never delivers one twice). */
const SEEN_ENTRIES = 4 * TOGGLE_STREAM_LENGTH;

/**
 * Appends a change to the toggle stream and publishes it with the new entry's id, atomically.
 * KEYS[1] = stream; ARGV = message JSON (an object), channel, max length, TTL in milliseconds. Returns the entry id.
 */
export const APPEND_AND_PUBLISH = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', 'm', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', ARGV[2], string.sub(ARGV[1], 1, -2) .. ',"entryId":"' .. id .. '"}')
return id`;

/** Name of {@link APPEND_AND_PUBLISH} on the Redis client (`defineCommand`). */
const APPEND_AND_PUBLISH_COMMAND = 'botSettingsAppendAndPublish';

/** What travels on the change channel (and, for toggles, in the stream). */
export interface ChangeMessage {
	guildId: string;
	/** The row's version after the change (`Number.MAX_SAFE_INTEGER` when unknown). */
	version: number;
	/** {@link SettingsChangeBus.instanceId} of the writer: a process ignores its own messages. */
	origin: string;
	/** Plugins whose effective state changed, with the new state. */
	toggles?: PluginState[];
	/** One toggled plugin (messages of versions before `toggles`; still understood). */
	toggle?: PluginState;
	/** Id of the toggle stream entry carrying the same message (set by {@link APPEND_AND_PUBLISH}). */
	entryId?: string;
}

/** A change to announce. */
export interface SettingsChange {
	guildId: string;
	version: number;
	/** Plugins whose effective state changed, with the new state (empty when none). */
	toggles: readonly PluginState[];
}

/** How the bus tells its owner (the service) what happens. */
export interface ChangeBusHooks {
	/** The bus is up: this process hears every change from now on (memory copies may have missed some before). */
	onUp(): void;
	/** The bus went down: changes by other processes may be missed until {@link onUp}. */
	onDown(): void;
	/** Another process changed the guild's settings (drop local copies). */
	onRemoteChange(guildId: string): void;
	/**
	 * A guild changed here while Redis was unreachable is about to be announced: bring its Redis copy up to date and
	 * return the current version and the current effective state of the given plugins.
	 * @throws when that cannot be done now (Redis or PostgreSQL unreachable); the guild stays pending and is retried.
	 */
	resync(guildId: string, plugins: readonly string[]): Promise<{ version: number; toggles: PluginState[] }>;
}

/** Options of {@link SettingsChangeBus}. */
export interface SettingsChangeBusOptions {
	/** Client for PUBLISH and the stream (fails fast while Redis is down). Null: nothing is announced. */
	redis: Redis | null;
	/** A separate client for SUBSCRIBE (with an offline queue). Null: the bus is never up. */
	subscriber: Redis | null;
	/** Prefix of every Redis key and channel of this bot, e.g. `bot:`. */
	keyPrefix: string;
	/** Identifies this process in messages. */
	instanceId: string;
	hooks: ChangeBusHooks;
	logger?: SettingsLogger;
}

type AppendAndPublish = (stream: string, message: string, channel: string, maxLength: number, ttlMs: number) => Promise<string>;

/** Compares two stream entry ids (`<ms>-<seq>`). */
function compareEntryIds(a: string, b: string): number {
	const [aMs = 0n, aSeq = 0n] = a.split('-').map((part) => BigInt(part));
	const [bMs = 0n, bSeq = 0n] = b.split('-').map((part) => BigInt(part));
	if (aMs !== bMs) return aMs < bMs ? -1 : 1;
	return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1;
}

/** See the file's comment. One per service. */
export class SettingsChangeBus {
	readonly #options: SettingsChangeBusOptions;
	readonly #logger: SettingsLogger;
	readonly #listeners = new Set<(toggle: PluginToggle) => void | Promise<void>>();
	/** Guilds changed here that other processes have not been told about, with the plugins toggled meanwhile. */
	readonly #pending = new Map<string, Set<string>>();
	/** Stream entry ids already delivered, oldest first. */
	readonly #seen = new Set<string>();
	/** Last stream entry id this process has read up to; null until the first catch-up. */
	#cursor: string | null = null;
	#subscribed = false;
	#caughtUp = false;
	#closed = false;
	/** Deliveries to the listeners, one after another. */
	#deliveries: Promise<void> = Promise.resolve();
	/** The recovery running now (catch-up and pending announcements), and whether another one was asked meanwhile. */
	#recovery: Promise<void> | null = null;
	#recoverAgain = false;
	readonly #onMessage = (channel: string, message: string) => this.#handleMessage(channel, message);
	readonly #onSubscriberReady = () => void this.#subscriberUp();
	readonly #onSubscriberDown = () => this.#subscriberDown();
	/** An 'error' of a connection that is still ready (a failed command) is not an outage; a lost one is followed by 'close'. */
	readonly #onSubscriberError = () => {
		if (this.#options.subscriber?.status !== 'ready') this.#subscriberDown();
	};
	readonly #onRedisReady = () => void this.#recover();

	public constructor(options: SettingsChangeBusOptions) {
		this.#options = options;
		this.#logger = options.logger ?? noopLogger;
		options.redis?.defineCommand(APPEND_AND_PUBLISH_COMMAND, { numberOfKeys: 1, lua: APPEND_AND_PUBLISH });
	}

	/** Redis channel carrying change messages: `<prefix>settings:changes`. */
	public get channel(): string {
		return `${this.#options.keyPrefix}settings:changes`;
	}

	/** Redis stream holding the recent toggles: `<prefix>settings:toggles`. */
	public get streamKey(): string {
		return `${this.#options.keyPrefix}settings:toggles`;
	}

	/** Whether this process hears every change now (subscribed to the change channel, not closed). */
	public get connected(): boolean {
		return this.#subscribed && !this.#closed;
	}

	/** Number of guilds changed here during an outage whose change the other processes have not been told yet. */
	public get pendingGuilds(): number {
		return this.#pending.size;
	}

	/** Subscribes now if the subscriber is ready, and again on every reconnect of it. */
	public async start(): Promise<void> {
		const { subscriber, redis } = this.#options;
		if (!subscriber || this.#closed) return;
		subscriber.on('message', this.#onMessage);
		subscriber.on('ready', this.#onSubscriberReady);
		subscriber.on('close', this.#onSubscriberDown);
		subscriber.on('error', this.#onSubscriberError);
		redis?.on('ready', this.#onRedisReady);
		if (subscriber.status === 'ready') await this.#subscriberUp();
	}

	/** Stops listening (unsubscribes if it can). Pending announcements are dropped. Does not close the clients. */
	public async close(): Promise<void> {
		this.#closed = true;
		this.#subscribed = false;
		const { subscriber, redis } = this.#options;
		redis?.off('ready', this.#onRedisReady);
		if (!subscriber) return;
		subscriber.off('message', this.#onMessage);
		subscriber.off('ready', this.#onSubscriberReady);
		subscriber.off('close', this.#onSubscriberDown);
		subscriber.off('error', this.#onSubscriberError);
		if (subscriber.status === 'ready') await subscriber.unsubscribe(this.channel).catch(() => undefined);
	}

	/**
	 * Registers a function called in this process for every plugin toggle, by this process or another. Errors it
	 * throws are logged. @returns a function that unregisters it.
	 */
	public onPluginToggle(listener: (toggle: PluginToggle) => void | Promise<void>): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/**
	 * Tells every other process about a change made here, then delivers its toggles to this process's listeners.
	 * When Redis cannot be reached the change is kept and announced when it is back (see the file's comment).
	 * @param options.sharedCopyStale the guild's Redis copy could not be updated: it is dropped when Redis is back.
	 * @returns once this process's listeners have run (other processes hear it asynchronously).
	 */
	public async announce(change: SettingsChange, options: { sharedCopyStale?: boolean } = {}): Promise<void> {
		if (!this.#options.redis) return this.#deliver(change.guildId, change.toggles); // no Redis configured: no other process to tell
		const published = await this.#publish({
			guildId: change.guildId,
			version: change.version,
			origin: this.#options.instanceId,
			...(change.toggles.length ? { toggles: [...change.toggles] } : {})
		});
		if (!published || options.sharedCopyStale) {
			const plugins = this.#pending.get(change.guildId) ?? new Set<string>();
			if (!published) for (const toggle of change.toggles) plugins.add(toggle.plugin);
			this.#pending.set(change.guildId, plugins);
			this.#logger.warn(
				`Redis unreachable while guild ${change.guildId}'s settings changed: other processes are told when it is back (meanwhile they see it within their outage memory TTL)`
			);
		}
		// Redis answers: finish a recovery that an earlier failure interrupted (missed toggles, pending announcements).
		else if (this.connected && (this.#pending.size || !this.#caughtUp)) void this.#recover();
		await this.#deliver(change.guildId, change.toggles);
	}

	/** PUBLISHes a message (through the stream when it toggles plugins). @returns false when Redis could not be reached. */
	async #publish(message: ChangeMessage): Promise<boolean> {
		const redis = this.#options.redis;
		if (!redis || redis.status !== 'ready' || this.#closed) return false;
		try {
			if (message.toggles?.length) {
				await (redis as unknown as Record<typeof APPEND_AND_PUBLISH_COMMAND, AppendAndPublish>)[APPEND_AND_PUBLISH_COMMAND](
					this.streamKey,
					JSON.stringify(message),
					this.channel,
					TOGGLE_STREAM_LENGTH,
					TOGGLE_STREAM_TTL_MS
				);
			} else {
				await redis.publish(this.channel, JSON.stringify(message));
			}
			return true;
		} catch (error) {
			this.#logger.debug('Settings change could not be published:', error);
			return false;
		}
	}

	/** Queues the toggles for this process's listeners, after every delivery queued before. */
	#deliver(guildId: string, toggles: readonly PluginState[]): Promise<void> {
		if (!toggles.length) return this.#deliveries;
		this.#deliveries = this.#deliveries.then(async () => {
			for (const state of toggles) {
				const toggle: PluginToggle = { guildId, plugin: state.plugin, enabled: state.enabled };
				for (const listener of this.#listeners) {
					try {
						await listener(toggle);
					} catch (error) {
						this.#logger.error(`A plugin toggle handler failed (${toggle.plugin} in guild ${guildId}):`, error);
					}
				}
			}
		});
		return this.#deliveries;
	}

	/** Parses a message; null (logged) when malformed. */
	#parse(raw: string): ChangeMessage | null {
		try {
			const message = JSON.parse(raw) as ChangeMessage;
			if (message && typeof message.guildId === 'string') return message;
		} catch {
			// logged below
		}
		this.#logger.warn(`Ignoring a malformed settings change message: ${raw.slice(0, 200)}`);
		return null;
	}

	/** Handles a message from another process: drops local copies, delivers its toggles (once per stream entry). */
	#receive(message: ChangeMessage, entryId: string | undefined): void {
		if (message.origin === this.#options.instanceId) return;
		if (entryId !== undefined) {
			if (this.#seen.has(entryId)) return;
			this.#seen.add(entryId);
			if (this.#seen.size > SEEN_ENTRIES) this.#seen.delete(this.#seen.values().next().value as string);
			// Once caught up, pub/sub brings every later entry in order, so the cursor may follow it.
			if (this.#caughtUp && this.#cursor !== null && compareEntryIds(entryId, this.#cursor) > 0) this.#cursor = entryId;
		}
		this.#options.hooks.onRemoteChange(message.guildId);
		const toggles = Array.isArray(message.toggles) ? message.toggles : message.toggle ? [message.toggle] : [];
		void this.#deliver(message.guildId, toggles.filter((toggle) => typeof toggle?.plugin === 'string' && typeof toggle.enabled === 'boolean'));
	}

	#handleMessage(channel: string, raw: string): void {
		if (channel !== this.channel || this.#closed) return;
		const message = this.#parse(raw);
		if (message) this.#receive(message, typeof message.entryId === 'string' ? message.entryId : undefined);
	}

	async #subscriberUp(): Promise<void> {
		const subscriber = this.#options.subscriber;
		if (!subscriber || this.#closed) return;
		try {
			await subscriber.subscribe(this.channel);
		} catch (error) {
			this.#logger.warn('Could not subscribe to settings changes; memory copies stay short-lived:', error);
			return;
		}
		if (this.#closed) return;
		const wasUp = this.#subscribed;
		this.#subscribed = true;
		if (!wasUp) this.#options.hooks.onUp();
		await this.#recover();
	}

	#subscriberDown(): void {
		if (!this.#subscribed) return;
		this.#logger.warn('Settings change channel lost: memory copies of settings are short-lived until it is back');
		this.#subscribed = false;
		this.#caughtUp = false;
		this.#options.hooks.onDown();
	}

	/**
	 * Catches up on the toggles missed while down, then announces the changes made here during the outage. Runs once at
	 * a time; asked again while running, it runs once more after. Needs both the subscription and the Redis client.
	 */
	#recover(): Promise<void> {
		if (this.#recovery) {
			this.#recoverAgain = true;
			return this.#recovery;
		}
		this.#recovery = (async () => {
			do {
				this.#recoverAgain = false;
				if (!this.connected || this.#options.redis?.status !== 'ready') break;
				try {
					if (!this.#caughtUp) {
						await this.#catchUp();
						this.#caughtUp = true;
					}
					await this.#announcePending();
				} catch (error) {
					this.#logger.debug('Settings change recovery interrupted (retried when Redis is back):', error);
				}
			} while (this.#recoverAgain);
		})().finally(() => {
			this.#recovery = null;
		});
		return this.#recovery;
	}

	/** Reads the toggle stream after {@link #cursor} (on the first run: only notes where it ends). */
	async #catchUp(): Promise<void> {
		const redis = this.#options.redis!;
		if (this.#cursor === null) {
			const [last] = await redis.xrevrange(this.streamKey, '+', '-', 'COUNT', 1);
			this.#cursor = last?.[0] ?? '0-0';
			return;
		}
		let cursor: string = this.#cursor;
		for (;;) {
			const entries: [id: string, fields: string[]][] = await redis.xrange(this.streamKey, `(${cursor}`, '+', 'COUNT', CATCH_UP_PAGE);
			for (const [id, fields] of entries) {
				const raw = fields[fields.indexOf('m') + 1];
				const message = raw === undefined ? null : this.#parse(raw);
				if (message) this.#receive(message, id);
				if (compareEntryIds(id, cursor) > 0) cursor = id;
			}
			this.#cursor = cursor;
			if (entries.length < CATCH_UP_PAGE) return;
		}
	}

	/**
	 * Announces every pending guild (resynced first). A guild is taken out of the pending list while it is announced;
	 * on failure it goes back (with any change made meanwhile) and the rest waits for the next recovery.
	 */
	async #announcePending(): Promise<void> {
		for (const [guildId, plugins] of [...this.#pending]) {
			this.#pending.delete(guildId);
			try {
				const { version, toggles } = await this.#options.hooks.resync(guildId, [...plugins]);
				if (!(await this.#publish({ guildId, version, origin: this.#options.instanceId, toggles }))) throw new Error('Redis unreachable');
				const states = toggles.map((toggle) => `${toggle.plugin}=${toggle.enabled ? 'on' : 'off'}`).join(', ');
				this.#logger.info(`Told the other processes about guild ${guildId}'s settings changed during the Redis outage${states ? ` (${states})` : ''}`);
			} catch (error) {
				const merged = this.#pending.get(guildId) ?? new Set<string>();
				for (const plugin of plugins) merged.add(plugin);
				this.#pending.set(guildId, merged);
				throw error;
			}
		}
	}
}
