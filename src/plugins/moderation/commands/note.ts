import type { Command } from '@sapphire/framework';
import { MessageFlags, PermissionFlagsBits } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { localizedOption } from '../../../lib/commands/localized.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import { MAX_REASON_LENGTH } from '../service/ModerationService.js';
import { NO_PINGS, userMention } from '../views/answers.js';

/** `/note member text`: a note case on a member, for moderators only (no DM, no Discord action). */
export class NoteCommand extends PluginCommand<'moderation'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'note', plugin: 'moderation', memberPermission: PermissionFlagsBits.ModerateMembers });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, 'moderation:commands.note', (builder) =>
			builder
				.addUserOption((option) => localizedOption(option, 'moderation:options.member').setRequired(true))
				.addStringOption((option) => localizedOption(option, 'moderation:options.text').setRequired(true).setMaxLength(MAX_REASON_LENGTH))
		);
	}

	protected override async runCommand(interaction: GuildChatInputInteraction) {
		const { t } = await translateInteraction(interaction);
		const target = interaction.options.getUser('member', true);
		const record = await this.service.note(interaction.guildId, { targetId: target.id, moderatorId: interaction.user.id, text: interaction.options.getString('text', true) });
		return interaction.reply({ content: t('moderation:answers.note', { number: record.number, user: userMention(target.id) }), flags: MessageFlags.Ephemeral, ...NO_PINGS });
	}
}
