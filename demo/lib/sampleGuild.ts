/**
 * The demo's sample guild in the emulator's world: an admin with Manage Server, five members, two voice channels and
 * an AFK channel, a #level-ups channel, and two tier roles placed below the bot's role (so the bot may manage them:
 * Discord lets a bot give only roles strictly below its own highest role).
 */
import { ChannelType, PermissionFlagsBits, type APIChannel, type APIRole } from 'discord-api-types/v10';
import type { DiscordEmulator, GuildHandle } from '@hearth/discord-emulator';

/** The members of the sample guild, by username. */
export const MEMBER_NAMES = ['ada', 'ben', 'cleo', 'dmitri', 'eve'] as const;

/** A username of {@link MEMBER_NAMES}. */
export type MemberName = (typeof MEMBER_NAMES)[number];

/** The sample guild and the ids the scenario uses. */
export interface SampleGuild {
	guild: GuildHandle;
	/** User id of `morgan`, who has Manage Server (runs the admin commands). */
	adminId: string;
	/** User ids of the members, by username. */
	members: Record<MemberName, string>;
	channels: {
		/** #general: where members run commands. */
		general: APIChannel;
		/** #level-ups: where the bot announces level-ups once configured to. */
		levelUps: APIChannel;
		/** 🔊 Lounge and 🔊 Gaming: voice channels that earn XP. */
		lounge: APIChannel;
		gaming: APIChannel;
		/** 🔊 AFK: the guild's AFK channel (guild setting), which earns nothing. */
		afk: APIChannel;
	};
	roles: {
		/** Tier role for 10 minutes in voice. */
		regular: APIRole;
		/** Tier role for 30 minutes in voice. */
		veteran: APIRole;
	};
}

/**
 * Creates the sample guild "Voice Lounge" (before the bot starts, so it arrives in the bot's GUILD_CREATE).
 * The bot's role keeps the emulator's default permissions (a moderation bot's invite set, which includes Manage
 * Roles); the tier roles are created just below it.
 */
export function createSampleGuild(emulator: DiscordEmulator): SampleGuild {
	const guild = emulator.world.createGuild({ name: 'Voice Lounge', defaultChannels: false });
	const general = guild.createChannel({ name: 'general', type: ChannelType.GuildText });
	const levelUps = guild.createChannel({ name: 'level-ups', type: ChannelType.GuildText });
	const category = guild.createChannel({ name: 'Voice channels', type: ChannelType.GuildCategory });
	const lounge = guild.createChannel({ name: 'Lounge', type: ChannelType.GuildVoice, parentId: category.id });
	const gaming = guild.createChannel({ name: 'Gaming', type: ChannelType.GuildVoice, parentId: category.id });
	const afk = guild.createChannel({ name: 'AFK', type: ChannelType.GuildVoice });
	guild.setAfkChannel(afk.id, 300);
	// Each new role goes just below the bot's role, so Veteran ends above Regular, both below the bot.
	const regular = guild.createRole({ name: 'Regular', color: 0x3498db, hoist: true });
	const veteran = guild.createRole({ name: 'Veteran', color: 0xe67e22, hoist: true });
	const adminId = guild.addMember({ username: 'morgan', permissions: PermissionFlagsBits.ManageGuild }).id;
	const members = Object.fromEntries(MEMBER_NAMES.map((name) => [name, guild.addMember({ username: name }).id])) as Record<MemberName, string>;
	return { guild, adminId, members, channels: { general, levelUps, lounge, gaming, afk }, roles: { regular, veteran } };
}
