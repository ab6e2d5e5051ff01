import { InteractionHandler, InteractionHandlerTypes } from '@sapphire/framework';
import { PermissionFlagsBits, type ButtonInteraction, type Interaction } from 'discord.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { replyEphemeral } from '../../../lib/replies.js';
import { NO_PINGS } from '../views/answers.js';
import { casesMessage, parseCasesButton } from '../views/caseList.js';

/**
 * The previous/next buttons of `/cases` and "Moderation history": replace the message with the page the button
 * names. The history is for moderators: a member without Moderate Members pressing it is refused.
 */
export class ModerationCasesButtonHandler extends PluginInteractionHandler<'moderation'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'moderation', interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public parseInteraction(interaction: Interaction) {
		const parsed = interaction.isButton() && interaction.guildId ? parseCasesButton(interaction.customId) : null;
		return parsed ? this.some(parsed) : this.none();
	}

	public override async run(interaction: ButtonInteraction, { userId, page }: { userId: string; page: number }) {
		const { t } = await translateInteraction(interaction);
		if (!interaction.memberPermissions?.has(PermissionFlagsBits.ModerateMembers)) {
			return replyEphemeral(interaction, t('core:preconditions.preconditionUserPermissions', { permissions: t('core:permissions.ModerateMembers') }));
		}
		const cases = await this.service.casesOf(interaction.guildId!, userId, page);
		return interaction.update({ ...casesMessage(t, userId, cases), ...NO_PINGS });
	}
}
