/**
 * Voice XP after a real crash (issue 4, "Correctness"): the bot runs in its own process and is killed with SIGKILL
 * mid-interval, so nothing is flushed and nothing of it survives; a new bot on the same database rebuilds the
 * sessions from GUILD_CREATE. At most one flush interval is lost and nothing is counted twice.
 */
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { voiceXpPlugin } from '../../../src/plugins/voice-xp/index.js';
import { DiscordEmulator, type MemberView } from '@hearth/discord-emulator';
import { CHILD_BOT_TEST_TIMEOUT_MS, startChildBot, type ChildBot } from '../../helpers/childBot.js';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '../../helpers/infra.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { testRedisUrl } from '../../../tools/infra.js';
import { deleteRedisKeys } from '../../../tools/redisKeys.js';
import { advanceAndFlush, buildVoiceGuild, MINUTE, SECOND, START, storedStats, storedStatsOffline, waitTracked, type VoiceGuild } from './e2eHelpers.js';

let emu: DiscordEmulator;
let database: TestDatabase;
const redisPrefix = uniqueRedisPrefix();
let child: ChildBot | undefined;
let bot: TestBot | undefined;
let home: VoiceGuild;
let alice: MemberView;
let bob: MemberView;

beforeAll(async () => {
	emu = await DiscordEmulator.start({ identifyIntervalMs: 0 });
	home = buildVoiceGuild(emu, 'Killed guild');
	alice = home.guild.addMember({ username: 'alice' });
	bob = home.guild.addMember({ username: 'bob' });
	database = await createTestDatabase();
});

afterEach(() => {
	emu.assertNoFailures();
});

afterAll(async () => {
	await child?.kill();
	await bot?.stop();
	await deleteRedisKeys(testRedisUrl, redisPrefix);
	await database?.drop();
	await emu?.stop();
});

it('a bot killed with SIGKILL mid-interval loses at most that interval, and the next one counts nothing twice', async () => {
	// Already in voice when the bot starts: the sessions come from GUILD_CREATE's voice states.
	emu.voice.join(home.guild.id, alice.id, home.loungeId);
	emu.voice.join(home.guild.id, bob.id, home.loungeId);
	child = await startChildBot({ emulator: emu, database, redisPrefix, clockStartMs: START });
	expect(child.logs.find('Voice sessions rebuilt in 1 guild(s): 2 member(s) in voice')).toHaveLength(1);

	await child.clock!.advance(MINUTE);
	await vi.waitFor(async () => expect(await storedStatsOffline(database.url, home.guild.id, alice.id)).toMatchObject({ voiceSeconds: 60, totalXp: 6 }), {
		timeout: 10_000,
		interval: 100
	});
	await child.clock!.advance(45 * SECOND);
	await child.kill();
	expect((await storedStatsOffline(database.url, home.guild.id, alice.id))?.voiceSeconds).toBe(60);

	// Back 5 s later (START + 110 s), on the same database and Redis.
	const clock = new ManualClock(START + MINUTE + 50 * SECOND);
	bot = await startTestBot({ emulator: emu, plugins: [voiceXpPlugin], clock, database, redisPrefix });
	await waitTracked(home.guild.id, alice.id, home.loungeId, true);
	await advanceAndFlush(clock, 10 * SECOND);
	// 60 s before the crash + 10 s since the restart; the 45 s held by the killed process and 5 s of downtime are lost.
	expect(await storedStats(bot, home.guild.id, alice.id)).toMatchObject({ voiceSeconds: 70, totalXp: 7 });
	expect(await storedStats(bot, home.guild.id, bob.id)).toMatchObject({ voiceSeconds: 70, totalXp: 7 });
	await advanceAndFlush(clock, MINUTE);
	expect(await storedStats(bot, home.guild.id, alice.id)).toMatchObject({ voiceSeconds: 130, totalXp: 13 });
}, CHILD_BOT_TEST_TIMEOUT_MS);
