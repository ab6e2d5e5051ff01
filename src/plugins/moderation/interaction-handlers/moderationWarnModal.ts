import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import { MessageFlags, PermissionFlagsBits, type Interaction, type ModalSubmitInteraction } from 'discord.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { replyEphemeral } from '../../../lib/replies.js';
import { parseWarnModal, WARN_REASON_FIELD } from '../commands/_warnModal.js';
import { actionAnswer, NO_PINGS } from '../views/answers.js';

/**
 * The submission of the "Warn" context menu's modal (commands/moderationWarnMenu.ts): warns the user named in the
 * modal's custom id with the reason typed (blank: none) through the service, which makes every check (the reason
 * rules, the refusal rules, the guild's `requireReason`) and applies escalation; answers like `/warn`
 * (views/answers.ts `actionAnswer`), ephemeral. A member without Moderate Members (it was taken away since, or the
 * submission is forged) is refused and nothing happens. Refusals of the service are thrown as translated UserErrors,
 * answered by the core's `interactionHandlerErrorReply` listener.
 */
export class ModerationWarnModalHandler extends PluginInteractionHandler<'moderation'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'moderation', interactionHandlerType: InteractionHandlerTypes.ModalSubmit });
	}

	public parseInteraction(interaction: Interaction) {
		const parsed = interaction.isModalSubmit() && interaction.guildId ? parseWarnModal(interaction.customId) : null;
		return parsed ? this.some(parsed) : this.none();
	}

	public override async run(interaction: ModalSubmitInteraction, { userId }: { userId: string }) {
		const { locale, t } = await translateInteraction(interaction);
		if (!interaction.memberPermissions?.has(PermissionFlagsBits.ModerateMembers)) {
			return replyEphemeral(interaction, t('core:preconditions.preconditionUserPermissions', { permissions: t('core:permissions.ModerateMembers') }));
		}
		const reason = interaction.fields.getTextInputValue(WARN_REASON_FIELD);
		// The service calls Discord, sends a DM and writes PostgreSQL: more than Discord's 3 seconds to answer.
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		const result = await this.service.warn(interaction.guildId!, { targetId: userId, moderatorId: interaction.user.id, reason });
		return interaction.editReply({ content: actionAnswer(t, locale, result), ...NO_PINGS });
	}
}
