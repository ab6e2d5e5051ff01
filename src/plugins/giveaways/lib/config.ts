import { z } from 'zod';
import type { DeepReadonly } from '../../../lib/plugins/context.js';

/**
 * The giveaways plugin's per-guild configuration (issue 11, "/giveaway config"). Every field has a default, so
 * `giveawaysConfigSchema.parse({})` is a working configuration (tests/core/contracts.test.ts checks it).
 */

/** The plugin's name: its key in guild settings and its translation namespace (`locales/<locale>/giveaways.json`). */
export const GIVEAWAYS_PLUGIN_NAME = 'giveaways';

/** A Discord snowflake as a decimal string (17 to 20 digits; see src/plugins/voice-xp/lib/config.ts for why). */
export const snowflakeSchema = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17 to 20 digits)');

/** Most winners of one giveaway: 50 (issue 11; one announcement pings at most 50 members). */
export const MAX_WINNERS = 50;

/** Our upper bound on `maxDurationDays`: 365 days. */
export const MAX_DURATION_DAYS_LIMIT = 365;

/** Longest claim window: 7 days, in seconds. */
export const MAX_CLAIM_SECONDS = 7 * 86_400;

/** The zod schema of the plugin's configuration; see each field for its meaning, unit and default. */
export const giveawaysConfigSchema = z.object({
	/** Members of this role may run giveaways without Manage Server (default none). */
	managerRoleId: snowflakeSchema.nullable().default(null),
	/** Longest giveaway, in days (1 to 365; default 60). */
	maxDurationDays: z.number().int().min(1).max(MAX_DURATION_DAYS_LIMIT).default(60),
	/** Claim window given to winners when `/giveaway start` names none, in seconds (null: winners need not claim). */
	defaultClaimSeconds: z.number().int().min(60).max(MAX_CLAIM_SECONDS).nullable().default(null),
	/** Minimum time since joining the guild for entrants when `/giveaway start` names none, in seconds (0: none). */
	defaultMinMemberAgeSeconds: z.number().int().min(0).max(365 * 86_400).default(0)
});

/** The plugin's validated configuration (output of {@link giveawaysConfigSchema}), read-only as handed out. */
export type GiveawaysConfig = DeepReadonly<z.output<typeof giveawaysConfigSchema>>;
