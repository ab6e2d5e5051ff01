/**
 * Entry point of the bot run by the benchmark in its own process (see ./botProcess.ts): the real `startBot`, with the
 * bot's own plugin list and signal handling on (SIGTERM is the production shutdown path, plugins flush). Options come
 * as JSON in BENCH_BOT_OPTIONS. Over IPC the parent is told when the bot is ready, and may ask for a probe: the
 * process's memory and what the bot holds (guilds, cached voice states, the voice XP plugin's live sessions and its
 * last flush).
 *
 * Started with `--expose-gc`, so a probe may run a full garbage collection first to report live memory rather than
 * memory not yet collected. The bot's ORM pool is watched by a {@link RoundTripCounter} counting the voice XP
 * upserts the driver sends (statements starting `insert into voice_xp_member_stats`).
 *
 * Extensions named in the launch options (`extensions`: module paths) are imported once `startBot` returned, before
 * ready; each module's `install(api)` may register handlers of named calls and push events (see `BotChildApi` in
 * ./botProcess.ts). A call of a name nobody registered answers an error.
 */
import { pathToFileURL } from 'node:url';
import { container } from '@sapphire/framework';
import { startBot } from '../../src/lib/bot.js';
import type { BotChildApi, BotChildLaunch, BotChildMessage, BotChildRequest, BotFlushInfo, SessionCounts } from './botProcess.js';
import { RoundTripCounter } from './roundTrips.js';

const send = (message: BotChildMessage) => process.send?.(message);

/** The part of the voice XP service (src/plugins/voice-xp/service) a probe reads. */
interface VoiceXpServiceView {
	tracker: { counts(): SessionCounts };
	flushCount: number;
	lastFlush: { at: number; guildIds: string[]; durationMs: number; result: { written: unknown[]; skipped: unknown[]; statements: number } | null } | null;
}

/** The running bot's voice XP service, or null when the plugin is not installed or has not started. */
let voiceXpService: () => VoiceXpServiceView | null = () => null;

async function probeVoiceXp(): Promise<{ sessions: SessionCounts | null; flush: BotFlushInfo | null }> {
	const service = voiceXpService();
	if (service === null) return { sessions: null, flush: null };
	const last = service.lastFlush;
	return {
		sessions: service.tracker.counts(),
		flush: {
			count: service.flushCount,
			last:
				last === null
					? null
					: {
							at: last.at,
							guilds: last.guildIds.length,
							durationMs: last.durationMs,
							written: last.result?.written.length ?? null,
							skipped: last.result?.skipped.length ?? null,
							statements: last.result?.statements ?? null
						}
		}
	};
}

function discordCounts(): { guilds: number; voiceStates: number; members: number } {
	let voiceStates = 0;
	let members = 0;
	for (const guild of container.client.guilds.cache.values()) {
		voiceStates += guild.voiceStates.cache.filter((state) => state.channelId !== null).size;
		members += guild.members.cache.size;
	}
	return { guilds: container.client.guilds.cache.size, voiceStates, members };
}

try {
	const launch = JSON.parse(process.env.BENCH_BOT_OPTIONS ?? '{}') as BotChildLaunch;
	let upserts = 0;
	const handlers = new Map<string, (payload: unknown) => unknown>();
	process.on('message', (request: BotChildRequest) => {
		if (request.type === 'call') {
			const handler = handlers.get(request.name);
			void (async () => {
				try {
					if (!handler) throw new Error(`no handler for ${request.name}`);
					send({ type: 'call-result', id: request.id, ok: true, value: await handler(request.payload) });
				} catch (error) {
					send({ type: 'call-result', id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
				}
			})();
			return;
		}
		if (request.type !== 'probe') return;
		void (async () => {
			if (request.gc) (globalThis as { gc?: () => void }).gc?.();
			const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
			send({
				type: 'probe',
				id: request.id,
				memory: { rss, heapUsed, heapTotal, external, arrayBuffers },
				discord: discordCounts(),
				...(await probeVoiceXp()),
				voiceXpUpserts: upserts
			});
		})();
	});
	const handle = await startBot({
		env: launch.env,
		httpPort: null,
		handleSignals: true,
		redisPrefix: launch.redisPrefix
	});
	const counter = await RoundTripCounter.attach(container.orm);
	counter.onQuery = (sql) => {
		if (/^\s*insert into voice_xp_member_stats/i.test(sql)) upserts++;
	};
	const api: BotChildApi = {
		bot: handle,
		answer: (name, handler) => void handlers.set(name, handler),
		emit: (name, data) => void send({ type: 'event', name, data })
	};
	for (const extension of launch.extensions ?? []) {
		const module = (await import(pathToFileURL(extension).href)) as { install?: (api: BotChildApi) => void | Promise<void> };
		if (typeof module.install !== 'function') throw new Error(`bench extension ${extension} exports no install(api)`);
		await module.install(api);
	}
	if (handle.pluginHost.has('voice-xp')) {
		const sessions: VoiceXpServiceView = handle.pluginHost.service('voice-xp').sessions;
		voiceXpService = () => sessions;
	}
	await handle.ready;
	send({ type: 'ready', plugins: handle.plugins.list.map((plugin) => plugin.name) });
} catch (error) {
	console.error('Benchmark bot failed to start:', error);
	process.exit(1);
}
