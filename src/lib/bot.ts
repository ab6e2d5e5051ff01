import '@sapphire/plugin-i18next/register';
import './augmentations.js';
import {
	ApplicationCommandRegistries,
	container,
	Events,
	RegisterBehavior,
	SapphireClient,
	type Container,
	type SapphireClientOptions
} from '@sapphire/framework';
import type { InternationalizationContext } from '@sapphire/plugin-i18next';
import { ScheduledTask, ScheduledTaskStore } from '@sapphire/plugin-scheduled-tasks';
import { GatewayIntentBits, Status, type ClientOptions } from 'discord.js';
import type { Redis } from 'ioredis';
import { join } from 'node:path';
import { plugins as defaultPlugins } from '../plugins/index.js';
import { CacheKeeper, describeCachePolicy } from './caches.js';
import { systemClock, type Clock } from './clock.js';
import { loadBotConfig, type BotConfig } from './config.js';
import { createOrm, runMigrations, type BotOrm } from './database.js';
import { parseEnv, type Env } from './env.js';
import { logFailure } from './failures.js';
import { buildI18nOptions, listShippedLocales, translatorFor } from './i18n.js';
import { approvedIntents, fetchApplicationFlags } from './intents.js';
import { BotLogger } from './observability/logger.js';
import { BotMetrics, METRIC_NAME_PREFIX } from './observability/metrics.js';
import { runHealthChecks, startHttpServer, type HealthReport, type RunningHttpServer } from './observability/httpServer.js';
import type { AnyPluginManifest } from './plugins/definePlugin.js';
import type { GuardDropListener } from './plugins/guards.js';
import { PluginHost } from './plugins/host.js';
import { pluginNameOf, PluginTask } from './plugins/pieces.js';
import { inviteUrl, PluginRegistry } from './plugins/registry.js';
import { MemoryReleaser } from './memory.js';
import { coreSourceDirectory } from './paths.js';
import { closeRedisClient, createRedisClient, probeRedis } from './redis.js';
import { isConnectFailure, startupConnectionError } from './startupError.js';
import { systemRandom, type RandomSource } from './random.js';
import { GuildSettingsService } from './settings/GuildSettingsService.js';
import { bullPrefixOf, TASK_QUEUE_NAME, TaskQueue, type RunnableTask } from './tasks/TaskQueue.js';
import { DEFAULT_RETRY } from './tasks/types.js';

/** Default prefix of every Redis key, channel and the task queue of the bot. */
export const DEFAULT_REDIS_PREFIX = 'hearth:';

/** The whole shutdown must end within this many milliseconds (SIGTERM to exit). */
export const SHUTDOWN_LIMIT_MS = 10_000;

/** Time limits of the shutdown steps, in milliseconds; together below {@link SHUTDOWN_LIMIT_MS}. */
export const SHUTDOWN_STEP_LIMITS_MS = {
	pluginFlush: 4_000,
	gateway: 1_500,
	taskQueue: 1_500,
	httpServer: 500,
	redis: 500,
	database: 1_000
} as const;

/** Options of {@link startBot}; all optional. src/index.ts passes none. */
export interface StartBotOptions {
	/** The environment to validate (default `process.env`). When given it is used alone, not merged. */
	env?: Record<string, string | undefined>;
	/** Source of "now" (default the system clock); tests pass a ManualClock. */
	clock?: Clock;
	/** Source of randomness handed to plugins (default cryptographic); tests pass a SeededRandom. */
	random?: RandomSource;
	/** The plugins (default the list of src/plugins/index.ts). */
	plugins?: readonly AnyPluginManifest[];
	/** Bot-wide defaults (default config/defaults.json). */
	config?: BotConfig;
	/** Port of /healthz and /metrics, overriding HTTP_PORT (0 = any free port; null = no HTTP server). */
	httpPort?: number | null;
	/** Interface the HTTP server binds (default 0.0.0.0). */
	httpHost?: string;
	/** Stop cleanly on SIGTERM/SIGINT and exit (default true). Tests pass false and call `stop()`. */
	handleSignals?: boolean;
	/** Log unhandled rejections instead of letting them reach the process (default: same as handleSignals). */
	handleProcessErrors?: boolean;
	/**
	 * Once ready, give the system back the memory the start-up left in V8's heap: one memory-reducing collection, and
	 * another whenever the resident memory has grown 24 MiB since, at most every 2 minutes (src/lib/memory.ts
	 * MemoryReleaser; about 0.4 s each at 5,000 guilds). Default: same as handleSignals, so on in `npm start` and the image,
	 * off in tests that start several bots in one process.
	 */
	releaseStartupMemory?: boolean;
	/** Prefix of Redis keys, channels and the task queue (default: `REDIS_PREFIX`, else `hearth:`); tests use a unique one. */
	redisPrefix?: string;
	/** A logger to use instead of one built from LOG_LEVEL/LOG_FORMAT. */
	logger?: BotLogger;
	/** Where the built logger writes (default stdout). */
	logStream?: NodeJS.WritableStream;
	/** Told whenever a plugin piece is skipped for a guild where the plugin is off (tests, debugging). */
	onGuardDrop?: GuardDropListener;
	/**
	 * What discord.js caches: `plugins` (default), the union of the plugins' declared needs (src/lib/caches.ts);
	 * `discord.js`, discord.js's own defaults (every member and user seen, 200 messages per channel), as the bot did
	 * before issue 12. Only `npm run bench:memory` asks for the latter, to measure the difference in one run.
	 */
	discordCaches?: 'plugins' | 'discord.js';
}

/** A running bot, returned by {@link startBot}. */
export interface BotHandle {
	client: SapphireClient;
	/** Sapphire's container (process-wide): settings, plugins, orm, redis, clock, metrics, logger, ... */
	container: Container;
	env: Env;
	plugins: PluginRegistry;
	settings: GuildSettingsService;
	/** The plugins, set up: their services and contexts. */
	pluginHost: PluginHost;
	/** The bot's task queue (BullMQ). */
	taskQueue: TaskQueue;
	logger: BotLogger;
	metrics: BotMetrics;
	/** The port /healthz and /metrics listen on, or null without HTTP server. */
	httpPort: number | null;
	/** Migrations applied at this start-up. */
	migrationsApplied: string[];
	/** Resolves once every shard of this process is ready and the application commands are registered. */
	ready: Promise<void>;
	/** What /healthz reports now. */
	health(): Promise<HealthReport>;
	/** The bot's invite URL (known once ready), else null. */
	inviteUrl(): string | null;
	/**
	 * Stops cleanly, within 10 seconds: refuses new commands, lets plugins flush (`onShutdown`), closes the gateway,
	 * the task queue, the HTTP server, Redis and PostgreSQL. Safe to call twice (returns the same promise).
	 */
	stop(reason?: string): Promise<void>;
	/**
	 * Drops the bot without any flush (no `onShutdown`): connections are cut, as if the process died. For restart
	 * tests; note that modules of plugins keep their state in this process (a child process killed with SIGKILL is the
	 * faithful crash, see tests/helpers).
	 */
	crash(): Promise<void>;
}

/** The bot running in this process, if any (one per process: Sapphire's container is a singleton). */
let active: BotRuntime | null = null;

/**
 * Sapphire plugin hooks are process-wide: registered once, they act on the bot running now. The scheduled-task store
 * (pieces from @sapphire/plugin-scheduled-tasks) is registered here; its queue is the bot's own TaskQueue
 * (src/lib/tasks/TaskQueue.ts), so the plugin's `register` entry point, which would start a second worker, is not used.
 */
SapphireClient.plugins.registerPostInitializationHook(function botCoreTaskStore(this: SapphireClient) {
	this.stores.register(new ScheduledTaskStore());
}, 'Bot-Core-TaskStore');
SapphireClient.plugins.registerPreLoginHook(async function botCorePreLogin() {
	active?.preLogin();
}, 'Bot-Core-PreLogin');
SapphireClient.plugins.registerPostLoginHook(async function botCorePostLogin() {
	await active?.postLogin();
}, 'Bot-Core-PostLogin');

/** Resolves with `promise`, or with `fallback` after `ms` milliseconds (then calls `onTimeout`). Never rejects. */
async function within<T>(ms: number, promise: Promise<T>, onTimeout: () => void): Promise<T | undefined> {
	let timer: NodeJS.Timeout | undefined;
	try {
		return await Promise.race([
			promise,
			new Promise<undefined>((resolve) => {
				timer = setTimeout(() => {
					onTimeout();
					resolve(undefined);
				}, ms);
			})
		]);
	} finally {
		clearTimeout(timer);
	}
}

/** discord.js sharding options from SHARD_COUNT / SHARD_IDS (default: Discord's recommended count, all here). */
export function shardingOptions(env: Pick<Env, 'SHARD_COUNT' | 'SHARD_IDS'>): Pick<ClientOptions, 'shards' | 'shardCount'> {
	if (env.SHARD_COUNT === undefined) return { shards: 'auto' };
	const ids = env.SHARD_IDS ?? Array.from({ length: env.SHARD_COUNT }, (_, id) => id);
	return { shards: ids, shardCount: env.SHARD_COUNT };
}

/** A loaded task piece as the task queue runs it: a plugin's PluginTask as it is, a core task with the core's defaults. */
function runnableTask(piece: ScheduledTask): RunnableTask {
	const plugin = piece instanceof PluginTask ? piece : null;
	return {
		name: piece.name,
		pluginName: plugin?.pluginName ?? null,
		whenDisabled: plugin?.whenDisabled ?? 'run',
		retry: plugin?.retry ?? DEFAULT_RETRY,
		interval: piece.interval,
		pattern: piece.pattern,
		timezone: piece.timezone,
		run: plugin ? (payload, context) => plugin.handle(payload as never, context) : (payload) => piece.run(payload as never)
	};
}

/**
 * Pieces whose file lies in a plugin's folder must extend that plugin's base classes (src/lib/plugins/pieces.ts)
 * with its name, or the core's enablement guard would not apply to them. @returns one line per offending piece.
 */
export function findUnguardedPieces(registry: PluginRegistry): string[] {
	const problems: string[] = [];
	for (const store of container.stores.values()) {
		if (store.name === 'preconditions' || store.name === 'arguments') continue;
		for (const piece of store.values()) {
			const owner = registry.pluginOfPath(piece.location.full);
			const declared = pluginNameOf(piece);
			if (owner && declared !== owner.name) {
				problems.push(`${store.name}/${piece.name} lies in plugin ${owner.name} but ${declared ? `declares plugin ${declared}` : 'does not extend a plugin base class'}`);
			}
		}
	}
	return problems;
}

class BotRuntime {
	public readonly readyGate: { promise: Promise<void>; resolve(): void };
	public client!: SapphireClient;
	public host!: PluginHost;
	public http: RunningHttpServer | null = null;
	public readonly timers: NodeJS.Timeout[] = [];
	public readonly processListeners: [string, (...args: any[]) => void][] = [];
	public stopping: Promise<void> | null = null;
	public appId: string | null = null;
	public unsubscribeClock: (() => void) | null = null;
	public releaseStartupMemory = false;
	public memoryReleaser: MemoryReleaser | null = null;

	public constructor(
		public readonly env: Env,
		public readonly logger: BotLogger,
		public readonly registry: PluginRegistry,
		public readonly orm: BotOrm,
		public readonly redis: Redis,
		public readonly subscriber: Redis,
		public readonly settings: GuildSettingsService,
		public readonly metrics: BotMetrics,
		public readonly taskQueue: TaskQueue
	) {
		let resolveReady!: () => void;
		this.readyGate = { promise: new Promise((resolve) => (resolveReady = resolve)), resolve: () => resolveReady() };
	}

	/** Pre-login: plugin folders join the stores (`tasks/` as scheduled-tasks). */
	public preLogin(): void {
		const { stores } = container;
		const taskStore = stores.get('scheduled-tasks');
		taskStore.registerPath(join(coreSourceDirectory, 'tasks'));
		for (const plugin of this.registry.list) {
			stores.registerPath(plugin.directory);
			taskStore.registerPath(join(plugin.directory, 'tasks'));
		}
	}

	/**
	 * Post-login (stores loaded): report pieces of a plugin that bypass its base classes, then start the task worker
	 * (only now: a job taken before the task store is loaded would find no task) and sync the repeat schedules.
	 */
	public async postLogin(): Promise<void> {
		for (const problem of findUnguardedPieces(this.registry)) this.logger.error(`Plugin piece not guarded: ${problem}`);
		try {
			await within(3_000, this.taskQueue.start(), () =>
				this.logger.warn('Task schedules could not be checked (Redis unreachable?); the worker retries by itself')
			);
		} catch (error) {
			this.logger.warn('Task worker start or schedule sync failed:', error);
		}
	}

	/** Once every shard is ready and the commands are registered. */
	public async onReady(): Promise<void> {
		container.lifecycle.readyAt = container.clock.now();
		this.appId = this.client.application?.id ?? this.client.user?.id ?? null;
		const shards = [...this.client.ws.shards.keys()];
		for (const [id, shard] of this.client.ws.shards) this.metrics.setShardPing(id, shard.ping);
		this.logger.info(
			`Ready as ${this.client.user?.tag ?? '?'} on shard(s) ${shards.join(', ')} of ${this.client.options.shardCount ?? '?'}, ${this.client.guilds.cache.size} guild(s)`
		);
		if (this.appId) this.logger.info(`Invite URL: ${inviteUrl(this.appId, this.registry.permissions())}`);
		await this.host.ready();
		if (this.releaseStartupMemory) {
			const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MiB`;
			this.memoryReleaser = new MemoryReleaser((release, reason) =>
				this.logger.info(
					`${reason === 'ready' ? 'Start-up memory' : 'Memory'} released in ${release.ms.toFixed(0)} ms: resident ${mib(release.rssBefore)} -> ${mib(release.rssAfter)}, heap in use ${mib(release.heapUsedAfter)}`
				)
			);
			if (!this.memoryReleaser.start()) this.logger.debug('Start-up memory not released: V8 offers no gc function');
		}
		this.readyGate.resolve();
	}

	public async health(): Promise<HealthReport> {
		return runHealthChecks({
			gateway: () => container.lifecycle.readyAt !== null && !container.lifecycle.shuttingDown && this.client.ws.status === Status.Ready,
			postgres: async () => {
				await this.orm.em.getConnection().execute('select 1');
				return true;
			},
			redis: async () => (await this.redis.ping()) === 'PONG'
		});
	}

	/** Closes everything this bot opened; `flush` runs the plugins' onShutdown hooks first. */
	public async teardown(flush: boolean, reason: string): Promise<void> {
		const limits = SHUTDOWN_STEP_LIMITS_MS;
		const started = Date.now();
		container.lifecycle.shuttingDown = true;
		this.logger.info(`Shutting down (${reason})`);
		for (const timer of this.timers) clearInterval(timer);
		this.memoryReleaser?.stop();
		for (const [event, listener] of this.processListeners) process.off(event, listener);
		this.unsubscribeClock?.();
		if (flush && this.host) {
			await within(limits.pluginFlush, this.host.shutdown(), () =>
				this.logger.error(`Plugins did not finish flushing within ${limits.pluginFlush} ms; what they held may be lost`)
			);
		} else {
			this.host?.crash();
		}
		if (this.client) {
			await within(limits.gateway, this.client.destroy().catch(() => undefined), () => this.logger.warn('Gateway close timed out'));
		}
		await within(limits.taskQueue, (flush ? this.taskQueue.close() : this.taskQueue.abandon()).catch(() => undefined), () =>
			this.logger.warn('Task queue close timed out')
		);
		if (this.http) await within(limits.httpServer, this.http.close().catch(() => undefined), () => undefined);
		await this.settings.close().catch(() => undefined);
		await Promise.all([closeRedisClient(this.redis, limits.redis), closeRedisClient(this.subscriber, limits.redis)]);
		await within(limits.database, this.orm.close(!flush).catch(() => undefined), () => this.logger.warn('PostgreSQL close timed out'));
		this.logger.info(`Stopped in ${Date.now() - started} ms`);
	}
}

/**
 * Starts the bot: validates the environment and config, connects PostgreSQL (running migrations) and Redis, builds
 * the sharded Sapphire client with the plugins, starts the /healthz + /metrics server, and logs in.
 * Resolves once logged in; `handle.ready` resolves when every shard is ready and the commands are registered.
 *
 * @throws EnvError naming every missing/invalid variable; BotConfigError; PluginRegistryError;
 *   StartupConnectionError (one line: variable, host, what failed) when PostgreSQL or Redis cannot be reached;
 *   migration or login errors. Whatever was opened before the error is closed again.
 * @throws Error when a bot is already running in this process.
 */
export async function startBot(options: StartBotOptions = {}): Promise<BotHandle> {
	if (active) throw new Error('A bot is already running in this process (Sapphire keeps one container per process)');
	const env = parseEnv(options.env ?? process.env);
	const logger = options.logger ?? new BotLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT, ...(options.logStream ? { stream: options.logStream } : {}) });
	const config = options.config ?? loadBotConfig();
	const registry = new PluginRegistry(options.plugins ?? defaultPlugins, config);
	const locales = listShippedLocales(undefined, config.defaultLocale);
	if (!locales.includes(config.defaultLocale)) {
		throw new Error(`config/defaults.json: defaultLocale "${config.defaultLocale}" is not a folder of locales/ (${locales.join(', ')})`);
	}
	const redisPrefix = options.redisPrefix ?? env.REDIS_PREFIX ?? DEFAULT_REDIS_PREFIX;
	const clock = options.clock ?? systemClock;
	const random = options.random ?? systemRandom;
	const handleSignals = options.handleSignals ?? true;
	const handleProcessErrors = options.handleProcessErrors ?? handleSignals;

	// An unreachable PostgreSQL or Redis at start-up is one line naming the variable, host and failure (startupError.ts);
	// the driver's stack goes to debug level. Once running, Redis outages are ridden out (settings from PostgreSQL).
	const unreachable = (what: 'PostgreSQL' | 'Redis', variable: string, url: string, error: unknown) => {
		logger.debug(`${what} (${variable}) at start-up: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		return startupConnectionError(what, variable, url, error);
	};
	let orm: BotOrm;
	try {
		orm = await createOrm({ databaseUrl: env.DATABASE_URL, plugins: registry.list, log: (message) => logger.debug(`[orm] ${message}`) });
	} catch (error) {
		throw unreachable('PostgreSQL', 'DATABASE_URL', env.DATABASE_URL, error);
	}
	let migrationsApplied: string[];
	try {
		// MikroORM connects lazily: the migrations are the first to reach PostgreSQL.
		migrationsApplied = await runMigrations(orm).catch((error: unknown) => {
			throw isConnectFailure(error) ? unreachable('PostgreSQL', 'DATABASE_URL', env.DATABASE_URL, error) : error;
		});
		await probeRedis(env.REDIS_URL).catch((error: unknown) => {
			throw unreachable('Redis', 'REDIS_URL', env.REDIS_URL, error);
		});
	} catch (error) {
		await orm.close(true);
		throw error;
	}
	if (migrationsApplied.length) logger.info(`Applied migrations: ${migrationsApplied.join(', ')}`);

	const redisState = (name: string) => (state: 'up' | 'down', error?: Error) => {
		if (container.lifecycle?.shuttingDown) return;
		if (state === 'up') logger.info(`Redis (${name}) connected`);
		else logger.warn(`Redis (${name}) unreachable; settings are read from PostgreSQL meanwhile${error ? `: ${error.message}` : ''}`);
	};
	const redis = createRedisClient(env.REDIS_URL, { connectionName: `${redisPrefix}cache`, onStateChange: redisState('cache') });
	const subscriber = createRedisClient(env.REDIS_URL, { connectionName: `${redisPrefix}pubsub`, offlineQueue: true, onStateChange: redisState('pub/sub') });
	const settings = new GuildSettingsService({
		orm,
		redis,
		subscriber,
		keyPrefix: redisPrefix,
		registry,
		locales: { supported: locales, fallback: config.defaultLocale },
		preferredLocaleOf: (guildId) => container.client?.guilds.cache.get(guildId)?.preferredLocale,
		cache: config.settingsCache,
		logger
	});
	const metrics = new BotMetrics();
	const taskQueue = new TaskQueue({
		redisUrl: env.REDIS_URL,
		redisPrefix,
		clock,
		resolveTask: (name) => {
			const piece = container.stores.get('scheduled-tasks').get(name);
			return piece ? runnableTask(piece) : undefined;
		},
		listTasks: () => [...container.stores.get('scheduled-tasks').values()].map(runnableTask),
		isPluginEnabled: (guildId, plugin) => settings.isPluginEnabled(guildId, plugin),
		logFailure: (error, context) => logFailure(error, { what: `Scheduled task ${context.task} (job ${context.jobId})`, plugin: context.plugin ?? undefined, guildId: context.guildId }),
		logger: logger.child({ component: 'tasks' }),
		...(options.onGuardDrop
			? { onDisabled: (event: { task: string; plugin: string; guildId: string }) => options.onGuardDrop!({ plugin: event.plugin, guildId: event.guildId, store: 'scheduled-tasks', piece: event.task }) }
			: {}),
		metrics: { registry: metrics.registry, prefix: METRIC_NAME_PREFIX }
	});
	const runtime = new BotRuntime(env, logger, registry, orm, redis, subscriber, settings, metrics, taskQueue);
	runtime.releaseStartupMemory = options.releaseStartupMemory ?? handleSignals;
	active = runtime;

	try {
		await settings.start();
		settings.onPluginToggle(({ guildId, plugin: name, enabled }) => runtime.host?.toggled(guildId, name, enabled));

		Object.assign(container, {
			settings,
			clock,
			random,
			taskQueue,
			plugins: registry,
			orm,
			redis,
			redisPrefix,
			botConfig: config,
			env,
			metrics,
			botLogger: logger,
			lifecycle: { shuttingDown: false, readyAt: null }
		});
		ApplicationCommandRegistries.setDefaultBehaviorWhenNotIdentical(RegisterBehavior.BulkOverwrite);

		const intents = await intentsToRequest(registry, env, logger);
		// Only what the plugins declared they read is cached (src/lib/caches.ts); the keeper also sees the raw packets.
		const cacheKeeper = options.discordCaches === 'discord.js' ? null : new CacheKeeper(registry.cachePolicy(), { pluginOn: (guildId, name) => settings.peekPluginEnabled(guildId, name) });
		logger.info(cacheKeeper ? describeCachePolicy(cacheKeeper.policy) : 'Caches: discord.js defaults (every member and user seen, 200 messages per channel)');
		const clientOptions: SapphireClientOptions & ClientOptions = {
			intents,
			...(cacheKeeper ? cacheKeeper.clientOptions() : {}),
			...shardingOptions(env),
			...(env.DISCORD_REST_URL ? { rest: { api: env.DISCORD_REST_URL } } : {}),
			allowedMentions: { parse: ['users'] },
			logger: { instance: logger },
			baseUserDirectory: coreSourceDirectory,
			loadDefaultErrorListeners: false,
			loadMessageCommandListeners: false,
			loadScheduledTaskErrorListeners: false,
			i18n: buildI18nOptions({
				plugins: registry.list,
				defaultLocale: config.defaultLocale,
				fetchLanguage: (context: InternationalizationContext) =>
					context.guild
						? settings.getLanguage(context.guild.id, context.interactionGuildLocale ?? context.guild.preferredLocale)
						: context.interactionLocale && locales.includes(context.interactionLocale)
							? context.interactionLocale
							: config.defaultLocale
			}),
			// Typed as required by @sapphire/plugin-scheduled-tasks; its own handler is not started (see the hooks above).
			tasks: { queue: TASK_QUEUE_NAME, bull: { connection: {}, prefix: bullPrefixOf(redisPrefix) } }
		};
		const client = new SapphireClient(clientOptions);
		runtime.client = client;
		cacheKeeper?.attach(client);
		const host = new PluginHost({
			registry,
			client,
			settings,
			orm,
			redis,
			redisPrefix,
			clock,
			random,
			taskQueue: () => taskQueue,
			logger,
			metrics: { registry: metrics.registry, prefix: METRIC_NAME_PREFIX },
			translator: async (guildId) => {
				const locale = await settings.getLanguage(guildId);
				return { locale, t: translatorFor(locale) };
			},
			lifecycle: container.lifecycle,
			logFailure: (error, context) => logFailure(error, context),
			...(options.onGuardDrop ? { onGuardDrop: options.onGuardDrop } : {})
		});
		runtime.host = host;
		container.pluginHost = host;
		await host.setupAll();
		if (clock.onAdvance) {
			runtime.unsubscribeClock = clock.onAdvance(() => {
				taskQueue.promoteDue().catch((error: unknown) => logger.debug('Promoting due tasks after a clock move failed:', error));
			});
		}
		client.once(Events.ApplicationCommandRegistriesRegistered, () => void runtime.onReady());

		if (options.httpPort !== null) {
			runtime.http = await startHttpServer({
				port: options.httpPort ?? env.HTTP_PORT,
				...(options.httpHost ? { host: options.httpHost } : {}),
				metrics,
				health: () => runtime.health()
			});
			logger.info(`Health and metrics on http://${options.httpHost ?? '0.0.0.0'}:${runtime.http.port}/healthz and /metrics`);
		}
		runtime.timers.push(
			setInterval(() => {
				for (const [id, shard] of client.ws.shards) metrics.setShardPing(id, shard.ping);
			}, 15_000).unref()
		);

		if (handleProcessErrors) {
			const onRejection = (reason: unknown) => void logFailure(reason, { what: 'A promise (unhandled rejection)' });
			const onException = (error: Error) => {
				logFailure(error, { what: 'The process (uncaught exception)' });
				void handle.stop('uncaught exception').finally(() => process.exit(1));
			};
			process.on('unhandledRejection', onRejection);
			process.on('uncaughtException', onException);
			runtime.processListeners.push(['unhandledRejection', onRejection], ['uncaughtException', onException]);
		}
		if (handleSignals) {
			for (const signal of ['SIGTERM', 'SIGINT'] as const) {
				const onSignal = () => {
					const force = setTimeout(() => {
						logger.fatal(`Shutdown took longer than ${SHUTDOWN_LIMIT_MS} ms; exiting anyway`);
						process.exit(1);
					}, SHUTDOWN_LIMIT_MS - 250);
					force.unref();
					void handle.stop(signal).then(() => process.exit(0));
				};
				process.once(signal, onSignal);
				runtime.processListeners.push([signal, onSignal]);
			}
		}

		const handle: BotHandle = {
			client,
			container,
			env,
			plugins: registry,
			settings,
			pluginHost: host,
			taskQueue,
			logger,
			metrics,
			httpPort: runtime.http?.port ?? null,
			migrationsApplied,
			ready: runtime.readyGate.promise,
			health: () => runtime.health(),
			inviteUrl: () => (runtime.appId ? inviteUrl(runtime.appId, registry.permissions()) : null),
			stop: (reason = 'stop requested') => {
				runtime.stopping ??= runtime.teardown(true, reason).finally(() => release(runtime));
				return runtime.stopping;
			},
			crash: () => {
				runtime.stopping ??= runtime.teardown(false, 'crash (no flush)').finally(() => release(runtime));
				return runtime.stopping;
			}
		};

		await client.login(env.DISCORD_TOKEN);
		return handle;
	} catch (error) {
		runtime.stopping ??= runtime.teardown(false, 'start-up failed').finally(() => release(runtime));
		await runtime.stopping;
		throw error;
	}
}

function release(runtime: BotRuntime): void {
	if (active !== runtime) return;
	active = null;
}

/**
 * The intents to IDENTIFY with: the registry's union, less the privileged intents the application is not approved
 * for (src/lib/intents.ts), each named in one warning with the plugins that asked for it. When the application's flags
 * cannot be read, every intent is asked for.
 */
async function intentsToRequest(registry: PluginRegistry, env: Env, logger: BotLogger): Promise<GatewayIntentBits[]> {
	const requested = registry.intents();
	const flags = await fetchApplicationFlags(env.DISCORD_TOKEN, env.DISCORD_REST_URL);
	if (flags === null) return requested;
	const { granted, refused } = approvedIntents(requested, flags);
	for (const intent of refused) {
		const wanting = registry.list.filter((plugin) => plugin.intents.includes(intent)).map((plugin) => plugin.name);
		logger.warn(
			`The application is not approved for the privileged intent ${GatewayIntentBits[intent]}: starting without it (wanted by ${wanting.join(', ') || 'the core'}). Turn it on in the Developer Portal (Bot → Privileged Gateway Intents) and restart.`
		);
	}
	return granted;
}
