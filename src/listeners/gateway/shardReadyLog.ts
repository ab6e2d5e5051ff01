import { Events, Listener } from '@sapphire/framework';

/** One line per shard turning ready, with its shard id and the number of guilds it waits for. */
export class ShardReadyLogListener extends Listener<typeof Events.ShardReady> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.ShardReady });
	}

	public override run(shardId: number, unavailableGuilds?: Set<string>) {
		this.container.botLogger
			.child({ shardId })
			.info(`Shard ${shardId} ready${unavailableGuilds?.size ? ` (${unavailableGuilds.size} guild(s) unavailable)` : ''}`);
	}
}
