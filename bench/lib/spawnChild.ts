import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from '../../src/lib/paths.js';
import { withTimeout } from '../../src/lib/timeout.js';
import { LogCapture } from '../../tools/logCapture.js';

/** A benchmark's child process with its output captured. */
export interface SpawnedChild {
	child: ChildProcess;
	/** Its stdout and stderr, line by line. */
	logs: LogCapture;
	/** Resolves when it exits, with its exit code or signal. */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** Whether it is still running. */
	alive: () => boolean;
	/** Its last 30 lines of output (for error messages). */
	tail: () => string;
	/** SIGTERM, then waits for the exit; SIGKILL after `limitMs` milliseconds. Resolves with the exit and how long it took (ms). */
	stop: (limitMs: number) => Promise<{ code: number | null; signal: NodeJS.Signals | null; durationMs: number }>;
}

/**
 * Spawns Node with `args` in the project's folder, an IPC channel, and `payload` as JSON in the environment variable
 * `envName` (how bench children receive their options), and `extraEnv` over the parent's environment (e.g. the
 * allocator settings the bot ships with: MALLOC_ARENA_MAX, LD_PRELOAD); captures its output.
 */
export function spawnBenchChild(args: readonly string[], envName: string, payload: unknown, extraEnv: Readonly<Record<string, string>> = {}): SpawnedChild {
	const logs = new LogCapture();
	const child = spawn(process.execPath, [...args], {
		cwd: projectRoot,
		env: { ...process.env, ...extraEnv, [envName]: JSON.stringify(payload) },
		stdio: ['ignore', 'pipe', 'pipe', 'ipc']
	});
	child.stdout?.on('data', (chunk: Buffer) => logs.push(String(chunk)));
	child.stderr?.on('data', (chunk: Buffer) => logs.push(String(chunk)));
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
	const alive = () => child.exitCode === null && child.signalCode === null;
	return {
		child,
		logs,
		exited,
		alive,
		tail: () => logs.lines.slice(-30).join('\n'),
		async stop(limitMs) {
			const started = performance.now();
			if (alive()) child.kill('SIGTERM');
			const result = await withTimeout(exited, limitMs, 'exit after SIGTERM').catch(() => {
				if (alive()) child.kill('SIGKILL');
				return exited;
			});
			return { ...result, durationMs: performance.now() - started };
		}
	};
}

/**
 * Waits until a child spawned by {@link spawnBenchChild} says it is ready: `ready` is shown each IPC message and
 * returns true for the one that means ready (or throws for one that means the start failed).
 * @param what the child's name in error messages (`the bot`, `the baseline`)
 * @param timeoutMs how long to wait, milliseconds
 * @throws Error when the child exits first, `ready` throws, or `timeoutMs` passes; the child is killed and its last
 *   log lines are in the message
 */
export async function untilReady<M>(spawned: SpawnedChild, what: string, timeoutMs: number, ready: (message: M) => boolean): Promise<void> {
	const { child, exited, alive, tail } = spawned;
	const isReady = new Promise<void>((resolve, reject) => {
		child.on('message', (message: M) => {
			try {
				if (ready(message)) resolve();
			} catch (error) {
				reject(error);
			}
		});
		void exited.then(({ code, signal }) => reject(new Error(`${what} exited before ready (code ${code}, signal ${signal}):\n${tail()}`)));
	});
	try {
		await withTimeout(isReady, timeoutMs, `${what} ready`);
	} catch (error) {
		if (alive()) child.kill('SIGKILL');
		await exited;
		throw error instanceof Error && !error.message.includes('\n') ? new Error(`${error.message}:\n${tail()}`) : error;
	}
}
