import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * One entrant of a giveaway (table `giveaway_entry`, primary key (giveaway_id, user_id)): an Enter click inserts it
 * (`on conflict do nothing`, so a second click, in any process, is recognised and never counted twice), Leave deletes
 * it. `weight` is 1 plus the bonus entries of the member's roles at entry time (lib/requirements.ts).
 */
export const GiveawayEntry = defineEntity({
	name: 'GiveawayEntry',
	tableName: 'giveaway_entry',
	properties: {
		giveawayId: p.bigint('number').primary(),
		userId: p.string().length(20).primary(),
		weight: p.smallint(),
		createdAt: p.datetime()
	}
});

/** A loaded `giveaway_entry` row. */
export type IGiveawayEntry = InferEntity<typeof GiveawayEntry>;
