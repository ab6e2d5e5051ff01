import { Listener } from '@sapphire/framework';
import { ScheduledTaskEvents } from '@sapphire/plugin-scheduled-tasks';
import { throttledWarn } from '../../lib/throttle.js';

/** The task queue's connect reported an error (usually Redis unreachable): one warning per minute at most. */
export class TaskQueueConnectErrorLogListener extends Listener<typeof ScheduledTaskEvents.ScheduledTaskStrategyConnectError> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: ScheduledTaskEvents.ScheduledTaskStrategyConnectError });
	}

	public override run(error: Error) {
		throttledWarn('task-queue-connect', 'Task queue connect error (jobs wait until Redis answers):', error);
	}
}
