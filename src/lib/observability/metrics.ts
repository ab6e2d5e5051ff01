import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How a command ended: ran to completion, refused by a precondition (plugin off, missing permission), or failed. */
export type CommandOutcome = 'success' | 'denied' | 'error';

/**
 * Buckets of {@link BotMetrics.commandDuration}, in seconds. Discord drops an interaction that is not acknowledged
 * within 3 s (Discord API docs, "Receiving and Responding": the initial response must be sent within 3 seconds),
 * so the buckets are dense below 3 s; slower commands must defer, and the upper buckets show those.
 */
export const COMMAND_DURATION_BUCKETS_SECONDS: readonly number[] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30];

/**
 * First part of every Prometheus metric name of the bot: its name, hearth, so its series stand apart from other
 * exporters' on a shared Prometheus (`hearth_commands_total`, Node's default `hearth_process_cpu_seconds_total`, ...).
 * A plugin's metrics continue with the plugin's name (`hearth_voice_xp_flush_duration_seconds`).
 */
export const METRIC_NAME_PREFIX = 'hearth_';

/**
 * The bot's Prometheus metrics (prom-client) on their own {@link Registry}, never the global default one, so several
 * instances can live side by side (tests, several clients in one process). All names start with
 * {@link METRIC_NAME_PREFIX}, including the default process metrics (`hearth_process_cpu_seconds_total`,
 * `hearth_nodejs_eventloop_lag_seconds`, ...).
 *
 * Serve them with `startHttpServer({ metrics })` at `/metrics`, or read `await metrics.registry.metrics()`.
 */
export class BotMetrics {
	/** The registry holding every metric below; `registry.contentType` is the Prometheus text format type. */
	public readonly registry: Registry;
	/** `hearth_commands_total{command, outcome}`: commands run, by name and {@link CommandOutcome}. */
	public readonly commandsTotal: Counter<'command' | 'outcome'>;
	/** `hearth_command_duration_seconds{command}`: time from receiving a command to its end, in seconds. */
	public readonly commandDuration: Histogram<'command'>;
	/** `hearth_gateway_events_total{event}`: gateway dispatch events received, by event name (`MESSAGE_CREATE`, ...). */
	public readonly gatewayEvents: Counter<'event'>;
	/**
	 * `hearth_shard_ping_milliseconds{shard}`: last heartbeat round trip of each shard, in milliseconds
	 * (discord.js `WebSocketShard.ping`; it is -1 before the first heartbeat is acknowledged).
	 */
	public readonly shardPing: Gauge<'shard'>;

	/**
	 * Creates the metrics and registers Node's default process metrics (CPU, memory, event loop lag, GC) on a new
	 * registry. `defaultLabels` (e.g. `{ instance: 'shards-0-3' }`) are added to every series.
	 */
	public constructor(options: { defaultLabels?: Record<string, string> } = {}) {
		this.registry = new Registry();
		if (options.defaultLabels) this.registry.setDefaultLabels(options.defaultLabels);
		const registers = [this.registry];
		this.commandsTotal = new Counter({
			name: `${METRIC_NAME_PREFIX}commands_total`,
			help: 'Commands run, by command name and outcome (success, denied, error).',
			labelNames: ['command', 'outcome'] as const,
			registers
		});
		this.commandDuration = new Histogram({
			name: `${METRIC_NAME_PREFIX}command_duration_seconds`,
			help: 'Time from receiving a command to its end, in seconds.',
			labelNames: ['command'] as const,
			buckets: [...COMMAND_DURATION_BUCKETS_SECONDS],
			registers
		});
		this.gatewayEvents = new Counter({
			name: `${METRIC_NAME_PREFIX}gateway_events_total`,
			help: 'Gateway dispatch events received, by event name.',
			labelNames: ['event'] as const,
			registers
		});
		this.shardPing = new Gauge({
			name: `${METRIC_NAME_PREFIX}shard_ping_milliseconds`,
			help: 'Last gateway heartbeat round trip per shard, in milliseconds (-1 before the first heartbeat).',
			labelNames: ['shard'] as const,
			registers
		});
		collectDefaultMetrics({ register: this.registry, prefix: METRIC_NAME_PREFIX });
	}

	/**
	 * Records one finished command: increments `hearth_commands_total{command, outcome}` and observes `durationSeconds`
	 * (seconds, not milliseconds) in `hearth_command_duration_seconds{command}`.
	 */
	public recordCommand(command: string, outcome: CommandOutcome, durationSeconds: number): void {
		this.commandsTotal.inc({ command, outcome });
		this.commandDuration.observe({ command }, durationSeconds);
	}

	/**
	 * Starts timing a command; call the returned function once with its outcome when it ends. The clock is injectable
	 * (`now` returns milliseconds, default `performance.now`) so tests need not wait.
	 */
	public startCommand(command: string, now: () => number = () => performance.now()): (outcome: CommandOutcome) => void {
		const start = now();
		return (outcome) => this.recordCommand(command, outcome, (now() - start) / 1000);
	}

	/** Sets `hearth_shard_ping_milliseconds{shard}` to `pingMs` (milliseconds). */
	public setShardPing(shardId: number, pingMs: number): void {
		this.shardPing.set({ shard: String(shardId) }, pingMs);
	}

	/** The Prometheus text exposition of every metric in {@link BotMetrics.registry}. */
	public async render(): Promise<string> {
		return this.registry.metrics();
	}
}
