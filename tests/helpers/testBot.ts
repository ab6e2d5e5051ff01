import type { DiscordEmulator } from '@hearth/discord-emulator';
import { startBot, type BotHandle } from '../../src/lib/bot.js';
import type { Clock } from '../../src/lib/clock.js';
import type { BotConfig } from '../../src/lib/config.js';
import type { AnyPluginManifest } from '../../src/lib/plugins/definePlugin.js';
import type { GuardDropListener } from '../../src/lib/plugins/guards.js';
import { withTimeout } from '../../src/lib/timeout.js';
import { testRedisUrl } from '../../tools/infra.js';
import { LogCapture } from '../../tools/logCapture.js';
import { deleteRedisKeys } from '../../tools/redisKeys.js';
import type { RandomSource } from '../../src/lib/random.js';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from './infra.js';
import { resetSapphireForNextBot } from './sapphireReset.js';

/** Options of {@link startTestBot}. */
export interface StartTestBotOptions {
	emulator: DiscordEmulator;
	/** Source of "now" for the bot (a ManualClock to drive time). Default: the system clock. */
	clock?: Clock;
	/** Source of randomness handed to plugins (a SeededRandom to replay draws). Default: cryptographic. */
	random?: RandomSource;
	/** Plugins of the bot. Default: the bot's own list (src/plugins/index.ts). */
	plugins?: readonly AnyPluginManifest[];
	/** Extra or overriding environment variables (e.g. `SHARD_COUNT`, `LOG_LEVEL`). */
	env?: Record<string, string | undefined>;
	/** Bot-wide defaults instead of config/defaults.json. */
	config?: BotConfig;
	/** Reuse a database (a restart, or a second bot); default: a fresh one, dropped by `stop()`. */
	database?: TestDatabase;
	/** Reuse a Redis prefix (a restart, or a second bot sharing Redis); default: a fresh one, cleaned by `stop()`. */
	redisPrefix?: string;
	/** Redis to use (default the test Redis); e.g. a private `redis-server` that the test stops. */
	redisUrl?: string;
	/** Wait until every shard is ready and the commands are registered (default true). */
	waitForReady?: boolean;
	/** Serve /healthz and /metrics on a free port (default false). */
	http?: boolean;
	/** Told when the core skips a plugin piece for a guild where the plugin is off. */
	onGuardDrop?: GuardDropListener;
}

/** A bot running in this test process, from {@link startTestBot}. */
export interface TestBot {
	handle: BotHandle;
	database: TestDatabase;
	redisPrefix: string;
	redisUrl: string;
	/** The environment the bot was started with (to start a twin: child process, restart). */
	env: Record<string, string | undefined>;
	logs: LogCapture;
	/** Clean stop (plugins flush), then drops what this helper created (database, Redis keys). */
	stop(): Promise<void>;
	/** Drops the bot without any flush (no `onShutdown`), keeping the database and Redis keys for a restart. */
	crash(): Promise<void>;
	/** After `crash()` (or to clean up a bot stopped otherwise): drops what this helper created. */
	cleanup(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

/**
 * The handle of the bot this helper started last, until its TestBot's `stop()`, `crash()` or `cleanup()`. The files of
 * a vitest worker share this module (`isolate: false`, vitest.config.ts): a file that fails before stopping its bot
 * would otherwise make every later file of the worker fail with "A bot is already running in this process".
 */
let lastStarted: BotHandle | null = null;

/**
 * Crashes the bot an earlier test left running (it failed before its `stop()`), so that one failure does not spread
 * to the next files of the worker. A no-op for a bot already stopped through its handle (`crash()` then returns the
 * same promise); its database and Redis keys are left (a later bot of the same test may reuse them).
 */
async function crashBotLeftRunning(): Promise<void> {
	const left = lastStarted;
	lastStarted = null;
	await left?.crash().catch(() => undefined);
}

/**
 * Starts the real bot in this process against the emulator, with its own PostgreSQL database (migrated at start) and
 * Redis key prefix (cache keys, pub/sub channel and task queue), and waits until it is ready.
 * One bot per process at a time (Sapphire's container is process-wide): stop or crash it before starting another;
 * use {@link startChildBot} (./childBot.ts) for a second bot running at the same time.
 */
export async function startTestBot(options: StartTestBotOptions): Promise<TestBot> {
	await crashBotLeftRunning();
	const ownsDatabase = !options.database;
	const database = options.database ?? (await createTestDatabase());
	const ownsPrefix = !options.redisPrefix;
	const redisPrefix = options.redisPrefix ?? uniqueRedisPrefix();
	const redisUrl = options.redisUrl ?? testRedisUrl;
	const logs = new LogCapture();
	const env: Record<string, string | undefined> = {
		DISCORD_TOKEN: options.emulator.bot.token,
		DISCORD_REST_URL: options.emulator.restUrl,
		DATABASE_URL: database.url,
		REDIS_URL: redisUrl,
		LOG_LEVEL: process.env.BOT_TEST_LOG_LEVEL ?? 'info',
		LOG_FORMAT: 'text',
		...options.env
	};
	const cleanup = async () => {
		if (ownsPrefix) await deleteRedisKeys(redisUrl, redisPrefix);
		if (ownsDatabase) await database.drop();
	};
	let handle: BotHandle | undefined;
	resetSapphireForNextBot();
	try {
		handle = await startBot({
			env,
			...(options.clock ? { clock: options.clock } : {}),
			...(options.random ? { random: options.random } : {}),
			...(options.plugins ? { plugins: options.plugins } : {}),
			...(options.config ? { config: options.config } : {}),
			...(options.onGuardDrop ? { onGuardDrop: options.onGuardDrop } : {}),
			httpPort: options.http ? 0 : null,
			httpHost: '127.0.0.1',
			handleSignals: false,
			redisPrefix,
			logStream: logs.stream
		});
		if (options.waitForReady ?? true) await withTimeout(handle.ready, READY_TIMEOUT_MS, 'Bot ready');
	} catch (error) {
		await handle?.crash();
		await cleanup();
		if (logs.lines.length && process.env.BOT_TEST_LOGS !== '1') process.stderr.write(`${logs.lines.slice(-40).join('\n')}\n`);
		throw error;
	}
	const started = handle;
	lastStarted = started;
	const untrack = () => {
		if (lastStarted === started) lastStarted = null;
	};
	return {
		handle: started,
		database,
		redisPrefix,
		redisUrl,
		env,
		logs,
		async stop() {
			untrack();
			await started.stop('test done');
			await cleanup();
		},
		async crash() {
			untrack();
			await started.crash();
		},
		async cleanup() {
			untrack();
			await cleanup();
		}
	};
}
