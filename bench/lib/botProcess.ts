/**
 * Runs the real bot in a child process for the benchmark, so that the resident memory it reports is the bot's own
 * (not the emulator's, which lives in the benchmark process). The child is ./botChildMain.ts under tsx, from source.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../../src/lib/paths.js';
import { withTimeout } from '../../src/lib/timeout.js';
import { LogCapture } from '../../tools/logCapture.js';

/** What the parent tells the child (JSON in BENCH_BOT_OPTIONS). */
export interface BotChildLaunch {
	env: Record<string, string | undefined>;
	redisPrefix: string;
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

/** Messages from the child. */
export type BotChildMessage = { type: 'ready'; plugins: string[] } | ({ type: 'probe'; id: number } & BotProbe);

/** Requests to the child. */
export type BotChildRequest = { type: 'probe'; id: number; gc: boolean };

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
	/** SIGTERM (the bot flushes and exits), waits for the exit (SIGKILL after `limitMs`). */
	stop(limitMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; durationMs: number }>;
}

const childMain = fileURLToPath(new URL('./botChildMain.ts', import.meta.url));

/**
 * Spawns the bot and waits until it is ready.
 *
 * @param launch the bot's environment (DISCORD_TOKEN, DISCORD_REST_URL, DATABASE_URL, REDIS_URL, …) and Redis prefix
 * @param readyTimeoutMs how long to wait for ready, in milliseconds
 * @throws Error when the child exits or is not ready in time (it is killed; the last log lines are in the message)
 */
export async function startBotProcess(launch: BotChildLaunch, readyTimeoutMs: number): Promise<BotProcess> {
	const logs = new LogCapture();
	const started = Date.now();
	// `--require tsx/cjs` also tells Sapphire's loader that .ts pieces can be loaded; `--expose-gc` serves probes.
	const child = spawn(process.execPath, ['--expose-gc', '--require', 'tsx/cjs', '--import', 'tsx', childMain], {
		cwd: projectRoot,
		env: { ...process.env, BENCH_BOT_OPTIONS: JSON.stringify(launch) },
		stdio: ['ignore', 'pipe', 'pipe', 'ipc']
	});
	child.stdout?.on('data', (chunk: Buffer) => logs.push(String(chunk)));
	child.stderr?.on('data', (chunk: Buffer) => logs.push(String(chunk)));
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.once('exit', (code, signal) => resolve({ code, signal }))
	);
	const alive = () => child.exitCode === null && child.signalCode === null;
	const tail = () => logs.lines.slice(-30).join('\n');

	let plugins: string[] = [];
	const ready = new Promise<void>((resolve, reject) => {
		child.on('message', (message: BotChildMessage) => {
			if (message.type === 'ready') {
				plugins = message.plugins;
				resolve();
			}
		});
		void exited.then(({ code, signal }) => reject(new Error(`The bot exited before ready (code ${code}, signal ${signal}):\n${tail()}`)));
	});
	try {
		await withTimeout(ready, readyTimeoutMs, 'Bot ready');
	} catch (error) {
		if (alive()) child.kill('SIGKILL');
		await exited;
		throw error instanceof Error && !error.message.includes('\n') ? new Error(`${error.message}:\n${tail()}`) : error;
	}
	const readyAfterMs = Date.now() - started;

	let nextId = 1;
	return {
		process: child,
		logs,
		plugins,
		readyAfterMs,
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
		async stop(limitMs = 15_000) {
			const stopStarted = Date.now();
			if (alive()) child.kill('SIGTERM');
			try {
				const result = await withTimeout(exited, limitMs, 'Bot exit after SIGTERM');
				return { ...result, durationMs: Date.now() - stopStarted };
			} catch {
				if (alive()) child.kill('SIGKILL');
				const result = await exited;
				return { ...result, durationMs: Date.now() - stopStarted };
			}
		}
	};
}
