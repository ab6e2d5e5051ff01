import type { Command } from '@sapphire/framework';
import { PermissionFlagsBits } from 'discord.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import { warnModal } from './_warnModal.js';

/**
 * The "Warn" user context menu (Apps → Warn on a member): opens a modal asking for the reason
 * (commands/_warnModal.ts); submitting it warns the member through the service, with the escalation step it crosses,
 * and answers like `/warn` (interaction-handlers/moderationWarnModal.ts). Moderate Members, declared to Discord and
 * checked by the bot, here and again when the modal is submitted. Every refusal (the target is the moderator, the
 * owner, above them, ...) is decided by the service at submission.
 */
export class ModerationWarnMenuCommand extends PluginCommand<'moderation'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'moderationWarnMenu', plugin: 'moderation', memberPermission: PermissionFlagsBits.ModerateMembers });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerUserContextMenu(registry, 'moderation:menus.warn');
	}

	public override async contextMenuRun(interaction: Command.ContextMenuCommandInteraction) {
		if (!interaction.isUserContextMenuCommand() || !interaction.guildId) return;
		const { t } = await translateInteraction(interaction);
		const { requireReason } = await this.service.ctx.config(interaction.guildId);
		await interaction.showModal(warnModal(t, interaction.targetUser, requireReason));
	}
}
