/**
 * The gateway misbehaving for a minute while members move in voice (issue 12, fault suite): every 10 s of the bot's
 * clock the connection is hit by one of Discord's disruptions in turn — op 7 RECONNECT, op 9 INVALID_SESSION that may
 * be resumed, a resumable close (4000), op 9 INVALID_SESSION that may not — and a member joins or leaves while the
 * bot is disconnected. Discord replays what was missed on RESUME, or sends GUILD_CREATE after a new IDENTIFY. Voice
 * time is then checked against a model of who was where: nothing counted twice, nothing lost, one session per bot.
 */
import { container } from '@sapphire/framework';
import { DiscordEmulator, type MemberView } from '@hearth/discord-emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { voiceXpPlugin } from '../../src/plugins/voice-xp/index.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { advanceAndFlush, buildVoiceGuild, MINUTE, SECOND, START, storedStats, waitTracked, type VoiceGuild } from '../plugins/voice-xp/e2eHelpers.js';

let emu: DiscordEmulator;
let bot: TestBot;
let clock: ManualClock;
let home: VoiceGuild;
let alice: MemberView;
let bob: MemberView;
let carol: MemberView;

const sessions = () => container.pluginHost.service('voice-xp').sessions;
const seconds = async (member: MemberView) => (await storedStats(bot, home.guild.id, member.id))?.voiceSeconds ?? 0;

/** The disruptions, in turn; each says whether the session survives it (a RESUME) or is replaced (a new IDENTIFY). */
const DISRUPTIONS = [
	{ name: 'op 7 RECONNECT', resumes: true, act: () => emu.gateway.sendReconnect(0) },
	{ name: 'op 9 INVALID_SESSION (resumable)', resumes: true, act: () => emu.gateway.invalidateSession(0, true) },
	{ name: 'close 4000 (resumable)', resumes: true, act: () => emu.gateway.closeShard(0, 4000) },
	{ name: 'op 9 INVALID_SESSION (not resumable)', resumes: false, act: () => emu.gateway.invalidateSession(0, false) }
] as const;

/** Rounds of 10 s: one minute of bot time. */
const ROUNDS = 6;

beforeAll(async () => {
	emu = await DiscordEmulator.start({ identifyIntervalMs: 0 });
	home = buildVoiceGuild(emu, 'Chaos guild');
	alice = home.guild.addMember({ username: 'alice' });
	bob = home.guild.addMember({ username: 'bob' });
	carol = home.guild.addMember({ username: 'carol' });
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

describe('gateway chaos', () => {
	it('RECONNECT, INVALID_SESSION and resumable closes every 10 s for a minute: each voice second counted once', { timeout: 120_000 }, async () => {
		emu.voice.join(home.guild.id, alice.id, home.loungeId);
		emu.voice.join(home.guild.id, bob.id, home.loungeId);
		await waitTracked(home.guild.id, bob.id, home.loungeId, true);
		const identifiesBefore = emu.gateway.sessions.length;

		// The model: alice and bob stay in the Lounge the whole minute; carol is in it every other round.
		let carolIn = false;
		let carolExpected = 0;
		let resumed = 0;
		let replaced = 0;
		for (let round = 0; round < ROUNDS; round++) {
			const disruption = DISRUPTIONS[round % DISRUPTIONS.length]!;
			// The previous disruption is over: the shard is connected again (resumed or identified).
			await vi.waitFor(() => expect(emu.gateway.sessions.some((session) => session.shardId === 0 && session.connected)).toBe(true), { timeout: 30_000 });
			const before = emu.gateway.sessions.find((session) => session.shardId === 0 && session.connected);
			disruption.act();
			// While the bot is away (or reconnecting), carol moves; Discord replays it or the new session's GUILD_CREATE
			// shows where she is.
			carolIn = !carolIn;
			if (carolIn) emu.voice.join(home.guild.id, carol.id, home.loungeId);
			else emu.voice.leave(home.guild.id, carol.id);
			// After a session that cannot be resumed, discord.js identifies again only after its 5-second identify delay:
			// wait past it (waitTracked alone gives up after 5 s).
			const tracked = async (userId: string, channelId: string | null, eligible?: boolean) =>
				vi.waitFor(() => waitTracked(home.guild.id, userId, channelId, eligible), { timeout: 30_000, interval: 100 });
			await tracked(carol.id, carolIn ? home.loungeId : null, carolIn ? true : undefined);
			await tracked(alice.id, home.loungeId, true);
			await sessions().settled();
			expect(before, disruption.name).toBeDefined();
			const after = emu.gateway.sessions.find((session) => session.sessionId === before!.sessionId);
			if (disruption.resumes) {
				if (after!.resumes > before!.resumes) resumed++;
			} else {
				replaced++;
			}
			if (carolIn) carolExpected += 10;
			// The last round crosses the minute: its flush writes the whole minute.
			if (round === ROUNDS - 1) await advanceAndFlush(clock, 10 * SECOND);
			else clock.advance(10 * SECOND);
		}

		expect(await seconds(alice)).toBe(ROUNDS * 10);
		expect(await seconds(bob)).toBe(ROUNDS * 10);
		expect(await seconds(carol)).toBe(carolExpected);
		// Resumable disruptions resumed their session (op 7 and the close always do; discord.js may identify anew after a
		// resumable op 9, which the model allows); the non-resumable ones made exactly one new session each.
		expect(resumed).toBeGreaterThanOrEqual(2);
		expect(emu.gateway.sessions.length - identifiesBefore).toBeLessThanOrEqual(ROUNDS - resumed);
		expect(replaced).toBe(Math.floor(ROUNDS / DISRUPTIONS.length) + (ROUNDS % DISRUPTIONS.length > 3 ? 1 : 0));
		expect(bot.logs.find(/ERROR/)).toEqual([]);

		// And the next minute counts normally.
		await advanceAndFlush(clock, MINUTE);
		expect(await seconds(alice)).toBe(ROUNDS * 10 + 60);
		expect(await seconds(carol)).toBe(carolExpected + (carolIn ? 60 : 0));
	});
});
