/**
 * Voice XP across crashes, restarts, resumes and new gateway sessions (issue 4, "Correctness"): the bot crashed
 * mid-session (no flush) and restarted loses at most one flush interval and counts nothing twice; a resume with replayed
 * events and a new session after INVALID_SESSION count every second exactly once.
 */
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { voiceXpPlugin } from '../../../src/plugins/voice-xp/index.js';
import { container } from '@sapphire/framework';
import { DiscordEmulator, type MemberView } from '@hearth/discord-emulator';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { advanceAndFlush, buildVoiceGuild, MINUTE, SECOND, START, storedStats, waitTracked, type VoiceGuild } from './e2eHelpers.js';

/** The running bot's voice XP sessions (its plugin service's). */
const voiceXp = () => container.pluginHost.service('voice-xp').sessions;

let emu: DiscordEmulator;
let bot: TestBot;
/** The first bot: it created the database and Redis prefix that the restarted bots reuse, and drops them at the end. */
let owner: TestBot;
let clock: ManualClock;
let home: VoiceGuild;
let alice: MemberView;
let bob: MemberView;
let carol: MemberView;

const seconds = async (member: MemberView) => (await storedStats(bot, home.guild.id, member.id))?.voiceSeconds ?? 0;
const xpOf = async (member: MemberView) => (await storedStats(bot, home.guild.id, member.id))?.totalXp ?? 0;

beforeAll(async () => {
	emu = await DiscordEmulator.start({ identifyIntervalMs: 0 });
	home = buildVoiceGuild(emu, 'Restart guild');
	alice = home.guild.addMember({ username: 'alice' });
	bob = home.guild.addMember({ username: 'bob' });
	carol = home.guild.addMember({ username: 'carol' });
	clock = new ManualClock(START);
	bot = await startTestBot({ emulator: emu, plugins: [voiceXpPlugin], clock });
	owner = bot;
});

afterEach(() => {
	emu.assertNoFailures();
});

afterAll(async () => {
	await bot?.stop();
	await owner?.cleanup();
	await emu?.stop();
});

describe('a crash', () => {
	it('loses at most the time since the last flush, and the restarted bot counts nothing twice', async () => {
		emu.voice.join(home.guild.id, alice.id, home.loungeId);
		emu.voice.join(home.guild.id, bob.id, home.loungeId);
		await waitTracked(home.guild.id, bob.id, home.loungeId, true);
		await advanceAndFlush(clock, MINUTE);
		expect(await seconds(alice)).toBe(60);

		// 45 s later, mid-interval, the process dies: nothing is flushed.
		clock.advance(45 * SECOND);
		const crashed = voiceXp();
		await bot.crash();
		// 5 s of downtime, then a new bot on the same database and Redis.
		clock.advance(5 * SECOND);
		bot = await startTestBot({ emulator: emu, plugins: [voiceXpPlugin], clock, database: bot.database, redisPrefix: bot.redisPrefix });
		expect(voiceXp()).not.toBe(crashed);
		// The restarted bot rebuilt the sessions from the voice states of GUILD_CREATE.
		await waitTracked(home.guild.id, alice.id, home.loungeId, true);
		await waitTracked(home.guild.id, bob.id, home.loungeId, true);

		// Next flush at START + 2 min: 10 s since the restart. 45 s before the crash and 5 s of downtime are lost
		// (less than one 60 s interval); nothing the crashed process held is written, now or later.
		await advanceAndFlush(clock, 10 * SECOND);
		expect(await seconds(alice)).toBe(70);
		expect(await seconds(bob)).toBe(70);
		expect(await xpOf(alice)).toBe(7);
		await advanceAndFlush(clock, MINUTE);
		expect(await seconds(alice)).toBe(130);
		expect(crashed.flushCount).toBe(1);
	});

	it('a clean stop writes everything: nothing is lost across a restart', async () => {
		clock.advance(20 * SECOND);
		await bot.handle.stop('test restart');
		bot = await startTestBot({ emulator: emu, plugins: [voiceXpPlugin], clock, database: bot.database, redisPrefix: bot.redisPrefix });
		expect(await seconds(alice)).toBe(150);
		await waitTracked(home.guild.id, alice.id, home.loungeId, true);
		await advanceAndFlush(clock, 40 * SECOND);
		expect(await seconds(alice)).toBe(190);
		expect(await seconds(bob)).toBe(190);
	});
});

describe('the gateway connection', () => {
	it('resumes and replays the voice events it missed, each applied once', async () => {
		const before = { alice: await seconds(alice), bob: await seconds(bob) };
		const session = () => emu.gateway.sessions.find((candidate) => candidate.shardId === 0)!;
		const resumes = session().resumes;
		const resumed = once(bot.handle.client, 'shardResume');
		emu.gateway.closeShard(0, 4000);
		// While the bot is disconnected: bob leaves, carol joins. Discord replays both on RESUME.
		emu.voice.leave(home.guild.id, bob.id);
		emu.voice.join(home.guild.id, carol.id, home.loungeId);
		await resumed;
		expect(session().resumes).toBe(resumes + 1);
		expect(session().replayed).toBeGreaterThanOrEqual(2);
		await waitTracked(home.guild.id, bob.id, null);
		await waitTracked(home.guild.id, carol.id, home.loungeId, true);

		await advanceAndFlush(clock, MINUTE);
		expect(await seconds(alice)).toBe(before.alice + 60);
		expect(await seconds(carol)).toBe(60);
		expect(await seconds(bob)).toBe(before.bob);
	});

	it('rebuilds the sessions from GUILD_CREATE after a session that cannot be resumed, without counting twice', async () => {
		const before = { alice: await seconds(alice), carol: await seconds(carol) };
		clock.advance(20 * SECOND);
		const available = once(bot.handle.client, 'guildAvailable');
		emu.gateway.invalidateSession(0, false);
		const [guild] = (await available) as [{ id: string }];
		expect(guild.id).toBe(home.guild.id);
		await voiceXp().settled();
		await waitTracked(home.guild.id, alice.id, home.loungeId, true);
		await waitTracked(home.guild.id, carol.id, home.loungeId, true);

		await advanceAndFlush(clock, 40 * SECOND);
		expect(await seconds(alice)).toBe(before.alice + 60);
		expect(await seconds(carol)).toBe(before.carol + 60);
	});
});
