import { AllFlowsPrecondition } from '@sapphire/framework';

/**
 * Global precondition, checked first: once shutdown began (SIGTERM/SIGINT), new commands are refused with the
 * translated notice `core:preconditions.shuttingDown` instead of starting work that would be cut off.
 */
export class AcceptingWorkPrecondition extends AllFlowsPrecondition {
	public constructor(context: AllFlowsPrecondition.LoaderContext, options: AllFlowsPrecondition.Options) {
		super(context, { ...options, name: 'AcceptingWork', position: 10 });
	}

	public override chatInputRun() {
		return this.check();
	}

	public override contextMenuRun() {
		return this.check();
	}

	public override messageRun() {
		return this.check();
	}

	private check() {
		if (!this.container.lifecycle.shuttingDown) return this.ok();
		return this.error({ identifier: 'core:preconditions.shuttingDown', message: 'The bot is shutting down' });
	}
}

declare module '@sapphire/framework' {
	interface Preconditions {
		AcceptingWork: never;
	}
}
