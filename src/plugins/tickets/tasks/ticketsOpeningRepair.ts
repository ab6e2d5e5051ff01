import type { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { PluginTask } from '../../../lib/plugins/pieces.js';
import { OPENING_REPAIR_TASK } from '../service/opening.js';

/**
 * `ticketsOpeningRepair` (one-off, per guild, key the ticket's id): a minute after a ticket began opening, settles it
 * if it is still `opening` (the process opening it died between taking the number and marking it open): its channel
 * or thread found by name is kept, else the row is removed (service/opening.ts `repair`). A ticket that opened
 * normally is left alone. Runs even where the plugin was turned off meanwhile (`whenDisabled: 'run'`): an `opening`
 * row holds the member's place in the limits.
 */
export class TicketsOpeningRepairTask extends PluginTask<'tickets', typeof OPENING_REPAIR_TASK> {
	public constructor(context: ScheduledTask.LoaderContext, options: ScheduledTask.Options) {
		super(context, { ...options, name: OPENING_REPAIR_TASK, plugin: 'tickets', whenDisabled: 'run' });
	}

	public async handle(payload: { ticketId: number }): Promise<void> {
		await this.service.opening.repair(payload.ticketId);
	}
}
