import { Events, Listener } from '@sapphire/framework';

/** A shard's connection errored (it reconnects on its own): logged at warn level with the shard id. */
export class ShardErrorLogListener extends Listener<typeof Events.ShardError> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.ShardError });
	}

	public override run(error: Error, shardId: number) {
		this.container.botLogger.child({ shardId }).warn(`Shard ${shardId} connection error:`, error);
	}
}
