/**
 * One bot process of `npm run bench:timers` (started by ./timersChild.ts): the real `startBot` with the bot's own
 * plugin list, the moderation plugin on in every guild (bot-wide default `plugins.moderation.enabled`, as
 * `config/defaults.json` would set it), signal handling on (SIGTERM is the production shutdown path). Options come
 * as JSON in BENCH_CHILD_OPTIONS: the bot's environment (SHARD_COUNT / SHARD_IDS give each process its shard) and
 * Redis prefix. Requests from the parent:
 *
 * - `reconcile`: the moderation service's `reconcileTemporaryBans()` (what `onReady` runs at every start): queues the
 *   end of every running temporary ban whose job is missing. Answers `{ seen, ms }`.
 * - `probe`: what this process's task queue did with `moderationUnban`, from the bot's own metrics
 *   (`hearth_task_runs_total` by outcome, `hearth_task_lateness_seconds` count and buckets), and its memory.
 */
import { loadBotConfig } from '../../src/lib/config.js';
import { startBot } from '../../src/lib/bot.js';
import { serveParent } from './timersChild.js';

/** What the parent gives this child. */
export interface TimersBotLaunch {
	env: Record<string, string | undefined>;
	redisPrefix: string;
}

/** A probe's answer: the `moderationUnban` runs of this process, and its memory. */
export interface TimersBotProbe {
	/** `hearth_task_runs_total{task="moderationUnban"}` by outcome (success, retry, failed, ...). */
	runs: Record<string, number>;
	/** `hearth_task_lateness_seconds{task="moderationUnban"}`: runs observed, and cumulative counts by bucket upper bound (seconds). */
	lateness: { count: number; buckets: Record<string, number> };
	/** Resident memory, bytes. */
	rss: number;
}

const TASK = 'moderationUnban';

try {
	const launch = JSON.parse(process.env.BENCH_CHILD_OPTIONS ?? '{}') as TimersBotLaunch;
	const defaults = loadBotConfig();
	const handle = await startBot({
		env: launch.env,
		config: { ...defaults, plugins: { ...defaults.plugins, moderation: { config: {}, ...defaults.plugins.moderation, enabled: true } } },
		httpPort: null,
		handleSignals: true,
		redisPrefix: launch.redisPrefix
	});
	const { ready } = serveParent({
		async reconcile() {
			const started = performance.now();
			const seen = await handle.pluginHost.service('moderation').reconcileTemporaryBans();
			return { seen, ms: performance.now() - started };
		},
		async probe(): Promise<TimersBotProbe> {
			const registry = handle.metrics.registry;
			const runs: Record<string, number> = {};
			for (const value of (await registry.getSingleMetric('hearth_task_runs_total')?.get())?.values ?? []) {
				if (value.labels.task === TASK) runs[String(value.labels.outcome)] = (runs[String(value.labels.outcome)] ?? 0) + value.value;
			}
			const lateness = { count: 0, buckets: {} as Record<string, number> };
			for (const value of (await registry.getSingleMetric('hearth_task_lateness_seconds')?.get())?.values ?? []) {
				if (value.labels.task !== TASK) continue;
				const name = (value as { metricName?: string }).metricName;
				if (name === 'hearth_task_lateness_seconds_count') lateness.count += value.value;
				if (name === 'hearth_task_lateness_seconds_bucket') lateness.buckets[String(value.labels.le)] = value.value;
			}
			return { runs, lateness, rss: process.memoryUsage().rss };
		}
	});
	await handle.ready;
	ready();
} catch (error) {
	console.error('Benchmark bot failed to start:', error);
	process.exit(1);
}
