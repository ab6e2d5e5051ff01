import type { EntityManager } from '@mikro-orm/postgresql';
import type { SapphireClient } from '@sapphire/framework';
import type { Redis } from 'ioredis';
import { Counter, Gauge, Histogram, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration, type Registry } from 'prom-client';
import type { z } from 'zod';
import type { Clock } from '../clock.js';
import type { DeepReadonly } from '../settings/frozen.js';
import type { Translate } from '../i18n.js';
import type { BotLogger } from '../observability/logger.js';
import type { RandomSource } from '../random.js';
import type { ScheduledJob, ScheduleOptions, TaskName, TaskPayloads } from '../tasks/types.js';
import type { PluginName, PluginServices } from './services.js';

export type { DeepReadonly } from '../settings/frozen.js';

/** A plugin's full config for one guild, as handed out: validated, defaulted, deeply frozen. */
export type FrozenConfig<TSchema extends z.ZodObject> = DeepReadonly<z.infer<TSchema>>;

/**
 * A change to a config, computed from the current one: the fields to set (`undefined` = back to the default).
 * Read-only values are accepted, so a patch can be built from the frozen config.
 */
export type ConfigPatch<TSchema extends z.ZodObject> = { [K in keyof z.input<TSchema>]?: DeepReadonly<z.input<TSchema>[K]> | undefined };

/**
 * Prometheus metrics of a plugin, on the bot's registry (`/metrics`). Names are prefixed with the bot's prefix and the
 * plugin's name in snake case: `counter({ name: 'flushes_total' })` in voice-xp is `hearth_voice_xp_flushes_total`.
 */
export interface PluginMetrics {
	readonly registry: Registry;
	/** The full name of a metric of this plugin (`hearth_voice_xp_<suffix>`). */
	name(suffix: string): string;
	counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L>;
	gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L>;
	histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L>;
}

/** A plugin's handle on the bot's task queue (src/lib/tasks/TaskQueue.ts); tasks are found by name, payloads typed. */
export interface PluginTaskScheduler {
	/**
	 * Queues a job of one of the bot's tasks for a guild (or bot-wide with `guildId: null`), at a time or after a delay,
	 * optionally under a key (never queued twice; replaceable; cancellable). See ScheduleOptions in
	 * src/lib/tasks/types.ts. @throws RangeError for a bad key or an unknown task.
	 */
	schedule<T extends TaskName>(task: T, options: ScheduleOptions<TaskPayloads[T]>): Promise<ScheduledJob>;
	/** Removes a keyed job that has not started (a manual unban cancels the timed one). @returns whether one was removed. */
	cancel(task: TaskName, guildId: string | null, key: string): Promise<boolean>;
	/** `delayed`, `waiting`, `active`, `completed`, `failed`, or null when no such keyed job exists. */
	stateOf(task: TaskName, guildId: string | null, key: string): Promise<string | null>;
}

/**
 * Everything a plugin may use, handed to its `setup(ctx)` (and kept by its service). Typed by the plugin's own config
 * schema, so no casts are needed anywhere in a plugin.
 */
export interface PluginContext<TSchema extends z.ZodObject = z.ZodObject, TDependencies extends PluginName = never> {
	/** The plugin's name (`voice-xp`). */
	readonly name: string;
	/** The Discord client (discord.js, through Sapphire). Logged in once `onReady` runs. */
	readonly client: SapphireClient;
	/** The plugin's full config in a guild: the guild's values over `config/defaults.json` over the schema's defaults. */
	config(guildId: string): Promise<FrozenConfig<TSchema>>;
	/**
	 * The same from this process's memory only, synchronously: undefined when the guild's config is not cached and parsed
	 * yet (then await {@link config}). For hot paths: `ctx.peekConfig(id) ?? (await ctx.config(id))`.
	 */
	peekConfig(guildId: string): FrozenConfig<TSchema> | undefined;
	/**
	 * Atomic read-modify-write of the plugin's config in a guild: `change` gets the current config and returns the
	 * fields to change, inside the same transaction and row lock as the write, so a concurrent change is never lost.
	 * `change` may throw a translated UserError to refuse; nothing changes then.
	 * @returns the new full config.
	 * @throws UserError `core:errors.invalidConfig` when the result does not pass the schema.
	 */
	updateConfig(guildId: string, change: (current: FrozenConfig<TSchema>) => ConfigPatch<TSchema> | undefined): Promise<FrozenConfig<TSchema>>;
	/** Whether the plugin is on in the guild (its switch, and every plugin it depends on). */
	isEnabled(guildId: string): Promise<boolean>;
	/** The same from this process's memory only, synchronously; undefined when not cached (then await {@link isEnabled}). */
	peekEnabled(guildId: string): boolean | undefined;
	/** The guild's language (a shipped locale) and its translation function. */
	translator(guildId: string): Promise<{ locale: string; t: Translate }>;
	/** A logger whose lines carry `plugin=<name>`. */
	readonly logger: BotLogger;
	readonly metrics: PluginMetrics;
	/** A fresh MikroORM entity manager (one per unit of work). */
	em(): EntityManager;
	/** The bot's Redis client (fails fast while Redis is down). Use {@link redisKey} for every key. */
	readonly redis: Redis;
	/** A Redis key of this plugin: `<bot prefix><plugin>:<parts joined by ":">` (tests give each bot its own prefix). */
	redisKey(...parts: (string | number)[]): string;
	/** The bot's Redis prefix (`hearth:`), for code that shares keys with the core. */
	readonly redisPrefix: string;
	/** Source of "now" in milliseconds; a ManualClock in tests. Never call `Date.now()` in a plugin. */
	readonly clock: Clock;
	/** Source of randomness; seeded in tests. Never call `Math.random()` in a plugin. */
	readonly random: RandomSource;
	/** The bot's task queue. */
	readonly tasks: PluginTaskScheduler;
	/**
	 * The service of a plugin this one declares in `dependsOn` (typed by {@link PluginServices}).
	 * @throws Error when `name` is not a declared dependency, or its setup has not run.
	 */
	dependency<N extends TDependencies>(name: N): PluginServices[N];
	/**
	 * A plugin this one can use where it is installed and on, without depending on it (giveaways reads voice levels
	 * when voice-xp is on in the guild): its service and its per-guild switch, or null when the bot does not have that
	 * plugin (not in src/plugins/index.ts, or not set up yet). Declared or not, it never turns the other plugin on.
	 */
	peer<N extends PluginName>(name: N): PluginPeer<N> | null;
	/** The bot's lifecycle: `shuttingDown` once SIGTERM began, `readyAt` once every shard is ready. */
	readonly lifecycle: { readonly shuttingDown: boolean; readonly readyAt: number | null };
}

/** Another plugin as {@link PluginContext.peer} hands it out. */
export interface PluginPeer<N extends PluginName> {
	readonly service: PluginServices[N];
	/** Whether that plugin is on in the guild (its switch and its own dependencies). */
	isEnabled(guildId: string): Promise<boolean>;
}

/** Plugin names in metric names: `voice-xp` -> `voice_xp`. */
export function metricSegment(plugin: string): string {
	return plugin.replaceAll('-', '_');
}

/** Builds {@link PluginMetrics} for a plugin on a registry. */
export function createPluginMetrics(registry: Registry, prefix: string, plugin: string): PluginMetrics {
	const name = (suffix: string) => `${prefix}${metricSegment(plugin)}_${suffix}`;
	const registers = [registry];
	return {
		registry,
		name,
		counter: (config) => new Counter({ ...config, name: name(config.name), registers }),
		gauge: (config) => new Gauge({ ...config, name: name(config.name), registers }),
		histogram: (config) => new Histogram({ ...config, name: name(config.name), registers })
	};
}
