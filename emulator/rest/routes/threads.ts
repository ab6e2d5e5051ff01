/**
 * Threads (resources/channel "Start Thread ...", "Join Thread", topics/threads): start a thread with or without a
 * message (CREATE_PUBLIC_THREADS / CREATE_PRIVATE_THREADS; a thread from a message takes the message's id), a post in
 * a forum or media channel with its starter message (files included), join and leave (THREAD_MEMBERS_UPDATE), add
 * and remove members, list members and active threads. Archiving is a channel edit (`archived: true`, see
 * channels.ts).
 */
import { ChannelType, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { createMessage } from '../../world/messages.js';
import { isThread } from '../../world/permissions.js';
import type { ChannelState } from '../../world/state.js';
import type { RouteContext } from '../context.js';
import { DiscordHttpError, ErrorCodes, invalidFormBody } from '../errors.js';
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
		rateLimitPerUser: body.rate_limit_per_user ?? 0
	});
	if (body.auto_archive_duration) thread.thread!.autoArchiveDuration = body.auto_archive_duration;
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
	ctx.requirePermissions(guild, type === ChannelType.PrivateThread ? P.CreatePrivateThreads : P.CreatePublicThreads, parent);
	let message = undefined;
	if (fromMessage) {
		message = ctx.message(parent, ctx.params.message_id!);
		const taken = ctx.world.channels.get(message.id);
		if (taken) throw invalidFormBody('', 'THREAD_ALREADY_CREATED_FOR_MESSAGE', 'A thread has already been created for this message');
	}
	const thread = guild.insertChannel(
		{ name: body.name, type, parentId: parent.id, ownerId: ctx.botId, rateLimitPerUser: body.rate_limit_per_user ?? 0 },
		message?.id
	);
	if (body.auto_archive_duration) thread.thread!.autoArchiveDuration = body.auto_archive_duration;
	if (type === ChannelType.PrivateThread && body.invitable !== undefined) thread.thread!.invitable = Boolean(body.invitable);
	return respond(201, ctx.world.channelPayload(thread));
}

function thread(ctx: RouteContext): ChannelState {
	const channel = ctx.channel();
	if (!isThread(channel.type) || !channel.threadMembers) {
		throw new DiscordHttpError(400, ErrorCodes.InvalidChannelType, undefined, undefined, 'not a thread');
	}
	return channel;
}

function membersUpdate(ctx: RouteContext, channel: ChannelState, added: string[], removed: string[]): void {
	ctx.world.dispatch(
		'THREAD_MEMBERS_UPDATE',
		{
			id: channel.id,
			guild_id: channel.guildId,
			member_count: channel.threadMembers!.size,
			...(added.length
				? { added_members: added.map((userId) => threadMember(channel, userId)) }
				: {}),
			...(removed.length ? { removed_member_ids: removed } : {})
		},
		channel.guildId
	);
}

function threadMember(channel: ChannelState, userId: string): Json {
	return { id: channel.id, user_id: userId, join_timestamp: channel.threadMembers!.get(userId), flags: 0 };
}

function addMember(ctx: RouteContext, userId: string): void {
	const channel = thread(ctx);
	const guild = ctx.guild(channel.guildId!);
	if (channel.thread?.archived) throw new DiscordHttpError(400, ErrorCodes.ThreadArchived);
	if (userId !== ctx.botId) {
		ctx.member(guild, userId);
		ctx.requirePermissions(guild, P.SendMessagesInThreads, channel);
	}
	if (channel.threadMembers!.has(userId)) return;
	channel.threadMembers!.set(userId, ctx.world.timestamp());
	membersUpdate(ctx, channel, [userId], []);
}

function removeMember(ctx: RouteContext, userId: string): void {
	const channel = thread(ctx);
	const guild = ctx.guild(channel.guildId!);
	if (channel.thread?.archived) throw new DiscordHttpError(400, ErrorCodes.ThreadArchived);
	if (userId !== ctx.botId && channel.ownerId !== ctx.botId) ctx.requirePermissions(guild, P.ManageThreads, channel);
	if (!channel.threadMembers!.delete(userId)) return;
	membersUpdate(ctx, channel, [], [userId]);
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
		path: '/channels/{channel_id}/thread-members',
		auth: 'bot',
		handler: (ctx) => {
			const channel = thread(ctx);
			return [...channel.threadMembers!.keys()].map((userId) => threadMember(channel, userId));
		}
	},
	{
		method: 'GET',
		path: '/guilds/{guild_id}/threads/active',
		auth: 'bot',
		handler: (ctx) => {
			const guild = ctx.guild();
			const threads = [...guild.state.channelIds]
				.map((id) => ctx.world.channels.get(id)!)
				.filter((channel) => isThread(channel.type) && !channel.thread?.archived);
			return {
				threads: threads.map((channel) => ctx.world.channelPayload(channel)),
				members: threads
					.filter((channel) => channel.threadMembers?.has(ctx.botId))
					.map((channel) => threadMember(channel, ctx.botId))
			};
		}
	}
];
