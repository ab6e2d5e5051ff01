/**
 * Shapes shared by the parts of the guild settings service (src/lib/settings/): the cache (SettingsCache.ts), the
 * change bus between processes (SettingsChangeBus.ts) and the service itself (GuildSettingsService.ts).
 */

/** A guild's settings as stored: what the guild chose itself. Defaults are applied when reading through the service. */
export interface GuildSettingsSnapshot {
	guildId: string;
	/** Incremented by every write; 0 for a guild without a row (all defaults). */
	version: number;
	/** Locale chosen with `/language set`, or null. */
	language: string | null;
	/** Plugins the guild switched on or off itself (the raw switches; dependencies are not applied here). */
	plugins: Readonly<Record<string, boolean>>;
	/** Config values the guild set, per plugin (validated on write). */
	pluginConfigs: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * A plugin whose effective state (its own switch and every plugin it depends on) changed in a guild; delivered in
 * every process. See GuildSettingsService.onPluginToggle.
 */
export interface PluginToggle {
	guildId: string;
	plugin: string;
	/** The plugin's effective state now. */
	enabled: boolean;
}

/** A toggle without its guild, as carried by a change message. */
export interface PluginState {
	plugin: string;
	enabled: boolean;
}

/** The minimal logger the settings parts write to (the bot's BotLogger fits). */
export interface SettingsLogger {
	debug(...values: unknown[]): void;
	info(...values: unknown[]): void;
	warn(...values: unknown[]): void;
	error(...values: unknown[]): void;
}

/** A logger that drops everything (when the caller gives none). */
export const noopLogger: SettingsLogger = Object.freeze({ debug() {}, info() {}, warn() {}, error() {} });
