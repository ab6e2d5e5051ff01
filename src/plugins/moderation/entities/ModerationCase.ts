import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** What a case records (issue 8, "Cases"). `lockdown`/`unlock` target a channel; every other type a user. */
export const CASE_TYPES = ['warn', 'timeout', 'untimeout', 'kick', 'ban', 'softban', 'unban', 'note', 'lockdown', 'unlock'] as const;

/** A case's type (see {@link CASE_TYPES}). */
export type CaseType = (typeof CASE_TYPES)[number];

/**
 * Where a case comes from: a moderator's `command` (or a plugin acting for one), `escalation` (a threshold of active
 * warnings, lib/escalation.ts), `automod` (the automod plugin through this plugin's service), or `external` (done by
 * hand in Discord and read from the audit log).
 */
export const CASE_SOURCES = ['command', 'escalation', 'automod', 'external'] as const;

/** A case's source (see {@link CASE_SOURCES}). */
export type CaseSource = (typeof CASE_SOURCES)[number];

/** One version of a case's reason: the first one and every amendment, oldest first (`reason_history`). */
export interface ReasonVersion {
	/** The reason (null: none given). */
	reason: string | null;
	/** Who set it: the case's moderator for the first version, the amending moderator after. */
	moderatorId: string;
	/** When it was set, ISO 8601 (UTC). */
	at: string;
}

/**
 * One moderation case (table `moderation_case`): every action of the plugin, numbered per guild.
 *
 * - `number`: per guild, unique and gapless across bot processes, from the counter row `moderation_case_counter`
 *   (service/caseStore.ts `insertCase`): never MAX()+1.
 * - `targetId`: the user acted on, or the channel of a lockdown/unlock.
 * - `moderatorId`: who acted (the bot's own id for escalation and timed actions).
 * - `reason`: the current reason (null: none given); `reasonHistory` every version, the current one last.
 * - `durationMs`: the length of a timeout, temporary ban or timed lockdown, milliseconds (null: none or permanent);
 *   `endsAt` when it ends; `endedAt` when it actually ended (a temporary ban lifted, an untimeout), null while running.
 * - `source`, `triggeredByCase`: how it came to be; for `escalation`, the number of the warning that crossed the
 *   threshold.
 * - `modLogChannelId`, `modLogMessageId`: its embed in the mod-log channel, edited when the case changes.
 * - `hidden`: deleted with `/case delete`, kept for the record (not listed, never counts as a warning).
 * - `pardonedAt`, `pardonedBy`: a pardoned warning stops counting.
 * - `expiresAt`: warnings only: when it stops counting (created + the guild's warning lifetime), null = never.
 * - `createdAt`: on the bot's clock.
 */
export const ModerationCase = defineEntity({
	name: 'ModerationCase',
	tableName: 'moderation_case',
	properties: {
		id: p.bigint('number').primary().autoincrement(),
		guildId: p.string().length(20),
		number: p.integer(),
		type: p.enum(CASE_TYPES),
		targetId: p.string().length(20),
		moderatorId: p.string().length(20),
		reason: p.text().nullable(),
		reasonHistory: p.json<ReasonVersion[]>(),
		durationMs: p.bigint('number').nullable(),
		endsAt: p.datetime().nullable(),
		endedAt: p.datetime().nullable(),
		createdAt: p.datetime(),
		source: p.enum(CASE_SOURCES),
		triggeredByCase: p.integer().nullable(),
		modLogChannelId: p.string().length(20).nullable(),
		modLogMessageId: p.string().length(20).nullable(),
		hidden: p.boolean().default(false),
		pardonedAt: p.datetime().nullable(),
		pardonedBy: p.string().length(20).nullable(),
		expiresAt: p.datetime().nullable()
	},
	uniques: [{ name: 'moderation_case_guild_number_unique', properties: ['guildId', 'number'] }],
	indexes: [
		// A member's history, newest first (`casesOf`).
		{
			name: 'moderation_case_guild_target_created_index',
			columns: [{ name: 'guild_id' }, { name: 'target_id' }, { name: 'created_at', sort: 'DESC' }]
		},
		// Active warnings (`activeWarnings`), and a member's latest ban, softban or unban (the timed unban's check).
		{ name: 'moderation_case_guild_type_target_index', properties: ['guildId', 'type', 'targetId'] },
		// Temporary bans still running (their end is rescheduled at start-up if the task queue lost it).
		{
			name: 'moderation_case_running_bans_index',
			properties: ['endsAt'],
			where: `type = 'ban' and ended_at is null and ends_at is not null and hidden = false`
		}
	]
});

/** A loaded `moderation_case` row. */
export type IModerationCase = InferEntity<typeof ModerationCase>;
