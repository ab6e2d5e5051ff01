import { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { sweepGuildTiersNow, TIER_SWEEP_TASK, type TierSweepPayload } from '../service/tierSweep.js';

/**
 * `voiceXpTierSweep` (one-off, payload `{ guildId }`): brings every stored member of the guild to exactly the highest
 * tier reached (service/tierSweep.ts). Queued by `/xp tiers add`, `/xp tiers remove` and `/xp sync`; run once, by any
 * process of the bot (BullMQ), after a restart if need be. The core skips it in guilds where voice XP is off.
 * A failure fails the job and is logged once by the core (listeners/tasks/taskErrorLog.ts: error id, plugin, guild);
 * the next sweep of the guild does the same work again.
 */
export class VoiceXpTierSweepTask extends ScheduledTask {
	public constructor(context: ScheduledTask.LoaderContext, options: ScheduledTask.Options) {
		super(context, { ...options, name: TIER_SWEEP_TASK });
	}

	public override async run(payload: TierSweepPayload): Promise<void> {
		await sweepGuildTiersNow(payload.guildId);
	}
}

declare module '@sapphire/plugin-scheduled-tasks' {
	interface ScheduledTasks {
		voiceXpTierSweep: TierSweepPayload;
	}
}
