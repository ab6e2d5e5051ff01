/**
 * `npm run bench:timers` (issue 8, "Done when"): temporary bans ending within the same second, across two bot
 * processes, on the local Discord emulator, PostgreSQL and Redis. Checks that each ban ended exactly once and prints
 * how late the unbans reached Discord (p50/p95/p99/max), the Discord calls per ended ban, and a baseline measured in
 * the same run. `--bans 10000` is the issue's figure; the default is 2,500 so that a run takes about 2 minutes: each
 * process's REST client sends at most 50 requests per second (@discordjs/rest's default, Discord's global rate limit
 * of a bot), so 10,000 unbans take minutes to send whatever the bot does, and the report prints that floor.
 *
 * 1. **World** (the emulator, in this process): `--guilds` guilds on 2 shards (one per bot process), `--bans` users
 *    banned in them (in turn), put in the emulator's state directly (no gateway event, no audit-log entry).
 * 2. **Baseline**: the same unbans as bare BullMQ jobs, due at the same offsets, run by two child processes each with
 *    a bare BullMQ `Worker` (concurrency 10, the bot's) whose job is one `DELETE /guilds/{g}/bans/{u}` through
 *    @discordjs/rest (bench/lib/timersBareWorker.ts). Scheduled from this process (`Queue.add`, job id = the bot's
 *    key, `delay`). The users are banned again afterwards.
 * 3. **Bot**: a fresh database (migrated like the bot's) and Redis prefix; two bot processes (the real `startBot`,
 *    the bot's plugin list, moderation on in every guild; `SHARD_COUNT=2`, `SHARD_IDS=0` and `1`:
 *    bench/lib/timersBotMain.ts). The ban cases are written with the plugin's own `insertCase`
 *    (src/plugins/moderation/service/caseStore.ts: counter row, case with `ends_at`), which is what `ban()` records,
 *    and their ends are queued by the plugin's own recovery path, `reconcileTemporaryBans()` (what every process runs
 *    at start), called in **both** processes at once, as two processes starting together would. From there on
 *    everything is the bot's: the `moderationUnban` task (src/plugins/moderation/tasks/moderationUnban.ts) runs in
 *    whichever process takes the job, and `endTemporaryBan` takes the user's lock, checks the case is still the
 *    latest, unbans through REST, marks the case ended.
 *    The bans are not created through `ban()` (the moderation service over IPC): that is the bot's Discord and
 *    database work of 10,000 bans, minutes on 2 shared cores, and it measures the bans, not their ends.
 * 4. **Checks and figures**: each ban's unban is read from the emulator's request log (the first successful
 *    `DELETE .../bans/{user}`; lateness = its arrival minus the ban's due time, both on this machine's clock); a ban
 *    ended twice would show a second DELETE (404 Unknown Ban) within the 2 s watched after the last end; every case
 *    must have `ended_at` in the database and the two processes' `hearth_task_runs_total` must add up to the bans.
 *    Discord calls per ended ban: every REST call the emulator received from the end of scheduling to the last end,
 *    by route, divided by the bans ended.
 *
 * Bounded: at most 100,000 bans and 10,000 guilds; each phase gives up 60 s (+40 ms per ban: the REST clients send
 * 100 requests/s together) after its last due time; a watchdog stops everything. Cleans up whatever happens: the
 * child processes, the database, the Redis keys, the emulator. Exit code 0 when the run completed (whatever the figures), 1 when the benchmark failed, 2 for bad
 * options. Needs Node 24 (run it through npm), PostgreSQL (TEST_DATABASE_URL) and Redis (TEST_REDIS_URL).
 */
import os from 'node:os';
import { DiscordEmulator, type GuildHandle } from '@hearth/discord-emulator';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createDatabase, createOrm, dropDatabase, runMigrations, type BotOrm } from '../src/lib/database.js';
import { bullPrefixOf } from '../src/lib/tasks/TaskQueue.js';
import { plugins as botPlugins } from '../src/plugins/index.js';
import { unbanTaskKey } from '../src/plugins/moderation/service/ModerationService.js';
import { insertCase } from '../src/plugins/moderation/service/caseStore.js';
import { testDatabaseServerUrl, testRedisUrl, uniqueId } from '../tools/infra.js';
import { deleteRedisKeys } from '../tools/redisKeys.js';
import { benchCommand, type BenchCommand } from './lib/cli.js';
import { count, duration, mebibytes, ms, pass, share, table } from './lib/format.js';
import { Cleanups, out, runBenchmark, step } from './lib/run.js';
import { latenessSummary } from './lib/taskBench.js';
import type { BareUnbanJob, BareWorkerLaunch } from './lib/timersBareWorker.js';
import type { TimersBotLaunch, TimersBotProbe } from './lib/timersBotMain.js';
import { emulatorBotEnv } from './lib/botProcess.js';
import { startBenchChild, type BenchChild } from './lib/timersChild.js';

const LATE_MS = 1_000;
const TARGET_P99_MS = 1_000;
/** The bot's task worker concurrency (src/lib/tasks/TaskQueue.ts default); the baseline uses the same. */
const CONCURRENCY = 10;
/** After the last end, this long is watched for a second unban of any ban. */
const SETTLE_MS = 2_000;
const READY_TIMEOUT_MS = 180_000;
const BAN_ROUTE = '/guilds/{guild_id}/bans/{user_id}';

const USAGE = `Usage: npm run bench:timers -- [options]

Temporary bans all ending within the same second, ended by two bot processes (the moderation plugin's
moderationUnban task), next to the same unbans as bare BullMQ jobs in two worker processes. Prints whether each ban
ended exactly once, lateness p50/p95/p99/max (the unban's arrival at the Discord emulator minus the ban's end), the
Discord calls per ended ban, and the split between the processes.

  --bans N          temporary bans (default 2500; the issue's figure is 10000, about 6 minutes; at most 100000)
  --guilds N        guilds they are spread over, in turn (default: one per 10 bans; at most 10000 and --bans)
  --spread-ms N     the ends are spread evenly over this many ms (default 1000: "within the same second")
  --lead-ms N       first end this many ms after scheduling starts (default: auto, from --bans)
  --skip-baseline   measure the bot only
  --help            this text

PostgreSQL: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); Redis: TEST_REDIS_URL (default
redis://127.0.0.1:6379). The defaults take about 2 minutes on 2 cores: each process's REST client sends at most
50 requests per second (Discord's global limit), so the ends drain at about that pace whatever the machine. Exit code 0 when the run completed, 1 when
the benchmark failed, 2 for bad options. See bench/README.md.
`;

const cli: BenchCommand = benchCommand('timers', USAGE);
const args = cli.parse({
	bans: { type: 'string', default: '2500' },
	guilds: { type: 'string', default: 'auto' },
	'spread-ms': { type: 'string', default: '1000' },
	'lead-ms': { type: 'string', default: 'auto' },
	'skip-baseline': { type: 'boolean', default: false }
});
const BANS = cli.wholeNumber('bans', args.bans, 1, 100_000);
const GUILDS = args.guilds === 'auto' ? Math.min(10_000, Math.ceil(BANS / 10)) : cli.wholeNumber('guilds', args.guilds, 1, Math.min(10_000, BANS));
const SPREAD_MS = cli.wholeNumber('spread-ms', args['spread-ms'], 0, 60_000);
const LEAD_MS = args['lead-ms'] === 'auto' ? null : cli.wholeNumber('lead-ms', args['lead-ms'], 0, 600_000);
const SKIP_BASELINE = args['skip-baseline'];
/** A phase gives up this long after its last due time. */
const GIVE_UP_AFTER_LAST_DUE_MS = 60_000 + 40 * BANS;
/**
 * Auto lead: scheduling must be over before the first end. Measured on this machine: the bare queue schedules about
 * 4,000 jobs/s; `reconcileTemporaryBans` in both processes at once about 1,000 bans/s (each looks up and adds every
 * key in turn). About twice that, and a floor; the report says when scheduling was still running at the first end.
 */
const baselineLeadMs = LEAD_MS ?? Math.max(3_000, Math.ceil(BANS * 0.5) + 2_000);
const botLeadMs = LEAD_MS ?? Math.max(5_000, Math.ceil(BANS * 2) + 3_000);
/**
 * Requests per second one process's REST client sends at most: @discordjs/rest's `globalRequestsPerSecond` default,
 * which is Discord's global rate limit of a bot ("Rate Limits" in Discord's documentation). The bot does not change
 * it (src/lib/bot.ts), and the baseline uses the same client.
 */
const GLOBAL_REQUESTS_PER_SECOND = 50;

const load = () => os.loadavg()[0] ?? 0;
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Cleanup steps, run last-in first-out whatever happens. */
const cleanups = new Cleanups();

/**
 * Cleanup steps of one phase: run (last-in first-out) when the phase is over, or with the global ones if the
 * benchmark is interrupted meanwhile.
 */
function phaseCleanups(what: string) {
	const steps = new Cleanups();
	const global = cleanups.push({ what, run: () => steps.run() });
	return {
		push: (name: string, run: () => Promise<unknown>) => steps.push({ what: name, run }),
		/** Runs the phase's steps now and forgets them. */
		async done() {
			cleanups.remove(global);
			await steps.run();
		}
	};
}

/** One temporary ban of the run. */
interface Ban {
	guildId: string;
	userId: string;
	/** Its end, ms since the epoch (set per phase). */
	dueAt: number;
}

/** What one phase (baseline or bot) measured. */
interface PhaseResult {
	/** Wall time of scheduling the ends, ms. */
	scheduleMs: number;
	/** Whether scheduling was over before the first end (else the first ends' lateness includes scheduling). */
	scheduledInTime: boolean;
	/** The first successful unban's arrival minus the due time, per ended ban, ms. */
	lateness: number[];
	/** Bans with a successful unban. */
	ended: number;
	/** Bans unbanned more than once (any DELETE after the first), and all DELETE requests. */
	endedTwice: number;
	deletes: number;
	/** REST calls from the end of scheduling to the last end, by `METHOD route`. */
	calls: Map<string, number>;
	/** Ends per process (bot: `hearth_task_runs_total{outcome="success"}`; baseline: jobs each worker processed). */
	perProcess: number[];
	/** Failed or retried runs, all processes. */
	failures: number;
	/** From the last due time to the last end, ms (how long the backlog took to drain). */
	drainMs: number;
	loadAfter: number;
}

/** The unbans of one phase, read from the emulator's request log as it grows (each record looked at once). */
class UnbanLog {
	/** Arrival (ms) of the first successful unban of each ban (`<guild>/<user>`). */
	readonly firstSuccess = new Map<string, number>();
	/** DELETE requests per ban, whatever their status. */
	readonly requests = new Map<string, number>();
	#cursor: number;

	public constructor(
		private readonly emu: DiscordEmulator,
		private readonly keys: ReadonlySet<string>,
		sinceSeq: number
	) {
		const rest = emu.recorder.rest;
		this.#cursor = rest.length;
		while (this.#cursor > 0 && rest[this.#cursor - 1]!.seq > sinceSeq) this.#cursor--;
	}

	/** Reads the records that arrived since the last call. */
	public update(): this {
		const rest = this.emu.recorder.rest;
		for (; this.#cursor < rest.length; this.#cursor++) {
			const record = rest[this.#cursor]!;
			if (record.method !== 'DELETE' || record.route !== BAN_ROUTE) continue;
			const key = `${record.params.guild_id}/${record.params.user_id}`;
			if (!this.keys.has(key)) continue;
			this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
			if (record.status >= 200 && record.status < 300 && !this.firstSuccess.has(key)) this.firstSuccess.set(key, record.at);
		}
		return this;
	}

	public get deletes(): number {
		return [...this.requests.values()].reduce((sum, value) => sum + value, 0);
	}

	public get endedTwice(): number {
		return [...this.requests.values()].filter((value) => value > 1).length;
	}
}

/** REST calls the emulator received after `sinceSeq`, by `METHOD route`. */
function callsSince(emu: DiscordEmulator, sinceSeq: number): Map<string, number> {
	const calls = new Map<string, number>();
	for (const record of emu.recorder.rest) {
		if (record.seq <= sinceSeq) continue;
		const key = `${record.method} ${record.route}`;
		calls.set(key, (calls.get(key) ?? 0) + 1);
	}
	return calls;
}

/**
 * Waits until every ban has a successful unban after `sinceSeq` (or the phase gives up), then watches `SETTLE_MS`
 * more for second unbans. @returns the unbans seen, and the REST calls from `callsFromSeq` to the last end.
 */
async function waitForEnds(emu: DiscordEmulator, bans: readonly Ban[], sinceSeq: number, callsFromSeq: number) {
	const log = new UnbanLog(emu, new Set(bans.map((ban) => `${ban.guildId}/${ban.userId}`)), sinceSeq);
	const lastDue = Math.max(...bans.map((ban) => ban.dueAt));
	const giveUpAt = lastDue + GIVE_UP_AFTER_LAST_DUE_MS;
	let lastProgressLog = Date.now();
	while (log.update().firstSuccess.size < bans.length && Date.now() <= giveUpAt) {
		if (Date.now() - lastProgressLog > 5_000 && Date.now() > lastDue) {
			step(`  ${count(log.firstSuccess.size)} of ${count(bans.length)} ended so far`);
			lastProgressLog = Date.now();
		}
		await sleep(200);
	}
	const calls = callsSince(emu, callsFromSeq);
	await sleep(SETTLE_MS);
	log.update();
	const lastEnd = Math.max(...log.firstSuccess.values());
	const lateness = bans.flatMap((ban) => {
		const at = log.firstSuccess.get(`${ban.guildId}/${ban.userId}`);
		return at === undefined ? [] : [at - ban.dueAt];
	});
	return { ended: log.firstSuccess.size, deletes: log.deletes, endedTwice: log.endedTwice, lateness, calls, drainMs: Math.max(0, lastEnd - lastDue) };
}

/** Due times: the first `leadMs` after `from`, the others spread evenly over `SPREAD_MS`. */
function setDueTimes(bans: Ban[], from: number, leadMs: number): void {
	bans.forEach((ban, index) => {
		ban.dueAt = from + leadMs + (bans.length > 1 ? Math.round((index * SPREAD_MS) / (bans.length - 1)) : 0);
	});
}

/** Runs `fn` on every item with `lanes` calls in flight. */
async function inLanes<T>(items: readonly T[], lanes: number, fn: (item: T) => Promise<unknown>): Promise<void> {
	let next = 0;
	const lane = async () => {
		while (next < items.length) await fn(items[next++]!);
	};
	await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
}

/** The baseline phase: bare BullMQ jobs in two worker processes, each one DELETE through @discordjs/rest. */
async function runBaseline(emu: DiscordEmulator, bans: Ban[], runId: string): Promise<PhaseResult> {
	const prefix = `bench-timers-${runId}:bare`;
	const queueName = 'unbans';
	const phase = phaseCleanups('baseline');
	phase.push('baseline Redis keys', () => deleteRedisKeys(testRedisUrl, prefix));
	const launch: BareWorkerLaunch = { redisUrl: testRedisUrl, prefix, queue: queueName, restUrl: emu.restUrl, token: emu.bot.token, concurrency: CONCURRENCY };
	step('baseline: starting two bare BullMQ worker processes');
	const workers: BenchChild[] = [];
	phase.push('baseline workers', () => Promise.all(workers.map((worker) => worker.stop())));
	const connection = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
	connection.on('error', () => undefined);
	const queue = new Queue<BareUnbanJob>(queueName, { connection, prefix });
	phase.push('baseline queue', async () => {
		await queue.close();
		connection.disconnect();
	});
	try {
		workers.push(...(await Promise.all([0, 1].map(() => startBenchChild('timersBareWorker.ts', launch, READY_TIMEOUT_MS)))));
		const sinceSeq = emu.recorder.seq;
		const began = Date.now();
		setDueTimes(bans, began, baselineLeadMs);
		step(`baseline: scheduling ${count(bans.length)} jobs, ends from ${duration(baselineLeadMs)} on, over ${duration(SPREAD_MS)}`);
		const scheduleStarted = performance.now();
		await inLanes(bans, CONCURRENCY, (ban) =>
			queue.add(
				'moderationUnban',
				{ guildId: ban.guildId, userId: ban.userId },
				{ jobId: unbanTaskKey(ban.userId, 1), delay: Math.max(0, ban.dueAt - Date.now()), removeOnComplete: true }
			)
		);
		const scheduleMs = performance.now() - scheduleStarted;
		const scheduledInTime = Date.now() < bans[0]!.dueAt;
		step('baseline: waiting for the unbans');
		const seen = await waitForEnds(emu, bans, sinceSeq, emu.recorder.seq);
		const loadAfter = load();
		const counts = await Promise.all(workers.map((worker) => worker.request<{ processed: number; failed: number }>('count')));
		return {
			scheduleMs,
			scheduledInTime,
			...seen,
			perProcess: counts.map((each) => each.processed),
			failures: counts.reduce((sum, each) => sum + each.failed, 0),
			loadAfter
		};
	} finally {
		await phase.done();
	}
}

/** The bot phase: cases written, ends queued by both processes, ended by the moderationUnban task. */
async function runBot(emu: DiscordEmulator, bans: Ban[], runId: string, moderatorId: string): Promise<PhaseResult & { reconcile: { seen: number; ms: number }[]; probes: TimersBotProbe[]; notEndedInDb: number; dbLateness: number[]; readyAfterMs: number[]; shutdowns: string[] }> {
	const dbUrl = new URL(testDatabaseServerUrl);
	dbUrl.pathname = `/bench_timers_${runId}`;
	const databaseUrl = dbUrl.toString();
	await createDatabase(databaseUrl);
	cleanups.push({ what: 'database', run: () => dropDatabase(databaseUrl) });
	const redisPrefix = `bench-timers-${runId}:bot:`;
	cleanups.push({ what: 'bot Redis keys', run: () => deleteRedisKeys(testRedisUrl, redisPrefix) });
	// Migrated here once, before the two processes start (two processes migrating a fresh database at once would race).
	const orm: BotOrm = await createOrm({ databaseUrl, plugins: botPlugins, poolSize: 10 });
	cleanups.push({ what: 'ORM', run: () => orm.close(true) });
	await runMigrations(orm);

	step('bot: starting two bot processes (SHARD_COUNT=2, one shard each)');
	const launch = (shard: number): TimersBotLaunch => ({
		env: emulatorBotEnv(emu, databaseUrl, 'info', { SHARD_COUNT: '2', SHARD_IDS: String(shard) }),
		redisPrefix
	});
	const bots: BenchChild[] = [];
	cleanups.push({
		what: 'bot processes',
		run: async () => {
			await Promise.all(bots.map((bot) => bot.stop()));
		}
	});
	bots.push(...(await Promise.all([0, 1].map((shard) => startBenchChild('timersBotMain.ts', launch(shard), READY_TIMEOUT_MS)))));

	step(`bot: writing ${count(bans.length)} ban cases with the plugin's insertCase`);
	const began = Date.now();
	setDueTimes(bans, began, botLeadMs);
	const writeStarted = performance.now();
	await inLanes(bans, 8, (ban) =>
		orm.em.fork().transactional((tx) =>
			insertCase(tx, {
				guildId: ban.guildId,
				type: 'ban',
				targetId: ban.userId,
				moderatorId,
				reason: 'bench:timers',
				source: 'command',
				createdAt: began,
				durationMs: ban.dueAt - began,
				endsAt: ban.dueAt
			})
		)
	);
	const writeMs = performance.now() - writeStarted;
	step(`bot: cases written in ${duration(writeMs)}; queueing their ends with reconcileTemporaryBans() in both processes at once`);
	const sinceSeq = emu.recorder.seq;
	const scheduleStarted = performance.now();
	const reconcile = await Promise.all(bots.map((bot) => bot.request<{ seen: number; ms: number }>('reconcile', [], GIVE_UP_AFTER_LAST_DUE_MS)));
	const scheduleMs = performance.now() - scheduleStarted;
	const scheduledInTime = Date.now() < bans[0]!.dueAt;
	step(`bot: queued in ${duration(scheduleMs)}; waiting for the ends (first due in ${duration(Math.max(0, bans[0]!.dueAt - Date.now()))})`);
	const seen = await waitForEnds(emu, bans, sinceSeq, emu.recorder.seq);
	const loadAfter = load();
	const probes = await Promise.all(bots.map((bot) => bot.request<TimersBotProbe>('probe')));
	const rows = await orm.em
		.fork()
		.getConnection()
		.execute<{ ends_at: Date; ended_at: Date | null }[]>(`select ends_at, ended_at from moderation_case where type = 'ban' and source = 'command' and reason = 'bench:timers'`);
	const notEndedInDb = rows.filter((row) => row.ended_at === null).length + Math.max(0, bans.length - rows.length);
	const dbLateness = rows.flatMap((row) => (row.ended_at ? [new Date(row.ended_at).getTime() - new Date(row.ends_at).getTime()] : []));
	step('bot: stopping both processes (SIGTERM)');
	const shutdowns = await Promise.all(
		bots.map(async (bot) => {
			const started = Date.now();
			const exit = await bot.stop();
			return `exit ${exit.code ?? exit.signal} after ${duration(Date.now() - started)}`;
		})
	);
	return {
		scheduleMs,
		scheduledInTime,
		...seen,
		perProcess: probes.map((probe) => probe.runs.success ?? 0),
		failures: probes.reduce((sum, probe) => sum + (probe.runs.failed ?? 0) + (probe.runs.retry ?? 0), 0),
		loadAfter,
		reconcile,
		probes,
		notEndedInDb,
		dbLateness,
		readyAfterMs: bots.map((bot) => bot.readyAfterMs),
		shutdowns
	};
}

async function main(): Promise<void> {
	const runId = uniqueId();
	const startedAt = new Date();
	const loadAtStart = load();

	// 1. The world.
	step(`emulator: ${count(GUILDS)} guilds on 2 shards, ${count(BANS)} banned users`);
	const emu = await DiscordEmulator.start({ shardCount: 2 });
	cleanups.push({ what: 'emulator', run: () => emu.stop() });
	const guilds: GuildHandle[] = Array.from({ length: GUILDS }, (_, index) => emu.world.createGuild({ name: `Guild ${index + 1}`, shard: [index % 2, 2], defaultChannels: false }));
	const moderatorId = emu.world.createUser({ username: 'moderator' }).id;
	const bans: Ban[] = Array.from({ length: BANS }, (_, index) => {
		const guild = guilds[index % GUILDS]!;
		const user = emu.world.createUser({ username: `banned${index + 1}` });
		guild.ban(user.id, 'bench:timers');
		return { guildId: guild.id, userId: user.id, dueAt: 0 };
	});
	const guildById = new Map(guilds.map((guild) => [guild.id, guild]));
	const stillBanned = () => bans.filter((ban) => guildById.get(ban.guildId)!.bans.some((entry) => entry.user.id === ban.userId)).length;

	// 2. The baseline.
	const baseline = SKIP_BASELINE ? null : await runBaseline(emu, bans, runId);
	if (baseline) {
		step('baseline: banning the users again for the bot');
		for (const ban of bans) {
			const guild = guildById.get(ban.guildId)!;
			if (!guild.bans.some((entry) => entry.user.id === ban.userId)) guild.ban(ban.userId, 'bench:timers');
		}
	}
	const emulatorFailuresBefore = emu.failures.length;

	// 3. The bot.
	const bot = await runBot(emu, bans, runId, moderatorId);
	const remaining = stillBanned();
	const emulatorFailures = emu.failures.length - emulatorFailuresBefore;

	// 4. The report.
	const phases: { label: string; result: PhaseResult }[] = [{ label: 'bot (2 processes)', result: bot }];
	if (baseline) phases.push({ label: 'bare BullMQ (2 processes)', result: baseline });
	const stats = phases.map(({ result }) => latenessSummary(result.lateness));
	const totalCalls = (result: PhaseResult) => [...result.calls.values()].reduce((sum, value) => sum + value, 0);
	const perBan = (result: PhaseResult) => (result.ended ? (totalCalls(result) / result.ended).toFixed(2) : '—');

	out();
	out(
		`Timed unbans benchmark · ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · Node ${process.version} · ${os.cpus().length} CPUs · load ${loadAtStart.toFixed(1)} at start`
	);
	out(
		`${count(BANS)} temporary bans in ${count(GUILDS)} guilds (2 shards), ends spread evenly over ${duration(SPREAD_MS)}, the first ${duration(botLeadMs)} (bot) / ` +
			`${duration(baselineLeadMs)} (baseline) after scheduling began; task concurrency ${CONCURRENCY} per process; emulator rate limit 50 requests/s per route and guild`
	);
	out();
	const header = ['', ...phases.map((phase) => phase.label)];
	const row = (label: string, pick: (result: PhaseResult, index: number) => string) => [label, ...phases.map((phase, index) => pick(phase.result, index))];
	for (const line of table([
		header,
		row('bans ended (a successful unban)', (result) => share(result.ended, BANS)),
		row('ended more than once', (result) => count(result.endedTwice)),
		row('unban requests (all statuses)', (result) => count(result.deletes)),
		row('failed or retried runs', (result) => count(result.failures)),
		row('ends per process (first + second)', (result) => result.perProcess.map(count).join(' + ')),
		row('lateness p50', (_, index) => ms(stats[index]!.p50)),
		row('lateness p95', (_, index) => ms(stats[index]!.p95)),
		row('lateness p99', (_, index) => ms(stats[index]!.p99)),
		row('lateness max', (_, index) => ms(stats[index]!.max)),
		row(`later than ${count(LATE_MS)} ms`, (result) => share(result.lateness.filter((value) => value > LATE_MS).length, result.lateness.length)),
		row('last end after the last due time', (result) => duration(result.drainMs)),
		row('Discord calls per ended ban', (result) => perBan(result)),
		row('scheduling the ends took', (result) => `${duration(result.scheduleMs)}${result.scheduledInTime ? '' : ' (LATE)'}`),
		row('load when the last ban ended', (result) => result.loadAfter.toFixed(1))
	])) {
		out(line);
	}
	out('  lateness: arrival of the unban at the emulator minus the ban\'s end, both on this machine\'s clock (includes the task queue, the');
	out('  work before the call, and the REST call up to its arrival); "ended more than once": a second unban seen within 2 s after the last end');
	for (const { label, result } of phases) {
		const floorMs = (1_000 * totalCalls(result)) / (GLOBAL_REQUESTS_PER_SECOND * 2) - SPREAD_MS;
		out(
			`  ${label}: ${count(totalCalls(result))} calls at ${GLOBAL_REQUESTS_PER_SECOND} requests/s per process (the REST client's global limit) cannot all be sent sooner than ` +
				`${duration(Math.max(0, floorMs))} after the last due time; measured ${duration(result.drainMs)}`
		);
	}
	out();
	for (const { label, result } of phases) {
		out(`Discord calls from the end of scheduling to the last end, ${label}: ${count(totalCalls(result))}`);
		const calls = [...result.calls.entries()].sort((a, b) => b[1] - a[1]);
		for (const line of table([['', 'calls', 'per ended ban'], ...calls.map(([route, calls]) => [route, count(calls), result.ended ? (calls / result.ended).toFixed(2) : '—'])], '    ')) out(line);
	}
	out();
	out('Bot processes');
	for (const line of table([
		['', 'shard 0', 'shard 1'],
		['ready after spawn', ...bot.readyAfterMs.map(duration)],
		['reconcileTemporaryBans (both at once)', ...bot.reconcile.map((each) => `${count(each.seen)} bans in ${duration(each.ms)}`)],
		['moderationUnban runs (hearth_task_runs_total)', ...bot.probes.map((probe) => Object.entries(probe.runs).map(([outcome, n]) => `${outcome} ${count(n)}`).join(', ') || '0')],
		['task start ≤ 1 s late (hearth_task_lateness_seconds)', ...bot.probes.map((probe) => `${count(probe.lateness.buckets['1'] ?? 0)} of ${count(probe.lateness.count)}`)],
		['resident memory at the end', ...bot.probes.map((probe) => mebibytes(probe.rss))],
		['SIGTERM', ...bot.shutdowns]
	])) {
		out(line);
	}
	const dbStats = latenessSummary(bot.dbLateness);
	out(
		`  database: ${count(bans.length - bot.notEndedInDb)} of ${count(bans.length)} cases marked ended; ended_at − ends_at p50 ${ms(dbStats.p50)}, p99 ${ms(dbStats.p99)}, max ${ms(dbStats.max)} ` +
			`(the bot's clock after the unban returned)`
	);
	out(`  emulator: ${count(remaining)} of the users still banned at the end; ${emulatorFailures} request(s) the emulator refused as invalid during the bot phase`);
	out();
	const botStats = stats[0]!;
	const exactlyOnce = bot.ended === BANS && bot.endedTwice === 0 && bot.deletes === BANS && bot.notEndedInDb === 0 && remaining === 0 && bot.failures === 0;
	out('Targets (printed, not asserted): issue 8, "Timed actions": exactly once across processes, at most 1 s late');
	for (const line of table([
		['', 'measured', 'target', ''],
		['each ban ended exactly once (unban, case, run)', exactlyOnce ? 'yes' : 'no', 'yes', pass(exactlyOnce)],
		['bot lateness p99', ms(botStats.p99), `≤ ${duration(TARGET_P99_MS)}`, pass(botStats.p99 <= TARGET_P99_MS)]
	])) {
		out(line);
	}
	out();
}

const budgetMs = 2 * (READY_TIMEOUT_MS + botLeadMs + SPREAD_MS + GIVE_UP_AFTER_LAST_DUE_MS) + 120_000;
const watchdog = setTimeout(() => {
	process.stderr.write(`benchmark failed: still running after ${duration(budgetMs)}; stopping\n`);
	void cleanups.run().finally(() => process.exit(1));
}, budgetMs);
await runBenchmark(main, cleanups, {
	beforeCleanUp: () => {
		clearTimeout(watchdog);
		step('cleanup: child processes, database, Redis keys, emulator');
	}
});
