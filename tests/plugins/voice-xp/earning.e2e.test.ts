/**
 * Voice XP end to end (issue 4, "Done when"): the real bot on the Discord emulator with a ManualClock. Members earn XP
 * and tier roles while in voice together; a muted one, one alone and one in the AFK channel do not; /rank and
 * /leaderboard show the right figures; admin commands work and are refused to others; a tier above the bot's role is
 * reported and not attempted; a guild where the plugin is off earns nothing.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { voiceXpPlugin } from '../../../src/plugins/voice-xp/index.js';
import { DiscordEmulator, type MemberView } from '../../emulator/index.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { advanceAndFlush, buildVoiceGuild, command, field, MINUTE, START, storedStats, waitTracked, type VoiceGuild } from './e2eHelpers.js';

let emu: DiscordEmulator;
let bot: TestBot;
let clock: ManualClock;
let home: VoiceGuild;
let admin: MemberView;
let plain: MemberView;
const people: Record<string, MemberView> = {};

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	home = buildVoiceGuild(emu, 'Voice guild');
	admin = home.guild.addMember({ username: 'admin', permissions: PermissionFlagsBits.ManageGuild });
	plain = home.guild.addMember({ username: 'plain' });
	for (const name of ['alice', 'bob', 'carol', 'erin', 'frank', 'gina']) people[name] = home.guild.addMember({ username: name });
	clock = new ManualClock(START);
	bot = await startTestBot({ emulator: emu, plugins: [voiceXpPlugin], clock });
});

afterEach(() => {
	emu.assertNoFailures();
});

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('earning in voice', () => {
	it('members in voice together earn; a muted one, one alone and two in the AFK channel do not', async () => {
		const { guild, loungeId, soloId, afkId } = home;
		const { alice, bob, carol, erin, frank, gina } = people as Record<string, MemberView>;
		emu.voice.join(guild.id, alice!.id, loungeId);
		emu.voice.join(guild.id, bob!.id, loungeId);
		emu.voice.join(guild.id, carol!.id, loungeId, { selfMute: true });
		emu.voice.join(guild.id, erin!.id, soloId);
		emu.voice.join(guild.id, frank!.id, afkId);
		emu.voice.join(guild.id, gina!.id, afkId);
		await waitTracked(guild.id, alice!.id, loungeId, true);
		await waitTracked(guild.id, bob!.id, loungeId, true);
		await waitTracked(guild.id, carol!.id, loungeId, 'muted');
		await waitTracked(guild.id, erin!.id, soloId, 'alone');
		await waitTracked(guild.id, frank!.id, afkId, 'afk');
		await waitTracked(guild.id, gina!.id, afkId, 'afk');

		await advanceAndFlush(clock, MINUTE);
		expect(await storedStats(bot, guild.id, alice!.id)).toMatchObject({ totalXp: 6, voiceSeconds: 60, level: 0 });
		expect(await storedStats(bot, guild.id, bob!.id)).toMatchObject({ totalXp: 6, voiceSeconds: 60 });
		for (const name of ['carol', 'erin', 'frank', 'gina']) expect(await storedStats(bot, guild.id, people[name]!.id), name).toBeNull();

		const rank = await command(emu, home, alice!.id, 'rank');
		const embed = rank.embeds[0];
		expect(embed?.title).toBe('Voice rank of alice');
		expect(field(embed, 'Level')).toBe('0');
		expect(field(embed, 'Total XP')).toBe('6 XP');
		expect(field(embed, 'Progress to level 1')).toBe('░░░░░░░░░░ 6%\n6 / 100 XP');
		expect(field(embed, 'Time in voice')).toBe('0 h 1 min');
		expect(field(embed, 'Right now')).toBe(`🎙️ Earning XP in <#${loungeId}>`);
		// alice and bob tie on XP and time: the smaller user id ranks first.
		const [first] = [alice!.id, bob!.id].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
		expect(field(embed, 'Rank')).toBe(first === alice!.id ? '#1 of 2' : '#2 of 2');

		const muted = await command(emu, home, alice!.id, 'rank', { options: { user: carol!.id } });
		expect(field(muted.embeds[0], 'Right now')).toBe(`⏸️ In <#${loungeId}>, not earning XP: muted`);
		expect(field(muted.embeds[0], 'Rank')).toBe('Not ranked yet');
		const alone = await command(emu, home, erin!.id, 'rank');
		expect(field(alone.embeds[0], 'Right now')).toBe(`⏸️ In <#${soloId}>, not earning XP: alone in the channel (XP needs at least two people)`);
		const afk = await command(emu, home, frank!.id, 'rank');
		expect(field(afk.embeds[0], 'Right now')).toBe(`⏸️ In <#${afkId}>, not earning XP: this is the AFK channel`);
	});
});
