import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The last giveaway number given in a guild (table `giveaway_counter`): a new giveaway takes its number with an upsert
 * in the transaction that inserts it (service/store.ts `insertGiveaway`), so numbers are unique and gapless across
 * processes (as moderation's case numbers: src/plugins/moderation/entities/ModerationCaseCounter.ts).
 */
export const GiveawayCounter = defineEntity({
	name: 'GiveawayCounter',
	tableName: 'giveaway_counter',
	properties: {
		guildId: p.string().length(20).primary(),
		last: p.integer().default(0)
	}
});

/** A loaded `giveaway_counter` row. */
export type IGiveawayCounter = InferEntity<typeof GiveawayCounter>;
