/**
 * The process `npm run bench:memory` measures (started by ./memoryProcess.ts): the bot, or the bare discord.js
 * baseline, alone in its own process so that its resident memory is its own (the emulator lives in the benchmark's
 * process). Self-contained on purpose: it imports only Node's modules and discord.js, so that Node runs it as it is
 * (type stripping) for the built bot and the baseline, and no tsx (the TypeScript loader) sits in the memory measured;
 * the bot itself comes from `launch.botModule` (the build's `dist/lib/bot.js`, or `src/lib/bot.ts` under tsx).
 *
 * Subjects (`launch.subject`):
 * - `bot`: the real `startBot` with the bot's plugin list, the caches its plugins declare (src/lib/caches.ts);
 * - `bot-before`: the same with `discordCaches: 'discord.js'`, discord.js's default caches, as before issue 12;
 * - `bare`: a bare discord.js `Client` with the bot's intents and discord.js's default caches, nothing else.
 *
 * Over IPC: `ready` once ready (the bot: every shard ready and the commands registered; the baseline: ClientReady);
 * `probe` requests answered with the memory (after a full GC when asked: the process runs with `--expose-gc`), the
 * peak resident memory so far (VmHWM) and what discord.js holds. SIGTERM stops it (the bot flushes) and exits.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { getHeapSpaceStatistics } from 'node:v8';
import type { Client, ClientOptions, GatewayIntentBits } from 'discord.js';

/** What the parent tells the child (JSON in BENCH_MEMORY_CHILD). */
export interface MemoryChildLaunch {
	subject: 'bot' | 'bot-before' | 'bare';
	/** The bot's environment (DISCORD_TOKEN, DISCORD_REST_URL, DATABASE_URL, REDIS_URL, LOG_LEVEL). */
	env: Record<string, string>;
	/** `bot`, `bot-before`: absolute path of the module exporting `startBot` (dist/lib/bot.js or src/lib/bot.ts). */
	botModule?: string;
	/** `bot`, `bot-before`: the Redis prefix of this run. */
	redisPrefix?: string;
	/** `bare`: the intents to identify with (the bot's). */
	intents?: GatewayIntentBits[];
}

/** What discord.js holds, summed over the guilds. */
export interface CacheCounts {
	guilds: number;
	channels: number;
	roles: number;
	/** Cached guild members (the bot's own in each guild included). */
	members: number;
	users: number;
	/** Voice states with a channel (members in voice). */
	voiceStates: number;
	/** Voice states without a channel (members who left voice, still held). */
	staleVoiceStates: number;
	messages: number;
}

/** One probe's answer. Bytes. */
export interface MemoryProbe {
	rss: number;
	heapUsed: number;
	heapTotal: number;
	external: number;
	/** Of `external`: ArrayBuffers and Buffers. */
	arrayBuffers: number;
	/** Peak resident memory of the process so far (VmHWM of /proc/self/status), or null where not available. */
	peakRss: number | null;
	caches: CacheCounts;
	/** The voice XP plugin's tracker (the bot only): members in voice it follows. */
	voiceSessions: number | null;
	/** CPU time the process used since it started, user + system, in microseconds. */
	cpuUs: number;
	/** Where the resident memory is (/proc/self/smaps), or null where not available (not Linux). */
	resident: ResidentBreakdown | null;
	/** V8's heap spaces (`v8.getHeapSpaceStatistics()`): committed (`space_size`), in use, and resident. */
	heapSpaces: { name: string; committed: number; used: number; physical: number }[];
}

/**
 * The resident memory of the process by kind of mapping, from /proc/self/smaps; bytes. `anonymous` is split into
 * glibc malloc's main arena (`[heap]`), its thread arenas (a read-write mapping aligned to 64 MiB followed by its
 * reserved, inaccessible rest: glibc's HEAP_MAX_SIZE on 64 bits; with another allocator such as jemalloc there are
 * none), the main thread's stack, and the rest: V8's heap pages and code, the other threads' stacks, and allocations
 * mapped on their own (malloc's large blocks, jemalloc's extents).
 */
export interface ResidentBreakdown {
	rss: number;
	/** File-backed: the node binary, shared libraries, their data. */
	file: number;
	anonymous: number;
	mallocMainArena: number;
	mallocThreadArenas: number;
	mallocThreadArenaCount: number;
	/** The main thread's stack (`[stack]`). */
	stacks: number;
	otherAnonymous: number;
	/**
	 * Anonymous pages released with madvise(MADV_FREE) (LazyFree of smaps): still counted in the resident memory until
	 * the kernel needs them, which it takes back at once under memory pressure.
	 */
	lazyFree: number;
	/** The largest mappings of `otherAnonymous` by resident bytes: their size (mapped) and resident bytes, at most 4. */
	largestOther: { size: number; rss: number }[];
	/** Threads of the process (Threads: of /proc/self/status). */
	threads: number;
	/** The malloc in use: `jemalloc` when its library is mapped (LD_PRELOAD), else the C library's (`glibc`). */
	allocator: 'glibc' | 'jemalloc';
}

/** Messages from the child. */
export type MemoryChildMessage = { type: 'ready'; sinceStartMs: number } | ({ type: 'probe'; id: number } & MemoryProbe) | { type: 'failed'; error: string };

/** Requests to the child. */
export type MemoryChildRequest = { type: 'probe'; id: number; gc: boolean };

const send = (message: MemoryChildMessage) => process.send?.(message);
const launch = JSON.parse(process.env.BENCH_MEMORY_CHILD ?? '{}') as MemoryChildLaunch;

function peakRss(): number | null {
	try {
		const line = readFileSync('/proc/self/status', 'utf8')
			.split('\n')
			.find((candidate) => candidate.startsWith('VmHWM:'));
		return line ? Number(line.split(/\s+/)[1]) * 1_024 : null;
	} catch {
		return null;
	}
}

const ARENA_BYTES = 64 * 1_048_576;

function residentBreakdown(): ResidentBreakdown | null {
	let smaps: string;
	let status: string;
	try {
		smaps = readFileSync('/proc/self/smaps', 'utf8');
		status = readFileSync('/proc/self/status', 'utf8');
	} catch {
		return null;
	}
	const breakdown: ResidentBreakdown = { rss: 0, file: 0, anonymous: 0, mallocMainArena: 0, mallocThreadArenas: 0, mallocThreadArenaCount: 0, stacks: 0, otherAnonymous: 0, lazyFree: 0, largestOther: [], threads: 0, allocator: 'glibc' };
	const mappings: { start: number; end: number; perms: string; path: string; rss: number }[] = [];
	for (const line of smaps.split('\n')) {
		const header = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$/.exec(line);
		if (header) {
			mappings.push({ start: Number.parseInt(header[1]!, 16), end: Number.parseInt(header[2]!, 16), perms: header[3]!, path: header[4]!.trim(), rss: 0 });
		} else if (line.startsWith('Rss:') && mappings.length) {
			mappings[mappings.length - 1]!.rss = Number(line.split(/\s+/)[1]) * 1_024;
		} else if (line.startsWith('LazyFree:')) {
			breakdown.lazyFree += Number(line.split(/\s+/)[1]) * 1_024;
		}
	}
	mappings.forEach((mapping, index) => {
		breakdown.rss += mapping.rss;
		if (mapping.path && !mapping.path.startsWith('[')) {
			breakdown.file += mapping.rss;
			if (mapping.path.includes('libjemalloc')) breakdown.allocator = 'jemalloc';
			return;
		}
		breakdown.anonymous += mapping.rss;
		const next = mappings[index + 1];
		if (mapping.path === '[heap]') breakdown.mallocMainArena += mapping.rss;
		else if (mapping.path.startsWith('[stack')) breakdown.stacks += mapping.rss;
		else if (
			mapping.path === '' &&
			mapping.perms.startsWith('rw') &&
			mapping.start % ARENA_BYTES === 0 &&
			(mapping.end - mapping.start === ARENA_BYTES || (next && next.start === mapping.end && next.perms.startsWith('---') && next.end - mapping.start === ARENA_BYTES))
		) {
			breakdown.mallocThreadArenas += mapping.rss;
			breakdown.mallocThreadArenaCount++;
		} else {
			breakdown.otherAnonymous += mapping.rss;
			breakdown.largestOther.push({ size: mapping.end - mapping.start, rss: mapping.rss });
		}
	});
	breakdown.largestOther = breakdown.largestOther.sort((a, b) => b.rss - a.rss).slice(0, 4);
	const threads = /^Threads:\s+(\d+)/m.exec(status);
	breakdown.threads = threads ? Number(threads[1]) : 0;
	return breakdown;
}

function heapSpaces(): MemoryProbe['heapSpaces'] {
	return getHeapSpaceStatistics().map((space) => ({ name: space.space_name, committed: space.space_size, used: space.space_used_size, physical: space.physical_space_size }));
}

function countCaches(client: Client): CacheCounts {
	const counts: CacheCounts = { guilds: 0, channels: 0, roles: 0, members: 0, users: client.users.cache.size, voiceStates: 0, staleVoiceStates: 0, messages: 0 };
	const messageCaches = new Set<unknown>();
	for (const guild of client.guilds.cache.values()) {
		counts.guilds++;
		counts.channels += guild.channels.cache.size;
		counts.roles += guild.roles.cache.size;
		counts.members += guild.members.cache.size;
		for (const state of guild.voiceStates.cache.values()) {
			if (state.channelId === null) counts.staleVoiceStates++;
			else counts.voiceStates++;
		}
		for (const channel of guild.channels.cache.values()) {
			// Channels whose manager never caches share one empty collection (src/lib/caches.ts): count each once.
			if ('messages' in channel && !messageCaches.has(channel.messages.cache)) {
				messageCaches.add(channel.messages.cache);
				counts.messages += channel.messages.cache.size;
			}
		}
	}
	return counts;
}

interface StartedBot {
	client: Client;
	ready: Promise<void>;
	pluginHost: { has(name: string): boolean; service(name: string): unknown };
	stop(reason?: string): Promise<void>;
}

async function start(): Promise<{ client: Client; voiceSessions: () => number | null }> {
	if (launch.subject === 'bare') {
		const { Client: BareClient, Events } = await import('discord.js');
		// The bot's @sapphire/plugin-scheduled-tasks augments ClientOptions with a required `tasks`; a bare client has none.
		const options = { intents: launch.intents ?? [], shards: 'auto', rest: { api: launch.env.DISCORD_REST_URL } } as unknown as ClientOptions;
		const client = new BareClient(options);
		const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
		await client.login(launch.env.DISCORD_TOKEN);
		await ready;
		process.once('SIGTERM', () => void client.destroy().finally(() => process.exit(0)));
		return { client, voiceSessions: () => null };
	}
	const { startBot } = (await import(pathToFileURL(launch.botModule!).href)) as { startBot(options: Record<string, unknown>): Promise<StartedBot> };
	const bot = await startBot({
		env: launch.env,
		httpPort: null,
		handleSignals: true,
		redisPrefix: launch.redisPrefix,
		discordCaches: launch.subject === 'bot-before' ? 'discord.js' : 'plugins',
		// As npm start (src/index.ts) runs it; the bot before issue 12 did not release its start-up memory.
		releaseStartupMemory: launch.subject === 'bot'
	});
	await bot.ready;
	const tracker = bot.pluginHost.has('voice-xp')
		? (bot.pluginHost.service('voice-xp') as { sessions: { tracker: { counts(): { members: number } } } }).sessions.tracker
		: null;
	return { client: bot.client, voiceSessions: () => tracker?.counts().members ?? null };
}

try {
	const { client, voiceSessions } = await start();
	process.on('message', (request: MemoryChildRequest) => {
		if (request.type !== 'probe') return;
		if (request.gc) (globalThis as { gc?: () => void }).gc?.();
		const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
		const cpu = process.cpuUsage();
		send({ type: 'probe', id: request.id, rss, heapUsed, heapTotal, external, arrayBuffers, peakRss: peakRss(), caches: countCaches(client), voiceSessions: voiceSessions(), cpuUs: cpu.user + cpu.system, resident: residentBreakdown(), heapSpaces: heapSpaces() });
	});
	send({ type: 'ready', sinceStartMs: performance.now() });
} catch (error) {
	send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
	process.exit(1);
}
