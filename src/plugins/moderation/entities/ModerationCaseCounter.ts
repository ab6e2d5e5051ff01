import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The last case number given in a guild (table `moderation_case_counter`, one row per guild that has a case).
 *
 * A new case takes its number with `insert ... on conflict (guild_id) do update set last = last + 1 returning last`
 * in the same transaction as the case's insert (service/caseStore.ts `insertCase`): the row lock serializes numbering
 * per guild across processes, and a failed insert rolls the counter back, so numbers are unique and gapless.
 */
export const ModerationCaseCounter = defineEntity({
	name: 'ModerationCaseCounter',
	tableName: 'moderation_case_counter',
	properties: {
		guildId: p.string().length(20).primary(),
		last: p.integer().default(0)
	}
});

/** A loaded `moderation_case_counter` row. */
export type IModerationCaseCounter = InferEntity<typeof ModerationCaseCounter>;
