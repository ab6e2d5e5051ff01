/**
 * Channel messages (resources/message "Endpoints"): list, get, create, edit, delete, bulk delete, typing. Create and
 * edit take files (multipart `files[n]`, ../uploads.ts); reads sign attachment URLs anew.
 * Permission rules: VIEW_CHANNEL (else 403 50001), SEND_MESSAGES (SEND_MESSAGES_IN_THREADS in threads),
 * READ_MESSAGE_HISTORY to read, MANAGE_MESSAGES to delete others' messages and to bulk delete (2–100 messages, none
 * older than 14 days: 50034); only the author edits content (50005); an empty message is 50006; DMs to a user who
 * does not accept them, shares no guild with the bot, or is a bot, are 50007 (World.dmRefusal). Sending in an
 * archived, unlocked thread unarchives it (THREAD_UPDATE, THREAD_MEMBER_UPDATE); an archived thread refuses edits
 * (50083), a locked one messages and edits without MANAGE_THREADS (160005; ../../world/threads.ts).
 * Audit log ("Audit Log Events"): deleting another user's message is MESSAGE_DELETE (target: the author; options
 * `channel_id`, `count`), a bulk delete is MESSAGE_BULK_DELETE (target: the channel; option `count`).
 */
import { AuditLogEvent, ChannelType, PermissionFlagsBits as P, type APIMessage } from 'discord-api-types/v10';
import { snowflakeTimestamp } from '../../snowflake.js';
import { compareSnowflakes } from '../../world/messageStore.js';
import { bulkDeleteMessages, createMessage, deleteMessage, editMessage } from '../../world/messages.js';
import { isThread } from '../../world/permissions.js';
import type { ChannelState } from '../../world/state.js';
import { setArchived, threadActivityRefusal, threadUnarchived, type ThreadActivity } from '../../world/threads.js';
import type { RouteContext } from '../context.js';
import { DiscordHttpError, ErrorCodes, invalidFormBody } from '../errors.js';
import type { RouteDefinition } from '../router.js';
import { materializeAttachments, planAttachments, requestAttachments } from '../uploads.js';

type Json = Record<string, any>;

const FOURTEEN_DAYS_MS = 14 * 86_400_000;

function canRead(ctx: RouteContext, channel: ChannelState): boolean {
	if (!channel.guildId) return true;
	const guild = ctx.guild(channel.guildId);
	return (ctx.channelPermissions(guild, channel) & P.ReadMessageHistory) !== 0n;
}

/** 400 50083 / 160005 when the bot may not do this in an archived or locked thread (../../world/threads.ts). */
function threadCheck(ctx: RouteContext, channel: ChannelState, activity: ThreadActivity): void {
	const refusal = threadActivityRefusal(ctx.world, channel, ctx.botId, activity);
	if (refusal) throw new DiscordHttpError(400, refusal.code, undefined, undefined, refusal.detail);
}

function sendMessage(ctx: RouteContext): APIMessage {
	const channel = ctx.channel();
	const body = (ctx.body ?? {}) as Json;
	if (channel.guildId) {
		const guild = ctx.guild(channel.guildId);
		if (channel.type === ChannelType.GuildCategory) {
			throw new DiscordHttpError(400, ErrorCodes.InvalidChannelType, undefined, undefined, 'cannot send to a category');
		}
		ctx.requirePermissions(guild, isThread(channel.type) ? P.SendMessagesInThreads : P.SendMessages, channel);
		threadCheck(ctx, channel, 'send');
		if (channel.thread?.archived) {
			setArchived(ctx.world, channel, false);
			guild.channelUpdated(channel);
			threadUnarchived(ctx.world, channel);
		}
	} else {
		const recipientId = channel.recipients?.[0] ?? '';
		const refusal = ctx.world.dmRefusal(recipientId);
		if (refusal) {
			const name = ctx.world.users.get(recipientId)?.username ?? recipientId;
			const why = {
				'unknown-user': 'is not a user',
				bot: 'is a bot',
				closed: 'does not accept DMs from the bot',
				'no-mutual-guild': 'shares no guild with the bot'
			}[refusal];
			throw new DiscordHttpError(403, ErrorCodes.CannotMessageUser, undefined, undefined, `${name} ${why}`);
		}
	}
	const attachmentPlan = planAttachments(body.attachments ?? undefined, ctx.files, null);
	const empty =
		!body.content &&
		!(Array.isArray(body.embeds) && body.embeds.length) &&
		!(Array.isArray(body.components) && body.components.length) &&
		!(Array.isArray(body.sticker_ids) && body.sticker_ids.length) &&
		!attachmentPlan.length &&
		!body.poll;
	if (empty) throw new DiscordHttpError(400, ErrorCodes.EmptyMessage);
	const reference = body.message_reference as Json | undefined;
	if (reference?.message_id && !channel.messages.has(reference.message_id) && reference.fail_if_not_exists !== false) {
		throw invalidFormBody('message_reference', 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
	}
	const attachments = materializeAttachments(ctx, attachmentPlan, channel.id);
	const message = createMessage(ctx.world, channel, {
		authorId: ctx.botId,
		content: body.content ?? '',
		embeds: body.embeds ?? [],
		components: body.components ?? [],
		attachments,
		flags: body.flags ?? 0,
		tts: body.tts ?? false,
		nonce: body.nonce,
		allowedMentions: body.allowed_mentions ?? null,
		messageReference: reference?.message_id ? { message_id: reference.message_id } : undefined,
		poll: body.poll
	});
	ctx.core.attachments.bind(attachments, message.id);
	return message;
}

function listMessages(ctx: RouteContext): APIMessage[] {
	const channel = ctx.channel();
	if (!canRead(ctx, channel)) return [];
	// Attachment URLs are signed anew on every read.
	return pageOfMessages(ctx, channel).map((message) => ctx.core.attachments.refresh(message));
}

/**
 * One page of a channel's history ("Get Channel Messages": "an array of message objects from newest to oldest", with
 * `after` too; discord-api-docs #7740), newest first: `limit` 1–100 (default 50); `before` the
 * messages older than that id, `after` the `limit` messages just newer than that id (still newest first), `around`
 * the messages around that id (the message itself included when it exists: `limit / 2` newer ones, then it and older
 * ones). The three are mutually exclusive on Discord; given together, `around` wins, then `before`, then `after`.
 * The ids need not be messages of the channel (any snowflake, e.g. one made from a date, pages by time).
 */
function pageOfMessages(ctx: RouteContext, channel: ChannelState): APIMessage[] {
	const limit = Math.min(100, Math.max(1, Number(ctx.query.get('limit') ?? 50)));
	const all = channel.messages.newestFirst();
	const before = ctx.query.get('before');
	const after = ctx.query.get('after');
	const around = ctx.query.get('around');
	if (around) {
		// First message at or older than `around` (newest first); take up to limit / 2 newer ones before it.
		const index = firstIndex(all, (id) => compareSnowflakes(id, around) <= 0);
		const start = Math.max(0, index - Math.floor(limit / 2));
		return all.slice(start, start + limit);
	}
	if (before) {
		const start = firstIndex(all, (id) => compareSnowflakes(id, before) < 0);
		return all.slice(start, start + limit);
	}
	if (after) {
		const end = firstIndex(all, (id) => compareSnowflakes(id, after) <= 0);
		return all.slice(Math.max(0, end - limit), end);
	}
	return all.slice(0, limit);
}

/** Index of the first message (newest first) whose id passes `test` (ids decrease, so a binary search); length if none. */
function firstIndex(messages: APIMessage[], test: (id: string) => boolean): number {
	let low = 0;
	let high = messages.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if (test(messages[middle]!.id)) high = middle;
		else low = middle + 1;
	}
	return low;
}

export const messageRoutes: RouteDefinition[] = [
	{ method: 'GET', path: '/channels/{channel_id}/messages', auth: 'bot', handler: listMessages },
	{ method: 'POST', path: '/channels/{channel_id}/messages', auth: 'bot', handler: sendMessage },
	{
		method: 'GET',
		path: '/channels/{channel_id}/messages/{message_id}',
		auth: 'bot',
		handler: (ctx) => {
			const channel = ctx.channel();
			if (channel.guildId) ctx.requirePermissions(ctx.guild(channel.guildId), P.ReadMessageHistory, channel);
			return ctx.core.attachments.refresh(ctx.message(channel, ctx.params.message_id!));
		}
	},
	{
		method: 'PATCH',
		path: '/channels/{channel_id}/messages/{message_id}',
		auth: 'bot',
		handler: (ctx) => {
			const channel = ctx.channel();
			const message = ctx.message(channel, ctx.params.message_id!);
			const body = (ctx.body ?? {}) as Json;
			const own = message.author.id === ctx.botId;
			const touchesContent =
				['content', 'embeds', 'components', 'attachments'].some((key) => body[key] !== undefined) || ctx.files.length > 0;
			if (!own && touchesContent) throw new DiscordHttpError(403, ErrorCodes.CannotEditOthersMessage);
			if (!own && channel.guildId) ctx.requirePermissions(ctx.guild(channel.guildId), P.ManageMessages, channel);
			threadCheck(ctx, channel, 'edit');
			const changes: Json = {};
			for (const key of ['content', 'embeds', 'components', 'flags']) {
				if (body[key] !== undefined) changes[key] = body[key] ?? (key === 'content' ? '' : key === 'flags' ? 0 : []);
			}
			if (body.attachments !== undefined || ctx.files.length) {
				// `attachments` lists what stays (kept ids and new files[n]); without it new files are appended.
				changes.attachments = requestAttachments(ctx, {
					entries: body.attachments === null ? [] : body.attachments,
					existing: message.attachments,
					channelId: channel.id
				});
			}
			const edited = editMessage(ctx.world, channel, message, changes);
			ctx.core.attachments.bind(edited.attachments, edited.id);
			return edited;
		}
	},
	{
		method: 'DELETE',
		path: '/channels/{channel_id}/messages/{message_id}',
		auth: 'bot',
		handler: (ctx) => {
			const channel = ctx.channel();
			const message = ctx.message(channel, ctx.params.message_id!);
			const byOther = message.author.id !== ctx.botId;
			if (byOther) {
				if (!channel.guildId) throw new DiscordHttpError(403, ErrorCodes.MissingPermissions, undefined, undefined, 'cannot delete a DM message of another user');
				ctx.requirePermissions(ctx.guild(channel.guildId), P.ManageMessages, channel);
			}
			threadCheck(ctx, channel, 'delete');
			deleteMessage(ctx.world, channel, message.id);
			if (byOther) {
				ctx.audit(ctx.guild(channel.guildId!), {
					actionType: AuditLogEvent.MessageDelete,
					targetId: message.author.id,
					options: { channel_id: channel.id, count: '1' }
				});
			}
			return undefined;
		}
	},
	{
		method: 'POST',
		path: '/channels/{channel_id}/messages/bulk-delete',
		auth: 'bot',
		handler: (ctx) => {
			const channel = ctx.channel();
			if (!channel.guildId) throw new DiscordHttpError(403, ErrorCodes.MissingPermissions, undefined, undefined, 'bulk delete in a DM');
			const guild = ctx.guild(channel.guildId);
			ctx.requirePermissions(guild, P.ManageMessages, channel);
			const ids = [...new Set(((ctx.body ?? {}) as Json).messages as string[])];
			if (ids.length < 2 || ids.length > 100) throw new DiscordHttpError(400, ErrorCodes.TooFewOrManyMessages);
			const now = ctx.now();
			if (ids.some((id) => now - snowflakeTimestamp(id) > FOURTEEN_DAYS_MS)) {
				throw new DiscordHttpError(400, ErrorCodes.MessageTooOldToBulkDelete);
			}
			const existing = ids.filter((id) => channel.messages.has(id));
			if (existing.length) {
				bulkDeleteMessages(ctx.world, channel, existing);
				ctx.audit(guild, { actionType: AuditLogEvent.MessageBulkDelete, targetId: channel.id, options: { count: String(existing.length) } });
			}
			return undefined;
		}
	},
	{
		method: 'POST',
		path: '/channels/{channel_id}/typing',
		auth: 'bot',
		handler: (ctx) => {
			ctx.channel();
			return undefined;
		}
	}
];
