import type { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { PluginTask } from '../../../lib/plugins/pieces.js';
import type { TaskRunContext } from '../../../lib/tasks/types.js';
import { AUTO_CLOSE_TASK } from '../service/closing.js';

/** The payload of {@link TicketsAutoCloseTask}: the ticket, and when its inactivity warning was posted (ms) or null. */
export interface TicketsAutoClosePayload {
	ticketId: number;
	warnedAt: number | null;
}

/**
 * `ticketsAutoClose` (one-off, per guild, keys `auto-<ticket id>` and `auto-<ticket id>-r` in turn: one pending job
 * per open ticket): reads the ticket's last message time from Redis and re-arms itself for the rest of the time, posts
 * the inactivity warning, or closes the ticket (service `autoCloseDue`). Messages never schedule it; they only write
 * their time. Deferred where the plugin is off (`whenDisabled: 'defer'`): a ticket is not closed for inactivity while
 * the plugin (and so its activity tracking) is off; the job runs again, re-checking, when it is switched back on.
 */
export class TicketsAutoCloseTask extends PluginTask<'tickets', typeof AUTO_CLOSE_TASK> {
	public constructor(context: ScheduledTask.LoaderContext, options: ScheduledTask.Options) {
		super(context, { ...options, name: AUTO_CLOSE_TASK, plugin: 'tickets', whenDisabled: 'defer' });
	}

	public async handle(payload: TicketsAutoClosePayload, { guildId, jobId }: TaskRunContext): Promise<void> {
		if (guildId === null) throw new Error('ticketsAutoClose runs for a guild');
		// The job id is `<task>/<guild>/<key>` (src/lib/tasks/types.ts `jobIdOf`): the key says which of the two it is.
		const key = jobId.split('/')[2] ?? '';
		await this.service.closing.autoCloseDue(guildId, payload.ticketId, payload.warnedAt, key);
	}
}

declare module '../../../lib/tasks/types.js' {
	interface TaskPayloads {
		ticketsAutoClose: TicketsAutoClosePayload;
	}
}
