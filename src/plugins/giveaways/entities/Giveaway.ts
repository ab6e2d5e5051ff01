import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A giveaway's state: running (entries open), paused (entries open, the end suspended), ended, cancelled. */
export const GIVEAWAY_STATUSES = ['running', 'paused', 'ended', 'cancelled'] as const;

/** A giveaway's status (see {@link GIVEAWAY_STATUSES}). */
export type GiveawayStatus = (typeof GIVEAWAY_STATUSES)[number];

/** Who may enter (checked on entry, lib/requirements.ts); every field optional in meaning: empty lists, zeros and null mean no rule. */
export interface GiveawayRequirements {
	/** Roles an entrant must hold: any of them, or all of them with `requireAllRoles`. */
	requiredRoleIds: string[];
	requireAllRoles: boolean;
	/** Roles whose holders may not enter. */
	forbiddenRoleIds: string[];
	/** Minimum voice-XP level (voice-xp plugin on in the guild), null: none. */
	minVoiceLevel: number | null;
	/** Minimum account age, seconds (0: none). */
	minAccountAgeSeconds: number;
	/** Minimum time since joining the guild, seconds (0: none). */
	minMemberAgeSeconds: number;
}

/** Extra entries for members holding a role: an entrant's weight is 1 plus the largest bonus of the roles they hold. */
export interface GiveawayBonus {
	roleId: string;
	/** Extra entries (1 to 99). */
	entries: number;
}

/** One draw of a giveaway: round 0 at the end, then one per reroll (lib/draw.ts). */
export interface GiveawayRound {
	round: number;
	count: number;
	/** Earlier winners, never drawn again. */
	exclude: string[];
	winners: string[];
	/** ISO 8601. */
	at: string;
	/** Why: `end`, `reroll` (a moderator), `claim` (a winner did not claim in time: the place this round replaces). */
	reason: 'end' | 'reroll' | 'claim';
	/** For `claim`: the winner replaced. */
	replaces?: string;
}

/** A winner's claim: due by `deadline` (ISO 8601); `claimedAt` once claimed; `replaced` once rerolled away. */
export interface GiveawayClaim {
	deadline: string;
	claimedAt: string | null;
	replaced: boolean;
	/** Whether this place may still be rerolled when unclaimed (a replacement's place is not rerolled again). */
	rerollable: boolean;
}

/**
 * One giveaway (table `giveaway`), numbered per guild (`number`, from `giveaway_counter`, unique across processes).
 *
 * - `endsAt`: when it ends (bot clock); while paused, `remainingMs` holds the time left and `endsAt` is kept as it was.
 * - `secret` (hex, 32 bytes) is kept from the start and published at the end; `commitment` = SHA-256 of it, shown from
 *   the start (lib/draw.ts). `entriesHash`: SHA-256 of the canonical entry list at the end.
 * - `rounds`: every draw; `claims`: winners' claims by user id; `announcedAt`: the end was announced (an end committed
 *   but not announced, after a crash, is announced again at start-up).
 */
export const Giveaway = defineEntity({
	name: 'Giveaway',
	tableName: 'giveaway',
	properties: {
		id: p.bigint('number').primary().autoincrement(),
		guildId: p.string().length(20),
		number: p.integer(),
		channelId: p.string().length(20),
		messageId: p.string().length(20).nullable(),
		hostId: p.string().length(20),
		prize: p.text(),
		description: p.text().nullable(),
		winnerCount: p.integer(),
		status: p.enum(GIVEAWAY_STATUSES),
		createdAt: p.datetime(),
		endsAt: p.datetime(),
		remainingMs: p.bigint('number').nullable(),
		requirements: p.json<GiveawayRequirements>(),
		bonus: p.json<GiveawayBonus[]>(),
		claimSeconds: p.integer().nullable(),
		secret: p.string().length(64),
		commitment: p.string().length(64),
		entriesHash: p.string().length(64).nullable(),
		endedAt: p.datetime().nullable(),
		rounds: p.json<GiveawayRound[]>(),
		claims: p.json<Record<string, GiveawayClaim>>(),
		announcedAt: p.datetime().nullable(),
		announcementMessageId: p.string().length(20).nullable()
	},
	uniques: [{ name: 'giveaway_guild_number_unique', properties: ['guildId', 'number'] }],
	indexes: [
		// `/giveaway list` and autocomplete: a guild's giveaways by status.
		{ name: 'giveaway_guild_status_index', properties: ['guildId', 'status'] },
		// Running giveaways whose end job must exist (re-armed at start-up if the task queue lost it).
		{ name: 'giveaway_running_ends_index', properties: ['endsAt'], where: `status = 'running'` }
	]
});

/** A loaded `giveaway` row. */
export type IGiveaway = InferEntity<typeof Giveaway>;
