import { MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { AdminHandler } from '../../../lib/commands/adminContext.js';
import { durationMs, formatDuration } from '../../../lib/durations.js';
import { translatedUserError } from '../../../lib/errors.js';
import { formatPermissions, type Translate } from '../../../lib/i18n.js';
import { NO_PINGS } from '../../../lib/replies.js';
import { CLOSE_REQUEST_MAX_MS, CLOSE_REQUEST_MIN_MS, isTicketStaff, memberFacts, type ReopenResult } from '../service/closing.js';
import type { TicketRecord } from '../service/store.js';
import type { TicketService } from '../service/TicketService.js';
import { CLOSE_REASON_MAX, closeRequestText, confirmCloseRow, confirmCloseText, keepOpenRow } from '../views/closing.js';
import { formatTicketNumber } from '../lib/naming.js';

/**
 * The closing subcommands of `/ticket` (commands/ticket.ts), used inside a ticket channel or thread, and what the
 * buttons doing the same share with them:
 * - `close [reason]`: the opener or staff (a staff role of the ticket's type, or Manage Server); answers with a
 *   confirmation (Close / Cancel) only they see. The welcome message's Close button does the same without a reason.
 * - `close-request [delay] [reason]` (staff): a message pinging the opener with a Keep open button; the ticket closes
 *   after the delay (default `closeRequestDelaySeconds`) unless the opener presses it.
 * - `reopen` (staff): thread mode at any time, channel mode within the reopen window.
 * Every refusal is a translated UserError (answered ephemerally by the core) and changes nothing.
 */

/** Anything with the member facts of an interaction in a guild. */
type MemberInteraction = Pick<ChatInputCommandInteraction | ButtonInteraction, 'user' | 'member' | 'memberPermissions'>;

/** The ticket of the channel the command is used in. @throws UserError `tickets:close.notTicket`. */
async function ticketHere(service: TicketService, interaction: ChatInputCommandInteraction): Promise<TicketRecord> {
	const ticket = await service.ticketIn(interaction.channelId);
	if (!ticket || ticket.guildId !== interaction.guildId || ticket.status === 'opening') throw translatedUserError('tickets:close.notTicket');
	return ticket;
}

/** @throws UserError `tickets:close.staffOnly` unless the member is staff of the ticket. */
export async function requireStaff(service: TicketService, interaction: MemberInteraction, ticket: TicketRecord): Promise<void> {
	const config = await service.config(ticket.guildId);
	if (!isTicketStaff(config, ticket, memberFacts(interaction.user.id, interaction.member, interaction.memberPermissions))) {
		throw translatedUserError('tickets:close.staffOnly', { number: formatTicketNumber(ticket.number) });
	}
}

/** @throws UserError `tickets:close.notAllowed` unless the member opened the ticket or is its staff. */
export async function requireOpenerOrStaff(service: TicketService, interaction: MemberInteraction, ticket: TicketRecord): Promise<void> {
	if (ticket.openerId === interaction.user.id) return;
	const config = await service.config(ticket.guildId);
	if (!isTicketStaff(config, ticket, memberFacts(interaction.user.id, interaction.member, interaction.memberPermissions))) {
		throw translatedUserError('tickets:close.notAllowed', { number: formatTicketNumber(ticket.number) });
	}
}

/**
 * @throws UserError `tickets:close.botPermissions` naming what the bot lacks in the ticket to close it (lock, delete,
 *   read the history: service/closing.ts `CLOSING_PERMISSIONS`), so that a close is refused rather than left half-done.
 */
export function requireBotPermissions(service: TicketService, t: Translate, ticket: TicketRecord): void {
	const missing = service.closing.missingPermissions(ticket);
	if (missing.length > 0) throw translatedUserError('tickets:close.botPermissions', { number: formatTicketNumber(ticket.number), permissions: formatPermissions(t, missing) });
}

/**
 * Answers a close (the command or the welcome's Close button) with the confirmation only the member sees; the reason
 * waits in Redis for the Close press (service `holdReason`).
 * @throws UserError `tickets:close.alreadyClosed` (closed already), `notAllowed`, `reasonTooLong`, `botPermissions`.
 */
export async function askCloseConfirmation(
	service: TicketService,
	interaction: MemberInteraction & Pick<ChatInputCommandInteraction, 'reply'>,
	t: Translate,
	ticket: TicketRecord,
	reason: string | null
): Promise<void> {
	if (ticket.status !== 'open') throw translatedUserError('tickets:close.alreadyClosed', { number: formatTicketNumber(ticket.number) });
	await requireOpenerOrStaff(service, interaction, ticket);
	if (reason !== null && reason.length > CLOSE_REASON_MAX) throw translatedUserError('tickets:close.reasonTooLong', { max: CLOSE_REASON_MAX });
	requireBotPermissions(service, t, ticket);
	await service.closing.holdReason(ticket.id, interaction.user.id, reason);
	await interaction.reply({ content: confirmCloseText(t, formatTicketNumber(ticket.number), reason), components: [confirmCloseRow(t, ticket.id)], flags: MessageFlags.Ephemeral, ...NO_PINGS });
}

/** `/ticket close [reason]`: the confirmation (see {@link askCloseConfirmation}). */
export const ticketClose: AdminHandler<TicketService> = async ({ interaction, t, service }) => {
	const ticket = await ticketHere(service, interaction);
	const reason = interaction.options.getString('reason')?.trim() || null;
	await askCloseConfirmation(service, interaction, t, ticket, reason);
};

/**
 * `/ticket close-request [delay] [reason]` (staff): records the request and answers in the channel, pinging the opener,
 * with a Keep open button. `delay` as people type it (`30m`, `2h`, `1d`), 1 minute to 30 days.
 * @throws UserError `tickets:close.notTicket`, `staffOnly`, `notOpen`, `reasonTooLong`, `botPermissions`,
 *   `tickets:closeRequest.badDelay`.
 */
export const ticketCloseRequest: AdminHandler<TicketService> = async ({ interaction, t, locale, service }) => {
	const ticket = await ticketHere(service, interaction);
	await requireStaff(service, interaction, ticket);
	if (ticket.status !== 'open') throw translatedUserError('tickets:close.notOpen', { number: formatTicketNumber(ticket.number) });
	const config = await service.config(ticket.guildId);
	const input = interaction.options.getString('delay')?.trim() ?? '';
	let delay = config.closeRequestDelaySeconds * 1_000;
	if (input !== '') {
		const parsed = durationMs(input);
		if (parsed === null || parsed < CLOSE_REQUEST_MIN_MS || parsed > CLOSE_REQUEST_MAX_MS) {
			throw translatedUserError('tickets:closeRequest.badDelay', {
				input: input.slice(0, 100),
				min: formatDuration(CLOSE_REQUEST_MIN_MS, locale),
				max: formatDuration(CLOSE_REQUEST_MAX_MS, locale)
			});
		}
		delay = parsed;
	}
	const reason = interaction.options.getString('reason')?.trim() || null;
	if (reason !== null && reason.length > CLOSE_REASON_MAX) throw translatedUserError('tickets:close.reasonTooLong', { max: CLOSE_REASON_MAX });
	requireBotPermissions(service, t, ticket);
	const request = await service.closing.requestClose(ticket.guildId, ticket.id, interaction.user.id, delay, reason);
	if (!request) throw translatedUserError('tickets:close.notOpen', { number: formatTicketNumber(ticket.number) });
	await interaction.reply({
		content: closeRequestText(t, ticket.openerId, interaction.user.id, reason, request.closesAt),
		components: [keepOpenRow(t, ticket.id)],
		allowedMentions: { users: [ticket.openerId] }
	});
};

/**
 * Carries out a reopen (the command or the Reopen button) for staff and says how it went, ephemerally.
 * @throws UserError `tickets:close.staffOnly`, `tickets:reopen.notClosed`, `deleted`, `closing`, `botPermissions`,
 *   `tickets:close.unknownTicket`.
 */
export async function reopenAs(
	service: TicketService,
	interaction: MemberInteraction & Pick<ChatInputCommandInteraction, 'reply' | 'deferReply' | 'editReply' | 'deferred'>,
	t: Translate,
	ticket: TicketRecord
): Promise<void> {
	await requireStaff(service, interaction, ticket);
	if (ticket.status !== 'closed') throw translatedUserError('tickets:reopen.notClosed', { number: formatTicketNumber(ticket.number) });
	await interaction.deferReply({ flags: MessageFlags.Ephemeral });
	const result: ReopenResult = await service.closing.reopen(ticket.guildId, ticket.id, interaction.user.id);
	switch (result.kind) {
		case 'reopened':
			await interaction.editReply({ content: t('tickets:reopen.done', { number: formatTicketNumber(ticket.number) }), ...NO_PINGS });
			return;
		case 'not-closed':
			throw translatedUserError('tickets:reopen.notClosed', { number: formatTicketNumber(ticket.number) });
		case 'deleted':
			throw translatedUserError('tickets:reopen.deleted', { number: formatTicketNumber(ticket.number) });
		case 'closing':
			throw translatedUserError('tickets:reopen.closing', { number: formatTicketNumber(ticket.number) });
		case 'bot-permissions':
			throw translatedUserError('tickets:reopen.botPermissions', { number: formatTicketNumber(ticket.number), permissions: formatPermissions(t, result.missing) });
		default:
			throw translatedUserError('tickets:close.unknownTicket');
	}
}

/** `/ticket reopen` (staff): see {@link reopenAs}. */
export const ticketReopen: AdminHandler<TicketService> = async ({ interaction, t, service }) => {
	const ticket = await ticketHere(service, interaction);
	await reopenAs(service, interaction, t, ticket);
};
