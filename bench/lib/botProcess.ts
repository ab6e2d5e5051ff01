/**
 * Runs the real bot in a child process for the benchmark, so that the resident memory it reports is the bot's own
 * (not the emulator's, which lives in the benchmark process). The child is ./botChildMain.ts under tsx, from source.
 *
 * A benchmark that needs more than the probe can load extensions into the child (`extensions` of the launch: modules
 * exporting `install(api: BotChildApi)`, e.g. ./automodChild.ts), which answer named calls ({@link BotProcess.call})
 * and push events ({@link BotProcess.onEvent}) over the same IPC channel.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withTimeout } from '../../src/lib/timeout.js';
import type { BotHandle } from '../../src/lib/bot.js';
import type { LogCapture } from '../../tools/logCapture.js';
import { testRedisUrl } from '../../tools/infra.js';
import { spawnBenchChild, untilReady } from './spawnChild.js';

/** What the parent tells the child (JSON in BENCH_BOT_OPTIONS). */
export interface BotChildLaunch {
	env: Record<string, string | undefined>;
	redisPrefix: string;
	/**
	 * Absolute paths of modules the child imports once `startBot` returned (before ready), each exporting
	 * `install(api: BotChildApi)` (see ./botChildMain.ts); none by default.
	 */
	extensions?: string[];
}

/** The voice XP plugin's flushes so far, as the bot's service reports them. */
export interface BotFlushInfo {
	/** Flush cycles completed. */
	count: number;
	/** The last one: drain time (ms since epoch), guilds drained, real ms the write took, rows written and skipped. */
	last: { at: number; guilds: number; durationMs: number; written: number | null; skipped: number | null; statements: number | null } | null;
}

/** The voice XP tracker's counts: guilds tracked, members in voice (bots included), members earning now. */
export interface SessionCounts {
	guilds: number;
	members: number;
	earning: number;
}

/** Memory of the child process, in bytes (`process.memoryUsage()`). */
export interface ProcessMemory {
	rss: number;
	heapUsed: number;
	heapTotal: number;
	external: number;
	arrayBuffers: number;
}

/** One probe of the child: its memory and what the bot holds. */
export interface BotProbe {
	memory: ProcessMemory;
	/** discord.js caches: guilds, voice states with a channel, guild members. */
	discord: { guilds: number; voiceStates: number; members: number };
	/** The voice XP plugin's live sessions, or null when the plugin is not running. */
	sessions: SessionCounts | null;
	/** The voice XP plugin's flushes, or null when the plugin is not running. */
	flush: BotFlushInfo | null;
	/** Voice XP upserts (`insert into voice_xp_member_stats …`) the bot's pg driver has sent since start. */
	voiceXpUpserts: number;
}

/** Messages from the child: ready, a probe's answer, an extension call's answer, an extension's event. */
export type BotChildMessage =
	| { type: 'ready'; plugins: string[] }
	| ({ type: 'probe'; id: number } & BotProbe)
	| { type: 'call-result'; id: number; ok: true; value: unknown }
	| { type: 'call-result'; id: number; ok: false; error: string }
	| { type: 'event'; name: string; data: unknown };

/** Requests to the child: a probe, or a call of a handler an extension registered. */
export type BotChildRequest = { type: 'probe'; id: number; gc: boolean } | { type: 'call'; id: number; name: string; payload: unknown };

/** What an extension's `install(api)` gets in the child (see {@link BotChildLaunch.extensions}). */
export interface BotChildApi {
	/** The running bot, as `startBot` returned it (not ready yet when `install` runs). */
	bot: BotHandle;
	/** Registers the handler of calls named `name` ({@link BotProcess.call}); what it returns (or resolves with) is sent back. */
	answer(name: string, handler: (payload: unknown) => unknown): void;
	/** Pushes an event to the parent ({@link BotProcess.onEvent}). */
	emit(name: string, data: unknown): void;
}

/** A bot process started by {@link startBotProcess}. */
export interface BotProcess {
	process: ChildProcess;
	logs: LogCapture;
	/** Names of the plugins the bot loaded (known once ready). */
	plugins: string[];
	/** Milliseconds from spawn to ready (every shard ready, commands registered). */
	readyAfterMs: number;
	/** Asks the child for its memory and counts; with `gc`, after a full garbage collection. */
	probe(options?: { gc?: boolean }): Promise<BotProbe>;
	/**
	 * Calls the handler an extension registered as `name` in the child with `payload` (structured-clone data) and
	 * resolves with what it returned. @throws Error with the child's message when the handler threw, or after
	 * `timeoutMs` (default 60 s).
	 */
	call<T>(name: string, payload?: unknown, timeoutMs?: number): Promise<T>;
	/** Listens to the events extensions push (`api.emit(name, data)` in the child). @returns a function that stops listening. */
	onEvent(listener: (name: string, data: unknown) => void): () => void;
	/** SIGTERM (the bot flushes and exits), waits for the exit (SIGKILL after `limitMs`). */
	stop(limitMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; durationMs: number }>;
}

const childMain = fileURLToPath(new URL('./botChildMain.ts', import.meta.url));

/**
 * The environment of a bench's bot on the Discord emulator: the emulator's token and REST URL, the bench's database,
 * the test Redis (TEST_REDIS_URL), text logs at `logLevel`; `extra` adds or overrides variables (SHARD_COUNT, ...).
 */
export function emulatorBotEnv(
	emulator: { bot: { token: string }; restUrl: string },
	databaseUrl: string,
	logLevel: 'warn' | 'info' = 'warn',
	extra: Record<string, string> = {}
): Record<string, string> {
	return {
		DISCORD_TOKEN: emulator.bot.token,
		DISCORD_REST_URL: emulator.restUrl,
		DATABASE_URL: databaseUrl,
		REDIS_URL: testRedisUrl,
		LOG_LEVEL: logLevel,
		LOG_FORMAT: 'text',
		...extra
	};
}

/** Options of {@link startBotProcess} that are not the bot's own. */
export interface BotProcessOptions {
	/**
	 * Node flags for the bot's process, before the benchmark's own (e.g. tools/shippedStart.ts `startScriptNodeFlags()`:
	 * the flags `npm start` runs the bot with). BENCH_BOT_NODE_ARGS comes after them.
	 */
	nodeFlags?: readonly string[];
}

/**
 * Spawns the bot and waits until it is ready.
 *
 * @param launch the bot's environment (DISCORD_TOKEN, DISCORD_REST_URL, DATABASE_URL, REDIS_URL, …) and Redis prefix
 * @param readyTimeoutMs how long to wait for ready, in milliseconds
 * @param options Node flags for the bot's process
 * @throws Error when the child exits or is not ready in time (it is killed; the last log lines are in the message)
 */
export async function startBotProcess(launch: BotChildLaunch, readyTimeoutMs: number, options: BotProcessOptions = {}): Promise<BotProcess> {
	const started = Date.now();
	// `--require tsx/cjs` also tells Sapphire's loader that .ts pieces can be loaded; `--expose-gc` serves probes.
	// BENCH_BOT_NODE_ARGS adds Node flags to the bot process only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (Node
	// refuses --cpu-prof in NODE_OPTIONS).
	const extra = (process.env.BENCH_BOT_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
	const spawned = spawnBenchChild([...(options.nodeFlags ?? []), ...extra, '--expose-gc', '--require', 'tsx/cjs', '--import', 'tsx', childMain], 'BENCH_BOT_OPTIONS', launch);
	const { child, logs } = spawned;
	let plugins: string[] = [];
	await untilReady(spawned, 'the bot', readyTimeoutMs, (message: BotChildMessage) => {
		if (message.type !== 'ready') return false;
		plugins = message.plugins;
		return true;
	});
	const readyAfterMs = Date.now() - started;

	let nextId = 1;
	return {
		process: child,
		logs,
		plugins,
		readyAfterMs,
		call: <T>(name: string, payload?: unknown, timeoutMs = 60_000) =>
			withTimeout(
				new Promise<T>((resolve, reject) => {
					const id = nextId++;
					const onMessage = (message: BotChildMessage) => {
						if (message.type !== 'call-result' || message.id !== id) return;
						child.off('message', onMessage);
						if (message.ok) resolve(message.value as T);
						else reject(new Error(`bot call ${name} failed: ${message.error}`));
					};
					child.on('message', onMessage);
					child.send({ type: 'call', id, name, payload } satisfies BotChildRequest);
				}),
				timeoutMs,
				`Bot call ${name}`
			),
		onEvent(listener) {
			const onMessage = (message: BotChildMessage) => {
				if (message.type === 'event') listener(message.name, message.data);
			};
			child.on('message', onMessage);
			return () => child.off('message', onMessage);
		},
		probe: ({ gc = false } = {}) =>
			withTimeout(
				new Promise<BotProbe>((resolve) => {
					const id = nextId++;
					const onMessage = (message: BotChildMessage) => {
						if (message.type !== 'probe' || message.id !== id) return;
						child.off('message', onMessage);
						const { type: _type, id: _id, ...probe } = message;
						resolve(probe);
					};
					child.on('message', onMessage);
					child.send({ type: 'probe', id, gc } satisfies BotChildRequest);
				}),
				10_000,
				'Bot probe'
			),
		stop: (limitMs = 15_000) => spawned.stop(limitMs)
	};
}
