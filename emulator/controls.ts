/**
 * Test controls for what users do: voice (join, move, mute, deafen, stream, leave), guild membership (join,
 * leave, role or nick changes made by someone else), messages (in a channel, possibly dated in the past, or a DM),
 * moderation by hand in Discord's client (ban, unban, kick, timeout, with their audit log entries) and DM settings.
 * Each changes the world and sends the gateway event Discord would, to the shard that owns the guild, if the bot's
 * intents ask for it.
 */
import { PermissionFlagsBits, type APIAuditLogEntry, type APIEmbed, type APIMessage } from 'discord-api-types/v10';
import type { EmulatorCore } from './core.js';
import type { AddMemberOptions, DmRecord, ModerationActionOptions, VoiceFlags, VoiceUpdate } from './types.js';
import { MAX_AUDIT_LOG_REASON_LENGTH, type AuditLogEntryInput } from './world/audit.js';
import type { GuildHandle } from './world/guild.js';
import type { MemberChanges, MemberView } from './world/members.js';
import { createMessage } from './world/messages.js';
import {
	banUser,
	checkModerator,
	isAdministrator,
	kickMember,
	MAX_BAN_DELETE_SECONDS,
	MAX_TIMEOUT_MS,
	normalizeTimeout,
	timeoutMember,
	unbanUser
} from './world/moderation.js';

export class VoiceControls {
	public constructor(private readonly core: EmulatorCore) {}

	/** A member connects to a voice channel (VOICE_STATE_UPDATE). Joining while connected moves them. */
	public join(guildId: string, userId: string, channelId: string, flags: VoiceFlags = {}) {
		return this.core.world.guild(guildId).joinVoice(userId, channelId, flags);
	}

	/** A connected member changes flags (self mute, deafen, stream, video...) or moves with `channelId`. */
	public update(guildId: string, userId: string, update: VoiceUpdate) {
		return this.core.world.guild(guildId).updateVoice(userId, update);
	}

	/** A member disconnects (VOICE_STATE_UPDATE with channel_id null). */
	public leave(guildId: string, userId: string) {
		return this.core.world.guild(guildId).leaveVoice(userId);
	}
}

export class MemberControls {
	public constructor(private readonly core: EmulatorCore) {}

	/** A user joins a guild (GUILD_MEMBER_ADD). Returns the member (`id` is the user id). */
	public join(guildId: string, options: AddMemberOptions): MemberView {
		return this.core.world.guild(guildId).addMember(options);
	}

	/** A member leaves (VOICE_STATE_UPDATE if in voice, then GUILD_MEMBER_REMOVE). */
	public leave(guildId: string, userId: string): void {
		this.core.world.guild(guildId).removeMember(userId);
	}

	/** Someone else (a moderator, another bot) changes a member: GUILD_MEMBER_UPDATE. */
	public update(guildId: string, userId: string, changes: MemberChanges): MemberView {
		return this.core.world.guild(guildId).updateMember(userId, changes);
	}
}

export interface UserMessageOptions {
	guildId?: string;
	channelId: string;
	userId: string;
	content: string;
	embeds?: APIEmbed[];
	/** Message id this one replies to. */
	replyTo?: string;
	/**
	 * When the message was posted (ms since the epoch or a Date, at or before now on the emulator clock), to build a
	 * history, e.g. messages older than the 14 days bulk delete accepts. Its id (a snowflake of that moment) and
	 * `timestamp` say so and it takes its place in the channel by id. MESSAGE_CREATE is sent now (the bot would have
	 * seen it then). Default: now.
	 */
	at?: number | Date;
}

export class MessageControls {
	public constructor(private readonly core: EmulatorCore) {}

	/**
	 * A user sends a message in a guild channel (MESSAGE_CREATE with `member`; content empty for a bot without the
	 * MESSAGE_CONTENT intent unless it is mentioned). Throws when the user cannot post there.
	 */
	public send(options: UserMessageOptions): APIMessage {
		const { world } = this.core;
		const channel = world.channels.get(options.channelId);
		if (!channel) throw new Error(`emulator: no channel ${options.channelId}`);
		if (channel.guildId) {
			const guild = world.guild(options.guildId ?? channel.guildId);
			if (guild.id !== channel.guildId) throw new Error(`emulator: channel ${channel.name} is not in ${guild.name}`);
			guild.requireMember(options.userId);
		} else if (!channel.recipients?.includes(options.userId)) {
			throw new Error(`emulator: ${options.userId} is not in DM channel ${channel.id}`);
		}
		const at = options.at instanceof Date ? options.at.getTime() : options.at;
		if (at !== undefined && at > this.core.clock.now()) throw new Error('emulator: a message cannot be posted in the future');
		return createMessage(world, channel, {
			authorId: options.userId,
			content: options.content,
			embeds: options.embeds,
			messageReference: options.replyTo ? { message_id: options.replyTo } : undefined,
			at
		});
	}

	/** A user writes to the bot in DMs (MESSAGE_CREATE on shard 0, DIRECT_MESSAGES intent). */
	public sendDm(options: { userId: string; content: string }): APIMessage {
		const { world } = this.core;
		if (!world.users.has(options.userId)) throw new Error(`emulator: no user ${options.userId}`);
		const channel = world.dmChannel(options.userId);
		return createMessage(world, channel, { authorId: options.userId, content: options.content });
	}

	/** Messages of a channel (guild or DM), oldest first. */
	public in(channelId: string): APIMessage[] {
		const channel = this.core.world.channels.get(channelId);
		if (!channel) throw new Error(`emulator: no channel ${channelId}`);
		return [...channel.messages.values()];
	}

	/** Messages the bot sent to a user in DMs, oldest first. */
	public dmsTo(userId: string): APIMessage[] {
		return this.in(this.core.world.dmChannel(userId).id).filter((message) => message.author.id === this.core.bot.id);
	}
}

/**
 * Moderation "by hand": a member acts in Discord's own client (the member list's Ban / Kick / Timeout menu). Each
 * control checks what the client would check (the actor holds the permission, the target is not the actor nor the
 * owner, and a target member's highest role is below the actor's unless the actor is the owner; see
 * world/moderation.ts) and throws an Error otherwise; then makes the same change and sends the same gateway events as
 * the REST route, and adds the audit log entry with the member as `user_id` (GUILD_AUDIT_LOG_ENTRY_CREATE to a bot
 * with VIEW_AUDIT_LOG). Each returns that entry. A reason longer than 512 characters throws (the client does not
 * accept one).
 */
export class ModerationControls {
	public constructor(private readonly core: EmulatorCore) {}

	/**
	 * Bans a user (a member, or a user who left): BAN_MEMBERS. GUILD_BAN_ADD, GUILD_MEMBER_REMOVE if a member,
	 * MESSAGE_DELETE_BULK per channel for their messages of the last `deleteMessageSeconds` (0–604800), then
	 * MEMBER_BAN_ADD.
	 */
	public ban(guildId: string, options: ModerationActionOptions & { deleteMessageSeconds?: number }): APIAuditLogEntry {
		const guild = this.#prepare(guildId, options, PermissionFlagsBits.BanMembers);
		if (guild.state.bans.has(options.targetId)) throw new Error(`emulator: ${options.targetId} is already banned`);
		const seconds = options.deleteMessageSeconds ?? 0;
		if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_BAN_DELETE_SECONDS) {
			throw new RangeError(`emulator: deleteMessageSeconds must be an integer from 0 to ${MAX_BAN_DELETE_SECONDS}`);
		}
		return banUser(guild, { ...options, deleteMessageSeconds: seconds });
	}

	/** Lifts a ban (Server Settings > Bans > Revoke Ban): BAN_MEMBERS. GUILD_BAN_REMOVE, then MEMBER_BAN_REMOVE. */
	public unban(guildId: string, options: ModerationActionOptions): APIAuditLogEntry {
		const guild = this.#prepare(guildId, options, PermissionFlagsBits.BanMembers);
		if (!guild.state.bans.has(options.targetId)) throw new Error(`emulator: ${options.targetId} is not banned`);
		return unbanUser(guild, options);
	}

	/** Kicks a member: KICK_MEMBERS. GUILD_MEMBER_REMOVE (after VOICE_STATE_UPDATE if in voice), then MEMBER_KICK. */
	public kick(guildId: string, options: ModerationActionOptions): APIAuditLogEntry {
		const guild = this.#prepare(guildId, options, PermissionFlagsBits.KickMembers);
		guild.requireMember(options.targetId);
		return kickMember(guild, options);
	}

	/**
	 * Times a member out until `until` (a Date, ms since the epoch or an ISO timestamp; in the future, at most 28 days
	 * ahead): MODERATE_MEMBERS, never on an administrator. GUILD_MEMBER_UPDATE, then MEMBER_UPDATE with the
	 * `communication_disabled_until` change.
	 */
	public timeout(guildId: string, options: ModerationActionOptions & { until: Date | number | string }): APIAuditLogEntry {
		const guild = this.#prepare(guildId, options, PermissionFlagsBits.ModerateMembers);
		guild.requireMember(options.targetId);
		if (isAdministrator(guild, options.targetId)) throw new Error(`emulator: administrators cannot be timed out`);
		const until = normalizeTimeout(options.until)!;
		const ahead = Date.parse(until) - this.core.clock.now();
		if (Number.isNaN(ahead) || ahead <= 0 || ahead > MAX_TIMEOUT_MS) {
			throw new RangeError('emulator: a timeout ends in the future, at most 28 days ahead');
		}
		return timeoutMember(guild, { ...options, until })!;
	}

	/** Removes a member's timeout ("Remove Timeout"): MODERATE_MEMBERS. GUILD_MEMBER_UPDATE, then MEMBER_UPDATE. */
	public untimeout(guildId: string, options: ModerationActionOptions): APIAuditLogEntry {
		const guild = this.#prepare(guildId, options, PermissionFlagsBits.ModerateMembers);
		const member = guild.requireMember(options.targetId);
		const until = member.communicationDisabledUntil;
		if (!until || Date.parse(until) <= this.core.clock.now()) throw new Error(`emulator: ${options.targetId} is not timed out`);
		return timeoutMember(guild, { ...options, until: null })!;
	}

	/**
	 * Adds any audit log entry (an action the emulator does not perform itself, such as an automod timeout or a
	 * prune), sending GUILD_AUDIT_LOG_ENTRY_CREATE like the others. No check, no state change.
	 */
	public recordEntry(guildId: string, entry: AuditLogEntryInput): APIAuditLogEntry {
		return this.core.world.guild(guildId).recordAuditLogEntry(entry);
	}

	#prepare(guildId: string, options: ModerationActionOptions, permission: bigint): GuildHandle {
		const guild = this.core.world.guild(guildId);
		if (options.reason && [...options.reason].length > MAX_AUDIT_LOG_REASON_LENGTH) {
			throw new RangeError(`emulator: a reason holds at most ${MAX_AUDIT_LOG_REASON_LENGTH} characters`);
		}
		checkModerator(guild, options.actorId, permission, options.targetId);
		return guild;
	}
}

/**
 * Who accepts DMs from the bot, and what the bot sent. Sending a DM answers 403 50007 when the user closed their DMs
 * ({@link close}), shares no guild with the bot any more (after a kick or ban), or is a bot.
 */
export class DmControls {
	public constructor(private readonly core: EmulatorCore) {}

	/** The user stops accepting DMs from the bot (privacy settings, or they block it): sends answer 50007. */
	public close(userId: string): void {
		this.#user(userId).dmsOpen = false;
	}

	/** The user accepts DMs from the bot again (they still need a guild in common with it). */
	public open(userId: string): void {
		this.#user(userId).dmsOpen = true;
	}

	/** Why a DM from the bot would be refused now ('closed', 'no-mutual-guild', 'bot'), or null when it would arrive. */
	public refusal(userId: string): 'bot' | 'closed' | 'no-mutual-guild' | null {
		this.#user(userId);
		return this.core.world.dmRefusal(userId) as 'bot' | 'closed' | 'no-mutual-guild' | null;
	}

	/**
	 * DMs the bot sent successfully (to `userId`, or to anyone), in the order they were sent. Each carries the
	 * recorder's `seq`, to compare with other calls: `dms.sent(id)[0].seq < recorder.calls('PUT /guilds/:id/bans/:id')[0].seq`
	 * means the DM went out before the ban.
	 */
	public sent(userId?: string): DmRecord[] {
		const { world, recorder } = this.core;
		const records: DmRecord[] = [];
		for (const record of recorder.calls('POST /channels/{channel_id}/messages')) {
			if (record.status !== 200) continue;
			const channel = world.channels.get(record.params.channel_id!);
			const recipient = channel?.recipients?.[0];
			if (!channel || channel.guildId || !recipient || (userId !== undefined && recipient !== userId)) continue;
			const message = record.response as APIMessage;
			records.push({ userId: recipient, channelId: channel.id, message, content: message.content, embeds: message.embeds, seq: record.seq, at: record.at });
		}
		return records;
	}

	#user(userId: string) {
		const user = this.core.world.users.get(userId);
		if (!user) throw new Error(`emulator: no user ${userId}`);
		return user;
	}
}
