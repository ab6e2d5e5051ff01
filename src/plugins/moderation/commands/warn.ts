import type { Command } from '@sapphire/framework';
import { PermissionFlagsBits } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { ModerationActionCommand } from './_action.js';

/** `/warn member [reason]`: a warning case; applies the guild's escalation step when this warning crosses one. */
export class WarnCommand extends ModerationActionCommand {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, options, { name: 'warn', memberPermission: PermissionFlagsBits.ModerateMembers, target: 'member' });
	}

	protected act(interaction: GuildChatInputInteraction, target: { id: string }, reason: string | null) {
		return this.service.warn(interaction.guildId, { targetId: target.id, moderatorId: interaction.user.id, reason });
	}
}
