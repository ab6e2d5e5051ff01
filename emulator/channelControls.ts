/**
 * Test controls for what members do with threads, reactions and channels in Discord's own client: start a thread,
 * add or remove people, join, leave, archive, lock (`emu.threads`); react and remove reactions (`emu.reactions`);
 * delete a channel or category, a message, and edit its permission overwrites (`emu.channels`); members' roles by hand are
 * `emu.members.addRole` / `removeRole` (controls.ts). Each checks what the client
 * would let the member do and throws an Error naming the rule otherwise, then makes the same change and sends the
 * same gateway events as the REST route would (to a bot that can see the channel), with audit log entries naming the
 * member where Discord writes one.
 */
import {
	AuditLogEvent,
	ChannelType,
	PermissionFlagsBits as P,
	type APIAuditLogEntry,
	type APIChannel,
	type APIMessage,
	type APIReaction,
	type APIThreadMember
} from 'discord-api-types/v10';
import type { EmulatorCore } from './core.js';
import { auditChanges, MAX_AUDIT_LOG_REASON_LENGTH } from './world/audit.js';
import { channelSnapshot, overwriteAuditInput, overwriteBitsBeyond } from './world/channels.js';
import type { GuildHandle } from './world/guild.js';
import { deleteMessage } from './world/messages.js';
import { channelPermissions, isThread, permissionNames, toBits } from './world/permissions.js';
import {
	addReaction,
	emojiKey,
	messageReactions,
	parseEmoji,
	reactionRefusal,
	reactionUsers,
	removeAllReactions,
	removeEmojiReactions,
	removeReaction,
	type ReactionEmoji
} from './world/reactions.js';
import type { ChannelState, MemberState, OverwriteState } from './world/state.js';
import {
	addThreadMember,
	MAX_THREAD_MEMBERS,
	removeThreadMember,
	setArchived,
	threadActivityRefusal,
	threadEditRefusal,
	threadMemberPayload,
	threadUnarchived
} from './world/threads.js';

/** A member starting a thread by hand (`emu.threads.create`). */
export interface HandThreadOptions {
	/** The text channel (an announcement channel for a public thread) the thread starts in. */
	channelId: string;
	/** Who starts it: its `owner_id` and first member. */
	userId: string;
	/** 1–100 characters. */
	name: string;
	/** PRIVATE_THREAD (12, the default here, what a tickets plugin meets) or PUBLIC_THREAD (11; ANNOUNCEMENT_THREAD in an announcement channel). */
	type?: ChannelType.PrivateThread | ChannelType.PublicThread;
	/** Private threads: whether non-moderators can add other non-moderators. Default true. */
	invitable?: boolean;
	/** 60, 1440 (default), 4320 or 10080 minutes. */
	autoArchiveDuration?: 60 | 1440 | 4320 | 10080;
}

/** A member editing a thread by hand (`emu.threads.edit`): the fields of the thread's settings menu. */
export interface HandThreadEdit {
	threadId: string;
	actorId: string;
	name?: string;
	archived?: boolean;
	locked?: boolean;
	invitable?: boolean;
	autoArchiveDuration?: 60 | 1440 | 4320 | 10080;
}

/** Shared lookups of the controls: the channel, its guild and a member, or an Error. */
class HandControls {
	public constructor(protected readonly core: EmulatorCore) {}

	protected channelOf(channelId: string): { channel: ChannelState; guild: GuildHandle } {
		const channel = this.core.world.channels.get(channelId);
		if (!channel) throw new Error(`emulator: no channel ${channelId}`);
		if (!channel.guildId) throw new Error(`emulator: channel ${channelId} is a DM, not a guild channel`);
		return { channel, guild: this.core.world.guild(channel.guildId) };
	}

	protected threadOf(threadId: string): { channel: ChannelState; guild: GuildHandle } {
		const found = this.channelOf(threadId);
		if (!isThread(found.channel.type) || !found.channel.threadMembers) throw new Error(`emulator: channel ${found.channel.name} is not a thread`);
		return found;
	}

	protected memberOf(guild: GuildHandle, userId: string): MemberState {
		const member = guild.state.members.get(userId);
		if (!member) throw new Error(`emulator: ${this.name(userId)} is not a member of ${guild.name}`);
		return member;
	}

	protected name(userId: string): string {
		return this.core.world.users.get(userId)?.username ?? userId;
	}

	/** Throws unless the member can see the channel (a private thread: in it, or MANAGE_THREADS). */
	protected requireView(channel: ChannelState, userId: string): void {
		if (!this.core.world.memberCanView(channel, userId)) {
			const what = channel.type === ChannelType.PrivateThread ? `private thread ${channel.name} (not in it, no MANAGE_THREADS)` : `#${channel.name}`;
			throw new Error(`emulator: ${this.name(userId)} cannot see ${what}; Discord's client would not show it`);
		}
	}

	/** The member's permissions in a channel (a thread: its parent's overwrites). */
	protected bitsIn(guild: GuildHandle, member: MemberState, channel: ChannelState): bigint {
		return channelPermissions(guild.state, member, channel, this.core.world.channels, this.core.clock.now());
	}

	/** Throws unless the member holds every bit of `bits` in the channel. */
	protected requireBits(guild: GuildHandle, member: MemberState, channel: ChannelState, bits: bigint, action: string): void {
		const missing = bits & ~this.bitsIn(guild, member, channel);
		if (missing) {
			throw new Error(`emulator: ${this.name(member.userId)} lacks ${permissionNames(missing).join(', ')} in #${channel.name} to ${action}`);
		}
	}
}

/**
 * Threads by hand (`emu.threads`): a member starts a thread, adds or removes people, joins, leaves, archives or locks
 * it in Discord's client, with the rules of the REST routes (resources/channel, topics/threads; see
 * world/threads.ts): a private thread is seen only by its members and by moderators (MANAGE_THREADS), so a bot that is
 * neither receives none of its events. Readers: `members(threadId)`, `canView(channelId, userId)`.
 */
export class ThreadControls extends HandControls {
	/**
	 * A member starts a thread without a message: CREATE_PRIVATE_THREADS (a private thread, only in a text channel) or
	 * CREATE_PUBLIC_THREADS in the channel, which they must see. THREAD_CREATE (`newly_created`) to a bot that can see
	 * it. Returns the thread.
	 */
	public create(options: HandThreadOptions): APIChannel {
		const { channel: parent, guild } = this.channelOf(options.channelId);
		const member = this.memberOf(guild, options.userId);
		const type = options.type ?? ChannelType.PrivateThread;
		if (type === ChannelType.PrivateThread ? parent.type !== ChannelType.GuildText : ![ChannelType.GuildText, ChannelType.GuildAnnouncement].includes(parent.type)) {
			throw new Error(`emulator: a ${type === ChannelType.PrivateThread ? 'private thread starts in a text channel' : 'thread starts in a text or announcement channel'}, not in #${parent.name}`);
		}
		const length = [...options.name].length;
		if (length < 1 || length > 100) throw new RangeError('emulator: a thread name has 1 to 100 characters');
		this.requireView(parent, options.userId);
		this.requireBits(guild, member, parent, type === ChannelType.PrivateThread ? P.CreatePrivateThreads : P.CreatePublicThreads, 'start a thread');
		const thread = guild.insertChannel({
			name: options.name,
			type: type === ChannelType.PublicThread && parent.type === ChannelType.GuildAnnouncement ? ChannelType.AnnouncementThread : type,
			parentId: parent.id,
			ownerId: options.userId,
			...(type === ChannelType.PrivateThread ? { invitable: options.invitable ?? true } : {}),
			...(options.autoArchiveDuration ? { autoArchiveDuration: options.autoArchiveDuration } : {})
		});
		return this.core.world.channelPayload(thread);
	}

	/**
	 * `actorId` adds `userId` to a thread (in the client: mentioning them, or "Add Members"): the actor sees the thread
	 * and may send messages in it (SEND_MESSAGES_IN_THREADS); in a private thread whose `invitable` is false only a
	 * moderator (MANAGE_THREADS) adds people; the thread is active; the added member can see the parent channel (the
	 * client adds no one who cannot). THREAD_CREATE (when `userId` is the bot) and THREAD_MEMBERS_UPDATE. Returns the
	 * thread member (the existing one, nothing sent, when they already are in it).
	 */
	public addMember(options: { threadId: string; actorId: string; userId: string }): APIThreadMember {
		const { channel, guild } = this.threadOf(options.threadId);
		const actor = this.memberOf(guild, options.actorId);
		this.memberOf(guild, options.userId);
		this.requireView(channel, options.actorId);
		this.#requireActive(channel, 'add members to');
		this.requireBits(guild, actor, channel, P.SendMessagesInThreads, 'add members to a thread');
		if (channel.type === ChannelType.PrivateThread && channel.thread?.invitable === false) {
			this.requireBits(guild, actor, channel, P.ManageThreads, `add members to ${channel.name}, whose invitable is false`);
		}
		const parent = this.core.world.channels.get(channel.parentId!);
		if (parent && !this.core.world.memberCanView(parent, options.userId)) {
			throw new Error(`emulator: ${this.name(options.userId)} cannot see #${parent.name}, so cannot be added to its thread`);
		}
		if (!channel.threadMembers!.has(options.userId)) {
			if (channel.threadMembers!.size >= MAX_THREAD_MEMBERS) throw new Error(`emulator: thread ${channel.name} has ${MAX_THREAD_MEMBERS} members (30033)`);
			addThreadMember(this.core.world, channel, options.userId);
		}
		return threadMemberPayload(this.core.world, channel, options.userId);
	}

	/**
	 * `actorId` removes `userId` from a thread: MANAGE_THREADS, or the creator of a private thread; the thread is
	 * active. THREAD_MEMBERS_UPDATE (the bot, removed from a private thread, still gets it). Throws when `userId` is
	 * not in the thread.
	 */
	public removeMember(options: { threadId: string; actorId: string; userId: string }): void {
		const { channel, guild } = this.threadOf(options.threadId);
		const actor = this.memberOf(guild, options.actorId);
		this.requireView(channel, options.actorId);
		this.#requireActive(channel, 'remove members from');
		const creator = channel.type === ChannelType.PrivateThread && channel.ownerId === options.actorId;
		if (!creator && options.userId !== options.actorId) this.requireBits(guild, actor, channel, P.ManageThreads, 'remove members from a thread');
		if (!channel.threadMembers!.has(options.userId)) throw new Error(`emulator: ${this.name(options.userId)} is not in thread ${channel.name}`);
		removeThreadMember(this.core.world, channel, options.userId);
	}

	/**
	 * A member joins a thread they can see (a public thread of a channel they see; a private one only as a moderator):
	 * THREAD_MEMBERS_UPDATE. The thread must be active. Returns their thread member (nothing sent if already in it).
	 */
	public join(options: { threadId: string; userId: string }): APIThreadMember {
		const { channel, guild } = this.threadOf(options.threadId);
		this.memberOf(guild, options.userId);
		this.requireView(channel, options.userId);
		this.#requireActive(channel, 'join');
		if (!channel.threadMembers!.has(options.userId)) addThreadMember(this.core.world, channel, options.userId);
		return threadMemberPayload(this.core.world, channel, options.userId);
	}

	/** A member leaves a thread they are in (THREAD_MEMBERS_UPDATE); the thread must be active. Throws otherwise. */
	public leave(options: { threadId: string; userId: string }): void {
		const { channel } = this.threadOf(options.threadId);
		this.#requireActive(channel, 'leave');
		if (!channel.threadMembers!.has(options.userId)) throw new Error(`emulator: ${this.name(options.userId)} is not in thread ${channel.name}`);
		removeThreadMember(this.core.world, channel, options.userId);
	}

	/**
	 * A member changes a thread's settings: name, archived, locked, invitable, auto archive duration, by the rules of
	 * Modify Channel for threads (world/threads.ts `threadEditRefusal`: MANAGE_THREADS for `locked`, the creator for
	 * name / archive / duration, any member to unarchive an unlocked thread, MANAGE_THREADS to unarchive a locked one;
	 * an archived thread changes only by being unarchived). THREAD_UPDATE (then THREAD_MEMBER_UPDATE to the bot when
	 * unarchived and it is a member) and a THREAD_UPDATE audit log entry (111) naming the member. Returns the thread.
	 */
	public edit(options: HandThreadEdit): APIChannel {
		const { channel, guild } = this.threadOf(options.threadId);
		this.memberOf(guild, options.actorId);
		this.requireView(channel, options.actorId);
		const fields: Record<string, unknown> = {
			name: options.name,
			archived: options.archived,
			locked: options.locked,
			invitable: options.invitable,
			auto_archive_duration: options.autoArchiveDuration
		};
		const keys = Object.keys(fields).filter((key) => fields[key] !== undefined);
		if (!keys.length) throw new Error('emulator: threads.edit needs a change');
		if (options.invitable !== undefined && channel.type !== ChannelType.PrivateThread) throw new Error('emulator: invitable is a setting of private threads');
		if (options.name !== undefined && ([...options.name].length < 1 || [...options.name].length > 100)) {
			throw new RangeError('emulator: a thread name has 1 to 100 characters');
		}
		const refusal = threadEditRefusal(this.core.world, channel, options.actorId, keys, options.archived);
		if (refusal) throw new Error(`emulator: ${this.name(options.actorId)} cannot edit thread ${channel.name}: ${refusal.detail}`);
		const meta = channel.thread!;
		const before = { name: channel.name, archived: meta.archived, locked: meta.locked, auto_archive_duration: meta.autoArchiveDuration, invitable: meta.invitable };
		if (options.name !== undefined) channel.name = options.name;
		if (options.archived !== undefined) setArchived(this.core.world, channel, options.archived);
		if (options.locked !== undefined) meta.locked = options.locked;
		if (options.invitable !== undefined) meta.invitable = options.invitable;
		if (options.autoArchiveDuration !== undefined && options.autoArchiveDuration !== meta.autoArchiveDuration) {
			meta.autoArchiveDuration = options.autoArchiveDuration;
			meta.archiveTimestamp = this.core.world.timestamp();
		}
		const after = { name: channel.name, archived: meta.archived, locked: meta.locked, auto_archive_duration: meta.autoArchiveDuration, invitable: meta.invitable };
		const changes = auditChanges(Object.keys(after).map((key) => [key, before[key as keyof typeof before], after[key as keyof typeof after]]));
		if (!changes.length) return this.core.world.channelPayload(channel);
		const payload = guild.channelUpdated(channel);
		if (before.archived && !meta.archived) threadUnarchived(this.core.world, channel);
		guild.recordAuditLogEntry({ actionType: AuditLogEvent.ThreadUpdate, userId: options.actorId, targetId: channel.id, changes });
		return payload;
	}

	/** The thread's members as thread member objects (`id`, `user_id`, `join_timestamp`, `flags`), in the order they joined. */
	public members(threadId: string): APIThreadMember[] {
		const { guild } = this.threadOf(threadId);
		return guild.threadMembers(threadId);
	}

	/** Whether `userId` can see a channel now (a private thread: in it, or MANAGE_THREADS in its parent). */
	public canView(channelId: string, userId: string): boolean {
		const { channel } = this.channelOf(channelId);
		return this.core.world.memberCanView(channel, userId);
	}

	#requireActive(channel: ChannelState, action: string): void {
		if (channel.thread?.archived) throw new Error(`emulator: thread ${channel.name} is archived; members cannot ${action} it (50083)`);
	}
}

/** An emoji as `emu.reactions` takes it: '🔥', 'name:id', 'a:name:id', '<:name:id>', or `{ id?, name, animated? }`. */
export type EmojiInput = string | { id?: string | null; name: string; animated?: boolean };

/** A member's reaction (`emu.reactions.add` / `remove`). */
export interface HandReaction {
	channelId: string;
	messageId: string;
	/** Whose reaction it is. */
	userId: string;
	emoji: EmojiInput;
	/** `remove` only: who removes it, when not `userId` themselves (a moderator: MANAGE_MESSAGES). */
	actorId?: string;
}

/**
 * Reactions by hand (`emu.reactions`): a member (or a DM's recipient) reacts or removes a reaction in Discord's
 * client, with the rules of the REST routes (world/reactions.ts): they see the channel, READ_MESSAGE_HISTORY, and
 * ADD_REACTIONS for an emoji nobody used on the message yet; 20 distinct emojis per message; not while timed out;
 * not in an archived thread. MESSAGE_REACTION_ADD / REMOVE (REMOVE_ALL / REMOVE_EMOJI for `clear`) go to a bot that
 * can see the channel, with the GUILD_MESSAGE_REACTIONS (DIRECT_MESSAGE_REACTIONS) intent. Readers give the message's
 * reactions as the bot sees them (`me`: the bot reacted) and who reacted.
 */
export class ReactionControls extends HandControls {
	/**
	 * `userId` reacts to a message with `emoji`. Returns the message's reaction for that emoji after it (`count`,
	 * `count_details`, `me`, `emoji`); reacting again with the same emoji changes nothing and sends nothing. Throws
	 * where the client would not let them react (see the class).
	 */
	public add(options: HandReaction): APIReaction {
		const { channel, message, emoji } = this.#target(options);
		this.#requireReactor(channel, options.userId);
		const refusal = reactionRefusal(this.core.world, channel, message, options.userId, emoji, 'add');
		if (refusal) throw new Error(`emulator: ${this.name(options.userId)} cannot react with ${emoji.name}: ${refusal.detail} (${refusal.code})`);
		addReaction(this.core.world, channel, message, options.userId, emoji);
		return this.#reaction(channel, message.id, emoji)!;
	}

	/**
	 * Removes `userId`'s reaction (by themselves, or by `actorId` holding MANAGE_MESSAGES): MESSAGE_REACTION_REMOVE.
	 * Returns the reaction left for that emoji, or null when nobody reacted with it any more. Throws when `userId` had
	 * not reacted with it, and where the client would not let the actor remove it.
	 */
	public remove(options: HandReaction): APIReaction | null {
		const { channel, message, emoji } = this.#target(options);
		const actorId = options.actorId ?? options.userId;
		this.#requireReactor(channel, actorId);
		if (actorId !== options.userId) this.#requireManageMessages(channel, actorId);
		const refusal = reactionRefusal(this.core.world, channel, message, actorId, emoji, 'remove');
		if (refusal) throw new Error(`emulator: ${this.name(actorId)} cannot remove the reaction ${emoji.name}: ${refusal.detail} (${refusal.code})`);
		if (!removeReaction(this.core.world, channel, message.id, options.userId, emoji)) {
			throw new Error(`emulator: ${this.name(options.userId)} has not reacted with ${emoji.name} to message ${message.id}`);
		}
		return this.#reaction(channel, message.id, emoji);
	}

	/**
	 * A moderator (MANAGE_MESSAGES) clears the reactions of a message: all of them (MESSAGE_REACTION_REMOVE_ALL), or
	 * those with `emoji` (MESSAGE_REACTION_REMOVE_EMOJI). Nothing to clear: nothing sent.
	 */
	public clear(options: { channelId: string; messageId: string; actorId: string; emoji?: EmojiInput }): void {
		const { channel, message } = this.#message(options.channelId, options.messageId);
		this.#requireReactor(channel, options.actorId);
		this.#requireManageMessages(channel, options.actorId);
		const archived = threadActivityRefusal(this.core.world, channel, options.actorId, 'react');
		if (archived) throw new Error(`emulator: ${archived.detail} (${archived.code})`);
		if (options.emoji === undefined) removeAllReactions(this.core.world, channel, message.id);
		else removeEmojiReactions(this.core.world, channel, message.id, toEmoji(options.emoji));
	}

	/** The message's reactions as the bot sees them (the message's `reactions`; `me`: the bot reacted), oldest emoji first. */
	public on(channelId: string, messageId: string): APIReaction[] {
		const { channel, message } = this.#message(channelId, messageId);
		return messageReactions(this.core.world, channel, message.id);
	}

	/** Ids of the users who reacted with `emoji`, ascending (as Get Reactions lists them). */
	public users(channelId: string, messageId: string, emoji: EmojiInput): string[] {
		const { channel, message } = this.#message(channelId, messageId);
		return reactionUsers(channel, message.id, toEmoji(emoji));
	}

	#message(channelId: string, messageId: string): { channel: ChannelState; message: APIMessage } {
		const channel = this.core.world.channels.get(channelId);
		if (!channel) throw new Error(`emulator: no channel ${channelId}`);
		const message = channel.messages.get(messageId);
		if (!message) throw new Error(`emulator: no message ${messageId} in channel ${channel.name ?? channel.id}`);
		return { channel, message };
	}

	#target(options: HandReaction): { channel: ChannelState; message: APIMessage; emoji: ReactionEmoji } {
		return { ...this.#message(options.channelId, options.messageId), emoji: toEmoji(options.emoji) };
	}

	/** A guild member who can see the channel, or the recipient of a DM. */
	#requireReactor(channel: ChannelState, userId: string): void {
		if (!channel.guildId) {
			if (!channel.recipients?.includes(userId)) throw new Error(`emulator: ${this.name(userId)} is not in DM channel ${channel.id}`);
			return;
		}
		this.memberOf(this.core.world.guild(channel.guildId), userId);
		this.requireView(channel, userId);
	}

	#requireManageMessages(channel: ChannelState, actorId: string): void {
		if (!channel.guildId) throw new Error("emulator: nobody removes another user's reaction in a DM (50003)");
		const guild = this.core.world.guild(channel.guildId);
		this.requireBits(guild, this.memberOf(guild, actorId), channel, P.ManageMessages, "remove others' reactions");
	}

	#reaction(channel: ChannelState, messageId: string, emoji: ReactionEmoji): APIReaction | null {
		const key = emojiKey(emoji);
		return messageReactions(this.core.world, channel, messageId).find((reaction) => (reaction.emoji.id ?? reaction.emoji.name) === key) ?? null;
	}
}

/** Reads an {@link EmojiInput}; throws for what is no emoji. */
function toEmoji(input: EmojiInput): ReactionEmoji {
	if (typeof input !== 'string') {
		if (input.id) return { id: input.id, name: input.name, ...(input.animated ? { animated: true } : {}) };
		const unicode = parseEmoji(input.name);
		if (!unicode || unicode.id !== null) throw new Error(`emulator: "${input.name}" is not a Unicode emoji (give an id for a custom one)`);
		return unicode;
	}
	const emoji = parseEmoji(input, { mentions: true });
	if (!emoji) throw new Error(`emulator: "${input}" is neither a Unicode emoji nor name:id (10014 Unknown Emoji)`);
	return emoji;
}

/** The outcome of a channel change made by hand: the channel as it is now (deleted: as it was), and the entry added. */
export interface HandChannelChange {
	channel: APIChannel;
	/** The audit log entry naming the member; null when nothing changed (no entry, no event). */
	entry: APIAuditLogEntry | null;
}

/** A member setting a permission overwrite by hand (Channel Settings > Permissions). */
export interface HandOverwrite {
	channelId: string;
	actorId: string;
	/** A role id or a member's user id. */
	id: string;
	/** 0 role, 1 member; default: a role when `id` is one of the guild's roles, else a member. */
	type?: 0 | 1;
	allow?: bigint | string;
	deny?: bigint | string;
	reason?: string;
}

/**
 * Channels by hand (`emu.channels`): a member deletes a channel or category, deletes a message, or edits a channel's
 * permission overwrites, in Discord's client. Checks as for the bot's REST routes: the member sees the channel and holds
 * MANAGE_CHANNELS (MANAGE_THREADS for a thread) to delete, MANAGE_ROLES in the channel to change overwrites and may
 * only allow or deny bits they hold (world/channels.ts `overwriteBitsBeyond`); a reason has at most 512 characters.
 * The same events (CHANNEL_DELETE, then CHANNEL_UPDATE for each channel of a deleted category; CHANNEL_UPDATE for an
 * overwrite) and audit log entries naming the member (CHANNEL_DELETE 12 / THREAD_DELETE 112, CHANNEL_OVERWRITE_*
 * 13–15).
 */
export class ChannelControls extends HandControls {
	/**
	 * `actorId` deletes a channel, category or thread. A category's channels stay, without a parent (one CHANNEL_UPDATE
	 * each); a channel's threads go with it. Returns the deleted channel and the entry.
	 */
	public delete(options: { channelId: string; actorId: string; reason?: string }): HandChannelChange & { entry: APIAuditLogEntry } {
		const { channel, guild } = this.channelOf(options.channelId);
		const actor = this.memberOf(guild, options.actorId);
		this.#checkReason(options.reason);
		this.requireView(channel, options.actorId);
		const thread = isThread(channel.type);
		this.requireBits(guild, actor, channel, thread ? P.ManageThreads : P.ManageChannels, `delete #${channel.name}`);
		const changes = channelSnapshot(channel, true);
		const payload = guild.deleteChannel(channel.id);
		const entry = guild.recordAuditLogEntry({
			actionType: thread ? AuditLogEvent.ThreadDelete : AuditLogEvent.ChannelDelete,
			userId: options.actorId,
			targetId: channel.id,
			changes,
			reason: options.reason
		});
		return { channel: payload, entry };
	}

	/**
	 * `actorId` deletes a message in a channel or thread they can see ("Delete Message" in Discord's client): their own,
	 * or anyone's (the bot's too) with MANAGE_MESSAGES there. MESSAGE_DELETE; deleting someone else's message adds a
	 * MESSAGE_DELETE entry (72) naming the actor, its target the message's author, with `channel_id` and `count: "1"`,
	 * like the REST route. Returns that entry, or null for the actor's own message.
	 */
	public deleteMessage(options: { channelId: string; messageId: string; actorId: string; reason?: string }): { entry: APIAuditLogEntry | null } {
		const { channel, guild } = this.channelOf(options.channelId);
		const actor = this.memberOf(guild, options.actorId);
		this.#checkReason(options.reason);
		this.requireView(channel, options.actorId);
		const message = channel.messages.get(options.messageId);
		if (!message) throw new Error(`emulator: no message ${options.messageId} in #${channel.name} (10008 Unknown Message)`);
		const byOther = message.author.id !== options.actorId;
		if (byOther) this.requireBits(guild, actor, channel, P.ManageMessages, `delete a message of someone else in #${channel.name}`);
		deleteMessage(this.core.world, channel, message.id);
		if (!byOther) return { entry: null };
		const entry = guild.recordAuditLogEntry({
			actionType: AuditLogEvent.MessageDelete,
			userId: options.actorId,
			targetId: message.author.id,
			options: { channel_id: channel.id, count: '1' },
			reason: options.reason
		});
		return { entry };
	}

	/**
	 * `actorId` sets (creates or replaces) the overwrite of a role or member on a channel (not a thread: threads use
	 * their parent's). CHANNEL_UPDATE and CHANNEL_OVERWRITE_CREATE / UPDATE; no change: nothing sent, `entry` null.
	 */
	public editOverwrite(options: HandOverwrite): HandChannelChange {
		const { channel, guild, actor } = this.#overwriteTarget(options);
		const type = options.type ?? (guild.state.roles.has(options.id) ? 0 : 1);
		if (type === 0 ? !guild.state.roles.has(options.id) : !guild.state.members.has(options.id)) {
			throw new Error(`emulator: ${options.id} is not a ${type === 0 ? 'role' : 'member'} of ${guild.name}`);
		}
		const allow = toBits(options.allow ?? 0n);
		const deny = toBits(options.deny ?? 0n);
		const beyond = overwriteBitsBeyond(guild.state, actor, channel, this.core.world.channels, allow, deny, this.core.clock.now());
		if (beyond) throw new Error(`emulator: ${this.name(options.actorId)} cannot grant or deny ${permissionNames(beyond).join(', ')}, which they lack`);
		const before = channel.overwrites.get(options.id);
		guild.putOverwrite(channel, { id: options.id, type, allow, deny });
		return this.#overwriteChanged(guild, channel, before, options);
	}

	/** `actorId` removes the overwrite of a role or member from a channel: CHANNEL_UPDATE and CHANNEL_OVERWRITE_DELETE. Throws when there is none. */
	public deleteOverwrite(options: { channelId: string; actorId: string; id: string; reason?: string }): HandChannelChange & { entry: APIAuditLogEntry } {
		const { channel, guild } = this.#overwriteTarget(options);
		const before = channel.overwrites.get(options.id);
		if (!before) throw new Error(`emulator: #${channel.name} has no overwrite for ${options.id}`);
		channel.overwrites.delete(options.id);
		return this.#overwriteChanged(guild, channel, before, options) as HandChannelChange & { entry: APIAuditLogEntry };
	}

	#overwriteTarget(options: { channelId: string; actorId: string; reason?: string }): { channel: ChannelState; guild: GuildHandle; actor: MemberState } {
		const { channel, guild } = this.channelOf(options.channelId);
		if (isThread(channel.type)) throw new Error(`emulator: threads have no overwrites of their own (#${channel.name})`);
		const actor = this.memberOf(guild, options.actorId);
		this.#checkReason(options.reason);
		this.requireView(channel, options.actorId);
		this.requireBits(guild, actor, channel, P.ManageRoles, `edit the permissions of #${channel.name}`);
		return { channel, guild, actor };
	}

	#overwriteChanged(
		guild: GuildHandle,
		channel: ChannelState,
		before: OverwriteState | undefined,
		options: { actorId: string; id: string; reason?: string }
	): HandChannelChange {
		const input = overwriteAuditInput(guild.state, channel, before, channel.overwrites.get(options.id));
		if (!input) return { channel: this.core.world.channelPayload(channel), entry: null };
		const payload = guild.channelUpdated(channel);
		return { channel: payload, entry: guild.recordAuditLogEntry({ ...input, userId: options.actorId, reason: options.reason }) };
	}

	#checkReason(reason: string | undefined): void {
		if (reason && [...reason].length > MAX_AUDIT_LOG_REASON_LENGTH) {
			throw new RangeError(`emulator: a reason holds at most ${MAX_AUDIT_LOG_REASON_LENGTH} characters`);
		}
	}
}
