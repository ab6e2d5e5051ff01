import type { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { PluginTask } from '../../../lib/plugins/pieces.js';
import type { TaskRunContext } from '../../../lib/tasks/types.js';
import { END_TASK } from '../service/GiveawayService.js';

/** The payload of {@link GiveawayEndTask}: the giveaway's number in the guild. */
export interface GiveawayEndPayload {
	number: number;
}

/**
 * `giveawayEnd` (one-off, per guild, key `end-<id>`): ends a giveaway at its time. Exactly once across processes and
 * restarts (the task queue runs a keyed job once; the service ends a giveaway only if it is still running, under its
 * row lock). Pause, cancel and an early end remove it; resume and more time replace it. Runs even where the plugin
 * was turned off meanwhile (`whenDisabled: 'run'`): a giveaway announced with an end must end.
 */
export class GiveawayEndTask extends PluginTask<'giveaways', typeof END_TASK> {
	public constructor(context: ScheduledTask.LoaderContext, options: ScheduledTask.Options) {
		super(context, { ...options, name: END_TASK, plugin: 'giveaways', whenDisabled: 'run' });
	}

	public async handle(payload: GiveawayEndPayload, { guildId }: TaskRunContext): Promise<void> {
		if (guildId === null) throw new Error('giveawayEnd runs for a guild');
		await this.service.end(guildId, payload.number, false);
	}
}

declare module '../../../lib/tasks/types.js' {
	interface TaskPayloads {
		giveawayEnd: GiveawayEndPayload;
	}
}
