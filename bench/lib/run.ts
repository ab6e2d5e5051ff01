/**
 * How a benchmark script (bench/tasks.ts, bench/timers.ts, bench/voiceXp.ts) runs: its report on stdout and its
 * progress on stderr, the cleanup steps it registers as it goes, and the run itself: exit code 0 when the run
 * completed, 1 when the benchmark failed, 130 on Ctrl-C; the cleanup steps run in every case.
 */

/** A line of the report, on stdout. */
export const out = (line = ''): void => {
	process.stdout.write(`${line}\n`);
};

/** A progress line (`· text`), on stderr, so that stdout holds the report only. */
export const step = (text: string): void => {
	process.stderr.write(`· ${text}\n`);
};

/** A cleanup step: what it cleans up (named when it fails), and how. */
export interface CleanupStep {
	what: string;
	run: () => Promise<unknown>;
}

/** Cleanup steps, run last-in first-out; a failing step is reported on stderr and the others still run. */
export class Cleanups {
	readonly #steps: CleanupStep[] = [];

	/** Adds a step (run before the ones added earlier). @returns the step, for {@link Cleanups.remove}. */
	public push(step: CleanupStep): CleanupStep {
		this.#steps.push(step);
		return step;
	}

	/** Forgets the step added last (its work was done otherwise). */
	public pop(): void {
		this.#steps.pop();
	}

	/** Forgets `step`, if it is still there. */
	public remove(step: CleanupStep): void {
		const index = this.#steps.indexOf(step);
		if (index >= 0) this.#steps.splice(index, 1);
	}

	/** Runs the steps, last added first, and forgets each as it starts (two concurrent calls share the steps). */
	public async run(): Promise<void> {
		while (this.#steps.length > 0) {
			const { what, run } = this.#steps.pop()!;
			try {
				await run();
			} catch (error) {
				process.stderr.write(`cleanup (${what}) failed: ${(error as Error).message}\n`);
			}
		}
	}
}

/**
 * Runs `main` and exits: 0 when it completed, 1 when it threw (`benchmark failed: <stack>` on stderr); on SIGINT
 * (Ctrl-C), `interrupted: cleaning up`, the cleanup steps, exit 130. The cleanup steps run once `main` settled,
 * between `beforeCleanUp` and `afterCleanUp` (e.g. to stop a watchdog, or say what is cleaned up).
 */
export async function runBenchmark(
	main: () => Promise<void>,
	cleanups: Cleanups,
	{ beforeCleanUp, afterCleanUp }: { beforeCleanUp?: () => void; afterCleanUp?: () => void } = {}
): Promise<never> {
	let exitCode = 0;
	process.once('SIGINT', () => {
		process.stderr.write('interrupted: cleaning up\n');
		void cleanups.run().finally(() => process.exit(130));
	});
	try {
		await main();
	} catch (error) {
		process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		exitCode = 1;
	} finally {
		beforeCleanUp?.();
		await cleanups.run();
		afterCleanUp?.();
	}
	process.exit(exitCode);
}
