/**
 * The automod benchmark's extension of the bot's child process (loaded by ./botChildMain.ts through the launch's
 * `extensions`, see ./botProcess.ts): it measures in the bot's own process, with nothing kept per message beyond the
 * messages in flight.
 *
 * - The raw MESSAGE_CREATE: discord.js emits `Events.Raw` for every gateway dispatch as @discordjs/ws hands it over
 *   (the frame parsed, before discord.js builds the Message); its `performance.now()` is kept by message id until the
 *   message is checked.
 * - The decision: the automod service's observer (`AutomodService.observe`) is called for every message checked;
 *   `performance.now()` there minus the raw time is the decision time; the service's own `latencyMs` (from the
 *   listener's start) is kept next to it. Both go to fixed-size histograms (./automodStats.ts); in a phase that keeps
 *   samples (short ones: latency, hostile messages) each message's figures are kept too, for exact percentiles.
 * - With automod off in the guild, completion is discord.js emitting `messageCreate`: a plain listener counts it.
 * - What acting on each decision did (the observer's `outcome` promise): deleted, notice, DM, strike and punishment
 *   cases; the number of outcomes not settled yet.
 *
 * Calls (`bot.call(name, payload)` in the parent): `automod.setup`, `automod.toggle`, `automod.phase` (answers the
 * phase's number), `automod.progress`, `automod.stats`, `automod.settle`, `automod.memory`. Event: `progress`
 * (coalesced, at most every few milliseconds).
 */
import { constants as perfConstants, monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { Events, type Message } from 'discord.js';
import { automodPlugin } from '../../src/plugins/automod/index.js';
import type { ActionOutcome, CheckedMessage } from '../../src/plugins/automod/service/AutomodService.js';
import { LatencyHistogram, type LatencySummary } from './automodStats.js';
import type { BotChildApi } from './botProcess.js';

/** `automod.setup`: moderation and automod switched on in these guilds, and the automod config set (a patch over the defaults). */
export interface AutomodSetup {
	guildIds: string[];
	config: Record<string, unknown>;
}

/** What the bot compiled from the config (the first guild's), read back through the service. */
export interface AutomodSetupResult {
	words: number;
	wordsInvalid: string[];
	patterns: number;
	patternsInvalid: string[];
	allowedDomains: number;
	deniedDomains: number;
	linksMode: string;
	enabledFilters: string[];
	/** Whether the bot receives message content (the Message Content intent). */
	canReadContent: boolean;
}

/** `automod.phase`: starts counting a phase (every counter and histogram reset). */
export interface PhaseOptions {
	name: string;
	/** `on`: completion is the automod's check; `off`: completion is discord.js's `messageCreate` (automod off in the guilds). */
	mode: 'on' | 'off';
	/** Keep each message's figures (at most {@link MAX_SAMPLES}). */
	keepSamples: boolean;
}

/** One message's figures, in a phase that keeps samples. */
export interface CheckSample {
	messageId: string;
	/** Raw MESSAGE_CREATE to the observer's call, ms. */
	decisionMs: number;
	/** The service's own `latencyMs`. */
	serviceMs: number;
	/** Wall-clock time (ms since the epoch, sub-millisecond) of the raw MESSAGE_CREATE. */
	rawAt: number;
	/** Filters the message broke. */
	hits: string[];
}

/** What acting on the phase's decisions did so far. */
export interface OutcomeCounts {
	settled: number;
	deleted: number;
	notices: number;
	dms: number;
	notifyFailed: number;
	punishmentCases: number;
	strikeCases: number;
	/** Outcome promises that rejected (the service logs those). */
	rejected: number;
}

/** `automod.stats`: the phase's figures so far. */
export interface PhaseStats {
	name: string;
	mode: 'on' | 'off';
	/** `messageCreate` emitted for members' messages (the bot's own notices left out). */
	created: number;
	/** Messages the automod checked (new messages; the observer's calls). */
	checked: number;
	/** Checked messages with a decision (a filter broken). */
	flagged: number;
	hits: Record<string, number>;
	/** Checks whose raw MESSAGE_CREATE was not seen (expected 0). */
	unmatched: number;
	/** Wall-clock ms (since the epoch) of the phase's first raw MESSAGE_CREATE and of its last completion (check, or messageCreate when off). */
	firstRawAt: number | null;
	lastDoneAt: number | null;
	/** CPU time of the bot's process since the phase started, µs. */
	cpuUser: number;
	cpuSystem: number;
	/** User + system µs from the phase's start to `automod.settle` (asked for once the last message was done): the checks without the actions that follow. Null before. */
	cpuUntilDone: number | null;
	/** Raw MESSAGE_CREATE to the automod's decision (observer), and the service's own latencyMs. */
	decision: LatencySummary;
	service: LatencySummary;
	/** Raw MESSAGE_CREATE to discord.js's `messageCreate` (a plain listener, after the bot's own). */
	delivered: LatencySummary;
	/** Round trips of a PING every 20 ms on the bot's own Redis client during a phase that keeps samples (the automod waits for one per message), ms. */
	redisPing: LatencySummary;
	/** How late the bot's event loop ran a 1-ms timer over the phase (perf_hooks `monitorEventLoopDelay`, less its 1-ms period), ms: p50, p99, max. */
	loopDelay: { p50: number; p99: number; max: number };
	/** The bot's garbage collection pauses over the phase (perf_hooks `gc` entries), by kind: count, total and longest, ms. */
	gc: GcPauses;
	outcomes: OutcomeCounts;
	/** Outcomes not settled yet (actions still running: REST calls, Redis, cases). */
	pending: number;
	samples: CheckSample[] | null;
}

/** Garbage collection pauses of one kind: how many, their total and the longest, ms. */
export interface GcPauseKind {
	count: number;
	totalMs: number;
	maxMs: number;
}

/** Garbage collection pauses by kind: `minor` (scavenges), `major` (mark-compact), `other` (incremental marking, weak callbacks). */
export type GcPauses = Record<'minor' | 'major' | 'other', GcPauseKind>;

/** `automod.memory`: the process's memory after two full garbage collections, and what the bot caches. */
export interface ChildMemory {
	rss: number;
	heapUsed: number;
	heapTotal: number;
	external: number;
	arrayBuffers: number;
	/** discord.js caches: guild members, users, messages (all channels). */
	members: number;
	users: number;
	messages: number;
	/** Raw MESSAGE_CREATE times held (messages in flight; expected 0 when settled). */
	inFlight: number;
}

/** The `progress` event, and the answer of `automod.progress`: the phase's counts so far. */
export interface ChildProgress {
	/** Which phase (the number `automod.phase` answered). */
	generation: number;
	created: number;
	checked: number;
	pending: number;
}

/** A delay of {@link monitorEventLoopDelay} (ns, its 1-ms period included) as lateness in ms. */
const late = (nanoseconds: number) => Math.max(0, nanoseconds / 1e6 - 1);

/** Most samples a phase keeps. */
export const MAX_SAMPLES = 50_000;

/** Raw times older than this are dropped (a message never checked, e.g. from a guild where automod is off). */
const STALE_MS = 60_000;

/**
 * Installs the measurement in the bot's process: raw and `messageCreate` listeners, the automod's observer, and the
 * calls the parent makes (see the module's comment).
 */
export function install(api: BotChildApi): void {
	const { bot } = api;
	const client = bot.client;
	const service = bot.pluginHost.service('automod');
	const rawAt = new Map<string, number>();
	const decision = new LatencyHistogram();
	const serviceLatency = new LatencyHistogram();
	const delivered = new LatencyHistogram();
	const loopDelay = monitorEventLoopDelay({ resolution: 1 });
	loopDelay.enable();
	const emptyGc = (): GcPauses => ({ minor: { count: 0, totalMs: 0, maxMs: 0 }, major: { count: 0, totalMs: 0, maxMs: 0 }, other: { count: 0, totalMs: 0, maxMs: 0 } });
	let gc = emptyGc();
	new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) {
			const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
			const pause = kind === perfConstants.NODE_PERFORMANCE_GC_MINOR ? gc.minor : kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR ? gc.major : gc.other;
			pause.count++;
			pause.totalMs += entry.duration;
			pause.maxMs = Math.max(pause.maxMs, entry.duration);
		}
	}).observe({ entryTypes: ['gc'] });
	const redisPing = new LatencyHistogram();
	let pinger: NodeJS.Timeout | null = null;
	const emptyOutcomes = (): OutcomeCounts => ({ settled: 0, deleted: 0, notices: 0, dms: 0, notifyFailed: 0, punishmentCases: 0, strikeCases: 0, rejected: 0 });
	let phase: PhaseOptions = { name: 'start', mode: 'on', keepSamples: false };
	let created = 0;
	let checked = 0;
	let flagged = 0;
	let unmatched = 0;
	let hits: Record<string, number> = {};
	let firstRawAt: number | null = null;
	let lastDoneAt: number | null = null;
	let cpuAtStart = process.cpuUsage();
	let cpuUntilDone: number | null = null;
	let outcomes = emptyOutcomes();
	let pending = 0;
	let samples: CheckSample[] | null = null;
	let generation = 0;

	let progressQueued = false;
	const progress = () => {
		if (progressQueued) return;
		progressQueued = true;
		setTimeout(() => {
			progressQueued = false;
			api.emit('progress', { generation, created, checked, pending } satisfies ChildProgress);
		}, 3);
	};

	client.on(Events.Raw, (...args: unknown[]) => {
		const packet = args[0] as { t?: string; d?: { id?: string; author?: { id?: string } } };
		if (packet.t !== 'MESSAGE_CREATE' || !packet.d?.id) return;
		if (packet.d.author?.id === client.user?.id) return;
		const now = performance.now();
		rawAt.set(packet.d.id, now);
		firstRawAt ??= performance.timeOrigin + now;
	});

	client.on(Events.MessageCreate, (message: Message) => {
		if (message.author.id === client.user?.id) return;
		const raw = rawAt.get(message.id);
		const now = performance.now();
		if (raw !== undefined) delivered.record(now - raw);
		created++;
		if (phase.mode === 'off') {
			rawAt.delete(message.id);
			lastDoneAt = performance.timeOrigin + now;
			progress();
		}
	});

	service.observe((event: CheckedMessage) => {
		if (event.kind !== 'create') return;
		const now = performance.now();
		const raw = rawAt.get(event.messageId);
		rawAt.delete(event.messageId);
		checked++;
		lastDoneAt = performance.timeOrigin + now;
		if (raw === undefined) unmatched++;
		else decision.record(now - raw);
		serviceLatency.record(event.latencyMs);
		const broken = event.decision?.hits.map((hit) => hit.filter) ?? [];
		if (broken.length > 0) {
			flagged++;
			for (const filter of broken) hits[filter] = (hits[filter] ?? 0) + 1;
		}
		if (samples && samples.length < MAX_SAMPLES && raw !== undefined) {
			samples.push({ messageId: event.messageId, decisionMs: now - raw, serviceMs: event.latencyMs, rawAt: performance.timeOrigin + raw, hits: broken });
		}
		if (event.decision) {
			pending++;
			const started = generation;
			event.outcome.then(
				(outcome: ActionOutcome | null) => {
					pending--;
					if (started !== generation || !outcome) return;
					outcomes.settled++;
					if (outcome.deleted) outcomes.deleted++;
					if (outcome.notified === 'notice') outcomes.notices++;
					else if (outcome.notified === 'dm') outcomes.dms++;
					else if (outcome.notified === 'failed') outcomes.notifyFailed++;
					if (outcome.punishmentCase !== null) outcomes.punishmentCases++;
					if (outcome.strikeCase !== null) outcomes.strikeCases++;
				},
				() => {
					pending--;
					if (started === generation) outcomes.rejected++;
				}
			);
		}
		progress();
	});

	setInterval(() => {
		const limit = performance.now() - STALE_MS;
		for (const [id, at] of rawAt) if (at < limit) rawAt.delete(id);
	}, 10_000).unref();

	api.answer('automod.setup', async (payload) => {
		const { guildIds, config } = payload as AutomodSetup;
		for (const guildId of guildIds) {
			await bot.settings.setPluginEnabled(guildId, 'moderation', true);
			await bot.settings.setPluginEnabled(guildId, 'automod', true);
			await bot.settings.setPluginConfig(guildId, automodPlugin, config);
		}
		const current = await service.ctx.config(guildIds[0]!);
		const compiled = service.compiled(current);
		return {
			words: compiled.words.size,
			wordsInvalid: [...compiled.words.invalid],
			patterns: compiled.patterns.size,
			patternsInvalid: [...compiled.patterns.invalid],
			allowedDomains: compiled.allowedDomains.length,
			deniedDomains: compiled.deniedDomains.length,
			linksMode: current.filters.links.mode,
			enabledFilters: Object.entries(current.filters)
				.filter(([, filter]) => filter.enabled)
				.map(([name]) => name),
			canReadContent: service.canReadContent
		} satisfies AutomodSetupResult;
	});

	api.answer('automod.toggle', async (payload) => {
		const { guildIds, enabled } = payload as { guildIds: string[]; enabled: boolean };
		for (const guildId of guildIds) await bot.settings.setPluginEnabled(guildId, 'automod', enabled);
		const wrong = guildIds.filter((guildId) => bot.settings.peekPluginEnabled(guildId, 'automod') !== enabled);
		if (wrong.length > 0) throw new Error(`automod not ${enabled ? 'on' : 'off'} in this process's memory for ${wrong.length} guild(s)`);
		return null;
	});

	api.answer('automod.phase', (payload) => {
		phase = payload as PhaseOptions;
		generation++;
		created = 0;
		checked = 0;
		flagged = 0;
		unmatched = 0;
		hits = {};
		firstRawAt = null;
		lastDoneAt = null;
		decision.reset();
		serviceLatency.reset();
		delivered.reset();
		loopDelay.reset();
		gc = emptyGc();
		outcomes = emptyOutcomes();
		samples = phase.keepSamples ? [] : null;
		redisPing.reset();
		if (pinger) clearInterval(pinger);
		pinger = phase.keepSamples
			? setInterval(() => {
					const started = performance.now();
					bot.container.redis.ping().then(
						() => redisPing.record(performance.now() - started),
						() => {}
					);
				}, 20)
			: null;
		cpuAtStart = process.cpuUsage();
		cpuUntilDone = null;
		return generation;
	});

	api.answer('automod.progress', () => ({ generation, created, checked, pending }) satisfies ChildProgress);

	api.answer('automod.stats', () => {
		const cpu = process.cpuUsage(cpuAtStart);
		return {
			name: phase.name,
			mode: phase.mode,
			created,
			checked,
			flagged,
			hits,
			unmatched,
			firstRawAt,
			lastDoneAt,
			cpuUser: cpu.user,
			cpuSystem: cpu.system,
			cpuUntilDone,
			decision: decision.summary(),
			service: serviceLatency.summary(),
			delivered: delivered.summary(),
			redisPing: redisPing.summary(),
			loopDelay: { p50: late(loopDelay.percentile(50)), p99: late(loopDelay.percentile(99)), max: late(loopDelay.max) },
			gc,
			outcomes,
			pending,
			samples
		} satisfies PhaseStats;
	});

	api.answer('automod.settle', async (payload) => {
		const { timeoutMs } = payload as { timeoutMs: number };
		const done = process.cpuUsage(cpuAtStart);
		cpuUntilDone ??= done.user + done.system;
		const started = performance.now();
		while (pending > 0 && performance.now() - started < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 20));
		return { waitedMs: performance.now() - started, pending };
	});

	api.answer('automod.memory', async () => {
		const gc = (globalThis as { gc?: () => void }).gc;
		for (let round = 0; round < 2; round++) {
			gc?.();
			await new Promise((resolve) => setImmediate(resolve));
		}
		const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
		let members = 0;
		let messages = 0;
		for (const guild of client.guilds.cache.values()) {
			members += guild.members.cache.size;
			for (const channel of guild.channels.cache.values()) if ('messages' in channel) messages += channel.messages.cache.size;
		}
		return { rss, heapUsed, heapTotal, external, arrayBuffers, members, users: client.users.cache.size, messages, inFlight: rawAt.size } satisfies ChildMemory;
	});
}
