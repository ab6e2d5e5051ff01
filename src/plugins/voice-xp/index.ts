import { GatewayIntentBits, PermissionFlagsBits } from 'discord.js';
import { definePlugin } from '../../lib/plugins/definePlugin.js';
import { VoiceMemberStats } from './entities/VoiceMemberStats.js';
import { VOICE_XP_PLUGIN_NAME, voiceXpConfigSchema } from './lib/config.js';
import { VoiceXpPlugin } from './service/runtime.js';

/**
 * Voice XP (issue 4): members earn XP for time spent talking in voice with others, climb levels (MEE6 curve), get role
 * tiers for their voice time, and see it with `/rank` and `/leaderboard`; admins use `/xp`. On in every guild unless
 * turned off there with `/plugins disable plugin:voice-xp` (or bot-wide in config/defaults.json). See docs/voice-xp.md.
 *
 * - Intents: Guilds (channels, roles, AFK channel), GuildVoiceStates (voice states, VOICE_STATE_UPDATE), GuildMembers
 *   (privileged: members leaving; members' roles for tiers).
 * - Permissions: Manage Roles (tier roles), Send Messages + Embed Links + View Channel (level-up announcements, /rank).
 */
export const voiceXpPlugin = definePlugin({
	name: VOICE_XP_PLUGIN_NAME,
	configSchema: voiceXpConfigSchema,
	entities: [VoiceMemberStats],
	enabledByDefault: true,
	directory: import.meta.dirname,
	intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates, GatewayIntentBits.GuildMembers],
	permissions: [PermissionFlagsBits.ManageRoles, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks, PermissionFlagsBits.ViewChannel],
	// Sessions are built from the voice states in the guild caches, and a voice state's member tells bots apart
	// (service/discordState.ts). Tier roles and level-ups of a member not in voice fetch the member (service/effects.ts).
	caches: { members: ['voice'] },
	/** The service: live sessions and the flush loop of this process (service/runtime.ts). */
	setup(ctx) {
		const service = new VoiceXpPlugin(ctx);
		service.start();
		return service;
	},
	/** Every shard of this process is ready: rebuild the live sessions from the voice states in the guild caches. */
	async onReady(service) {
		await service.sessions.rebuildAll();
	},
	/** Off: write the guild's time and drop its sessions. On: start its sessions from the voice states. */
	async onGuildToggle(service, guildId, enabled) {
		if (!enabled) return service.sessions.dropGuild(guildId);
		const guild = service.ctx.client.guilds.cache.get(guildId);
		if (guild) await service.sessions.rebuildGuild(guild);
	},
	/** SIGTERM/SIGINT: write every guild's accrued time (a crash loses at most one flush interval). */
	async onShutdown(service) {
		await service.sessions.shutdown();
	},
	/** Dropped without a flush (a crash in tests): stop the loop, write nothing. */
	onCrash(service) {
		service.stop();
	}
});

declare module '../../lib/plugins/services.js' {
	interface PluginServices {
		'voice-xp': VoiceXpPlugin;
	}
}
