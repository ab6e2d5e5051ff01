import type { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { PluginTask } from '../../../lib/plugins/pieces.js';
import type { TaskRunContext } from '../../../lib/tasks/types.js';
import { DELETE_CHANNEL_TASK } from '../service/closing.js';

/** The payload of {@link TicketsDeleteChannelTask}: the closed ticket whose channel goes. */
export interface TicketsDeleteChannelPayload {
	ticketId: number;
}

/**
 * `ticketsDeleteChannel` (one-off, per guild, key `delete-<ticket id>`, `reopenWindowSeconds` after a channel-mode
 * close): deletes the closed ticket's channel and records it (service `deleteChannel`); a reopen cancels it, and it
 * does nothing for a ticket open again. Runs where the plugin was turned off too (`whenDisabled: 'run'`): the deletion
 * was announced in the channel, and its transcript is saved already.
 */
export class TicketsDeleteChannelTask extends PluginTask<'tickets', typeof DELETE_CHANNEL_TASK> {
	public constructor(context: ScheduledTask.LoaderContext, options: ScheduledTask.Options) {
		super(context, { ...options, name: DELETE_CHANNEL_TASK, plugin: 'tickets', whenDisabled: 'run' });
	}

	public async handle(payload: TicketsDeleteChannelPayload, { guildId }: TaskRunContext): Promise<void> {
		if (guildId === null) throw new Error('ticketsDeleteChannel runs for a guild');
		await this.service.closing.deleteChannel(guildId, payload.ticketId);
	}
}

declare module '../../../lib/tasks/types.js' {
	interface TaskPayloads {
		ticketsDeleteChannel: TicketsDeleteChannelPayload;
	}
}
