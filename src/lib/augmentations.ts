import type { Redis } from 'ioredis';
import type { Clock } from './clock.js';
import type { BotConfig } from './config.js';
import type { BotOrm } from './database.js';
import type { Env } from './env.js';
import type { BotLogger } from './observability/logger.js';
import type { BotMetrics } from './observability/metrics.js';
import type { PluginHost } from './plugins/host.js';
import type { PluginRegistry } from './plugins/registry.js';
import type { RandomSource } from './random.js';
import type { GuildSettingsService } from './settings/GuildSettingsService.js';
import type { TaskQueue } from './tasks/TaskQueue.js';

/** State of the running bot that pieces may look at. */
export interface BotLifecycle {
	/** True once SIGTERM/SIGINT (or `stop()`) began: new commands are refused with a translated notice. */
	shuttingDown: boolean;
	/** Milliseconds since the epoch (container.clock) when every shard of this process was ready; null before. */
	readyAt: number | null;
}

declare module '@sapphire/pieces' {
	interface Container {
		/** Per-guild settings (language, enabled plugins, plugin configs), cached. */
		settings: GuildSettingsService;
		/** Source of "now" (milliseconds since epoch); a ManualClock in tests. */
		clock: Clock;
		/** The installed plugins and the bot-wide defaults that apply to them. */
		plugins: PluginRegistry;
		/** The plugins, set up: each one's service (`pluginHost.service('voice-xp')`, typed) and context. */
		pluginHost: PluginHost;
		/** The bot's scheduled work (BullMQ). Plugins use `ctx.tasks`; the core uses this. */
		taskQueue: TaskQueue;
		/** Source of randomness (cryptographic; seeded in tests). Plugins use `ctx.random`. */
		random: RandomSource;
		/** MikroORM (PostgreSQL). Use `container.orm.em.fork()` per unit of work. */
		orm: BotOrm;
		/** A shared Redis client (fails fast while Redis is down). Keys must start with {@link Container.redisPrefix}. */
		redis: Redis;
		/** Prefix of every Redis key and channel of this bot (tests get a unique one). */
		redisPrefix: string;
		/** Bot-wide defaults from config/defaults.json. */
		botConfig: BotConfig;
		/** Validated environment. */
		env: Env;
		/** Prometheus metrics. */
		metrics: BotMetrics;
		/** The bot's logger (also `container.logger`), with `child()` for context. */
		botLogger: BotLogger;
		lifecycle: BotLifecycle;
	}
}

export {};
