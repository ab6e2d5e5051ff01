/**
 * Two bot processes of one bot (SHARD_COUNT=2, each holding one shard with SHARD_IDS) sharing PostgreSQL and Redis:
 * a settings change made through one is seen at once by the other; and the production SIGTERM/SIGINT path (a real
 * child process) stops cleanly within 10 seconds, flushing plugins, with exit code 0.
 */
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DiscordEmulator, type GuildHandle } from '@hearth/discord-emulator';
import { echoPlugin } from '../fixtures/echo-plugin/index.js';
import { startChildBot, type ChildBot, type ChildPluginSpec } from '../helpers/childBot.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

const echoSpec: ChildPluginSpec = { module: new URL('../fixtures/echo-plugin/index.ts', import.meta.url).href, exports: ['echoPlugin'] };

let emu: DiscordEmulator;
let bot: TestBot;
let child: ChildBot | undefined;
let shardZeroGuild: GuildHandle;
let shardOneGuild: GuildHandle;
let adminId: string;
/** When a process last identified shard 1 (Discord allows one IDENTIFY per bucket every 5 seconds). */
let shardOneIdentifiedAt = 0;
const IDENTIFY_INTERVAL_MS = 5_000;

beforeAll(async () => {
	emu = await DiscordEmulator.start({ shardCount: 2 });
	shardZeroGuild = emu.world.createGuild({ name: 'Shard zero', shard: [0, 2] });
	shardOneGuild = emu.world.createGuild({ name: 'Shard one', shard: [1, 2] });
	adminId = emu.world.createUser({ username: 'admin' }).id;
	for (const guild of [shardZeroGuild, shardOneGuild]) guild.addMember({ username: 'admin', userId: adminId, permissions: PermissionFlagsBits.ManageGuild });
	bot = await startTestBot({ emulator: emu, plugins: [echoPlugin], env: { SHARD_COUNT: '2', SHARD_IDS: '0' } });
});

afterEach(() => {
	emu.assertNoFailures();
});

afterAll(async () => {
	await child?.kill();
	await bot?.stop();
	await emu?.stop();
});

const general = (guild: GuildHandle) => guild.channels.find((channel) => channel.name === 'general')!.id;

describe('two processes sharing PostgreSQL and Redis', () => {
	it('each process holds only its own shard', async () => {
		shardOneIdentifiedAt = Date.now();
		child = await startChildBot({ emulator: emu, database: bot.database, redisPrefix: bot.redisPrefix, plugins: [echoSpec], env: { SHARD_COUNT: '2', SHARD_IDS: '1' } });
		expect([...bot.handle.client.ws.shards.keys()]).toEqual([0]);
		expect(bot.handle.client.guilds.cache.has(shardZeroGuild.id)).toBe(true);
		expect(bot.handle.client.guilds.cache.has(shardOneGuild.id)).toBe(false);
		expect(emu.gateway.sessions.map((session) => session.shardId).sort()).toEqual([0, 1]);
	});

	it('a change made through the other process is seen at once, including by the plugin guards', async () => {
		const settings = bot.handle.settings;
		expect(await settings.isPluginEnabled(shardOneGuild.id, 'echo')).toBe(false);
		expect(settings.peekPluginEnabled(shardOneGuild.id, 'echo')).toBe(false); // cached in this process's memory
		bot.handle.client.emit('channelCreate', { guildId: shardOneGuild.id } as never);
		await new Promise((resolve) => setImmediate(resolve));
		expect(bot.handle.pluginHost.service('echo').channelCreates).not.toContain(shardOneGuild.id);

		// The child holds shard 1: it answers the command and writes the change.
		const reply = await emu.interactions
			.command({ guildId: shardOneGuild.id, channelId: general(shardOneGuild), userId: adminId, name: 'plugins', subcommand: 'enable', options: { plugin: 'echo' } })
			.waitForReply();
		expect(reply.content).toBe('**echo** is now on in this server.');

		await vi.waitFor(() => expect(settings.peekPluginEnabled(shardOneGuild.id, 'echo')).not.toBe(false), { timeout: 500, interval: 5 });
		expect(await settings.isPluginEnabled(shardOneGuild.id, 'echo')).toBe(true);
		bot.handle.client.emit('channelCreate', { guildId: shardOneGuild.id } as never);
		await vi.waitFor(() => expect(bot.handle.pluginHost.service('echo').channelCreates).toContain(shardOneGuild.id), { timeout: 500 });

		// And the child answers with the new state.
		const echo = await emu.interactions
			.command({ guildId: shardOneGuild.id, channelId: general(shardOneGuild), userId: adminId, name: 'echo', subcommand: 'say', options: { text: 'hi' } })
			.waitForReply();
		expect(echo.content).toBe('Echo: hi');
	});

	it('SIGTERM stops the other process cleanly within 10 seconds: plugins flushed, exit code 0', async () => {
		const result = await child!.stop('SIGTERM');
		expect(result).toMatchObject({ code: 0, signal: null });
		expect(result.durationMs).toBeLessThan(10_000);
		const flushed = child!.logs.lines.findIndex((line) => line.includes('echo plugin flushed'));
		const stopped = child!.logs.lines.findIndex((line) => /Stopped in \d+ ms/.test(line));
		expect(child!.logs.find('Shutting down (SIGTERM)')).toHaveLength(1);
		expect(flushed).toBeGreaterThan(-1);
		expect(stopped).toBeGreaterThan(flushed);
		expect(child!.logs.find(' ERROR ')).toEqual([]);
		await vi.waitFor(() => expect(emu.gateway.sessions.filter((session) => session.shardId === 1 && session.connected)).toEqual([]));
	});

	it('SIGINT does the same', async () => {
		// A restarted process must respect Discord's identify rate limit like any other.
		await new Promise((resolve) => setTimeout(resolve, Math.max(0, shardOneIdentifiedAt + IDENTIFY_INTERVAL_MS + 200 - Date.now())));
		child = await startChildBot({ emulator: emu, database: bot.database, redisPrefix: bot.redisPrefix, plugins: [echoSpec], env: { SHARD_COUNT: '2', SHARD_IDS: '1' } });
		const result = await child.stop('SIGINT');
		expect(result).toMatchObject({ code: 0, signal: null });
		expect(result.durationMs).toBeLessThan(10_000);
		expect(child.logs.find('echo plugin flushed')).toHaveLength(1);
	});
});
