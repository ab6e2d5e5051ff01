/**
 * Reactions (resources/message "Create Reaction", "Delete Own Reaction", "Delete User Reaction", "Get Reactions",
 * "Delete All Reactions", "Delete All Reactions for Emoji"), on ../../world/reactions.ts. The emoji path segment is a
 * URL-encoded Unicode emoji or `name:id` (10014 Unknown Emoji otherwise). Create needs READ_MESSAGE_HISTORY, plus
 * ADD_REACTIONS when nobody used that emoji on the message yet (50013), and a 21st distinct emoji is 400 30010;
 * removing another user's reaction, all reactions or all of one emoji needs MANAGE_MESSAGES (50013; 50003 in a DM).
 * Get Reactions lists user objects by id (`after`, `limit` 1–100, default 25; `type` 1, super reactions, is always
 * empty) and, like reading the message, needs READ_MESSAGE_HISTORY (the emulator's reading: the docs name none).
 * Adding what is there, or removing what is not, answers 204 and sends nothing.
 */
import { PermissionFlagsBits as P, type APIMessage } from 'discord-api-types/v10';
import { userPayload } from '../../world/payloads.js';
import {
	addReaction,
	parseEmoji,
	reactionRefusal,
	reactionUsers,
	removeAllReactions,
	removeEmojiReactions,
	removeReaction,
	type ReactionEmoji
} from '../../world/reactions.js';
import type { ChannelState } from '../../world/state.js';
import { threadActivityRefusal } from '../../world/threads.js';
import type { RouteContext } from '../context.js';
import { DiscordHttpError, ErrorCodes, unknown } from '../errors.js';
import type { RouteDefinition } from '../router.js';

const BASE = '/channels/{channel_id}/messages/{message_id}/reactions';

/** The channel (one the bot sees) and message of the route. */
function target(ctx: RouteContext): { channel: ChannelState; message: APIMessage } {
	const channel = ctx.channel();
	return { channel, message: ctx.message(channel, ctx.params.message_id!) };
}

/** The route's emoji; 404 10014 Unknown Emoji when it is none. */
function emojiOf(ctx: RouteContext): ReactionEmoji {
	const raw = ctx.params.emoji_name!;
	const emoji = parseEmoji(raw);
	if (!emoji) throw unknown(ErrorCodes.UnknownEmoji, `"${raw}" is neither a Unicode emoji nor name:id`);
	return emoji;
}

/** 403 50013 / 400 50083 / 400 30010 when the bot may not add or remove this reaction. */
function check(ctx: RouteContext, channel: ChannelState, message: APIMessage, emoji: ReactionEmoji, action: 'add' | 'remove'): void {
	const refusal = reactionRefusal(ctx.world, channel, message, ctx.botId, emoji, action);
	if (refusal) throw new DiscordHttpError(refusal.status, refusal.code, undefined, undefined, refusal.detail);
}

/** MANAGE_MESSAGES in the channel (403 50013); in a DM, 403 50003. */
function requireManageMessages(ctx: RouteContext, channel: ChannelState): void {
	if (!channel.guildId) throw new DiscordHttpError(403, ErrorCodes.CannotExecuteOnDm, undefined, undefined, "cannot remove others' reactions in a DM");
	ctx.requirePermissions(ctx.guild(channel.guildId), P.ManageMessages, channel);
}

export const reactionRoutes: RouteDefinition[] = [
	{
		method: 'PUT',
		path: `${BASE}/{emoji_name}/@me`,
		auth: 'bot',
		handler: (ctx) => {
			const { channel, message } = target(ctx);
			const emoji = emojiOf(ctx);
			check(ctx, channel, message, emoji, 'add');
			addReaction(ctx.world, channel, message, ctx.botId, emoji);
			return undefined;
		}
	},
	{
		method: 'DELETE',
		path: `${BASE}/{emoji_name}/@me`,
		auth: 'bot',
		handler: (ctx) => {
			const { channel, message } = target(ctx);
			const emoji = emojiOf(ctx);
			check(ctx, channel, message, emoji, 'remove');
			removeReaction(ctx.world, channel, message.id, ctx.botId, emoji);
			return undefined;
		}
	},
	{
		method: 'DELETE',
		path: `${BASE}/{emoji_name}/{user_id}`,
		auth: 'bot',
		handler: (ctx) => {
			const { channel, message } = target(ctx);
			const emoji = emojiOf(ctx);
			const userId = ctx.params.user_id!;
			if (userId !== ctx.botId) requireManageMessages(ctx, channel);
			check(ctx, channel, message, emoji, 'remove');
			removeReaction(ctx.world, channel, message.id, userId, emoji);
			return undefined;
		}
	},
	{
		method: 'GET',
		path: `${BASE}/{emoji_name}`,
		auth: 'bot',
		handler: (ctx) => {
			const { channel, message } = target(ctx);
			const emoji = emojiOf(ctx);
			if (channel.guildId) ctx.requirePermissions(ctx.guild(channel.guildId), P.ReadMessageHistory, channel);
			if (ctx.query.get('type') === '1') return [];
			const after = ctx.query.get('after');
			const limit = Math.min(100, Math.max(1, Number(ctx.query.get('limit') ?? 25)));
			return reactionUsers(channel, message.id, emoji)
				.filter((userId) => !after || BigInt(userId) > BigInt(after))
				.slice(0, limit)
				.map((userId) => userPayload(ctx.world.users.get(userId)!));
		}
	},
	{
		method: 'DELETE',
		path: `${BASE}/{emoji_name}`,
		auth: 'bot',
		handler: (ctx) => {
			const { channel, message } = target(ctx);
			const emoji = emojiOf(ctx);
			requireManageMessages(ctx, channel);
			check(ctx, channel, message, emoji, 'remove');
			removeEmojiReactions(ctx.world, channel, message.id, emoji);
			return undefined;
		}
	},
	{
		method: 'DELETE',
		path: BASE,
		auth: 'bot',
		handler: (ctx) => {
			const { channel, message } = target(ctx);
			requireManageMessages(ctx, channel);
			const archived = threadActivityRefusal(ctx.world, channel, ctx.botId, 'react');
			if (archived) throw new DiscordHttpError(400, archived.code, undefined, undefined, archived.detail);
			removeAllReactions(ctx.world, channel, message.id);
			return undefined;
		}
	}
];
