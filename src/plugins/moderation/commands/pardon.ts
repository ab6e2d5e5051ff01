import type { Command } from '@sapphire/framework';
import { MessageFlags, PermissionFlagsBits } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { localizedOption } from '../../../lib/commands/localized.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';

/** `/pardon case`: a warning stops counting towards escalation (kept in the history). Moderate Members. */
export class PardonCommand extends PluginCommand<'moderation'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'pardon', plugin: 'moderation', memberPermission: PermissionFlagsBits.ModerateMembers });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, 'moderation:commands.pardon', (builder) =>
			builder.addIntegerOption((option) => localizedOption(option, 'moderation:options.case').setRequired(true).setMinValue(1))
		);
	}

	/** @throws the service's UserErrors: unknown or deleted case, not a warning, already pardoned. */
	protected override async runCommand(interaction: GuildChatInputInteraction) {
		const { t } = await translateInteraction(interaction);
		const number = interaction.options.getInteger('case', true);
		await this.service.pardon(interaction.guildId, number, interaction.user.id);
		return interaction.reply({ content: t('moderation:answers.pardoned', { number }), flags: MessageFlags.Ephemeral });
	}
}
