import { container } from '@sapphire/framework';
import {
	ChannelType,
	Collection,
	DiscordAPIError,
	OverwriteType,
	PermissionFlagsBits,
	PermissionsBitField,
	RESTJSONErrorCodes,
	ThreadAutoArchiveDuration,
	type CategoryChannel,
	type Guild,
	type GuildBasedChannel,
	type NonThreadGuildBasedChannel,
	type OverwriteData,
	type PermissionsString,
	type PrivateThreadChannel,
	type TextChannel
} from 'discord.js';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { CATEGORY_CHANNELS_MAX } from '../lib/config.js';
import { overflowCategoryName, overflowIndexOf } from '../lib/naming.js';
import type { TicketsContext } from './TicketService.js';

/**
 * Where tickets live on Discord (issue 10): the text channel of a channel-mode ticket with its permission overwrites,
 * in the type's category or one of its overflow categories; the private thread of a thread-mode ticket; what the bot
 * must be allowed to do for each; and the removal of an overflow category left empty.
 *
 * Overflow: Discord holds at most 50 channels in a category (400 50035 `CHANNEL_PARENT_MAX_CHANNELS` past it). A
 * ticket goes in the type's category, else in its overflow categories "<name> 2", "<name> 3"... (found by name among
 * the guild's channels: nothing is kept in memory or in the database), else in a new overflow category made with the
 * base category's permission overwrites. A channel count read from the cache can be stale (another process, an event
 * not yet received): Discord's 50035 answer is the truth, and the next category is tried. Making an overflow category
 * happens under a Redis lock per base category (`SET NX PX`, released by its holder only), and its holder reads the
 * guild's channels from Discord first, so two processes (or two clicks) never make two "<name> 2".
 */

/** What a ticket's opener, and each staff role of its type, may do in its channel. */
export const MEMBER_ALLOW =
	PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.AttachFiles | PermissionFlagsBits.EmbedLinks;

/** What the bot allows itself in a ticket channel, so that it keeps control of it whatever the category says. */
export const BOT_ALLOW =
	PermissionFlagsBits.ViewChannel |
	PermissionFlagsBits.SendMessages |
	PermissionFlagsBits.ManageChannels |
	PermissionFlagsBits.ManageRoles |
	PermissionFlagsBits.ReadMessageHistory |
	PermissionFlagsBits.EmbedLinks |
	PermissionFlagsBits.AttachFiles;

/**
 * What the bot needs in a channel-mode type's category (or the guild, without one): Manage Channels (create the
 * channel), Manage Roles (its overwrites; Discord lets a bot grant only what it holds, hence the others), View
 * Channel, Send Messages, Embed Links (the welcome message), Read Message History and Attach Files (transcripts).
 */
export const CHANNEL_MODE_PERMISSIONS: readonly PermissionsString[] = [
	'ViewChannel',
	'ManageChannels',
	'ManageRoles',
	'SendMessages',
	'EmbedLinks',
	'AttachFiles',
	'ReadMessageHistory'
];

/**
 * What the bot needs in a thread-mode type's channel: Create Private Threads, Send Messages in Threads (the welcome
 * message), Manage Threads (adding members to a private thread whose members may not invite others, `invitable`
 * false; archiving and locking at close), View Channel, Embed Links, Read Message History.
 */
export const THREAD_MODE_PERMISSIONS: readonly PermissionsString[] = [
	'ViewChannel',
	'CreatePrivateThreads',
	'SendMessagesInThreads',
	'ManageThreads',
	'EmbedLinks',
	'ReadMessageHistory'
];

/**
 * The permissions of a member in a guild channel, from their id and role ids, computed as Discord does ("Permission
 * Overwrites" in Discord's permissions documentation): @everyone's and the roles' permissions; everything for the
 * owner or with Administrator; then the channel's overwrites for @everyone, for the roles (denies, then allows), and for
 * the member. For a member the cache does not hold (src/lib/caches.ts keeps few): an interaction gives their roles.
 */
export function memberPermissionsIn(channel: GuildBasedChannel, userId: string, roleIds: readonly string[]): PermissionsBitField {
	const { guild } = channel;
	let bits = guild.roles.everyone.permissions.bitfield;
	for (const roleId of roleIds) bits |= guild.roles.cache.get(roleId)?.permissions.bitfield ?? 0n;
	if (guild.ownerId === userId || (bits & PermissionFlagsBits.Administrator) !== 0n) return new PermissionsBitField(PermissionsBitField.All);
	const overwrites = 'permissionOverwrites' in channel ? channel.permissionOverwrites.cache : null;
	if (overwrites) {
		const everyone = overwrites.get(guild.id);
		if (everyone) bits = (bits & ~everyone.deny.bitfield) | everyone.allow.bitfield;
		let allow = 0n;
		let deny = 0n;
		for (const roleId of roleIds) {
			const overwrite = overwrites.get(roleId);
			if (overwrite) {
				allow |= overwrite.allow.bitfield;
				deny |= overwrite.deny.bitfield;
			}
		}
		bits = (bits & ~deny) | allow;
		const own = overwrites.get(userId);
		if (own) bits = (bits & ~own.deny.bitfield) | own.allow.bitfield;
	}
	return new PermissionsBitField(bits);
}

/**
 * The permissions of `needed` the bot lacks in `where` (a category or channel; null: the guild), in the order given.
 * Administrator grants them all. Read from the guild's cache (roles, overwrites, the bot's member).
 */
export function missingBotPermissions(guild: Guild, where: GuildBasedChannel | null, needed: readonly PermissionsString[]): PermissionsString[] {
	const me = guild.members.me;
	if (!me) return [...needed];
	const have = where ? me.permissionsIn(where) : me.permissions;
	return needed.filter((permission) => !have.has(permission, true));
}

/**
 * The permission overwrites of a ticket channel: @everyone may not see it; the opener and each staff role may view,
 * write, read the history, attach files and embed links ({@link MEMBER_ALLOW}); the bot may do all that and manage
 * the channel and its overwrites ({@link BOT_ALLOW}).
 */
export function ticketOverwrites(guild: Guild, openerId: string, staffRoleIds: readonly string[], botId: string): OverwriteData[] {
	return [
		{ id: guild.id, type: OverwriteType.Role, deny: PermissionFlagsBits.ViewChannel },
		...staffRoleIds.filter((roleId) => roleId !== guild.id).map((roleId): OverwriteData => ({ id: roleId, type: OverwriteType.Role, allow: MEMBER_ALLOW })),
		{ id: openerId, type: OverwriteType.Member, allow: MEMBER_ALLOW },
		{ id: botId, type: OverwriteType.Member, allow: BOT_ALLOW }
	];
}

/** Why a ticket channel or thread could not be made (each is a translated refusal of the open). */
export type PlaceFailure =
	/** The bot lacks a permission Discord asked for (50013) or access (50001). */
	| 'missing-permissions'
	/** The category or channel is gone (deleted by hand). */
	| 'parent-missing'
	/** The guild holds 500 channels (30013). */
	| 'guild-full'
	/** Every category tried was full and no overflow category could be made. */
	| 'category-full'
	/** The opener could not be added to the thread (left the guild, cannot see the channel). */
	| 'member-not-added';

/** A ticket channel or thread could not be made; `cause` is Discord's error when there was one. */
export class TicketPlaceError extends Error {
	public constructor(
		public readonly failure: PlaceFailure,
		options?: { cause?: unknown }
	) {
		super(`ticket channel not made: ${failure}`, options);
	}
}

/** Whether Discord refused because a category holds 50 channels (400 50035 `CHANNEL_PARENT_MAX_CHANNELS`). */
export function isCategoryFull(error: unknown): boolean {
	return error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.InvalidFormBodyOrContentType && JSON.stringify(error.rawError).includes('CHANNEL_PARENT_MAX_CHANNELS');
}

/** Discord's error as a {@link TicketPlaceError} when it is one the open refuses with; otherwise the error itself. */
function placeFailure(error: unknown): unknown {
	if (!(error instanceof DiscordAPIError)) return error;
	if (error.code === RESTJSONErrorCodes.MissingPermissions || error.code === RESTJSONErrorCodes.MissingAccess) return new TicketPlaceError('missing-permissions', { cause: error });
	if (error.code === RESTJSONErrorCodes.UnknownChannel) return new TicketPlaceError('parent-missing', { cause: error });
	if (error.code === RESTJSONErrorCodes.MaximumNumberOfGuildChannelsReached) return new TicketPlaceError('guild-full', { cause: error });
	if (error.code === RESTJSONErrorCodes.InvalidFormBodyOrContentType && JSON.stringify(error.rawError).includes('CHANNEL_PARENT_INVALID')) {
		return new TicketPlaceError('parent-missing', { cause: error });
	}
	if (isCategoryFull(error)) return new TicketPlaceError('category-full', { cause: error });
	return error;
}

/** The channels whose parent is `categoryId` in a collection of a guild's channels (threads never count: Discord's rule). */
function childCount(channels: Collection<string, GuildBasedChannel | NonThreadGuildBasedChannel | null>, categoryId: string): number {
	let count = 0;
	for (const channel of channels.values()) if (channel && !channel.isThread() && channel.parentId === categoryId) count++;
	return count;
}

/**
 * The overflow categories of `base` among `channels` ("<name> 2", "<name> 3"...), in index order, each with its index.
 */
export function overflowCategories(
	base: CategoryChannel,
	channels: Collection<string, GuildBasedChannel | NonThreadGuildBasedChannel | null>
): { category: CategoryChannel; index: number }[] {
	const found: { category: CategoryChannel; index: number }[] = [];
	for (const channel of channels.values()) {
		if (channel?.type !== ChannelType.GuildCategory || channel.id === base.id) continue;
		const index = overflowIndexOf(base.name, channel.name);
		if (index !== null) found.push({ category: channel, index });
	}
	return found.sort((a, b) => a.index - b.index);
}

/** Runs `work` while holding the overflow lock of a base category (see {@link withOverflowLock}). */
export type OverflowLock = <T>(work: () => Promise<T>) => Promise<T>;

/** How long an overflow lock lives if its holder dies (ms), and how long a waiter waits for it (polls × interval). */
const LOCK_TTL_MS = 15_000;
const LOCK_POLL_MS = 25;
const LOCK_POLLS = 600;

/** Deletes the lock only when it still holds the holder's token (a lock that expired and was taken again stays). */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * Runs `work` under the Redis lock `<prefix>tickets:overflow-lock:<guild>:<base category>` (`SET NX PX`, 15 s): one
 * process at a time chooses or makes an overflow category of that category, or removes an empty one. A waiter polls
 * every 25 ms, for 15 s at most.
 * @throws Error when the lock could not be taken in time; what `work` throws.
 */
export async function withOverflowLock<T>(ctx: Pick<TicketsContext, 'redis' | 'redisKey'>, guildId: string, baseId: string, work: () => Promise<T>): Promise<T> {
	const key = ctx.redisKey('overflow-lock', guildId, baseId);
	const token = randomUUID();
	let taken = false;
	for (let poll = 0; poll < LOCK_POLLS && !taken; poll++) {
		taken = (await ctx.redis.set(key, token, 'PX', LOCK_TTL_MS, 'NX')) === 'OK';
		if (!taken) await delay(LOCK_POLL_MS);
	}
	if (!taken) throw new Error(`overflow lock ${key} still held after ${(LOCK_POLLS * LOCK_POLL_MS) / 1_000} s`);
	try {
		return await work();
	} finally {
		await ctx.redis.eval(RELEASE_SCRIPT, 1, key, token).catch(() => undefined);
	}
}

/** What {@link createTicketChannel} needs. */
export interface NewTicketChannel {
	guild: Guild;
	name: string;
	/** The type's category (null: at the top of the channel list, no overflow). */
	categoryId: string | null;
	overwrites: OverwriteData[];
	/** The audit log reason (at most 512 characters). */
	reason: string;
	/** The overflow lock of the type's category ({@link withOverflowLock}). */
	lock: OverflowLock;
}

/** Rounds of "every known category is full" before giving up (each makes or finds an overflow category). */
const OVERFLOW_ROUNDS = 4;

/**
 * Creates a ticket's text channel in the type's category or an overflow category of it (see the module's comment).
 * @returns the channel (in the guild's cache).
 * @throws TicketPlaceError (`parent-missing`, `missing-permissions`, `guild-full`, `category-full`); Discord's error
 *   for anything else.
 */
export async function createTicketChannel(input: NewTicketChannel): Promise<TextChannel> {
	const { guild } = input;
	const create = async (parentId: string | null) => {
		try {
			return await guild.channels.create({
				name: input.name,
				type: ChannelType.GuildText,
				parent: parentId,
				permissionOverwrites: input.overwrites,
				reason: input.reason
			});
		} catch (error) {
			throw placeFailure(error);
		}
	};
	if (input.categoryId === null) return create(null);
	const base = guild.channels.cache.get(input.categoryId);
	if (base?.type !== ChannelType.GuildCategory) throw new TicketPlaceError('parent-missing');
	const full = new Set<string>();
	const tryIn = async (categoryId: string): Promise<TextChannel | null> => {
		try {
			return await create(categoryId);
		} catch (error) {
			if (!(error instanceof TicketPlaceError && error.failure === 'category-full')) throw error;
			full.add(categoryId);
			return null;
		}
	};
	// The categories with room as the cache sees them, base first.
	const cached = [base, ...overflowCategories(base, guild.channels.cache).map((entry) => entry.category)];
	for (const category of cached) {
		if (childCount(guild.channels.cache, category.id) >= CATEGORY_CHANNELS_MAX) continue;
		const channel = await tryIn(category.id);
		if (channel) return channel;
	}
	for (let round = 0; round < OVERFLOW_ROUNDS; round++) {
		const target = await input.lock(() => overflowTarget(guild, base, full, input.reason));
		const channel = await tryIn(target.id);
		if (channel) return channel;
	}
	throw new TicketPlaceError('category-full');
}

/**
 * Under the overflow lock: the guild's channels read from Discord (another process may have made an overflow
 * category), the first of the base category and its overflow categories with room that was not found full, else a
 * new overflow category with the lowest free index and the base category's overwrites.
 * @throws TicketPlaceError `category-full` when the overflow category cannot be made (the bot may not grant the base
 *   category's overwrites, the guild is full...), `parent-missing` when the base category is gone.
 */
async function overflowTarget(guild: Guild, base: CategoryChannel, full: ReadonlySet<string>, reason: string): Promise<CategoryChannel> {
	const channels = await guild.channels.fetch();
	if (!channels.has(base.id)) throw new TicketPlaceError('parent-missing');
	const overflow = overflowCategories(base, channels);
	for (const category of [base, ...overflow.map((entry) => entry.category)]) {
		if (!full.has(category.id) && childCount(channels, category.id) < CATEGORY_CHANNELS_MAX) return category;
	}
	const taken = new Set(overflow.map((entry) => entry.index));
	let index = 2;
	while (taken.has(index)) index++;
	try {
		return await guild.channels.create({
			name: overflowCategoryName(base.name, index),
			type: ChannelType.GuildCategory,
			permissionOverwrites: base.permissionOverwrites.cache.map((overwrite) => ({ id: overwrite.id, type: overwrite.type, allow: overwrite.allow, deny: overwrite.deny })),
			reason
		});
	} catch (error) {
		const failure = placeFailure(error);
		if (failure instanceof TicketPlaceError && failure.failure === 'guild-full') throw failure;
		throw new TicketPlaceError('category-full', { cause: error });
	}
}

/**
 * Creates a thread-mode ticket's private thread in `parent` (members may not invite others: `invitable` false;
 * archived after a week without messages, Discord's longest) and adds the opener. If the opener cannot be added the
 * thread is deleted again.
 * @throws TicketPlaceError (`parent-missing`, `missing-permissions`, `member-not-added`); Discord's error for anything
 *   else.
 */
export async function createTicketThread(parent: TextChannel, name: string, openerId: string, reason: string): Promise<PrivateThreadChannel> {
	let thread: PrivateThreadChannel;
	try {
		thread = (await parent.threads.create({
			name,
			type: ChannelType.PrivateThread,
			invitable: false,
			autoArchiveDuration: ThreadAutoArchiveDuration.OneWeek,
			reason
		})) as PrivateThreadChannel;
	} catch (error) {
		throw placeFailure(error);
	}
	try {
		await thread.members.add(openerId);
	} catch (error) {
		await thread.delete(reason).catch(() => undefined);
		const failure = placeFailure(error);
		throw failure instanceof TicketPlaceError ? failure : new TicketPlaceError('member-not-added', { cause: error });
	}
	return thread;
}

/**
 * After a ticket channel was deleted: removes the category it was in (`parentId`) when it is an overflow category of
 * a ticket type's category ("<name> 2"... of a type's `categoryId`, and not itself a type's category) that no channel
 * is left in, as Discord says (the guild's channels are read again under the overflow lock, so a ticket being placed
 * in it by another process at that moment is seen). Never throws: a failure is logged as a warning.
 * @returns whether the category was deleted.
 */
export async function removeEmptyOverflow(guild: Guild, parentId: string | null): Promise<boolean> {
	if (parentId === null) return false;
	const service = container.pluginHost.service('tickets');
	try {
		const category = guild.channels.cache.get(parentId);
		if (category?.type !== ChannelType.GuildCategory) return false;
		if (childCount(guild.channels.cache, category.id) > 0) return false;
		const config = await service.config(guild.id);
		const baseIds = new Set(config.types.flatMap((type) => (type.mode === 'channel' && type.categoryId ? [type.categoryId] : [])));
		if (baseIds.has(category.id)) return false;
		const base = [...baseIds]
			.map((id) => guild.channels.cache.get(id))
			.find((channel): channel is CategoryChannel => channel?.type === ChannelType.GuildCategory && overflowIndexOf(channel.name, category.name) !== null);
		if (!base) return false;
		return await withOverflowLock(service.ctx, guild.id, base.id, async () => {
			const channels = await guild.channels.fetch();
			if (!channels.has(category.id) || childCount(channels, category.id) > 0) return false;
			await category.delete(`Tickets: overflow category of ${base.name} left empty`);
			return true;
		});
	} catch (error) {
		service.ctx.logger.warn(`Could not remove the empty overflow category ${parentId} of guild ${guild.id}: ${String(error)}`);
		return false;
	}
}
