import { buildCustomId, matchCustomId } from '../../../lib/customId.js';
import { TICKETS_PLUGIN_NAME } from '../lib/config.js';

/**
 * Every custom id of the tickets plugin's components and modals (src/lib/customId.ts convention:
 * `tickets:<action>:<args>`), in one place so that the piece that sends a component and the handler that answers it
 * agree. Tickets are named by their row id (`ticket.id`), panels and types by their slugs (lib/config.ts).
 */
export const TICKET_ACTIONS = {
	/** A panel's button for one type: args panel id, type id. */
	open: 'open',
	/** A panel's select menu (more than five types): arg panel id; the value chosen is the type id. */
	openSelect: 'open-select',
	/** The questions modal of a type: args type id, panel id (the panel whose button showed it). */
	openModal: 'open-modal',
	/** A question's text input in the questions modal: arg the question's index (0 to 4). */
	answer: 'answer',
	/** The welcome message's Claim button: arg ticket id. */
	claim: 'claim',
	/** The welcome message's Close button (asks for confirmation): arg ticket id. */
	close: 'close',
	/** The confirmation of a close: arg ticket id. */
	closeConfirm: 'close-confirm',
	/** "Cancel" beside the confirmation of a close (the ticket stays open): arg ticket id. */
	closeCancel: 'close-cancel',
	/** "Keep open" under a close request: arg ticket id. */
	keepOpen: 'keep-open',
	/** Reopen a closed ticket: arg ticket id. */
	reopen: 'reopen',
	/** A rating after close: args ticket id, rating 1 to 5. */
	rate: 'rate',
	/** "Add a comment" after rating (opens the comment modal): arg ticket id. */
	comment: 'comment',
	/** The comment modal: arg ticket id. */
	commentModal: 'comment-modal',
	/** "Join" in the staff log for a thread ticket: arg ticket id. */
	join: 'join'
} as const;

/** One of {@link TICKET_ACTIONS}. */
export type TicketAction = (typeof TICKET_ACTIONS)[keyof typeof TICKET_ACTIONS];

/** The custom id of a tickets component or modal: `tickets:<action>:<args...>`. */
export function ticketCustomId(action: TicketAction, ...args: readonly (string | number)[]): string {
	return buildCustomId(TICKETS_PLUGIN_NAME, action, ...args);
}

/** The arguments of a tickets custom id with this action, or null if `customId` is not one. */
export function ticketCustomIdArgs(customId: string, action: TicketAction): string[] | null {
	return matchCustomId(customId, TICKETS_PLUGIN_NAME, action);
}

/** The ticket id (first argument, a positive integer) of a tickets custom id with this action, or null. */
export function ticketIdOf(customId: string, action: TicketAction): number | null {
	const args = ticketCustomIdArgs(customId, action);
	const id = args?.[0] !== undefined && /^\d{1,15}$/.test(args[0]) ? Number(args[0]) : 0;
	return id > 0 ? id : null;
}
