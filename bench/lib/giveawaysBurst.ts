/**
 * The click burst of `npm run bench:giveaways` (bench/giveaways.ts), on the Discord emulator in the benchmark's
 * process: the guild and its members, the plan of the clicks (who clicks when, a share of them twice), firing the plan
 * as real button interactions (`emu.interactions.button`), and what came back. The same plan is fired at the bare
 * discord.js baseline and at the bot, so the two are measured on the same clicks at the same times.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { DiscordEmulator, GuildHandle } from '@hearth/discord-emulator';
import { Rng } from './rng.js';

/** Discord's epoch, ms (docs: "Snowflakes"). */
const DISCORD_EPOCH = 1_420_070_400_000n;

/** The benchmark's guild in the emulator. */
export interface GiveawayWorld {
	guild: GuildHandle;
	/** Its `#general`, where both the baseline's message and the giveaways are posted. */
	channelId: string;
	/** A member with Manage Server, named as the giveaways' host. */
	hostId: string;
	/** The members who click, in creation order. */
	memberIds: string[];
	/** Milliseconds `addMember` took for all of them. */
	addMemberMs: number;
}

/**
 * Builds the guild before any client connects: `#general`, a host with Manage Server, and `members` plain members
 * (`addMember`, one GUILD_MEMBER_ADD each, to nobody yet). Without the presences intent the GUILD_CREATE the bot gets
 * lists only itself, whatever the member count; discord.js learns each clicker from its interaction.
 */
export function buildGiveawayWorld(emu: DiscordEmulator, members: number): GiveawayWorld {
	const guild = emu.world.createGuild({ name: 'Giveaways bench' });
	const channelId = guild.channels.find((channel) => channel.name === 'general')!.id;
	const hostId = guild.addMember({ username: 'host', permissions: PermissionFlagsBits.ManageGuild }).id;
	const started = performance.now();
	const memberIds: string[] = [];
	for (let index = 0; index < members; index++) memberIds.push(guild.addMember({ username: `entrant${index + 1}` }).id);
	return { guild, channelId, hostId, memberIds, addMemberMs: performance.now() - started };
}

/**
 * `count` user ids that no emulator member has: snowflakes of 2020 (the emulator's are of today), worker 31, one per
 * millisecond. The entrants inserted directly into the database (setup, not clicks).
 */
export function syntheticUserIds(count: number): string[] {
	const base = BigInt(Date.UTC(2020, 0, 1)) - DISCORD_EPOCH;
	return Array.from({ length: count }, (_, index) => (((base + BigInt(index)) << 22n) | (31n << 17n)).toString());
}

/** One click of the plan. */
export interface PlannedClick {
	userId: string;
	/** The member's second click (the first is earlier in the plan). */
	duplicate: boolean;
	/** A second click planned 5–100 ms after the first (a double click, racing it). */
	quick: boolean;
	/** When to click, ms after the burst starts. */
	atMs: number;
}

/** Who clicks when. */
export interface ClickPlan {
	clicks: PlannedClick[];
	/** Distinct members who click. */
	members: number;
	/** Second clicks: half a quick double click (5–100 ms after the first), half a member coming back (0.5–3 s). */
	duplicates: number;
	/** Of {@link duplicates}: those planned within 100 ms of the first (both in flight at once, racing). */
	quickDuplicates: number;
	spanMs: number;
}

/**
 * The burst: `memberIds` each click once in a shuffled order, `duplicates` of them (chosen at random) click a second
 * time, half shortly after (a double click, 5–100 ms) and half later (0.5–3 s); the clicks are then spread evenly over
 * `seconds` in that order (the first at 0, the last at `seconds`).
 */
export function planClicks(memberIds: readonly string[], duplicates: number, seconds: number, seed: number): ClickPlan {
	const rng = new Rng(seed);
	const order = rng.shuffle([...memberIds]);
	const spanMs = seconds * 1_000;
	const step = spanMs / order.length;
	const keyed = order.map((userId, index) => ({ userId, duplicate: false, quick: false, key: index * step }));
	const twice = rng.shuffle(order.map((_, index) => index)).slice(0, duplicates);
	let quick = 0;
	twice.forEach((index, nth) => {
		const isQuick = nth % 2 === 0;
		if (isQuick) quick++;
		const delay = isQuick ? rng.int(5, 100) : rng.int(500, 3_000);
		keyed.push({ userId: order[index]!, duplicate: true, quick: isQuick, key: Math.min(index * step + delay, spanMs) + 0.5 });
	});
	keyed.sort((a, b) => a.key - b.key);
	const gap = keyed.length > 1 ? spanMs / (keyed.length - 1) : 0;
	return {
		clicks: keyed.map(({ userId, duplicate, quick }, index) => ({ userId, duplicate, quick, atMs: index * gap })),
		members: order.length,
		duplicates,
		quickDuplicates: quick,
		spanMs
	};
}

/** The button the clicks press. */
export interface ClickTarget {
	guildId: string;
	channelId: string;
	messageId: string;
	customId: string;
}

/** What one click got. */
export interface ClickOutcome {
	userId: string;
	/** The click as planned. */
	click: PlannedClick;
	/** The interaction's id (null when it could not be sent). */
	interactionId: string | null;
	/** Wall-clock ms (performance.timeOrigin + performance.now(), sub-millisecond) when it was sent. */
	sentAt: number;
	duplicate: boolean;
	/** Milliseconds after the planned time that the click was sent (the sender's own lag). */
	lagMs: number;
	/** The emulator's `latencyMs`: interaction created → callback received (emulator clock), or null without one. */
	latencyMs: number | null;
	/** The answer's content, or null. */
	content: string | null;
	/** Whether the answer offered a button (the plugin's Leave, for a member already in). */
	withButton: boolean;
	/** Why there was no answer (the emulator's handle gave up: no callback it accepted within its timeout). */
	error: string | null;
}

/** A fired burst. */
export interface BurstResult {
	outcomes: ClickOutcome[];
	/** Wall-clock ms (Date.now) of the first and last click sent. */
	firstSentAt: number;
	lastSentAt: number;
	/** Milliseconds from the first click to the last answer (or give-up). */
	settledAfterMs: number;
}

const sleep = (delayMs: number) => new Promise((resolve) => setTimeout(resolve, delayMs));
const yieldToIo = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Fires `clicks` at `target` on their planned times (from now), each a real button interaction (INTERACTION_CREATE
 * over the emulator's gateway), and waits until every one is answered or given up by the emulator (its
 * `responseTimeoutMs`). The sender checks the clock between clicks and sleeps until the next one is due.
 */
export async function fireClicks(emu: DiscordEmulator, target: ClickTarget, clicks: readonly PlannedClick[]): Promise<BurstResult> {
	const outcomes: ClickOutcome[] = [];
	const settled: Promise<unknown>[] = [];
	const start = performance.now();
	let firstSentAt = 0;
	let lastSentAt = 0;
	let next = 0;
	while (next < clicks.length) {
		const now = performance.now() - start;
		while (next < clicks.length && clicks[next]!.atMs <= now) {
			const click = clicks[next++]!;
			const outcome: ClickOutcome = {
				userId: click.userId,
				click,
				interactionId: null,
				sentAt: performance.timeOrigin + performance.now(),
				duplicate: click.duplicate,
				lagMs: performance.now() - start - click.atMs,
				latencyMs: null,
				content: null,
				withButton: false,
				error: null
			};
			outcomes.push(outcome);
			lastSentAt = Date.now();
			if (firstSentAt === 0) firstSentAt = lastSentAt;
			try {
				const handle = emu.interactions.button({ guildId: target.guildId, channelId: target.channelId, userId: click.userId, messageId: target.messageId, customId: target.customId });
				outcome.interactionId = handle.id;
				settled.push(
					handle.response.then(
						(response) => {
							outcome.latencyMs = response.latencyMs;
							const data = (response.data ?? {}) as { content?: string; components?: unknown[] };
							outcome.content = data.content ?? null;
							outcome.withButton = (data.components?.length ?? 0) > 0;
						},
						(error: unknown) => {
							outcome.error = error instanceof Error ? error.message : String(error);
						}
					)
				);
			} catch (error) {
				outcome.error = `not sent: ${error instanceof Error ? error.message : String(error)}`;
			}
		}
		if (next >= clicks.length) break;
		const wait = clicks[next]!.atMs - (performance.now() - start);
		if (wait >= 1) await sleep(wait);
		else await yieldToIo();
	}
	await Promise.all(settled);
	return { outcomes, firstSentAt, lastSentAt, settledAfterMs: Date.now() - firstSentAt };
}

/** Percentiles of a latency list (nearest rank), ms. */
export interface LatencyFigures {
	count: number;
	p50: number;
	p90: number;
	p99: number;
	max: number;
	mean: number;
}

/** Nearest-rank percentiles of `values` (NaN for none). */
export function latencyFigures(values: readonly number[]): LatencyFigures {
	const sorted = [...values].sort((a, b) => a - b);
	const at = (p: number) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!);
	return {
		count: sorted.length,
		p50: at(50),
		p90: at(90),
		p99: at(99),
		max: sorted.length === 0 ? Number.NaN : sorted.at(-1)!,
		mean: sorted.length === 0 ? Number.NaN : sorted.reduce((sum, value) => sum + value, 0) / sorted.length
	};
}

/** CPU time of the whole machine and of this process over a stretch of the run. */
export interface CpuWindow {
	elapsedMs: number;
	/** CPU time all processes used (every core's non-idle time, /proc/stat through os.cpus()), ms. */
	machineBusyMs: number;
	/** Cores of the machine. */
	cores: number;
	/** CPU time of this process (the emulator and the sender), ms. */
	thisProcessMs: number;
	/** CPU time of the PostgreSQL server's processes and of Redis's (from /proc/<pid>/stat), ms; null where /proc cannot be read. */
	postgresMs: number | null;
	redisMs: number | null;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/**
 * CPU time so far (ms) of the processes named `postgres` and `redis-server`, summed over /proc/<pid>/stat (utime +
 * stime); processes that exit in between (a backend closing) take their time with them. Null without /proc.
 */
function serverCpu(): { postgres: number; redis: number } | null {
	let pids: string[];
	try {
		pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
	} catch {
		return null;
	}
	const totals = { postgres: 0, redis: 0 };
	for (const pid of pids) {
		let stat: string;
		try {
			stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		} catch {
			continue;
		}
		const open = stat.indexOf('(');
		const close = stat.lastIndexOf(')');
		const name = stat.slice(open + 1, close);
		const kind = name === 'postgres' ? 'postgres' : name === 'redis-server' ? 'redis' : null;
		if (!kind) continue;
		const fields = stat.slice(close + 2).split(' ');
		// After the name: state is field 3 (index 0 here); utime and stime are fields 14 and 15.
		totals[kind] += ((Number(fields[11]) + Number(fields[12])) * 1_000) / USER_HZ;
	}
	return totals;
}

/** Starts measuring the machine's, this process's and the servers' CPU. @returns a function that ends the stretch and gives the figures. */
export function startCpuWindow(): () => CpuWindow {
	const machine = () => os.cpus().reduce((sum, cpu) => ({ busy: sum.busy + cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq, cores: sum.cores + 1 }), { busy: 0, cores: 0 });
	const startedAt = performance.now();
	const machineAtStart = machine();
	const processAtStart = process.cpuUsage();
	const serversAtStart = serverCpu();
	return () => {
		const now = machine();
		const used = process.cpuUsage(processAtStart);
		const servers = serverCpu();
		return {
			elapsedMs: performance.now() - startedAt,
			machineBusyMs: now.busy - machineAtStart.busy,
			cores: now.cores,
			thisProcessMs: (used.user + used.system) / 1_000,
			postgresMs: servers && serversAtStart ? servers.postgres - serversAtStart.postgres : null,
			redisMs: servers && serversAtStart ? servers.redis - serversAtStart.redis : null
		};
	};
}
