import type { Command } from '@sapphire/framework';
import { MessageFlags, PermissionFlagsBits } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { localizedOption } from '../../../lib/commands/localized.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import { NO_PINGS } from '../views/answers.js';
import { warningsEmbed } from '../views/caseList.js';

/** `/warnings member`: the member's warnings that count now, those expired (past the guild's lifetime), and pardoned ones. */
export class WarningsCommand extends PluginCommand<'moderation'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'warnings', plugin: 'moderation', memberPermission: PermissionFlagsBits.ModerateMembers });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, 'moderation:commands.warnings', (builder) =>
			builder.addUserOption((option) => localizedOption(option, 'moderation:options.member').setRequired(true))
		);
	}

	protected override async runCommand(interaction: GuildChatInputInteraction) {
		const { t } = await translateInteraction(interaction);
		const user = interaction.options.getUser('member', true);
		const warnings = await this.service.warningsOf(interaction.guildId, user.id);
		return interaction.reply({ embeds: [warningsEmbed(t, user.id, warnings)], flags: MessageFlags.Ephemeral, ...NO_PINGS });
	}
}
