/**
 * Helpers of the voice XP end-to-end tests: the real bot (startTestBot, ManualClock) on the Discord emulator.
 */
import { MikroORM } from '@mikro-orm/postgresql';
import { ChannelType, type APIEmbed } from 'discord-api-types/v10';
import { expect, vi } from 'vitest';
import type { ManualClock } from '../../../src/lib/clock.js';
import { getMemberStats, type MemberStats } from '../../../src/plugins/voice-xp/lib/stats.js';
import { container } from '@sapphire/framework';
import type { DiscordEmulator, GuildHandle } from '@hearth/discord-emulator';
import type { TestBot } from '../../helpers/testBot.js';

/** The running bot's voice XP sessions (its plugin service's). */
const voiceXp = () => container.pluginHost.service('voice-xp').sessions;

/** A minute-aligned start time: flushes fall on whole minutes (the schedule is a grid on the clock). */
export const START = Date.UTC(2026, 0, 5, 12, 0, 0);
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;

/** Voice channel ids of a guild built by {@link buildVoiceGuild}. */
export interface VoiceGuild {
	guild: GuildHandle;
	generalId: string;
	loungeId: string;
	soloId: string;
	afkId: string;
}

/** A guild with #general, voice channels Lounge and Solo, and an AFK voice channel set as the guild's AFK channel. */
export function buildVoiceGuild(
	emu: DiscordEmulator,
	name: string,
	options: { preferredLocale?: 'en-US' | 'pl' | 'fr'; botPermissions?: bigint } = {}
): VoiceGuild {
	const guild = emu.world.createGuild({
		name,
		...(options.preferredLocale ? { preferredLocale: options.preferredLocale } : {}),
		...(options.botPermissions !== undefined ? { botPermissions: options.botPermissions } : {})
	});
	const generalId = guild.channels.find((channel) => channel.name === 'general')!.id;
	const loungeId = guild.createChannel({ name: 'Lounge', type: ChannelType.GuildVoice }).id;
	const soloId = guild.createChannel({ name: 'Solo', type: ChannelType.GuildVoice }).id;
	const afkId = guild.createChannel({ name: 'AFK', type: ChannelType.GuildVoice }).id;
	guild.setAfkChannel(afkId);
	return { guild, generalId, loungeId, soloId, afkId };
}

/** Invokes a slash command as a member and returns the message they see. */
export async function command(
	emu: DiscordEmulator,
	where: VoiceGuild,
	userId: string,
	name: string,
	options: { subcommand?: string; subcommandGroup?: string; options?: Record<string, string | number | boolean>; permissionOverride?: boolean } = {}
) {
	return emu.interactions.command({ guildId: where.guild.id, channelId: where.generalId, userId, name, ...options }).waitForReply();
}

/** The value of an embed's field by name. */
export function field(embed: APIEmbed | undefined, name: string): string | undefined {
	return embed?.fields?.find((candidate) => candidate.name === name)?.value;
}

/** Waits until the bot's tracker sees the member in voice in `channelId` (null: not in voice), earning or not. */
export async function waitTracked(guildId: string, userId: string, channelId: string | null, eligible?: boolean | string): Promise<void> {
	await vi.waitFor(
		() => {
			const explanation = voiceXp().explain(guildId, userId);
			if (channelId === null) return expect(explanation.inVoice).toBe(false);
			expect(explanation).toMatchObject({ inVoice: true, channelId });
			if (eligible === true || eligible === false) expect(explanation.inVoice && explanation.eligibility.eligible).toBe(eligible);
			if (typeof eligible === 'string') expect(explanation.inVoice && explanation.eligibility.reason).toBe(eligible);
		},
		{ timeout: 5_000, interval: 20 }
	);
}

/**
 * Moves the bot's clock by `ms` and waits until the flush that this crosses has written (and its roles and
 * announcements are done). The clock must cross a flush boundary (a whole minute for the default 60 s interval).
 */
export async function advanceAndFlush(clock: ManualClock, ms: number): Promise<void> {
	const service = voiceXp();
	const before = service.flushCount;
	clock.advance(ms);
	await vi.waitFor(() => expect(service.flushCount).toBeGreaterThan(before), { timeout: 5_000, interval: 20 });
	await service.settled();
}

/** A member's stored stats, read from the bot's own database. */
export async function storedStats(bot: TestBot, guildId: string, userId: string): Promise<MemberStats | null> {
	return getMemberStats(bot.handle.container.orm.em.fork(), guildId, userId);
}

/** Reads a member's stored stats from a database with a short-lived ORM (when no bot is running on it). */
export async function storedStatsOffline(databaseUrl: string, guildId: string, userId: string): Promise<MemberStats | null> {
	const orm = await MikroORM.init({ clientUrl: databaseUrl, entities: [], discovery: { warnWhenNoEntities: false }, pool: { min: 0, max: 1 } });
	try {
		return await getMemberStats(orm.em.fork(), guildId, userId);
	} finally {
		await orm.close(true);
	}
}
