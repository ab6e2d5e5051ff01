import type { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { PluginTask } from '../../../lib/plugins/pieces.js';
import type { TaskRunContext } from '../../../lib/tasks/types.js';
import { FINISH_CLOSE_TASK } from '../service/closing.js';

/** The payload of {@link TicketsFinishCloseTask}: the ticket and the close it finishes (its `closed_at`, ms). */
export interface TicketsFinishClosePayload {
	ticketId: number;
	closedAt: number;
}

/**
 * `ticketsFinishClose` (one-off, per guild, key `finish-<ticket id>-<closed at>`, queued in the transaction that
 * closes the ticket, due at once): locks the ticket, makes and posts its transcript, posts the "closed" notice and the
 * feedback prompt, logs the close, then schedules the channel's deletion (channel mode) or archives the thread (service
 * `finishClose`; why a close is finished exactly once is in service/closing.ts). Runs where the plugin was turned off
 * meanwhile too (`whenDisabled: 'run'`): the ticket is closed already, and a closed ticket left unlocked, without its
 * transcript, would be worse than a finished one.
 */
export class TicketsFinishCloseTask extends PluginTask<'tickets', typeof FINISH_CLOSE_TASK> {
	public constructor(context: ScheduledTask.LoaderContext, options: ScheduledTask.Options) {
		super(context, { ...options, name: FINISH_CLOSE_TASK, plugin: 'tickets', whenDisabled: 'run' });
	}

	public async handle(payload: TicketsFinishClosePayload, { guildId }: TaskRunContext): Promise<void> {
		if (guildId === null) throw new Error('ticketsFinishClose runs for a guild');
		await this.service.closing.finishClose(guildId, payload.ticketId, payload.closedAt);
	}
}

declare module '../../../lib/tasks/types.js' {
	interface TaskPayloads {
		ticketsFinishClose: TicketsFinishClosePayload;
	}
}
