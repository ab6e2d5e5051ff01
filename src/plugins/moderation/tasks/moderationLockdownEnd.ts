import type { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { PluginTask } from '../../../lib/plugins/pieces.js';
import type { TaskRunContext } from '../../../lib/tasks/types.js';
import { LOCKDOWN_END_TASK } from '../service/ChannelTools.js';

/** The payload of {@link ModerationLockdownEndTask}: which channel, and which of its lockdowns this is the end of. */
export interface ModerationLockdownEndPayload {
	channelId: string;
	/** The `moderation_lockdown` row's id (entities/ModerationLockdown.ts). */
	lockdownId: number;
}

/**
 * `moderationLockdownEnd` (one-off, per guild, key `lockdown-<channelId>-<lockdownId>`: service/ChannelTools.ts
 * `lockdownTaskKey`): ends a timed lockdown, restoring the channel's exact previous @everyone overwrite and recording
 * the bot's `unlock` case. Scheduled by `/lockdown ... duration`, cancelled by a manual unlock; runs exactly once across
 * processes, after any restart (src/lib/tasks/TaskQueue.ts). Runs even where the plugin was turned off meanwhile
 * (`whenDisabled: 'run'`): a channel locked for a while must open again. Idempotent (`endLockdown`): if the channel
 * was unlocked meanwhile, or holds a newer lockdown, it does nothing. A Discord refusal throws and is retried.
 */
export class ModerationLockdownEndTask extends PluginTask<'moderation', typeof LOCKDOWN_END_TASK> {
	public constructor(context: ScheduledTask.LoaderContext, options: ScheduledTask.Options) {
		super(context, { ...options, name: LOCKDOWN_END_TASK, plugin: 'moderation', whenDisabled: 'run' });
	}

	public async handle(payload: ModerationLockdownEndPayload, { guildId }: TaskRunContext): Promise<void> {
		if (guildId === null) throw new Error('moderationLockdownEnd runs for a guild');
		await this.service.channels.endLockdown(guildId, payload.channelId, payload.lockdownId);
	}
}

declare module '../../../lib/tasks/types.js' {
	interface TaskPayloads {
		moderationLockdownEnd: ModerationLockdownEndPayload;
	}
}
