/**
 * bench:rank's phase through the real bot: slash commands invoked through the Discord emulator as Discord would send
 * them (INTERACTION_CREATE on the gateway), their round trips timed, and the answers of `/rank` and `/leaderboard`
 * read back from what the user sees (the reply, or the final edit of a deferred reply) and checked against the
 * ranking PostgreSQL gives.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { APIEmbed } from 'discord-api-types/v10';
import type { DiscordEmulator, MessageView } from '@hearth/discord-emulator';
import { percentile } from './taskBench.js';

/** Where the commands are invoked: the guild, a text channel of it, and the invoking members' user ids. */
export interface CommandTarget {
	emu: DiscordEmulator;
	guildId: string;
	channelId: string;
}

/** One invocation: the command's name and its options (`/leaderboard`'s `page`). */
export interface Invocation {
	userId: string;
	name: 'rank' | 'leaderboard' | 'ping';
	options?: Record<string, number | string | boolean>;
}

/** What one round trip gave: its time (milliseconds) and the message the user sees. */
export interface RoundTrip {
	invocation: Invocation;
	/** From just before the emulator builds and sends the INTERACTION_CREATE to the emulator holding the answer, ms. */
	ms: number;
	reply: MessageView;
}

/**
 * Invokes one slash command as a member (emulator `interactions.command`) and waits for what the user sees: the reply,
 * or for a deferred reply (`/rank`, `/leaderboard`) the edit of @original.
 * @param timeoutMs how long to wait for the answer, ms
 * @throws Error from the emulator when the command is unknown, an option is invalid, or no answer came in time
 */
export async function roundTrip(target: CommandTarget, invocation: Invocation, timeoutMs: number): Promise<RoundTrip> {
	const started = performance.now();
	const interaction = target.emu.interactions.command({
		guildId: target.guildId,
		channelId: target.channelId,
		userId: invocation.userId,
		name: invocation.name,
		...(invocation.options ? { options: invocation.options } : {})
	});
	const reply = await interaction.waitForReply(timeoutMs);
	return { invocation, ms: performance.now() - started, reply };
}

/** A timed phase's outcome: every round trip, the wall time, the machine's load and the bot's CPU over it. */
export interface PhaseResult {
	trips: RoundTrip[];
	/** From the first send to the last answer, ms. */
	elapsedMs: number;
	/** Commands answered per second over the phase. */
	perSecond: number;
	/** The machine's 1-minute load average at the phase's end. */
	load: number;
	/** The bot process's CPU time (user + system) over the phase, ms; NaN where /proc is not readable. */
	botCpuMs: number;
	/** This process's CPU time (user + system: the emulator, sending and reading the commands) over the phase, ms. */
	emulatorCpuMs: number;
}

/**
 * Runs `total` invocations with `inFlight` of them outstanding at any time (1: one at a time, each sent once the
 * previous one was answered). `next(index)` gives the invocation of index 0 … total−1; `check` is called with each
 * answer (it throws to fail the phase).
 * @param botPid the bot's process id, for its CPU time (Linux /proc), or undefined
 * @throws the first error of a round trip or of `check`
 */
export async function runCommands(
	target: CommandTarget,
	options: { total: number; inFlight: number; timeoutMs: number; botPid: number | undefined; next: (index: number) => Invocation; check: (trip: RoundTrip) => void }
): Promise<PhaseResult> {
	const trips: RoundTrip[] = [];
	let issued = 0;
	const cpuBefore = processCpuMs(options.botPid);
	const ownBefore = process.cpuUsage();
	const started = performance.now();
	const worker = async () => {
		while (issued < options.total) {
			const invocation = options.next(issued++);
			const trip = await roundTrip(target, invocation, options.timeoutMs);
			options.check(trip);
			trips.push(trip);
		}
	};
	await Promise.all(Array.from({ length: Math.min(options.inFlight, options.total) }, worker));
	const elapsedMs = performance.now() - started;
	const own = process.cpuUsage(ownBefore);
	return {
		trips,
		elapsedMs,
		perSecond: (trips.length * 1_000) / elapsedMs,
		load: os.loadavg()[0] ?? Number.NaN,
		botCpuMs: processCpuMs(options.botPid) - cpuBefore,
		emulatorCpuMs: (own.user + own.system) / 1_000
	};
}

/** p50, p99, max and mean of a phase's round trips, ms (NaN when empty). */
export function summary(trips: readonly RoundTrip[]): { p50: number; p99: number; max: number; mean: number } {
	const values = trips.map((trip) => trip.ms);
	return {
		p50: percentile(values, 50),
		p99: percentile(values, 99),
		max: values.length ? Math.max(...values) : Number.NaN,
		mean: values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : Number.NaN
	};
}

/**
 * The user + system CPU time of a process so far, ms, from Linux's /proc/<pid>/stat (clock ticks of 10 ms); NaN when
 * `pid` is undefined or the file cannot be read.
 */
export function processCpuMs(pid: number | undefined): number {
	if (pid === undefined) return Number.NaN;
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Fields after the command name (which may hold spaces, inside parentheses): state is field 3, utime 14, stime 15.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) * 10;
	} catch {
		return Number.NaN;
	}
}

const digits = (text: string) => Number(text.replace(/[^\d]/g, ''));

/**
 * The position `/rank` shows (its `Rank` field, English: `#1,234 of 987,315` or `Not ranked yet`).
 * @returns the position (null: not ranked) and the ranked count (null when not shown)
 * @throws Error when the reply has no such field or it cannot be read
 */
export function rankShown(reply: MessageView): { position: number | null; rankedCount: number | null } {
	const value = reply.embeds[0]?.fields?.find((field) => field.name === 'Rank')?.value;
	if (value === undefined) throw new Error(`/rank answered without a Rank field: ${JSON.stringify(reply.embeds[0] ?? reply.content)}`);
	if (value === 'Not ranked yet') return { position: null, rankedCount: null };
	const match = /^#([\d,]+) of ([\d,]+)$/.exec(value);
	if (!match) throw new Error(`/rank's Rank field reads "${value}"`);
	return { position: digits(match[1]!), rankedCount: digits(match[2]!) };
}

/**
 * The page `/leaderboard` shows: the members' user ids in order (from the `<@id>` of each line) and its footer's
 * figures (English: `Page 3 of 98,732 · 987,315 members`).
 * @throws Error when the reply is not a leaderboard embed
 */
export function leaderboardShown(reply: MessageView): { userIds: string[]; page: number; pageCount: number; memberCount: number } {
	const embed: APIEmbed | undefined = reply.embeds[0];
	const footer = /^Page ([\d,]+) of ([\d,]+) · ([\d,]+) members$/.exec(embed?.footer?.text ?? '');
	if (!embed?.description || !footer) throw new Error(`/leaderboard answered ${JSON.stringify(embed ?? reply.content)}`);
	const userIds = embed.description.split('\n').map((line) => /<@(\d+)>/.exec(line)?.[1] ?? '?');
	return { userIds, page: digits(footer[1]!), pageCount: digits(footer[2]!), memberCount: digits(footer[3]!) };
}

/**
 * The bot's REST calls the emulator recorded from index `from` of its recorder on, by method, route and status (e.g.
 * `PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original 429`), most frequent first.
 */
export function restTally(emu: DiscordEmulator, from: number): [string, number][] {
	const tally = new Map<string, number>();
	for (const call of emu.recorder.rest.slice(from)) {
		const key = `${call.method} ${call.route} ${call.status}`;
		tally.set(key, (tally.get(key) ?? 0) + 1);
	}
	return [...tally.entries()].sort((a, b) => b[1] - a[1]);
}
