import { DelayedError, Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import {
	jobIdOf,
	type DisabledPolicy,
	type RetryPolicy,
	type ScheduledJob,
	type ScheduleOptions,
	type TaskEnvelope,
	type TaskRunContext
} from './types.js';

/** What the queue needs of a task piece (a `ScheduledTask` of the core, or a plugin's `PluginTask`). */
export interface RunnableTask {
	readonly name: string;
	/** The plugin the task belongs to, or null for the core's own tasks (which always run). */
	readonly pluginName: string | null;
	/** What to do when the task's plugin is off in the job's guild (plugin tasks only). */
	readonly whenDisabled: DisabledPolicy;
	readonly retry: RetryPolicy;
	/** Repeat every this many milliseconds (a repeating task), or null. */
	readonly interval: number | null;
	/** Repeat on this cron pattern (a repeating task), or null. */
	readonly pattern: string | null;
	readonly timezone: string;
	run(payload: unknown, context: TaskRunContext): unknown;
}

/** The minimal logger the queue writes to. */
export interface TaskQueueLogger {
	debug(...values: unknown[]): void;
	info(...values: unknown[]): void;
	warn(...values: unknown[]): void;
	error(...values: unknown[]): void;
}

/** Options of {@link TaskQueue}. */
export interface TaskQueueOptions {
	/** `redis://…` of the queue's Redis (the bot's). */
	redisUrl: string;
	/** The bot's Redis prefix (`hearth:`): BullMQ keys become `<prefix>bull:tasks:*`, deferred sets `<prefix>tasks:*`. */
	redisPrefix: string;
	clock: Clock;
	/** Finds the loaded task piece of a name (the `scheduled-tasks` store). */
	resolveTask(name: string): RunnableTask | undefined;
	/** Every loaded task piece (for the repeat schedules). */
	listTasks(): Iterable<RunnableTask>;
	/** Whether a plugin is on in a guild now (the settings service's effective answer). */
	isPluginEnabled(guildId: string, plugin: string): Promise<boolean>;
	/** Logs a failed job for good (no retry left) with a new error id; returns the id. */
	logFailure(error: unknown, context: { task: string; plugin: string | null; guildId: string | null; jobId: string }): string;
	logger: TaskQueueLogger;
	/** Told when a job is dropped or deferred because its plugin is off in its guild (tests, debugging). */
	onDisabled?(event: { task: string; plugin: string; guildId: string; policy: 'drop' | 'defer' }): void;
	/** Prometheus registry for the queue's metrics, and the metric name prefix (`hearth_`). */
	metrics?: { registry: Registry; prefix: string };
	/** Jobs run at once by this process's worker (default 10). */
	concurrency?: number;
	/**
	 * How long a deferred job waits before its guild is checked again, in milliseconds (default one hour). Switching
	 * the plugin on again promotes it at once ({@link TaskQueue.resumeDeferred}); this is the safety net.
	 */
	deferRecheckMs?: number;
}

/** Finished jobs kept for inspection: completed ones for an hour (at most 1,000), failed ones for a week (5,000). */
export const TASK_JOB_RETENTION = {
	removeOnComplete: { age: 3_600, count: 1_000 },
	removeOnFail: { age: 7 * 24 * 3_600, count: 5_000 }
} as const;

/** BullMQ's queue name of the bot's tasks (its keys are `<redis prefix>bull:tasks:*`). */
export const TASK_QUEUE_NAME = 'tasks';

/** The id of a repeating task's schedule: its name and timing (`echoHeartbeat@every:60000`, `x@cron:0 * * * *@UTC`). */
export function repeatScheduleId(task: Pick<RunnableTask, 'name' | 'interval' | 'pattern' | 'timezone'>): string {
	return task.interval !== null ? `${task.name}@every:${task.interval}` : `${task.name}@cron:${task.pattern}@${task.timezone}`;
}

/** BullMQ's key prefix for a bot Redis prefix: `hearth:` -> `hearth:bull`. */
export function bullPrefixOf(redisPrefix: string): string {
	return `${redisPrefix}bull`;
}

/**
 * The bot's scheduled work, on BullMQ: one queue shared by every process of the bot (same Redis and prefix), one
 * worker per process.
 *
 * - **Exactly once across processes.** A job is taken by one worker under a lock; a process that dies mid-run loses
 *   the lock and BullMQ's stalled-job check hands the job to another worker (so a run can start twice only after a
 *   crash, never complete twice in normal operation). Delayed jobs live in Redis: they survive a SIGKILL of the
 *   process that scheduled them and run in whichever process is up when they come due.
 * - **On time.** Workers wait on Redis for the next due job (no polling interval), so under normal load a job starts
 *   within milliseconds of its due time; the `<prefix>task_lateness_seconds` histogram shows it. Jobs run
 *   `concurrency` at a time per process, so one slow job does not hold up the others.
 * - **Keyed jobs.** `schedule(task, { key })` gives the job a deterministic id ({@link jobIdOf}): scheduling it again
 *   keeps the waiting job (or replaces it with `replace: true`), and `cancel` removes it.
 * - **Retries.** A run that throws is retried with exponential backoff ({@link RetryPolicy}, per task); the last
 *   failure is logged with an error id and counted (`<prefix>task_runs_total{outcome="failed"}`).
 * - **Plugins off.** A plugin's task due in a guild where the plugin is off follows its `whenDisabled` policy
 *   (run, defer until switched on again, or drop: logged and counted). Never completed silently.
 * - **Time in tests.** `dueAt` is on the bot's clock. With a ManualClock, {@link promoteDue} starts the jobs the
 *   clock has reached (the bot calls it whenever the ManualClock moves), so tests never wait real minutes.
 */
export class TaskQueue {
	readonly #options: TaskQueueOptions;
	readonly #queueConnection: Redis;
	readonly #queue: Queue;
	#workerConnection: Redis | null = null;
	#worker: Worker | null = null;
	#closed = false;
	readonly #runs: Counter<'task' | 'outcome'> | null;
	readonly #duration: Histogram<'task'> | null;
	readonly #lateness: Histogram<'task'> | null;

	public constructor(options: TaskQueueOptions) {
		this.#options = options;
		this.#queueConnection = TaskQueue.connect(options.redisUrl, 'queue', options.redisPrefix);
		this.#queue = new Queue(TASK_QUEUE_NAME, {
			connection: this.#queueConnection,
			prefix: bullPrefixOf(options.redisPrefix),
			defaultJobOptions: { ...TASK_JOB_RETENTION }
		});
		this.#queue.on('error', (error) => options.logger.warn('Task queue (Redis) error:', error));
		const metrics = options.metrics;
		if (metrics) {
			const registers = [metrics.registry];
			this.#runs = new Counter({
				name: `${metrics.prefix}task_runs_total`,
				help: 'Scheduled task runs by outcome: success, retry (failed, will run again), failed (no retry left), dropped or deferred (plugin off in the guild).',
				labelNames: ['task', 'outcome'],
				registers
			});
			this.#duration = new Histogram({
				name: `${metrics.prefix}task_duration_seconds`,
				help: 'Time one scheduled task run took, in seconds.',
				labelNames: ['task'],
				buckets: [0.005, 0.025, 0.1, 0.5, 1, 5, 30, 120],
				registers
			});
			this.#lateness = new Histogram({
				name: `${metrics.prefix}task_lateness_seconds`,
				help: 'How late a scheduled task started after its due time, in seconds.',
				labelNames: ['task'],
				buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 30],
				registers
			});
		} else {
			this.#runs = this.#duration = this.#lateness = null;
		}
	}

	private static connect(redisUrl: string, role: string, redisPrefix: string): Redis {
		// BullMQ needs `maxRetriesPerRequest: null` (its blocking commands must wait through reconnects).
		const client = new Redis(redisUrl, { maxRetriesPerRequest: null, connectionName: `${redisPrefix}tasks-${role}`, lazyConnect: false });
		client.on('error', () => undefined); // reported through the queue's and worker's own 'error' events
		return client;
	}

	/** The BullMQ queue (for inspection in tests and tools). */
	public get queue(): Queue {
		return this.#queue;
	}

	/**
	 * Starts this process's worker and makes the repeat schedules match the loaded repeating tasks. Call once the task
	 * store is loaded: a job taken before would find no task.
	 */
	public async start(): Promise<void> {
		if (this.#worker || this.#closed) return;
		this.#workerConnection = TaskQueue.connect(this.#options.redisUrl, 'worker', this.#options.redisPrefix);
		this.#worker = new Worker(TASK_QUEUE_NAME, (job, token) => this.#process(job, token), {
			connection: this.#workerConnection,
			prefix: bullPrefixOf(this.#options.redisPrefix),
			concurrency: this.#options.concurrency ?? 10
		});
		this.#worker.on('error', (error) => this.#options.logger.warn('Task worker (Redis) error:', error));
		this.#worker.on('failed', (job, error) => {
			if (job) this.#onFailed(job, error);
		});
		await this.syncRepeatSchedules();
	}

	/**
	 * Queues a job of `task`. See {@link ScheduleOptions} for keys, `at`/`delayMs` and `replace`.
	 * @throws RangeError for a bad key, both `at` and `delayMs`, or a task name no loaded piece has.
	 */
	public async schedule<T>(task: string, options: ScheduleOptions<T>): Promise<ScheduledJob> {
		const piece = this.#options.resolveTask(task);
		if (!piece) throw new RangeError(`No scheduled task named "${task}" is loaded`);
		if (options.at !== undefined && options.delayMs !== undefined) throw new RangeError('Give `at` or `delayMs`, not both');
		const now = this.#options.clock.now();
		const dueAt = options.at ?? now + Math.max(0, options.delayMs ?? 0);
		const envelope: TaskEnvelope<T> = {
			guildId: options.guildId,
			plugin: piece.pluginName,
			key: options.key ?? null,
			dueAt,
			payload: options.payload
		};
		const jobOptions: JobsOptions = {
			delay: Math.max(0, dueAt - now),
			attempts: piece.retry.attempts,
			backoff: { type: 'exponential', delay: piece.retry.backoffMs }
		};
		if (options.key === undefined) {
			const job = await this.#queue.add(task, envelope, jobOptions);
			return { jobId: job.id!, outcome: 'queued', dueAt };
		}
		const jobId = jobIdOf(task, options.guildId, options.key);
		let outcome: 'queued' | 'replaced' = 'queued';
		const existing = await this.#queue.getJob(jobId);
		if (existing) {
			const state = await existing.getState();
			if (state === 'active' || ((state === 'delayed' || state === 'waiting' || state === 'prioritized') && !options.replace)) {
				return { jobId, outcome: 'kept', dueAt: (existing.data as TaskEnvelope).dueAt };
			}
			// A finished job (kept for inspection) would make BullMQ ignore a new job with its id: remove it first.
			await existing.remove().catch(() => undefined);
			if (state !== 'completed' && state !== 'failed') outcome = 'replaced';
		}
		await this.#queue.add(task, envelope, { ...jobOptions, jobId });
		return { jobId, outcome, dueAt };
	}

	/**
	 * Removes a keyed job that has not started. @returns true if a waiting job was removed; false when there was none,
	 * it already finished, or it is running right now (a running job is not interrupted).
	 */
	public async cancel(task: string, guildId: string | null, key: string): Promise<boolean> {
		const job = await this.#queue.getJob(jobIdOf(task, guildId, key));
		if (!job) return false;
		const state = await job.getState();
		if (state === 'active' || state === 'completed' || state === 'failed') return false;
		try {
			await job.remove();
			return true;
		} catch {
			return false; // taken by a worker between the two calls
		}
	}

	/**
	 * Where a keyed job stands: `delayed`, `waiting`, `active`, `completed`, `failed`, or null when there is none
	 * (never queued, cancelled, or finished long enough ago to be cleaned up).
	 */
	public async stateOf(task: string, guildId: string | null, key: string): Promise<string | null> {
		const job = await this.#queue.getJob(jobIdOf(task, guildId, key));
		if (!job) return null;
		const state = await job.getState();
		return state === 'unknown' ? null : state;
	}

	/**
	 * Runs now the deferred jobs of a plugin in a guild (the plugin was switched on again there). Safe to call from
	 * every process at once.
	 */
	public async resumeDeferred(plugin: string, guildId: string): Promise<number> {
		const key = this.#deferredKey(plugin, guildId);
		const ids = await this.#queueConnection.smembers(key);
		let resumed = 0;
		for (const id of ids) {
			const job = await this.#queue.getJob(id);
			if (job && (await job.getState()) === 'delayed') {
				try {
					await job.promote();
					resumed++;
				} catch {
					// promoted by another process meanwhile
				}
			}
			await this.#queueConnection.srem(key, id);
		}
		return resumed;
	}

	/**
	 * Starts at once every delayed job whose due time the bot's clock has reached. With the system clock BullMQ does
	 * this by itself; with a ManualClock (tests, the demo) the bot calls it when the clock moves.
	 * @returns how many jobs were promoted.
	 */
	public async promoteDue(): Promise<number> {
		const now = this.#options.clock.now();
		let promoted = 0;
		const pageSize = 500;
		for (let start = 0; ; start += pageSize) {
			const jobs = await this.#queue.getDelayed(start, start + pageSize - 1);
			for (const job of jobs) {
				const envelope = job.data as Partial<TaskEnvelope>;
				if (typeof envelope.dueAt === 'number' && envelope.dueAt <= now) {
					try {
						await job.promote();
						promoted++;
					} catch {
						// already promoted, removed or taken
					}
				}
			}
			if (jobs.length < pageSize) break;
		}
		return promoted;
	}

	/**
	 * Creates the repeat schedule of every loaded repeating task and removes every other schedule of the queue (a task
	 * that was deleted, or whose interval or pattern changed), so processes sharing the queue converge on the
	 * schedules of the code they run. A schedule's id carries its timing (`echoHeartbeat@every:60000`,
	 * {@link repeatScheduleId}): a changed interval is a new schedule and the old one is removed, so a run of the old
	 * schedule that is finishing right now cannot write its timing back over the new one.
	 * @returns the ids of the removed schedules.
	 */
	public async syncRepeatSchedules(): Promise<string[]> {
		const wanted = new Set<string>();
		for (const task of this.#options.listTasks()) {
			if (task.interval === null && task.pattern === null) continue;
			const id = repeatScheduleId(task);
			wanted.add(id);
			const envelope: TaskEnvelope<undefined> = { guildId: null, plugin: task.pluginName, key: null, dueAt: 0, payload: undefined };
			await this.#queue.upsertJobScheduler(
				id,
				task.interval !== null ? { every: task.interval } : { pattern: task.pattern!, tz: task.timezone },
				{ name: task.name, data: envelope, opts: { attempts: task.retry.attempts, backoff: { type: 'exponential', delay: task.retry.backoffMs } } }
			);
		}
		const removed: string[] = [];
		for (const scheduler of await this.#queue.getJobSchedulers()) {
			if (wanted.has(scheduler.key)) continue;
			await this.#queue.removeJobScheduler(scheduler.key);
			removed.push(scheduler.key);
		}
		return removed;
	}

	/** Stops the worker (letting running jobs finish) and closes the connections. Safe to call twice. */
	public async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		await Promise.allSettled([this.#worker?.close(), this.#queue.close()]);
		this.#queueConnection.disconnect();
		this.#workerConnection?.disconnect();
	}

	/**
	 * Drops the connections at once without waiting for running jobs (a crash, for restart tests): their locks expire
	 * and another worker takes them over, as after a SIGKILL.
	 */
	public async abandon(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		this.#queueConnection.disconnect();
		this.#workerConnection?.disconnect();
		await Promise.allSettled([this.#worker?.close(true), this.#queue.close()]);
	}

	#deferredKey(plugin: string, guildId: string): string {
		return `${this.#options.redisPrefix}tasks:deferred:${plugin}:${guildId}`;
	}

	async #process(job: Job, token: string | undefined): Promise<unknown> {
		const envelope = job.data as TaskEnvelope;
		const task = this.#options.resolveTask(job.name);
		// A job of a task this code does not have (renamed, or a newer process queued it): fail it, so it is retried
		// and then kept as failed and logged, rather than completed and lost.
		if (!task) throw new Error(`No scheduled task named "${job.name}" is loaded in this process`);
		const guildId = envelope.guildId ?? null;
		if (task.pluginName && guildId && !(await this.#options.isPluginEnabled(guildId, task.pluginName))) {
			switch (task.whenDisabled) {
				case 'drop':
					this.#options.onDisabled?.({ task: job.name, plugin: task.pluginName, guildId, policy: 'drop' });
					this.#options.logger.info(`Task ${job.name} (job ${job.id}) dropped: plugin ${task.pluginName} is off in guild ${guildId}`);
					this.#runs?.inc({ task: job.name, outcome: 'dropped' });
					return { dropped: true };
				case 'defer': {
					const recheckMs = this.#options.deferRecheckMs ?? 3_600_000;
					await this.#queueConnection.sadd(this.#deferredKey(task.pluginName, guildId), job.id!);
					await job.moveToDelayed(Date.now() + recheckMs, token);
					this.#options.onDisabled?.({ task: job.name, plugin: task.pluginName, guildId, policy: 'defer' });
					this.#options.logger.info(`Task ${job.name} (job ${job.id}) deferred: plugin ${task.pluginName} is off in guild ${guildId}`);
					this.#runs?.inc({ task: job.name, outcome: 'deferred' });
					throw new DelayedError();
				}
				case 'run':
					break;
			}
		}
		const dueAt = typeof envelope.dueAt === 'number' && envelope.dueAt > 0 ? envelope.dueAt : this.#options.clock.now();
		this.#lateness?.observe({ task: job.name }, Math.max(0, this.#options.clock.now() - dueAt) / 1_000);
		const stop = this.#duration?.startTimer({ task: job.name });
		try {
			const result = await task.run(envelope.payload, { guildId, jobId: job.id!, attempt: job.attemptsMade + 1, dueAt });
			this.#runs?.inc({ task: job.name, outcome: 'success' });
			return result ?? null;
		} finally {
			stop?.();
		}
	}

	#onFailed(job: Job, error: Error): void {
		if (error instanceof DelayedError || error.name === 'DelayedError') return;
		const envelope = job.data as TaskEnvelope;
		const attempts = job.opts.attempts ?? 1;
		if (job.attemptsMade < attempts) {
			this.#runs?.inc({ task: job.name, outcome: 'retry' });
			this.#options.logger.warn(`Task ${job.name} (job ${job.id}) failed on attempt ${job.attemptsMade} of ${attempts}; retrying:`, error.message);
			return;
		}
		this.#runs?.inc({ task: job.name, outcome: 'failed' });
		this.#options.logFailure(error, { task: job.name, plugin: envelope.plugin ?? null, guildId: envelope.guildId ?? null, jobId: job.id! });
	}
}

