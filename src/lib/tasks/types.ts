/**
 * The payload type of every scheduled task, by task name. Each task augments it next to its piece:
 *
 * ```ts
 * declare module '../../../lib/tasks/types.js' {
 *   interface TaskPayloads {
 *     moderationUnban: { userId: string; caseNumber: number };
 *   }
 * }
 * ```
 *
 * The guild is not part of the payload: it travels in the job's envelope ({@link TaskEnvelope}) and is handed to the
 * task's `run` in its {@link TaskRunContext}.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface TaskPayloads {}

/** The name of a scheduled task (its piece's name, unique bot-wide). */
export type TaskName = keyof TaskPayloads & string;

/**
 * What a plugin's task does when it comes due in a guild where its plugin is off at that moment. Every plugin task
 * declares one (there is no default), because each answer is right for some task and wrong for another:
 * - `run`: run anyway. A punishment's end (an unban, a timed lockdown lifted) must still happen.
 * - `defer`: keep the job, and run it when the plugin is switched on again in that guild (a giveaway end).
 * - `drop`: complete the job without running it, logged and counted (a reminder nobody wants any more).
 */
export type DisabledPolicy = 'run' | 'defer' | 'drop';

/** How a failing run is retried: `attempts` runs in all, waiting `backoffMs`, then twice that, four times, ... */
export interface RetryPolicy {
	/** Runs in all, the first included (1 = never retried). */
	attempts: number;
	/** Wait before the first retry, in milliseconds; doubled for each further one (BullMQ's exponential backoff). */
	backoffMs: number;
}

/** Default {@link RetryPolicy}: 5 runs, after 1 s, 2 s, 4 s and 8 s. */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ attempts: 5, backoffMs: 1_000 });

/** What a job carries in BullMQ (the job's `data`). */
export interface TaskEnvelope<T = unknown> {
	/** The guild the job is about, or null for a bot-wide job. */
	guildId: string | null;
	/** The plugin that scheduled it (null for the core's own tasks). */
	plugin: string | null;
	/** The caller's key of this logical job (part of the job id), or null when the job has a generated id. */
	key: string | null;
	/** When the job is due, in milliseconds since the epoch on the bot's clock (`container.clock`). */
	dueAt: number;
	payload: T;
}

/** What a task's `run` gets besides its payload. */
export interface TaskRunContext {
	/** The guild of the job, or null for a bot-wide job. */
	guildId: string | null;
	/** BullMQ's job id ({@link jobIdOf} for keyed jobs). */
	jobId: string;
	/** 1 for the first run, 2 for the first retry, ... */
	attempt: number;
	/** When the job was due (milliseconds since the epoch, bot clock). */
	dueAt: number;
}

/**
 * When and how to schedule a job. `at` or `delayMs` (not both; neither = now). `key` names the logical job: the job id
 * becomes {@link jobIdOf}(task, guildId, key), so scheduling the same key again does not queue a second job, and
 * `cancel(task, guildId, key)` finds it. Without a key the job gets a generated id and cannot be cancelled by key.
 */
export interface ScheduleOptions<T> {
	/** The guild the job is about, or null for a bot-wide job. */
	guildId: string | null;
	payload: T;
	/** Due time, in milliseconds since the epoch on the bot's clock. */
	at?: number;
	/** Due after this many milliseconds from now (bot clock). */
	delayMs?: number;
	/** Caller-chosen id of the logical job, unique per task and guild; at most 200 characters, no `/`. */
	key?: string;
	/**
	 * When a job with this key is already waiting: false (default) keeps it and queues nothing (the same job is never
	 * queued twice); true replaces it with this one (a new end time). A job that is running now is never replaced.
	 */
	replace?: boolean;
}

/** Where a keyed job stands after {@link ScheduleOptions}: newly queued, left as it was, or replaced. */
export type ScheduleOutcome = 'queued' | 'kept' | 'replaced';

/** The result of scheduling a job. */
export interface ScheduledJob {
	jobId: string;
	outcome: ScheduleOutcome;
	/** Due time in milliseconds since the epoch (bot clock). */
	dueAt: number;
}

/** Longest key accepted by {@link jobIdOf}. */
export const MAX_TASK_KEY_LENGTH = 200;

/**
 * The BullMQ job id of a keyed job: `<task>/<guildId or "bot">/<key>`. BullMQ refuses ids containing `:` (its key
 * separator) unless they have exactly three parts, and purely numeric ids; `/` is used instead.
 * @throws RangeError when the key is empty, longer than {@link MAX_TASK_KEY_LENGTH}, or contains `/` or `:`.
 */
export function jobIdOf(task: string, guildId: string | null, key: string): string {
	if (!key || key.length > MAX_TASK_KEY_LENGTH || /[/:]/.test(key)) {
		throw new RangeError(`A task key must be 1-${MAX_TASK_KEY_LENGTH} characters without "/" or ":", got ${JSON.stringify(key)}`);
	}
	return `${task}/${guildId ?? 'bot'}/${key}`;
}
