/**
 * The scheduled task queue (BullMQ through @sapphire/plugin-scheduled-tasks) with the traps of docs/stack-notes.md
 * ("BullMQ") handled:
 * a job due while the bot was down runs at start-up instead of being lost ("no task found"); a repeat schedule that no
 * loaded task matches any more (removed task, changed interval) is removed; finished jobs are not kept forever.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseRedisUrl } from '../../src/lib/redis.js';
import { TASK_JOB_RETENTION, taskQueueName } from '../../src/lib/tasks.js';
import { DiscordEmulator } from '@hearth/discord-emulator';
import { echoPlugin } from '../fixtures/echo-plugin/index.js';
import { echoState } from '../fixtures/echo-plugin/state.js';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '../helpers/infra.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { testRedisUrl } from '../../tools/infra.js';
import { deleteRedisKeys } from '../../tools/redisKeys.js';

let emu: DiscordEmulator;
let database: TestDatabase;
const redisPrefix = uniqueRedisPrefix();
let queue: Queue;
let bot: TestBot | undefined;

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	emu.world.createGuild({ name: 'Tasks' });
	database = await createTestDatabase();
	queue = new Queue(taskQueueName(redisPrefix), { connection: { ...parseRedisUrl(testRedisUrl), maxRetriesPerRequest: null } });
});

afterAll(async () => {
	await bot?.stop();
	await queue?.close();
	await deleteRedisKeys(testRedisUrl, redisPrefix);
	await database?.drop();
	await emu?.stop();
});

describe('scheduled tasks', () => {
	it('runs a job that became due while no bot was running, and cleans stale repeat schedules', async () => {
		const due = await queue.add('echoReminder', { note: 'queued while down' }, { ...TASK_JOB_RETENTION });
		await queue.add('echoHeartbeat', undefined, { repeat: { every: 30_000 } }); // the interval of an older version
		await queue.add('taskThatNoLongerExists', undefined, { repeat: { every: 45_000 } });

		bot = await startTestBot({ emulator: emu, plugins: [echoPlugin], database, redisPrefix });
		await vi.waitFor(() => expect(echoState.reminders).toContainEqual({ note: 'queued while down' }), { timeout: 5_000 });
		expect(bot.logs.find('no piece in this bot')).toEqual([]);

		await vi.waitFor(async () => {
			const schedules = await queue.getRepeatableJobs();
			expect(schedules.map((schedule) => `${schedule.name} every ${schedule.every}`)).toEqual(['echoHeartbeat every 60000']);
		});
		expect(bot.logs.find(/Removed stale task schedules: .*echoHeartbeat \(every 30000 ms\)/)).toHaveLength(1);

		const finished = await queue.getJob(due.id!);
		expect(await finished?.getState()).toBe('completed');
	});

	it('keeps finished jobs for a bounded time only', async () => {
		const job = await bot!.handle.container.tasks.create({ name: 'echoReminder', payload: { note: 'retention' } });
		expect(job?.opts.removeOnComplete).toEqual(TASK_JOB_RETENTION.removeOnComplete);
		expect(job?.opts.removeOnFail).toEqual(TASK_JOB_RETENTION.removeOnFail);
		await vi.waitFor(() => expect(echoState.reminders).toContainEqual({ note: 'retention' }));
	});

	it('a delayed job created before a crash runs exactly once after the restart', async () => {
		const before = echoState.reminders.length;
		await bot!.handle.container.tasks.create({ name: 'echoReminder', payload: { note: 'after restart' } }, 1_500);
		await bot!.crash();
		bot = await startTestBot({ emulator: emu, plugins: [echoPlugin], database, redisPrefix });
		await vi.waitFor(() => expect(echoState.reminders.slice(before)).toContainEqual({ note: 'after restart' }), { timeout: 10_000 });
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(echoState.reminders.filter((reminder) => reminder.note === 'after restart')).toHaveLength(1);
	});
});
