import type { EntityManager } from '@mikro-orm/postgresql';
import type { SapphireClient } from '@sapphire/framework';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { BotOrm } from '../database.js';
import type { Translate } from '../i18n.js';
import type { BotLogger } from '../observability/logger.js';
import type { RandomSource } from '../random.js';
import type { GuildSettingsService } from '../settings/GuildSettingsService.js';
import type { TaskQueue } from '../tasks/TaskQueue.js';
import type { TaskName } from '../tasks/types.js';
import { createPluginMetrics, type PluginContext } from './context.js';
import type { AnyPluginManifest } from './definePlugin.js';
import type { GuardDropListener } from './guards.js';
import type { PluginRegistry } from './registry.js';
import type { PluginName, PluginServices } from './services.js';

/** What the host needs from the running bot to build each plugin's context. */
export interface PluginHostOptions {
	registry: PluginRegistry;
	client: SapphireClient;
	settings: GuildSettingsService;
	orm: BotOrm;
	redis: Redis;
	redisPrefix: string;
	clock: Clock;
	random: RandomSource;
	taskQueue: () => TaskQueue;
	logger: BotLogger;
	metrics: { registry: Registry; prefix: string };
	translator(guildId: string): Promise<{ locale: string; t: Translate }>;
	lifecycle: { readonly shuttingDown: boolean; readonly readyAt: number | null };
	/** Logs a failure with an error id (src/lib/failures.ts). */
	logFailure(error: unknown, context: { what: string; plugin: string; guildId?: string }): string;
	/** Told whenever a plugin piece is skipped for a guild where its plugin is off (tests, debugging). */
	onGuardDrop?: GuardDropListener;
}

/**
 * The plugins of the running bot, set up: each plugin's context and service, and the calls of their hooks. Available
 * as `container.pluginHost`; pieces reach their own plugin's service through their base class (`this.service`),
 * other plugins through `ctx.dependency(name)`.
 */
export class PluginHost {
	readonly #options: PluginHostOptions;
	readonly #services = new Map<string, unknown>();
	readonly #contexts = new Map<string, PluginContext>();
	readonly #setUp = new Set<string>();

	public constructor(options: PluginHostOptions) {
		this.#options = options;
	}

	/** The registry of installed plugins. */
	public get registry(): PluginRegistry {
		return this.#options.registry;
	}

	/** Told when a piece is skipped because its plugin is off in the guild (tests, debugging). */
	public get onGuardDrop(): GuardDropListener | undefined {
		return this.#options.onGuardDrop;
	}

	/**
	 * Runs every plugin's `setup(ctx)`, dependencies first (the registry has refused cycles).
	 * @throws the first error a setup throws, naming the plugin.
	 */
	public async setupAll(): Promise<void> {
		const order: AnyPluginManifest[] = [];
		const visit = (plugin: AnyPluginManifest) => {
			if (order.includes(plugin)) return;
			for (const dependency of plugin.dependsOn ?? []) {
				const manifest = this.registry.get(dependency);
				if (manifest) visit(manifest);
			}
			order.push(plugin);
		};
		for (const plugin of this.registry.list) visit(plugin);
		for (const plugin of order) {
			const context = this.#createContext(plugin);
			this.#contexts.set(plugin.name, context);
			try {
				this.#services.set(plugin.name, await plugin.setup?.(context));
			} catch (error) {
				throw new Error(`Setup of plugin ${plugin.name} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
			}
			this.#setUp.add(plugin.name);
		}
	}

	/**
	 * The service of an installed plugin (what its `setup` returned), typed by `PluginServices`.
	 * @throws Error when the plugin is not installed in this bot or its setup has not run.
	 */
	public service<N extends PluginName>(name: N): PluginServices[N] {
		if (!this.#setUp.has(name)) {
			throw new Error(this.registry.has(name) ? `Plugin ${name} is not set up yet` : `Plugin ${name} is not installed in this bot`);
		}
		return this.#services.get(name) as PluginServices[N];
	}

	/** Whether a plugin is installed and set up. */
	public has(name: string): boolean {
		return this.#setUp.has(name);
	}

	/** The context handed to a plugin's setup. @throws Error when the plugin is not set up. */
	public context(name: string): PluginContext {
		const context = this.#contexts.get(name);
		if (!context) throw new Error(`Plugin ${name} is not set up`);
		return context;
	}

	/** Every plugin's `onReady`, in list order; errors are logged and do not stop the others. */
	public async ready(): Promise<void> {
		for (const plugin of this.registry.list) {
			if (!plugin.onReady || !this.#setUp.has(plugin.name)) continue;
			try {
				await plugin.onReady(this.#services.get(plugin.name));
			} catch (error) {
				this.#options.logFailure(error, { what: `onReady of plugin ${plugin.name}`, plugin: plugin.name });
			}
		}
	}

	/**
	 * A plugin went on or off in a guild: its `onGuildToggle`, and when it went on, the jobs of its tasks that were
	 * deferred there run now. Errors are logged.
	 */
	public async toggled(guildId: string, name: string, enabled: boolean): Promise<void> {
		const plugin = this.registry.get(name);
		if (!plugin || !this.#setUp.has(name)) return;
		try {
			await plugin.onGuildToggle?.(this.#services.get(name), guildId, enabled);
			if (enabled) await this.#options.taskQueue().resumeDeferred(name, guildId);
		} catch (error) {
			this.#options.logFailure(error, { what: `onGuildToggle of plugin ${name}`, plugin: name, guildId });
		}
	}

	/** Every plugin's `onShutdown`, at once; each failure is logged. Resolves when all have finished. */
	public async shutdown(): Promise<void> {
		await Promise.all(
			this.registry.list.map(async (plugin) => {
				if (!plugin.onShutdown || !this.#setUp.has(plugin.name)) return;
				try {
					await plugin.onShutdown(this.#services.get(plugin.name));
				} catch (error) {
					this.#options.logFailure(error, { what: `onShutdown of plugin ${plugin.name}`, plugin: plugin.name });
				}
			})
		);
	}

	/** Every plugin's `onCrash` (stop timers, write nothing); errors are ignored. */
	public crash(): void {
		for (const plugin of this.registry.list) {
			if (!plugin.onCrash || !this.#setUp.has(plugin.name)) continue;
			try {
				plugin.onCrash(this.#services.get(plugin.name));
			} catch {
				// a crash writes nothing and reports nothing
			}
		}
	}

	#createContext(plugin: AnyPluginManifest): PluginContext {
		const options = this.#options;
		const { settings } = options;
		const name = plugin.name;
		const keyBase = `${options.redisPrefix}${name}:`;
		const dependencies = new Set(plugin.dependsOn ?? []);
		const host = this;
		return Object.freeze({
			name,
			client: options.client,
			config: (guildId: string) => settings.getPluginConfig(guildId, plugin),
			peekConfig: (guildId: string) => settings.peekPluginConfig(guildId, plugin),
			updateConfig: (guildId: string, change: Parameters<GuildSettingsService['updatePluginConfig']>[2]) => settings.updatePluginConfig(guildId, plugin, change),
			isEnabled: (guildId: string) => settings.isPluginEnabled(guildId, name),
			peekEnabled: (guildId: string) => settings.peekPluginEnabled(guildId, name),
			translator: (guildId: string) => options.translator(guildId),
			logger: options.logger.child({ plugin: name }),
			metrics: createPluginMetrics(options.metrics.registry, options.metrics.prefix, name),
			em: () => options.orm.em.fork() as EntityManager,
			redis: options.redis,
			redisKey: (...parts: (string | number)[]) => keyBase + parts.join(':'),
			redisPrefix: options.redisPrefix,
			clock: options.clock,
			random: options.random,
			tasks: Object.freeze({
				schedule: (task: TaskName, scheduleOptions: Parameters<TaskQueue['schedule']>[1]) => options.taskQueue().schedule(task, scheduleOptions),
				cancel: (task: TaskName, guildId: string | null, key: string) => options.taskQueue().cancel(task, guildId, key),
				stateOf: (task: TaskName, guildId: string | null, key: string) => options.taskQueue().stateOf(task, guildId, key)
			}),
			dependency: (dependency: string) => {
				if (!dependencies.has(dependency)) throw new Error(`Plugin ${name} does not declare ${dependency} in dependsOn`);
				return host.service(dependency as PluginName);
			},
			peer: (other: string) =>
				host.has(other)
					? Object.freeze({ service: host.service(other as PluginName), isEnabled: (guildId: string) => settings.isPluginEnabled(guildId, other) })
					: null,
			get lifecycle() {
				return options.lifecycle;
			}
		}) as unknown as PluginContext;
	}
}
