import type { Listener } from '@sapphire/framework';
import { Events, type Guild, type GuildAuditLogsEntry } from 'discord.js';
import { PluginListener } from '../../../lib/plugins/pieces.js';
import { externalActionOf } from '../lib/auditLog.js';

/**
 * GUILD_AUDIT_LOG_ENTRY_CREATE (intent GuildModeration, permission View Audit Log): a ban, unban, kick or timeout done
 * by hand in Discord, or by another bot, becomes a case of source `external` with the moderator and reason Discord
 * recorded (lib/auditLog.ts decides which entries count; the bot's own actions are already cases). Runs in the process
 * that holds the guild's shard, only where the plugin is on.
 */
export class ModerationAuditLogEntryListener extends PluginListener<'moderation', typeof Events.GuildAuditLogEntryCreate> {
	public constructor(context: Listener.LoaderContext, options: Listener.Options) {
		super(context, { ...options, plugin: 'moderation', event: Events.GuildAuditLogEntryCreate });
	}

	public async handle(entry: GuildAuditLogsEntry, guild: Guild): Promise<void> {
		const botId = this.container.client.user?.id;
		if (!botId) return;
		const action = externalActionOf(
			{ action: entry.action, executorId: entry.executorId, targetId: entry.targetId, reason: entry.reason, changes: entry.changes },
			botId
		);
		if (action) await this.service.recordExternal(guild.id, action, entry.id);
	}
}
