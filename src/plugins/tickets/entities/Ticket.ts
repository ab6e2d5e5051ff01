import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A ticket's state:
 * - `opening`: the row and its number are taken, the channel or thread is being created (a crash here is repaired at
 *   start-up by service/TicketService.ts `reconcile`: the channel found and kept, or the row removed);
 * - `open`; `closed` (a channel kept for the reopen window, then deleted; a thread archived and locked).
 */
export const TICKET_STATUSES = ['opening', 'open', 'closed'] as const;

/** A ticket's status (see {@link TICKET_STATUSES}). */
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Where a ticket lives: its own text channel, or a private thread (lib/config.ts `ticketTypeSchema`). */
export const TICKET_MODES = ['channel', 'thread'] as const;

/** A ticket's mode (see {@link TICKET_MODES}). */
export type TicketMode = (typeof TICKET_MODES)[number];

/** One answer to a type's question, as given in the open modal (the label kept, since the type may change later). */
export interface TicketAnswer {
	label: string;
	value: string;
}

/**
 * One ticket (table `ticket`), numbered per guild (`number`, from `ticket_counter` in the insert's transaction: unique
 * and gapless across processes). Times are the bot clock's.
 *
 * - `channelId`: the text channel or private thread (null while `opening`); `parentId`: the category (channel mode) or
 *   the channel holding the thread (thread mode) it was created in.
 * - `firstStaffReplyAt`: the first message of a staff member (for `/tickets stats`).
 * - `closeRequest*`: a pending `/ticket close-request` (its task closes the ticket unless the opener keeps it open).
 * - `channelDeletedAt`: a closed channel's deletion (after the reopen window), or its deletion by hand.
 * - `rating` (1 to 5) and `feedbackComment`: the opener's feedback after close.
 */
export const Ticket = defineEntity({
	name: 'Ticket',
	tableName: 'ticket',
	properties: {
		id: p.bigint('number').primary().autoincrement(),
		guildId: p.string().length(20),
		number: p.integer(),
		typeId: p.string().length(32),
		mode: p.enum(TICKET_MODES),
		status: p.enum(TICKET_STATUSES),
		channelId: p.string().length(20).nullable(),
		parentId: p.string().length(20).nullable(),
		openerId: p.string().length(20),
		claimerId: p.string().length(20).nullable(),
		answers: p.json<TicketAnswer[]>(),
		welcomeMessageId: p.string().length(20).nullable(),
		createdAt: p.datetime(),
		firstStaffReplyAt: p.datetime().nullable(),
		closedAt: p.datetime().nullable(),
		closedById: p.string().length(20).nullable(),
		closeReason: p.text().nullable(),
		closeRequestedAt: p.datetime().nullable(),
		closeRequestedById: p.string().length(20).nullable(),
		closeRequestReason: p.text().nullable(),
		channelDeletedAt: p.datetime().nullable(),
		transcriptUrl: p.text().nullable(),
		rating: p.smallint().nullable(),
		feedbackComment: p.text().nullable(),
		feedbackAt: p.datetime().nullable()
	},
	uniques: [
		{ name: 'ticket_guild_number_unique', properties: ['guildId', 'number'] },
		{ name: 'ticket_channel_unique', properties: ['channelId'] }
	],
	indexes: [
		// A member's open tickets of a type (the per-member limit and the cooldown, in the open's transaction).
		{ name: 'ticket_guild_opener_index', properties: ['guildId', 'openerId', 'typeId', 'createdAt'] },
		// A type's open tickets (the total limit), a guild's open tickets (`/tickets stats`, start-up reconcile).
		{ name: 'ticket_guild_open_index', properties: ['guildId', 'typeId'], where: `status in ('opening', 'open')` },
		// `/tickets stats [period]`: a guild's tickets by creation time.
		{ name: 'ticket_guild_created_index', properties: ['guildId', 'createdAt'] }
	]
});

/** A loaded `ticket` row. */
export type ITicket = InferEntity<typeof Ticket>;
