import { container } from '@sapphire/framework';
import type { ScheduledTask, ScheduledTaskHandler, ScheduledTaskHandlerOptions } from '@sapphire/plugin-scheduled-tasks';
import { parseRedisUrl } from './redis.js';

/**
 * The BullMQ queue name of the bot's scheduled tasks. The Sapphire plugin creates its Worker with the connection only
 * (BullMQ's `prefix` option would reach the Queue but not the Worker, which would then never see the jobs), so the
 * bot's Redis prefix goes into the queue name instead: `bot:` -> `bot-scheduled-tasks` (keys `bull:bot-scheduled-tasks:*`).
 */
export function taskQueueName(redisPrefix: string): string {
	return `${redisPrefix.replace(/[^A-Za-z0-9_-]+/g, '-')}scheduled-tasks`;
}

/** Finished jobs kept for inspection: completed ones for an hour (at most 1,000), failed ones for a week (5,000). */
export const TASK_JOB_RETENTION = {
	removeOnComplete: { age: 3_600, count: 1_000 },
	removeOnFail: { age: 7 * 24 * 3_600, count: 5_000 }
} as const;

/**
 * Options of @sapphire/plugin-scheduled-tasks for the bot: plain connection options (docs/stack-notes.md, "Redis and
 * ioredis"), `maxRetriesPerRequest: null` as BullMQ workers require, the
 * prefixed queue name, and retention limits so finished jobs do not pile up forever.
 */
export function buildTaskOptions(redisUrl: string, redisPrefix: string): ScheduledTaskHandlerOptions {
	return {
		queue: taskQueueName(redisPrefix),
		bull: {
			connection: { ...parseRedisUrl(redisUrl), maxRetriesPerRequest: null, connectionName: 'bot:tasks' },
			defaultJobOptions: { ...TASK_JOB_RETENTION }
		}
	};
}

/**
 * Makes the task handler wait for `gate` before running any job. The plugin starts its Worker when the client is
 * constructed, before the task store is loaded: a job due at start-up would otherwise find "no task" and be marked
 * completed, i.e. lost (docs/stack-notes.md, "BullMQ"). Held jobs stay locked by this worker and run once the gate
 * opens.
 */
export function holdTaskRunsUntil(handler: ScheduledTaskHandler, gate: Promise<void>): void {
	const run = handler.run.bind(handler);
	handler.run = (async (task: Parameters<ScheduledTaskHandler['run']>[0]) => {
		await gate;
		return run(task);
	}) as ScheduledTaskHandler['run'];
}

/** A repeat schedule as BullMQ lists it. */
interface RepeatSchedule {
	key: string;
	name: string;
	every?: string | number | null;
	pattern?: string | null;
	tz?: string | null;
}

/**
 * Creates the repeat schedule of every loaded repeating task and removes every other schedule of the queue (a task
 * that was deleted, or whose interval or pattern changed: BullMQ would keep firing the old schedule too;
 * docs/stack-notes.md, "BullMQ"). Processes sharing the queue converge on the schedules of the code they run.
 * @returns the names of the removed schedules.
 */
export async function syncRepeatSchedules(handler: ScheduledTaskHandler): Promise<string[]> {
	await handler.createRepeated();
	const store = container.stores.get('scheduled-tasks') as unknown as { repeatedTasks: ScheduledTask[] };
	const wanted = new Set(
		store.repeatedTasks.map((task) => (task.interval ? `${task.name}|every:${task.interval}` : `${task.name}|pattern:${task.pattern}|${task.timezone}`))
	);
	const schedules = (await handler.client.getRepeatableJobs()) as RepeatSchedule[];
	const removed: string[] = [];
	for (const schedule of schedules) {
		const id = schedule.every
			? `${schedule.name}|every:${Number(schedule.every)}`
			: `${schedule.name}|pattern:${schedule.pattern}|${schedule.tz ?? 'UTC'}`;
		if (wanted.has(id)) continue;
		await handler.client.removeRepeatableByKey(schedule.key);
		removed.push(`${schedule.name} (${schedule.every ? `every ${schedule.every} ms` : schedule.pattern})`);
	}
	return removed;
}
