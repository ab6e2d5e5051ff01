import type { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { PluginTask } from '../../../lib/plugins/pieces.js';
import type { TaskRunContext } from '../../../lib/tasks/types.js';
import { REFRESH_TASK } from '../service/GiveawayService.js';

/** The payload of {@link GiveawayRefreshTask}: the giveaway's number in the guild. */
export interface GiveawayRefreshPayload {
	number: number;
}

/**
 * `giveawayRefresh` (one-off, per guild, key `refresh-<id>`, 5 s after an entry): edits the giveaway message with the
 * entry count. Keyed, so while one is pending further entries add nothing: at most one edit per 5 seconds per
 * giveaway, whatever the click rate (Discord's limit on editing a message is 5 per 5 s per channel). Dropped where the
 * plugin is off (`whenDisabled: 'drop'`): nothing to show there.
 */
export class GiveawayRefreshTask extends PluginTask<'giveaways', typeof REFRESH_TASK> {
	public constructor(context: ScheduledTask.LoaderContext, options: ScheduledTask.Options) {
		super(context, { ...options, name: REFRESH_TASK, plugin: 'giveaways', whenDisabled: 'drop' });
	}

	public async handle(payload: GiveawayRefreshPayload, { guildId }: TaskRunContext): Promise<void> {
		if (guildId === null) throw new Error('giveawayRefresh runs for a guild');
		await this.service.refreshMessage(guildId, payload.number);
	}
}

declare module '../../../lib/tasks/types.js' {
	interface TaskPayloads {
		giveawayRefresh: GiveawayRefreshPayload;
	}
}
