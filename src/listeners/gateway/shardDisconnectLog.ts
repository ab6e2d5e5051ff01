import { Events, Listener } from '@sapphire/framework';
import type { CloseEvent } from 'discord.js';

/** A shard's connection closed for good (discord.js gives up on it): logged at error level with its close code. */
export class ShardDisconnectLogListener extends Listener<typeof Events.ShardDisconnect> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.ShardDisconnect });
	}

	public override run(event: CloseEvent, shardId: number) {
		if (this.container.lifecycle.shuttingDown) return;
		this.container.botLogger.child({ shardId }).error(`Shard ${shardId} disconnected (close code ${event.code})`);
	}
}
