/**
 * Starts the real bot (the core's `startBot`, from src/) in this process against the Discord emulator, with a fresh
 * PostgreSQL database and a Redis key prefix of its own, a ManualClock the demo drives, and logs written to a file;
 * and removes all of it again.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startBot, type BotHandle } from '../../src/lib/bot.js';
import type { ManualClock } from '../../src/lib/clock.js';
import { createDatabase, dropDatabase } from '../../src/lib/database.js';
import type { DiscordEmulator } from '@hearth/discord-emulator';
import { withTimeout } from '../../src/lib/timeout.js';
import { deleteRedisKeys } from '../../tools/redisKeys.js';

/**
 * PostgreSQL server of the demo: `DEMO_DATABASE_URL` (only its server part is used; a database of its own is created
 * on it), default postgres://postgres@127.0.0.1:5432/postgres (local server, trust auth).
 */
export const demoDatabaseServerUrl = process.env.DEMO_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Redis of the demo: `DEMO_REDIS_URL`, default redis://127.0.0.1:6379. The demo's keys carry a prefix of their own. */
export const demoRedisUrl = process.env.DEMO_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** How long the bot may take to be ready (every shard, commands registered), in milliseconds. */
const READY_TIMEOUT_MS = 30_000;

/** The bot's log, written to a file and kept in memory so the demo can quote lines (level-ups, problems). */
export class DemoLog {
	/** Every line written so far, in order. */
	public readonly lines: string[] = [];
	readonly #file: WriteStream;
	#partial = '';

	/** A stream for the bot's logger (`startBot`'s `logStream`). */
	public readonly stream = new Writable({
		write: (chunk: Buffer | string, _encoding, callback) => {
			const text = this.#partial + String(chunk);
			const parts = text.split('\n');
			this.#partial = parts.pop() ?? '';
			for (const line of parts) if (line) this.lines.push(line);
			this.#file.write(chunk, callback);
		}
	});

	/** @param path the log file (created or truncated). */
	public constructor(public readonly path: string) {
		this.#file = createWriteStream(path, { flags: 'w' });
	}

	/** Lines matching `pattern` that were written at or after index `from` of {@link lines}. */
	public since(from: number, pattern: RegExp): string[] {
		return this.lines.slice(from).filter((line) => pattern.test(line));
	}

	/** Flushes and closes the file. */
	public async close(): Promise<void> {
		if (this.#partial) this.lines.push(this.#partial);
		await new Promise<void>((resolve) => this.#file.end(() => resolve()));
	}
}

/** What {@link DemoBot.cleanup} removed. */
export interface DemoCleanup {
	/** Redis keys deleted, or null when Redis was unreachable. */
	redisKeysDeleted: number | null;
}

/** A bot started by {@link startDemoBot}. */
export interface DemoBot {
	handle: BotHandle;
	/** Name of the database created for this run (dropped by {@link DemoBot.cleanup}). */
	databaseName: string;
	databaseUrl: string;
	/** Prefix of every Redis key of this run (deleted by {@link DemoBot.cleanup}). */
	redisPrefix: string;
	log: DemoLog;
	/** Real milliseconds from the call to ready. */
	readyInMs: number;
	/**
	 * Stops the bot cleanly (plugins flush), then drops the database and deletes the Redis keys. Safe to call twice.
	 * @throws AggregateError listing what could not be stopped or removed (after trying every step)
	 */
	cleanup(): Promise<DemoCleanup>;
}

/** Options of {@link startDemoBot}. */
export interface StartDemoBotOptions {
	emulator: DiscordEmulator;
	/** The bot's source of time, moved by the demo. */
	clock: ManualClock;
	/** Log level of the bot's file log (default `info`: level-ups and tier changes are logged at info). */
	logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
}

/**
 * Creates the database `bot_demo_<random>` on the demo's PostgreSQL server, then starts the bot with
 * `DISCORD_REST_URL` pointing at the emulator, the given clock, no HTTP server and no signal handling (the demo
 * handles Ctrl-C itself), and waits until it is ready. Migrations run inside `startBot`.
 *
 * @throws when PostgreSQL or Redis cannot be reached, or the bot is not ready within 30 s; whatever was created is
 *   removed again first.
 */
export async function startDemoBot(options: StartDemoBotOptions): Promise<DemoBot> {
	const id = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
	const databaseName = `bot_demo_${id}`;
	const url = new URL(demoDatabaseServerUrl);
	url.pathname = `/${databaseName}`;
	const databaseUrl = url.toString();
	const redisPrefix = `demo-${id}:`;
	const log = new DemoLog(join(tmpdir(), `hearth-demo-${id}.log`));

	let handle: BotHandle | null = null;
	let databaseCreated = false;
	let cleaning: Promise<DemoCleanup> | null = null;
	const cleanup = () =>
		(cleaning ??= (async () => {
			const problems: unknown[] = [];
			if (handle) await handle.stop('demo finished').catch((error: unknown) => problems.push(error));
			if (databaseCreated) await dropDatabase(databaseUrl).catch((error: unknown) => problems.push(error));
			const redisKeysDeleted = await deleteRedisKeys(demoRedisUrl, redisPrefix).catch((error: unknown) => {
				problems.push(error);
				return null;
			});
			await log.close();
			if (problems.length) throw new AggregateError(problems, 'Demo clean-up failed');
			return { redisKeysDeleted };
		})());

	const started = Date.now();
	try {
		await createDatabase(databaseUrl);
		databaseCreated = true;
		handle = await startBot({
			env: {
				DISCORD_TOKEN: options.emulator.bot.token,
				DISCORD_REST_URL: options.emulator.restUrl,
				DATABASE_URL: databaseUrl,
				REDIS_URL: demoRedisUrl,
				LOG_LEVEL: options.logLevel ?? 'info',
				LOG_FORMAT: 'text'
			},
			clock: options.clock,
			httpPort: null,
			handleSignals: false,
			handleProcessErrors: false,
			redisPrefix,
			logStream: log.stream
		});
		await withTimeout(handle.ready, READY_TIMEOUT_MS, 'Bot start-up');
	} catch (error) {
		await cleanup().catch(() => undefined);
		if (log.lines.length === 0) await unlink(log.path).catch(() => undefined);
		throw error;
	}
	return { handle, databaseName, databaseUrl, redisPrefix, log, readyInMs: Date.now() - started, cleanup };
}
