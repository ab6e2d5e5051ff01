/**
 * The build as it ships: `npm run build && npm start` (node dist/index.js) against the Discord emulator and local
 * PostgreSQL and Redis. Issue 3: it reaches the gateway, applies its migrations at start-up, reports ready on /healthz,
 * answers a slash command, and stops cleanly with exit code 0 on SIGTERM within 10 seconds.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOrm } from '../../src/lib/database.js';
import { projectRoot } from '../../src/lib/paths.js';
import { plugins } from '../../src/plugins/index.js';
import { DiscordEmulator, type GuildHandle } from '@hearth/discord-emulator';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '../helpers/infra.js';
import { testRedisUrl } from '../../tools/infra.js';
import { deleteRedisKeys } from '../../tools/redisKeys.js';
import { startScriptNodeFlags } from '../../tools/shippedStart.js';

const run = promisify(execFile);

/** A TCP port that was free a moment ago (the bot is told to listen on it). */
async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise((resolve) => server.close(resolve));
	return port;
}

async function healthz(port: number): Promise<{ status: number; body: { status: string; checks: Record<string, boolean> } } | null> {
	try {
		const response = await fetch(`http://127.0.0.1:${port}/healthz`);
		return { status: response.status, body: (await response.json()) as never };
	} catch {
		return null; // not listening yet
	}
}

let emu: DiscordEmulator;
let guild: GuildHandle;
let database: TestDatabase;
let child: ChildProcess;
let output = '';
let port: number;
const redisPrefix = uniqueRedisPrefix();
let exited: Promise<number | null>;

beforeAll(async () => {
	await run(process.execPath, [join(projectRoot, 'node_modules/tsup/dist/cli-default.js')], { cwd: projectRoot });
	emu = await DiscordEmulator.start({ shardCount: 1 });
	guild = emu.world.createGuild({ name: 'Built bot guild' });
	database = await createTestDatabase();
	port = await freePort();
	// With npm start's Node flags (tools/shippedStart.ts), as the bot ships.
	child = spawn(process.execPath, [...startScriptNodeFlags(), 'dist/index.js'], {
		cwd: projectRoot,
		env: {
			PATH: process.env.PATH,
			DISCORD_TOKEN: emu.bot.token,
			DISCORD_REST_URL: emu.restUrl,
			DATABASE_URL: database.url,
			REDIS_URL: testRedisUrl,
			REDIS_PREFIX: redisPrefix,
			HTTP_PORT: String(port),
			LOG_FORMAT: 'json'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}, 90_000);

afterAll(async () => {
	if (child && child.exitCode === null) child.kill('SIGKILL');
	await emu?.stop();
	await database?.drop();
	await deleteRedisKeys(testRedisUrl, redisPrefix);
});

describe('npm run build && npm start', () => {
	it('reports ready on /healthz once the gateway, PostgreSQL and Redis are', async () => {
		let last: Awaited<ReturnType<typeof healthz>> = null;
		for (let attempt = 0; attempt < 150 && last?.status !== 200; attempt++) {
			if (child.exitCode !== null) throw new Error(`the bot exited with ${child.exitCode}:\n${output}`);
			await new Promise((resolve) => setTimeout(resolve, 200));
			last = await healthz(port);
		}
		expect(last, output).toMatchObject({ status: 200, body: { status: 'ready', checks: { gateway: true, postgres: true, redis: true } } });
		expect(emu.gateway.sessions).toHaveLength(1);
		expect(output).toContain('Invite URL: https://discord.com/oauth2/authorize?client_id=');
		// Once ready, the memory-reducing collection of src/lib/memory.ts ran (npm start passes --expose-gc).
		await vi.waitFor(() => expect(output).toMatch(/Start-up memory released in \d+ ms: resident \d+ MiB -> \d+ MiB/), { timeout: 10_000 });
	}, 40_000);

	it('applied every migration at start-up (the core and the plugins)', async () => {
		const orm = await createOrm({ databaseUrl: database.url, plugins });
		try {
			const rows = await orm.em
				.getConnection()
				.execute<{ table_name: string }[]>("select table_name from information_schema.tables where table_schema = 'public'");
			expect(rows.map((row) => row.table_name)).toEqual(expect.arrayContaining(['guild_settings', 'voice_xp_member_stats']));
		} finally {
			await orm.close();
		}
	});

	it('answers a slash command', async () => {
		const admin = guild.addMember({ username: 'admin', permissions: PermissionFlagsBits.ManageGuild });
		const general = guild.channels.find((channel) => channel.name === 'general')!;
		const reply = await emu.interactions
			.command({ guildId: guild.id, channelId: general.id, userId: admin.id, name: 'plugins', subcommand: 'list' })
			.waitForReply();
		expect(reply.ephemeral).toBe(true);
		expect(reply.content).toContain('voice-xp');
		emu.assertNoFailures();
	});

	it('stops cleanly on SIGTERM within 10 seconds with exit code 0', async () => {
		const started = Date.now();
		child.kill('SIGTERM');
		const code = await exited;
		expect(code, output).toBe(0);
		expect(Date.now() - started).toBeLessThan(10_000);
	}, 15_000);
});
