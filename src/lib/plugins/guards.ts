import { Guild } from 'discord.js';

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
