/**
 * The benchmark's population: a deterministic, realistic spread of members in voice over many guilds, built on the
 * Discord emulator's world (@hearth/discord-emulator, in emulator/), and the same voice states in the shape the voice XP session tracker
 * takes (src/plugins/voice-xp/lib/sessionTracker.ts), so the benchmark process can replay exactly what the bot sees.
 *
 * Each guild has a `Voice` category holding its chat channels (`General` and `Voice 2…k`), a `Quiet corner`, a
 * `Music` channel and an `AFK` channel set as the guild's AFK channel. Humans in voice are placed as:
 * - 1 or 2 in the AFK channel (not eligible: `afk`);
 * - 1 alone in `Quiet corner` (not eligible: `alone`);
 * - 1 with a music bot in `Music` (not eligible: `bots`, as many bots as humans);
 * - everyone else spread over the chat channels (at least 4 per channel), where about 8% are self-muted, 3%
 *   self-deafened (and so self-muted, as Discord does), 1% server-muted (not eligible: `muted` / `deafened`), and
 *   about 5% stream or have their camera on (eligible like the others).
 * Guild sizes vary (a skewed spread, at least {@link MIN_HUMANS_PER_GUILD}) and add up exactly to the requested total.
 *
 * For the flush measurement each ineligible human also has a `churn` state: the state they pass through for a moment
 * during a flush interval (unmuted, or moved to `General`), so that within one interval every human earns something
 * and one flush writes one delta per human in voice.
 */
import { ChannelType } from 'discord-api-types/v10';
import type { DiscordEmulator } from '@hearth/discord-emulator';
import type { TrackedVoiceState } from '../../src/plugins/voice-xp/lib/sessionTracker.js';
import { Rng } from './rng.js';

/** Smallest number of humans in voice in one guild (AFK, alone, with a bot, and two chat channels need this many). */
export const MIN_HUMANS_PER_GUILD = 12;

/** Why a human placed by {@link buildPopulation} earns nothing at the start (null: they earn). */
export type PlannedReason = 'afk' | 'alone' | 'bots' | 'muted' | 'deafened' | null;

/** One member in voice, as the tracker takes it, with what the benchmark planned for them. */
export interface PlannedMember {
	/** The member's voice state in the world (and in the bot's GUILD_CREATE). */
	state: TrackedVoiceState & { channelId: string };
	/** The reason they are not eligible in `state`, as planned (null for eligible humans and for bots). */
	plannedReason: PlannedReason;
	/** For an ineligible human: an eligible state they pass through during a flush interval; else null. */
	churn: (TrackedVoiceState & { channelId: string }) | null;
}

/** One guild of the population. */
export interface PlannedGuild {
	id: string;
	afkChannelId: string;
	/** Parent category of every voice channel of the guild (null when none). */
	channelParents: Map<string, string | null>;
	/** Number of voice channels (chat channels, Quiet corner, Music, AFK). */
	voiceChannels: number;
	members: PlannedMember[];
}

/** What {@link buildPopulation} built. */
export interface Population {
	guilds: PlannedGuild[];
	/** Humans in voice (each gets a delta in a flush). */
	humans: number;
	/** Bots in voice (never earn). */
	bots: number;
	voiceChannels: number;
	/** Humans per planned reason; `eligible` for those who earn at the start. */
	byReason: Record<Exclude<PlannedReason, null> | 'eligible', number>;
	smallestGuild: number;
	largestGuild: number;
}

/** Options of {@link buildPopulation}. */
export interface PopulationOptions {
	guilds: number;
	/** Total humans in voice across all guilds (≥ guilds × {@link MIN_HUMANS_PER_GUILD}). */
	humans: number;
	/** Seed of the pseudo-random spread (same seed, same population). */
	seed?: number;
}

/** Guild sizes: a skewed spread (many small guilds, a few large ones) summing exactly to `total`. */
export function guildSizes(guilds: number, total: number, random: () => number): number[] {
	if (total < guilds * MIN_HUMANS_PER_GUILD) {
		throw new RangeError(`${total} humans cannot fill ${guilds} guilds of at least ${MIN_HUMANS_PER_GUILD}`);
	}
	const spare = total - guilds * MIN_HUMANS_PER_GUILD;
	const weights = Array.from({ length: guilds }, () => 0.15 + random() ** 3 * 4);
	const sum = weights.reduce((a, b) => a + b, 0);
	const sizes = weights.map((weight) => MIN_HUMANS_PER_GUILD + Math.floor((spare * weight) / sum));
	let remainder = total - sizes.reduce((a, b) => a + b, 0);
	for (let i = 0; remainder > 0; i = (i + 1) % guilds, remainder--) sizes[i]!++;
	return sizes;
}

type VoiceFlags = Partial<Omit<TrackedVoiceState, 'userId' | 'channelId'>>;

function voiceState(userId: string, channelId: string, flags: VoiceFlags = {}): TrackedVoiceState & { channelId: string } {
	return { userId, bot: false, selfMute: false, selfDeaf: false, mute: false, deaf: false, selfStream: false, selfVideo: false, ...flags, channelId };
}

/**
 * Creates the guilds, channels, members and voice states in the emulator's world (before the bot connects: the world
 * only dispatches to connected shards, so the bot learns all of it from GUILD_CREATE) and returns the plan.
 *
 * @throws RangeError when `humans` is below `guilds` × {@link MIN_HUMANS_PER_GUILD}
 */
export function buildPopulation(emu: DiscordEmulator, options: PopulationOptions): Population {
	const random = new Rng(options.seed ?? 20_261_121).float;
	const sizes = guildSizes(options.guilds, options.humans, random);
	const byReason: Population['byReason'] = { eligible: 0, afk: 0, alone: 0, bots: 0, muted: 0, deafened: 0 };
	const guilds: PlannedGuild[] = [];
	let bots = 0;
	let voiceChannels = 0;

	sizes.forEach((size, index) => {
		const guild = emu.world.createGuild({ name: `Bench guild ${index + 1}` });
		const category = guild.createChannel({ name: 'Voice', type: ChannelType.GuildCategory });
		const general = guild.channels.find((channel) => channel.type === ChannelType.GuildVoice)!;
		const channelParents = new Map<string, string | null>([[general.id, null]]);
		const voice = (name: string, parentId: string | null) => {
			const channel = guild.createChannel({ name, type: ChannelType.GuildVoice, ...(parentId ? { parentId } : {}) });
			channelParents.set(channel.id, parentId);
			return channel.id;
		};
		const afkCount = size >= 20 ? 2 : 1;
		const chatters = size - afkCount - 2;
		const chatChannels = [general.id];
		const chatChannelCount = Math.max(2, Math.min(12, Math.floor(chatters / 9)));
		for (let c = 2; c <= chatChannelCount; c++) chatChannels.push(voice(`Voice ${c}`, category.id));
		const quiet = voice('Quiet corner', category.id);
		const music = voice('Music', category.id);
		const afk = voice('AFK', null);
		guild.setAfkChannel(afk);
		voiceChannels += chatChannels.length + 3;

		const members: PlannedMember[] = [];
		const place = (channelId: string, plannedReason: PlannedReason, flags: VoiceFlags = {}, churnChannelId = channelId) => {
			const member = guild.addMember({ username: `m${index + 1}-${members.length + 1}` });
			const state = voiceState(member.id, channelId, flags);
			emu.voice.join(guild.id, member.id, channelId, flags);
			const churn = plannedReason === null ? null : voiceState(member.id, churnChannelId);
			members.push({ state, plannedReason, churn });
			byReason[plannedReason ?? 'eligible']++;
		};
		for (let a = 0; a < afkCount; a++) place(afk, 'afk', {}, general.id);
		place(quiet, 'alone', {}, general.id);
		place(music, 'bots', {}, general.id);
		const musicBot = guild.addMember({ username: `music-bot-${index + 1}`, bot: true });
		emu.voice.join(guild.id, musicBot.id, music);
		members.push({ state: voiceState(musicBot.id, music, { bot: true }), plannedReason: null, churn: null });
		bots++;
		for (let m = 0; m < chatters; m++) {
			const channelId = chatChannels[m % chatChannels.length]!;
			const roll = random();
			if (roll < 0.08) place(channelId, 'muted', { selfMute: true });
			else if (roll < 0.11) place(channelId, 'deafened', { selfMute: true, selfDeaf: true });
			else if (roll < 0.12) place(channelId, 'muted', { mute: true });
			else if (roll < 0.15) place(channelId, null, { selfStream: true });
			else if (roll < 0.17) place(channelId, null, { selfVideo: true });
			else place(channelId, null);
		}
		guilds.push({ id: guild.id, afkChannelId: afk, channelParents, voiceChannels: chatChannels.length + 3, members });
	});

	return {
		guilds,
		humans: options.humans,
		bots,
		voiceChannels,
		byReason,
		smallestGuild: Math.min(...sizes),
		largestGuild: Math.max(...sizes)
	};
}

/**
 * Plays one half of the churn on the emulator (VOICE_STATE_UPDATEs to the bot): `to: 'churn'` puts every ineligible
 * human in their eligible `churn` state, `to: 'start'` puts them back.
 *
 * @returns the number of voice state updates sent
 */
export function playChurnOnEmulator(emu: DiscordEmulator, population: Population, to: 'churn' | 'start'): number {
	let updates = 0;
	for (const guild of population.guilds) {
		for (const member of guild.members) {
			if (!member.churn) continue;
			const { userId, channelId, selfMute, selfDeaf, mute, deaf, selfStream, selfVideo } = to === 'churn' ? member.churn : member.state;
			emu.voice.update(guild.id, userId, { channelId, selfMute, selfDeaf, mute, deaf, selfStream, selfVideo });
			updates++;
		}
	}
	return updates;
}
