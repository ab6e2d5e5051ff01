/**
 * Voice XP while PostgreSQL is down (docs/voice-xp.md, "How it counts"): the bot runs in its own process and reaches
 * PostgreSQL through a TCP proxy the test cuts. Its flushes fail and copy the unwritten time to Redis; it is killed
 * with SIGKILL; PostgreSQL comes back and a new bot on the same database and Redis prefix applies the copy at its first
 * flush. At most one flush interval is lost and nothing is counted twice.
 */
import { DiscordEmulator, type MemberView } from '@hearth/discord-emulator';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { voiceXpPlugin } from '../../../src/plugins/voice-xp/index.js';
import { PendingDeltaStore, type PendingBatch } from '../../../src/plugins/voice-xp/lib/pendingDeltas.js';
import type { VoiceXpDelta } from '../../../src/plugins/voice-xp/lib/sessionTracker.js';
import { testRedisUrl } from '../../../tools/infra.js';
import { deleteRedisKeys } from '../../../tools/redisKeys.js';
import { CHILD_BOT_TEST_TIMEOUT_MS, startChildBot, type ChildBot } from '../../helpers/childBot.js';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '../../helpers/infra.js';
import { startTestRedisServer } from '../../helpers/redisServer.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcpProxy.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { advanceAndFlush, buildVoiceGuild, MINUTE, SECOND, START, storedStats, storedStatsOffline, waitTracked, type VoiceGuild } from './e2eHelpers.js';

let emu: DiscordEmulator;
let database: TestDatabase;
let proxy: TcpProxy;
let redis: Redis;
const redisPrefix = uniqueRedisPrefix();
let child: ChildBot | undefined;
let bot: TestBot | undefined;
let home: VoiceGuild;
let alice: MemberView;
let bob: MemberView;

/** What a test waits for at most, in real milliseconds (the bots' clocks are driven by the test). */
const WAIT = { timeout: 15_000, interval: 100 };

beforeAll(async () => {
	emu = await DiscordEmulator.start({ identifyIntervalMs: 0 });
	home = buildVoiceGuild(emu, 'Outage guild');
	alice = home.guild.addMember({ username: 'alice' });
	bob = home.guild.addMember({ username: 'bob' });
	database = await createTestDatabase();
	proxy = await startTcpProxy();
	redis = new Redis(testRedisUrl);
});

afterEach(() => {
	emu.assertNoFailures();
});

afterAll(async () => {
	await child?.kill();
	await bot?.stop();
	redis?.disconnect();
	await proxy?.close();
	await deleteRedisKeys(testRedisUrl, redisPrefix);
	await database?.drop();
	await emu?.stop();
});

/** One minute of voice time of a member, from `fromMs` after START. */
function minuteOf(userId: string, fromMs: number): VoiceXpDelta {
	return { guildId: home.guild.id, userId, eligibleMs: MINUTE, xpUnits: 6 * MINUTE, from: START + fromMs, to: START + fromMs + MINUTE };
}

it('a bot killed while PostgreSQL is down loses at most one flush interval: the next bot applies the time it kept in Redis, once', async () => {
	const stored = (member: MemberView) => storedStatsOffline(database.url, home.guild.id, member.id);
	const copies = new PendingDeltaStore({ redis, prefix: redisPrefix });
	emu.voice.join(home.guild.id, alice.id, home.loungeId);
	emu.voice.join(home.guild.id, bob.id, home.loungeId);
	const throughProxy: TestDatabase = { ...database, url: proxy.urlThrough(database.url) };
	child = await startChildBot({ emulator: emu, database: throughProxy, redisPrefix, clockStartMs: START });

	await child.clock!.advance(MINUTE);
	await vi.waitFor(async () => expect(await stored(alice)).toMatchObject({ voiceSeconds: 60, totalXp: 6 }), WAIT);

	// PostgreSQL goes away. The flush at 2:00 fails and copies its minute to Redis; the one at 3:00 adds the next.
	proxy.pause();
	await child.clock!.advance(MINUTE);
	await vi.waitFor(async () => expect((await copies.list())[0]?.version).toBe('1'), WAIT);
	await child.clock!.advance(MINUTE);
	let left: PendingBatch | undefined;
	await vi.waitFor(async () => {
		[left] = await copies.list();
		expect(left?.version).toBe('2');
	}, WAIT);
	const kept = [minuteOf(alice.id, MINUTE), minuteOf(alice.id, 2 * MINUTE), minuteOf(bob.id, MINUTE), minuteOf(bob.id, 2 * MINUTE)];
	expect(left!.deltas).toEqual(kept.sort(byMember));
	expect(child.logs.find(/Voice XP flush of 1 guild\(s\) failed; the time is kept \(in memory and in Redis\)/)).toHaveLength(2);
	expect(child.logs.find('Redis could not')).toEqual([]);

	// 40 s into the next interval the process is killed: nothing more is written anywhere.
	await child.clock!.advance(40 * SECOND);
	await child.kill();
	expect((await stored(alice))?.voiceSeconds).toBe(60);

	// PostgreSQL is back; 5 s later (3:45) a new bot starts on the same database and Redis prefix.
	proxy.resume();
	const clock = new ManualClock(START + 3 * MINUTE + 45 * SECOND);
	bot = await startTestBot({ emulator: emu, plugins: [voiceXpPlugin], clock, database: throughProxy, redisPrefix });
	await waitTracked(home.guild.id, alice.id, home.loungeId, true);
	await waitTracked(home.guild.id, bob.id, home.loungeId, true);
	await advanceAndFlush(clock, 15 * SECOND);
	// 60 s before the outage + the 120 s the killed bot kept in Redis + 15 s since the restart. Lost: the killed bot's
	// last 40 s and 5 s of downtime (less than one 60 s interval).
	expect(await storedStats(bot, home.guild.id, alice.id)).toMatchObject({ voiceSeconds: 195, totalXp: 19 });
	expect(await storedStats(bot, home.guild.id, bob.id)).toMatchObject({ voiceSeconds: 195, totalXp: 19 });
	expect(await copies.list()).toEqual([]);
	expect(bot.logs.find(`applied the time process ${left!.writerId} had kept in Redis (save 2): 4 delta(s), 4 added, 0 already counted`)).toHaveLength(1);

	// The same copy found again (say a second bot had saved it too): applied, it adds nothing; the skips are counted.
	await new PendingDeltaStore({ redis, prefix: redisPrefix, writerId: left!.writerId }).save(() => left!.deltas);
	await advanceAndFlush(clock, MINUTE);
	expect(await storedStats(bot, home.guild.id, alice.id)).toMatchObject({ voiceSeconds: 255, totalXp: 25 });
	expect(await storedStats(bot, home.guild.id, bob.id)).toMatchObject({ voiceSeconds: 255, totalXp: 25 });
	expect(await copies.list()).toEqual([]);
	expect(bot.logs.find('Voice XP: 4 delta(s) kept in Redis skipped: their time was already counted')).toHaveLength(1);
	expect(await bot.handle.metrics.render()).toMatch(/^hearth_voice_xp_skipped_deltas_total\{[^}]*source="pending"[^}]*\} 4$/m);
}, CHILD_BOT_TEST_TIMEOUT_MS);

it('with Redis down as well, the time stays in memory (one warning says so) and is written once PostgreSQL is back', async () => {
	await bot?.stop();
	bot = undefined;
	const privateRedis = await startTestRedisServer();
	try {
		const throughProxy: TestDatabase = { ...database, url: proxy.urlThrough(database.url) };
		const before = (await storedStatsOffline(database.url, home.guild.id, alice.id))!.voiceSeconds;
		const clock = new ManualClock(START + 10 * MINUTE);
		bot = await startTestBot({ emulator: emu, plugins: [voiceXpPlugin], clock, database: throughProxy, redisUrl: privateRedis.url });
		await waitTracked(home.guild.id, alice.id, home.loungeId, true);

		proxy.pause();
		await privateRedis.stop();
		await advanceAndFlush(clock, MINUTE);
		await advanceAndFlush(clock, MINUTE);
		expect(bot.logs.find('failed; the time is kept (in memory only: Redis failed too)')).toHaveLength(2);
		expect(bot.logs.find(/WARN.*Voice XP: Redis could not/)).toHaveLength(1);

		await privateRedis.start();
		proxy.resume();
		const redisOfBot = bot.handle.container.redis;
		await vi.waitFor(async () => expect(await redisOfBot.ping()).toBe('PONG'), WAIT);
		await advanceAndFlush(clock, MINUTE);
		expect(await storedStats(bot, home.guild.id, alice.id)).toMatchObject({ voiceSeconds: before + 3 * 60 });
		expect(bot.logs.find('Voice XP: Redis answers again')).toHaveLength(1);
	} finally {
		await bot?.stop();
		bot = undefined;
		await privateRedis.stop();
	}
});

function byMember(a: VoiceXpDelta, b: VoiceXpDelta): number {
	return a.userId === b.userId ? a.from - b.from : a.userId < b.userId ? -1 : 1;
}
