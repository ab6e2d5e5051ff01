import type { BotLogger } from '../../../lib/observability/logger.js';
import type { PluginContext } from '../../../lib/plugins/context.js';
import { withTimeout } from '../../../lib/timeout.js';
import type { voiceXpConfigSchema } from '../lib/config.js';
import { liveStanding, type LiveStanding } from '../lib/format.js';
import { getMemberStats } from '../lib/stats.js';
import { sweepGuildTiers, TIER_SWEEP_TASK, type TierSweepReport } from './tierSweep.js';
import { VoiceXpService, type FlushReport } from './VoiceXpService.js';

/** The voice XP plugin's context (its config schema typed). */
export type VoiceXpContext = PluginContext<typeof voiceXpConfigSchema>;

/** How long queueing a sweep may take before the admin is answered without it (Redis unreachable), ms. */
export const QUEUE_SWEEP_TIMEOUT_MS = 2_000;

/**
 * The voice XP plugin's service (what its `setup` returns; `this.service` in its pieces, `PluginServices['voice-xp']`
 * for other plugins): the live sessions and flush loop of this process ({@link VoiceXpService}), the plugin's context,
 * and the tier sweep.
 */
export class VoiceXpPlugin {
	/** Sessions, flush loop and Discord effects of this process. */
	public readonly sessions: VoiceXpService;

	public constructor(public readonly ctx: VoiceXpContext) {
		let created: VoiceXpService | null = null;
		const onFlush = registerMetrics(ctx, () => created!);
		this.sessions = new VoiceXpService({
			client: ctx.client,
			clock: ctx.clock,
			em: () => ctx.em(),
			readConfig: (guildId) => ctx.config(guildId),
			isEnabled: (guildId) => ctx.isEnabled(guildId),
			translator: async (guildId) => (await ctx.translator(guildId)).t,
			logger: ctx.logger,
			isLive: () => !ctx.lifecycle.shuttingDown && !this.#stopped,
			onFlush,
			redis: ctx.redis,
			redisPrefix: ctx.redisPrefix,
			skippedDeltas: ctx.metrics.counter({
				name: 'skipped_deltas_total',
				help: 'Voice XP deltas not added because their time was already counted (source: pending = a copy left in Redis, flush = own).',
				labelNames: ['source'] as const
			})
		});
		created = this.sessions;
	}

	#stopped = false;

	/**
	 * A member's standing now: stored XP, level and voice time plus what this process has not flushed yet (as `/rank`
	 * shows it). For other plugins (giveaways' voice requirements, through `ctx.peer('voice-xp')`). One PostgreSQL read
	 * by primary key.
	 * @returns level, total XP, whole voice seconds (zeros for a member with no stats).
	 */
	public async standing(guildId: string, userId: string): Promise<LiveStanding> {
		const stored = await getMemberStats(this.ctx.em(), guildId, userId);
		return liveStanding(stored, this.sessions.unflushed(guildId, userId));
	}

	/** Starts the flush loop (setup). */
	public start(): void {
		this.sessions.start();
	}

	/** Stops the loop without writing anything (the bot was dropped, as in a crash). */
	public stop(): void {
		this.#stopped = true;
		this.sessions.dispose();
	}

	/**
	 * Brings every stored member of the guild to exactly the highest tier reached, through REST (what the
	 * `voiceXpTierSweep` task runs). @returns the report, or null when the bot is no longer in the guild.
	 */
	public sweepTiers(guildId: string): Promise<TierSweepReport | null> {
		const { ctx } = this;
		return sweepGuildTiers(
			{
				client: ctx.client,
				em: () => ctx.em(),
				readConfig: (id) => ctx.config(id),
				translator: async (id) => (await ctx.translator(id)).t,
				logger: ctx.logger.child({ task: TIER_SWEEP_TASK })
			},
			guildId
		);
	}

	/**
	 * Queues a tier sweep of the guild (the `voiceXpTierSweep` task, run once by whichever process takes it).
	 * @returns true when queued; false (logged) when the task queue did not accept it within {@link QUEUE_SWEEP_TIMEOUT_MS}.
	 */
	public async queueTierSweep(guildId: string, logger: BotLogger = this.ctx.logger): Promise<boolean> {
		try {
			await withTimeout(this.ctx.tasks.schedule(TIER_SWEEP_TASK, { guildId, payload: {} }), QUEUE_SWEEP_TIMEOUT_MS, 'Queueing the tier sweep');
			return true;
		} catch (error) {
			logger.error('Tier sweep could not be queued; tier roles follow when members next earn:', error);
			return false;
		}
	}
}

/** Prometheus metrics of the plugin, on the bot's registry (`/metrics`, names `hearth_voice_xp_*`). */
function registerMetrics(ctx: VoiceXpContext, service: () => VoiceXpService): (report: FlushReport) => void {
	ctx.metrics.gauge({
		name: 'members_in_voice',
		help: 'Members in voice in the guilds this process tracks (voice XP plugin).',
		collect() {
			this.set(service().tracker.counts().members);
		}
	});
	ctx.metrics.gauge({
		name: 'members_earning',
		help: 'Members earning voice XP right now in the guilds this process tracks.',
		collect() {
			this.set(service().tracker.counts().earning);
		}
	});
	const duration = ctx.metrics.histogram({
		name: 'flush_duration_seconds',
		help: 'Time to write one batched voice XP flush, in seconds.',
		buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5]
	});
	const members = ctx.metrics.counter({ name: 'flushed_members_total', help: 'Member rows written by voice XP flushes.' });
	const failures = ctx.metrics.counter({ name: 'flush_failures_total', help: 'Voice XP flushes that failed (retried at the next one).' });
	return (report) => {
		if (!report.result) {
			failures.inc();
			return;
		}
		duration.observe(report.durationMs / 1_000);
		members.inc(report.result.written.length);
	};
}
