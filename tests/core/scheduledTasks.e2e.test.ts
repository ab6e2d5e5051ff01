/**
 * The bot's task queue (src/lib/tasks/TaskQueue.ts) with the real bot on the emulator, through the echo test plugin's
 * tasks (tests/fixtures/echo-plugin/tasks/): keyed jobs never queued twice, replaced or cancelled; retries with
 * exponential backoff and a logged, counted final failure; the disabled-plugin policies (run, defer, drop); jobs due on
 * a ManualClock; a job due while no bot ran; stale repeat schedules; bounded retention; and a job that survives a
 * SIGKILL of the process that scheduled it and runs once in the other process.
 */
import { PermissionFlagsBits } from 'discord.js';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DiscordEmulator, type GuildHandle } from '@hearth/discord-emulator';
import { ManualClock } from '../../src/lib/clock.js';
import type { GuardDropListener } from '../../src/lib/plugins/guards.js';
import { bullPrefixOf, TASK_JOB_RETENTION, TASK_QUEUE_NAME } from '../../src/lib/tasks/TaskQueue.js';
import { testRedisUrl } from '../../tools/infra.js';
import { deleteRedisKeys } from '../../tools/redisKeys.js';
import { echoPlugin } from '../fixtures/echo-plugin/index.js';
import type { EchoState } from '../fixtures/echo-plugin/state.js';
import { CHILD_BOT_TEST_TIMEOUT_MS, startChildBot, type ChildBot, type ChildPluginSpec } from '../helpers/childBot.js';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '../helpers/infra.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

const echoSpec: ChildPluginSpec = { module: new URL('../fixtures/echo-plugin/index.ts', import.meta.url).href, exports: ['echoPlugin'] };

let emu: DiscordEmulator;
let on: GuildHandle;
let off: GuildHandle;
let database: TestDatabase;
const redisPrefix = uniqueRedisPrefix();
let queue: Queue;
let bot: TestBot | undefined;
let child: ChildBot | undefined;
const drops: Parameters<GuardDropListener>[0][] = [];

/** Starts the in-process bot (shard 0 of 2) on the shared database and Redis prefix. */
async function startBot(options: { clock?: ManualClock } = {}): Promise<TestBot> {
	return startTestBot({
		emulator: emu,
		plugins: [echoPlugin],
		database,
		redisPrefix,
		env: { SHARD_COUNT: '2', SHARD_IDS: '0' },
		onGuardDrop: (drop) => drops.push(drop),
		...(options.clock ? { clock: options.clock } : {})
	});
}

const echo = (): EchoState => bot!.handle.pluginHost.service('echo');

/** Resolves once the bot's real clock has passed `ms` (a due time on the system clock: nothing else to await). */
async function untilPast(ms: number): Promise<void> {
	const wait = ms - Date.now();
	if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 20));
}

beforeAll(async () => {
	emu = await DiscordEmulator.start({ shardCount: 2 });
	on = emu.world.createGuild({ name: 'Echo on', shard: [0, 2] });
	off = emu.world.createGuild({ name: 'Echo off', shard: [0, 2] });
	for (const guild of [on, off]) guild.addMember({ username: 'admin', permissions: PermissionFlagsBits.ManageGuild });
	database = await createTestDatabase();
	queue = new Queue(TASK_QUEUE_NAME, { connection: { url: testRedisUrl, maxRetriesPerRequest: null }, prefix: bullPrefixOf(redisPrefix) });
	bot = await startBot();
	await bot.handle.settings.setPluginEnabled(on.id, 'echo', true);
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await child?.kill();
	await bot?.stop();
	await queue?.close();
	await deleteRedisKeys(testRedisUrl, redisPrefix);
	await database?.drop();
	await emu?.stop();
});

describe('keyed jobs', () => {
	it('a job scheduled twice with one key is queued and runs once', async () => {
		const { taskQueue } = bot!.handle;
		const first = await taskQueue.schedule('echoReminder', { guildId: on.id, payload: { note: 'first' }, delayMs: 300, key: 'twice' });
		const second = await taskQueue.schedule('echoReminder', { guildId: on.id, payload: { note: 'second' }, delayMs: 300, key: 'twice' });
		expect(first).toMatchObject({ jobId: `echoReminder/${on.id}/twice`, outcome: 'queued' });
		expect(second).toMatchObject({ jobId: first.jobId, outcome: 'kept', dueAt: first.dueAt });
		await vi.waitFor(async () => expect(await taskQueue.stateOf('echoReminder', on.id, 'twice')).toBe('completed'), { timeout: 5_000 });
		expect(echo().notes('echoReminder', on.id).filter((note) => note === 'first' || note === 'second')).toEqual(['first']);
	});

	it('the same key can be scheduled again once its job has finished', async () => {
		const { taskQueue } = bot!.handle;
		const again = await taskQueue.schedule('echoReminder', { guildId: on.id, payload: { note: 'again' }, key: 'twice' });
		expect(again.outcome).toBe('queued');
		await vi.waitFor(() => expect(echo().notes('echoReminder', on.id)).toContain('again'), { timeout: 5_000 });
	});

	it('replace gives a waiting job a new due time and payload', async () => {
		const { taskQueue } = bot!.handle;
		await taskQueue.schedule('echoReminder', { guildId: on.id, payload: { note: 'an hour later' }, delayMs: 3_600_000, key: 'moved' });
		expect(await taskQueue.stateOf('echoReminder', on.id, 'moved')).toBe('delayed');
		const moved = await taskQueue.schedule('echoReminder', { guildId: on.id, payload: { note: 'right away' }, key: 'moved', replace: true });
		expect(moved.outcome).toBe('replaced');
		await vi.waitFor(() => expect(echo().notes('echoReminder', on.id)).toContain('right away'), { timeout: 5_000 });
		expect(echo().notes('echoReminder', on.id)).not.toContain('an hour later');
	});

	it('a cancelled job never runs', async () => {
		const { taskQueue } = bot!.handle;
		const cancelled = await taskQueue.schedule('echoReminder', { guildId: on.id, payload: { note: 'cancelled' }, delayMs: 400, key: 'cancel-me' });
		expect(await taskQueue.cancel('echoReminder', on.id, 'cancel-me')).toBe(true);
		expect(await taskQueue.stateOf('echoReminder', on.id, 'cancel-me')).toBeNull();
		expect(await taskQueue.cancel('echoReminder', on.id, 'cancel-me')).toBe(false);
		// A later job of the same task proves the worker went past the cancelled one's due time.
		await taskQueue.schedule('echoReminder', { guildId: on.id, payload: { note: 'after the cancelled one' }, at: cancelled.dueAt + 300 });
		await vi.waitFor(() => expect(echo().notes('echoReminder', on.id)).toContain('after the cancelled one'), { timeout: 5_000 });
		expect(echo().notes('echoReminder', on.id)).not.toContain('cancelled');
	});

	it('refuses a key with a separator in it, queueing nothing', async () => {
		await expect(bot!.handle.taskQueue.schedule('echoReminder', { guildId: on.id, payload: { note: 'bad key' }, key: 'a/b' })).rejects.toThrow(RangeError);
		await expect(bot!.handle.taskQueue.schedule('noSuchTask' as 'echoReminder', { guildId: null, payload: { note: 'x' } })).rejects.toThrow(/No scheduled task named "noSuchTask"/);
	});
});

describe('failures', () => {
	it('a failing job is retried with exponential backoff until it succeeds', async () => {
		const { taskQueue } = bot!.handle;
		await taskQueue.schedule('echoFlaky', { guildId: on.id, payload: { note: 'flaky', failures: 2 }, key: 'flaky' });
		await vi.waitFor(async () => expect(await taskQueue.stateOf('echoFlaky', on.id, 'flaky')).toBe('completed'), { timeout: 10_000 });
		const runs = echo().runs.filter((run) => run.note === 'flaky');
		expect(runs.map((run) => run.attempt)).toEqual([1, 2, 3]);
		// echoFlaky's retry policy: 200 ms, then twice that.
		expect(runs[1]!.startedAt - runs[0]!.startedAt).toBeGreaterThanOrEqual(190);
		expect(runs[2]!.startedAt - runs[1]!.startedAt).toBeGreaterThanOrEqual(390);
		expect(bot!.logs.find(/Task echoFlaky \(job echoFlaky\/\d+\/flaky\) failed on attempt 1 of 3; retrying/)).toHaveLength(1);
	});

	it('a job that fails every run is logged once with an error id, counted, and kept as failed', async () => {
		const { taskQueue, metrics } = bot!.handle;
		await taskQueue.schedule('echoFlaky', { guildId: on.id, payload: { note: 'hopeless', failures: 99 }, key: 'hopeless' });
		await vi.waitFor(async () => expect(await taskQueue.stateOf('echoFlaky', on.id, 'hopeless')).toBe('failed'), { timeout: 10_000 });
		expect(echo().runs.filter((run) => run.note === 'hopeless').map((run) => run.attempt)).toEqual([1, 2, 3]);
		const failures = bot!.logs.find(/ERROR .*Scheduled task echoFlaky \(job echoFlaky\/\d+\/hopeless\) failed \(error id E-\w+\)/);
		expect(failures).toHaveLength(1);
		expect(failures[0]).toContain('plugin=echo');
		expect(failures[0]).toContain(`guild=${on.id}`);
		const text = await metrics.registry.metrics();
		expect(text).toContain('hearth_task_runs_total{task="echoFlaky",outcome="failed"} 1');
		expect(text).toMatch(/hearth_task_runs_total\{task="echoFlaky",outcome="retry"\} [4-9]/);
	});
});

describe('a task whose plugin is off in the guild', () => {
	it('follows its policy: drop (logged, counted), run, or defer until the plugin is switched on again', async () => {
		const { taskQueue, settings, metrics } = bot!.handle;
		expect(await settings.isPluginEnabled(off.id, 'echo')).toBe(false);
		await taskQueue.schedule('echoReminder', { guildId: off.id, payload: { note: 'dropped' }, key: 'policy' });
		await taskQueue.schedule('echoAlways', { guildId: off.id, payload: { note: 'always' }, key: 'policy' });
		await taskQueue.schedule('echoDeferred', { guildId: off.id, payload: { note: 'deferred' }, key: 'policy' });

		await vi.waitFor(() => expect(echo().notes('echoAlways', off.id)).toEqual(['always']), { timeout: 5_000 });
		await vi.waitFor(async () => expect(await taskQueue.stateOf('echoReminder', off.id, 'policy')).toBe('completed'), { timeout: 5_000 });
		await vi.waitFor(async () => expect(await taskQueue.stateOf('echoDeferred', off.id, 'policy')).toBe('delayed'), { timeout: 5_000 });
		expect(echo().notes('echoReminder', off.id)).toEqual([]);
		expect(echo().notes('echoDeferred', off.id)).toEqual([]);
		expect(drops).toContainEqual({ plugin: 'echo', guildId: off.id, store: 'scheduled-tasks', piece: 'echoReminder' });
		expect(drops).toContainEqual({ plugin: 'echo', guildId: off.id, store: 'scheduled-tasks', piece: 'echoDeferred' });
		expect(bot!.logs.find(`Task echoReminder (job echoReminder/${off.id}/policy) dropped: plugin echo is off in guild ${off.id}`)).toHaveLength(1);
		const text = await metrics.registry.metrics();
		expect(text).toContain('hearth_task_runs_total{task="echoReminder",outcome="dropped"} 1');
		expect(text).toContain('hearth_task_runs_total{task="echoDeferred",outcome="deferred"} 1');

		await settings.setPluginEnabled(off.id, 'echo', true);
		await vi.waitFor(() => expect(echo().notes('echoDeferred', off.id)).toEqual(['deferred']), { timeout: 5_000 });
		expect(echo().notes('echoReminder', off.id)).toEqual([]);
		await settings.setPluginEnabled(off.id, 'echo', false);
	});
});

describe('restarts and time', () => {
	it('runs, exactly once, a job that came due while no bot was running; removes stale repeat schedules', async () => {
		const scheduled = await bot!.handle.taskQueue.schedule('echoReminder', { guildId: on.id, payload: { note: 'due while down' }, delayMs: 500, key: 'down' });
		await bot!.crash();
		bot = undefined;
		await queue.upsertJobScheduler('echoHeartbeat', { every: 30_000 }); // the interval of an older version
		await queue.upsertJobScheduler('taskThatNoLongerExists', { every: 45_000 });
		await untilPast(scheduled.dueAt);

		bot = await startBot();
		await vi.waitFor(() => expect(echo().notes('echoReminder', on.id)).toEqual(['due while down']), { timeout: 10_000 });
		await vi.waitFor(async () => {
			const schedulers = await queue.getJobSchedulers();
			expect(schedulers.map((scheduler) => `${scheduler.key} (${scheduler.name}) every ${scheduler.every}`)).toEqual(['echoHeartbeat@every:60000 (echoHeartbeat) every 60000']);
		}, { timeout: 5_000 });
		expect(await bot.handle.taskQueue.stateOf('echoReminder', on.id, 'down')).toBe('completed');
	});

	it('keeps finished jobs for a bounded time only', async () => {
		const { jobId } = await bot!.handle.taskQueue.schedule('echoReminder', { guildId: on.id, payload: { note: 'retention' } });
		const job = await queue.getJob(jobId);
		expect(job?.opts.removeOnComplete).toEqual(TASK_JOB_RETENTION.removeOnComplete);
		expect(job?.opts.removeOnFail).toEqual(TASK_JOB_RETENTION.removeOnFail);
	});

	it('a job due on a ManualClock runs when the clock reaches it, not before', async () => {
		await bot!.stop();
		const clock = new ManualClock(Date.UTC(2026, 0, 1));
		bot = await startBot({ clock });
		const { taskQueue } = bot.handle;
		const job = await taskQueue.schedule('echoReminder', { guildId: on.id, payload: { note: 'ten minutes later' }, delayMs: 10 * 60_000, key: 'clock' });
		expect(job.dueAt).toBe(Date.UTC(2026, 0, 1, 0, 10));
		clock.advance(9 * 60_000);
		expect(await taskQueue.promoteDue()).toBe(0);
		expect(await taskQueue.stateOf('echoReminder', on.id, 'clock')).toBe('delayed');
		clock.advance(60_000);
		await vi.waitFor(() => expect(echo().notes('echoReminder', on.id)).toEqual(['ten minutes later']), { timeout: 5_000 });
	});
});

describe('two processes', () => {
	it('a job survives a SIGKILL of the process that scheduled it and runs once in the other process', async () => {
		child = await startChildBot({ emulator: emu, database, redisPrefix, plugins: [echoSpec], env: { SHARD_COUNT: '2', SHARD_IDS: '1' } });
		const dueAt = Date.now() + 1_500;
		const jobId = await child.schedule('echoAlways', { guildId: on.id, payload: { note: 'survivor' }, at: dueAt, key: 'survivor' });
		expect(jobId).toBe(`echoAlways/${on.id}/survivor`);
		await child.kill();
		child = undefined;
		await vi.waitFor(() => expect(echo().notes('echoAlways', on.id)).toContain('survivor'), { timeout: 10_000 });
		await vi.waitFor(async () => expect(await bot!.handle.taskQueue.stateOf('echoAlways', on.id, 'survivor')).toBe('completed'));
		expect(echo().notes('echoAlways', on.id).filter((note) => note === 'survivor')).toHaveLength(1);
		expect(echo().runs.find((run) => run.note === 'survivor')!.startedAt).toBeGreaterThanOrEqual(dueAt);
	}, CHILD_BOT_TEST_TIMEOUT_MS);
});
