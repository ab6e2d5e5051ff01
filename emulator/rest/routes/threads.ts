/**
 * Threads (resources/channel "Start Thread ...", "Join Thread" ... "List Thread Members", topics/threads): start a
 * thread with or without a message (CREATE_PUBLIC_THREADS / CREATE_PRIVATE_THREADS; a thread from a message takes the
 * message's id; a private thread only in a GUILD_TEXT channel, with `invitable`), a post in a forum or media channel
 * with its starter message (files included), join and leave, add and remove members (events in
 * ../../world/threads.ts), get one member or list them (`with_member`, `after`, `limit`), and the active threads.
 * A private thread the bot is not in, without MANAGE_THREADS in its channel, answers 403 50001 on every route
 * (../context.ts). Archiving and locking are channel edits (`archived`, `locked`: see channels.ts).
 */
import { ChannelType, GatewayIntentBits, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { compareSnowflakes } from '../../world/messageStore.js';
import { createMessage } from '../../world/messages.js';
import { isThread } from '../../world/permissions.js';
import type { ChannelState } from '../../world/state.js';
import { addThreadMember, MAX_THREAD_MEMBERS, removeThreadMember, threadMemberPayload } from '../../world/threads.js';
import type { RouteContext } from '../context.js';
import { DiscordHttpError, ErrorCodes, invalidFormBody, missingAccess, unknown } from '../errors.js';
import { respond, type RouteDefinition } from '../router.js';
import { materializeAttachments, planAttachments } from '../uploads.js';

type Json = Record<string, any>;

/**
 * A post in a forum or media channel ("Start Thread in Forum or Media Channel"): SEND_MESSAGES in the channel, a
 * public thread whose starter message (`message`, with files as in Create Message) takes the thread's id; answered
 * 201 with the channel and its `message`. `applied_tags` are kept as given (forum tags are not emulated).
 */
function startForumThread(ctx: RouteContext, parent: ChannelState) {
	const guild = ctx.guild(parent.guildId!);
	const body = (ctx.body ?? {}) as Json;
	ctx.requirePermissions(guild, P.SendMessages, parent);
	const data = (body.message ?? {}) as Json;
	const plan = planAttachments(data.attachments ?? undefined, ctx.files, null, 'message.attachments');
	const empty =
		!data.content &&
		!(Array.isArray(data.embeds) && data.embeds.length) &&
		!(Array.isArray(data.components) && data.components.length) &&
		!(Array.isArray(data.sticker_ids) && data.sticker_ids.length) &&
		!plan.length &&
		!data.poll;
	if (empty) throw new DiscordHttpError(400, ErrorCodes.EmptyMessage);
	const thread = guild.insertChannel({
		name: body.name,
		type: ChannelType.PublicThread,
		parentId: parent.id,
		ownerId: ctx.botId,
		rateLimitPerUser: body.rate_limit_per_user ?? 0,
		...(body.auto_archive_duration ? { autoArchiveDuration: body.auto_archive_duration } : {})
	});
	if (Array.isArray(body.applied_tags)) thread.appliedTags = body.applied_tags.map(String);
	const attachments = materializeAttachments(ctx, plan, thread.id);
	const message = createMessage(ctx.world, thread, {
		id: thread.id,
		authorId: ctx.botId,
		content: data.content ?? '',
		embeds: data.embeds ?? [],
		components: data.components ?? [],
		attachments,
		flags: data.flags ?? 0,
		allowedMentions: data.allowed_mentions ?? null,
		poll: data.poll
	});
	ctx.core.attachments.bind(attachments, message.id);
	// message_count leaves out the starter message ("Thread-specific channel fields").
	thread.messageCount = Math.max(0, (thread.messageCount ?? 1) - 1);
	return respond(201, { ...ctx.world.channelPayload(thread), message });
}

function startThread(ctx: RouteContext, fromMessage: boolean) {
	const parent = ctx.channel();
	if (!fromMessage && (parent.type === ChannelType.GuildForum || parent.type === ChannelType.GuildMedia)) {
		return startForumThread(ctx, parent);
	}
	if (!parent.guildId || ![ChannelType.GuildText, ChannelType.GuildAnnouncement].includes(parent.type)) {
		throw new DiscordHttpError(400, ErrorCodes.InvalidChannelType, undefined, undefined, 'threads start in text channels');
	}
	const guild = ctx.guild(parent.guildId);
	const body = (ctx.body ?? {}) as Json;
	const type: ChannelType = fromMessage
		? parent.type === ChannelType.GuildAnnouncement
			? ChannelType.AnnouncementThread
			: ChannelType.PublicThread
		: ((body.type as ChannelType | undefined) ?? ChannelType.PrivateThread);
	if (![ChannelType.PublicThread, ChannelType.PrivateThread, ChannelType.AnnouncementThread].includes(type)) {
		throw invalidFormBody('type', 'BASE_TYPE_CHOICES', 'Value must be one of (10, 11, 12).');
	}
	// "Private threads ... can only be created in GUILD_TEXT channels" (Threads topic).
	if (type === ChannelType.PrivateThread && parent.type !== ChannelType.GuildText) {
		throw new DiscordHttpError(400, ErrorCodes.InvalidChannelType, undefined, undefined, 'private threads start in GUILD_TEXT channels only');
	}
	ctx.requirePermissions(guild, type === ChannelType.PrivateThread ? P.CreatePrivateThreads : P.CreatePublicThreads, parent);
	let message = undefined;
	if (fromMessage) {
		message = ctx.message(parent, ctx.params.message_id!);
		const taken = ctx.world.channels.get(message.id);
		if (taken) throw invalidFormBody('', 'THREAD_ALREADY_CREATED_FOR_MESSAGE', 'A thread has already been created for this message');
	}
	const thread = guild.insertChannel(
		{
			name: body.name,
			type,
			parentId: parent.id,
			ownerId: ctx.botId,
			rateLimitPerUser: body.rate_limit_per_user ?? 0,
			...(type === ChannelType.PrivateThread && body.invitable !== undefined && body.invitable !== null ? { invitable: Boolean(body.invitable) } : {}),
			...(body.auto_archive_duration ? { autoArchiveDuration: body.auto_archive_duration } : {})
		},
		message?.id
	);
	return respond(201, ctx.world.channelPayload(thread));
}

/** The thread of `channel_id` (one the bot can see: ../context.ts); 400 50024 for any other channel. */
function thread(ctx: RouteContext): ChannelState {
	const channel = ctx.channel();
	if (!isThread(channel.type) || !channel.threadMembers) {
		throw new DiscordHttpError(400, ErrorCodes.InvalidChannelType, undefined, undefined, 'not a thread');
	}
	return channel;
}

/** 400 50083 for an archived thread: joining, leaving, adding and removing members "requires the thread is not archived". */
function requireActive(channel: ChannelState): void {
	if (channel.thread?.archived) {
		throw new DiscordHttpError(400, ErrorCodes.ThreadArchived, undefined, undefined, `thread ${channel.name} is archived`);
	}
}

/**
 * Join Thread (`@me`) and Add Thread Member: the thread must be active (50083); adding someone else "requires the
 * ability to send messages in the thread" (SEND_MESSAGES_IN_THREADS, 50013), the user must be a member of the guild
 * (10007), and in a private thread whose `invitable` is false only a moderator (MANAGE_THREADS) adds people ("whether
 * non-moderators can add other non-moderators to a thread", 50013). 1,000 members at most (30033). Already a member:
 * 204, nothing sent.
 */
function addMember(ctx: RouteContext, userId: string): void {
	const channel = thread(ctx);
	const guild = ctx.guild(channel.guildId!);
	requireActive(channel);
	if (userId !== ctx.botId) {
		ctx.member(guild, userId);
		ctx.requirePermissions(guild, P.SendMessagesInThreads, channel);
		if (channel.type === ChannelType.PrivateThread && channel.thread?.invitable === false) {
			ctx.requirePermissions(guild, P.ManageThreads, channel);
		}
	}
	if (channel.threadMembers!.has(userId)) return;
	if (channel.threadMembers!.size >= MAX_THREAD_MEMBERS) throw new DiscordHttpError(400, ErrorCodes.MaxThreadMembers);
	addThreadMember(ctx.world, channel, userId);
}

/**
 * Leave Thread (`@me`) and Remove Thread Member: the thread must be active (50083); removing someone else "requires
 * the MANAGE_THREADS permission, or the creator of the thread if it is a PRIVATE_THREAD" (50013). Not a member: 204,
 * nothing sent.
 */
function removeMember(ctx: RouteContext, userId: string): void {
	const channel = thread(ctx);
	const guild = ctx.guild(channel.guildId!);
	requireActive(channel);
	const creator = channel.type === ChannelType.PrivateThread && channel.ownerId === ctx.botId;
	if (userId !== ctx.botId && !creator) ctx.requirePermissions(guild, P.ManageThreads, channel);
	removeThreadMember(ctx.world, channel, userId);
}

/** `with_member` as Discord reads boolean query strings ("True", "true" or "1"). */
function withMember(ctx: RouteContext): boolean {
	return ['true', '1'].includes((ctx.query.get('with_member') ?? '').toLowerCase());
}

export const threadRoutes: RouteDefinition[] = [
	{ method: 'POST', path: '/channels/{channel_id}/threads', auth: 'bot', handler: (ctx) => startThread(ctx, false) },
	{
		method: 'POST',
		path: '/channels/{channel_id}/messages/{message_id}/threads',
		auth: 'bot',
		handler: (ctx) => startThread(ctx, true)
	},
	{
		method: 'PUT',
		path: '/channels/{channel_id}/thread-members/@me',
		auth: 'bot',
		handler: (ctx) => (addMember(ctx, ctx.botId), undefined)
	},
	{
		method: 'DELETE',
		path: '/channels/{channel_id}/thread-members/@me',
		auth: 'bot',
		handler: (ctx) => (removeMember(ctx, ctx.botId), undefined)
	},
	{
		method: 'PUT',
		path: '/channels/{channel_id}/thread-members/{user_id}',
		auth: 'bot',
		handler: (ctx) => (addMember(ctx, ctx.params.user_id!), undefined)
	},
	{
		method: 'DELETE',
		path: '/channels/{channel_id}/thread-members/{user_id}',
		auth: 'bot',
		handler: (ctx) => (removeMember(ctx, ctx.params.user_id!), undefined)
	},
	{
		method: 'GET',
		path: '/channels/{channel_id}/thread-members/{user_id}',
		auth: 'bot',
		handler: (ctx) => {
			const channel = thread(ctx);
			const userId = ctx.params.user_id!;
			// "returns a 404 response otherwise": the emulator answers it with 10007 Unknown Member.
			if (!channel.threadMembers!.has(userId)) throw unknown(ErrorCodes.UnknownMember, `${userId} is not in thread ${channel.name}`);
			return threadMemberPayload(ctx.world, channel, userId, { withMember: withMember(ctx) });
		}
	},
	{
		method: 'GET',
		path: '/channels/{channel_id}/thread-members',
		auth: 'bot',
		handler: (ctx) => {
			const channel = thread(ctx);
			// "This endpoint is restricted according to whether the GUILD_MEMBERS Privileged Intent is enabled".
			if (!(ctx.core.gateway.options.approvedIntents & GatewayIntentBits.GuildMembers)) {
				throw missingAccess('listing thread members needs the GUILD_MEMBERS intent enabled for the application');
			}
			const members = withMember(ctx);
			let ids = [...channel.threadMembers!.keys()].sort(compareSnowflakes);
			// with_member=true pages: `after` a user id, `limit` 1–100 (default 100).
			if (members) {
				const after = ctx.query.get('after');
				const limit = Math.min(100, Math.max(1, Number(ctx.query.get('limit') ?? 100)));
				ids = ids.filter((id) => !after || compareSnowflakes(id, after) > 0).slice(0, limit);
			}
			return ids.map((userId) => threadMemberPayload(ctx.world, channel, userId, { withMember: members }));
		}
	},
	{
		method: 'GET',
		path: '/guilds/{guild_id}/threads/active',
		auth: 'bot',
		handler: (ctx) => {
			const guild = ctx.guild();
			// "all active threads in a guild that the current user can access, includes public & private threads".
			const threads = [...guild.state.channelIds]
				.map((id) => ctx.world.channels.get(id)!)
				.filter((channel) => isThread(channel.type) && !channel.thread?.archived && ctx.world.botCanView(channel));
			return {
				threads: threads.map((channel) => ctx.world.channelPayload(channel)),
				members: threads
					.filter((channel) => channel.threadMembers?.has(ctx.botId))
					.map((channel) => threadMemberPayload(ctx.world, channel, ctx.botId))
			};
		}
	}
];
