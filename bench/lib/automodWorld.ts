/**
 * The automod benchmark's world on the Discord emulator: guilds with four text channels each (`general`, `chat`,
 * `off-topic`, `help`), members spread evenly over them, and in each guild one moderator per 200 members (a `Mods`
 * role with Manage Messages, which the automod exempts by default). @everyone may not mention everyone (Discord's
 * default allows it; servers with an automod turn it off, and the `everyone` filter only applies to members without
 * it). Built before the bot starts, so its GUILD_CREATEs carry it; discord.js learns the members from their messages
 * (no presences intent: a GUILD_CREATE lists only the bot and members in voice).
 */
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { DiscordEmulator } from '@hearth/discord-emulator';

const P = PermissionFlagsBits;

/** @everyone's permissions in the benchmark's guilds: Discord's defaults for chat, without Mention Everyone. */
export const EVERYONE_PERMISSIONS = P.ViewChannel | P.SendMessages | P.ReadMessageHistory | P.EmbedLinks | P.AttachFiles | P.AddReactions | P.UseExternalEmojis | P.Connect | P.Speak;

/** One member who sends messages. */
export interface Sender {
	userId: string;
	/** Index of their guild in {@link AutomodWorld.guilds}. */
	guild: number;
	/** A moderator (exempt from the automod through Manage Messages). */
	moderator: boolean;
}

/** One guild of the world. */
export interface BenchGuild {
	id: string;
	/** Text channel ids: general, chat, off-topic, help. */
	channelIds: string[];
	/** Its members' user ids (moderators included, newcomers not: nobody mentions them before they speak). */
	memberIds: string[];
}

/** What {@link buildAutomodWorld} built. */
export interface AutomodWorld {
	guilds: BenchGuild[];
	/** Every member who sends, guild by guild. */
	senders: Sender[];
	/** Members who say nothing until the newcomers' probe (not moderators, not in {@link senders}). */
	newcomers: Sender[];
	moderators: number;
	/** Every channel the benchmark writes in. */
	channelIds: string[];
}

/** Channels of a guild and how much of its chat each gets. */
export const CHANNELS: readonly { name: string; weight: number }[] = [
	{ name: 'general', weight: 0.4 },
	{ name: 'chat', weight: 0.3 },
	{ name: 'off-topic', weight: 0.2 },
	{ name: 'help', weight: 0.1 }
];

/** Members per moderator. */
const MEMBERS_PER_MODERATOR = 200;

/**
 * Builds the guilds, channels, roles and members in the emulator's world (before the bot connects).
 * @param guilds how many guilds; @param members how many members in all (each guild gets an even share);
 * @param newcomers how many more members who stay silent until the newcomers' probe (spread the same way).
 */
export function buildAutomodWorld(emu: DiscordEmulator, { guilds, members, newcomers = 0 }: { guilds: number; members: number; newcomers?: number }): AutomodWorld {
	const world: AutomodWorld = { guilds: [], senders: [], newcomers: [], moderators: 0, channelIds: [] };
	for (let index = 0; index < guilds; index++) {
		const handle = emu.world.createGuild({ name: `Automod bench ${index + 1}`, everyonePermissions: EVERYONE_PERMISSIONS });
		const general = handle.channels.find((channel) => channel.name === 'general' && channel.type === ChannelType.GuildText)!;
		const channelIds = [general.id, ...CHANNELS.slice(1).map(({ name }) => handle.createChannel({ name, type: ChannelType.GuildText }).id)];
		const mods = handle.createRole({ name: 'Mods', permissions: P.ManageMessages | P.ModerateMembers | P.MentionEveryone }).id;
		const count = Math.floor(members / guilds) + (index < members % guilds ? 1 : 0);
		const moderators = Math.max(1, Math.round(count / MEMBERS_PER_MODERATOR));
		const guild: BenchGuild = { id: handle.id, channelIds, memberIds: [] };
		for (let member = 0; member < count; member++) {
			const moderator = member < moderators;
			const { id } = handle.addMember({ username: `g${index + 1}${moderator ? 'mod' : 'member'}${member + 1}`, roles: moderator ? [mods] : [] });
			guild.memberIds.push(id);
			world.senders.push({ userId: id, guild: index, moderator });
			if (moderator) world.moderators++;
		}
		const silent = Math.floor(newcomers / guilds) + (index < newcomers % guilds ? 1 : 0);
		for (let member = 0; member < silent; member++) {
			const { id } = handle.addMember({ username: `g${index + 1}new${member + 1}` });
			world.newcomers.push({ userId: id, guild: index, moderator: false });
		}
		world.guilds.push(guild);
		world.channelIds.push(...channelIds);
	}
	return world;
}
