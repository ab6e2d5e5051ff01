import type { Piece, Store, StoreRegistry } from '@sapphire/pieces';
import { Guild } from 'discord.js';
import type { AnyPluginManifest } from './definePlugin.js';
import type { PluginRegistry } from './registry.js';

/** What the guards need to know whether a plugin is on in a guild. */
export interface EnablementSource {
	/** Synchronous answer from a trusted memory copy, or undefined when there is none. */
	peekPluginEnabled(guildId: string, name: string): boolean | undefined;
	isPluginEnabled(guildId: string, name: string): Promise<boolean>;
}

/** What a guard reports when it drops something (for debug logs and tests). */
export type GuardDropListener = (drop: { plugin: string; guildId: string; store: string; piece: string }) => void;

/**
 * The guild an event, task payload or interaction is about, found in its arguments: a Guild, anything with a
 * `guildId` (messages, channels, interactions, members' and voice states' `guild`), a message reaction's message, a raw
 * gateway packet's `d.guild_id`, or a task payload's `guildId`. Null for bot-wide events (ready, shard events).
 */
export function resolveGuildId(args: readonly unknown[]): string | null {
	for (const arg of args) {
		if (arg === null || typeof arg !== 'object') continue;
		if (arg instanceof Guild) return arg.id;
		const value = arg as {
			guildId?: unknown;
			guild?: unknown;
			guild_id?: unknown;
			message?: { guildId?: unknown } | null;
			d?: { guild_id?: unknown } | null;
		};
		if (typeof value.guildId === 'string') return value.guildId;
		if (value.guild instanceof Guild) return value.guild.id;
		if (typeof value.guild_id === 'string') return value.guild_id;
		if (value.message && typeof value.message.guildId === 'string') return value.message.guildId;
		if (value.d && typeof value.d.guild_id === 'string') return value.d.guild_id;
	}
	return null;
}

/**
 * Decides whether to run `run(args)` for a plugin: yes for bot-wide calls (no guild), else only when the plugin is on
 * in the guild. Answers synchronously when the setting is cached, so events of one guild keep their order.
 * @returns `run`'s result, or undefined when dropped.
 */
export function runIfEnabled<T>(
	source: EnablementSource,
	plugin: string,
	guildId: string | null,
	run: () => T,
	onDrop?: (guildId: string) => void
): T | Promise<T | undefined> | undefined {
	if (guildId === null) return run();
	const cached = source.peekPluginEnabled(guildId, plugin);
	if (cached === true) return run();
	if (cached === false) {
		onDrop?.(guildId);
		return undefined;
	}
	return source.isPluginEnabled(guildId, plugin).then((enabled) => {
		if (enabled) return run();
		onDrop?.(guildId);
		return undefined;
	});
}

const GUARDED = Symbol('botPluginGuard');

interface GuardContext {
	registry: PluginRegistry;
	source: EnablementSource;
	onDrop?: GuardDropListener;
	/** Answers a button/menu/modal of a plugin that is off in the interaction's guild (translated notice). */
	onDisabledInteraction?: (interaction: unknown, plugin: AnyPluginManifest) => Promise<void> | void;
}

/** The bot whose guards apply (one bot per process; replaced when a new bot starts in the same process). */
let activeGuardContext: GuardContext | null = null;

/**
 * Wraps one loaded piece of a plugin so it never runs for a guild where the plugin is off:
 * - listeners: `run` is skipped for events of such guilds (bot-wide events still run);
 * - scheduled tasks: `run` is skipped when the payload's `guildId` names such a guild (payloads without one run);
 * - interaction handlers (buttons, menus, modals): an interaction the handler recognises as its own is answered with
 *   the translated "feature is off" notice and not run;
 * - commands: `autocompleteRun` answers with no suggestions (chat input runs are refused by the global
 *   `PluginEnabled` precondition, with a translated notice).
 * Pieces of the core and preconditions are left alone.
 */
export function guardPiece(piece: Piece, store: string, context: GuardContext): void {
	const plugin = context.registry.pluginOfPath(piece.location.full);
	if (!plugin || (piece as unknown as Record<symbol, unknown>)[GUARDED]) return;
	(piece as unknown as Record<symbol, unknown>)[GUARDED] = plugin.name;
	const drop = (guildId: string) => context.onDrop?.({ plugin: plugin.name, guildId, store, piece: piece.name });
	const target = piece as unknown as Record<string, (...args: unknown[]) => unknown>;
	const wrap = (method: string, whenDropped: (args: unknown[]) => unknown) => {
		const original = target[method];
		if (typeof original !== 'function') return;
		target[method] = function guarded(this: unknown, ...args: unknown[]) {
			const guildId = resolveGuildId(args);
			let dropped = false;
			const result = runIfEnabled(context.source, plugin.name, guildId, () => original.apply(piece, args), (id) => {
				dropped = true;
				drop(id);
			});
			if (result instanceof Promise) {
				return result.then((value) => (dropped ? whenDropped(args) : value));
			}
			return dropped ? whenDropped(args) : result;
		};
	};
	switch (store) {
		case 'listeners':
		case 'scheduled-tasks':
			wrap('run', () => undefined);
			break;
		case 'interaction-handlers': {
			// Only the handler knows whether an interaction is its own, so it parses first; one of its own in a guild
			// where the plugin is off is answered with the translated notice instead of being left unanswered.
			const parse = target.parse;
			if (typeof parse !== 'function') break;
			target.parse = async function guardedParse(this: unknown, ...args: unknown[]) {
				const parsed = (await parse.apply(piece, args)) as { isSome?: () => boolean };
				const guildId = resolveGuildId(args);
				if (!guildId || !parsed?.isSome?.()) return parsed;
				const enabled = context.source.peekPluginEnabled(guildId, plugin.name) ?? (await context.source.isPluginEnabled(guildId, plugin.name));
				if (enabled) return parsed;
				drop(guildId);
				await context.onDisabledInteraction?.(args[0], plugin);
				return (piece as unknown as { none(): unknown }).none();
			};
			break;
		}
		case 'commands':
			wrap('autocompleteRun', async (args) => {
				const interaction = args[0] as { responded?: boolean; respond?(choices: unknown[]): Promise<unknown> };
				if (!interaction.responded) await interaction.respond?.([]);
			});
			break;
		default:
			break;
	}
}

/**
 * Makes every store guard the plugin pieces it loads, for the bot that is active now ({@link setGuardContext}).
 * Patches each store's loader strategy `onLoad` once (strategies are shared between stores and between bots started
 * one after another in one process); safe to call again.
 */
export function installPieceGuards(stores: StoreRegistry): void {
	for (const store of stores.values() as IterableIterator<Store<Piece>>) {
		const strategy = store.strategy as unknown as Record<string | symbol, unknown> & { onLoad(store: Store<Piece>, piece: Piece): unknown };
		if (strategy[GUARDED]) continue;
		strategy[GUARDED] = true;
		const original = strategy.onLoad.bind(strategy);
		strategy.onLoad = (loadingStore: Store<Piece>, piece: Piece) => {
			if (activeGuardContext) guardPiece(piece, loadingStore.name, activeGuardContext);
			return original(loadingStore, piece);
		};
	}
}

/** Sets (or clears, with null) the registry and settings the piece guards consult. */
export function setGuardContext(context: GuardContext | null): void {
	activeGuardContext = context;
}

/** The plugin a loaded piece belongs to (after guarding), or null for the core's own pieces. */
export function pluginOfPiece(piece: Piece, registry: PluginRegistry): AnyPluginManifest | null {
	return registry.pluginOfPath(piece.location.full);
}
