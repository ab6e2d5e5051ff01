import type { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { PluginTask } from '../../../lib/plugins/pieces.js';
import type { TaskRunContext } from '../../../lib/tasks/types.js';
import { CLOSE_REQUEST_TASK } from '../service/closing.js';

/** The payload of {@link TicketsCloseRequestTask}: the ticket and the request it carries out (its time, ms). */
export interface TicketsCloseRequestPayload {
	ticketId: number;
	requestedAt: number;
}

/**
 * `ticketsCloseRequest` (one-off, per guild, key `request-<ticket id>`, at the end of a `/ticket close-request`
 * delay): closes the ticket in the requester's name with the request's reason, if that request is still pending (Keep
 * open withdraws it and cancels this job; a newer request replaces it). Deferred where the plugin is off
 * (`whenDisabled: 'defer'`): the opener could not press Keep open meanwhile, so the request is carried out, re-checked,
 * once the plugin is on again.
 */
export class TicketsCloseRequestTask extends PluginTask<'tickets', typeof CLOSE_REQUEST_TASK> {
	public constructor(context: ScheduledTask.LoaderContext, options: ScheduledTask.Options) {
		super(context, { ...options, name: CLOSE_REQUEST_TASK, plugin: 'tickets', whenDisabled: 'defer' });
	}

	public async handle(payload: TicketsCloseRequestPayload, { guildId }: TaskRunContext): Promise<void> {
		if (guildId === null) throw new Error('ticketsCloseRequest runs for a guild');
		await this.service.closing.closeRequestDue(guildId, payload.ticketId, payload.requestedAt);
	}
}

declare module '../../../lib/tasks/types.js' {
	interface TaskPayloads {
		ticketsCloseRequest: TicketsCloseRequestPayload;
	}
}
