import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client, Guild, VoiceState } from 'discord.js';
import type { Redis } from 'ioredis';
import type { Clock } from '../../../lib/clock.js';
import type { Translate } from '../../../lib/i18n.js';
import type { BotLogger } from '../../../lib/observability/logger.js';
import type { VoiceXpConfig } from '../lib/config.js';
import { VoiceXpFlusher, type FlushedMember, type FlusherResult } from '../lib/flush.js';
import { RankIndex } from '../lib/rankings.js';
import { PendingDeltaStore, type PendingStoreError, type RecoveredBatch } from '../lib/pendingDeltas.js';
import { FlushSchedule } from '../lib/schedule.js';
import { VoiceSessionTracker, type TrackedVoiceState, type VoiceSessionExplanation, type VoiceXpDelta } from '../lib/sessionTracker.js';
import { guildVoiceStates, trackedVoiceState, voiceChannelParents } from './discordState.js';
import { announceLevelUp, syncTierRoles, type TierOutcome } from './effects.js';

/**
 * Real milliseconds between two looks at the clock by the flush loop. Flushes follow `container.clock` (a ManualClock
 * in tests); the loop only polls it. One comparison per poll while nothing is due.
 */
export const FLUSH_POLL_MS = 250;

/** What the service needs from the running bot. */
export interface VoiceXpServiceDeps {
	client: Client;
	clock: Clock;
	/** A fresh EntityManager for one unit of work (`orm.em.fork()`). */
	em: () => EntityManager;
	/** The guild's plugin config (cached settings). */
	readConfig: (guildId: string) => Promise<VoiceXpConfig>;
	/** Whether the plugin is on in the guild. */
	isEnabled: (guildId: string) => Promise<boolean>;
	/** The translation function of the guild's language. */
	translator: (guildId: string) => Promise<Translate>;
	/** The plugin's logger; guild-scoped children are made from it. */
	logger: BotLogger;
	/** False while the bot is shutting down or was dropped: the loop stops without flushing. */
	isLive: () => boolean;
	/** Told after every flush that wrote or failed (metrics). */
	onFlush?: (report: FlushReport) => void;
	/**
	 * The bot's Redis client: while PostgreSQL is down, each failed flush copies the unwritten time there, and any
	 * process's next successful flush applies the copies a dead process left (lib/pendingDeltas.ts).
	 */
	redis: Redis;
	/** The bot's Redis key prefix (`hearth:`): the copies are under `<prefix>voice-xp:pending:`. */
	redisPrefix: string;
	/**
	 * Counts the deltas the database's watermark skipped because their time was already counted, by where they came
	 * from: `pending` (a copy left in Redis) or `flush` (this process's own). A prom-client `Counter<'source'>` fits.
	 */
	skippedDeltas?: { inc(labels: { source: SkippedDeltaSource }, value: number): void };
}

/** Where a skipped delta came from: a copy left in Redis (`pending`), or this process's own flush (`flush`). */
export type SkippedDeltaSource = 'pending' | 'flush';

/** One flush, as reported to {@link VoiceXpServiceDeps.onFlush} and {@link VoiceXpService.lastFlush}. */
export interface FlushReport {
	/** Clock time of the drain, ms. */
	at: number;
	/** Guilds drained. */
	guildIds: string[];
	/**
	 * The write's result (members written include those of copies other processes left in Redis), or null when it
	 * failed (the deltas are kept, copied to Redis, and written first next time).
	 */
	result: FlusherResult | null;
	/** Real milliseconds the write took. */
	durationMs: number;
}

/** Members in voice in a guild and how many of them earn now (`/xp sync`). */
export interface GuildVoiceCounts {
	inVoice: number;
	earning: number;
}

/**
 * The voice XP plugin's live state in one bot process: the session tracker fed by gateway events, the per-guild
 * flush schedule on `container.clock`, the batched flush (with its copy in Redis of what PostgreSQL could not take,
 * lib/pendingDeltas.ts), and what follows a flush (level-up log and announcements, tier roles). One instance per
 * client (see runtime.ts); the plugin's listeners, commands and hooks call it.
 *
 * Ordering: each guild's changes are applied in the order they arrive, each at the clock time it arrived. Most are
 * applied at once; a change that needs the guild's config first (the first event of a guild, a config change) waits
 * for it in a per-guild queue, and later changes of that guild queue behind it.
 */
export class VoiceXpService {
	public readonly tracker = new VoiceSessionTracker();
	public readonly schedule = new FlushSchedule();
	/** This process's copy, in Redis, of time PostgreSQL could not take, and the copies other processes left. */
	public readonly pending: PendingDeltaStore;
	/** The per-guild ranking sets in Redis that answer `/rank` and `/leaderboard` (lib/rankings.ts). */
	public readonly rankings: RankIndex;
	readonly #deps: VoiceXpServiceDeps;
	readonly #flusher: VoiceXpFlusher;
	/** Guilds whose context (config, AFK channel, channel categories) the tracker has. */
	readonly #loaded = new Set<string>();
	/** Per-guild queues of changes waiting for the guild's config. */
	readonly #queues = new Map<string, Promise<void>>();
	/** Per-guild queues of Discord work after flushes (roles, announcements), so a slow REST call delays only its guild. */
	readonly #effects = new Map<string, Promise<void>>();
	/** Blocked tier changes already logged (logged once per member, target and reason). */
	readonly #blockLogged = new Set<string>();
	/** Serializes flushes and the admin changes that must not interleave with one (`/xp reset`). */
	#lock: Promise<unknown> = Promise.resolve();
	#timer: NodeJS.Timeout | null = null;
	#flushing = false;
	#stopped = false;
	#flushCount = 0;
	#lastFlush: FlushReport | null = null;
	/** Whether a Redis failure of the pending copies was logged as a warning and no flush has gone without one since. */
	#pendingErrorLogged = false;
	/** Redis failures of the pending copies during the running flush. */
	#pendingErrors = 0;

	public constructor(deps: VoiceXpServiceDeps) {
		this.#deps = deps;
		this.pending = new PendingDeltaStore({ redis: deps.redis, prefix: deps.redisPrefix });
		this.rankings = new RankIndex({
			redis: deps.redis,
			prefix: deps.redisPrefix,
			em: deps.em,
			onError: (what, error) => deps.logger.warn(`Voice XP: could not ${what} in Redis (answered from PostgreSQL): ${error instanceof Error ? error.message : String(error)}`)
		});
		this.#flusher = new VoiceXpFlusher(this.tracker, deps.em, {
			pending: this.pending,
			onRecovered: (batch) => this.#recovered(batch),
			onPendingError: (error) => this.#pendingError(error)
		});
	}

	/** The client this service belongs to. */
	public get client(): Client {
		return this.#deps.client;
	}

	/** Completed flush cycles (each drains the guilds due and writes them in one batch). */
	public get flushCount(): number {
		return this.#flushCount;
	}

	/** The last flush, or null before the first. */
	public get lastFlush(): FlushReport | null {
		return this.#lastFlush;
	}

	/** Starts polling the clock for due flushes (idempotent). */
	public start(): void {
		if (this.#timer || this.#stopped) return;
		this.#timer = setInterval(() => void this.#tick(), FLUSH_POLL_MS);
		this.#timer.unref();
	}

	/** Stops the loop without flushing (the bot was dropped, or another client replaced this one). */
	public dispose(): void {
		this.#stopped = true;
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = null;
	}

	// ---- Gateway input --------------------------------------------------------------------------------------------

	/** A VOICE_STATE_UPDATE: the member's new state, applied at the current clock time. */
	public voiceStateChanged(state: VoiceState): void {
		const guild = state.guild;
		const now = this.#deps.clock.now();
		const tracked = trackedVoiceState(state);
		const channel = tracked.channelId ? guild.channels.cache.get(tracked.channelId) : undefined;
		const parentId = channel && 'parentId' in channel ? (channel.parentId ?? null) : null;
		this.#inGuild(guild.id, now, () => {
			const { channelParents } = this.tracker.guildContext(guild.id);
			if (tracked.channelId && channelParents.get(tracked.channelId) !== parentId) {
				this.tracker.updateGuildContext(guild.id, { channelParents: [[tracked.channelId, parentId]] }, now);
			}
			this.tracker.applyVoiceState(guild.id, tracked, now);
		});
	}

	/** A member left the guild (GUILD_MEMBER_REMOVE): their session stops; their stats are kept. */
	public memberLeft(guildId: string, userId: string): void {
		const now = this.#deps.clock.now();
		this.#inGuild(guildId, now, () => this.tracker.removeMember(guildId, userId, now));
	}

	/** A channel's category changed (CHANNEL_UPDATE), or the guild's AFK channel (GUILD_UPDATE). */
	public guildLayoutChanged(guild: Guild): void {
		if (!this.#loaded.has(guild.id)) return;
		const now = this.#deps.clock.now();
		const update = { afkChannelId: guild.afkChannelId ?? null, channelParents: voiceChannelParents(guild) };
		this.#inGuild(guild.id, now, () => this.tracker.updateGuildContext(guild.id, update, now));
	}

	/**
	 * Replaces a guild's live sessions with the voice states the gateway reports now (GUILD_CREATE after a restart or a
	 * new session, enabling the plugin, `/xp sync`). Sessions held end now and the reported ones start now; the time
	 * already accrued is kept for the next flush, and the database's watermark ignores anything counted before.
	 * The guild's config is read again.
	 */
	public async rebuildGuild(guild: Guild): Promise<GuildVoiceCounts> {
		const now = this.#deps.clock.now();
		const states = guildVoiceStates(guild);
		this.#loaded.delete(guild.id);
		await this.#inGuild(guild.id, now, () => this.tracker.resetGuild(guild.id, states, now));
		return this.countsOf(guild.id, states);
	}

	/** Rebuilds every guild of this process's shards where the plugin is on (once the bot is ready). */
	public async rebuildAll(): Promise<void> {
		const guilds = [...this.#deps.client.guilds.cache.values()].filter((guild) => guild.available);
		await Promise.all(
			guilds.map(async (guild) => {
				if (await this.#deps.isEnabled(guild.id)) await this.rebuildGuild(guild);
			})
		);
		this.#deps.logger.info(`Voice sessions rebuilt in ${guilds.length} guild(s): ${this.tracker.counts().members} member(s) in voice`);
	}

	/**
	 * Stops tracking a guild (plugin disabled there, or the bot left it): every session ends now and the guild's time
	 * accrued so far is written at once.
	 */
	public async dropGuild(guildId: string): Promise<void> {
		const now = this.#deps.clock.now();
		await (this.#queues.get(guildId) ?? Promise.resolve());
		this.tracker.removeGuild(guildId, now);
		this.schedule.remove(guildId);
		this.#loaded.delete(guildId);
		await this.#flushGuilds([guildId], now);
	}

	/** Reads a guild's config again (after `/xp config` or `/xp tiers` changed it) and applies it from now. */
	public async refreshConfig(guildId: string): Promise<void> {
		if (!this.#loaded.has(guildId)) return;
		const now = this.#deps.clock.now();
		this.#loaded.delete(guildId);
		await this.#inGuild(guildId, now, () => undefined);
	}

	// ---- Reads for commands ---------------------------------------------------------------------------------------

	/** Whether a member is in voice and earning now, and why not (`/rank`). */
	public explain(guildId: string, userId: string): VoiceSessionExplanation {
		return this.tracker.explain(guildId, userId);
	}

	/** Eligible time and XP units a member accrued since the last flush (`/rank` adds them to the stored figures). */
	public unflushed(guildId: string, userId: string): { eligibleMs: number; xpUnits: number } {
		return this.tracker.unflushed(guildId, userId, this.#deps.clock.now());
	}

	/** How many of the given members are in voice, and earning, in the tracker's view. */
	public countsOf(guildId: string, states: readonly TrackedVoiceState[]): GuildVoiceCounts {
		let earning = 0;
		for (const state of states) {
			const explanation = this.tracker.explain(guildId, state.userId);
			if (explanation.inVoice && explanation.eligibility.eligible) earning++;
		}
		return { inVoice: states.length, earning };
	}

	// ---- Admin changes --------------------------------------------------------------------------------------------

	/**
	 * Runs an admin change of a member's stats while no flush runs, after dropping the member's time accrued but not
	 * yet written: in the tracker, kept by failed flushes, and in the copies stored in Redis (`/xp reset`: time earned
	 * before the reset must not land after it).
	 */
	public async withoutPendingTime<T>(guildId: string, userId: string, change: () => Promise<T>): Promise<T> {
		return this.#exclusive(async () => {
			await (this.#queues.get(guildId) ?? Promise.resolve());
			this.tracker.discardPending(guildId, userId, this.#deps.clock.now());
			await this.#flusher.discardPending(guildId, userId);
			return change();
		});
	}

	/** Brings one member's tier roles up to date now (after `/xp add` or `/xp reset`); see effects.ts. */
	public async syncMemberTier(guild: Guild, userId: string, voiceSeconds: number, storedTierRoleId: string | null): Promise<TierOutcome> {
		const config = await this.#deps.readConfig(guild.id);
		return syncTierRoles(
			{
				guild,
				tiers: config.tiers,
				em: this.#deps.em,
				logger: this.#guildLogger(guild.id),
				t: await this.#deps.translator(guild.id),
				firstBlock: (key) => this.#firstBlock(key)
			},
			userId,
			voiceSeconds,
			storedTierRoleId
		);
	}

	// ---- Flushing ------------------------------------------------------------------------------------------------

	/**
	 * Stops the loop and writes every guild's accrued time now, whatever the schedule (SIGTERM; `onShutdown`).
	 * Level-ups are logged; announcements and tier roles wait for the next start.
	 */
	public async shutdown(): Promise<void> {
		this.dispose();
		await this.#flushGuilds(this.tracker.trackedGuildIds(), this.#deps.clock.now(), false, true);
	}

	/** Resolves once no flush, queued change or post-flush Discord work is pending (tests, shutdown). */
	public async settled(): Promise<void> {
		for (;;) {
			const pending = [this.#lock, ...this.#queues.values(), ...this.#effects.values()];
			await Promise.allSettled(pending);
			if (!this.#flushing && this.#queues.size === 0 && this.#effects.size === 0) return;
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
	}

	async #tick(): Promise<void> {
		if (this.#stopped || this.#flushing) return;
		if (!this.#deps.isLive()) {
			this.dispose();
			return;
		}
		const now = this.#deps.clock.now();
		if (now < this.schedule.nextDueAt) return;
		const due = this.schedule.due(now);
		if (due.length === 0) return;
		await this.#flushGuilds(due, now);
	}

	async #flushGuilds(guildIds: string[], now: number, effects = true, all = false): Promise<FlushReport> {
		this.#flushing = true;
		try {
			return await this.#exclusive(async () => {
				await Promise.allSettled(guildIds.map((guildId) => this.#queues.get(guildId)));
				this.schedule.markFlushed(guildIds, now);
				const started = performance.now();
				let result: FlusherResult | null = null;
				this.#pendingErrors = 0;
				try {
					result = await this.#flusher.flush(now, all ? undefined : guildIds);
				} catch (error) {
					const kept = this.#pendingErrors === 0 ? 'in memory and in Redis' : 'in memory only: Redis failed too';
					this.#deps.logger.error(`Voice XP flush of ${guildIds.length} guild(s) failed; the time is kept (${kept}) and written at the next flush:`, error);
				}
				if (result) this.#skipped(result.skipped, 'flush');
				if (result) await this.rankings.update(result.written);
				if (this.#pendingErrors === 0 && this.#pendingErrorLogged) {
					this.#pendingErrorLogged = false;
					this.#deps.logger.info('Voice XP: Redis answers again; the copy of voice time not yet written is kept there again');
				}
				const report: FlushReport = { at: now, guildIds, result, durationMs: performance.now() - started };
				this.#lastFlush = report;
				this.#flushCount++;
				this.#deps.onFlush?.(report);
				if (result) this.#afterFlush(result.written, effects);
				return report;
			});
		} finally {
			this.#flushing = false;
		}
	}

	/** A copy another process left in Redis was written: one log line, and its skipped deltas. */
	#recovered(batch: RecoveredBatch): void {
		this.#deps.logger.info(
			`Voice XP: applied the time process ${batch.writerId} had kept in Redis (save ${batch.version}): ` +
				`${batch.deltas.length} delta(s), ${batch.result.written.length} added, ${batch.result.skipped.length} already counted`
		);
		if (batch.invalidFields.length > 0) {
			const named = batch.invalidFields.slice(0, 10).join(', ');
			this.#deps.logger.warn(`Voice XP: ${batch.invalidFields.length} unreadable field(s) of process ${batch.writerId}'s copy were dropped: ${named}`);
		}
		this.#skipped(batch.result.skipped, 'pending');
	}

	/** Deltas the watermark skipped: counted, and logged once per guild with their number. */
	#skipped(skipped: readonly VoiceXpDelta[], source: SkippedDeltaSource): void {
		if (skipped.length === 0) return;
		this.#deps.skippedDeltas?.inc({ source }, skipped.length);
		const byGuild = new Map<string, number>();
		for (const delta of skipped) byGuild.set(delta.guildId, (byGuild.get(delta.guildId) ?? 0) + 1);
		const what = source === 'pending' ? 'delta(s) kept in Redis' : 'delta(s) of this process';
		for (const [guildId, count] of byGuild) {
			this.#guildLogger(guildId).info(`Voice XP: ${count} ${what} skipped: their time was already counted`);
		}
	}

	/** Redis failed for the pending copies: a warning for the first failure of an outage, debug lines after it. */
	#pendingError(error: PendingStoreError): void {
		this.#pendingErrors++;
		if (this.#pendingErrorLogged) {
			this.#deps.logger.debug(`Voice XP: ${error.message}`);
			return;
		}
		this.#pendingErrorLogged = true;
		this.#deps.logger.warn(`Voice XP: ${error.message} (the copy in Redis of voice time not yet written may be missing or stale meanwhile)`);
	}

	/** Level-ups are logged at once; announcements and tier roles run in each guild's effect queue. */
	#afterFlush(written: readonly FlushedMember[], effects: boolean): void {
		const byGuild = new Map<string, FlushedMember[]>();
		for (const member of written) {
			if (member.leveledUp) {
				this.#guildLogger(member.guildId).info(`Member ${member.userId} reached level ${member.level} (was ${member.previousLevel})`);
			}
			if (effects) byGuild.set(member.guildId, [...(byGuild.get(member.guildId) ?? []), member]);
		}
		for (const [guildId, members] of byGuild) {
			const config = this.tracker.guildContext(guildId).config;
			if (config.tiers.length === 0 && config.levelUpAnnouncement === 'off') continue;
			if (config.tiers.length === 0 && !members.some((member) => member.leveledUp)) continue;
			this.#queueEffects(guildId, () => this.#guildEffects(guildId, members, config));
		}
	}

	async #guildEffects(guildId: string, members: readonly FlushedMember[], config: VoiceXpConfig): Promise<void> {
		const guild = this.#deps.client.guilds.cache.get(guildId);
		if (!guild) return;
		const t = await this.#deps.translator(guildId);
		const logger = this.#guildLogger(guildId);
		for (const member of members) {
			if (member.leveledUp && config.levelUpAnnouncement !== 'off') await announceLevelUp(guild, config, member.userId, member.level, t, logger);
			if (config.tiers.length > 0) {
				const context = { guild, tiers: config.tiers, em: this.#deps.em, logger, t, firstBlock: (key: string) => this.#firstBlock(key) };
				await syncTierRoles(context, member.userId, member.voiceSeconds, member.tierRoleId);
			}
		}
	}

	// ---- Internals -----------------------------------------------------------------------------------------------

	/**
	 * Applies `change` to the guild's sessions once the tracker has the guild's context: at once when it has and nothing
	 * of the guild is queued, else after loading it, behind the guild's queued changes.
	 */
	#inGuild(guildId: string, now: number, change: () => void): Promise<void> {
		if (this.#loaded.has(guildId) && !this.#queues.has(guildId)) {
			change();
			return Promise.resolve();
		}
		const previous = this.#queues.get(guildId) ?? Promise.resolve();
		const run = previous
			.then(async () => {
				if (!this.#loaded.has(guildId) && !(await this.#loadGuild(guildId, now))) return;
				change();
			})
			.catch((error: unknown) => this.#guildLogger(guildId).error('Voice XP: a voice change could not be applied:', error));
		this.#queues.set(guildId, run);
		void run.then(() => {
			if (this.#queues.get(guildId) === run) this.#queues.delete(guildId);
		});
		return run;
	}

	/**
	 * Gives the tracker the guild's context (config, AFK channel, voice channel categories) and schedules its flushes.
	 * Does nothing and returns false when the plugin is off in the guild (an event that raced with `/plugins disable`).
	 */
	async #loadGuild(guildId: string, now: number): Promise<boolean> {
		if (!(await this.#deps.isEnabled(guildId))) return false;
		const config = await this.#deps.readConfig(guildId);
		const guild = this.#deps.client.guilds.cache.get(guildId);
		this.tracker.updateGuildContext(
			guildId,
			{ config, ...(guild ? { afkChannelId: guild.afkChannelId ?? null, channelParents: voiceChannelParents(guild) } : {}) },
			now
		);
		this.schedule.set(guildId, config.flushIntervalSeconds, now);
		this.#loaded.add(guildId);
		return true;
	}

	#queueEffects(guildId: string, work: () => Promise<void>): void {
		const previous = this.#effects.get(guildId) ?? Promise.resolve();
		const run = previous.then(work).catch((error: unknown) => this.#guildLogger(guildId).error('Voice XP: work after a flush failed:', error));
		this.#effects.set(guildId, run);
		void run.then(() => {
			if (this.#effects.get(guildId) === run) this.#effects.delete(guildId);
		});
	}

	async #exclusive<T>(work: () => Promise<T>): Promise<T> {
		const previous = this.#lock;
		let release!: () => void;
		this.#lock = new Promise<void>((resolve) => (release = resolve));
		await previous.catch(() => undefined);
		try {
			return await work();
		} finally {
			release();
		}
	}

	#firstBlock(key: string): boolean {
		if (this.#blockLogged.has(key)) return false;
		this.#blockLogged.add(key);
		return true;
	}

	#guildLogger(guildId: string): BotLogger {
		const shardId = this.#deps.client.guilds.cache.get(guildId)?.shardId;
		return this.#deps.logger.child({ guildId, ...(shardId !== undefined ? { shardId } : {}) });
	}
}
