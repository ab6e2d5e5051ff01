import { container } from '@sapphire/framework';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { AnyPluginManifest } from '../../../lib/plugins/definePlugin.js';
import { translatorFor } from '../../../lib/i18n.js';
import { VOICE_XP_PLUGIN_NAME, type VoiceXpConfig } from '../lib/config.js';
import { VoiceXpService, type FlushReport } from './VoiceXpService.js';

/**
 * The voice XP service of the running bot (one per client; Sapphire's container is process-wide). A new client in the
 * same process (a test restarting the bot after `crash()`) gets a new service: the old one stops without flushing,
 * as a crashed process would.
 */

let current: VoiceXpService | null = null;

function manifest(): AnyPluginManifest {
	const plugin = container.plugins.get(VOICE_XP_PLUGIN_NAME);
	if (!plugin) throw new Error(`The ${VOICE_XP_PLUGIN_NAME} plugin is not installed in this bot`);
	return plugin;
}

/** Prometheus metrics of the plugin, on the bot's registry (`/metrics`). */
function registerMetrics(service: () => VoiceXpService): (report: FlushReport) => void {
	const registers = [container.metrics.registry];
	new Gauge({
		name: 'hearth_voice_xp_members_in_voice',
		help: 'Members in voice in the guilds this process tracks (voice XP plugin).',
		registers,
		collect() {
			this.set(service().tracker.counts().members);
		}
	});
	new Gauge({
		name: 'hearth_voice_xp_members_earning',
		help: 'Members earning voice XP right now in the guilds this process tracks.',
		registers,
		collect() {
			this.set(service().tracker.counts().earning);
		}
	});
	const duration = new Histogram({
		name: 'hearth_voice_xp_flush_duration_seconds',
		help: 'Time to write one batched voice XP flush, in seconds.',
		buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
		registers
	});
	const members = new Counter({ name: 'hearth_voice_xp_flushed_members_total', help: 'Member rows written by voice XP flushes.', registers });
	const failures = new Counter({ name: 'hearth_voice_xp_flush_failures_total', help: 'Voice XP flushes that failed (retried at the next one).', registers });
	return (report) => {
		if (!report.result) {
			failures.inc();
			return;
		}
		duration.observe(report.durationMs / 1_000);
		members.inc(report.result.written.length);
	};
}

/**
 * The voice XP service of the bot running in this process, created (and its flush loop started) on first use.
 * @throws Error when no bot is running, or the plugin is not in the bot's plugin list.
 */
export function voiceXp(): VoiceXpService {
	const client = container.client;
	if (!client) throw new Error('No bot is running in this process');
	if (current?.client === client) return current;
	current?.dispose();
	const plugin = manifest();
	const lifecycle = () => container.lifecycle;
	let created: VoiceXpService;
	const service = new VoiceXpService({
		client,
		clock: container.clock,
		em: () => container.orm.em.fork(),
		readConfig: (guildId) => container.settings.getPluginConfig(guildId, plugin) as Promise<VoiceXpConfig>,
		isEnabled: (guildId) => container.settings.isPluginEnabled(guildId, VOICE_XP_PLUGIN_NAME),
		translator: async (guildId) => translatorFor(await container.settings.getLanguage(guildId)),
		logger: container.botLogger.child({ plugin: VOICE_XP_PLUGIN_NAME }),
		isLive: () => container.client === client && !lifecycle().shuttingDown,
		onFlush: registerMetrics(() => created)
	});
	created = service;
	current = service;
	service.start();
	return service;
}

/** The service of the running bot if one was created, without creating it. */
export function existingVoiceXp(): VoiceXpService | null {
	return current?.client === container.client ? current : null;
}
