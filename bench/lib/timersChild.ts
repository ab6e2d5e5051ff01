/**
 * The child processes of `npm run bench:timers` (bench/timers.ts): two bot processes (./timersBotMain.ts, the real
 * `startBot`) for the measured run, and two bare BullMQ workers (./timersBareWorker.ts) for the baseline. Each runs
 * from source under tsx in its own process, so the two share the machine's cores as two real processes would, and
 * none of them shares an event loop with the emulator (which runs in the benchmark's process).
 *
 * The protocol over IPC: the child sends `{ type: 'ready' }` once it can work; the parent sends requests with an `id`
 * and the child answers `{ type: 'reply', id, result }` or `{ type: 'reply', id, error }`. SIGTERM stops it.
 */
import { spawnBenchChild, untilReady } from './spawnChild.js';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withTimeout } from '../../src/lib/timeout.js';
import type { LogCapture } from '../../tools/logCapture.js';

/** A request to a child: its name and arguments (JSON). */
export interface ChildRequest {
	type: 'request';
	id: number;
	name: string;
	args: unknown[];
}

/** What a child sends. */
export type ChildMessage = { type: 'ready' } | { type: 'reply'; id: number; result?: unknown; error?: string };

/** A running child of the benchmark. */
export interface BenchChild {
	process: ChildProcess;
	logs: LogCapture;
	/** Milliseconds from spawn to `ready`. */
	readyAfterMs: number;
	/** Sends a request and resolves with the child's answer. @throws Error with the child's error text, or after `timeoutMs`. */
	request<T>(name: string, args?: unknown[], timeoutMs?: number): Promise<T>;
	/** SIGTERM and wait for the exit (SIGKILL after `limitMs`). */
	stop(limitMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Spawns `main` (a .ts file of this folder) under tsx with `options` as JSON in BENCH_CHILD_OPTIONS and waits for it
 * to be ready.
 * @param readyTimeoutMs how long to wait for `ready`, in milliseconds.
 * @throws Error when the child exits or is not ready in time (it is killed; the last log lines are in the message).
 */
export async function startBenchChild(main: 'timersBotMain.ts' | 'timersBareWorker.ts', options: unknown, readyTimeoutMs: number): Promise<BenchChild> {
	const started = Date.now();
	const file = fileURLToPath(new URL(`./${main}`, import.meta.url));
	// `--require tsx/cjs` also tells Sapphire's loader that .ts pieces can be loaded.
	const spawned = spawnBenchChild(['--require', 'tsx/cjs', '--import', 'tsx', file], 'BENCH_CHILD_OPTIONS', options);
	const { child, logs } = spawned;
	await untilReady(spawned, main, readyTimeoutMs, (message: ChildMessage) => message.type === 'ready');
	const readyAfterMs = Date.now() - started;
	let nextId = 1;
	return {
		process: child,
		logs,
		readyAfterMs,
		request<T>(name: string, args: unknown[] = [], timeoutMs = 120_000) {
			const id = nextId++;
			let onMessage: ((message: ChildMessage) => void) | undefined;
			const answer = new Promise<T>((resolve, reject) => {
				onMessage = (message: ChildMessage) => {
					if (message.type !== 'reply' || message.id !== id) return;
					child.off('message', onMessage!);
					if (message.error === undefined) resolve(message.result as T);
					else reject(new Error(`${main} ${name} failed: ${message.error}`));
				};
				child.on('message', onMessage);
				child.send({ type: 'request', id, name, args } satisfies ChildRequest);
			});
			return withTimeout(answer, timeoutMs, `${main} ${name}`).finally(() => child.off('message', onMessage!));
		},
		stop: (limitMs = 15_000) => spawned.stop(limitMs)
	};
}

/**
 * The child's side: answers the parent's requests with `handlers` (by name) and tells it when it is ready.
 * @returns `ready()`, to call once the child can work.
 */
export function serveParent(handlers: Record<string, (...args: never[]) => unknown>): { ready(): void } {
	const send = (message: ChildMessage) => process.send?.(message);
	process.on('message', (request: ChildRequest) => {
		if (request?.type !== 'request') return;
		const handler = handlers[request.name];
		Promise.resolve()
			.then(() => {
				if (!handler) throw new Error(`no request named ${request.name}`);
				return handler(...(request.args as never[]));
			})
			.then(
				(result) => send({ type: 'reply', id: request.id, result: JSON.parse(JSON.stringify(result ?? null)) as unknown }),
				(error: unknown) => send({ type: 'reply', id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
			);
	});
	return { ready: () => send({ type: 'ready' }) };
}
