import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import type { Interaction, ModalSubmitInteraction } from 'discord.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { MAX_QUESTIONS } from '../lib/config.js';
import { answerFieldId, parseOpenModal } from '../views/openModal.js';
import { memberRoleIds, openAndAnswer } from './_ticketsOpen.js';

/**
 * The questions modal of a ticket type (`tickets:open-modal:<type id>:<panel id>`, views/openModal.ts): opens the
 * ticket with the answers. Every check of the open is made again (the member may have lost a role meanwhile), and the
 * answers are checked against the type's questions as they are now (required, minimum and maximum length: a forged
 * submission outside them is refused, lib/answers.ts).
 */
export class TicketsOpenModalHandler extends PluginInteractionHandler<'tickets'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'tickets', interactionHandlerType: InteractionHandlerTypes.ModalSubmit });
	}

	public parseInteraction(interaction: Interaction) {
		const parsed = interaction.isModalSubmit() && interaction.guildId ? parseOpenModal(interaction.customId) : null;
		return parsed ? this.some(parsed) : this.none();
	}

	public override run(interaction: ModalSubmitInteraction, { typeId, panelId }: { typeId: string; panelId: string }) {
		const answers = Array.from({ length: MAX_QUESTIONS }, (_, index) => submitted(interaction, answerFieldId(index)));
		return openAndAnswer(this.service, interaction, {
			guildId: interaction.guildId!,
			typeId,
			panelId,
			userId: interaction.user.id,
			username: interaction.user.username,
			roleIds: memberRoleIds(interaction),
			answers
		});
	}
}

/** The value of a text input of the submission, or null when it carries none with that custom id. */
function submitted(interaction: ModalSubmitInteraction, customId: string): string | null {
	try {
		return interaction.fields.getTextInputValue(customId);
	} catch {
		return null;
	}
}
