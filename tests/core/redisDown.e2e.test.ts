/**
 * Redis goes away while the bot runs (a private redis-server this test kills; the machine's shared Redis is never
 * touched): the bot keeps answering, reading and writing settings in PostgreSQL, /healthz reports Redis down; when
 * Redis is back, the bot recovers without a restart.
 */
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DiscordEmulator, type GuildHandle } from '@hearth/discord-emulator';
import { echoPlugin } from '../fixtures/echo-plugin/index.js';
import { startTestRedisServer, type TestRedisServer } from '../helpers/redisServer.js';
import { adminSays, healthOf } from '../helpers/outage.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

let emu: DiscordEmulator;
let redis: TestRedisServer;
let bot: TestBot;
let guild: GuildHandle;
let adminId: string;

beforeAll(async () => {
	redis = await startTestRedisServer();
	emu = await DiscordEmulator.start();
	guild = emu.world.createGuild({ name: 'Outage' });
	adminId = guild.addMember({ username: 'admin', permissions: PermissionFlagsBits.ManageGuild }).id;
	bot = await startTestBot({ emulator: emu, plugins: [echoPlugin], redisUrl: redis.url, http: true });
});

afterEach(() => {
	emu.assertNoFailures();
});

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
	await redis?.stop();
});

const say = (name: string, subcommand?: string, options?: Record<string, string | number>) => adminSays(emu, guild, adminId)(name, subcommand, options);
const health = () => healthOf(bot);

describe('Redis down', () => {
	it('keeps answering from PostgreSQL while Redis is stopped, and recovers when it is back', async () => {
		expect(await say('plugins', 'enable', { plugin: 'echo' })).toBe('**echo** is now on in this server.');
		expect(await say('echo', 'say', { text: 'before' })).toBe('Echo: before');
		expect((await health()).status).toBe(200);

		await redis.stop();
		await vi.waitFor(async () => expect((await health()).body.checks).toEqual({ gateway: true, postgres: true, redis: false }), { timeout: 5_000 });
		expect((await health()).status).toBe(503);
		expect(bot.handle.settings.memoryCacheActive).toBe(false);

		const started = performance.now();
		expect(await say('echo', 'say', { text: 'during' })).toBe('Echo: during');
		expect(await say('plugins', 'disable', { plugin: 'echo' })).toBe('**echo** is now off in this server.');
		expect(await say('echo', 'say', { text: 'off' })).toContain('The **echo** feature is off in this server');
		expect(await say('language', 'set', { language: 'fr' })).toBe('Désormais, je réponds en Français sur ce serveur.');
		expect(await say('plugins', 'list')).toMatch(/^Fonctions du bot sur ce serveur :\n⚫ \*\*echo\*\* : inactive\./);
		expect(performance.now() - started).toBeLessThan(5_000);
		expect(bot.logs.find(/Redis \(cache\) unreachable/)).toHaveLength(1);

		await redis.start();
		await vi.waitFor(async () => expect((await health()).status).toBe(200), { timeout: 10_000 });
		await vi.waitFor(() => expect(bot.handle.settings.memoryCacheActive).toBe(true), { timeout: 5_000 });
		expect(await say('plugins', 'enable', { plugin: 'echo' })).toBe('**echo** est maintenant active sur ce serveur.');
		expect(await say('echo', 'say', { text: 'after' })).toBe('Echo : after');
	});
});
