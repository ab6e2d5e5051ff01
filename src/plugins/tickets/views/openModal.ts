import { LabelBuilder, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import { buildCustomId, matchCustomId } from '../../../lib/customId.js';
import type { Translate } from '../../../lib/i18n.js';
import { slugSchema, TICKETS_PLUGIN_NAME, type TicketsConfig } from '../lib/config.js';
import { cutText } from '../lib/naming.js';
import { TICKET_ACTIONS } from './customIds.js';

/**
 * The questions modal of a ticket type (issue 10): one text input per question (at most 5, Discord's limit), with the
 * question's label, style (short or paragraph), required flag, minimum and maximum length and placeholder. Its custom
 * id carries the type and the panel (`tickets:open-modal:<type id>:<panel id>`) and each input its question's index
 * (`tickets:answer:<index>`), so a submission needs nothing kept in memory and is answered by any process. Discord's
 * client enforces the limits; interaction-handlers/ticketsOpenModal.ts checks them again (lib/answers.ts).
 */

type TypeConfig = TicketsConfig['types'][number];

/** Discord's limit on a modal's title: 45 characters. */
const MODAL_TITLE_MAX = 45;

/** The custom id of the text input of question `index` (0-based). */
export function answerFieldId(index: number): string {
	return buildCustomId(TICKETS_PLUGIN_NAME, TICKET_ACTIONS.answer, index);
}

/** The questions modal of `type`, shown from the panel `panelId`. */
export function openModal(t: Translate, type: TypeConfig, panelId: string): ModalBuilder {
	return new ModalBuilder()
		.setCustomId(buildCustomId(TICKETS_PLUGIN_NAME, TICKET_ACTIONS.openModal, type.id, panelId))
		.setTitle(cutText(t('tickets:open.modalTitle', { type: type.name }), MODAL_TITLE_MAX))
		.addLabelComponents(
			type.questions.map((question, index) => {
				const input = new TextInputBuilder()
					.setCustomId(buildCustomId(TICKETS_PLUGIN_NAME, TICKET_ACTIONS.answer, index))
					.setStyle(question.style === 'paragraph' ? TextInputStyle.Paragraph : TextInputStyle.Short)
					.setRequired(question.required)
					.setMaxLength(question.maxLength);
				if (question.minLength > 0) input.setMinLength(question.minLength);
				if (question.placeholder) input.setPlaceholder(question.placeholder);
				return new LabelBuilder().setLabel(question.label).setTextInputComponent(input);
			})
		);
}

/** The type and panel of a submitted questions modal, from its custom id; null when the id is not one. */
export function parseOpenModal(customId: string): { typeId: string; panelId: string } | null {
	const args = matchCustomId(customId, TICKETS_PLUGIN_NAME, TICKET_ACTIONS.openModal);
	if (args?.length !== 2 || !slugSchema.safeParse(args[0]).success || !slugSchema.safeParse(args[1]).success) return null;
	return { typeId: args[0]!, panelId: args[1]! };
}
