import type { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { PluginTask } from '../../../lib/plugins/pieces.js';
import type { TaskRunContext } from '../../../lib/tasks/types.js';
import { UNBAN_TASK } from '../service/ModerationService.js';

/** The payload of {@link ModerationUnbanTask}: whose ban ends, and which ban case it is the end of. */
export interface ModerationUnbanPayload {
	userId: string;
	caseNumber: number;
}

/**
 * `moderationUnban` (one-off, per guild, key `ban-<userId>-<case>`): lifts a temporary ban at its end, or finishes a
 * softban whose ban could not be lifted at once. Scheduled by the service's `ban` (and `softban`), cancelled by a new
 * ban, an unban or the deletion of the case; runs exactly once across processes, after any restart
 * (src/lib/tasks/TaskQueue.ts). Runs even where the plugin was turned off meanwhile (`whenDisabled: 'run'`): a ban
 * given as temporary must end. Idempotent (service `endTemporaryBan`): if the user is no longer banned, or the ban case
 * was replaced by a newer ban, softban or unban (a permanent ban after this temporary one), it does nothing on Discord.
 */
export class ModerationUnbanTask extends PluginTask<'moderation', typeof UNBAN_TASK> {
	public constructor(context: ScheduledTask.LoaderContext, options: ScheduledTask.Options) {
		super(context, { ...options, name: UNBAN_TASK, plugin: 'moderation', whenDisabled: 'run' });
	}

	public async handle(payload: ModerationUnbanPayload, { guildId }: TaskRunContext): Promise<void> {
		if (guildId === null) throw new Error('moderationUnban runs for a guild');
		await this.service.endTemporaryBan(guildId, payload.userId, payload.caseNumber);
	}
}

declare module '../../../lib/tasks/types.js' {
	interface TaskPayloads {
		moderationUnban: ModerationUnbanPayload;
	}
}
