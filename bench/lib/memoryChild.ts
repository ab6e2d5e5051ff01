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
	/** Peak resident memory of the process so far (VmHWM of /proc/self/status), or null where not available. */
	peakRss: number | null;
	caches: CacheCounts;
	/** The voice XP plugin's tracker (the bot only): members in voice it follows. */
	voiceSessions: number | null;
	/** CPU time the process used since it started, user + system, in microseconds. */
	cpuUs: number;
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
		discordCaches: launch.subject === 'bot-before' ? 'discord.js' : 'plugins'
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
		const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
		const cpu = process.cpuUsage();
		send({ type: 'probe', id: request.id, rss, heapUsed, heapTotal, external, peakRss: peakRss(), caches: countCaches(client), voiceSessions: voiceSessions(), cpuUs: cpu.user + cpu.system });
	});
	send({ type: 'ready', sinceStartMs: performance.now() });
} catch (error) {
	send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
	process.exit(1);
}
