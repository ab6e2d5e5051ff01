import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * One locked channel (table `moderation_lockdown`): the snapshot `/unlock` restores (issue 8, "restore the channel's
 * exact previous permission overwrites on unlock"). A row exists exactly while the bot considers the channel locked,
 * so a second lockdown of the same channel is refused by the unique (guild_id, channel_id) pair, in every process.
 *
 * - `id`: the lockdown's own identity; the timed end (`moderationLockdownEnd`) carries it, so an end that belongs to
 *   an earlier lockdown of the channel does nothing.
 * - `guildId`, `channelId`: where.
 * - `hadOverwrite`: whether the channel had an @everyone overwrite before the lockdown. False: unlocking deletes the
 *   overwrite the lockdown created. True: unlocking puts back exactly `previousAllow` / `previousDeny`.
 * - `previousAllow`, `previousDeny`: that overwrite's permission bits as decimal strings (Discord's bitfields do not
 *   fit a JavaScript number, nor a signed bigint once bit 63 is used); null when `hadOverwrite` is false.
 * - `caseNumber`: the `lockdown` case (null until it is recorded, or if recording it failed).
 * - `endsAt`: when a timed lockdown ends by itself; null: until `/unlock`.
 * - `createdAt`: on the bot's clock.
 *
 * Written and removed by service/ChannelTools.ts only, under the channel's PostgreSQL advisory lock.
 */
export const ModerationLockdown = defineEntity({
	name: 'ModerationLockdown',
	tableName: 'moderation_lockdown',
	properties: {
		id: p.bigint('number').primary().autoincrement(),
		guildId: p.string().length(20),
		channelId: p.string().length(20),
		hadOverwrite: p.boolean(),
		previousAllow: p.string().length(20).nullable(),
		previousDeny: p.string().length(20).nullable(),
		caseNumber: p.integer().nullable(),
		endsAt: p.datetime().nullable(),
		createdAt: p.datetime()
	},
	uniques: [{ name: 'moderation_lockdown_guild_channel_unique', properties: ['guildId', 'channelId'] }],
	indexes: [
		// Timed lockdowns still running (their end is put back in the task queue if the queue lost it).
		{ name: 'moderation_lockdown_ends_at_index', properties: ['endsAt'], where: 'ends_at is not null' }
	]
});

/** A loaded `moderation_lockdown` row. */
export type IModerationLockdown = InferEntity<typeof ModerationLockdown>;
