/**
 * `npm run bench:tasks`: how late, and how fast to schedule, the bot's scheduled tasks are (src/lib/tasks/TaskQueue.ts),
 * next to a bare BullMQ Queue + Worker doing the same, in the same run on the same local Redis.
 *
 * Per run and per queue (bench/lib/taskBench.ts): a fresh Redis prefix, the worker started, N keyed jobs scheduled
 * with due times spread evenly over a window that starts after scheduling is expected to be over (order shuffled),
 * every job's start recorded by its task function; then the worker is closed and the prefix's keys deleted. The two
 * queues take turns going first. Printed: scheduling throughput, lateness p50/p95/p99/max (start minus due time),
 * medians over the runs, the ratios bot/baseline (median of the per-run ratios), and the share of jobs later than 1 s (the promise of
 * docs/writing-a-plugin.md, "Scheduled tasks": printed as PASS/MISS, never asserted). With `--with-retries`, a second
 * pair of measurements per run where a share of the jobs fails its first attempt and is retried after 200 ms.
 *
 * Bounded: at most 100,000 jobs and 20 runs, each measurement gives up 15 s (+1 ms per job) after its last due time,
 * a watchdog stops the whole run; only a loopback Redis is accepted. Exit code 0 when the run completed (whatever
 * the figures), 1 when the benchmark itself failed (Redis unreachable, jobs that never ran), 2 for bad options.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Redis } from 'ioredis';
import { testRedisUrl, uniqueId } from '../tools/infra.js';
import { deleteRedisKeys } from '../tools/redisKeys.js';
import { benchCommand, type BenchCommand } from './lib/cli.js';
import { count, duration, median, ms, pass, share, table } from './lib/format.js';
import { Cleanups, out, runBenchmark, step } from './lib/run.js';
import { baselineDriver, botDriver, latenessSummary, measure, type QueueDriver, type TaskBenchPlan, type TaskBenchResult } from './lib/taskBench.js';

const LATE_MS = 1_000;
const RETRY_BACKOFF_MS = 200;
const WARM_UP_JOBS = 1_000;

const USAGE = `Usage: npm run bench:tasks -- [options]

Schedules N keyed jobs, due times spread over a window, on the bot's TaskQueue (src/lib/tasks/TaskQueue.ts) and on
a bare BullMQ Queue + Worker, one after the other on the same Redis, and prints for each: scheduling throughput
(jobs/s), lateness p50/p95/p99/max in ms (start minus due time), medians over the runs, the ratios bot/baseline,
and the share of jobs later than 1,000 ms (expected: none; printed, not asserted).

  --jobs N            jobs per measurement (default 2000, at most 100000)
  --spread-ms N       due times spread evenly over this many ms (default 5000; 0 = all due at once)
  --lead-ms N         first due time this many ms after scheduling starts (default: auto, from a warm-up, so
                      that scheduling is over before the first job is due)
  --concurrency N     jobs the worker runs at once, both queues (default 10, the bot's)
  --in-flight N       schedule calls in flight at once (default 10; 1 = one caller awaiting each call)
  --runs N            runs; medians are printed (default 3, at most 20)
  --with-retries      also measure, per run, with a share of the jobs failing their first attempt and
                      retried once after ${RETRY_BACKOFF_MS} ms: are the other jobs delayed?
  --retry-percent P   that share, in percent (default 10)
  --redis-url URL     Redis, loopback only (default TEST_REDIS_URL or redis://127.0.0.1:6379)
  --help              this text

Every measurement uses its own key prefix bench-tasks-<id>:<queue>-<run>: and deletes its keys afterwards.
Defaults take about 50 s (twice that with --with-retries). Exit code 0 when the run completed, 1 when the
benchmark failed, 2 for bad options. See bench/README.md.
`;

const cli: BenchCommand = benchCommand('tasks', USAGE);
const args = cli.parse({
	jobs: { type: 'string', default: '2000' },
	'spread-ms': { type: 'string', default: '5000' },
	'lead-ms': { type: 'string', default: 'auto' },
	concurrency: { type: 'string', default: '10' },
	'in-flight': { type: 'string', default: '10' },
	runs: { type: 'string', default: '3' },
	'with-retries': { type: 'boolean', default: false },
	'retry-percent': { type: 'string', default: '10' },
	'redis-url': { type: 'string', default: testRedisUrl }
});
const JOBS = cli.wholeNumber('jobs', args.jobs, 1, 100_000);
const SPREAD_MS = cli.wholeNumber('spread-ms', args['spread-ms'], 0, 600_000);
const LEAD_MS = args['lead-ms'] === 'auto' ? null : cli.wholeNumber('lead-ms', args['lead-ms'], 0, 600_000);
const CONCURRENCY = cli.wholeNumber('concurrency', args.concurrency, 1, 1_000);
const IN_FLIGHT = cli.wholeNumber('in-flight', args['in-flight'], 1, 1_000);
const RUNS = cli.wholeNumber('runs', args.runs, 1, 20);
const WITH_RETRIES = args['with-retries'];
const RETRY_PERCENT = cli.wholeNumber('retry-percent', args['retry-percent'], 1, 100);
/** A measurement gives up this long after its last due time (15 s, plus 1 ms per job for a backlog to drain). */
const TIMEOUT_AFTER_LAST_DUE_MS = 15_000 + JOBS;
const REDIS_URL = args['redis-url'];
{
	let url: URL;
	try {
		url = new URL(REDIS_URL);
	} catch {
		cli.badOption(`--redis-url is not a URL: "${REDIS_URL}"`);
	}
	if (url.protocol !== 'redis:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
		cli.badOption(`--redis-url must be redis:// on this machine (127.0.0.1, localhost or [::1]), got "${REDIS_URL}"`);
	}
}
/** Every `RETRY_EVERY`-th job (in due order) fails its first attempt in the retry scenario. */
const RETRY_EVERY = Math.max(1, Math.round(100 / RETRY_PERCENT));

const load = () => os.loadavg()[0] ?? 0;

/**
 * Watchdog: every measurement gives up on its own; this also covers a Redis that stops answering mid-call. Armed for
 * the warm-up, then again once the lead is known, for the measurements.
 */
let watchdog: NodeJS.Timeout | undefined;
function armWatchdog(budgetMs: number): void {
	clearTimeout(watchdog);
	watchdog = setTimeout(() => {
		process.stderr.write(`benchmark failed: still running after ${duration(budgetMs)} more; stopping\n`);
		void cleanups.run().finally(() => process.exit(1));
	}, budgetMs);
}

const runId = uniqueId();
const rootPrefix = `bench-tasks-${runId}:`;

/** Cleanup steps, run last-in first-out whatever happens. */
const cleanups = new Cleanups();

/** Redis's version and `hz` (how often it checks blocking timeouts when idle). @throws when Redis cannot be reached. */
async function redisInfo(): Promise<{ version: string; hz: string }> {
	const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 3_000 });
	client.on('error', () => undefined);
	try {
		await client.connect();
		const info = await client.info('server');
		const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
		const hz = await client
			.config('GET', 'hz')
			.then((reply) => String((reply as string[])[1] ?? '?'))
			.catch(() => '?');
		return { version, hz };
	} finally {
		client.disconnect();
	}
}

/** BullMQ's installed version (from its package.json), or `?`. */
function bullmqVersion(): string {
	try {
		return (JSON.parse(readFileSync(new URL('../node_modules/bullmq/package.json', import.meta.url), 'utf8')) as { version: string }).version;
	} catch {
		return '?';
	}
}

type Kind = 'bot' | 'baseline';
const DRIVERS = { bot: botDriver, baseline: baselineDriver } as const;
const LABEL: Record<Kind, string> = { bot: 'bot TaskQueue', baseline: 'bare BullMQ' };

/** The queue of the measurement under way (closed first when the benchmark is interrupted). */
let openDriver: QueueDriver | null = null;

/** One measurement on its own prefix, whose keys are deleted afterwards. */
async function measureOn(kind: Kind, name: string, plan: Omit<TaskBenchPlan, 'prefix' | 'redisUrl'>): Promise<TaskBenchResult> {
	const prefix = `${rootPrefix}${name}:`;
	try {
		return await measure({ ...plan, prefix, redisUrl: REDIS_URL }, DRIVERS[kind], load, (driver) => (openDriver = driver));
	} finally {
		await deleteRedisKeys(REDIS_URL, prefix);
	}
}

interface Row {
	run: number;
	kind: Kind;
	retries: boolean;
	result: TaskBenchResult;
}

async function main(): Promise<void> {
	const startedAt = new Date();
	const loadAtStart = load();
	const redis = await redisInfo().catch((error: unknown) => {
		throw new Error(`Redis at ${REDIS_URL} cannot be reached: ${(error as Error).message}`);
	});
	cleanups.push({
		what: 'redis keys',
		run: async () => {
			await openDriver?.close(); // interrupted mid-measurement: stop its worker before deleting its keys
			const deleted = await deleteRedisKeys(REDIS_URL, rootPrefix);
			const again = await deleteRedisKeys(REDIS_URL, rootPrefix);
			step(`cleanup: ${deleted ?? '?'} Redis keys under ${rootPrefix} deleted at the end, ${again ?? '?'} more found on a second pass`);
		}
	});

	// Warm-up (not reported): loads BullMQ's scripts, warms the code, and gives the scheduling rate for the lead.
	const base = {
		jobs: JOBS,
		spreadMs: SPREAD_MS,
		concurrency: CONCURRENCY,
		inFlight: IN_FLIGHT,
		retryEvery: null,
		retryBackoffMs: RETRY_BACKOFF_MS,
		timeoutMs: TIMEOUT_AFTER_LAST_DUE_MS
	};
	const scenarios = WITH_RETRIES ? [false, true] : [false];
	const scenariosPerRun = scenarios.length;
	const warmRates: number[] = [];
	for (const kind of ['bot', 'baseline'] as const) {
		step(`warm-up: ${LABEL[kind]}, ${Math.min(WARM_UP_JOBS, JOBS)} jobs due at once`);
		const warm = await measureOn(kind, `warmup-${kind}`, { ...base, jobs: Math.min(WARM_UP_JOBS, JOBS), spreadMs: 0, leadMs: 0, seed: 7 });
		if (warm.missing > 0) throw new Error(`warm-up: ${warm.missing} of ${warm.jobs} jobs of ${LABEL[kind]} never ran`);
		warmRates.push(warm.jobsPerSecond);
	}
	const leadMs = LEAD_MS ?? Math.max(500, Math.ceil((1.5 * JOBS * 1_000) / Math.min(...warmRates) / 100) * 100 + 300);
	armWatchdog(RUNS * scenariosPerRun * 2 * (leadMs + SPREAD_MS + TIMEOUT_AFTER_LAST_DUE_MS + 30_000) + 30_000);

	const rows: Row[] = [];
	for (let run = 1; run <= RUNS; run++) {
		for (const retries of scenarios) {
			// The queues take turns going first, so a drift in the machine's load does not favour one.
			const order: Kind[] = run % 2 === 1 ? ['bot', 'baseline'] : ['baseline', 'bot'];
			for (const kind of order) {
				step(`run ${run}/${RUNS}: ${LABEL[kind]}${retries ? `, ${RETRY_PERCENT}% retried` : ''} (${count(JOBS)} jobs over ${duration(SPREAD_MS)} after a ${duration(leadMs)} lead)`);
				const result = await measureOn(kind, `${kind}${retries ? '-retries' : ''}-${run}`, {
					...base,
					leadMs,
					retryEvery: retries ? RETRY_EVERY : null,
					seed: 1_000 + run
				});
				rows.push({ run, kind, retries, result });
				if (result.missing > 0) {
					throw new Error(`${LABEL[kind]}, run ${run}: ${result.missing} of ${result.runs + result.missing} runs had not started ${duration(TIMEOUT_AFTER_LAST_DUE_MS)} after the last due time`);
				}
			}
		}
	}

	// The report.
	const of = (kind: Kind, retries: boolean) => rows.filter((row) => row.kind === kind && row.retries === retries).map((row) => row.result);
	const medianOf = (results: TaskBenchResult[], pick: (result: TaskBenchResult) => number) => median(results.map(pick));
	const late = (values: readonly number[]) => values.filter((value) => value > LATE_MS).length;

	out();
	out(
		`Task queue benchmark · ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · Node ${process.version} · Redis ${redis.version} (hz ${redis.hz}) · ` +
			`BullMQ ${bullmqVersion()} · ${os.cpus().length} CPUs · load ${loadAtStart.toFixed(1)} at start`
	);
	out(
		`${count(JOBS)} keyed jobs per measurement, due times spread evenly over ${duration(SPREAD_MS)} starting ${duration(leadMs)} after scheduling began ` +
			`(${LEAD_MS === null ? 'auto' : 'given'}), scheduled in shuffled order, ${IN_FLIGHT} call(s) in flight; worker concurrency ${CONCURRENCY}; ${RUNS} run(s), medians`
	);
	out();
	const bot = of('bot', false);
	const baseline = of('baseline', false);
	/** Median of the per-run ratios bot / baseline (both measured back to back in each run, so drift cancels out). */
	const pairedRatio = (pick: (result: TaskBenchResult) => number, retries = false) => {
		const ratios: number[] = [];
		for (let run = 1; run <= RUNS; run++) {
			const botRow = rows.find((row) => row.run === run && row.kind === 'bot' && row.retries === retries);
			const baseRow = rows.find((row) => row.run === run && row.kind === 'baseline' && row.retries === retries);
			if (botRow && baseRow && pick(baseRow.result) > 0) ratios.push(pick(botRow.result) / pick(baseRow.result));
		}
		return ratios.length ? `${median(ratios).toFixed(2)}×` : '—';
	};
	const summary = (results: TaskBenchResult[]) => {
		const stats = results.map((result) => latenessSummary(result.lateness));
		return {
			rate: medianOf(results, (result) => result.jobsPerSecond),
			p50: median(stats.map((stat) => stat.p50)),
			p95: median(stats.map((stat) => stat.p95)),
			p99: median(stats.map((stat) => stat.p99)),
			max: median(stats.map((stat) => stat.max)),
			late: results.reduce((sum, result) => sum + late(result.lateness), 0),
			all: results.reduce((sum, result) => sum + result.jobs, 0)
		};
	};
	const b = summary(bot);
	const r = summary(baseline);
	out(`Medians over ${RUNS} run(s)`);
	for (const line of table([
		['', LABEL.bot, LABEL.baseline, 'bot / baseline'],
		['scheduling throughput', `${count(b.rate)} jobs/s`, `${count(r.rate)} jobs/s`, pairedRatio((result) => result.jobsPerSecond)],
		['lateness p50', ms(b.p50), ms(r.p50), pairedRatio((result) => latenessSummary(result.lateness).p50)],
		['lateness p95', ms(b.p95), ms(r.p95), pairedRatio((result) => latenessSummary(result.lateness).p95)],
		['lateness p99', ms(b.p99), ms(r.p99), pairedRatio((result) => latenessSummary(result.lateness).p99)],
		['lateness max', ms(b.max), ms(r.max), pairedRatio((result) => latenessSummary(result.lateness).max)],
		[`later than ${count(LATE_MS)} ms (all runs)`, share(b.late, b.all), share(r.late, r.all), '']
	])) {
		out(line);
	}
	out('  bot / baseline: median of the per-run ratios (each run measures both queues back to back)');
	out();
	out('Each measurement');
	const perRun: string[][] = [['run', 'queue', 'enqueue', 'per call', 'p50', 'p95', 'p99', 'max', `> ${count(LATE_MS)} ms`, 'enqueued late', 'load']];
	for (const row of rows.filter((candidate) => !candidate.retries)) {
		const stat = latenessSummary(row.result.lateness);
		perRun.push([
			String(row.run),
			LABEL[row.kind],
			`${count(row.result.jobsPerSecond)}/s`,
			`${((row.result.scheduleMs * Math.min(IN_FLIGHT, row.result.jobs)) / row.result.jobs).toFixed(2)} ms`,
			ms(stat.p50),
			ms(stat.p95),
			ms(stat.p99),
			ms(stat.max),
			count(late(row.result.lateness)),
			count(row.result.enqueuedAfterDue),
			row.result.loadAfter.toFixed(1)
		]);
	}
	for (const line of table(perRun)) out(line);
	out('  enqueue: jobs scheduled per second; per call: mean time of one schedule call (calls overlap when more than one is in flight);');
	out('  enqueued late: schedule calls that returned after their job was due (their lateness includes scheduling; expected 0);');
	out('  load: 1-minute load average once the last job had started (the cores are shared with other work)');
	const histograms = bot.map((result) => result.histogram).filter((histogram) => histogram !== null);
	if (histograms.length) {
		const observed = histograms.reduce((sum, histogram) => sum + histogram.count, 0);
		const within = histograms.reduce((sum, histogram) => sum + histogram.withinOneSecond, 0);
		const successes = bot.reduce((sum, result) => sum + (result.outcomes?.success ?? 0), 0);
		out(
			`  the bot's own metrics agree: hearth_task_lateness_seconds observed ${count(observed)} runs, ${count(within)} in buckets up to 1 s; ` +
				`hearth_task_runs_total{outcome="success"} ${count(successes)}`
		);
	}
	const hz = Number(redis.hz);
	out(
		`  lateness includes Redis's timer: a worker waiting for the next due time is woken by its blocking command's timeout, which Redis checks ` +
			(hz > 0 ? `${hz} times a second when otherwise idle (hz ${hz}: up to ~${Math.round(1_000 / hz)} ms), for both queues alike` : 'hz times a second when otherwise idle, for both queues alike')
	);

	if (WITH_RETRIES) {
		const botRetry = of('bot', true);
		const baseRetry = of('baseline', true);
		const others = (results: TaskBenchResult[]) => results.map((result) => latenessSummary(result.latenessOfOthers));
		const retried = (results: TaskBenchResult[]) => results.map((result) => latenessSummary(result.retryLateness));
		const pick = (stats: ReturnType<typeof latenessSummary>[], key: 'p50' | 'p95' | 'p99' | 'max') => median(stats.map((stat) => stat[key]));
		const [bo, ro, br, rr] = [others(botRetry), others(baseRetry), retried(botRetry), retried(baseRetry)];
		const failing = botRetry[0] ? botRetry[0].lateness.length - botRetry[0].latenessOfOthers.length : 0;
		out();
		out(
			`With retries: ${count(failing)} of ${count(JOBS)} jobs (1 in ${RETRY_EVERY}, ~${RETRY_PERCENT}%) fail their first attempt and are retried once after ${duration(RETRY_BACKOFF_MS)} ` +
				`(exponential backoff, 2 attempts); medians over ${RUNS} run(s)`
		);
		const rowsRetry: string[][] = [['', LABEL.bot, LABEL.baseline, 'bot / baseline']];
		for (const key of ['p50', 'p95', 'p99', 'max'] as const) {
			rowsRetry.push([`other jobs' lateness ${key} (without retries: ${ms(b[key])} / ${ms(r[key])})`, ms(pick(bo, key)), ms(pick(ro, key)), pairedRatio((result) => latenessSummary(result.latenessOfOthers)[key], true)]);
		}
		for (const key of ['p50', 'p99', 'max'] as const) {
			rowsRetry.push([`retry lateness ${key} (start − failure − ${RETRY_BACKOFF_MS} ms)`, ms(pick(br, key)), ms(pick(rr, key)), pairedRatio((result) => latenessSummary(result.retryLateness)[key], true)]);
		}
		const lateOthers = (results: TaskBenchResult[]) => results.reduce((sum, result) => sum + late(result.latenessOfOthers), 0);
		const allOthers = (results: TaskBenchResult[]) => results.reduce((sum, result) => sum + result.latenessOfOthers.length, 0);
		rowsRetry.push([`other jobs later than ${count(LATE_MS)} ms (all runs)`, share(lateOthers(botRetry), allOthers(botRetry)), share(lateOthers(baseRetry), allOthers(baseRetry)), '']);
		for (const line of table(rowsRetry)) out(line);
		const outcomes = botRetry.reduce<Record<string, number>>((sum, result) => {
			for (const [outcome, value] of Object.entries(result.outcomes ?? {})) sum[outcome] = (sum[outcome] ?? 0) + value;
			return sum;
		}, {});
		out(`  the bot's hearth_task_runs_total over these runs: ${Object.entries(outcomes).map(([outcome, value]) => `${outcome} ${count(value)}`).join(', ')}`);
	}

	out();
	out('Target (printed, not asserted): docs/writing-a-plugin.md, "Scheduled tasks": a job starts well inside 1 s of its due time');
	const botAll = rows.filter((row) => row.kind === 'bot');
	const botLate = botAll.reduce((sum, row) => sum + late(row.result.lateness), 0);
	const botJobs = botAll.reduce((sum, row) => sum + row.result.lateness.length, 0);
	for (const line of table([
		['', 'measured', 'target', ''],
		[`bot jobs later than ${count(LATE_MS)} ms (every measurement)`, share(botLate, botJobs), '0', pass(botLate === 0)],
		['bot lateness p99 (median of runs)', ms(b.p99), `< ${duration(LATE_MS)}`, pass(b.p99 < LATE_MS)]
	])) {
		out(line);
	}
	out();
	out(`Took ${duration(Date.now() - startedAt.getTime())}.`);
}

armWatchdog(120_000 + 2 * (WARM_UP_JOBS + TIMEOUT_AFTER_LAST_DUE_MS));
await runBenchmark(main, cleanups, { afterCleanUp: () => clearTimeout(watchdog) });
