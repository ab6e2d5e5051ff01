import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * One row per guild that changed a setting (guilds that never did use the defaults and have no row).
 * - `guildId`: the guild's snowflake (Discord ids fit in 20 digits).
 * - `language`: the locale chosen with `/language set` (a folder of `locales/`), or null to follow the guild's
 *   preferred locale.
 * - `plugins`: plugin name -> on/off, only for plugins the guild switched itself (others follow their default).
 * - `pluginConfigs`: plugin name -> the config values the guild set (validated against the plugin's zod schema on
 *   write; missing fields take their defaults on read).
 * - `version`: incremented on every write; lets caches keep only the newest copy.
 */
export const GuildSettings = defineEntity({
	name: 'GuildSettings',
	tableName: 'guild_settings',
	properties: {
		guildId: p.string().length(20).primary(),
		language: p.string().length(16).nullable(),
		plugins: p.json<Record<string, boolean>>(),
		pluginConfigs: p.json<Record<string, Record<string, unknown>>>(),
		version: p.integer().version(),
		createdAt: p.datetime().onCreate(() => new Date()),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date())
	}
});

/** A loaded `guild_settings` row. */
export type GuildSettingsRow = InferEntity<typeof GuildSettings>;
