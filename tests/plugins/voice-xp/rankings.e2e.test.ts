/**
 * `/rank` and `/leaderboard` from the guild's Redis ranking set (issue 12), end to end: the real bot on the Discord
 * emulator. The first answer comes from PostgreSQL and builds the set; then flushes, `/xp add` and `/xp reset` keep it
 * equal to PostgreSQL's answers (ties included); after its key is deleted it is rebuilt.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { Redis } from 'ioredis';
import { container } from '@sapphire/framework';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { voiceXpPlugin } from '../../../src/plugins/voice-xp/index.js';
import { countRankedMembers, getLeaderboardPage, getRankPosition } from '../../../src/plugins/voice-xp/lib/stats.js';
import { DiscordEmulator, type MemberView } from '@hearth/discord-emulator';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { advanceAndFlush, buildVoiceGuild, command, field, MINUTE, START, waitTracked, type VoiceGuild } from './e2eHelpers.js';

let emu: DiscordEmulator;
let bot: TestBot;
let redis: Redis;
let clock: ManualClock;
let home: VoiceGuild;
let admin: MemberView;
const people: Record<string, MemberView> = {};

const rankings = () => container.pluginHost.service('voice-xp').sessions.rankings;
const em = () => bot.handle.container.orm.em.fork();
const xp = (options: Record<string, string | number | boolean>, subcommand: string) => command(emu, home, admin.id, 'xp', { subcommand, options });

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	home = buildVoiceGuild(emu, 'Ranked guild');
	admin = home.guild.addMember({ username: 'admin', permissions: PermissionFlagsBits.ManageGuild });
	for (const name of ['alice', 'bob', 'carol', 'dave']) people[name] = home.guild.addMember({ username: name });
	clock = new ManualClock(START);
	bot = await startTestBot({ emulator: emu, plugins: [voiceXpPlugin], clock });
	redis = new Redis(bot.redisUrl);
});

afterEach(() => {
	emu.assertNoFailures();
});

afterAll(async () => {
	redis?.disconnect();
	await bot?.stop();
	await emu?.stop();
});

/** `/rank` of a member shows PostgreSQL's position and count, and the set (read directly) agrees. */
async function expectRank(name: string, source: 'redis' | 'postgres' = 'redis'): Promise<number | null> {
	const userId = people[name]!.id;
	const guildId = home.guild.id;
	const [position, count] = await Promise.all([getRankPosition(em(), guildId, userId), countRankedMembers(em(), guildId)]);
	const reply = await command(emu, home, userId, 'rank');
	expect(field(reply.embeds[0], 'Rank'), name).toBe(position === null ? 'Not ranked yet' : `#${position} of ${count}`);
	if (source === 'redis') expect(await rankings().rank(guildId, userId), name).toEqual({ position, rankedCount: count, source });
	return position;
}

describe('rankings from Redis', () => {
	it('follow flushes, /xp add and /xp reset, equal to PostgreSQL, and are rebuilt after the key is lost', async () => {
		const guildId = home.guild.id;
		const key = rankings().key(guildId);
		await xp({ user: people.carol!.id, amount: 100 }, 'add');
		await xp({ user: people.dave!.id, amount: 100 }, 'add');
		expect(await redis.exists(key)).toBe(0);
		// First use: answered from PostgreSQL, the set is built meanwhile.
		await expectRank('carol', 'postgres');
		await rankings().settled(guildId);
		expect(await redis.exists(key)).toBe(1);
		await expectRank('dave');

		// A flush: alice and bob earn 6 XP each (a tie).
		emu.voice.join(guildId, people.alice!.id, home.loungeId);
		emu.voice.join(guildId, people.bob!.id, home.loungeId);
		await waitTracked(guildId, people.bob!.id, home.loungeId, true);
		await waitTracked(guildId, people.alice!.id, home.loungeId, true);
		await advanceAndFlush(clock, MINUTE);
		for (const name of ['alice', 'bob', 'carol', 'dave']) await expectRank(name);

		await xp({ user: people.bob!.id, amount: 500 }, 'add');
		expect(await expectRank('bob')).toBe(1);
		await xp({ user: people.carol!.id }, 'reset');
		expect(await expectRank('carol')).toBeNull();
		expect(await redis.zscore(key, people.carol!.id)).toBeNull();

		const board = await command(emu, home, admin.id, 'leaderboard');
		const expected = await getLeaderboardPage(em(), guildId, 1);
		expect(board.embeds[0]!.description!.split('\n').map((line) => /<@(\d+)>/.exec(line)?.[1])).toEqual(expected.entries.map((entry) => entry.userId));
		expect(board.embeds[0]!.footer?.text).toBe(`Page 1 of 1 · ${expected.memberCount} members`);

		// Lost (Redis flushed): answered from PostgreSQL, rebuilt once, then from Redis again.
		await redis.del(key);
		await expectRank('alice', 'postgres');
		await rankings().settled(guildId);
		expect(await redis.exists(key)).toBe(1);
		for (const name of ['alice', 'bob', 'carol', 'dave']) await expectRank(name);
	});
});
