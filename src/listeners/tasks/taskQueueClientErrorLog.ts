import { Listener } from '@sapphire/framework';
import { ScheduledTaskEvents } from '@sapphire/plugin-scheduled-tasks';
import { throttledWarn } from '../../lib/throttle.js';

/** The task queue's client reported an error (usually Redis unreachable): one warning per minute at most. */
export class TaskQueueClientErrorLogListener extends Listener<typeof ScheduledTaskEvents.ScheduledTaskStrategyClientError> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: ScheduledTaskEvents.ScheduledTaskStrategyClientError });
	}

	public override run(error: Error) {
		throttledWarn('task-queue-client', 'Task queue client error (jobs wait until Redis answers):', error);
	}
}
