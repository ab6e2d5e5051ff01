/**
 * The flush part of the benchmark: the voice XP session tracker replays the population's voice states, a flush
 * interval of activity is played on it, and the drained deltas are written with the plugin's own functions
 * (`flushDeltas` batched, `flushOneByOne` one statement per member, src/plugins/voice-xp/lib/flush.ts), timing each
 * write and counting its database round trips at the driver (./roundTrips.ts).
 *
 * Every timed write is checked: no delta skipped, one row written per delta, and the table's total eligible time
 * (voice seconds × 1,000 + carried ms) grown by exactly the sum of the deltas' milliseconds.
 */
import os from 'node:os';
import type { MikroORM } from '@mikro-orm/postgresql';
import { flushDeltas, flushOneByOne, type FlushOptions, type FlushResult } from '../../src/plugins/voice-xp/lib/flush.js';
import type { VoiceXpConfig } from '../../src/plugins/voice-xp/lib/config.js';
import { VoiceSessionTracker, type VoiceXpDelta } from '../../src/plugins/voice-xp/lib/sessionTracker.js';
import type { RankIndex } from '../../src/plugins/voice-xp/lib/rankings.js';
import type { Population } from './population.js';
import type { RoundTripCounter } from './roundTrips.js';

/** Milliseconds in one flush interval of the benchmark (the plugin's default `flushIntervalSeconds`, 60). */
export const INTERVAL_MS = 60_000;

/** When the ineligible humans pass through their eligible `churn` state, and when they go back, within an interval. */
const CHURN_AT_MS = 30_000;
const CHURN_BACK_AT_MS = 45_000;

/**
 * Builds a tracker holding the population's sessions at `now`, as the bot does from GUILD_CREATE: each guild's AFK
 * channel, categories and config, then its voice states.
 *
 * @returns the tracker and the time the build took (ms)
 */
export function buildTracker(population: Population, config: VoiceXpConfig, now: number): { tracker: VoiceSessionTracker; buildMs: number } {
	const started = performance.now();
	const tracker = new VoiceSessionTracker();
	for (const guild of population.guilds) {
		tracker.updateGuildContext(guild.id, { afkChannelId: guild.afkChannelId, channelParents: guild.channelParents, config }, now);
		tracker.resetGuild(guild.id, guild.members.map((member) => member.state), now);
	}
	return { tracker, buildMs: performance.now() - started };
}

/**
 * Plays one flush interval starting at `start` (ms): every ineligible human passes through an eligible state from
 * +30 s to +45 s (unmutes, or joins `General`), then the tracker is drained at +60 s.
 *
 * @returns the deltas (one per human in voice) and the time `drain` took (ms)
 */
export function playInterval(tracker: VoiceSessionTracker, population: Population, start: number): { deltas: VoiceXpDelta[]; drainMs: number } {
	for (const guild of population.guilds) {
		for (const member of guild.members) if (member.churn) tracker.applyVoiceState(guild.id, member.churn, start + CHURN_AT_MS);
	}
	for (const guild of population.guilds) {
		for (const member of guild.members) if (member.churn) tracker.applyVoiceState(guild.id, member.state, start + CHURN_BACK_AT_MS);
	}
	const started = performance.now();
	const deltas = tracker.drain(start + INTERVAL_MS);
	return { deltas, drainMs: performance.now() - started };
}

/** One timed write. */
export interface TimedFlush {
	/** Deltas handed to the write. */
	deltas: number;
	/** Deltas actually written in the timed part (all of them, unless extrapolated). */
	measuredDeltas: number;
	/** Wall time of the measured part, ms. */
	wallMs: number;
	/** Driver round trips of the measured part. */
	roundTrips: number;
	/** Of the wall time, ms spent waiting on the driver (request, PostgreSQL's work, rows parsed); the rest is JS. */
	driverMs: number;
	/** Statements the flush reports sending. */
	statements: number;
	/** Of the wall time, ms spent setting the written totals in the guilds' Redis ranking sets (0 without `rankings`). */
	rankingsMs: number;
	/** Rows written (returned by the statements), and of those, rows created. */
	written: number;
	created: number;
	skipped: number;
	/** When only a sample was measured: the wall time and round trips scaled to all deltas. */
	extrapolated: { wallMs: number; roundTrips: number } | null;
	/** The table's eligible-time total grew by exactly the deltas' milliseconds. */
	sumChecked: boolean;
	/** The machine's 1-minute load average when the write ended (other processes share the cores). */
	loadAfter: number;
}

/** Sum of eligible milliseconds held in the table (voice seconds × 1,000 + carried milliseconds). */
async function storedEligibleMs(orm: MikroORM): Promise<bigint> {
	const [row] = await orm.em.fork().execute<{ total: string | null }[]>(
		'select sum(voice_seconds::numeric * 1000 + ms_carry)::text as total from voice_xp_member_stats'
	);
	return BigInt(row?.total ?? '0');
}

/** VACUUM (ANALYZE) the table so that every timed write starts from the same kind of table: dead row versions gone. */
export async function vacuum(orm: MikroORM): Promise<void> {
	await orm.em.fork().execute('vacuum (analyze) voice_xp_member_stats', [], 'run');
}

function sumMs(deltas: readonly VoiceXpDelta[]): bigint {
	return deltas.reduce((sum, delta) => sum + BigInt(delta.eligibleMs), 0n);
}

function merge(into: FlushResult, from: FlushResult): void {
	into.written.push(...from.written);
	into.skipped.push(...from.skipped);
	into.statements += from.statements;
}

/** Options of {@link timeFlush}. */
export interface TimeFlushOptions {
	/** `batched`: one `flushDeltas` call; `one-by-one`: `flushOneByOne`, in chunks of `chunk`. */
	mode: 'batched' | 'one-by-one';
	/** The plugin's flush options (batched mode). */
	flushOptions?: FlushOptions;
	/** One-by-one mode: deltas per chunk (default 5,000). */
	chunk?: number;
	/**
	 * One-by-one mode: after the first chunk, if all deltas would take longer than this (ms), stop there and
	 * extrapolate (reported as such). Default 180,000.
	 */
	limitMs?: number;
	/**
	 * Batched mode: the ranking sets to update after the write, as the plugin's flush does (VoiceXpService:
	 * `rankings.update(result.written)`), inside the timed part.
	 */
	rankings?: RankIndex;
}

/**
 * Writes `deltas` the given way and measures it: wall time and driver round trips of the write alone (the sum checks
 * run outside the timed part).
 *
 * @throws Error when a check fails (a delta skipped, rows missing, or the stored total not grown by the deltas' time)
 */
export async function timeFlush(orm: MikroORM, counter: RoundTripCounter, deltas: readonly VoiceXpDelta[], options: TimeFlushOptions): Promise<TimedFlush> {
	const before = await storedEligibleMs(orm);
	const em = orm.em.fork();
	const result: FlushResult = { written: [], skipped: [], statements: 0 };
	let measured = deltas;
	counter.reset();
	let wallMs: number;
	let rankingsMs = 0;
	if (options.mode === 'batched') {
		const started = performance.now();
		merge(result, await flushDeltas(em, deltas, options.flushOptions));
		const written = performance.now();
		if (options.rankings) await options.rankings.update(result.written);
		wallMs = performance.now() - started;
		rankingsMs = options.rankings ? performance.now() - written : 0;
	} else {
		const chunk = options.chunk ?? 5_000;
		const limitMs = options.limitMs ?? 180_000;
		const started = performance.now();
		let done = 0;
		while (done < deltas.length) {
			merge(result, await flushOneByOne(em, deltas.slice(done, done + chunk)));
			done = Math.min(deltas.length, done + chunk);
			const elapsed = performance.now() - started;
			if (done < deltas.length && (elapsed / done) * deltas.length > limitMs) break;
		}
		wallMs = performance.now() - started;
		measured = deltas.slice(0, done);
	}
	const roundTrips = counter.count;
	const driverMs = counter.driverMs;
	const loadAfter = os.loadavg()[0] ?? 0;
	const after = await storedEligibleMs(orm);
	const timed: TimedFlush = {
		deltas: deltas.length,
		measuredDeltas: measured.length,
		wallMs,
		roundTrips,
		driverMs,
		statements: result.statements,
		rankingsMs,
		written: result.written.length,
		created: result.written.filter((member) => member.created).length,
		skipped: result.skipped.length,
		extrapolated:
			measured.length < deltas.length
				? { wallMs: (wallMs / measured.length) * deltas.length, roundTrips: Math.round((roundTrips / measured.length) * deltas.length) }
				: null,
		sumChecked: after - before === sumMs(measured),
		loadAfter
	};
	if (timed.skipped > 0 || timed.written !== measured.length || !timed.sumChecked) {
		throw new Error(
			`${options.mode} flush check failed: ${timed.written} rows written of ${measured.length}, ${timed.skipped} skipped, ` +
				`stored time grew by ${after - before} ms instead of ${sumMs(measured)} ms`
		);
	}
	return timed;
}
