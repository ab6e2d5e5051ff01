/**
 * Discord answering 429 to a fifth of the bot's REST calls (issue 12, fault suite): while members earn voice XP that
 * crosses role tiers and levels, the emulator answers 20% of REST requests (at random, seeded) with 429 and a short
 * `retry_after`. Every tier role and every level-up announcement must still be applied, each exactly once.
 *
 * The issue asks for a minute; the test runs the chaos for the 4 minutes of bot time it drives (a few seconds of real
 * time, since the bot's clock is a ManualClock and the 429s are waited out in real time). Interaction callbacks are
 * left alone: they are answered with the interaction's token, not the bot's, and no command is used during the chaos.
 */
import { container } from '@sapphire/framework';
import { DiscordEmulator, type MemberView } from '@hearth/discord-emulator';
import { ChannelType, PermissionFlagsBits } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { voiceXpPlugin } from '../../src/plugins/voice-xp/index.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { advanceAndFlush, buildVoiceGuild, command, MINUTE, START, storedStats, waitTracked, type VoiceGuild } from '../plugins/voice-xp/e2eHelpers.js';

let emu: DiscordEmulator;
let bot: TestBot;
let clock: ManualClock;
let home: VoiceGuild;
let members: MemberView[];
let tierRoles: string[];
let announcementsId: string;

beforeAll(async () => {
	emu = await DiscordEmulator.start({ identifyIntervalMs: 0 });
	home = buildVoiceGuild(emu, 'Rate-limited guild');
	members = ['alice', 'bob', 'carol', 'dave'].map((username) => home.guild.addMember({ username }));
	tierRoles = [1, 2, 3, 4].map((minutes) => home.guild.createRole({ name: `${minutes} min` }).id);
	announcementsId = home.guild.createChannel({ name: 'level-ups', type: ChannelType.GuildText }).id;
	clock = new ManualClock(START);
	bot = await startTestBot({ emulator: emu, plugins: [voiceXpPlugin], clock });
	// Set up as an admin would, before the chaos (commands are answered through interaction callbacks).
	const admin = home.guild.addMember({ username: 'admin', permissions: PermissionFlagsBits.ManageGuild });
	const xp = (subcommandGroup: string, subcommand: string, options: Record<string, string | number>) =>
		command(emu, home, admin.id, 'xp', { subcommandGroup, subcommand, options });
	expect((await xp('config', 'xp-per-minute', { value: 1_000 })).content).toBe('Members now earn 1,000 XP per minute in voice.');
	expect((await xp('config', 'announcements', { mode: 'channel', channel: announcementsId })).content).toContain(`Level-ups are now announced in <#${announcementsId}>.`);
	for (const [index, role] of tierRoles.entries()) expect((await xp('tiers', 'add', { role, minutes: index + 1 })).content).toContain('is now the tier for');
});

afterEach(() => {
	emu.assertNoFailures();
});

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('REST chaos', () => {
	it('with 20% of REST calls answered 429, every tier role and level-up is applied, none twice', async () => {
		for (const member of members) emu.voice.join(home.guild.id, member.id, home.loungeId);
		for (const member of members) await waitTracked(home.guild.id, member.id, home.loungeId, true);
		const firstCall = emu.recorder.rest.length;

		emu.injectRateLimit({
			share: 0.2,
			seed: 12,
			retryAfter: 0.05,
			untilMs: Date.now() + 10 * MINUTE,
			exclude: ['POST /interactions/{interaction_id}/{interaction_token}/callback']
		});
		for (let minute = 1; minute <= 4; minute++) await advanceAndFlush(clock, MINUTE);
		await container.pluginHost.service('voice-xp').sessions.settled();
		emu.rateLimits.clearInjections();

		const calls = emu.recorder.rest.slice(firstCall);
		const limited = calls.filter((call) => call.status === 429);
		expect(limited.length, 'some calls were answered 429').toBeGreaterThan(0);

		// Roles: each member ends with the 4-minute tier only; every role was added once and removed at most once.
		for (const member of members) {
			expect(tierRoles.map((roleId) => home.guild.hasRole(member.id, roleId))).toEqual([false, false, false, true]);
			for (const roleId of tierRoles) {
				const applied = (method: string) =>
					calls.filter((call) => call.method === method && call.status < 300 && call.params.user_id === member.id && call.params.role_id === roleId).length;
				expect(applied('PUT'), `role ${roleId} added to ${member.id}`).toBe(1);
				expect(applied('DELETE'), `role ${roleId} removed from ${member.id}`).toBe(roleId === tierRoles[3] ? 0 : 1);
			}
		}

		// Level-ups: each member's final level (4,000 XP: level 9, src/plugins/voice-xp/lib/levels.ts) was announced, and
		// no level twice.
		const levelsOf = (member: MemberView) =>
			emu.messages
				.in(announcementsId)
				.map((message) => message.content)
				.filter((content) => content.includes(`<@${member.id}>`))
				.map((content) => Number(/reached voice level (\d+)!/.exec(content)?.[1]));
		for (const member of members) {
			expect(await storedStats(bot, home.guild.id, member.id)).toMatchObject({ totalXp: 4_000, level: 9 });
			await vi.waitFor(() => expect(levelsOf(member)).toContain(9), { timeout: 10_000 });
			expect(new Set(levelsOf(member)).size, 'no level announced twice').toBe(levelsOf(member).length);
		}
	});
});
