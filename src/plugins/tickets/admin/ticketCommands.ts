import { MessageFlags } from 'discord.js';
import { adminRun, answer, type AdminContext, type AdminHandler } from '../../../lib/commands/adminContext.js';
import { translatedUserError } from '../../../lib/errors.js';
import { actorOf } from '../interaction-handlers/_ticketsOpen.js';
import { formatTicketNumber } from '../lib/naming.js';
import type { TicketRecord } from '../service/store.js';
import type { TicketService } from '../service/TicketService.js';

/**
 * The staff subcommands of `/ticket` (commands/ticket.ts): `claim`, `unclaim`, `add member-or-role`, `remove member`,
 * `rename name`, `topic text`, each used inside a ticket channel or thread and run by service/opening.ts (staff only:
 * a staff role of the ticket's type, or Manage Server). Also the guard every `/ticket` subcommand goes through,
 * the closing ones included ({@link insideTicketOnly}): used anywhere but in a ticket, it answers "use this inside a
 * ticket", translated and ephemeral. Answers are ephemeral and ping nobody; refusals are translated UserErrors.
 */

/** What a `/ticket` subcommand handler gets: the command's context and the ticket of the channel it was used in. */
export type TicketCommandHandler = (context: AdminContext<TicketService>, ticket: TicketRecord) => Promise<unknown>;

/** The ticket of the channel or thread the command was used in. @throws UserError `tickets:errors.notInTicket`. */
async function ticketHere(context: AdminContext<TicketService>): Promise<TicketRecord> {
	const { interaction, service } = context;
	const ticket = await service.ticketIn(interaction.channelId);
	if (!ticket || ticket.guildId !== interaction.guildId) throw translatedUserError('tickets:errors.notInTicket');
	return ticket;
}

/**
 * A staff subcommand as a subcommand mapping's `chatInputRun`: refused outside a ticket; the answer deferred
 * (ephemeral) since the handler calls Discord; the handler gets the ticket.
 */
export function insideTicket(handler: TicketCommandHandler) {
	return adminRun<TicketService>(async (context) => {
		const ticket = await ticketHere(context);
		await context.interaction.deferReply({ flags: MessageFlags.Ephemeral });
		return handler(context, ticket);
	});
}

/** A subcommand handler of another part (admin/closeCommands.ts) behind the same "inside a ticket" guard. */
export function insideTicketOnly(handler: AdminHandler<TicketService>) {
	return adminRun<TicketService>(async (context) => {
		await ticketHere(context);
		return handler(context);
	});
}

/** `/ticket claim`: service/opening.ts `claim`. */
export const ticketClaim: TicketCommandHandler = async (context, ticket) => {
	const claimed = await context.service.opening.claim(ticket, actorOf(context.interaction));
	return answer(context, [context.t('tickets:inside.replies.claimed', { number: formatTicketNumber(claimed.number) })]);
};

/** `/ticket unclaim`: service/opening.ts `unclaim`. */
export const ticketUnclaim: TicketCommandHandler = async (context, ticket) => {
	const released = await context.service.opening.unclaim(ticket, actorOf(context.interaction));
	return answer(context, [context.t('tickets:inside.replies.unclaimed', { number: formatTicketNumber(released.number) })]);
};

/** `/ticket add member-or-role`: service/opening.ts `add`; a user who is not a member of the guild is refused. */
export const ticketAdd: TicketCommandHandler = async (context, ticket) => {
	const option = context.interaction.options.get('member-or-role', true);
	const id = String(option.value);
	const role = option.role !== undefined && option.role !== null;
	if (!role && !option.member) throw translatedUserError('tickets:errors.notMember', { user: `<@${id}>` });
	await context.service.opening.add(ticket, actorOf(context.interaction), { id, role });
	return answer(context, [context.t('tickets:inside.replies.added', { target: role ? `<@&${id}>` : `<@${id}>` })]);
};

/** `/ticket remove member`: service/opening.ts `remove`. */
export const ticketRemove: TicketCommandHandler = async (context, ticket) => {
	const user = context.interaction.options.getUser('member', true);
	await context.service.opening.remove(ticket, actorOf(context.interaction), user.id);
	const key = ticket.mode === 'thread' ? 'tickets:inside.replies.removedThread' : 'tickets:inside.replies.removed';
	return answer(context, [context.t(key, { target: `<@${user.id}>` })]);
};

/** `/ticket rename name`: service/opening.ts `rename` (Discord's rename rate limit answered with the wait). */
export const ticketRename: TicketCommandHandler = async (context, ticket) => {
	const name = await context.service.opening.rename(ticket, actorOf(context.interaction), context.interaction.options.getString('name', true), context.locale);
	return answer(context, [context.t('tickets:inside.replies.renamed', { name })]);
};

/** `/ticket topic text`: service/opening.ts `topic` (channel mode only). */
export const ticketTopic: TicketCommandHandler = async (context, ticket) => {
	await context.service.opening.topic(ticket, actorOf(context.interaction), context.interaction.options.getString('text', true), context.locale);
	return answer(context, [context.t('tickets:inside.replies.topic')]);
};
