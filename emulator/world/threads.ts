/**
 * Thread membership and archiving, shared by the REST routes (the bot acts) and `emu.threads` (a member acts in
 * Discord's client). Events follow the Threads topic and the gateway events reference:
 * - a user added to a thread: THREAD_MEMBERS_UPDATE (`added_members` with their guild `member` and `presence`);
 *   when that user is the bot, first a THREAD_CREATE carrying its thread `member` ("Whenever a user is added to a
 *   private thread, the Gateway also sends a Thread Create event"; "the Gateway will send a Thread Create event when a
 *   user is added to any thread");
 * - a user removed: THREAD_MEMBERS_UPDATE with `removed_member_ids` (the bot removed from a private thread it can no
 *   longer see still gets it: "A Thread Members Update Gateway Event is always sent when the current user is added to
 *   or removed from a thread");
 * - THREAD_MEMBERS_UPDATE about other users needs the GUILD_MEMBERS intent ("If the current user does not have the
 *   GUILD_MEMBERS Gateway Intent, then this event will only be sent if the current user was added to or removed from
 *   the thread");
 * - unarchiving: THREAD_UPDATE, then THREAD_MEMBER_UPDATE to the thread's members (the bot, if it is one).
 * Every thread event goes only to a bot that can see the thread (../world/world.ts `dispatch`).
 */
import { ChannelType, GatewayIntentBits, PermissionFlagsBits, type APIThreadMember } from 'discord-api-types/v10';
import { channelPayload, memberPayload } from './payloads.js';
import { channelPermissions } from './permissions.js';
import type { ChannelState } from './state.js';
import { SKIP_DISPATCH, type World } from './world.js';

/** Members a thread holds at most (JSON error 30033 "Maximum number of thread participants has been reached (1000)"). */
export const MAX_THREAD_MEMBERS = 1000;

/**
 * A thread member object ("Thread Member Object"): `id` (the thread), `user_id`, `join_timestamp`, `flags` (0: the
 * notification settings are not emulated); with `withMember`, the guild `member` (List / Get Thread Member with
 * `with_member=true`); `inGuildCreate` leaves out `id` and `user_id`, as GUILD_CREATE's threads carry it.
 */
export function threadMemberPayload(
	world: World,
	channel: ChannelState,
	userId: string,
	options: { withMember?: boolean; inGuildCreate?: boolean } = {}
): APIThreadMember {
	const joined = channel.threadMembers?.get(userId) ?? world.timestamp();
	const guildMember = options.withMember && channel.guildId ? world.guildStates.get(channel.guildId)?.members.get(userId) : undefined;
	return {
		...(options.inGuildCreate ? {} : { id: channel.id, user_id: userId }),
		join_timestamp: joined,
		flags: 0,
		...(guildMember ? { member: memberPayload(world, guildMember) } : {})
	} as unknown as APIThreadMember;
}

/**
 * Adds a user to a thread (`join_timestamp` now) and sends the events (see the module comment). Returns false, and
 * sends nothing, when they already are a member (Discord answers 204 all the same).
 */
export function addThreadMember(world: World, channel: ChannelState, userId: string): boolean {
	const members = channel.threadMembers!;
	if (members.has(userId)) return false;
	members.set(userId, world.timestamp());
	const botId = world.context.bot.id;
	if (userId === botId) {
		world.dispatch('THREAD_CREATE', { ...channelPayload(world, channel), member: threadMemberPayload(world, channel, botId) }, channel.guildId);
	}
	membersUpdate(world, channel, [userId], [], undefined);
	return true;
}

/** Removes a user from a thread and sends THREAD_MEMBERS_UPDATE. Returns false when they were not a member. */
export function removeThreadMember(world: World, channel: ChannelState, userId: string): boolean {
	const botSawIt = world.botCanView(channel);
	if (!channel.threadMembers!.delete(userId)) return false;
	// The bot removed from a private thread can no longer see it, but is still told it was removed.
	membersUpdate(world, channel, [], [userId], userId === world.context.bot.id ? botSawIt : undefined);
	return true;
}

function membersUpdate(world: World, channel: ChannelState, added: string[], removed: string[], visible: boolean | undefined): void {
	const botId = world.context.bot.id;
	const aboutBot = added.includes(botId) || removed.includes(botId);
	const guild = channel.guildId ? world.guildStates.get(channel.guildId) : undefined;
	const data = {
		id: channel.id,
		guild_id: channel.guildId,
		member_count: Math.min(50, channel.threadMembers!.size),
		...(added.length
			? {
					added_members: added.map((userId) => {
						const member = guild?.members.get(userId);
						return { ...threadMemberPayload(world, channel, userId), ...(member ? { member: memberPayload(world, member) } : {}), presence: null };
					})
				}
			: {}),
		...(removed.length ? { removed_member_ids: removed } : {})
	};
	world.dispatch(
		'THREAD_MEMBERS_UPDATE',
		(session: { intents: number }) => (aboutBot || session.intents & GatewayIntentBits.GuildMembers ? data : SKIP_DISPATCH),
		channel.guildId,
		{ channelId: channel.id, ...(visible === undefined ? {} : { visible }) }
	);
}

/**
 * Archives or unarchives a thread: `archived`, and `archive_timestamp` now ("changed when creating, archiving, or
 * unarchiving a thread"). No event: the caller sends THREAD_UPDATE, then {@link threadUnarchived} for an unarchive.
 */
export function setArchived(world: World, channel: ChannelState, archived: boolean): void {
	if (!channel.thread || channel.thread.archived === archived) return;
	channel.thread.archived = archived;
	channel.thread.archiveTimestamp = world.timestamp();
}

/**
 * After the THREAD_UPDATE of an unarchived thread: THREAD_MEMBER_UPDATE (the bot's thread member plus `guild_id`) when
 * the bot is a member ("Unarchiving a Thread", Threads topic).
 */
export function threadUnarchived(world: World, channel: ChannelState): void {
	const botId = world.context.bot.id;
	if (!channel.threadMembers?.has(botId)) return;
	world.dispatch('THREAD_MEMBER_UPDATE', { ...threadMemberPayload(world, channel, botId), guild_id: channel.guildId }, channel.guildId);
}

/** Why an actor may not edit a thread: 50083 (it is archived and the edit does not unarchive it) or 50013, with why. */
export interface ThreadEditRefusal {
	code: 50083 | 50013;
	detail: string;
}

/**
 * Whether `actorId` may apply an edit (its API field names, `archived` its new value) to a thread, by the rules of
 * "Modify Channel" (JSON Params (Thread)) and the Threads topic ("Editing & Deleting Threads"):
 * - an archived thread is edited only by a request that unarchives it ("Requires the thread to have archived set to
 *   false or be set to false in the request"): 50083 otherwise;
 * - MANAGE_THREADS (in the parent channel) may change anything;
 * - otherwise unarchiving alone needs the actor to be in the thread (or its creator) when it is not locked ("only
 *   requires the current user has already been added to the thread"), and MANAGE_THREADS when it is locked;
 * - the thread's creator may change `name`, `archived`, `auto_archive_duration` (and `invitable` of a private thread,
 *   the client's "allow anyone to invite"); `locked` and `rate_limit_per_user` need MANAGE_THREADS.
 * Returns null when allowed.
 */
export function threadEditRefusal(
	world: World,
	channel: ChannelState,
	actorId: string,
	keys: string[],
	archived: boolean | null | undefined
): ThreadEditRefusal | null {
	const meta = channel.thread!;
	if (meta.archived && archived !== false) return { code: 50083, detail: `thread ${channel.name} is archived and the edit does not unarchive it` };
	const guild = world.guildStates.get(channel.guildId!)!;
	const actor = guild.members.get(actorId);
	if (!actor) return { code: 50013, detail: `${actorId} is not a member` };
	const bits = channelPermissions(guild, actor, channel, world.channels, world.context.clock.now());
	if (bits & PermissionFlagsBits.ManageThreads) return null;
	const creator = channel.ownerId === actorId;
	if (keys.every((key) => key === 'archived') && archived === false) {
		if (meta.locked) return { code: 50013, detail: `thread ${channel.name} is locked: only MANAGE_THREADS unarchives it` };
		if (creator || channel.threadMembers?.has(actorId)) return null;
		return { code: 50013, detail: `unarchiving ${channel.name} needs to be in the thread or MANAGE_THREADS` };
	}
	const creatorKeys = ['name', 'archived', 'auto_archive_duration', ...(channel.type === ChannelType.PrivateThread ? ['invitable'] : [])];
	if (creator && keys.every((key) => creatorKeys.includes(key)) && !(meta.locked && archived === false)) return null;
	return { code: 50013, detail: `editing ${keys.join(', ')} of thread ${channel.name} needs MANAGE_THREADS${creator ? '' : ' or to be its creator'}` };
}

/** What a user does in a thread, for {@link threadActivityRefusal}. */
export type ThreadActivity = 'send' | 'edit' | 'react' | 'delete';

/**
 * Why `actorId` may not do `activity` in a thread now (null for any other channel, or when allowed), by the Threads
 * topic: "Users cannot edit messages, add reactions, use application commands, or join archived threads"; "Sending a
 * message will automatically unarchive the thread, unless the thread has been locked by a moderator"; without
 * MANAGE_THREADS, users "won't be able to create or update messages in locked threads", and "deleting messages and
 * adding or removing reactions will *only* be allowed in locked threads if that thread is also active". Archived
 * refusals are 50083; a locked, active thread refusing a message is 160005 "Thread is locked" (the code Discord lists;
 * which one it answers there is not documented). A 'send' to an archived, unlocked thread is allowed: the caller
 * unarchives it.
 */
export function threadActivityRefusal(
	world: World,
	channel: ChannelState,
	actorId: string,
	activity: ThreadActivity
): { code: 50083 | 160005; detail: string } | null {
	const meta = channel.thread;
	if (!meta || (!meta.archived && !meta.locked)) return null;
	const guild = world.guildStates.get(channel.guildId!)!;
	const actor = guild.members.get(actorId);
	const manage = actor
		? (channelPermissions(guild, actor, channel, world.channels, world.context.clock.now()) & PermissionFlagsBits.ManageThreads) !== 0n
		: false;
	const archived = { code: 50083 as const, detail: `thread ${channel.name} is archived${meta.locked ? ' and locked' : ''}` };
	const locked = { code: 160005 as const, detail: `thread ${channel.name} is locked (MANAGE_THREADS only)` };
	switch (activity) {
		case 'send':
			if (meta.archived && meta.locked) return archived;
			return meta.locked && !manage ? locked : null;
		case 'edit':
			if (meta.archived) return archived;
			return meta.locked && !manage ? locked : null;
		case 'react':
			return meta.archived ? archived : null;
		case 'delete':
			return meta.archived && meta.locked && !manage ? archived : null;
	}
}
