/**
 * Starts what `npm run bench:memory` measures (./memoryChild.ts: the bot, the bot with discord.js's default caches, or a
 * bare discord.js client) in its own process and talks to it over IPC; and builds the bot as it ships (tsup, the same
 * build as `npm run build`) into a folder of its own, so that the measurement runs the JavaScript production runs and
 * never touches the project's `dist/` (other work may be building or testing it).
 */
import { spawnBenchChild, untilReady } from './spawnChild.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../../src/lib/paths.js';
import { withTimeout } from '../../src/lib/timeout.js';
import { LogCapture } from '../../tools/logCapture.js';
import type { MemoryChildLaunch, MemoryChildMessage, MemoryChildRequest, MemoryProbe } from './memoryChild.js';

const childMain = fileURLToPath(new URL('./memoryChild.ts', import.meta.url));

/** A build of the bot outside the project folder, and how to remove it. */
export interface BotBuild {
	/** Absolute path of the build's `lib/bot.js`. */
	botModule: string;
	/** Milliseconds the build took. */
	buildMs: number;
	remove(): Promise<void>;
}

/**
 * Builds the bot with the project's tsup config into `<tmp>/hearth-bench-memory-*` /dist, next to links to the
 * project's `node_modules`, `locales`, `config` and `package.json` (the build finds `locales/` and `config/` one level
 * above `dist/`, as in the Docker image).
 * @throws Error with tsup's output when the build fails (the folder is removed).
 */
export async function buildBot(): Promise<BotBuild> {
	const started = performance.now();
	const root = await mkdtemp(join(tmpdir(), 'hearth-bench-memory-'));
	const remove = () => rm(root, { recursive: true, force: true });
	try {
		for (const entry of ['node_modules', 'locales', 'config', 'package.json']) await symlink(join(projectRoot, entry), join(root, entry));
		const logs = new LogCapture();
		const tsup = spawn(process.execPath, [join(projectRoot, 'node_modules/tsup/dist/cli-default.js'), '--out-dir', join(root, 'dist'), '--silent'], {
			cwd: projectRoot,
			stdio: ['ignore', 'pipe', 'pipe']
		});
		tsup.stdout?.on('data', (chunk: Buffer) => logs.push(String(chunk)));
		tsup.stderr?.on('data', (chunk: Buffer) => logs.push(String(chunk)));
		const code = await new Promise<number | null>((resolve) => tsup.once('exit', resolve));
		if (code !== 0) throw new Error(`tsup failed (exit ${code}):\n${logs.lines.slice(-30).join('\n')}`);
		return { botModule: join(root, 'dist', 'lib', 'bot.js'), buildMs: performance.now() - started, remove };
	} catch (error) {
		await remove();
		throw error;
	}
}

/** A measured process started by {@link startMemoryChild}. */
export interface MemoryChild {
	process: ChildProcess;
	logs: LogCapture;
	/** Milliseconds from spawn to ready, as the parent saw it. */
	readyAfterMs: number;
	/** Asks for its memory and caches; with `gc`, after a full garbage collection. @throws after 30 s. */
	probe(options?: { gc?: boolean }): Promise<MemoryProbe>;
	/** SIGTERM, then waits for the exit (SIGKILL after `limitMs`). */
	stop(limitMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; durationMs: number }>;
}

/**
 * Spawns ./memoryChild.ts and waits until it is ready. Node runs the file as it is (type stripping) with
 * `--expose-gc` and `nodeFlags`, with `env` over the benchmark's environment (variables such as MALLOC_ARENA_MAX or
 * LD_PRELOAD that act before Node starts); `fromSource` adds tsx (`--require tsx/cjs --import tsx`), which a bot
 * module under src/ needs.
 * @throws Error when the child fails or exits before ready, or is not ready within `readyTimeoutMs` (it is killed;
 *   its last log lines are in the message).
 */
export async function startMemoryChild(
	launch: MemoryChildLaunch,
	options: { fromSource: boolean; nodeFlags: readonly string[]; env?: Readonly<Record<string, string>>; readyTimeoutMs: number }
): Promise<MemoryChild> {
	const started = performance.now();
	const args = ['--expose-gc', ...options.nodeFlags, ...(options.fromSource ? ['--require', 'tsx/cjs', '--import', 'tsx'] : []), childMain];
	const spawned = spawnBenchChild(args, 'BENCH_MEMORY_CHILD', launch, options.env);
	const { child, logs } = spawned;
	await untilReady(spawned, launch.subject, options.readyTimeoutMs, (message: MemoryChildMessage) => {
		if (message.type === 'failed') throw new Error(`${launch.subject} failed to start: ${message.error}`);
		return message.type === 'ready';
	});
	const readyAfterMs = performance.now() - started;
	let nextId = 1;
	return {
		process: child,
		logs,
		readyAfterMs,
		probe: ({ gc = false } = {}) => {
			const id = nextId++;
			let onMessage: ((message: MemoryChildMessage) => void) | undefined;
			const answer = new Promise<MemoryProbe>((resolve) => {
				onMessage = (message: MemoryChildMessage) => {
					if (message.type !== 'probe' || message.id !== id) return;
					const { type: _type, id: _id, ...probe } = message;
					resolve(probe);
				};
				child.on('message', onMessage);
				child.send({ type: 'probe', id, gc } satisfies MemoryChildRequest);
			});
			return withTimeout(answer, 30_000, `${launch.subject} probe`).finally(() => child.off('message', onMessage!));
		},
		stop: (limitMs = 15_000) => spawned.stop(limitMs)
	};
}
