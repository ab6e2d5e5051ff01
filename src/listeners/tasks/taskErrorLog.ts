import { Listener } from '@sapphire/framework';
import { ScheduledTaskEvents, type ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { logFailure } from '../../lib/failures.js';

/** A scheduled task threw: logged with an error id, its plugin and guild (BullMQ marks the job failed). */
export class TaskErrorLogListener extends Listener<typeof ScheduledTaskEvents.ScheduledTaskError> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: ScheduledTaskEvents.ScheduledTaskError });
	}

	public override run(error: unknown, task: ScheduledTask, payload: unknown) {
		logFailure(error, {
			what: `Scheduled task ${task.name}`,
			plugin: this.container.plugins.pluginOfPath(task.location.full)?.name,
			guildId: (payload as { guildId?: string } | undefined)?.guildId
		});
	}
}
