import { GatewayIntentBits, PermissionFlagsBits } from 'discord.js';
import { definePlugin } from '../../lib/plugins/definePlugin.js';
import { ModerationCase } from './entities/ModerationCase.js';
import { ModerationCaseCounter } from './entities/ModerationCaseCounter.js';
import { ModerationLockdown } from './entities/ModerationLockdown.js';
import { MODERATION_PLUGIN_NAME, moderationConfigSchema } from './lib/config.js';
import { ModerationService } from './service/ModerationService.js';

/**
 * Moderation (issue 8): warnings, timeouts, kicks, bans, softbans, unbans and notes recorded as cases numbered per
 * guild (gapless across processes), a mod-log channel with one embed per case, DMs to the member, warnings that expire,
 * escalation thresholds, temporary bans that end exactly once after any restart. Off until a guild turns it on with
 * `/plugins enable plugin:moderation`. Other plugins act through its service (`ctx.dependency('moderation')` with
 * `dependsOn: ['moderation']`). See docs/moderation.md.
 *
 * - Intents: Guilds (roles and channels), GuildMembers (privileged: members' roles for the refusal rules, member
 *   updates), GuildModeration (bans and GUILD_AUDIT_LOG_ENTRY_CREATE, for actions done by hand in Discord).
 * - Permissions: Ban Members (ban, softban, unban), Kick Members, Moderate Members (timeouts), Manage Messages
 *   (purge), Manage Channels (slowmode, lockdown), Manage Roles (lockdown's permission overwrites), View Audit Log
 *   (external cases), Send Messages + Embed Links + View Channel (the mod log).
 */
export const moderationPlugin = definePlugin({
	name: MODERATION_PLUGIN_NAME,
	configSchema: moderationConfigSchema,
	entities: [ModerationCase, ModerationCaseCounter, ModerationLockdown],
	enabledByDefault: false,
	directory: import.meta.dirname,
	intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers, GatewayIntentBits.GuildModeration],
	permissions: [
		PermissionFlagsBits.BanMembers,
		PermissionFlagsBits.KickMembers,
		PermissionFlagsBits.ModerateMembers,
		PermissionFlagsBits.ManageMessages,
		PermissionFlagsBits.ManageChannels,
		PermissionFlagsBits.ManageRoles,
		PermissionFlagsBits.ViewAuditLog,
		PermissionFlagsBits.SendMessages,
		PermissionFlagsBits.EmbedLinks,
		PermissionFlagsBits.ViewChannel
	],
	// Nothing cached: commands get their member and target from the interaction, and every action fetches the members
	// it checks (service/discord.ts `fetchMember`), as it must in a process that does not hold the guild's shard.
	caches: {},
	/** The service: the plugin's public API (service/ModerationService.ts); it holds no state of its own. */
	setup: (ctx) => new ModerationService(ctx),
	/**
	 * Every shard of this process is ready: put back in the task queue the end of every temporary ban and timed lockdown
	 * still running whose job is missing (Redis lost it, or scheduling failed right after the action). Keyed jobs make
	 * this harmless in every process at once.
	 */
	async onReady(service) {
		const seen = await service.reconcileTemporaryBans();
		if (seen > 0) service.ctx.logger.info(`Checked the scheduled end of ${seen} running temporary ban(s)`);
		const lockdowns = await service.channels.reconcileLockdownEnds();
		if (lockdowns > 0) service.ctx.logger.info(`Checked the scheduled end of ${lockdowns} timed lockdown(s)`);
	}
});

declare module '../../lib/plugins/services.js' {
	interface PluginServices {
		moderation: ModerationService;
	}
}
