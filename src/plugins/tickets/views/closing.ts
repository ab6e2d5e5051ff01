import {
	ActionRowBuilder,
	ButtonBuilder,
	ButtonStyle,
	LabelBuilder,
	ModalBuilder,
	TextInputBuilder,
	TextInputStyle,
	TimestampStyles,
	time,
	type MessageCreateOptions
} from 'discord.js';
import type { Translate } from '../../../lib/i18n.js';
import { fitContent } from '../../../lib/replies.js';
import { buildCustomId } from '../../../lib/customId.js';
import { TICKETS_PLUGIN_NAME } from '../lib/config.js';
import { TICKET_ACTIONS } from './customIds.js';
import { formatTicketNumber } from '../lib/naming.js';

/**
 * The messages and components of closing a ticket (service/closing.ts, admin/closeCommands.ts): the confirmation, the
 * "closed" notice with its Reopen button, the close request with Keep open, the inactivity warning, the feedback
 * prompt with its rating buttons and the comment modal. Texts come from `tickets:close`, `closeRequest`, `reopen`,
 * `autoClose` and `feedback` of locales/<locale>/tickets.json.
 */

/** The longest close reason kept: 1,000 characters (`/ticket close` says so too; a staff log embed field holds 1,024). */
export const CLOSE_REASON_MAX = 1_000;

/** The longest feedback comment: 1,000 characters (issue 10; the modal's text input enforces it too). */
export const FEEDBACK_COMMENT_MAX = 1_000;

/** Ratings offered after close: 1 to 5 (issue 10). */
export const RATINGS = [1, 2, 3, 4, 5] as const;

/** Discord's limit on a modal's title: 45 characters. */
const MODAL_TITLE_MAX = 45;

/** The custom id of the comment modal's text input: `tickets:comment-text`. */
export const COMMENT_FIELD = buildCustomId(TICKETS_PLUGIN_NAME, 'comment-text');

/** The Close / Cancel buttons under a close confirmation. */
export function confirmCloseRow(t: Translate, ticketId: number): ActionRowBuilder<ButtonBuilder> {
	return new ActionRowBuilder<ButtonBuilder>().addComponents(
		new ButtonBuilder().setCustomId(buildCustomId(TICKETS_PLUGIN_NAME, TICKET_ACTIONS.closeConfirm, ticketId)).setStyle(ButtonStyle.Danger).setLabel(t('tickets:close.confirmButton')),
		new ButtonBuilder().setCustomId(buildCustomId(TICKETS_PLUGIN_NAME, TICKET_ACTIONS.closeCancel, ticketId)).setStyle(ButtonStyle.Secondary).setLabel(t('tickets:close.cancelButton'))
	);
}

/** The text of a close confirmation (with the reason given, if any). */
export function confirmCloseText(t: Translate, number: string, reason: string | null): string {
	return reason ? t('tickets:close.confirmReason', { number, reason }) : t('tickets:close.confirm', { number });
}

/** The Reopen button under a "closed" notice. */
export function reopenRow(t: Translate, ticketId: number): ActionRowBuilder<ButtonBuilder> {
	return new ActionRowBuilder<ButtonBuilder>().addComponents(
		new ButtonBuilder().setCustomId(buildCustomId(TICKETS_PLUGIN_NAME, TICKET_ACTIONS.reopen, ticketId)).setStyle(ButtonStyle.Secondary).setLabel(t('tickets:close.reopenButton'))
	);
}

/**
 * The notice posted in a ticket when it closes: who closed it and why; in channel mode when the channel will be
 * deleted (`deleteAt`, ms) and a Reopen button; in thread mode the Reopen button only. Pings nobody.
 */
export function closedNotice(
	t: Translate,
	ticket: { id: number; number: number },
	closer: string,
	reason: string | null,
	deleteAt: number | null
): MessageCreateOptions {
	const lines = [
		reason ? t('tickets:close.closedByReason', { number: formatTicketNumber(ticket.number), user: closer, reason }) : t('tickets:close.closedBy', { number: formatTicketNumber(ticket.number), user: closer }),
		deleteAt !== null ? t('tickets:close.deletesAt', { time: time(Math.ceil(deleteAt / 1_000), TimestampStyles.RelativeTime) }) : t('tickets:close.reopenHint')
	];
	return { content: fitContent(lines.join('\n')), components: [reopenRow(t, ticket.id)], allowedMentions: { parse: [] } };
}

/** The Keep open button under a close request. */
export function keepOpenRow(t: Translate, ticketId: number): ActionRowBuilder<ButtonBuilder> {
	return new ActionRowBuilder<ButtonBuilder>().addComponents(
		new ButtonBuilder().setCustomId(buildCustomId(TICKETS_PLUGIN_NAME, TICKET_ACTIONS.keepOpen, ticketId)).setStyle(ButtonStyle.Success).setLabel(t('tickets:closeRequest.keepOpenButton'))
	);
}

/** The text of a close request: the opener (pinged), the staff member, the reason, when it closes (`closesAt`, ms). */
export function closeRequestText(t: Translate, openerId: string, staffId: string, reason: string | null, closesAt: number): string {
	const values = { opener: `<@${openerId}>`, staff: `<@${staffId}>`, time: time(Math.ceil(closesAt / 1_000), TimestampStyles.RelativeTime) };
	return fitContent(reason ? t('tickets:closeRequest.messageReason', { ...values, reason }) : t('tickets:closeRequest.message', values));
}

/** The inactivity warning: how long the ticket has been quiet, and when it closes (`closesAt`, ms). */
export function inactivityWarning(t: Translate, inactive: string, closesAt: number): MessageCreateOptions {
	return { content: t('tickets:autoClose.warning', { inactive, time: time(Math.ceil(closesAt / 1_000), TimestampStyles.RelativeTime) }), allowedMentions: { parse: [] } };
}

/**
 * The rating buttons (1 to 5, the chosen one highlighted) and, once rated, the "Add a comment" button.
 * @param rating the opener's rating so far, or null.
 */
export function feedbackRows(t: Translate, ticketId: number, rating: number | null): ActionRowBuilder<ButtonBuilder>[] {
	const ratings = new ActionRowBuilder<ButtonBuilder>().addComponents(
		RATINGS.map((value) =>
			new ButtonBuilder()
				.setCustomId(buildCustomId(TICKETS_PLUGIN_NAME, TICKET_ACTIONS.rate, ticketId, value))
				.setStyle(value === rating ? ButtonStyle.Primary : ButtonStyle.Secondary)
				.setEmoji('⭐')
				.setLabel(String(value))
		)
	);
	if (rating === null) return [ratings];
	return [
		ratings,
		new ActionRowBuilder<ButtonBuilder>().addComponents(
			new ButtonBuilder().setCustomId(buildCustomId(TICKETS_PLUGIN_NAME, TICKET_ACTIONS.comment, ticketId)).setStyle(ButtonStyle.Secondary).setLabel(t('tickets:feedback.commentButton'))
		)
	];
}

/** The comment modal: one paragraph of at most {@link FEEDBACK_COMMENT_MAX} characters, prefilled with the last comment. */
export function commentModal(t: Translate, ticket: { id: number; number: number }, current: string | null): ModalBuilder {
	const title = t('tickets:feedback.modalTitle', { number: formatTicketNumber(ticket.number) });
	const input = new TextInputBuilder().setCustomId(buildCustomId(TICKETS_PLUGIN_NAME, 'comment-text')).setStyle(TextInputStyle.Paragraph).setMaxLength(FEEDBACK_COMMENT_MAX).setMinLength(1).setRequired(true);
	if (current) input.setValue(current.slice(0, FEEDBACK_COMMENT_MAX));
	return new ModalBuilder()
		.setCustomId(buildCustomId(TICKETS_PLUGIN_NAME, TICKET_ACTIONS.commentModal, ticket.id))
		.setTitle(title.length <= MODAL_TITLE_MAX ? title : `${title.slice(0, MODAL_TITLE_MAX - 1)}…`)
		.addLabelComponents(new LabelBuilder().setLabel(t('tickets:feedback.modalLabel')).setDescription(t('tickets:feedback.modalHint')).setTextInputComponent(input));
}
