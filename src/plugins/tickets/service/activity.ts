import type { Redis } from 'ioredis';
import type { TicketService } from './TicketService.js';

/**
 * Records a message in a ticket channel, in one round trip. KEYS: the index hash (channel → ticket id), the activity
 * hash (channel → last message, ms), the first-staff hash (channel → first staff message, ms). ARGV: channel id, now
 * (ms), `1` when the author holds a staff role (else `0`).
 * Returns -1 when the channel is not an open ticket (nothing written), 1 when this message is the first staff
 * message recorded for the channel (the caller persists it), else 0.
 */
const RECORD_SCRIPT = `
if redis.call('hexists', KEYS[1], ARGV[1]) == 0 then return -1 end
redis.call('hset', KEYS[2], ARGV[1], ARGV[2])
if ARGV[3] == '1' then return redis.call('hsetnx', KEYS[3], ARGV[1], ARGV[2]) end
return 0
`;

const RECORD_COMMAND = 'hearthTicketsRecordMessage';

interface ActivityCommands {
	[RECORD_COMMAND](indexKey: string, activityKey: string, firstStaffKey: string, channelId: string, now: number, staff: '0' | '1'): Promise<number>;
}

/** What {@link TicketActivity.recordMessage} found. */
export type RecordedMessage = 'not-ticket' | 'recorded' | 'first-staff';

/**
 * The Redis index of ticket channels, read on every message (the hot path: no PostgreSQL): which channels and threads
 * are open tickets (hash `<prefix>tickets:channels`, channel id → ticket id), when each last had a message (hash
 * `tickets:activity`, channel id → ms on the bot clock) and when staff first wrote there (hash `tickets:first-staff`).
 *
 * Written when a ticket opens or reopens (`register`) and when it closes (`unregister`, then {@link forget}); rebuilt
 * from PostgreSQL at start-up by the reconcile of service/opening.ts. The activity is what the auto-close job
 * (service/closing.ts) reads when it fires: messages never schedule anything themselves.
 */
export class TicketActivity {
	public constructor(private readonly service: TicketService) {}

	/** The hash of open ticket channels. */
	public get channelsKey(): string {
		return this.service.ctx.redisKey('channels');
	}

	/** The hash of each open ticket channel's last message time (ms, bot clock). */
	public get activityKey(): string {
		return this.service.ctx.redisKey('activity');
	}

	/** The hash of each open ticket channel's first staff message time (ms, bot clock), set once. */
	public get firstStaffKey(): string {
		return this.service.ctx.redisKey('first-staff');
	}

	/** Records that `channelId` is the open ticket `ticketId`. */
	public async register(channelId: string, ticketId: number): Promise<void> {
		await this.service.ctx.redis.hset(this.channelsKey, channelId, String(ticketId));
	}

	/** Forgets `channelId` (closed or deleted ticket). */
	public async unregister(channelId: string): Promise<void> {
		await this.service.ctx.redis.hdel(this.channelsKey, channelId);
	}

	/**
	 * Records a member's message in `channelId` if it is an open ticket: its last activity becomes `now`, and when
	 * `staff` (the author holds a staff role of some type) the first staff message time is set unless it was already.
	 * One Redis round trip (a Lua script), nothing else: this runs for every message the bot sees.
	 * @param now ms on the bot clock.
	 * @returns `not-ticket`, `recorded`, or `first-staff` when this is the first staff message recorded there (the
	 *   caller then persists it with {@link persistFirstStaffReply}, once per ticket).
	 */
	public async recordMessage(channelId: string, now: number, staff: boolean): Promise<RecordedMessage> {
		const redis = this.#commands();
		const result = await redis[RECORD_COMMAND](this.channelsKey, this.activityKey, this.firstStaffKey, channelId, now, staff ? '1' : '0');
		return result === -1 ? 'not-ticket' : result === 1 ? 'first-staff' : 'recorded';
	}

	/**
	 * Writes the ticket's `first_staff_reply_at` once (one UPDATE, only while it is null), when the author is staff of
	 * the ticket's own type (`staffTypeIds`: the types whose staff roles the author holds) and not its opener. When the
	 * row does not qualify (the opener holds a staff role of another type), the Redis mark is removed again so that a
	 * real staff answer later is still recorded.
	 * @returns whether the ticket's first staff reply was written.
	 */
	public async persistFirstStaffReply(channelId: string, authorId: string, staffTypeIds: readonly string[], at: number): Promise<boolean> {
		const rows = await this.service.ctx
			.em()
			.execute<{ id: string }[]>(
				`update ticket set first_staff_reply_at = ? where channel_id = ? and status = 'open' and first_staff_reply_at is null and opener_id <> ? and type_id in (${staffTypeIds.map(() => '?').join(', ') || 'null'}) returning id`,
				[new Date(at), channelId, authorId, ...staffTypeIds],
				'all'
			);
		if (rows.length > 0) return true;
		// Already written (the mark was lost), or not staff of this ticket: let a later staff answer try again.
		await this.service.ctx.redis.hdel(this.firstStaffKey, channelId);
		return false;
	}

	/** The last recorded activity of `channelId` (ms, bot clock), or null when none is recorded. */
	public async lastActivity(channelId: string): Promise<number | null> {
		const value = await this.service.ctx.redis.hget(this.activityKey, channelId);
		return value === null ? null : Number(value);
	}

	/**
	 * The last recorded activity of `channelId` (ms), or, when none is recorded (a ticket nobody wrote in yet, or Redis
	 * lost it), `fallback` (ms), recorded from now on unless a message was recorded meanwhile. One round trip (a
	 * transaction); for the auto-close job, not the message path.
	 */
	public async lastActivityOr(channelId: string, fallback: number): Promise<number> {
		const results = await this.service.ctx.redis.multi().hsetnx(this.activityKey, channelId, String(fallback)).hget(this.activityKey, channelId).exec();
		const stored = results?.[1]?.[1];
		return typeof stored === 'string' ? Number(stored) : fallback;
	}

	/**
	 * Sets the last activity of `channelId` to `at` (ms), at reopen. With `firstStaffAt`, also marks the first staff
	 * answer as known (a reopened ticket that had one).
	 */
	public async touch(channelId: string, at: number, firstStaffAt: number | null = null): Promise<void> {
		const multi = this.service.ctx.redis.multi().hset(this.activityKey, channelId, String(at));
		if (firstStaffAt !== null) multi.hset(this.firstStaffKey, channelId, String(firstStaffAt));
		await multi.exec();
	}

	/** Forgets the activity of `channelId` (after `unregister`: the ticket closed or its channel is gone). */
	public async forget(channelId: string): Promise<void> {
		await this.service.ctx.redis.multi().hdel(this.activityKey, channelId).hdel(this.firstStaffKey, channelId).exec();
	}

	#commands(): Redis & ActivityCommands {
		const redis = this.service.ctx.redis as Redis & Partial<ActivityCommands>;
		if (typeof redis[RECORD_COMMAND] !== 'function') redis.defineCommand(RECORD_COMMAND, { numberOfKeys: 3, lua: RECORD_SCRIPT });
		return redis as Redis & ActivityCommands;
	}
}
