import type { Command } from '@sapphire/framework';
import { PermissionFlagsBits } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { ModerationActionCommand } from './_action.js';

/** `/softban member [reason]`: bans and unbans at once to delete the member's last day of messages; they can join again. */
export class SoftbanCommand extends ModerationActionCommand {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, options, { name: 'softban', memberPermission: PermissionFlagsBits.BanMembers, target: 'member' });
	}

	protected act(interaction: GuildChatInputInteraction, target: { id: string }, reason: string | null) {
		return this.service.softban(interaction.guildId, { targetId: target.id, moderatorId: interaction.user.id, reason });
	}
}
