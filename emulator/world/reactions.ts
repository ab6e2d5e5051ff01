/**
 * Reactions on messages (resources/message "Reaction Object", "Create Reaction" ... "Delete All Reactions for Emoji";
 * events/gateway-events "Message Reaction Add" ... "Remove Emoji"), shared by the REST routes (the bot reacts) and
 * `emu.reactions` (a member reacts in Discord's client):
 * - an emoji is a Unicode emoji (one grapheme, sent URL-encoded) or a custom emoji `name:id` (`a:name:id` for an
 *   animated one, as discord.js sends it); anything else is 10014 Unknown Emoji. Custom emojis are not emulated:
 *   any `name:id` is accepted, keyed by its id;
 * - the message's `reactions` (absent when there are none) lists each emoji in the order it was first used:
 *   `count`, `count_details` `{ burst: 0, normal }`, `me` (the bot reacted), `me_burst` false, `emoji`, `burst_colors`
 *   `[]` (super reactions are not emulated);
 * - adding needs READ_MESSAGE_HISTORY, and ADD_REACTIONS for an emoji nobody used on the message yet; a message holds
 *   at most 20 distinct emojis (30010 "Maximum number of reactions reached (20)"); a timed-out member cannot react
 *   (MODERATE_MEMBERS: "prevent them from sending or reacting to messages"); in an archived thread nobody reacts
 *   (50083, Threads topic);
 * - MESSAGE_REACTION_ADD carries `member` and `message_author_id` in a guild; the events go to a bot that can see the
 *   channel, with GUILD_MESSAGE_REACTIONS (DIRECT_MESSAGE_REACTIONS in DMs).
 */
import { GatewayIntentBits, PermissionFlagsBits as P, type APIMessage, type APIReaction } from 'discord-api-types/v10';
import { compareSnowflakes } from './messageStore.js';
import { memberPayload } from './payloads.js';
import { channelPermissions } from './permissions.js';
import type { ChannelState } from './state.js';
import { threadActivityRefusal } from './threads.js';
import type { World } from './world.js';

/** Distinct emojis a message holds at most (30010). */
export const MAX_REACTION_EMOJIS = 20;

/** A partial emoji as reactions carry it: `{ id: null, name: '🔥' }` or `{ id, name, animated? }`. */
export interface ReactionEmoji {
	id: string | null;
	name: string;
	animated?: boolean;
}

/** One emoji's reactions on a message: who reacted, in the order they did. */
export interface ReactionState {
	emoji: ReactionEmoji;
	users: Set<string>;
}

/** Intents that carry the reaction events (for a test's IDENTIFY). */
export const REACTION_INTENTS = GatewayIntentBits.GuildMessageReactions | GatewayIntentBits.DirectMessageReactions;

const CUSTOM = /^(?:(a):)?([^:]{1,32}):(\d{17,20})$/;
const MENTION = /^<(a)?:([^:]{1,32}):(\d{17,20})>$/;
const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Reads an emoji as the routes take it (already URL-decoded): a Unicode emoji, `name:id` or `a:name:id`; with
 * `mentions`, also `<:name:id>` / `<a:name:id>` (how a test may write one). Null when it is no emoji (10014).
 */
export function parseEmoji(raw: string, options: { mentions?: boolean } = {}): ReactionEmoji | null {
	const custom = CUSTOM.exec(raw) ?? (options.mentions ? MENTION.exec(raw) : null);
	if (custom) return { id: custom[3]!, name: custom[2]!, ...(custom[1] ? { animated: true } : {}) };
	const graphemes = [...GRAPHEMES.segment(raw)];
	if (graphemes.length !== 1) return null;
	const emoji = /\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|^[#*0-9]\uFE0F?\u20E3$/u.test(raw);
	return emoji ? { id: null, name: raw } : null;
}

/** The key of an emoji on a message: a custom emoji's id, a Unicode emoji's text. */
export function emojiKey(emoji: ReactionEmoji): string {
	return emoji.id ?? emoji.name;
}

/** The partial emoji object of payloads. */
export function emojiPayload(emoji: ReactionEmoji): ReactionEmoji {
	return emoji.id === null ? { id: null, name: emoji.name } : { id: emoji.id, name: emoji.name, ...(emoji.animated ? { animated: true } : {}) };
}

function reactionsOf(channel: ChannelState, messageId: string): Map<string, ReactionState> | undefined {
	return channel.reactions?.get(messageId);
}

/** The users who reacted with an emoji (by id, ascending, as "Get Reactions" pages them with `after`). */
export function reactionUsers(channel: ChannelState, messageId: string, emoji: ReactionEmoji): string[] {
	return [...(reactionsOf(channel, messageId)?.get(emojiKey(emoji))?.users ?? [])].sort(compareSnowflakes);
}

/** The message's reaction objects as the bot sees them (`me`: the bot reacted). */
export function messageReactions(world: World, channel: ChannelState, messageId: string): APIReaction[] {
	const botId = world.context.bot.id;
	return [...(reactionsOf(channel, messageId)?.values() ?? [])].map((reaction) => ({
		count: reaction.users.size,
		count_details: { burst: 0, normal: reaction.users.size },
		me: reaction.users.has(botId),
		me_burst: false,
		emoji: emojiPayload(reaction.emoji),
		burst_colors: []
	})) as APIReaction[];
}

/** Why `userId` may not add (or remove) this reaction: `{ status, code, detail }`, or null when allowed. */
export function reactionRefusal(
	world: World,
	channel: ChannelState,
	message: APIMessage,
	userId: string,
	emoji: ReactionEmoji,
	action: 'add' | 'remove'
): { status: 400 | 403; code: number; detail: string } | null {
	const existing = reactionsOf(channel, message.id);
	const isNew = !existing?.has(emojiKey(emoji));
	if (channel.guildId) {
		const guild = world.guildStates.get(channel.guildId)!;
		const member = guild.members.get(userId);
		if (!member) return { status: 403, code: 50013, detail: `${userId} is not a member` };
		const now = world.context.clock.now();
		if (action === 'add') {
			const until = member.communicationDisabledUntil;
			if (until && Date.parse(until) > now) return { status: 403, code: 50013, detail: 'a timed-out member cannot react' };
			const bits = channelPermissions(guild, member, channel, world.channels, now);
			const needed = P.ReadMessageHistory | (isNew ? P.AddReactions : 0n);
			if ((bits & needed) !== needed) {
				const missing = [!(bits & P.ReadMessageHistory) && 'READ_MESSAGE_HISTORY', isNew && !(bits & P.AddReactions) && 'ADD_REACTIONS (a new emoji)'];
				return { status: 403, code: 50013, detail: `missing ${missing.filter(Boolean).join(', ')}` };
			}
		}
		const thread = threadActivityRefusal(world, channel, userId, 'react');
		if (thread) return { status: 400, ...thread };
	}
	if (action === 'add' && isNew && (existing?.size ?? 0) >= MAX_REACTION_EMOJIS) {
		return { status: 400, code: 30010, detail: `the message already has ${MAX_REACTION_EMOJIS} different emojis` };
	}
	return null;
}

/** Replaces the stored message with one whose `reactions` are current (absent when none), keeping its place. */
function refreshMessage(world: World, channel: ChannelState, messageId: string): void {
	const message = channel.messages.get(messageId);
	if (!message) return;
	const reactions = messageReactions(world, channel, messageId);
	const { reactions: _old, ...rest } = message;
	channel.messages.set(messageId, (reactions.length ? { ...rest, reactions } : rest) as APIMessage);
}

function eventBase(channel: ChannelState, messageId: string): Record<string, unknown> {
	return { channel_id: channel.id, message_id: messageId, ...(channel.guildId ? { guild_id: channel.guildId } : {}) };
}

/**
 * `userId` reacts with `emoji` (no check: see {@link reactionRefusal}): MESSAGE_REACTION_ADD. Returns false, and
 * sends nothing, when they had already reacted with it (Discord answers 204 all the same).
 */
export function addReaction(world: World, channel: ChannelState, message: APIMessage, userId: string, emoji: ReactionEmoji): boolean {
	channel.reactions ??= new Map();
	let reactions = channel.reactions.get(message.id);
	if (!reactions) channel.reactions.set(message.id, (reactions = new Map()));
	const key = emojiKey(emoji);
	let reaction = reactions.get(key);
	if (!reaction) reactions.set(key, (reaction = { emoji, users: new Set() }));
	if (reaction.users.has(userId)) return false;
	reaction.users.add(userId);
	refreshMessage(world, channel, message.id);
	const member = channel.guildId ? world.guildStates.get(channel.guildId)?.members.get(userId) : undefined;
	world.dispatch(
		'MESSAGE_REACTION_ADD',
		{
			user_id: userId,
			...eventBase(channel, message.id),
			...(member ? { member: memberPayload(world, member) } : {}),
			emoji: emojiPayload(reaction.emoji),
			message_author_id: message.author.id,
			burst: false,
			burst_colors: [],
			type: 0
		},
		channel.guildId
	);
	return true;
}

/** Removes `userId`'s reaction: MESSAGE_REACTION_REMOVE. Returns false, and sends nothing, when there was none. */
export function removeReaction(world: World, channel: ChannelState, messageId: string, userId: string, emoji: ReactionEmoji): boolean {
	const reactions = reactionsOf(channel, messageId);
	const key = emojiKey(emoji);
	const reaction = reactions?.get(key);
	if (!reaction?.users.delete(userId)) return false;
	if (!reaction.users.size) reactions!.delete(key);
	refreshMessage(world, channel, messageId);
	world.dispatch(
		'MESSAGE_REACTION_REMOVE',
		{ user_id: userId, ...eventBase(channel, messageId), emoji: emojiPayload(reaction.emoji), burst: false, type: 0 },
		channel.guildId
	);
	return true;
}

/** Removes every reaction of a message: MESSAGE_REACTION_REMOVE_ALL (only when it had some). Returns whether it had. */
export function removeAllReactions(world: World, channel: ChannelState, messageId: string): boolean {
	if (!reactionsOf(channel, messageId)?.size) return false;
	channel.reactions!.delete(messageId);
	refreshMessage(world, channel, messageId);
	world.dispatch('MESSAGE_REACTION_REMOVE_ALL', eventBase(channel, messageId), channel.guildId);
	return true;
}

/** Removes every reaction with one emoji: MESSAGE_REACTION_REMOVE_EMOJI (only when there were some). Returns whether there were. */
export function removeEmojiReactions(world: World, channel: ChannelState, messageId: string, emoji: ReactionEmoji): boolean {
	const reactions = reactionsOf(channel, messageId);
	const reaction = reactions?.get(emojiKey(emoji));
	if (!reaction) return false;
	reactions!.delete(emojiKey(emoji));
	refreshMessage(world, channel, messageId);
	world.dispatch('MESSAGE_REACTION_REMOVE_EMOJI', { ...eventBase(channel, messageId), emoji: emojiPayload(reaction.emoji) }, channel.guildId);
	return true;
}

/** Forgets the reactions of deleted messages (no event: MESSAGE_DELETE says it). */
export function forgetReactions(channel: ChannelState, messageIds: Iterable<string>): void {
	if (!channel.reactions) return;
	for (const id of messageIds) channel.reactions.delete(id);
}
