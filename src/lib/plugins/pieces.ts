import { InteractionHandler, Listener, type Command, type Option, type Piece } from '@sapphire/framework';
import { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import type { ClientEvents, Interaction } from 'discord.js';
import type { AutocompleteInteraction } from 'discord.js';
import { BotCommand, type BotCommandOptions } from '../commands/BotCommand.js';
import { replyPluginDisabled } from '../replies.js';
import { DEFAULT_RETRY, type DisabledPolicy, type RetryPolicy, type TaskName, type TaskPayloads, type TaskRunContext } from '../tasks/types.js';
import { resolveGuildId, runIfEnabled } from './guards.js';
import type { PluginName, PluginServices } from './services.js';

/**
 * The base classes of a plugin's pieces. A piece says which plugin it belongs to by what it is (`extends
 * PluginListener<'voice-xp', …>` with `plugin: 'voice-xp'`), and the core's enablement guard applies through the base
 * class: a listener does not run for events of a guild where its plugin is off, an interaction handler answers the
 * "feature is off" notice, a task follows its `whenDisabled` policy, a command is refused by the `PluginEnabled`
 * precondition. Each base class also gives the piece its plugin's service, typed: `this.service`.
 *
 * The guarded entry points (`run` of a listener, `parse` of an interaction handler) belong to the base class: a piece
 * implements `handle` / `parseInteraction` instead, and overriding the guarded method throws at load time.
 */

/** The plugin a loaded piece belongs to (`pluginName` of the base classes), or null for the core's own pieces. */
export function pluginNameOf(piece: unknown): string | null {
	const name = (piece as { pluginName?: unknown } | null)?.pluginName;
	return typeof name === 'string' ? name : null;
}

/** Throws when a subclass of `base` redefines `method` (the guard would be bypassed). */
function assertNotOverridden(instance: object, base: { prototype: object; name: string }, method: string, instead: string): void {
	for (let proto = Object.getPrototypeOf(instance); proto && proto !== base.prototype; proto = Object.getPrototypeOf(proto)) {
		if (Object.hasOwn(proto, method)) {
			throw new TypeError(`${proto.constructor.name} overrides ${method}() of ${base.name}: implement ${instead}() instead (the core's enablement guard lives in ${method})`);
		}
	}
}

/**
 * Whether a piece's plugin is on in the guild (from memory when cached, else the settings service); when it is off,
 * the drop is reported to the host (tests, debugging). Used by the guards that may await (interactions).
 */
async function pluginOnIn(piece: { pluginName: string; name: string; container: Piece['container'] }, store: string, guildId: string): Promise<boolean> {
	const { settings, pluginHost } = piece.container;
	const enabled = settings.peekPluginEnabled(guildId, piece.pluginName) ?? (await settings.isPluginEnabled(guildId, piece.pluginName));
	if (!enabled) pluginHost.onGuardDrop?.({ plugin: piece.pluginName, guildId, store, piece: piece.name });
	return enabled;
}

type EventArgs<E extends keyof ClientEvents | symbol> = E extends keyof ClientEvents ? ClientEvents[E] : unknown[];

/** Options of a {@link PluginListener}. */
export interface PluginListenerOptions<P extends PluginName> extends Listener.Options {
	/** The plugin this listener belongs to. */
	plugin: P;
	/**
	 * Whether the listener also runs for events that concern no guild (ready, shard events, DMs). Default false: an
	 * event whose guild cannot be resolved does not run a plugin's listener.
	 */
	botWide?: boolean;
}

/**
 * A gateway event listener of a plugin. Implement {@link handle}. It runs only for events of guilds where the plugin is
 * on (the guild is found in the event's arguments: a Guild, anything with `guildId` or `guild`, a reaction's message,
 * a raw packet's `d.guild_id`); events without a guild run it only when `botWide` is set. Events of one guild keep
 * their order (the enablement answer comes from memory, synchronously, when cached).
 */
export abstract class PluginListener<P extends PluginName, E extends keyof ClientEvents | symbol = ''> extends Listener<E> {
	public readonly pluginName: P;
	public readonly botWide: boolean;

	public constructor(context: Listener.LoaderContext, options: PluginListenerOptions<P>) {
		super(context, options);
		this.pluginName = options.plugin;
		this.botWide = options.botWide ?? false;
		assertNotOverridden(this, PluginListener, 'run', 'handle');
	}

	/** The plugin's service (what its `setup` returned). */
	public get service(): PluginServices[P] {
		return this.container.pluginHost.service(this.pluginName);
	}

	/** The guard: runs {@link handle} when the plugin is on in the event's guild. Do not override. */
	public run(...args: EventArgs<E>): unknown {
		const guildId = resolveGuildId(args);
		if (guildId === null) return this.botWide ? this.handle(...args) : undefined;
		return runIfEnabled(this.container.settings, this.pluginName, guildId, () => this.handle(...args), (dropped) =>
			this.container.pluginHost.onGuardDrop?.({ plugin: this.pluginName, guildId: dropped, store: 'listeners', piece: this.name })
		);
	}

	/** Handles the event (only called where the plugin is on). */
	public abstract handle(...args: EventArgs<E>): unknown;
}

/** Options of a {@link PluginInteractionHandler}. */
export interface PluginInteractionHandlerOptions<P extends PluginName> extends InteractionHandler.Options {
	plugin: P;
}

/**
 * A button, select menu or modal handler of a plugin. Implement {@link parseInteraction} (recognise your own custom
 * ids, see src/lib/customId.ts) and `run`. An interaction it recognises in a guild where the plugin is off is answered
 * with the translated "this feature is off" notice and not run.
 */
export abstract class PluginInteractionHandler<P extends PluginName> extends InteractionHandler {
	public readonly pluginName: P;

	public constructor(context: InteractionHandler.LoaderContext, options: PluginInteractionHandlerOptions<P>) {
		super(context, options);
		this.pluginName = options.plugin;
		assertNotOverridden(this, PluginInteractionHandler, 'parse', 'parseInteraction');
	}

	/** The plugin's service (what its `setup` returned). */
	public get service(): PluginServices[P] {
		return this.container.pluginHost.service(this.pluginName);
	}

	/** The guard around {@link parseInteraction}. Do not override. */
	public override async parse(interaction: Interaction): Promise<Option<unknown>> {
		const parsed = await this.parseInteraction(interaction);
		const guildId = interaction.guildId;
		if (!guildId || parsed.isNone() || (await pluginOnIn(this, 'interaction-handlers', guildId))) return parsed;
		await replyPluginDisabled(interaction, this.pluginName);
		return this.none();
	}

	/** Whether the interaction is this handler's (`this.some(data)`) or not (`this.none()`). */
	public abstract parseInteraction(interaction: Interaction): Option<unknown> | Promise<Option<unknown>>;
}

/** Options of a {@link PluginTask}. */
export interface PluginTaskOptions<P extends PluginName> extends ScheduledTask.Options {
	plugin: P;
	/** What to do with a job due in a guild where the plugin is off (required: see DisabledPolicy in src/lib/tasks/types.ts). */
	whenDisabled: DisabledPolicy;
	/** How failing runs are retried (default 5 runs with exponential backoff from 1 s). */
	retry?: RetryPolicy;
}

/**
 * A scheduled task of a plugin, run by the bot's task queue (src/lib/tasks/TaskQueue.ts): exactly once across
 * processes, retried with backoff, and following its `whenDisabled` policy in guilds where the plugin is off.
 * Its name (the file name) is a key of `TaskPayloads` (src/lib/tasks/types.ts), which types its payload.
 * Schedule it with `ctx.tasks.schedule(name, { guildId, payload, at | delayMs, key })`.
 */
export abstract class PluginTask<P extends PluginName, T extends TaskName> extends ScheduledTask {
	public readonly pluginName: P;
	public readonly whenDisabled: DisabledPolicy;
	public readonly retry: RetryPolicy;

	public constructor(context: ScheduledTask.LoaderContext, options: PluginTaskOptions<P>) {
		super(context, options);
		this.pluginName = options.plugin;
		this.whenDisabled = options.whenDisabled;
		this.retry = options.retry ?? DEFAULT_RETRY;
		assertNotOverridden(this, PluginTask, 'run', 'handle');
	}

	/** The plugin's service (what its `setup` returned). */
	public get service(): PluginServices[P] {
		return this.container.pluginHost.service(this.pluginName);
	}

	/**
	 * Not called: the bot's task queue runs {@link handle} with the job's guild. (Sapphire's `ScheduledTask` demands a
	 * `run`; overriding it throws at load time.)
	 */
	public override run(): never {
		throw new Error(`Task ${this.name} runs through the bot's task queue (src/lib/tasks/TaskQueue.ts), which calls handle()`);
	}

	/** Runs one job. Throwing fails the run: it is retried with backoff, then logged with an error id. */
	public abstract handle(payload: TaskPayloads[T], context: TaskRunContext): unknown;
}

/** Options of a {@link PluginCommand}. */
export interface PluginCommandOptions<P extends PluginName> extends BotCommandOptions {
	plugin: P;
}

/**
 * A slash command of a plugin (a {@link BotCommand}: subcommand mapping, localized registration, member permission).
 * In a guild where the plugin is off it is refused by the global `PluginEnabled` precondition with a translated
 * notice, and its autocomplete suggests nothing. Implement {@link autocomplete} (not `autocompleteRun`) for
 * autocompleted options.
 */
export abstract class PluginCommand<P extends PluginName, O extends PluginCommandOptions<P> = PluginCommandOptions<P>> extends BotCommand<O> {
	public readonly pluginName: P;

	protected constructor(context: Command.LoaderContext, options: O) {
		super(context, options);
		this.pluginName = options.plugin;
		assertNotOverridden(this, PluginCommand, 'autocompleteRun', 'autocomplete');
	}

	/** The plugin's service (what its `setup` returned). */
	public get service(): PluginServices[P] {
		return this.container.pluginHost.service(this.pluginName);
	}

	/** The guard around {@link autocomplete}: no suggestions where the plugin is off. Do not override. */
	public override async autocompleteRun(interaction: AutocompleteInteraction): Promise<unknown> {
		const guildId = interaction.guildId;
		if (guildId && !(await pluginOnIn(this, 'commands', guildId))) {
			if (!interaction.responded) await interaction.respond([]);
			return undefined;
		}
		return this.autocomplete?.(interaction);
	}

	/** Suggestions for an autocompleted option (only called where the plugin is on). */
	protected autocomplete?(interaction: AutocompleteInteraction): Promise<unknown>;
}
