import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from '../../src/lib/paths.js';
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
	return {
		child,
		logs,
		exited,
		alive: () => child.exitCode === null && child.signalCode === null,
		tail: () => logs.lines.slice(-30).join('\n')
	};
}
