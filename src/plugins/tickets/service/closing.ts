import {
	DiscordAPIError,
	GuildMember,
	OverwriteType,
	PermissionFlagsBits,
	RESTJSONErrorCodes,
	type APIInteractionGuildMember,
	type PermissionsString,
	type Channel,
	type GuildTextBasedChannel,
	type ThreadChannel
} from 'discord.js';
import { formatDuration } from '../../../lib/durations.js';
import type { Translate } from '../../../lib/i18n.js';
import { fitContent } from '../../../lib/replies.js';
import { typeById, type TicketsConfig } from '../lib/config.js';
import { formatTicketNumber } from '../lib/naming.js';
import { DEFAULT_UPLOAD_LIMIT_BYTES, uploadLimitForPremiumTier } from '../lib/transcriptBudget.js';
import { closedNotice, feedbackRows, inactivityWarning } from '../views/closing.js';
import { missingBotPermissions, removeEmptyOverflow } from './channels.js';
import { logTicketEvent } from './staffLog.js';
import * as store from './store.js';
import type { TicketRecord } from './store.js';
import { buildTranscript, publishTranscript, type TranscriptLabels } from './transcript.js';
import type { TicketService } from './TicketService.js';

/** Finishes a close (transcript, notice, lock, feedback, staff log, deletion): see {@link TicketClosing}. */
export const FINISH_CLOSE_TASK = 'ticketsFinishClose';
/** The inactivity warning and close of one open ticket. */
export const AUTO_CLOSE_TASK = 'ticketsAutoClose';
/** A `/ticket close-request` coming due. */
export const CLOSE_REQUEST_TASK = 'ticketsCloseRequest';
/** A closed ticket channel's deletion at the end of the reopen window. */
export const DELETE_CHANNEL_TASK = 'ticketsDeleteChannel';

/** The key of the finishing job of one close (a close is named by its `closed_at`, ms: a later close is another job). */
export const finishKey = (ticketId: number, closedAt: number): string => `finish-${ticketId}-${closedAt}`;
/**
 * The two keys an auto-close job of a ticket takes in turn. A running job re-arms itself for later; the task queue
 * keeps (does not replace) a job that is running, so the re-armed job takes the other key. At most one of them is
 * waiting at any time.
 */
export const autoCloseKeys = (ticketId: number): readonly [string, string] => [`auto-${ticketId}`, `auto-${ticketId}-r`];
/** The key of a ticket's pending close request. */
export const closeRequestKey = (ticketId: number): string => `request-${ticketId}`;
/** The key of a closed ticket channel's deletion. */
export const deleteChannelKey = (ticketId: number): string => `delete-${ticketId}`;

/** Keyed job states in which a job will still run. */
const PENDING_STATES = new Set(['delayed', 'waiting', 'prioritized', 'waiting-children', 'active']);

/** Closed thread tickets looked at by the start-up reconcile: closed in the last 7 days (older ones were finished). */
const RECONCILE_THREAD_WINDOW_MS = 7 * 86_400_000;

/** The shortest and longest `/ticket close-request` delay: 1 minute and 30 days (as `closeRequestDelaySeconds`). */
export const CLOSE_REQUEST_MIN_MS = 60_000;
export const CLOSE_REQUEST_MAX_MS = 30 * 86_400_000;

/** What {@link TicketClosing.close} did. */
export type CloseResult =
	| { kind: 'closed'; ticket: TicketRecord }
	/** Closed before (a second Close click, or a close in another process). */
	| { kind: 'already'; ticket: TicketRecord }
	/** Still being opened (`opening`). */
	| { kind: 'not-open'; ticket: TicketRecord }
	| { kind: 'unknown' };

/** What {@link TicketClosing.reopen} did. */
export type ReopenResult =
	| { kind: 'reopened'; ticket: TicketRecord }
	| { kind: 'not-closed'; ticket: TicketRecord }
	/** Its channel is deleted (after the reopen window, or by hand). */
	| { kind: 'deleted'; ticket: TicketRecord }
	/** Its close is still being finished (transcript, lock), or its channel is being deleted right now. */
	| { kind: 'closing'; ticket: TicketRecord }
	/** The bot lacks these permissions in the channel or thread (nothing was changed). */
	| { kind: 'bot-permissions'; ticket: TicketRecord; missing: PermissionsString[] }
	| { kind: 'unknown' };

/**
 * What the bot needs in a ticket to close and reopen it: channel mode Manage Roles (the opener's Send Messages taken
 * and given back), Manage Channels (the deletion) and Read Message History (the transcript); thread mode Manage
 * Threads (lock, archive, unarchive) and Read Message History.
 */
export const CLOSING_PERMISSIONS: Readonly<Record<TicketRecord['mode'], readonly PermissionsString[]>> = {
	channel: ['ViewChannel', 'ManageRoles', 'ManageChannels', 'ReadMessageHistory'],
	thread: ['ViewChannel', 'ManageThreads', 'ReadMessageHistory']
};

/** What a member may do in a ticket: the roles they hold and their guild permissions. */
export interface MemberFacts {
	userId: string;
	roleIds: readonly string[];
	/** Manage Server (admins may act as staff of every type). */
	manageGuild: boolean;
}

/** The facts of an interaction's member (a cached GuildMember or the raw member of the payload). */
export function memberFacts(userId: string, member: GuildMember | APIInteractionGuildMember | null, permissions: { has(flag: bigint): boolean } | null): MemberFacts {
	const roleIds = member instanceof GuildMember ? [...member.roles.cache.keys()] : (member?.roles ?? []);
	return { userId, roleIds, manageGuild: permissions?.has(PermissionFlagsBits.ManageGuild) ?? false };
}

/** Whether a member is staff of the ticket: a staff role of its type (lib/config.ts `staffRoleIds`) or Manage Server. */
export function isTicketStaff(config: TicketsConfig, ticket: TicketRecord, member: MemberFacts): boolean {
	if (member.manageGuild) return true;
	const staffRoles = typeById(config, ticket.typeId)?.staffRoleIds ?? [];
	return staffRoles.some((roleId) => member.roleIds.includes(roleId));
}

/** Whether a Discord error is one of these codes. */
function isDiscordError(error: unknown, ...codes: number[]): error is DiscordAPIError {
	return error instanceof DiscordAPIError && codes.includes(Number(error.code));
}

/** A Discord error's short description for logs and the staff. */
function describeError(error: unknown): string {
	return error instanceof DiscordAPIError ? `${error.status} ${error.code} ${error.message}` : error instanceof Error ? error.message : String(error);
}

/**
 * Closing, reopening, close requests, auto-close and feedback (issue 10).
 *
 * **A close, and a crash in its middle.** `close` is one PostgreSQL transaction: the compare-and-set open → closed
 * (a second Close click, in any process, finds it closed and is told so) and, inside the same transaction, the
 * scheduling of a keyed `ticketsFinishClose` job in Redis. The job's first step reads the row `for update`, so it
 * waits for that transaction: if the transaction commits, the job sees the close and finishes it; if it rolls back
 * (a crash or an error before the commit), the ticket is still open (closable again) and the job does nothing. A
 * SIGKILL after the commit leaves the job in Redis, run by whichever process is up (the task queue runs a keyed job
 * once across processes). So every close is finished exactly once, except that a process dying *during* the finishing
 * job makes the task queue run it again after its lock expires: the transcript is then not built twice (it is skipped
 * once `transcript_url` is saved) but the notice and the feedback prompt may be posted twice. The start-up reconcile
 * also finishes a close whose job was lost (the channel or thread is found unlocked) and re-arms deletions.
 *
 * **The finishing job**, in order: cancel the ticket's other jobs and forget it in the Redis index; lock (channel:
 * the opener loses Send Messages; thread: locked), so nothing is written after the transcript is taken; the
 * transcript (to the transcript channel and, with `dmTranscript`, the opener; `transcript_url` saved); the "closed"
 * notice with a Reopen button; the feedback prompt; the staff log; then channel mode schedules the channel's deletion
 * after `reopenWindowSeconds`, thread mode archives the thread. A failing step is logged and the next runs (a close
 * is not held up by a transcript that cannot be posted).
 *
 * **Auto-close.** One pending job per open ticket (`ticketsAutoClose`, keys {@link autoCloseKeys}), armed at open,
 * reopen and start-up. Messages only write their time to Redis (service/activity.ts); the job, when it fires, reads
 * it: active since → re-armed for the rest of the time; quiet past `autoCloseInactiveSeconds` → the warning, re-armed
 * for `autoCloseWarningSeconds`; warned and nobody wrote since → closed by the bot. The config is read when the job
 * fires, so a changed time applies at the next firing. A running job re-arms itself under its other key (the task
 * queue does not replace a running job); a run repeated after its process died stops once that other key waits, so
 * a crash costs at most a second warning, never a second job.
 */
export class TicketClosing {
	public constructor(private readonly service: TicketService) {}

	get #ctx() {
		return this.service.ctx;
	}

	// ------------------------------------------------------------------ close

	/**
	 * Closes an open ticket: status closed (compare-and-set) and its finishing job queued in the same transaction (see
	 * the class). Returns at once; the transcript, lock and notice follow in the job, in any process.
	 * @param actorId who closed it (the bot's id for auto-close).
	 * @param reason shown in the notice, the staff log and the transcript (at most 1,000 characters), or null.
	 * @throws what PostgreSQL or Redis throw (the ticket then stays open).
	 */
	public async close(guildId: string, ticketId: number, actorId: string, reason: string | null): Promise<CloseResult> {
		const current = await store.findById(this.#ctx.em(), ticketId);
		if (!current || current.guildId !== guildId) return { kind: 'unknown' };
		const now = this.#ctx.clock.now();
		const closed = await this.#ctx.em().transactional(async (tx) => {
			const ticket = await store.updateTicket(
				tx,
				ticketId,
				{ status: 'closed', closed_at: now, closed_by_id: actorId, close_reason: reason, close_requested_at: null, close_requested_by_id: null, close_request_reason: null },
				['open']
			);
			if (!ticket) return null;
			await this.#ctx.tasks.schedule(FINISH_CLOSE_TASK, { guildId, key: finishKey(ticketId, now), replace: true, payload: { ticketId, closedAt: now } });
			return ticket;
		});
		if (closed) {
			this.#ctx.logger.info(`Ticket #${closed.number} (${ticketId}) of guild ${guildId} closed by ${actorId}`);
			return { kind: 'closed', ticket: closed };
		}
		const after = (await store.findById(this.#ctx.em(), ticketId))!;
		return after.status === 'closed' ? { kind: 'already', ticket: after } : { kind: 'not-open', ticket: after };
	}

	/**
	 * The permissions of {@link CLOSING_PERMISSIONS} the bot lacks in the ticket's channel or thread, from the guild's
	 * cache (empty when this process does not hold the guild, or the channel is not cached: Discord then answers).
	 */
	public missingPermissions(ticket: TicketRecord): PermissionsString[] {
		const guild = this.#ctx.client.guilds.cache.get(ticket.guildId);
		const channel = ticket.channelId ? guild?.channels.cache.get(ticket.channelId) : undefined;
		if (!guild || !channel) return [];
		return missingBotPermissions(guild, channel, CLOSING_PERMISSIONS[ticket.mode]);
	}

	/**
	 * The finishing job of a close (task `ticketsFinishClose`): see the class for its steps and why a close is
	 * finished once. Does nothing when the ticket is not closed by that close any more (the close rolled back, or it
	 * was reopened and closed again: that close has its own job).
	 */
	public async finishClose(guildId: string, ticketId: number, closedAt: number): Promise<void> {
		// `for update` waits for the closing transaction that queued this job.
		const ticket = await this.#ctx.em().transactional((tx) => store.findById(tx, ticketId, true));
		if (!ticket || ticket.guildId !== guildId || ticket.status !== 'closed' || ticket.closedAt !== closedAt) return;
		const logger = this.#ctx.logger.child({ guildId, ticket: ticket.number });
		await this.#cancelOpenJobs(guildId, ticketId);
		if (ticket.channelId) {
			await this.service.activity.unregister(ticket.channelId);
			await this.service.activity.forget(ticket.channelId);
		}
		const config = await this.service.config(guildId);
		const { t, locale } = await this.#ctx.translator(guildId);
		const channel = ticket.channelId && ticket.channelDeletedAt === null ? await this.#fetchChannel(ticket.channelId) : null;
		if (!channel || !channel.isTextBased()) {
			// Deleted by hand before the close was finished: nothing to lock or transcribe.
			if (ticket.channelDeletedAt === null) await store.updateTicket(this.#ctx.em(), ticketId, { channel_deleted_at: this.#ctx.clock.now() });
			await this.#staffLog(ticket, 'deleted');
			return;
		}
		const text = channel as GuildTextBasedChannel;
		await this.#step(logger, 'lock', () => this.#lock(ticket, text));
		let transcriptUrl = ticket.transcriptUrl;
		if (transcriptUrl === null) transcriptUrl = await this.#transcript(ticket, text, config, t, locale, logger);
		const deleteAt = ticket.mode === 'channel' ? closedAt + config.reopenWindowSeconds * 1_000 : null;
		await this.#step(logger, 'closed notice', () => text.send(closedNotice(t, ticket, `<@${ticket.closedById}>`, ticket.closeReason, deleteAt)));
		if (config.feedback) await this.#step(logger, 'feedback prompt', () => this.#askFeedback(ticket, text, t));
		await this.#staffLog({ ...ticket, transcriptUrl }, 'close');
		if (ticket.mode === 'channel') {
			await this.#ctx.tasks.schedule(DELETE_CHANNEL_TASK, { guildId, key: deleteChannelKey(ticketId), at: deleteAt!, replace: true, payload: { ticketId } });
		} else {
			await this.#step(logger, 'archive', () => (text as ThreadChannel).edit({ archived: true, locked: true }));
		}
	}

	/** Runs one step of the finishing job; a failure is logged and the job goes on. */
	async #step(logger: { warn(...values: unknown[]): void }, what: string, run: () => Promise<unknown>): Promise<void> {
		try {
			await run();
		} catch (error) {
			logger.warn(`Closing a ticket: ${what} failed: ${describeError(error)}`);
		}
	}

	/** Channel mode: the opener loses Send Messages; thread mode: the thread is locked (staff still write). */
	async #lock(ticket: TicketRecord, channel: GuildTextBasedChannel): Promise<void> {
		if (channel.isThread()) {
			if (!channel.locked) await channel.edit({ locked: true });
			return;
		}
		if ('permissionOverwrites' in channel) await channel.permissionOverwrites.edit(ticket.openerId, { SendMessages: false }, { type: OverwriteType.Member });
	}

	/** Whether the close of this ticket got as far as the lock (what the start-up reconcile looks at). */
	#isLocked(ticket: TicketRecord, channel: Channel): boolean {
		if (channel.isThread()) return channel.locked === true;
		if (!('permissionOverwrites' in channel)) return true;
		return channel.permissionOverwrites.cache.get(ticket.openerId)?.deny.has(PermissionFlagsBits.SendMessages) ?? false;
	}

	/**
	 * Builds and posts the transcript where the config says (transcript channel, the opener's DMs), saves its link
	 * (the transcript channel's message, else the DM) and returns it; null when it goes nowhere or failed (the failure
	 * is posted to the transcript channel and logged).
	 */
	async #transcript(
		ticket: TicketRecord,
		channel: GuildTextBasedChannel,
		config: TicketsConfig,
		t: Translate,
		locale: string,
		logger: { warn(...values: unknown[]): void }
	): Promise<string | null> {
		const target = config.transcriptChannelId ? await this.#fetchChannel(config.transcriptChannelId) : null;
		const logChannel = target?.isTextBased() ? (target as GuildTextBasedChannel) : null;
		if (!logChannel && !config.dmTranscript) return null;
		const typeName = typeById(config, ticket.typeId)?.name ?? ticket.typeId;
		const [opener, closer] = await Promise.all([this.#userName(ticket.openerId), this.#userName(ticket.closedById)]);
		const date = (ms: number) => `${new Date(ms).toLocaleString(locale, { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' })} UTC`;
		const labels: TranscriptLabels = {
			attachments: t('tickets:transcript.attachments'),
			beside: t('tickets:transcript.beside'),
			notKept: t('tickets:transcript.notKept'),
			reasons: { cap: t('tickets:transcript.reasonCap'), unavailable: t('tickets:transcript.reasonUnavailable'), 'too-large': t('tickets:transcript.reasonTooLarge') }
		};
		const premiumTier = channel.guild?.premiumTier ?? 0;
		const uploadLimitBytes = config.dmTranscript ? DEFAULT_UPLOAD_LIMIT_BYTES : uploadLimitForPremiumTier(premiumTier);
		let transcript;
		try {
			transcript = await buildTranscript(channel, {
				attachmentCapBytes: config.transcriptAttachmentCapBytes,
				uploadLimitBytes,
				fileName: `ticket-${formatTicketNumber(ticket.number)}.html`,
				headerLines: [
					t('tickets:transcript.headerTicket', { number: formatTicketNumber(ticket.number), type: typeName }),
					t('tickets:transcript.headerOpened', { opener, date: date(ticket.createdAt) }),
					t('tickets:transcript.headerClosed', { closer, date: date(ticket.closedAt ?? this.#ctx.clock.now()) }),
					...(ticket.closeReason ? [t('tickets:transcript.headerReason', { reason: ticket.closeReason })] : [])
				],
				footerText: t('tickets:transcript.footer'),
				labels
			});
		} catch (error) {
			logger.warn(`The transcript of ticket #${ticket.number} could not be built: ${describeError(error)}`);
			await logChannel?.send({ content: fitContent(t('tickets:transcript.failed', { number: formatTicketNumber(ticket.number), error: describeError(error) })), allowedMentions: { parse: [] } }).catch(() => undefined);
			return null;
		}
		const lines = [
			t('tickets:transcript.posted', { number: formatTicketNumber(ticket.number), type: typeName, opener: `<@${ticket.openerId}>`, closer: `<@${ticket.closedById}>`, messages: transcript.messageCount }),
			transcript.skipped.length > 0 ? t('tickets:transcript.skipped', { count: transcript.skipped.length }) : ''
		];
		let url: string | null = null;
		if (logChannel) {
			try {
				const [first] = await publishTranscript(logChannel, transcript, fitContent(lines.filter(Boolean).join('\n')));
				url = first?.url ?? null;
			} catch (error) {
				logger.warn(`The transcript of ticket #${ticket.number} could not be posted in <#${logChannel.id}>: ${describeError(error)}`);
			}
		}
		if (config.dmTranscript) {
			try {
				const user = await this.#ctx.client.users.fetch(ticket.openerId);
				const guildName = channel.guild?.name ?? '';
				const [first] = await publishTranscript(user, transcript, t('tickets:transcript.dm', { number: formatTicketNumber(ticket.number), guild: guildName }));
				url ??= first?.url ?? null;
			} catch (error) {
				// A member who closed their DMs (50007) is no error: the transcript channel has it.
				if (!isDiscordError(error, RESTJSONErrorCodes.CannotSendMessagesToThisUser)) logger.warn(`The transcript of ticket #${ticket.number} could not be sent to its opener: ${describeError(error)}`);
			}
		}
		if (url !== null) await store.updateTicket(this.#ctx.em(), ticket.id, { transcript_url: url });
		return url;
	}

	/** A user's name for the transcript's header (their id when Discord does not know them). */
	async #userName(userId: string | null): Promise<string> {
		if (userId === null) return '—';
		const user = await this.#ctx.client.users.fetch(userId).catch(() => null);
		return user ? user.username : userId;
	}

	/** Asks the opener for a rating: by DM, or in the ticket when their DMs are closed. */
	async #askFeedback(ticket: TicketRecord, channel: GuildTextBasedChannel, t: Translate): Promise<void> {
		const components = feedbackRows(t, ticket.id, null);
		try {
			const user = await this.#ctx.client.users.fetch(ticket.openerId);
			await user.send({ content: t('tickets:feedback.prompt', { number: formatTicketNumber(ticket.number), guild: channel.guild?.name ?? '' }), components, allowedMentions: { parse: [] } });
		} catch (error) {
			if (!isDiscordError(error, RESTJSONErrorCodes.CannotSendMessagesToThisUser, RESTJSONErrorCodes.UnknownUser)) throw error;
			await channel.send({ content: t('tickets:feedback.promptHere', { opener: `<@${ticket.openerId}>`, number: ticket.number }), components, allowedMentions: { users: [ticket.openerId] } });
		}
	}

	/**
	 * Logs a close (with its reason and transcript link; a channel deleted by hand says it has no transcript) or a reopen
	 * to the staff log (service/staffLog.ts, which never throws).
	 */
	async #staffLog(ticket: TicketRecord, kind: 'close' | 'reopen' | 'deleted', actorId: string | null = null): Promise<void> {
		if (kind === 'reopen') {
			await logTicketEvent(this.service, ticket.guildId, { kind: 'reopen', ticket, actorId: actorId ?? this.#botId() });
			return;
		}
		let reason = ticket.closeReason;
		if (kind === 'deleted') {
			const { t } = await this.#ctx.translator(ticket.guildId);
			reason = t('tickets:transcript.noneDeleted', { number: formatTicketNumber(ticket.number) });
		}
		const closer = ticket.closedById === null || ticket.closedById === this.#botId() ? null : ticket.closedById;
		await logTicketEvent(this.service, ticket.guildId, { kind: 'close', ticket, actorId: closer, reason, transcriptUrl: ticket.transcriptUrl });
	}

	/**
	 * Keeps the reason of a close confirmation until its Close press (Redis, 15 minutes: the interaction's lifetime),
	 * per ticket and member: a button's custom id has no room for it (100 characters).
	 */
	public async holdReason(ticketId: number, userId: string, reason: string | null): Promise<void> {
		const key = this.#reasonKey(ticketId, userId);
		if (reason === null) await this.#ctx.redis.del(key);
		else await this.#ctx.redis.set(key, reason, 'PX', 15 * 60_000);
	}

	/** The reason held by {@link holdReason} for this member's confirmation, taken (null when none or expired). */
	public async takeReason(ticketId: number, userId: string): Promise<string | null> {
		return this.#ctx.redis.getdel(this.#reasonKey(ticketId, userId));
	}

	#reasonKey(ticketId: number, userId: string): string {
		return this.#ctx.redisKey('close-reason', String(ticketId), userId);
	}

	// ------------------------------------------------------------------ the channel's deletion

	/**
	 * Deletes a closed ticket's channel at the end of its reopen window (task `ticketsDeleteChannel`), then records it
	 * (`channel_deleted_at`). Does nothing when the ticket was reopened meanwhile or the channel is gone already.
	 * @throws DiscordAPIError when Discord refuses the deletion for another reason than "unknown channel" (the task
	 *   retries).
	 */
	public async deleteChannel(guildId: string, ticketId: number): Promise<void> {
		const ticket = await store.findById(this.#ctx.em(), ticketId);
		if (!ticket || ticket.guildId !== guildId || ticket.status !== 'closed' || ticket.mode !== 'channel' || ticket.channelDeletedAt !== null || !ticket.channelId) return;
		try {
			await this.#ctx.client.rest.delete(`/channels/${ticket.channelId}`);
		} catch (error) {
			if (!isDiscordError(error, RESTJSONErrorCodes.UnknownChannel)) throw error;
		}
		await this.#markChannelDeleted(ticket);
	}

	/** Records that a ticket's channel or thread is gone, forgets it in Redis, and removes an overflow category left empty. */
	async #markChannelDeleted(ticket: TicketRecord): Promise<void> {
		await this.#ctx.em().execute('update ticket set channel_deleted_at = ? where id = ? and channel_deleted_at is null', [new Date(this.#ctx.clock.now()), ticket.id]);
		if (ticket.channelId) {
			await this.service.activity.unregister(ticket.channelId);
			await this.service.activity.forget(ticket.channelId);
		}
		if (ticket.mode === 'channel') await this.#removeEmptyOverflow(ticket.guildId, ticket.parentId);
	}

	/** Removes the overflow category a deleted ticket channel leaves empty (service/channels.ts; never throws). */
	async #removeEmptyOverflow(guildId: string, parentId: string | null): Promise<void> {
		if (parentId === null) return;
		const guild = this.#ctx.client.guilds.cache.get(guildId) ?? (await this.#ctx.client.guilds.fetch(guildId).catch(() => null));
		if (guild) await removeEmptyOverflow(guild, parentId);
	}

	/**
	 * A ticket's channel or thread was deleted (by hand, or by {@link deleteChannel}): an open ticket is closed there and
	 * then (no transcript can be made: the staff log says so), a closed one records the deletion. Not a ticket: nothing.
	 * @returns whether the channel was a ticket's.
	 */
	public async channelGone(channelId: string): Promise<boolean> {
		const ticket = await this.service.ticketIn(channelId);
		if (!ticket) return false;
		if (ticket.status === 'open') {
			const now = this.#ctx.clock.now();
			const closed = await store.updateTicket(this.#ctx.em(), ticket.id, { status: 'closed', closed_at: now, channel_deleted_at: now, close_requested_at: null, close_requested_by_id: null, close_request_reason: null }, ['open']);
			if (closed) {
				await this.#cancelOpenJobs(ticket.guildId, ticket.id);
				await this.service.activity.unregister(channelId);
				await this.service.activity.forget(channelId);
				this.#ctx.logger.info(`Ticket #${closed.number} of guild ${closed.guildId}: its ${closed.mode} was deleted by hand while open; closed without a transcript`);
				const config = await this.service.config(closed.guildId);
				await this.#noTranscriptNotice(closed, config);
				await this.#staffLog(closed, 'deleted');
				return true;
			}
		}
		if (ticket.channelDeletedAt === null) await this.#markChannelDeleted(ticket);
		return true;
	}

	/** Tells the transcript channel that a ticket deleted by hand has no transcript. */
	async #noTranscriptNotice(ticket: TicketRecord, config: TicketsConfig): Promise<void> {
		if (!config.transcriptChannelId) return;
		const target = await this.#fetchChannel(config.transcriptChannelId);
		if (!target?.isTextBased() || !('send' in target)) return;
		const { t } = await this.#ctx.translator(ticket.guildId);
		await (target as GuildTextBasedChannel).send({ content: t('tickets:transcript.noneDeleted', { number: formatTicketNumber(ticket.number) }), allowedMentions: { parse: [] } }).catch(() => undefined);
	}

	// ------------------------------------------------------------------ reopen

	/**
	 * Reopens a closed ticket: thread mode at any time (unarchived, unlocked), channel mode while its channel still
	 * exists (the deletion job is cancelled, the opener gets Send Messages back). Then status open (compare-and-set),
	 * the Redis index and auto-close armed again, a notice, the staff log.
	 */
	public async reopen(guildId: string, ticketId: number, actorId: string): Promise<ReopenResult> {
		const ticket = await store.findById(this.#ctx.em(), ticketId);
		if (!ticket || ticket.guildId !== guildId) return { kind: 'unknown' };
		if (ticket.status !== 'closed') return { kind: 'not-closed', ticket };
		if (ticket.channelDeletedAt !== null || !ticket.channelId) return { kind: 'deleted', ticket };
		if (ticket.closedAt !== null && PENDING_STATES.has((await this.#ctx.tasks.stateOf(FINISH_CLOSE_TASK, guildId, finishKey(ticketId, ticket.closedAt))) ?? '')) {
			return { kind: 'closing', ticket };
		}
		const channel = await this.#fetchChannel(ticket.channelId);
		if (!channel || !channel.isTextBased()) {
			await this.#markChannelDeleted(ticket);
			return { kind: 'deleted', ticket };
		}
		const missing = this.missingPermissions(ticket);
		if (missing.length > 0) return { kind: 'bot-permissions', ticket, missing };
		if (ticket.mode === 'channel') {
			const key = deleteChannelKey(ticketId);
			if (!(await this.#ctx.tasks.cancel(DELETE_CHANNEL_TASK, guildId, key)) && (await this.#ctx.tasks.stateOf(DELETE_CHANNEL_TASK, guildId, key)) === 'active') {
				return { kind: 'closing', ticket };
			}
		}
		if (channel.isThread() && (channel.archived || channel.locked)) await channel.edit({ archived: false, locked: false });
		const reopened = await store.updateTicket(
			this.#ctx.em(),
			ticketId,
			{ status: 'open', closed_at: null, closed_by_id: null, close_reason: null, channel_deleted_at: null },
			['closed']
		);
		if (!reopened) return { kind: 'not-closed', ticket: (await store.findById(this.#ctx.em(), ticketId))! };
		if (!channel.isThread() && 'permissionOverwrites' in channel) await channel.permissionOverwrites.edit(ticket.openerId, { SendMessages: true }, { type: OverwriteType.Member });
		const now = this.#ctx.clock.now();
		await this.service.activity.register(ticket.channelId, ticketId);
		await this.service.activity.touch(ticket.channelId, now, reopened.firstStaffReplyAt);
		await this.armAutoClose(guildId, ticketId);
		const { t } = await this.#ctx.translator(guildId);
		await (channel as GuildTextBasedChannel).send({ content: t('tickets:reopen.reopened', { number: formatTicketNumber(ticket.number), user: `<@${actorId}>` }), allowedMentions: { parse: [] } });
		await this.#staffLog(reopened, 'reopen', actorId);
		this.#ctx.logger.info(`Ticket #${ticket.number} (${ticketId}) of guild ${guildId} reopened by ${actorId}`);
		return { kind: 'reopened', ticket: reopened };
	}

	// ------------------------------------------------------------------ close requests

	/**
	 * Records a close request on an open ticket and schedules its close after `delayMs` (a new request replaces a
	 * pending one). @returns the ticket, or null when it is not open.
	 */
	public async requestClose(guildId: string, ticketId: number, actorId: string, delayMs: number, reason: string | null): Promise<{ ticket: TicketRecord; closesAt: number } | null> {
		const now = this.#ctx.clock.now();
		const ticket = await store.updateTicket(
			this.#ctx.em(),
			ticketId,
			{ close_requested_at: now, close_requested_by_id: actorId, close_request_reason: reason },
			['open']
		);
		if (!ticket || ticket.guildId !== guildId) return null;
		const closesAt = now + delayMs;
		await this.#ctx.tasks.schedule(CLOSE_REQUEST_TASK, { guildId, key: closeRequestKey(ticketId), at: closesAt, replace: true, payload: { ticketId, requestedAt: now } });
		return { ticket, closesAt };
	}

	/**
	 * The opener keeps the ticket open: the pending request is withdrawn and its job cancelled.
	 * @returns `kept`, `none` (no request pending, or the ticket is not open), or `unknown`.
	 */
	public async keepOpen(guildId: string, ticketId: number): Promise<'kept' | 'none' | 'unknown'> {
		const ticket = await store.findById(this.#ctx.em(), ticketId);
		if (!ticket || ticket.guildId !== guildId) return 'unknown';
		const rows = await this.#ctx
			.em()
			.execute<{ id: string }[]>(
				`update ticket set close_requested_at = null, close_requested_by_id = null, close_request_reason = null where id = ? and status = 'open' and close_requested_at is not null returning id`,
				[ticketId],
				'all'
			);
		if (rows.length === 0) return 'none';
		await this.#ctx.tasks.cancel(CLOSE_REQUEST_TASK, guildId, closeRequestKey(ticketId));
		return 'kept';
	}

	/** A close request came due (task `ticketsCloseRequest`): closes the ticket if that request is still pending. */
	public async closeRequestDue(guildId: string, ticketId: number, requestedAt: number): Promise<void> {
		const ticket = await store.findById(this.#ctx.em(), ticketId);
		if (!ticket || ticket.guildId !== guildId || ticket.status !== 'open' || ticket.closeRequestedAt !== requestedAt) return;
		await this.close(guildId, ticketId, ticket.closeRequestedById ?? this.#botId(), ticket.closeRequestReason);
	}

	// ------------------------------------------------------------------ auto-close

	/**
	 * Arms the auto-close job of an open ticket (call after open; done again at reopen and start-up): due when its last
	 * activity (Redis; its creation when none is recorded) plus `autoCloseInactiveSeconds` is reached. Nothing when auto-close is
	 * off in the guild or a job is already pending (unless `replace`).
	 * @returns whether a job is pending now.
	 */
	public async armAutoClose(guildId: string, ticketId: number, { replace = false }: { replace?: boolean } = {}): Promise<boolean> {
		const config = await this.service.config(guildId);
		if (config.autoCloseInactiveSeconds === null) return false;
		const ticket = await store.findById(this.#ctx.em(), ticketId);
		if (!ticket || ticket.guildId !== guildId || ticket.status !== 'open' || !ticket.channelId) return false;
		const last = await this.service.activity.lastActivityOr(ticket.channelId, ticket.createdAt);
		await this.#scheduleAutoClose(guildId, ticketId, last + config.autoCloseInactiveSeconds * 1_000, null, { replace });
		return true;
	}

	/**
	 * Arms the auto-close job of every open ticket of the guild, replacing pending ones (after `autoCloseInactiveSeconds`
	 * was set or shortened, so that it applies before the old due times). @returns how many are armed.
	 */
	public async armAutoCloseAll(guildId: string): Promise<number> {
		let armed = 0;
		for (const ticket of await store.ticketsInStatus(this.#ctx.em(), guildId, ['open'], 10_000)) {
			if (await this.armAutoClose(guildId, ticket.id, { replace: true })) armed++;
		}
		return armed;
	}

	/**
	 * Schedules the ticket's auto-close job. From inside a running job (`fromKey`), the other key is used (the task
	 * queue never replaces a running job). From outside: a waiting job is kept (or, with `replace`, moved to `at`); a
	 * running one is left alone, since it re-arms itself (and a job whose process died while running it is run again
	 * by the task queue); else a new one is queued.
	 */
	async #scheduleAutoClose(guildId: string, ticketId: number, at: number, warnedAt: number | null, { replace = false, fromKey }: { replace?: boolean; fromKey?: string } = {}): Promise<void> {
		const keys = autoCloseKeys(ticketId);
		const payload = { ticketId, warnedAt };
		if (fromKey !== undefined) {
			const other = fromKey === keys[0] ? keys[1] : keys[0];
			await this.#ctx.tasks.schedule(AUTO_CLOSE_TASK, { guildId, key: other, at, replace: true, payload });
			return;
		}
		const states = await Promise.all(keys.map((key) => this.#ctx.tasks.stateOf(AUTO_CLOSE_TASK, guildId, key)));
		if (states.includes('active')) return;
		const waiting = keys.findIndex((_, index) => PENDING_STATES.has(states[index] ?? ''));
		if (waiting !== -1) {
			if (replace) await this.#ctx.tasks.schedule(AUTO_CLOSE_TASK, { guildId, key: keys[waiting]!, at, replace: true, payload });
			return;
		}
		await this.#ctx.tasks.schedule(AUTO_CLOSE_TASK, { guildId, key: keys[0], at, replace: true, payload });
	}

	/**
	 * The auto-close job of a ticket fired (task `ticketsAutoClose`, key `jobKey`): re-armed when the ticket was active
	 * since, the warning when it has been quiet past the limit, the close when it was warned and nobody wrote since.
	 * @param warnedAt when the warning was posted (ms), or null before one.
	 */
	public async autoCloseDue(guildId: string, ticketId: number, warnedAt: number | null, jobKey: string): Promise<void> {
		const ticket = await store.findById(this.#ctx.em(), ticketId);
		if (!ticket || ticket.guildId !== guildId || ticket.status !== 'open' || !ticket.channelId) return;
		// The other key already waiting: this run re-armed it before (it is run again after its process died), or it was
		// armed from outside meanwhile. That job is the ticket's one job; this run does nothing more.
		const [first, second] = autoCloseKeys(ticketId);
		const otherState = await this.#ctx.tasks.stateOf(AUTO_CLOSE_TASK, guildId, jobKey === first ? second : first);
		if (otherState !== null && otherState !== 'active' && PENDING_STATES.has(otherState)) return;
		const config = await this.service.config(guildId);
		if (config.autoCloseInactiveSeconds === null) return;
		const inactiveMs = config.autoCloseInactiveSeconds * 1_000;
		const warningMs = config.autoCloseWarningSeconds * 1_000;
		const now = this.#ctx.clock.now();
		// None recorded: nobody wrote since it opened (or Redis lost it: then the warning comes early, and anyone writing
		// keeps the ticket open).
		const last = await this.service.activity.lastActivityOr(ticket.channelId, ticket.createdAt);
		const rearm = (at: number, warned: number | null) => this.#scheduleAutoClose(guildId, ticketId, at, warned, { fromKey: jobKey });
		if (warnedAt !== null && last <= warnedAt) {
			if (now >= warnedAt + warningMs) {
				const { t, locale } = await this.#ctx.translator(guildId);
				await this.close(guildId, ticketId, this.#botId(), t('tickets:autoClose.reason', { duration: formatDuration(inactiveMs, locale) }));
				return;
			}
			await rearm(warnedAt + warningMs, warnedAt);
			return;
		}
		if (now < last + inactiveMs) {
			await rearm(last + inactiveMs, null);
			return;
		}
		const channel = await this.#fetchChannel(ticket.channelId);
		if (!channel || !channel.isTextBased()) {
			await this.channelGone(ticket.channelId);
			return;
		}
		// Posted, then re-armed: a process dying in between makes the task queue run this job again (a second warning,
		// rather than a close nobody was warned of); once re-armed, a rerun stops at the check above.
		const { t, locale } = await this.#ctx.translator(guildId);
		await (channel as GuildTextBasedChannel).send(inactivityWarning(t, formatDuration(now - last, locale), now + warningMs));
		await rearm(now + warningMs, now);
	}

	// ------------------------------------------------------------------ feedback

	/**
	 * The opener rates a closed ticket (1 to 5). A second press changes the rating (a misclick can be fixed; the last
	 * press counts). @returns the ticket, or why not.
	 */
	public async rate(ticketId: number, userId: string, rating: number): Promise<{ kind: 'rated'; ticket: TicketRecord } | { kind: 'not-opener' | 'not-closed'; ticket: TicketRecord } | { kind: 'unknown' }> {
		if (!Number.isInteger(rating) || rating < 1 || rating > 5) return { kind: 'unknown' };
		const ticket = await store.findById(this.#ctx.em(), ticketId);
		if (!ticket) return { kind: 'unknown' };
		if (ticket.openerId !== userId) return { kind: 'not-opener', ticket };
		const rated = await store.updateTicket(this.#ctx.em(), ticketId, { rating, feedback_at: this.#ctx.clock.now() }, ['closed']);
		return rated ? { kind: 'rated', ticket: rated } : { kind: 'not-closed', ticket };
	}

	/** The opener's comment on a closed ticket (at most 1,000 characters; a new one replaces the last). */
	public async comment(ticketId: number, userId: string, text: string): Promise<{ kind: 'commented'; ticket: TicketRecord } | { kind: 'not-opener' | 'not-closed'; ticket: TicketRecord } | { kind: 'unknown' }> {
		const ticket = await store.findById(this.#ctx.em(), ticketId);
		if (!ticket) return { kind: 'unknown' };
		if (ticket.openerId !== userId) return { kind: 'not-opener', ticket };
		const commented = await store.updateTicket(this.#ctx.em(), ticketId, { feedback_comment: text.slice(0, 1_000), feedback_at: this.#ctx.clock.now() }, ['closed']);
		return commented ? { kind: 'commented', ticket: commented } : { kind: 'not-closed', ticket };
	}

	// ------------------------------------------------------------------ start-up

	/**
	 * After a restart, for one guild: every open ticket without an auto-close job gets one (and a pending close
	 * request whose job was lost is re-armed); every closed ticket whose channel still exists gets its deletion back,
	 * or, when its close was cut short before the lock (its finishing job lost), the close is finished again.
	 * @returns how many tickets were checked.
	 */
	public async reconcile(guildId: string): Promise<number> {
		const em = this.#ctx.em();
		const config = await this.service.config(guildId);
		const open = await store.ticketsInStatus(em, guildId, ['open'], 10_000);
		for (const ticket of open) {
			if (config.autoCloseInactiveSeconds !== null) await this.armAutoClose(guildId, ticket.id);
			if (ticket.closeRequestedAt !== null && !PENDING_STATES.has((await this.#ctx.tasks.stateOf(CLOSE_REQUEST_TASK, guildId, closeRequestKey(ticket.id))) ?? '')) {
				await this.#ctx.tasks.schedule(CLOSE_REQUEST_TASK, {
					guildId,
					key: closeRequestKey(ticket.id),
					at: ticket.closeRequestedAt + config.closeRequestDelaySeconds * 1_000,
					payload: { ticketId: ticket.id, requestedAt: ticket.closeRequestedAt }
				});
			}
		}
		const rows = await em.execute(
			`select * from ticket where guild_id = ? and status = 'closed' and channel_deleted_at is null and channel_id is not null and (mode = 'channel' or closed_at > ?) order by id limit 10000`,
			[guildId, new Date(this.#ctx.clock.now() - RECONCILE_THREAD_WINDOW_MS)],
			'all'
		);
		const closed = rows.map((row) => store.toTicketRecord(row as Parameters<typeof store.toTicketRecord>[0]));
		for (const ticket of closed) await this.#reconcileClosed(guildId, ticket, config);
		return open.length + closed.length;
	}

	async #reconcileClosed(guildId: string, ticket: TicketRecord, config: TicketsConfig): Promise<void> {
		const closedAt = ticket.closedAt ?? this.#ctx.clock.now();
		if (PENDING_STATES.has((await this.#ctx.tasks.stateOf(FINISH_CLOSE_TASK, guildId, finishKey(ticket.id, closedAt))) ?? '')) return;
		if (ticket.mode === 'channel' && PENDING_STATES.has((await this.#ctx.tasks.stateOf(DELETE_CHANNEL_TASK, guildId, deleteChannelKey(ticket.id))) ?? '')) return;
		const channel = await this.#fetchChannel(ticket.channelId!);
		if (!channel) {
			await this.#markChannelDeleted(ticket);
			return;
		}
		if (!this.#isLocked(ticket, channel)) {
			this.#ctx.logger.info(`Ticket #${ticket.number} of guild ${guildId}: its close was cut short; finishing it`);
			await this.#ctx.tasks.schedule(FINISH_CLOSE_TASK, { guildId, key: finishKey(ticket.id, closedAt), replace: true, payload: { ticketId: ticket.id, closedAt } });
			return;
		}
		if (ticket.mode === 'channel') {
			await this.#ctx.tasks.schedule(DELETE_CHANNEL_TASK, {
				guildId,
				key: deleteChannelKey(ticket.id),
				at: Math.max(this.#ctx.clock.now(), closedAt + config.reopenWindowSeconds * 1_000),
				payload: { ticketId: ticket.id }
			});
		} else if (channel.isThread() && !channel.archived) {
			await channel.edit({ archived: true, locked: true }).catch(() => undefined);
		}
	}

	// ------------------------------------------------------------------ helpers

	/** Cancels the jobs of an open ticket: its close request and its auto-close. */
	async #cancelOpenJobs(guildId: string, ticketId: number): Promise<void> {
		await this.#ctx.tasks.cancel(CLOSE_REQUEST_TASK, guildId, closeRequestKey(ticketId));
		for (const key of autoCloseKeys(ticketId)) await this.#ctx.tasks.cancel(AUTO_CLOSE_TASK, guildId, key);
	}

	/** A channel or thread by id through REST when not cached; null when Discord says it is gone or out of reach. */
	async #fetchChannel(channelId: string): Promise<Channel | null> {
		try {
			return await this.#ctx.client.channels.fetch(channelId, { allowUnknownGuild: true });
		} catch (error) {
			if (isDiscordError(error, RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.MissingAccess)) return null;
			throw error;
		}
	}

	/** The bot's user id (the actor of an auto-close). */
	#botId(): string {
		return this.#ctx.client.user?.id ?? this.#ctx.client.application?.id ?? '0';
	}
}
