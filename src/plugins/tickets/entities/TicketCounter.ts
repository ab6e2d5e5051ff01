import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The last ticket number given in a guild (table `ticket_counter`): a new ticket takes its number with an upsert in the
 * transaction that inserts it (service/store.ts `insertOpening`), so numbers are unique and gapless across processes
 * (as giveaways' and moderation's counters), and the counter's row lock serialises a guild's opens, which makes the
 * per-member and per-type limits exact under concurrent clicks.
 */
export const TicketCounter = defineEntity({
	name: 'TicketCounter',
	tableName: 'ticket_counter',
	properties: {
		guildId: p.string().length(20).primary(),
		last: p.integer().default(0)
	}
});

/** A loaded `ticket_counter` row. */
export type ITicketCounter = InferEntity<typeof TicketCounter>;
