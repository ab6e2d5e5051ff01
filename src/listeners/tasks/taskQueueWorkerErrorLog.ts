import { Listener } from '@sapphire/framework';
import { ScheduledTaskEvents } from '@sapphire/plugin-scheduled-tasks';
import { throttledWarn } from '../../lib/throttle.js';

/** The task queue's worker reported an error (usually Redis unreachable): one warning per minute at most. */
export class TaskQueueWorkerErrorLogListener extends Listener<typeof ScheduledTaskEvents.ScheduledTaskStrategyWorkerError> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: ScheduledTaskEvents.ScheduledTaskStrategyWorkerError });
	}

	public override run(error: Error) {
		throttledWarn('task-queue-worker', 'Task queue worker error (jobs wait until Redis answers):', error);
	}
}
