/**
 * Starts the baseline of `npm run bench:giveaways` (./giveawaysBaselineMain.ts, a bare discord.js client answering
 * buttons with "ok") in its own process under tsx, as the bot runs in its own (./botProcess.ts), and talks to it over
 * IPC with the protocol of ./timersChild.ts (`ready`, then requests answered by `reply`).
 */
import { spawnBenchChild, untilReady } from './spawnChild.js';
import { fileURLToPath } from 'node:url';
import { withTimeout } from '../../src/lib/timeout.js';
import type { LogCapture } from '../../tools/logCapture.js';
import type { BaselineLaunch } from './giveawaysBaselineMain.js';
import type { ChildMessage, ChildRequest } from './timersChild.js';

/** The running baseline process. */
export interface BaselineProcess {
	logs: LogCapture;
	/** Milliseconds from spawn to ready (logged in, button posted). */
	readyAfterMs: number;
	/** Sends a request (`message`, `measure`, `stats`) and resolves with the answer. @throws Error with the child's error, or after 60 s. */
	request<T>(name: string): Promise<T>;
	/** SIGTERM and wait for the exit (SIGKILL after `limitMs`). */
	stop(limitMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const main = fileURLToPath(new URL('./giveawaysBaselineMain.ts', import.meta.url));

/**
 * Spawns the baseline and waits until it is ready.
 * @throws Error when it exits or is not ready within `readyTimeoutMs` (it is killed; its last log lines are in the message).
 */
export async function startBaseline(launch: BaselineLaunch, readyTimeoutMs: number): Promise<BaselineProcess> {
	const started = Date.now();
	const spawned = spawnBenchChild(['--import', 'tsx', main], 'BENCH_CHILD_OPTIONS', launch);
	const { child, logs } = spawned;
	await untilReady(spawned, 'the baseline', readyTimeoutMs, (message: ChildMessage) => message.type === 'ready');
	const readyAfterMs = Date.now() - started;
	let nextId = 1;
	return {
		logs,
		readyAfterMs,
		request<T>(name: string) {
			const id = nextId++;
			let onMessage: ((message: ChildMessage) => void) | undefined;
			const answer = new Promise<T>((resolve, reject) => {
				onMessage = (message: ChildMessage) => {
					if (message.type !== 'reply' || message.id !== id) return;
					if (message.error === undefined) resolve(message.result as T);
					else reject(new Error(`baseline ${name} failed: ${message.error}`));
				};
				child.on('message', onMessage);
				child.send({ type: 'request', id, name, args: [] } satisfies ChildRequest);
			});
			return withTimeout(answer, 60_000, `Baseline ${name}`).finally(() => child.off('message', onMessage!));
		},
		stop: (limitMs = 10_000) => spawned.stop(limitMs)
	};
}
