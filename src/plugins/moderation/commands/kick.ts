import type { Command } from '@sapphire/framework';
import { PermissionFlagsBits } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { ModerationActionCommand } from './_action.js';

/** `/kick member [reason]`: tells the member by DM first (when the guild wants it), then kicks them. */
export class KickCommand extends ModerationActionCommand {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, options, { name: 'kick', memberPermission: PermissionFlagsBits.KickMembers, target: 'member' });
	}

	protected act(interaction: GuildChatInputInteraction, target: { id: string }, reason: string | null) {
		return this.service.kick(interaction.guildId, { targetId: target.id, moderatorId: interaction.user.id, reason });
	}
}
