/**
 * Entry point of the bot run by the benchmark in its own process (see ./botProcess.ts): the real `startBot`, with the
 * bot's own plugin list and signal handling on (SIGTERM is the production shutdown path, plugins flush). Options come
 * as JSON in BENCH_BOT_OPTIONS. Over IPC the parent is told when the bot is ready, and may ask for a probe: the
 * process's memory and what the bot holds (guilds, cached voice states, the voice XP plugin's live sessions).
 *
 * Started with `--expose-gc`, so a probe may run a full garbage collection first to report live memory rather than
 * memory not yet collected.
 */
import { container } from '@sapphire/framework';
import { startBot } from '../../src/lib/bot.js';
import type { BotChildLaunch, BotChildMessage, BotChildRequest, SessionCounts } from './botProcess.js';

const send = (message: BotChildMessage) => process.send?.(message);

/**
 * The voice XP plugin's live session counts, if the plugin exposes its tracker; null when it does not (not wired).
 * TODO(bench): follows the plugin's wiring (src/plugins/voice-xp/); see the report.
 */
async function voiceXpSessions(): Promise<SessionCounts | null> {
	const holder = container as unknown as Record<string, unknown>;
	const candidate = holder.voiceXp as { tracker?: { counts(): SessionCounts } } | undefined;
	return candidate?.tracker?.counts() ?? null;
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
	process.on('message', (request: BotChildRequest) => {
		if (request.type !== 'probe') return;
		void (async () => {
			if (request.gc) (globalThis as { gc?: () => void }).gc?.();
			const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
			send({
				type: 'probe',
				id: request.id,
				memory: { rss, heapUsed, heapTotal, external, arrayBuffers },
				discord: discordCounts(),
				sessions: await voiceXpSessions()
			});
		})();
	});
	const handle = await startBot({
		env: launch.env,
		httpPort: null,
		handleSignals: true,
		redisPrefix: launch.redisPrefix
	});
	await handle.ready;
	send({ type: 'ready', plugins: handle.plugins.list.map((plugin) => plugin.name) });
} catch (error) {
	console.error('Benchmark bot failed to start:', error);
	process.exit(1);
}
