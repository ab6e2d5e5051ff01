import { Listener } from '@sapphire/framework';
import { ScheduledTaskEvents } from '@sapphire/plugin-scheduled-tasks';

/** A job named a task no loaded piece has (a removed plugin or task): logged, the job is dropped. */
export class TaskNotFoundLogListener extends Listener<typeof ScheduledTaskEvents.ScheduledTaskNotFound> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: ScheduledTaskEvents.ScheduledTaskNotFound });
	}

	public override run(name: string) {
		this.container.logger.warn(`Scheduled task "${name}" has no piece in this bot; the job was dropped`);
	}
}
