import { GatewayIntentBits, PermissionFlagsBits } from 'discord.js';
import { definePlugin } from '../../lib/plugins/definePlugin.js';
import { AUTOMOD_PLUGIN_NAME, automodConfigSchema } from './lib/config.js';
import { AutomodService, type AutomodContext } from './service/AutomodService.js';

/**
 * Automod (issue 9): filters on every message (words with look-alike folding, RE2 regexes, invites, links, mass
 * mentions, @everyone, caps, lines, emoji, attachments, message rate, repeated messages), each with its own actions,
 * exemptions and stricter actions for new accounts; strikes in Redis sliding windows that escalate into moderation
 * cases; Discord's native AutoMod both ways (sync of our lists into native rules, native executions become strikes and
 * cases). Off until a guild turns it on; depends on moderation (its punishments are moderation cases). See
 * docs/automod.md.
 *
 * - Intents: GuildMessages (MESSAGE_CREATE/UPDATE), MessageContent (privileged: the text of messages; without it the
 *   bot still starts, content filters see nothing and `/automod status` says so, native AutoMod still works),
 *   AutoModerationExecution (native executions), AutoModerationConfiguration (the native rules cache).
 * - Permissions: Manage Messages (delete), Moderate Members / Kick Members / Ban Members (punishments, through
 *   moderation), Manage Server (native rules, and to receive their executions), Send Messages + Embed Links (notices
 *   and alerts), View Channel, Read Message History.
 */
export const automodPlugin = definePlugin({
	name: AUTOMOD_PLUGIN_NAME,
	configSchema: automodConfigSchema,
	dependsOn: ['moderation'],
	// No tables: the config lives in guild settings, strikes and spam windows in Redis, cases in moderation's tables.
	entities: [],
	enabledByDefault: false,
	directory: import.meta.dirname,
	intents: [
		GatewayIntentBits.Guilds,
		GatewayIntentBits.GuildMessages,
		GatewayIntentBits.MessageContent,
		GatewayIntentBits.AutoModerationExecution,
		GatewayIntentBits.AutoModerationConfiguration
	],
	permissions: [
		PermissionFlagsBits.ManageMessages,
		PermissionFlagsBits.ModerateMembers,
		PermissionFlagsBits.KickMembers,
		PermissionFlagsBits.BanMembers,
		PermissionFlagsBits.ManageGuild,
		PermissionFlagsBits.SendMessages,
		PermissionFlagsBits.EmbedLinks,
		PermissionFlagsBits.ViewChannel,
		PermissionFlagsBits.ReadMessageHistory
	],
	// Exemptions read the author's roles and permissions from `message.member` as the message arrives (fetched when it
	// is not cached, service/AutomodService.ts); edits of any message are checked, cached or not (partial messages,
	// listeners/automodMessageUpdate.ts), so no message cache is needed.
	caches: { members: ['messageAuthors'], partialMessages: true },
	/** The service: the message path, actions, strikes and native rules (service/AutomodService.ts); no state of its own. */
	setup: (ctx: AutomodContext) => new AutomodService(ctx)
});

declare module '../../lib/plugins/services.js' {
	interface PluginServices {
		automod: AutomodService;
	}
}
