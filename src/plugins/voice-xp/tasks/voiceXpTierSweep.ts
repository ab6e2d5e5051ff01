import type { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { PluginTask } from '../../../lib/plugins/pieces.js';
import type { TaskRunContext } from '../../../lib/tasks/types.js';
import { TIER_SWEEP_TASK } from '../service/tierSweep.js';

/**
 * `voiceXpTierSweep` (one-off, per guild, no payload): brings every stored member of the guild to exactly the highest
 * tier reached (service/tierSweep.ts). Queued by `/xp tiers add`, `/xp tiers remove` and `/xp sync`; run once, by any
 * process of the bot, after a restart if need be. In a guild where voice XP is off at run time it is dropped: tiers
 * are not maintained there, and switching the plugin on again rebuilds the guild (a new sweep follows the next tier
 * change or `/xp sync`). A failure is retried with backoff, then logged with an error id by the core's task queue.
 */
export class VoiceXpTierSweepTask extends PluginTask<'voice-xp', typeof TIER_SWEEP_TASK> {
	public constructor(context: ScheduledTask.LoaderContext, options: ScheduledTask.Options) {
		super(context, { ...options, name: TIER_SWEEP_TASK, plugin: 'voice-xp', whenDisabled: 'drop' });
	}

	public async handle(_payload: Record<string, never>, { guildId }: TaskRunContext): Promise<void> {
		await this.service.sweepTiers(guildId!);
	}
}

declare module '../../../lib/tasks/types.js' {
	interface TaskPayloads {
		voiceXpTierSweep: Record<string, never>;
	}
}
