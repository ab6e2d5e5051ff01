import { Events, Listener } from '@sapphire/framework';

/** A shard resumed its session after a reconnect (missed events are replayed by Discord). */
export class ShardResumeLogListener extends Listener<typeof Events.ShardResume> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.ShardResume });
	}

	public override run(shardId: number, replayedEvents: number) {
		this.container.botLogger.child({ shardId }).info(`Shard ${shardId} resumed (${replayedEvents} event(s) replayed)`);
	}
}
