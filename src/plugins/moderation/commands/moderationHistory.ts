import type { Command } from '@sapphire/framework';
import { MessageFlags, PermissionFlagsBits } from 'discord.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import { NO_PINGS } from '../views/answers.js';
import { casesMessage } from '../views/caseList.js';

/**
 * The "Moderation history" user context menu (Apps → Moderation history on a member): the first page of the user's
 * cases, newest first, as `/cases` shows it, ephemeral, with the same previous/next buttons
 * (interaction-handlers/moderationCasesButton.ts). Moderate Members, declared to Discord and checked by the bot.
 */
export class ModerationHistoryCommand extends PluginCommand<'moderation'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'moderationHistory', plugin: 'moderation', memberPermission: PermissionFlagsBits.ModerateMembers });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerUserContextMenu(registry, 'moderation:menus.history');
	}

	public override async contextMenuRun(interaction: Command.ContextMenuCommandInteraction) {
		// Registered as a USER command only (a MESSAGE command of the same name would be another registration).
		if (!interaction.isUserContextMenuCommand() || !interaction.guildId) return;
		const { t } = await translateInteraction(interaction);
		const page = await this.service.casesOf(interaction.guildId, interaction.targetId, 1);
		await interaction.reply({ ...casesMessage(t, interaction.targetId, page), flags: MessageFlags.Ephemeral, ...NO_PINGS });
	}
}
