import { typeById } from '../lib/config.js';
import { staffLogMessage, type TicketLogEvent } from '../views/staffLog.js';
import type { TicketService } from './TicketService.js';

export type { TicketLogEvent, TicketLogKind } from '../views/staffLog.js';

/**
 * Logs an event of a ticket (open, claim, unclaim, close, reopen, add, remove) to the guild's staff log channel
 * (`staffLogChannelId` of the config; nothing when it is not set), as one embed in the guild's language
 * (views/staffLog.ts); an open entry has a Claim button, and a Join button for a thread-mode ticket. Never throws: a staff log channel that is
 * gone, not a text channel of the guild, or where the bot may not post is logged as a warning and the event goes
 * unlogged (the ticket itself is not affected).
 * @returns the staff log message's id, or null when nothing was posted.
 */
export async function logTicketEvent(service: TicketService, guildId: string, event: TicketLogEvent): Promise<string | null> {
	const { ctx } = service;
	try {
		const config = await service.config(guildId);
		const channelId = config.staffLogChannelId;
		if (channelId === null) return null;
		const channel = ctx.client.channels.cache.get(channelId) ?? (await ctx.client.channels.fetch(channelId).catch(() => null));
		if (!channel || !channel.isSendable() || channel.isDMBased() || channel.guildId !== guildId) {
			ctx.logger.warn(`Tickets staff log of guild ${guildId}: channel ${channelId} is gone or not a text channel of the guild; ${event.kind} of ticket ${event.ticket.id} not logged`);
			return null;
		}
		const { t } = await ctx.translator(guildId);
		const typeName = typeById(config, event.ticket.typeId)?.name ?? event.ticket.typeId;
		const message = await channel.send(staffLogMessage(t, event, typeName, ctx.clock.now()));
		return message.id;
	} catch (error) {
		ctx.logger.warn(`Tickets staff log of guild ${guildId}: ${event.kind} of ticket ${event.ticket.id} not logged: ${String(error)}`);
		return null;
	}
}
