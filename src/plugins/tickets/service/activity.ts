import type { TicketService } from './TicketService.js';

/**
 * The Redis index of ticket channels, read on every message (the hot path: no PostgreSQL): which channels and threads
 * are open tickets (hash `<prefix>tickets:channels`, channel id → ticket id) and when each last had a message.
 *
 * Written when a ticket opens or reopens (`register`) and when it closes (`unregister`); rebuilt from PostgreSQL at
 * start-up by the reconcile of service/opening.ts.
 */
export class TicketActivity {
	public constructor(private readonly service: TicketService) {}

	/** The hash of open ticket channels. */
	public get channelsKey(): string {
		return this.service.ctx.redisKey('channels');
	}

	/** Records that `channelId` is the open ticket `ticketId`. */
	public async register(channelId: string, ticketId: number): Promise<void> {
		await this.service.ctx.redis.hset(this.channelsKey, channelId, String(ticketId));
	}

	/** Forgets `channelId` (closed or deleted ticket). */
	public async unregister(channelId: string): Promise<void> {
		await this.service.ctx.redis.hdel(this.channelsKey, channelId);
	}
}
