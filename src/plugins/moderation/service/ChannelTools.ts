import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { UserError } from '@sapphire/framework';
import {
	DiscordAPIError,
	DiscordjsError,
	DiscordjsErrorCodes,
	PermissionFlagsBits,
	RESTJSONErrorCodes,
	Routes,
	type Guild,
	type GuildBasedChannel,
	type GuildMember,
	type PermissionsString
} from 'discord.js';
import { z } from 'zod';
import { translatedUserError } from '../../../lib/errors.js';
import { ModerationLockdown, type IModerationLockdown } from '../entities/ModerationLockdown.js';
import { auditReason, characterCount, type AuditActor } from '../lib/auditReason.js';
import { checkDuration, formatDuration, LOCKDOWN_BOUNDS, SLOWMODE_BOUNDS } from '../lib/durations.js';
import { isLockable, lockedOverwrite, parseBits, restoredOverwrite, snapshotOf, type OverwriteBits } from '../lib/lockdown.js';
import { checkPurgeCount, deleteBatches, HISTORY_PAGE_SIZE, isBulkDeletable, matchesPurge, MAX_PURGE_SCAN, type PurgeFilter } from '../lib/purge.js';
import { hasSlowmode } from '../lib/slowmode.js';
import { modLogEmbed } from '../views/modLog.js';
import * as store from './caseStore.js';
import type { CaseRecord } from './caseStore.js';
import { editEmbed, fetchBotMember, fetchMember, isDiscordError, loadGuild } from './discord.js';
import type { ModerationContext, ModerationService } from './ModerationService.js';

/** The scheduled task that ends a timed lockdown (tasks/moderationLockdownEnd.ts). */
export const LOCKDOWN_END_TASK = 'moderationLockdownEnd';

/**
 * The task key of a lockdown's timed end: `lockdown-<channelId>-<lockdownId>`, one per channel and lockdown. A key of
 * the channel alone could not be scheduled again while the previous end is still running (the task queue never
 * replaces a running job: src/lib/tasks/TaskQueue.ts `schedule`), so a lockdown made right after a timed end would
 * lose its own end. A channel has at most one lockdown at a time, so at most one pending end.
 */
export function lockdownTaskKey(channelId: string, lockdownId: number): string {
	return `lockdown-${channelId}-${lockdownId}`;
}

/** Longest reason of a case, in characters (code points): Discord's audit-log limit (ModerationService `MAX_REASON_LENGTH`). */
const MAX_REASON = 512;

/** A locked channel as the plugin hands it out (entities/ModerationLockdown.ts; times in ms on the bot's clock). */
export interface LockdownRecord {
	readonly id: number;
	readonly guildId: string;
	readonly channelId: string;
	/** Whether the channel had an @everyone overwrite before. */
	readonly hadOverwrite: boolean;
	/** That overwrite's bits as decimal strings; null when it had none. */
	readonly previousAllow: string | null;
	readonly previousDeny: string | null;
	/** The `lockdown` case; null if recording it failed. */
	readonly caseNumber: number | null;
	/** When it ends by itself; null: until unlocked. */
	readonly endsAt: number | null;
	readonly createdAt: number;
}

/** Options of {@link ChannelTools.purge}. */
export interface PurgeOptions {
	channelId: string;
	/** Who purges (named in the audit log). */
	moderatorId: string;
	/** How many matching messages to delete: 1 to 1,000. */
	count: number;
	filter?: PurgeFilter;
	/** Only messages older than this message or interaction id (the command passes its own id). Default: the newest. */
	before?: string | null;
}

/** What a purge did. */
export interface PurgeResult {
	/** Messages deleted. */
	deleted: number;
	/** Matching messages left because they are older than 14 days (Discord does not bulk delete them). */
	skipped: number;
	/** Messages looked at. */
	scanned: number;
	/** Whether it stopped at {@link MAX_PURGE_SCAN} messages before finding `count` matching ones. */
	scanLimitReached: boolean;
	/** Whether Discord refused a later batch after some were deleted (logged); the count says what was deleted. */
	incomplete: boolean;
}

/** Options of {@link ChannelTools.setSlowmode}. */
export interface SlowmodeOptions {
	channelId: string;
	moderatorId: string;
	/** Seconds between two messages of a member, 0 (off) to 21,600 (6 hours, Discord's limit). */
	seconds: number;
}

/** Options of {@link ChannelTools.lock}. */
export interface LockOptions {
	channelId: string;
	moderatorId: string;
	/** Why (at most 512 characters; blank counts as none). Required when the guild's `requireReason` is on. */
	reason?: string | null;
	/** A timed lockdown's length, ms (1 s to 365 days); none or null: until unlocked. */
	durationMs?: number | null;
}

/** What a lockdown of one channel did. */
export interface LockResult {
	/** The `lockdown` case. */
	case: CaseRecord;
	lockdown: LockdownRecord;
	/** Timed lockdowns: whether the end is in the task queue (false: the queue refused, logged). Null when not timed. */
	endScheduled: boolean | null;
}

/** What an unlock did: `unlocked` with its case, or `channelGone` (the channel was deleted; the snapshot is cleared). */
export type UnlockResult = { status: 'unlocked'; case: CaseRecord; lockdown: LockdownRecord } | { status: 'channelGone'; lockdown: LockdownRecord };

/** What {@link ChannelTools.lockServer} did; channels by id. */
export interface ServerLockResult {
	locked: LockResult[];
	/** Locked before, left as they were. */
	alreadyLocked: string[];
	/** Hidden from @everyone (members cannot read them anyway): left out, so the roles that can see them keep writing. */
	hidden: string[];
	/** Could not be locked: the bot lacks a permission there, or Discord refused (logged). */
	failed: string[];
}

/** What {@link ChannelTools.unlockServer} did; channels by id. */
export interface ServerUnlockResult {
	unlocked: UnlockResult[];
	/** Still locked: Discord refused to restore them (logged). */
	failed: string[];
}

/** What the timed end of a lockdown found: unlocked now, the channel deleted meanwhile, or this lockdown already over. */
export type LockdownEndOutcome = 'unlocked' | 'channelGone' | 'gone';

/** The part of a channel read through REST for the snapshot: its @everyone overwrite. */
const channelOverwrites = z.object({
	id: z.string(),
	guild_id: z.string().optional(),
	permission_overwrites: z.array(z.object({ id: z.string(), allow: z.string(), deny: z.string() })).optional()
});

/** The part of a message a purge reads (lib/purge.ts `PurgeCandidate`). */
const messagePage = z.array(
	z.object({
		id: z.string(),
		author: z.object({ id: z.string(), bot: z.boolean().optional() }),
		content: z.string(),
		pinned: z.boolean().optional()
	})
);

/** Discord's type of a role overwrite (0; 1 is a member). */
const ROLE_OVERWRITE = 0;

/**
 * Channel lock sections ({@link ChannelTools} `#withChannelLock`) running at once in one process. Each holds one
 * pooled PostgreSQL connection for its advisory lock and needs a second one for its committed writes; without a bound,
 * enough of them at once (ten timed ends due together, the task queue's concurrency) would hold every connection of the
 * pool (10 by default, src/lib/database.ts) and wait on each other forever. Two at a time use at most four.
 */
const MAX_CHANNEL_SECTIONS = 2;

/**
 * The moderation plugin's channel tools (`moderationService.channels`): `/purge`, `/slowmode`, `/lockdown` and
 * `/unlock` for a channel or the whole server, for the plugin's commands and for other plugins. Discord through REST
 * (a timed end may run in a process that does not hold the guild's shard), with the audit-log reason
 * `moderator (id): reason` (lib/auditReason.ts). Refusals are translated UserErrors and change nothing.
 *
 * **Lockdowns.** A lockdown denies @everyone Send Messages, Send Messages in Threads and Create Public/Private Threads
 * (lib/lockdown.ts), keeping every other bit of the channel's @everyone overwrite, and stores a snapshot of that
 * overwrite as it was (none, or its exact allow/deny bits) in `moderation_lockdown`; an unlock puts exactly that back
 * and deletes the snapshot. A row exists exactly while the channel is locked, so a second lockdown is refused and an
 * unlock of an unlocked channel too. Every lockdown and unlock is a case (target: the channel) through
 * {@link ModerationService.createCase}. A timed lockdown ends through the task `moderationLockdownEnd`
 * ({@link lockdownTaskKey}), cancelled by a manual unlock.
 *
 * Lock and unlock of one channel run under a PostgreSQL advisory lock of (guild, channel), the same kind of lock the
 * service takes per member, so a lockdown, an unlock and a timed end of one channel never interleave across processes.
 */
export class ChannelTools {
	/** Lock sections running now, and the ones waiting for a slot (see {@link MAX_CHANNEL_SECTIONS}). */
	#running = 0;
	readonly #waiting: (() => void)[] = [];

	public constructor(
		private readonly ctx: ModerationContext,
		private readonly moderation: ModerationService
	) {}

	// ------------------------------------------------------------------ purge

	/**
	 * Deletes the latest `count` messages of a channel that match `filter` (not pinned ones), newest first, in bulk
	 * deletes of up to 100 (a lone last message through the single-message route, as bulk needs 2 to 100). Matching
	 * messages older than 14 days are left and counted in `skipped`: Discord refuses to bulk delete them. Looks through
	 * at most {@link MAX_PURGE_SCAN} messages. Not a case (purges are not cases in Dyno or Carl-bot either): logged.
	 * @throws UserError `moderation:errors.badPurgeCount`, `unknownChannel`, `notPurgeable`,
	 *   `botMissingChannelPermissions` (View Channel, Read Message History, Manage Messages), `channelRefused` (Discord
	 *   refused the first batch: nothing deleted).
	 */
	public async purge(guildId: string, options: PurgeOptions): Promise<PurgeResult> {
		const count = checkPurgeCount(options.count);
		const filter = options.filter ?? {};
		const guild = await loadGuild(this.ctx.client, guildId);
		const me = await fetchBotMember(guild);
		const channel = await this.#channel(guild, options.channelId);
		if (!channel.isTextBased()) throw translatedUserError('moderation:errors.notPurgeable', { channel: mention(channel.id) });
		assertBotCan(me, channel, ['ViewChannel', 'ReadMessageHistory', 'ManageMessages']);

		// The latest matching messages, newest first: those Discord still bulk deletes, and a count of the older ones.
		const now = this.ctx.clock.now();
		const deletable: string[] = [];
		let skipped = 0;
		let scanned = 0;
		let matched = 0;
		let exhausted = false;
		let before = options.before ?? null;
		while (matched < count && scanned < MAX_PURGE_SCAN) {
			const limit = Math.min(HISTORY_PAGE_SIZE, MAX_PURGE_SCAN - scanned);
			const query = new URLSearchParams({ limit: String(limit) });
			if (before) query.set('before', before);
			const page = messagePage.parse(await this.#channelCall(channel.id, () => this.ctx.client.rest.get(Routes.channelMessages(channel.id), { query })));
			for (const message of page) {
				scanned++;
				if (!matchesPurge(message, filter)) continue;
				matched++;
				if (isBulkDeletable(message.id, now)) deletable.push(message.id);
				else skipped++;
				if (matched === count) break;
			}
			const last = page.at(-1);
			if (page.length < limit || !last) {
				exhausted = true;
				break;
			}
			before = last.id;
		}

		const { t } = await this.ctx.translator(guildId);
		const actor = await this.#actor(guild, me, options.moderatorId);
		const reason = auditReason(actor, t('moderation:audit.purge', { count: deletable.length }));
		let deleted = 0;
		let incomplete = false;
		for (const batch of deleteBatches(deletable)) {
			try {
				if (batch.length === 1) {
					if (await this.#deleteOne(channel.id, batch[0]!, reason)) deleted++;
				} else {
					await this.ctx.client.rest.post(Routes.channelBulkDelete(channel.id), { body: { messages: batch }, reason });
					deleted += batch.length;
				}
			} catch (error) {
				// The first refusal changed nothing: the moderator gets it translated. A later one (a permission removed
				// meanwhile) stops the purge, and the answer says what was deleted.
				if (deleted === 0) throw channelRefusal(error, channel.id);
				this.ctx.logger.error(`Purge in channel ${channel.id} of guild ${guildId} stopped after ${deleted} message(s):`, error);
				incomplete = true;
				break;
			}
		}
		const scanLimitReached = !exhausted && matched < count;
		this.ctx.logger.info(
			`Purge in guild ${guildId}, channel ${channel.id}, by ${options.moderatorId}: ${deleted} deleted, ${skipped} older than 14 days left, ` +
				`${scanned} looked at (asked ${count}; member ${filter.authorId ?? '-'}, contains ${filter.contains === undefined || filter.contains === null ? '-' : JSON.stringify(filter.contains)}, bots only ${filter.botsOnly ? 'yes' : 'no'})` +
				(incomplete ? ', stopped by Discord' : '')
		);
		return { deleted, skipped, scanned, scanLimitReached, incomplete };
	}

	/** Deletes one message. @returns false when it was already gone (404 Unknown Message). */
	async #deleteOne(channelId: string, messageId: string, reason: string): Promise<boolean> {
		try {
			await this.ctx.client.rest.delete(Routes.channelMessage(channelId, messageId), { reason });
			return true;
		} catch (error) {
			if (isDiscordError(error, RESTJSONErrorCodes.UnknownMessage)) return false;
			throw error;
		}
	}

	// ------------------------------------------------------------------ slowmode

	/**
	 * Sets a channel's slowmode (`rate_limit_per_user`): members wait `seconds` between two messages; 0 turns it off.
	 * Moderators with Manage Messages or Manage Channels are exempt (Discord's rule). Not a case: logged.
	 * @returns the seconds now set, and what it was before.
	 * @throws UserError `moderation:errors.durationOutOfRange` (outside 0 to 6 hours, Discord's 21,600 s),
	 *   `unknownChannel`, `noSlowmode` (announcement channels, categories), `botMissingChannelPermissions` (Manage
	 *   Channels; Manage Threads in a thread), `channelRefused`.
	 */
	public async setSlowmode(guildId: string, options: SlowmodeOptions): Promise<{ seconds: number; previous: number }> {
		const { t, locale } = await this.ctx.translator(guildId);
		checkDuration(Number.isInteger(options.seconds) ? options.seconds * 1_000 : Number.NaN, SLOWMODE_BOUNDS, locale);
		const guild = await loadGuild(this.ctx.client, guildId);
		const me = await fetchBotMember(guild);
		const channel = await this.#channel(guild, options.channelId);
		if (!hasSlowmode(channel.type)) throw translatedUserError('moderation:errors.noSlowmode', { channel: mention(channel.id) });
		assertBotCan(me, channel, ['ViewChannel', channel.isThread() ? 'ManageThreads' : 'ManageChannels']);
		const previous = 'rateLimitPerUser' in channel ? (channel.rateLimitPerUser ?? 0) : 0;
		const actor = await this.#actor(guild, me, options.moderatorId);
		const reason = auditReason(actor, t('moderation:audit.slowmode', { duration: formatDuration(options.seconds * 1_000, locale) }));
		await this.#channelCall(channel.id, () => this.ctx.client.rest.patch(Routes.channel(channel.id), { body: { rate_limit_per_user: options.seconds }, reason }));
		this.ctx.logger.info(`Slowmode of channel ${channel.id} in guild ${guildId} set to ${options.seconds} s (was ${previous} s) by ${options.moderatorId}`);
		return { seconds: options.seconds, previous };
	}

	// ------------------------------------------------------------------ lockdown

	/**
	 * Locks a text or announcement channel (see the class): denies @everyone writing and threads there, keeping the
	 * other bits of its @everyone overwrite, records the `lockdown` case and, with `durationMs`, schedules its end.
	 * @throws UserError `moderation:errors.reasonTooLong`, `reasonRequired`, `durationOutOfRange` (1 s to 365 days),
	 *   `unknownChannel`, `notLockable`, `botMissingChannelPermissions` (View Channel, Manage Roles), `alreadyLocked`,
	 *   `channelRefused` (Discord refused the overwrite: nothing changed, no snapshot kept).
	 */
	public async lock(guildId: string, options: LockOptions): Promise<LockResult> {
		const prep = await this.#prepareLock(guildId, options);
		const channel = await this.#channel(prep.guild, options.channelId);
		if (!isLockable(channel.type)) throw translatedUserError('moderation:errors.notLockable', { channel: mention(channel.id) });
		assertBotCan(prep.me, channel, ['ViewChannel', 'ManageRoles']);
		return this.#lockChannel(guildId, channel.id, prep);
	}

	/**
	 * Locks every text and announcement channel of the server that the bot can manage (View Channel and Manage Roles
	 * there), one snapshot and one case each, all with the same end when timed. Channels already locked are left as
	 * they are; channels @everyone cannot see are left out (locking them would only silence the roles that can).
	 * @throws UserError `moderation:errors.reasonTooLong`, `reasonRequired`, `durationOutOfRange`,
	 *   `serverAlreadyLocked` (nothing left to lock, every lockable channel is locked already).
	 */
	public async lockServer(guildId: string, options: Omit<LockOptions, 'channelId'>): Promise<ServerLockResult> {
		const prep = await this.#prepareLock(guildId, options);
		const channels = [...(await prep.guild.channels.fetch()).values()]
			.filter((channel): channel is NonNullable<typeof channel> => channel !== null && isLockable(channel.type))
			.sort((a, b) => a.rawPosition - b.rawPosition);
		const result: ServerLockResult = { locked: [], alreadyLocked: [], hidden: [], failed: [] };
		const locked = new Set((await this.lockdownsOf(guildId)).map((lockdown) => lockdown.channelId));
		for (const channel of channels) {
			if (locked.has(channel.id)) {
				result.alreadyLocked.push(channel.id);
				continue;
			}
			if (!channel.permissionsFor(prep.guild.roles.everyone).has(PermissionFlagsBits.ViewChannel)) {
				result.hidden.push(channel.id);
				continue;
			}
			if (prep.me.permissionsIn(channel).missing(['ViewChannel', 'ManageRoles']).length > 0) {
				result.failed.push(channel.id);
				continue;
			}
			try {
				result.locked.push(await this.#lockChannel(guildId, channel.id, prep));
			} catch (error) {
				if (error instanceof UserError && error.identifier === 'moderation:errors.alreadyLocked') result.alreadyLocked.push(channel.id);
				else {
					if (!(error instanceof UserError)) this.ctx.logger.error(`Server lockdown of guild ${guildId}: channel ${channel.id} could not be locked:`, error);
					result.failed.push(channel.id);
				}
			}
		}
		if (result.locked.length === 0 && result.failed.length === 0 && result.alreadyLocked.length > 0) {
			throw translatedUserError('moderation:errors.serverAlreadyLocked');
		}
		this.ctx.logger.info(
			`Server lockdown of guild ${guildId} by ${options.moderatorId}: ${result.locked.length} locked, ${result.alreadyLocked.length} already locked, ` +
				`${result.hidden.length} hidden from @everyone, ${result.failed.length} failed`
		);
		return result;
	}

	/**
	 * Unlocks a channel: puts back exactly the @everyone overwrite it had before its lockdown (or none), cancels the
	 * timed end, records the `unlock` case and marks the lockdown case ended.
	 * @throws UserError `moderation:errors.reasonTooLong`, `unknownChannel`, `botMissingChannelPermissions`,
	 *   `notLocked`, `channelRefused` (Discord refused: the channel stays locked, the snapshot kept).
	 */
	public async unlock(guildId: string, options: { channelId: string; moderatorId: string; reason?: string | null }): Promise<UnlockResult> {
		const reason = checkReason(options.reason);
		const guild = await loadGuild(this.ctx.client, guildId);
		const me = await fetchBotMember(guild);
		const channel = await this.#channel(guild, options.channelId);
		assertBotCan(me, channel, ['ViewChannel', 'ManageRoles']);
		const { t } = await this.ctx.translator(guildId);
		const actor = await this.#actor(guild, me, options.moderatorId);
		const result = await this.#unlockChannel(guildId, channel.id, {
			moderatorId: options.moderatorId,
			reason,
			audit: auditReason(actor, reason ?? t('moderation:audit.noReason')),
			lockdownId: null
		});
		if (result === null) throw translatedUserError('moderation:errors.notLocked', { channel: mention(channel.id) });
		return result;
	}

	/**
	 * Unlocks every locked channel of the server, each exactly as it was (channels deleted meanwhile are cleared).
	 * @throws UserError `moderation:errors.serverNotLocked` when no channel is locked.
	 */
	public async unlockServer(guildId: string, options: { moderatorId: string }): Promise<ServerUnlockResult> {
		const lockdowns = await this.lockdownsOf(guildId);
		if (lockdowns.length === 0) throw translatedUserError('moderation:errors.serverNotLocked');
		const guild = await loadGuild(this.ctx.client, guildId);
		const me = await fetchBotMember(guild);
		const { t } = await this.ctx.translator(guildId);
		const audit = auditReason(await this.#actor(guild, me, options.moderatorId), t('moderation:audit.noReason'));
		const result: ServerUnlockResult = { unlocked: [], failed: [] };
		for (const lockdown of lockdowns) {
			try {
				const unlocked = await this.#unlockChannel(guildId, lockdown.channelId, { moderatorId: options.moderatorId, reason: null, audit, lockdownId: lockdown.id });
				// null: unlocked meanwhile by someone else (a timed end, /unlock channel): nothing left to do.
				if (unlocked) result.unlocked.push(unlocked);
			} catch (error) {
				if (!(error instanceof UserError)) this.ctx.logger.error(`Server unlock of guild ${guildId}: channel ${lockdown.channelId} could not be unlocked:`, error);
				result.failed.push(lockdown.channelId);
			}
		}
		this.ctx.logger.info(`Server unlock of guild ${guildId} by ${options.moderatorId}: ${result.unlocked.length} unlocked, ${result.failed.length} failed`);
		return result;
	}

	/**
	 * Ends a timed lockdown: what the `moderationLockdownEnd` task runs. Idempotent: does nothing unless the channel's
	 * lockdown is still this one (`lockdownId`); a manual unlock, or an unlock followed by a new lockdown, makes it a
	 * no-op. The unlock case is the bot's, with the reason "timed lockdown ended (case #n)" in the guild's language.
	 * @throws DiscordAPIError / UserError when Discord refuses (the task retries; the channel stays locked meanwhile).
	 */
	public async endLockdown(guildId: string, channelId: string, lockdownId: number): Promise<LockdownEndOutcome> {
		const { t } = await this.ctx.translator(guildId);
		const bot = this.ctx.client.user;
		if (!bot) throw new Error('The client is not logged in');
		const row = await this.ctx.em().findOne(ModerationLockdown, { id: lockdownId, guildId, channelId });
		if (!row) return 'gone';
		const caseNumber = row.caseNumber ?? null;
		const reason = caseNumber === null ? t('moderation:audit.lockdownEndedNoCase') : t('moderation:audit.lockdownEnded', { number: caseNumber });
		const result = await this.#unlockChannel(guildId, channelId, {
			moderatorId: bot.id,
			reason,
			audit: auditReason({ name: bot.username, id: bot.id }, reason),
			lockdownId
		});
		if (result === null) return 'gone';
		this.ctx.logger.info(`Timed lockdown ${lockdownId} of channel ${channelId} in guild ${guildId} ended (${result.status})`);
		return result.status;
	}

	/** The channel's lockdown, or null when it is not locked. */
	public async lockdownOf(guildId: string, channelId: string): Promise<LockdownRecord | null> {
		const row = await this.ctx.em().findOne(ModerationLockdown, { guildId, channelId });
		return row ? toLockdown(row) : null;
	}

	/** Every locked channel of the guild, oldest lockdown first. */
	public async lockdownsOf(guildId: string): Promise<LockdownRecord[]> {
		const rows = await this.ctx.em().find(ModerationLockdown, { guildId }, { orderBy: { id: 'asc' } });
		return rows.map(toLockdown);
	}

	/**
	 * Makes sure every timed lockdown has its end in the task queue (it is missing if Redis lost its data, or if
	 * scheduling failed right after the lockdown); an end already due runs at once. Safe in every process at once: a
	 * keyed job is never queued twice. @returns how many lockdowns were looked at.
	 */
	public async reconcileLockdownEnds(): Promise<number> {
		const pageSize = 500;
		let seen = 0;
		for (let afterId = 0; ; ) {
			const rows = await this.ctx.em().find(ModerationLockdown, { endsAt: { $ne: null }, id: { $gt: afterId } }, { orderBy: { id: 'asc' }, limit: pageSize });
			for (const row of rows) {
				const lockdown = toLockdown(row);
				if (lockdown.endsAt !== null) await this.#scheduleEnd(lockdown, false);
			}
			seen += rows.length;
			const last = rows.at(-1);
			if (rows.length < pageSize || !last) return seen;
			afterId = last.id;
		}
	}

	// ------------------------------------------------------------------ internals

	/** The checks of a lockdown that do not depend on the channel: reason, duration, guild and bot member, who acts. */
	async #prepareLock(guildId: string, options: Omit<LockOptions, 'channelId'>): Promise<LockPrep> {
		const reason = checkReason(options.reason);
		const config = await this.ctx.config(guildId);
		if (reason === null && config.requireReason) throw translatedUserError('moderation:errors.reasonRequired');
		const { t, locale } = await this.ctx.translator(guildId);
		const durationMs = options.durationMs ?? null;
		if (durationMs !== null) checkDuration(durationMs, LOCKDOWN_BOUNDS, locale);
		const guild = await loadGuild(this.ctx.client, guildId);
		const me = await fetchBotMember(guild);
		const actor = await this.#actor(guild, me, options.moderatorId);
		return {
			guild,
			me,
			moderatorId: options.moderatorId,
			reason,
			audit: auditReason(actor, reason ?? t('moderation:audit.noReason')),
			durationMs,
			endsAt: durationMs === null ? null : this.ctx.clock.now() + durationMs
		};
	}

	/**
	 * Locks one channel under its lock. The order is what keeps a failure from leaving half-done state:
	 *
	 * 1. The snapshot of the current @everyone overwrite (read fresh through REST, not from a cache) is written and
	 *    **committed before Discord is changed**. If the process died right after the Discord change, the snapshot is
	 *    there and `/unlock` restores the channel exactly; the other way round, a locked channel without its snapshot
	 *    would have lost its previous overwrite for good.
	 * 2. The overwrite is changed on Discord. If Discord refuses (a 4xx answer: nothing was changed), the snapshot is
	 *    removed again, so the channel does not count as locked. If the outcome is unknown (a network error, a 5xx),
	 *    the channel is read again: the snapshot is removed only if the overwrite is still the previous one; otherwise
	 *    it stays, and `/unlock` puts the previous overwrite back. A snapshot that cannot be removed is harmless: it
	 *    equals the channel's current overwrite, so unlocking restores what is already there.
	 * 3. Then the timed end is queued and the case recorded (after the change, like every action of the service: a
	 *    refused change takes no case number), and the case number written to the snapshot.
	 */
	async #lockChannel(guildId: string, channelId: string, prep: LockPrep): Promise<LockResult> {
		return this.#withChannelLock(guildId, channelId, async () => {
			if (await this.ctx.em().findOne(ModerationLockdown, { guildId, channelId })) {
				throw translatedUserError('moderation:errors.alreadyLocked', { channel: mention(channelId) });
			}
			const previous = await this.#everyoneOverwrite(guildId, channelId);
			const snapshot = snapshotOf(previous);
			const now = this.ctx.clock.now();
			let lockdownId: number;
			try {
				lockdownId = Number(
					await this.ctx.em().insert(ModerationLockdown, {
						guildId,
						channelId,
						hadOverwrite: snapshot.hadOverwrite,
						previousAllow: snapshot.allow,
						previousDeny: snapshot.deny,
						caseNumber: null,
						endsAt: prep.endsAt === null ? null : new Date(prep.endsAt),
						createdAt: new Date(now)
					})
				);
			} catch (error) {
				// Only reachable past the advisory lock if a row was written without it: still "already locked".
				if (error instanceof UniqueConstraintViolationException) throw translatedUserError('moderation:errors.alreadyLocked', { channel: mention(channelId) });
				throw error;
			}
			const locked = lockedOverwrite(previous);
			try {
				await this.#putEveryone(guildId, channelId, locked, prep.audit);
			} catch (error) {
				await this.#forgetFailedLock(guildId, channelId, lockdownId, previous, error);
				throw channelRefusal(error, channelId);
			}
			let lockdown: LockdownRecord = {
				id: lockdownId,
				guildId,
				channelId,
				hadOverwrite: snapshot.hadOverwrite,
				previousAllow: snapshot.allow,
				previousDeny: snapshot.deny,
				caseNumber: null,
				endsAt: prep.endsAt,
				createdAt: now
			};
			const endScheduled = lockdown.endsAt === null ? null : await this.#scheduleEnd(lockdown, true);
			let record: CaseRecord;
			try {
				record = await this.moderation.createCase(guildId, {
					type: 'lockdown',
					targetId: channelId,
					moderatorId: prep.moderatorId,
					reason: prep.reason,
					durationMs: prep.durationMs,
					endsAt: prep.endsAt,
					source: 'command'
				});
			} catch (error) {
				this.ctx.logger.error(
					`Channel ${channelId} of guild ${guildId} was locked (lockdown ${lockdownId}) but its case could not be recorded (moderator ${prep.moderatorId}, reason: ${prep.reason ?? 'none'}):`,
					error
				);
				throw error;
			}
			await this.ctx.em().nativeUpdate(ModerationLockdown, { id: lockdownId }, { caseNumber: record.number });
			lockdown = { ...lockdown, caseNumber: record.number };
			return { case: record, lockdown, endScheduled };
		});
	}

	/**
	 * After a failed lockdown change: removes the snapshot when Discord surely did not change the channel (see
	 * {@link #lockChannel}, step 2). Never throws: a failure here is logged, the snapshot stays (harmless).
	 */
	async #forgetFailedLock(guildId: string, channelId: string, lockdownId: number, previous: OverwriteBits | null, error: unknown): Promise<void> {
		try {
			let unchanged = error instanceof DiscordAPIError && error.status >= 400 && error.status < 500;
			if (!unchanged) {
				const now = await this.#everyoneOverwrite(guildId, channelId);
				unchanged = now === null ? previous === null : previous !== null && now.allow === previous.allow && now.deny === previous.deny;
			}
			if (unchanged) await this.ctx.em().nativeDelete(ModerationLockdown, { id: lockdownId });
			else this.ctx.logger.warn(`Lockdown ${lockdownId} of channel ${channelId} in guild ${guildId}: Discord's answer was lost and the overwrite changed; the snapshot is kept for /unlock`);
		} catch (cleanup) {
			this.ctx.logger.error(`Lockdown ${lockdownId} of channel ${channelId} in guild ${guildId} failed and its snapshot could not be removed (unlocking restores the same overwrite):`, cleanup);
		}
	}

	/**
	 * Unlocks one channel under its lock, in the reverse order of {@link #lockChannel}: the previous overwrite is put
	 * back on Discord **first**, and the snapshot deleted only after that succeeded. A refusal leaves the channel locked
	 * with its snapshot (try again); a snapshot left behind after a restore (PostgreSQL failed) only makes the next
	 * unlock restore the same overwrite again. A channel deleted meanwhile (Unknown Channel) just loses its snapshot.
	 * @param lockdownId unlock only this lockdown (a timed end, a server unlock); null: whichever the channel has.
	 * @returns null when the channel is not locked (or no longer by `lockdownId`).
	 */
	async #unlockChannel(guildId: string, channelId: string, options: UnlockPrep): Promise<UnlockResult | null> {
		return this.#withChannelLock(guildId, channelId, async () => {
			const row = await this.ctx.em().findOne(ModerationLockdown, { guildId, channelId });
			if (!row || (options.lockdownId !== null && row.id !== options.lockdownId)) return null;
			const lockdown = toLockdown(row);
			const restored = restoredOverwrite({ hadOverwrite: lockdown.hadOverwrite, allow: lockdown.previousAllow, deny: lockdown.previousDeny });
			let channelGone = false;
			try {
				if (restored) await this.#putEveryone(guildId, channelId, restored, options.audit);
				else await this.#deleteEveryone(guildId, channelId, options.audit);
			} catch (error) {
				if (!isDiscordError(error, RESTJSONErrorCodes.UnknownChannel)) throw channelRefusal(error, channelId);
				channelGone = true;
			}
			await this.ctx.em().nativeDelete(ModerationLockdown, { id: lockdown.id });
			if (lockdown.endsAt !== null) await this.#cancelEnd(lockdown);
			const now = this.ctx.clock.now();
			if (lockdown.caseNumber !== null) await this.#endLockdownCase(guildId, lockdown.caseNumber, now);
			if (channelGone) {
				this.ctx.logger.info(`Lockdown ${lockdown.id} of channel ${channelId} in guild ${guildId} cleared: the channel no longer exists`);
				return { status: 'channelGone', lockdown };
			}
			const record = await this.moderation.createCase(guildId, { type: 'unlock', targetId: channelId, moderatorId: options.moderatorId, reason: options.reason, source: 'command' });
			return { status: 'unlocked', case: record, lockdown };
		});
	}

	/**
	 * Runs `fn` while holding the PostgreSQL advisory lock of (guild, channel) in a transaction of its own. `fn` writes
	 * through fresh EntityManagers (`ctx.em()`), outside that transaction, so each write is committed at once (the
	 * snapshot must be durable before Discord changes, see {@link #lockChannel}); the lock is released when `fn` ends.
	 * At most {@link MAX_CHANNEL_SECTIONS} run at once in this process; the others wait their turn, in order.
	 */
	async #withChannelLock<T>(guildId: string, channelId: string, fn: () => Promise<T>): Promise<T> {
		// A finishing section hands its slot straight to the first waiter, so none can be taken in between.
		if (this.#running < MAX_CHANNEL_SECTIONS) this.#running++;
		else await new Promise<void>((resolve) => this.#waiting.push(resolve));
		try {
			return await this.ctx.em().transactional(async (tx) => {
				await tx.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`moderation:${guildId}:${channelId}`], 'run');
				return fn();
			});
		} finally {
			const next = this.#waiting.shift();
			if (next) next();
			else this.#running--;
		}
	}

	/** The channel's @everyone overwrite now, read through REST (the snapshot must not come from a stale cache). */
	async #everyoneOverwrite(guildId: string, channelId: string): Promise<OverwriteBits | null> {
		const channel = channelOverwrites.parse(await this.ctx.client.rest.get(Routes.channel(channelId)));
		// The @everyone role's id is the guild's id.
		const overwrite = channel.permission_overwrites?.find((candidate) => candidate.id === guildId);
		return overwrite ? { allow: parseBits(overwrite.allow), deny: parseBits(overwrite.deny) } : null;
	}

	/** `PUT /channels/{channel}/permissions/{@everyone}` with exactly these bits. */
	async #putEveryone(guildId: string, channelId: string, bits: OverwriteBits, reason: string): Promise<void> {
		await this.ctx.client.rest.put(Routes.channelPermission(channelId, guildId), {
			body: { type: ROLE_OVERWRITE, allow: bits.allow.toString(), deny: bits.deny.toString() },
			reason
		});
	}

	/** `DELETE /channels/{channel}/permissions/{@everyone}`; an overwrite already gone (404 Unknown Overwrite) is fine. */
	async #deleteEveryone(guildId: string, channelId: string, reason: string): Promise<void> {
		try {
			await this.ctx.client.rest.delete(Routes.channelPermission(channelId, guildId), { reason });
		} catch (error) {
			if (!isDiscordError(error, RESTJSONErrorCodes.UnknownPermissionOverwrite)) throw error;
		}
	}

	/** Marks the lockdown case ended and edits its mod-log embed. Failures are logged: the unlock stands. */
	async #endLockdownCase(guildId: string, caseNumber: number, now: number): Promise<void> {
		try {
			await store.markEnded(this.ctx.em(), guildId, [caseNumber], now);
			const record = await store.findCase(this.ctx.em(), guildId, caseNumber);
			if (!record || record.modLogChannelId === null || record.modLogMessageId === null) return;
			const { t, locale } = await this.ctx.translator(guildId);
			await editEmbed(this.ctx.client, record.modLogChannelId, record.modLogMessageId, modLogEmbed(record, t, locale));
		} catch (error) {
			this.ctx.logger.warn(`Lockdown case #${caseNumber} of guild ${guildId} could not be marked ended or its embed edited:`, error);
		}
	}

	/** Queues a lockdown's end. Never throws: a failure is logged. @returns whether it is queued. */
	async #scheduleEnd(lockdown: LockdownRecord, replace: boolean): Promise<boolean> {
		if (lockdown.endsAt === null) return false;
		try {
			await this.ctx.tasks.schedule(LOCKDOWN_END_TASK, {
				guildId: lockdown.guildId,
				payload: { channelId: lockdown.channelId, lockdownId: lockdown.id },
				at: lockdown.endsAt,
				key: lockdownTaskKey(lockdown.channelId, lockdown.id),
				replace
			});
			return true;
		} catch (error) {
			this.ctx.logger.error(`The end of lockdown ${lockdown.id} (channel ${lockdown.channelId}, guild ${lockdown.guildId}) could not be scheduled:`, error);
			return false;
		}
	}

	/** Cancels a lockdown's pending end. Failures are logged: a stale end finds its lockdown gone and does nothing. */
	async #cancelEnd(lockdown: LockdownRecord): Promise<void> {
		try {
			await this.ctx.tasks.cancel(LOCKDOWN_END_TASK, lockdown.guildId, lockdownTaskKey(lockdown.channelId, lockdown.id));
		} catch (error) {
			this.ctx.logger.warn(`The pending end of lockdown ${lockdown.id} (channel ${lockdown.channelId}) could not be cancelled:`, error);
		}
	}

	/**
	 * A channel of the guild (from the cache, else REST).
	 * @throws UserError `moderation:errors.unknownChannel` when it does not exist or is in another guild;
	 *   `botMissingChannelPermissions` (View Channel) when the bot cannot see it.
	 */
	async #channel(guild: Guild, channelId: string): Promise<GuildBasedChannel> {
		let channel: GuildBasedChannel | null = guild.channels.cache.get(channelId) ?? null;
		if (!channel && /^\d{17,20}$/.test(channelId)) {
			try {
				channel = await guild.channels.fetch(channelId);
			} catch (error) {
				if (isDiscordError(error, RESTJSONErrorCodes.MissingAccess)) {
					throw translatedUserError('moderation:errors.botMissingChannelPermissions', { permissions: 'ViewChannel', channel: mention(channelId), missing: ['ViewChannel'] });
				}
				// Unknown Channel, or a channel of another guild (discord.js refuses it): both "no such channel here".
				const otherGuild = error instanceof DiscordjsError && error.code === DiscordjsErrorCodes.GuildChannelUnowned;
				if (!otherGuild && !isDiscordError(error, RESTJSONErrorCodes.UnknownChannel)) throw error;
			}
		}
		if (!channel || channel.guildId !== guild.id) throw translatedUserError('moderation:errors.unknownChannel', { channel: channelId });
		return channel;
	}

	/** Runs a Discord call on a channel, turning Discord's refusals into translated errors ({@link channelRefusal}). */
	async #channelCall<T>(channelId: string, call: () => Promise<T>): Promise<T> {
		try {
			return await call();
		} catch (error) {
			throw channelRefusal(error, channelId);
		}
	}

	/** Who acts, as the audit log names them: the bot, a member, or (not a member any more) the bare id. */
	async #actor(guild: Guild, me: GuildMember, moderatorId: string): Promise<AuditActor> {
		if (moderatorId === me.id) return { name: me.user.username, id: me.id };
		const member = await fetchMember(guild, moderatorId);
		return { name: member?.user.username ?? moderatorId, id: moderatorId };
	}
}

/** A lockdown's checks, done once for one channel or a whole server. */
interface LockPrep {
	guild: Guild;
	me: GuildMember;
	moderatorId: string;
	/** The case's reason (trimmed; null: none). */
	reason: string | null;
	/** The audit-log reason of the overwrite change. */
	audit: string;
	durationMs: number | null;
	/** ms on the bot's clock; null: until unlocked. */
	endsAt: number | null;
}

/** What an unlock of one channel needs. */
interface UnlockPrep {
	moderatorId: string;
	reason: string | null;
	audit: string;
	lockdownId: number | null;
}

/** A channel mention (shown, never pinging). */
const mention = (channelId: string) => `<#${channelId}>`;

/** A row as a {@link LockdownRecord}. */
function toLockdown(row: IModerationLockdown): LockdownRecord {
	return {
		id: row.id,
		guildId: row.guildId,
		channelId: row.channelId,
		hadOverwrite: row.hadOverwrite,
		previousAllow: row.previousAllow ?? null,
		previousDeny: row.previousDeny ?? null,
		caseNumber: row.caseNumber ?? null,
		endsAt: row.endsAt ? row.endsAt.getTime() : null,
		createdAt: row.createdAt.getTime()
	};
}

/**
 * A reason as stored: trimmed, blank as none (the service's rule).
 * @throws UserError `moderation:errors.reasonTooLong` over 512 characters (code points).
 */
function checkReason(reason: string | null | undefined): string | null {
	const text = reason?.trim() ?? '';
	if (text === '') return null;
	const length = characterCount(text);
	if (length > MAX_REASON) throw translatedUserError('moderation:errors.reasonTooLong', { length, max: MAX_REASON });
	return text;
}

/**
 * Throws when the bot lacks channel permissions (its roles and the channel's overwrites; Administrator counts as all).
 * @throws UserError `moderation:errors.botMissingChannelPermissions` (context: `permissions`, `channel`, and `missing`,
 *   which src/lib/replies.ts turns into the permissions' translated names).
 */
function assertBotCan(me: GuildMember, channel: GuildBasedChannel, needed: PermissionsString[]): void {
	const missing = me.permissionsIn(channel).missing(needed);
	if (missing.length > 0) throw translatedUserError('moderation:errors.botMissingChannelPermissions', { permissions: missing.join(', '), channel: mention(channel.id), missing });
}

/**
 * Discord's refusals of a channel change as translated errors: Missing Permissions (50013) and Missing Access (50001)
 * as `moderation:errors.channelRefused`, Unknown Channel as `unknownChannel`. Anything else is returned as it was
 * (an unexpected error, answered with an error id).
 */
function channelRefusal(error: unknown, channelId: string): unknown {
	if (isDiscordError(error, RESTJSONErrorCodes.MissingPermissions, RESTJSONErrorCodes.MissingAccess)) return translatedUserError('moderation:errors.channelRefused', { channel: mention(channelId) });
	if (isDiscordError(error, RESTJSONErrorCodes.UnknownChannel)) return translatedUserError('moderation:errors.unknownChannel', { channel: channelId });
	return error;
}
