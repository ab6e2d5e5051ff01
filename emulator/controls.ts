/**
 * Test controls for what users do: voice (join, move, mute, deafen, stream, leave), guild membership (join,
 * leave, role or nick changes made by someone else) and messages (in a channel or a DM). Each changes the world and
 * sends the gateway event Discord would, to the shard that owns the guild, if the bot's intents ask for it.
 */
import type { APIEmbed, APIMessage } from 'discord-api-types/v10';
import type { EmulatorCore } from './core.js';
import type { AddMemberOptions, VoiceFlags, VoiceUpdate } from './types.js';
import type { MemberChanges, MemberView } from './world/members.js';
import { createMessage } from './world/messages.js';

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
		return createMessage(world, channel, {
			authorId: options.userId,
			content: options.content,
			embeds: options.embeds,
			messageReference: options.replyTo ? { message_id: options.replyTo } : undefined
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
