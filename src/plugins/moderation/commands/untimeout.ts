import type { Command } from '@sapphire/framework';
import { PermissionFlagsBits } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { ModerationActionCommand } from './_action.js';

/** `/untimeout member [reason]`: lifts a member's timeout early. */
export class UntimeoutCommand extends ModerationActionCommand {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, options, { name: 'untimeout', memberPermission: PermissionFlagsBits.ModerateMembers, target: 'member' });
	}

	protected act(interaction: GuildChatInputInteraction, target: { id: string }, reason: string | null) {
		return this.service.untimeout(interaction.guildId, { targetId: target.id, moderatorId: interaction.user.id, reason });
	}
}
