import type { PluginContext } from '../../../lib/plugins/context.js';
import type { ticketsConfigSchema, TicketsConfig } from '../lib/config.js';
import { TicketActivity } from './activity.js';
import { TicketClosing } from './closing.js';
import { TicketOpening } from './opening.js';
import * as store from './store.js';
import type { TicketRecord } from './store.js';

/** The tickets plugin's context (its config schema typed). */
export type TicketsContext = PluginContext<typeof ticketsConfigSchema>;

/**
 * The tickets service (issue 10), built once per process by the manifest's `setup` from the plugin's context. State
 * lives in PostgreSQL (tickets), Redis (which channels are tickets, their last activity) and the task queue
 * (auto-close, close requests, channel deletions); nothing per ticket in process memory.
 *
 * Its parts, one file each:
 * - `opening` (service/opening.ts): panels' clicks to a channel or private thread with its row, limits, overflow
 *   categories, the welcome message; claim, unclaim, add, remove, rename, topic.
 * - `closing` (service/closing.ts): close with confirmation, close requests, reopen, the transcript, channel deletion
 *   after the reopen window, auto-close after inactivity, feedback.
 * - `activity` (service/activity.ts): the Redis index of ticket channels and their last message, read on every message.
 */
export class TicketService {
	public readonly opening: TicketOpening;
	public readonly closing: TicketClosing;
	public readonly activity: TicketActivity;

	public constructor(public readonly ctx: TicketsContext) {
		this.activity = new TicketActivity(this);
		this.opening = new TicketOpening(this);
		this.closing = new TicketClosing(this);
	}

	/** The guild's tickets config (frozen; the settings cache answers from memory). */
	public config(guildId: string): Promise<TicketsConfig> {
		return this.ctx.config(guildId);
	}

	/** The ticket in this channel or thread (any status), or null. One indexed PostgreSQL read. */
	public ticketIn(channelId: string): Promise<TicketRecord | null> {
		return store.findByChannel(this.ctx.em(), channelId);
	}

	/** The ticket with this number in the guild, or null. */
	public ticketByNumber(guildId: string, number: number): Promise<TicketRecord | null> {
		return store.findByNumber(this.ctx.em(), guildId, number);
	}

	/** After a restart: half-made opens repaired, missing jobs re-armed. Returns how many tickets were checked. */
	public async reconcile(): Promise<number> {
		let checked = 0;
		for (const guildId of this.ctx.client.guilds.cache.keys()) {
			if (!(await this.ctx.isEnabled(guildId))) continue;
			checked += await this.opening.reconcile(guildId);
			checked += await this.closing.reconcile(guildId);
		}
		return checked;
	}
}
