/**
 * The world of `npm run bench:memory` on the Discord emulator (@hearth/discord-emulator): many guilds of skewed sizes
 * with their members, a share of them in voice at the start, and the voice activity played while the measured process
 * runs (members joining, leaving, moving between channels, muting). Seeded: the same options build the same world
 * (ids aside) and play the same activity, so each measured process meets the same thing.
 *
 * Each guild has the emulator's `#general` and `General` voice channel, a `Voice` category with 1–6 more voice
 * channels (by size), an AFK channel, and the roles `Member`, `Regular` and `Moderator`; about half the members hold
 * `Member`, one in ten `Regular`. Guilds alternate between the shards, so each shard holds the same number.
 */
import { ChannelType } from 'discord-api-types/v10';
import type { DiscordEmulator } from '@hearth/discord-emulator';
import { Rng } from './rng.js';

/** Smallest guild, in members (the bot not counted). */
export const MIN_MEMBERS_PER_GUILD = 5;

/** What {@link buildMemoryWorld} builds. */
export interface MemoryWorldOptions {
	guilds: number;
	/** Members across all guilds (≥ guilds × {@link MIN_MEMBERS_PER_GUILD}). */
	members: number;
	shards: number;
	/** Share of each guild's members in voice at the start, in percent. */
	inVoicePercent: number;
	seed?: number;
}

/** One guild of the world, as the activity needs it. */
export interface WorldGuild {
	id: string;
	textChannelId: string;
	/** Voice channels members use (not the AFK channel). */
	voiceChannelIds: string[];
	memberIds: string[];
}

/** One member in voice: where, and whether self-muted. */
interface InVoice {
	guild: WorldGuild;
	userId: string;
	channelId: string;
	muted: boolean;
}

/** The built world and its voice activity. */
export class MemoryWorld {
	readonly #emu: DiscordEmulator;
	readonly #rng: Rng;
	/** Chat has its own sequence, so that how voice and chat events interleave never changes either. */
	readonly #chatRng: Rng;
	readonly #inVoice: InVoice[] = [];
	readonly #inVoiceIndex = new Map<string, number>();
	/** Every member as [guild index, member index], to pick one uniformly. */
	readonly #everyone: [number, number][] = [];
	public readonly guilds: WorldGuild[] = [];
	/** Members in voice wanted: the count at the start, which the activity keeps about steady. */
	public readonly targetInVoice: number;
	public readonly channels: number;
	public readonly roles: number;
	public readonly smallestGuild: number;
	public readonly largestGuild: number;
	/** What the activity played so far, by kind. */
	public readonly played = { joins: 0, leaves: 0, moves: 0, mutes: 0, messages: 0 };
	/** Distinct members who were in voice at some point (at the start or by the activity). */
	readonly #everInVoice = new Set<string>();

	/**
	 * Creates the guilds, channels, roles, members and voice states (before any bot connects: the emulator sends it all
	 * in GUILD_CREATE).
	 * @throws RangeError when `members` is below `guilds` × {@link MIN_MEMBERS_PER_GUILD}
	 */
	public constructor(emu: DiscordEmulator, options: MemoryWorldOptions) {
		this.#emu = emu;
		this.#rng = new Rng(options.seed ?? 20_261_201);
		this.#chatRng = new Rng((options.seed ?? 20_261_201) + 1);
		const sizes = guildSizes(options.guilds, options.members, this.#rng);
		let channels = 0;
		let roles = 0;
		sizes.forEach((size, index) => {
			const guild = emu.world.createGuild({ name: `Memory guild ${index + 1}`, shard: [index % options.shards, options.shards] });
			const member = guild.createRole({ name: 'Member' }).id;
			const regular = guild.createRole({ name: 'Regular' }).id;
			guild.createRole({ name: 'Moderator' });
			const category = guild.createChannel({ name: 'Voice', type: ChannelType.GuildCategory }).id;
			const voiceChannelIds = [guild.channels.find((channel) => channel.type === ChannelType.GuildVoice)!.id];
			const extra = Math.max(1, Math.min(6, Math.floor(size / 40)));
			for (let c = 1; c <= extra; c++) voiceChannelIds.push(guild.createChannel({ name: `Voice ${c}`, type: ChannelType.GuildVoice, parentId: category }).id);
			guild.setAfkChannel(guild.createChannel({ name: 'AFK', type: ChannelType.GuildVoice }).id);
			const world: WorldGuild = {
				id: guild.id,
				textChannelId: guild.channels.find((channel) => channel.name === 'general')!.id,
				voiceChannelIds,
				memberIds: []
			};
			for (let m = 0; m < size; m++) {
				const memberRoles = [...(this.#rng.chance(0.5) ? [member] : []), ...(this.#rng.chance(0.1) ? [regular] : [])];
				world.memberIds.push(guild.addMember({ username: `g${index + 1}m${m + 1}`, roles: memberRoles }).id);
				this.#everyone.push([index, m]);
			}
			this.guilds.push(world);
			channels += guild.channels.length;
			roles += 4; // @everyone and the three above (the bot's own role is counted by the emulator apart)
			const inVoice = Math.round((size * options.inVoicePercent) / 100);
			for (const userId of this.#rng.shuffle([...world.memberIds]).slice(0, inVoice)) this.#join(world, userId);
		});
		this.targetInVoice = this.#inVoice.length;
		this.played.joins = 0; // the activity's own count, not the members placed in voice at the start
		this.channels = channels;
		this.roles = roles;
		this.smallestGuild = Math.min(...sizes);
		this.largestGuild = Math.max(...sizes);
	}

	/** Members in voice now. */
	public get inVoice(): number {
		return this.#inVoice.length;
	}

	/** Distinct members who have been in voice (at the start or since). */
	public get everInVoice(): number {
		return this.#everInVoice.size;
	}

	/**
	 * Plays `count` voice events: a member joins a voice channel (50% of events while fewer members than at the start
	 * are in voice, else 30%), one leaves (the rest up to 80%), one moves to another channel of their guild (13%), or
	 * one mutes or unmutes (7%); so the count of members in voice stays about that of the start while members come and
	 * go. Each event is one VOICE_STATE_UPDATE to the guild's shard.
	 */
	public playVoice(count: number): void {
		for (let n = 0; n < count; n++) {
			const roll = this.#rng.next();
			const joinShare = this.#inVoice.length < this.targetInVoice ? 0.5 : 0.3;
			if (roll < joinShare || this.#inVoice.length === 0) {
				const [guildIndex, memberIndex] = this.#rng.pick(this.#everyone);
				const guild = this.guilds[guildIndex]!;
				const userId = guild.memberIds[memberIndex]!;
				if (this.#inVoiceIndex.has(userId)) this.#move(this.#inVoice[this.#inVoiceIndex.get(userId)!]!);
				else this.#join(guild, userId);
			} else if (roll < 0.8) {
				this.#leave(this.#rng.pick(this.#inVoice));
			} else if (roll < 0.93) {
				this.#move(this.#rng.pick(this.#inVoice));
			} else {
				const entry = this.#rng.pick(this.#inVoice);
				entry.muted = !entry.muted;
				this.#emu.voice.update(entry.guild.id, entry.userId, { selfMute: entry.muted });
				this.played.mutes++;
			}
		}
	}

	/** Sends `count` chat messages by random members in their guild's #general (MESSAGE_CREATE). */
	public playChat(count: number): void {
		for (let n = 0; n < count; n++) {
			const [guildIndex, memberIndex] = this.#chatRng.pick(this.#everyone);
			const guild = this.guilds[guildIndex]!;
			this.#emu.messages.send({ channelId: guild.textChannelId, userId: guild.memberIds[memberIndex]!, content: `message ${this.played.messages + 1} of the memory benchmark` });
			this.played.messages++;
		}
	}

	#join(guild: WorldGuild, userId: string): void {
		const channelId = this.#rng.pick(guild.voiceChannelIds);
		const muted = this.#rng.chance(0.1);
		this.#emu.voice.join(guild.id, userId, channelId, { selfMute: muted });
		this.#inVoiceIndex.set(userId, this.#inVoice.length);
		this.#inVoice.push({ guild, userId, channelId, muted });
		this.#everInVoice.add(userId);
		this.played.joins++;
	}

	#leave(entry: InVoice): void {
		this.#emu.voice.leave(entry.guild.id, entry.userId);
		const index = this.#inVoiceIndex.get(entry.userId)!;
		const last = this.#inVoice.pop()!;
		if (last !== entry) {
			this.#inVoice[index] = last;
			this.#inVoiceIndex.set(last.userId, index);
		}
		this.#inVoiceIndex.delete(entry.userId);
		this.played.leaves++;
	}

	#move(entry: InVoice): void {
		const others = entry.guild.voiceChannelIds.filter((id) => id !== entry.channelId);
		entry.channelId = this.#rng.pick(others);
		this.#emu.voice.update(entry.guild.id, entry.userId, { channelId: entry.channelId });
		this.played.moves++;
	}
}

/** Guild sizes: many small guilds and a few large ones (skewed), at least {@link MIN_MEMBERS_PER_GUILD}, summing to `total`. */
export function guildSizes(guilds: number, total: number, rng: Rng): number[] {
	if (total < guilds * MIN_MEMBERS_PER_GUILD) throw new RangeError(`${total} members cannot fill ${guilds} guilds of at least ${MIN_MEMBERS_PER_GUILD}`);
	const spare = total - guilds * MIN_MEMBERS_PER_GUILD;
	const weights = Array.from({ length: guilds }, () => 0.15 + rng.next() ** 3 * 4);
	const sum = weights.reduce((a, b) => a + b, 0);
	const sizes = weights.map((weight) => MIN_MEMBERS_PER_GUILD + Math.floor((spare * weight) / sum));
	let remainder = total - sizes.reduce((a, b) => a + b, 0);
	for (let index = 0; remainder > 0; index = (index + 1) % guilds, remainder--) sizes[index]!++;
	return sizes;
}
