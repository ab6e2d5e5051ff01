import type { Command } from '@sapphire/framework';
import { MessageFlags, PermissionFlagsBits } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { localizedCommand, localizedOption } from '../../../lib/commands/localized.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import { MAX_REASON_LENGTH } from '../service/ModerationService.js';
import { NO_PINGS } from '../views/answers.js';
import { modLogEmbed } from '../views/modLog.js';

/**
 * `/case view number`, `/case reason number reason` (amends; the history of reasons is kept and the mod-log embed
 * edited), `/case delete number` (hides it, kept for the record; a pending ban end is cancelled). Moderate Members.
 * Unknown or deleted case numbers are answered with a translated refusal.
 */
export class CaseCommand extends PluginCommand<'moderation'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, {
			...options,
			name: 'case',
			plugin: 'moderation',
			memberPermission: PermissionFlagsBits.ModerateMembers,
			subcommands: [
				{ name: 'view', chatInputRun: 'chatInputView' },
				{ name: 'reason', chatInputRun: 'chatInputReason' },
				{ name: 'delete', chatInputRun: 'chatInputDelete' }
			]
		});
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, 'moderation:commands.case', (builder) =>
			builder
				.addSubcommand((sub) => localizedCommand(sub, 'moderation:commands.case.view').addIntegerOption((option) => localizedOption(option, 'moderation:options.number').setRequired(true).setMinValue(1)))
				.addSubcommand((sub) =>
					localizedCommand(sub, 'moderation:commands.case.reason')
						.addIntegerOption((option) => localizedOption(option, 'moderation:options.number').setRequired(true).setMinValue(1))
						.addStringOption((option) => localizedOption(option, 'moderation:options.newReason').setRequired(true).setMaxLength(MAX_REASON_LENGTH))
				)
				.addSubcommand((sub) => localizedCommand(sub, 'moderation:commands.case.delete').addIntegerOption((option) => localizedOption(option, 'moderation:options.number').setRequired(true).setMinValue(1)))
		);
	}

	/** `/case view number`: the case's embed, as in the mod log. @throws UserError `moderation:errors.unknownCase`. */
	public async chatInputView(interaction: GuildChatInputInteraction) {
		const { locale, t } = await translateInteraction(interaction);
		const number = interaction.options.getInteger('number', true);
		const record = await this.service.case(interaction.guildId, number);
		if (!record) return interaction.reply({ content: t('moderation:errors.unknownCase', { number }), flags: MessageFlags.Ephemeral });
		return interaction.reply({ embeds: [modLogEmbed(record, t, locale)], flags: MessageFlags.Ephemeral, ...NO_PINGS });
	}

	/** `/case reason number reason`. @throws the service's UserErrors (unknown or deleted case, empty or long reason). */
	public async chatInputReason(interaction: GuildChatInputInteraction) {
		const { t } = await translateInteraction(interaction);
		const number = interaction.options.getInteger('number', true);
		const record = await this.service.amendReason(interaction.guildId, number, interaction.options.getString('reason', true), interaction.user.id);
		return interaction.reply({ content: t('moderation:answers.amended', { number, reason: record.reason ?? '' }), flags: MessageFlags.Ephemeral, ...NO_PINGS });
	}

	/** `/case delete number`. @throws the service's UserErrors (unknown or already deleted case). */
	public async chatInputDelete(interaction: GuildChatInputInteraction) {
		const { t } = await translateInteraction(interaction);
		const number = interaction.options.getInteger('number', true);
		const { cancelledEnd } = await this.service.hideCase(interaction.guildId, number);
		const lines = [t('moderation:answers.deleted', { number }), cancelledEnd ? t('moderation:answers.deletedEndCancelled') : ''];
		return interaction.reply({ content: lines.filter(Boolean).join('\n'), flags: MessageFlags.Ephemeral });
	}
}
