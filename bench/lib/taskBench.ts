/**
 * One measurement of `npm run bench:tasks` (bench/tasks.ts): N delayed jobs scheduled on a task queue with due times
 * spread over a window, then waited for, recording when each one started. Two drivers run the same plan:
 *
 * - {@link botDriver}: the bot's own `TaskQueue` (src/lib/tasks/TaskQueue.ts), constructed directly with a no-op task
 *   from an in-memory task table, `isPluginEnabled` always true and a real prom-client Registry, and keyed jobs
 *   (`schedule(task, { guildId, key, at, payload })`);
 * - {@link baselineDriver}: a bare BullMQ Queue + Worker, the cheapest thing that does the same: same concurrency,
 *   same delays, the job id as the key (BullMQ itself keeps the first job of an id), the bare index as data (no
 *   envelope), BullMQ's default job options.
 *
 * Both task functions record `Date.now()` as their first statement; lateness = that minus the job's due time.
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { systemClock } from '../../src/lib/clock.js';
import { TaskQueue, type RunnableTask } from '../../src/lib/tasks/TaskQueue.js';
import { DEFAULT_RETRY } from '../../src/lib/tasks/types.js';
import { SeededRandom } from '../../src/lib/random.js';

/** The task name of every benchmark job. */
export const BENCH_TASK = 'benchNoop';

/** What one measurement does. */
export interface TaskBenchPlan {
	redisUrl: string;
	/** Unique Redis prefix of this measurement (its keys are `<prefix>*`); the caller deletes them afterwards. */
	prefix: string;
	jobs: number;
	/** Due times are spread evenly over this many milliseconds (0: all due at once). */
	spreadMs: number;
	/** The first due time is this many milliseconds after scheduling starts. */
	leadMs: number;
	/** Jobs the worker runs at once. */
	concurrency: number;
	/** Schedule calls kept in flight at once by the scheduling loop (1: each call awaited before the next). */
	inFlight: number;
	/** Every `retryEvery`-th job (in due order) throws on its first attempt and is retried once; null: none fails. */
	retryEvery: number | null;
	/** Backoff before that retry, in milliseconds. */
	retryBackoffMs: number;
	/** Give up waiting this many milliseconds after the last due time (jobs not started by then are reported missing). */
	timeoutMs: number;
	/** Seed of the scheduling order (a shuffle of the due times). */
	seed: number;
}

/** What one measurement found. */
export interface TaskBenchResult {
	jobs: number;
	/** Wall time of the scheduling loop (first call to last call settled), in milliseconds. */
	scheduleMs: number;
	jobsPerSecond: number;
	/** First start minus due time of every job that started, in milliseconds. */
	lateness: number[];
	/** The same for the jobs that were not made to fail (all of them without retries). */
	latenessOfOthers: number[];
	/** Retried jobs: second start minus (first failure + backoff), in milliseconds. */
	retryLateness: number[];
	/** Jobs whose schedule call settled after their due time (their lateness includes scheduling, not the queue). */
	enqueuedAfterDue: number;
	/** Runs expected (jobs + retries) that had not started when the measurement gave up. */
	missing: number;
	/** Runs the task function saw in all (first runs and retries). */
	runs: number;
	/** The bot's own `hearth_task_lateness_seconds` histogram: observations, and those in buckets up to 1 s. */
	histogram: { count: number; withinOneSecond: number } | null;
	/** The queue's `hearth_task_runs_total` by outcome (bot only). */
	outcomes: Record<string, number> | null;
	/** The 1-minute load average when the last job had started. */
	loadAfter: number;
}

/** Records the starts of one measurement's jobs; the task functions of both drivers call {@link started}. */
export class StartRecorder {
	readonly firstStart: Float64Array;
	readonly failedAt: Float64Array;
	readonly secondStart: Float64Array;
	readonly #plan: TaskBenchPlan;
	readonly #expected: number;
	#runs = 0;
	#resolve: (() => void) | null = null;
	readonly done: Promise<void>;

	public constructor(plan: TaskBenchPlan) {
		this.#plan = plan;
		this.firstStart = new Float64Array(plan.jobs).fill(Number.NaN);
		this.failedAt = new Float64Array(plan.jobs).fill(Number.NaN);
		this.secondStart = new Float64Array(plan.jobs).fill(Number.NaN);
		let failing = 0;
		for (let index = 0; index < plan.jobs; index++) if (this.fails(index)) failing++;
		this.#expected = plan.jobs + failing;
		this.done = new Promise((resolve) => (this.#resolve = resolve));
		if (this.#expected === 0) this.#resolve?.();
	}

	/** Whether job `index` (in due order) is made to fail its first attempt. */
	public fails(index: number): boolean {
		return this.#plan.retryEvery !== null && index % this.#plan.retryEvery === 0;
	}

	/** Runs expected in all: every job once, plus one retry of each failing job. */
	public get expected(): number {
		return this.#expected;
	}

	/** Runs seen so far. */
	public get runs(): number {
		return this.#runs;
	}

	/**
	 * A task function started job `index`, attempt `attempt` (1 = first run). Records the time; @returns true when
	 * this run must fail (the caller throws).
	 */
	public started(index: number, attempt: number): boolean {
		const now = Date.now();
		if (!Number.isInteger(index) || index < 0 || index >= this.#plan.jobs) throw new RangeError(`unknown job index ${index}`);
		this.#runs++;
		let fail = false;
		if (attempt <= 1) {
			if (Number.isNaN(this.firstStart[index]!)) this.firstStart[index] = now;
			if (this.fails(index)) {
				this.failedAt[index] = now;
				fail = true;
			}
		} else if (Number.isNaN(this.secondStart[index]!)) {
			this.secondStart[index] = now;
		}
		if (this.#runs >= this.#expected) this.#resolve?.();
		return fail;
	}
}

/** A queue under test: started before scheduling, closed after the last job started. */
export interface QueueDriver {
	start(): Promise<void>;
	/** Schedules job `index` due at `at` (ms since the epoch), keyed `k<index>`. */
	schedule(index: number, at: number): Promise<void>;
	/** Stops the worker (letting running jobs finish) and closes the connections. */
	close(): Promise<void>;
	/** Figures the driver's own metrics hold, read before closing. */
	metrics(): Promise<Pick<TaskBenchResult, 'histogram' | 'outcomes'>>;
}

/** Silent logger for the queue (its warnings, e.g. one per planned retry, are not part of the measurement). */
const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Thrown by the planned first-attempt failures. */
class PlannedFailure extends Error {
	public constructor() {
		super('planned failure (bench:tasks retry scenario)');
		this.name = 'PlannedFailure';
	}
}

/** A guild id for job `index` (100 guilds in turn), so the bot's plugin check runs with a guild as in the bot. */
function guildOf(index: number): string {
	return String(100_000_000_000_000_000n + BigInt(index % 100));
}

/** The bot's TaskQueue with a no-op task (see the file's header). */
export function botDriver(plan: TaskBenchPlan, recorder: StartRecorder): QueueDriver {
	const task: RunnableTask = {
		name: BENCH_TASK,
		pluginName: 'bench',
		whenDisabled: 'run',
		retry: plan.retryEvery !== null ? { attempts: 2, backoffMs: plan.retryBackoffMs } : DEFAULT_RETRY,
		interval: null,
		pattern: null,
		timezone: 'UTC',
		run(payload, context) {
			if (recorder.started(payload as number, context.attempt)) throw new PlannedFailure();
			return undefined;
		}
	};
	const tasks = new Map<string, RunnableTask>([[task.name, task]]);
	const registry = new Registry();
	const queue = new TaskQueue({
		redisUrl: plan.redisUrl,
		redisPrefix: plan.prefix,
		clock: systemClock,
		resolveTask: (name) => tasks.get(name),
		listTasks: () => tasks.values(),
		isPluginEnabled: async () => true,
		logFailure: () => 'bench',
		logger: quietLogger,
		metrics: { registry, prefix: 'hearth_' },
		concurrency: plan.concurrency
	});
	return {
		start: () => queue.start(),
		async schedule(index, at) {
			await queue.schedule(BENCH_TASK, { guildId: guildOf(index), payload: index, at, key: `k${index}` });
		},
		close: () => queue.close(),
		async metrics() {
			const lateness = await registry.getSingleMetric('hearth_task_lateness_seconds')?.get();
			let count = 0;
			let withinOneSecond = 0;
			for (const value of lateness?.values ?? []) {
				const name = (value as { metricName?: string }).metricName;
				if (name === 'hearth_task_lateness_seconds_count') count += value.value;
				if (name === 'hearth_task_lateness_seconds_bucket' && value.labels.le === 1) withinOneSecond += value.value;
			}
			const runs = await registry.getSingleMetric('hearth_task_runs_total')?.get();
			const outcomes: Record<string, number> = {};
			for (const value of runs?.values ?? []) {
				const outcome = String(value.labels.outcome);
				outcomes[outcome] = (outcomes[outcome] ?? 0) + value.value;
			}
			return { histogram: lateness ? { count, withinOneSecond } : null, outcomes };
		}
	};
}

/** A bare BullMQ Queue + Worker doing the same work (see the file's header). */
export function baselineDriver(plan: TaskBenchPlan, recorder: StartRecorder): QueueDriver {
	const connect = () => {
		const client = new Redis(plan.redisUrl, { maxRetriesPerRequest: null });
		client.on('error', () => undefined);
		return client;
	};
	const queueConnection = connect();
	const prefix = `${plan.prefix}bull`;
	const queue = new Queue<number>('tasks', { connection: queueConnection, prefix });
	let workerConnection: Redis | null = null;
	let worker: Worker<number> | null = null;
	const retry = plan.retryEvery !== null ? { attempts: 2, backoff: { type: 'exponential', delay: plan.retryBackoffMs } } : {};
	return {
		async start() {
			workerConnection = connect();
			worker = new Worker<number>(
				'tasks',
				async (job) => {
					if (recorder.started(job.data, job.attemptsMade + 1)) throw new PlannedFailure();
				},
				{ connection: workerConnection, prefix, concurrency: plan.concurrency }
			);
			worker.on('error', () => undefined);
			await worker.waitUntilReady();
		},
		async schedule(index, at) {
			await queue.add(BENCH_TASK, index, { delay: Math.max(0, at - Date.now()), jobId: `k${index}`, ...retry });
		},
		async close() {
			await Promise.allSettled([worker?.close(), queue.close()]);
			queueConnection.disconnect();
			workerConnection?.disconnect();
		},
		metrics: async () => ({ histogram: null, outcomes: null })
	};
}

/**
 * Runs one measurement: starts the driver's worker, schedules `plan.jobs` jobs (due times spread evenly over
 * `plan.spreadMs`, starting `plan.leadMs` after scheduling starts, scheduled in a shuffled order with
 * `plan.inFlight` calls at once), waits until every job (and every planned retry) started or the timeout passed,
 * then closes the driver. The caller deletes the Redis keys of `plan.prefix`. `onDriver` is told the driver while it
 * is open (then null), so that an interrupted benchmark can close it before deleting its keys.
 */
export async function measure(
	plan: TaskBenchPlan,
	makeDriver: (plan: TaskBenchPlan, recorder: StartRecorder) => QueueDriver,
	loadAverage: () => number,
	onDriver?: (driver: QueueDriver | null) => void
): Promise<TaskBenchResult> {
	const recorder = new StartRecorder(plan);
	const driver = makeDriver(plan, recorder);
	onDriver?.(driver);
	try {
		await driver.start();
		const order = Array.from({ length: plan.jobs }, (_, index) => index);
		const random = new SeededRandom(plan.seed);
		for (let index = order.length - 1; index > 0; index--) {
			const other = random.int(0, index);
			[order[index], order[other]] = [order[other]!, order[index]!];
		}
		const began = Date.now();
		const dueAt = new Float64Array(plan.jobs);
		for (let index = 0; index < plan.jobs; index++) {
			dueAt[index] = began + plan.leadMs + (plan.jobs > 1 ? Math.round((index * plan.spreadMs) / (plan.jobs - 1)) : 0);
		}
		let enqueuedAfterDue = 0;
		let next = 0;
		const scheduleStarted = performance.now();
		const caller = async () => {
			while (next < order.length) {
				const index = order[next++]!;
				await driver.schedule(index, dueAt[index]!);
				if (Date.now() > dueAt[index]!) enqueuedAfterDue++;
			}
		};
		await Promise.all(Array.from({ length: Math.min(plan.inFlight, plan.jobs) }, caller));
		const scheduleMs = performance.now() - scheduleStarted;

		const lastDue = began + plan.leadMs + plan.spreadMs;
		let timer: NodeJS.Timeout | undefined;
		const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, lastDue - Date.now()) + plan.timeoutMs)));
		await Promise.race([recorder.done, timedOut]);
		clearTimeout(timer);
		const loadAfter = loadAverage();
		const { histogram, outcomes } = await driver.metrics();

		const lateness: number[] = [];
		const latenessOfOthers: number[] = [];
		const retryLateness: number[] = [];
		for (let index = 0; index < plan.jobs; index++) {
			const first = recorder.firstStart[index]!;
			if (Number.isNaN(first)) continue;
			lateness.push(first - dueAt[index]!);
			if (!recorder.fails(index)) latenessOfOthers.push(first - dueAt[index]!);
			else if (!Number.isNaN(recorder.secondStart[index]!)) {
				retryLateness.push(recorder.secondStart[index]! - (recorder.failedAt[index]! + plan.retryBackoffMs));
			}
		}
		return {
			jobs: plan.jobs,
			scheduleMs,
			jobsPerSecond: plan.jobs / (scheduleMs / 1_000),
			lateness,
			latenessOfOthers,
			retryLateness,
			enqueuedAfterDue,
			missing: recorder.expected - recorder.runs,
			runs: recorder.runs,
			histogram,
			outcomes,
			loadAfter
		};
	} finally {
		await driver.close();
		onDriver?.(null);
	}
}

/** Nearest-rank percentile (`p` in 0–100) of a list, or NaN for an empty one. */
export function percentile(values: readonly number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** p50, p95, p99 and max of a list of lateness values, in milliseconds (NaN when empty). */
export function latenessSummary(values: readonly number[]): { p50: number; p95: number; p99: number; max: number } {
	return {
		p50: percentile(values, 50),
		p95: percentile(values, 95),
		p99: percentile(values, 99),
		max: values.length ? values.reduce((a, b) => Math.max(a, b), -Infinity) : Number.NaN
	};
}
