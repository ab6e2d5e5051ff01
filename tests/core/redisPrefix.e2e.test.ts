/**
 * `REDIS_PREFIX` (README, "Configuration") prefixes every key the bot creates: settings cache and change stream,
 * the task queue (BullMQ's keys, deferred-job sets), plugin keys. Checked on a private redis-server that only this
 * bot uses, after it has done a little of everything: every key there starts with the prefix.
 */
import { DiscordEmulator, type GuildHandle } from '@hearth/discord-emulator';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { echoPlugin } from '../fixtures/echo-plugin/index.js';
import { startTestRedisServer, type TestRedisServer } from '../helpers/redisServer.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

const PREFIX = 'only-mine:';

let emu: DiscordEmulator;
let redis: TestRedisServer;
let bot: TestBot;
let guild: GuildHandle;

beforeAll(async () => {
	redis = await startTestRedisServer();
	emu = await DiscordEmulator.start();
	guild = emu.world.createGuild({ name: 'Prefixed' });
	guild.addMember({ username: 'admin', permissions: PermissionFlagsBits.ManageGuild });
	bot = await startTestBot({ emulator: emu, plugins: [echoPlugin], redisUrl: redis.url, redisPrefix: PREFIX });
});

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
	await redis?.stop();
});

describe('REDIS_PREFIX', () => {
	it('prefixes every key the bot creates (settings, toggles, task queue, deferred jobs)', async () => {
		const { settings, taskQueue } = bot.handle;
		await settings.setPluginEnabled(guild.id, 'echo', true);
		await settings.get(guild.id);
		const done = await taskQueue.schedule('echoReminder', { guildId: guild.id, payload: { note: 'prefixed' }, key: 'k' });
		await vi.waitFor(async () => expect(await taskQueue.stateOf('echoReminder', guild.id, done.jobId.split('/')[2]!)).toBe('completed'), { timeout: 5_000 });
		await settings.setPluginEnabled(guild.id, 'echo', false);
		await taskQueue.schedule('echoDeferred', { guildId: guild.id, payload: { note: 'deferred' }, key: 'd' });
		await vi.waitFor(async () => expect(await taskQueue.stateOf('echoDeferred', guild.id, 'd')).toBe('delayed'), { timeout: 5_000 });

		const client = new Redis(redis.url);
		try {
			const keys: string[] = [];
			let cursor = '0';
			do {
				const [next, page] = await client.scan(cursor, 'COUNT', 500);
				cursor = next;
				keys.push(...page);
			} while (cursor !== '0');
			expect(keys.length).toBeGreaterThan(5);
			expect(keys.filter((key) => !key.startsWith(PREFIX))).toEqual([]);
			// The kinds of keys this test made are all there, under the prefix.
			expect(keys).toEqual(expect.arrayContaining([`${PREFIX}settings:${guild.id}`, `${PREFIX}tasks:deferred:echo:${guild.id}`]));
			expect(keys.some((key) => key.startsWith(`${PREFIX}bull:tasks:`))).toBe(true);
		} finally {
			client.disconnect();
		}
	});
});
