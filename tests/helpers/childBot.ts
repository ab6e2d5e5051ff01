import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../../src/lib/paths.js';
import type { PluginName, PluginServices } from '../../src/lib/plugins/services.js';
import type { ScheduleOptions, TaskName, TaskPayloads } from '../../src/lib/tasks/types.js';
import type { DiscordEmulator } from '@hearth/discord-emulator';
import { withTimeout } from '../../src/lib/timeout.js';
import { testRedisUrl } from '../../tools/infra.js';
import { LogCapture } from '../../tools/logCapture.js';
import type { TestDatabase } from './infra.js';

/** Plugins for a child bot: modules to import and the manifest exports to take from each. */
export interface ChildPluginSpec {
	/** Absolute path or file URL of a module, e.g. `new URL('../fixtures/echo-plugin/index.ts', import.meta.url).href`. */
	module: string;
	exports: string[];
}

/** What the parent tells the child (JSON in BOT_CHILD_OPTIONS). */
export interface ChildBotLaunch {
	env: Record<string, string | undefined>;
	redisPrefix: string;
	plugins?: ChildPluginSpec[];
	clockStartMs?: number;
	http?: boolean;
}

/** A task the parent asks the child to schedule (its task queue's `schedule`). */
export interface ChildScheduleRequest {
	type: 'schedule';
	id: number;
	task: string;
	options: ScheduleOptions<unknown>;
}

/** A method of a plugin's service the parent asks the child to call (arguments and result cross as JSON). */
export interface ChildServiceCall {
	type: 'call';
	id: number;
	plugin: string;
	method: string;
	args: unknown[];
}

/** Messages from the child over IPC. */
export type ChildBotMessage =
	| { type: 'ready'; httpPort: number | null }
	| { type: 'clock-ack'; id: number; now: number }
	| { type: 'scheduled'; id: number; jobId?: string; outcome?: string; error?: string }
	| { type: 'called'; id: number; result?: unknown; error?: string };

/** Options of {@link startChildBot}. */
export interface ChildBotOptions {
	emulator: DiscordEmulator;
	/** The database to use (usually the one of a bot started with startTestBot, to share it). Not dropped here. */
	database: TestDatabase;
	/** The Redis prefix to use (share it with another bot to share cache, pub/sub and task queue). */
	redisPrefix: string;
	redisUrl?: string;
	/** Plugins to load in the child. Default: the bot's own list. */
	plugins?: ChildPluginSpec[];
	/** Extra or overriding environment variables of the bot. */
	env?: Record<string, string | undefined>;
	/** Give the child a ManualClock starting at this time (ms since epoch), driven with `clock.set/advance`. */
	clockStartMs?: number;
	/** Serve /healthz and /metrics on a free port. */
	http?: boolean;
	/** Wait for ready (default true). */
	waitForReady?: boolean;
}

/** A bot running in its own process. */
export interface ChildBot {
	process: ChildProcess;
	logs: LogCapture;
	/** Resolves once ready (every shard, commands registered). */
	ready: Promise<void>;
	httpPort: number | null;
	/** The child's ManualClock, when started with `clockStartMs`; resolves once the child applied the change. */
	clock: { set(ms: number): Promise<number>; advance(ms: number): Promise<number> } | null;
	/** Resolves when the process exits. */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** Sends a signal (default SIGTERM) and waits for the exit; reports how long the shutdown took (ms). */
	stop(signal?: 'SIGTERM' | 'SIGINT'): Promise<{ code: number | null; signal: NodeJS.Signals | null; durationMs: number }>;
	/** SIGKILL: the process dies at once, nothing is flushed (a crash). */
	kill(): Promise<void>;
	/** Schedules a job through the child's own task queue. @returns its job id. @throws what the child's schedule threw. */
	schedule<T extends TaskName>(task: T, options: ScheduleOptions<TaskPayloads[T]>): Promise<string>;
	/**
	 * Calls a method of a part of a plugin's service in the child, named by its path (`opening.open` for
	 * `pluginHost.service('tickets').opening.open(...args)`); untyped, otherwise as {@link call}.
	 * @throws Error with the child's error text when the call failed there.
	 */
	callPath(plugin: PluginName, path: string, ...args: unknown[]): Promise<unknown>;
	/**
	 * Calls a method of a plugin's service in the child (`pluginHost.service(plugin)[method](...args)`), for tests that
	 * act in a second process (two processes numbering cases). Arguments and the result cross as JSON.
	 * @throws Error with the child's error text when the call failed there.
	 */
	call<N extends PluginName, M extends keyof PluginServices[N] & string>(
		plugin: N,
		method: M,
		...args: PluginServices[N][M] extends (...params: infer P) => unknown ? P : never
	): Promise<unknown>;
}

/** How long a child bot may take to be ready ({@link startChildBot}), ms: tsx compiles the bot from source first. */
const CHILD_READY_TIMEOUT_MS = 45_000;

/**
 * The timeout for a test that starts a child bot inside it (not in a hook), ms: the child's ready timeout (45 s, on a
 * loaded machine) plus room for the test's own work; vitest's default of 30 s would end the test before the child's
 * own timeout could say what was slow.
 */
export const CHILD_BOT_TEST_TIMEOUT_MS = 90_000;

const childMain = fileURLToPath(new URL('./childBotMain.ts', import.meta.url));

/**
 * Starts the real bot in a separate Node process (with tsx, from source) against the emulator: for two bot processes
 * sharing PostgreSQL and Redis, for SIGTERM shutdown checks, and for crashes (`kill()`), where nothing survives.
 */
export async function startChildBot(options: ChildBotOptions): Promise<ChildBot> {
	const logs = new LogCapture();
	const launch: ChildBotLaunch = {
		env: {
			DISCORD_TOKEN: options.emulator.bot.token,
			DISCORD_REST_URL: options.emulator.restUrl,
			DATABASE_URL: options.database.url,
			REDIS_URL: options.redisUrl ?? testRedisUrl,
			LOG_LEVEL: process.env.BOT_TEST_LOG_LEVEL ?? 'info',
			LOG_FORMAT: 'text',
			...options.env
		},
		redisPrefix: options.redisPrefix,
		...(options.plugins ? { plugins: options.plugins } : {}),
		...(options.clockStartMs !== undefined ? { clockStartMs: options.clockStartMs } : {}),
		...(options.http ? { http: true } : {})
	};
	// `--require tsx/cjs` also tells Sapphire's loader that .ts pieces can be loaded.
	const child = spawn(process.execPath, ['--require', 'tsx/cjs', '--import', 'tsx', childMain], {
		cwd: projectRoot,
		env: { ...process.env, BOT_CHILD_OPTIONS: JSON.stringify(launch) },
		stdio: ['ignore', 'pipe', 'pipe', 'ipc']
	});
	child.stdout?.on('data', (chunk: Buffer) => logs.push(String(chunk)));
	child.stderr?.on('data', (chunk: Buffer) => logs.push(String(chunk)));
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.once('exit', (code, signal) => resolve({ code, signal }))
	);
	let httpPort: number | null = null;
	const ready = new Promise<void>((resolve, reject) => {
		child.on('message', (message: ChildBotMessage) => {
			if (message.type === 'ready') {
				httpPort = message.httpPort;
				resolve();
			}
		});
		void exited.then(({ code, signal }) => reject(new Error(`Child bot exited before ready (code ${code}, signal ${signal}):\n${logs.lines.slice(-30).join('\n')}`)));
	});
	ready.catch(() => undefined);
	let nextId = 1;
	const clockCall = (op: 'set' | 'advance', ms: number) =>
		new Promise<number>((resolve) => {
			const id = nextId++;
			const onMessage = (message: ChildBotMessage) => {
				if (message.type === 'clock-ack' && message.id === id) {
					child.off('message', onMessage);
					resolve(message.now);
				}
			};
			child.on('message', onMessage);
			child.send({ type: 'clock', id, op, ms });
		});
	const bot: ChildBot = {
		process: child,
		logs,
		ready,
		get httpPort() {
			return httpPort;
		},
		clock: options.clockStartMs === undefined ? null : { set: (ms) => clockCall('set', ms), advance: (ms) => clockCall('advance', ms) },
		exited,
		async stop(signal = 'SIGTERM') {
			const started = Date.now();
			if (child.exitCode === null && child.signalCode === null) child.kill(signal);
			const result = await withTimeout(exited, 15_000, `Child bot exit after ${signal}`);
			return { ...result, durationMs: Date.now() - started };
		},
		async kill() {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
			await exited;
		},
		call(plugin, method, ...args) {
			return bot.callPath(plugin, method, ...args);
		},
		callPath(plugin, method, ...args) {
			return new Promise<unknown>((resolve, reject) => {
				const id = nextId++;
				const onMessage = (message: ChildBotMessage) => {
					if (message.type !== 'called' || message.id !== id) return;
					child.off('message', onMessage);
					if (message.error === undefined) resolve(message.result);
					else reject(new Error(`The child bot's ${plugin}.${method} failed: ${message.error}`));
				};
				child.on('message', onMessage);
				child.send({ type: 'call', id, plugin, method, args } satisfies ChildServiceCall);
			});
		},
		schedule(task, scheduleOptions) {
			return new Promise<string>((resolve, reject) => {
				const id = nextId++;
				const onMessage = (message: ChildBotMessage) => {
					if (message.type !== 'scheduled' || message.id !== id) return;
					child.off('message', onMessage);
					if (message.jobId) resolve(message.jobId);
					else reject(new Error(`The child bot could not schedule ${task}: ${message.error}`));
				};
				child.on('message', onMessage);
				child.send({ type: 'schedule', id, task, options: scheduleOptions } satisfies ChildScheduleRequest);
			});
		}
	};
	if (options.waitForReady ?? true) {
		try {
			await withTimeout(ready, CHILD_READY_TIMEOUT_MS, 'Child bot ready');
		} catch (error) {
			await bot.kill();
			throw error;
		}
	}
	return bot;
}
