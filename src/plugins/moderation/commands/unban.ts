import type { Command } from '@sapphire/framework';
import { PermissionFlagsBits } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { ModerationActionCommand } from './_action.js';

/** `/unban user [reason]`: lifts a ban (and cancels the pending end of a temporary one). */
export class UnbanCommand extends ModerationActionCommand {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, options, { name: 'unban', memberPermission: PermissionFlagsBits.BanMembers, target: 'user' });
	}

	protected act(interaction: GuildChatInputInteraction, target: { id: string }, reason: string | null) {
		return this.service.unban(interaction.guildId, { targetId: target.id, moderatorId: interaction.user.id, reason });
	}
}
