import type { Command } from '@sapphire/framework';
import { MessageFlags, PermissionFlagsBits } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { localizedOption } from '../../../lib/commands/localized.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import { NO_PINGS } from '../views/answers.js';
import { casesMessage } from '../views/caseList.js';

/** `/cases member`: the member's moderation history, newest first, ten a page with buttons. Moderate Members. */
export class CasesCommand extends PluginCommand<'moderation'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'cases', plugin: 'moderation', memberPermission: PermissionFlagsBits.ModerateMembers });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, 'moderation:commands.cases', (builder) =>
			builder.addUserOption((option) => localizedOption(option, 'moderation:options.user').setRequired(true))
		);
	}

	protected override async runCommand(interaction: GuildChatInputInteraction) {
		const { t } = await translateInteraction(interaction);
		const user = interaction.options.getUser('user', true);
		const page = await this.service.casesOf(interaction.guildId, user.id, 1);
		return interaction.reply({ ...casesMessage(t, user.id, page), flags: MessageFlags.Ephemeral, ...NO_PINGS });
	}
}
