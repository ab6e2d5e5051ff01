/**
 * Messages: creation (with mentions parsed from the content as Discord does), edits, deletions and the gateway
 * events for them (MESSAGE_CREATE / MESSAGE_UPDATE with `guild_id` and `member`, MESSAGE_DELETE,
 * MESSAGE_DELETE_BULK). Ephemeral messages are never stored in the channel nor dispatched.
 */
import { MessageFlags, MessageType, type APIEmbed, type APIMessage, type APIStickerItem, type APIUser } from 'discord-api-types/v10';
import { compareSnowflakes } from './messageStore.js';
import { memberPayload, userPayload } from './payloads.js';
import { forgetReactions } from './reactions.js';
import type { ChannelState } from './state.js';
import type { World } from './world.js';

/** What a new message carries. */
export interface MessageInput {
	/** The message id; default a new snowflake (a forum post's starter message takes its thread's id). */
	id?: string;
	authorId: string;
	/** The author object as sent, when it is not a user of the world (a webhook's bot-like user). */
	author?: APIUser;
	/** Stickers sent with the message (`sticker_items`). */
	stickerItems?: APIStickerItem[];
	content?: string;
	embeds?: APIEmbed[];
	components?: unknown[];
	attachments?: unknown[];
	flags?: number;
	type?: MessageType;
	tts?: boolean;
	nonce?: string | number;
	webhookId?: string;
	applicationId?: string;
	interactionMetadata?: Record<string, unknown>;
	messageReference?: { message_id?: string; channel_id?: string; guild_id?: string };
	allowedMentions?: { parse?: string[]; users?: string[]; roles?: string[] } | null;
	poll?: unknown;
	/** When it was posted (ms since the epoch, at or before now): its id and `timestamp` say so. Default: now. */
	at?: number;
}

/**
 * Creates a message in a channel. A non-ephemeral message is stored and sent as MESSAGE_CREATE; a message in a
 * thread counts towards its message_count. A message dated in the past (`at`) takes its place in the channel's
 * history by id, as the messages Discord lists are ordered by id.
 */
export function createMessage(world: World, channel: ChannelState, input: MessageInput): APIMessage {
	const id = input.id ?? (input.at === undefined ? world.context.ids.next() : world.context.ids.at(input.at));
	const flags = input.flags ?? 0;
	const content = input.content ?? '';
	const mentions = parseMentions(world, channel, content, input.allowedMentions);
	const referenced = input.messageReference?.message_id
		? channel.messages.get(input.messageReference.message_id)
		: undefined;
	const message = {
		id,
		type: input.type ?? (referenced ? MessageType.Reply : MessageType.Default),
		content,
		channel_id: channel.id,
		author: input.author ?? userPayload(world.users.get(input.authorId)!),
		attachments: input.attachments ?? [],
		embeds: input.embeds ?? [],
		mentions: mentions.users.map((userId) => userPayload(world.users.get(userId)!)),
		mention_roles: mentions.roles,
		mention_everyone: mentions.everyone,
		pinned: false,
		tts: input.tts ?? false,
		timestamp: world.timestamp(input.at),
		edited_timestamp: null,
		flags,
		components: input.components ?? [],
		...(input.stickerItems?.length ? { sticker_items: input.stickerItems } : {}),
		...(input.nonce === undefined ? {} : { nonce: input.nonce }),
		...(input.webhookId ? { webhook_id: input.webhookId } : {}),
		...(input.applicationId ? { application_id: input.applicationId } : {}),
		...(input.interactionMetadata ? { interaction_metadata: input.interactionMetadata } : {}),
		...(input.poll ? { poll: input.poll } : {}),
		...(input.messageReference
			? {
					message_reference: {
						type: 0,
						channel_id: channel.id,
						...(channel.guildId ? { guild_id: channel.guildId } : {}),
						...input.messageReference
					},
					referenced_message: referenced ?? null
				}
			: {})
	} as APIMessage;
	if (flags & MessageFlags.Ephemeral) return message;
	// The store keeps the history in id order (a past-dated message is placed lazily, on the next read).
	channel.messages.set(id, message);
	if (!channel.lastMessageId || compareSnowflakes(id, channel.lastMessageId) > 0) channel.lastMessageId = id;
	if (channel.messageCount !== undefined) {
		channel.messageCount++;
		channel.totalMessageSent = (channel.totalMessageSent ?? 0) + 1;
	}
	world.dispatch('MESSAGE_CREATE', gatewayMessage(world, channel, message), channel.guildId);
	return message;
}

/** Edits a stored message (content, embeds, components, flags...) and sends MESSAGE_UPDATE. */
export function editMessage(
	world: World,
	channel: ChannelState,
	message: APIMessage,
	changes: Partial<Pick<APIMessage, 'content' | 'embeds' | 'components' | 'flags' | 'attachments'>>
): APIMessage {
	const edited = { ...message, ...changes, edited_timestamp: world.timestamp() } as APIMessage;
	if (changes.content !== undefined) {
		const mentions = parseMentions(world, channel, edited.content, null);
		edited.mentions = mentions.users.map((userId) => userPayload(world.users.get(userId)!));
		edited.mention_roles = mentions.roles;
		edited.mention_everyone = mentions.everyone;
	}
	if (edited.flags !== undefined && edited.flags & MessageFlags.Ephemeral) return edited;
	channel.messages.set(edited.id, edited);
	world.dispatch('MESSAGE_UPDATE', gatewayMessage(world, channel, edited), channel.guildId);
	return edited;
}

/** Deletes a message and sends MESSAGE_DELETE. */
export function deleteMessage(world: World, channel: ChannelState, messageId: string): void {
	channel.messages.delete(messageId);
	forgetReactions(channel, [messageId]);
	world.dispatch(
		'MESSAGE_DELETE',
		{ id: messageId, channel_id: channel.id, ...(channel.guildId ? { guild_id: channel.guildId } : {}) },
		channel.guildId
	);
}

/** Deletes several messages and sends one MESSAGE_DELETE_BULK. */
export function bulkDeleteMessages(world: World, channel: ChannelState, ids: string[]): void {
	for (const id of ids) channel.messages.delete(id);
	forgetReactions(channel, ids);
	world.dispatch(
		'MESSAGE_DELETE_BULK',
		{ ids, channel_id: channel.id, ...(channel.guildId ? { guild_id: channel.guildId } : {}) },
		channel.guildId
	);
}

/** MESSAGE_CREATE / MESSAGE_UPDATE data: the message plus `guild_id`, the author's `member` and members of mentions. */
export function gatewayMessage(world: World, channel: ChannelState, message: APIMessage): Record<string, unknown> {
	if (!channel.guildId) return { ...message };
	const guild = world.guildStates.get(channel.guildId);
	const author = guild?.members.get(message.author.id);
	return {
		...message,
		guild_id: channel.guildId,
		...(author && !message.webhook_id ? { member: memberPayload(world, author, false) } : {}),
		mentions: message.mentions.map((user) => {
			const member = guild?.members.get(user.id);
			return member ? { ...user, member: memberPayload(world, member, false) } : user;
		})
	};
}

/**
 * Mentions Discord derives from content: `<@id>` / `<@!id>` users, `<@&id>` roles (of the channel's guild),
 * `@everyone` / `@here`; each id once, only ids of existing users and roles, filtered by `allowed` (null: all).
 */
export function parseMentions(
	world: World,
	channel: ChannelState,
	content: string,
	allowed: MessageInput['allowedMentions']
): { users: string[]; roles: string[]; everyone: boolean } {
	const guild = channel.guildId ? world.guildStates.get(channel.guildId) : undefined;
	const parse = allowed?.parse;
	const users = [...content.matchAll(/<@!?(\d{17,20})>/g)]
		.map((match) => match[1]!)
		.filter((id, index, all) => all.indexOf(id) === index && world.users.has(id))
		.filter((id) => !allowed || parse?.includes('users') || allowed.users?.includes(id));
	const roles = [...content.matchAll(/<@&(\d{17,20})>/g)]
		.map((match) => match[1]!)
		.filter((id, index, all) => all.indexOf(id) === index && guild?.roles.has(id))
		.filter((id) => !allowed || parse?.includes('roles') || allowed.roles?.includes(id));
	const everyone = /@(everyone|here)\b/.test(content) && (!allowed || (parse?.includes('everyone') ?? false));
	return { users, roles, everyone };
}
