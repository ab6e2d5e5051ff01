import { GatewayIntentBits, PermissionFlagsBits } from 'discord.js';
import { definePlugin } from '../../lib/plugins/definePlugin.js';
import { Ticket } from './entities/Ticket.js';
import { TicketCounter } from './entities/TicketCounter.js';
import { TICKETS_PLUGIN_NAME, ticketsConfigSchema } from './lib/config.js';
import { TicketService, type TicketsContext } from './service/TicketService.js';

/**
 * Tickets (issue 10): panels whose buttons open a private text channel or private thread with the answers to a type's
 * questions; claim, add, remove, rename, topic; close with confirmation, close requests, reopen; HTML transcripts that
 * keep their attachments; auto-close after inactivity as scheduled tasks; feedback and stats. Off until a guild turns
 * it on. See docs/tickets.md.
 *
 * - Intents: Guilds (channels, threads, roles), GuildMembers (privileged; staff roles of members), GuildMessages and
 *   MessageContent (privileged; activity for auto-close and first staff answers; the transcript reads the content).
 * - Permissions: Manage Channels and Manage Roles (ticket channels and their overwrites), Create Private Threads,
 *   Send Messages in Threads and Manage Threads (thread mode), View Channel, Send Messages, Embed Links, Attach Files
 *   (transcripts) and Read Message History (transcripts).
 */
export const ticketsPlugin = definePlugin({
	name: TICKETS_PLUGIN_NAME,
	configSchema: ticketsConfigSchema,
	entities: [Ticket, TicketCounter],
	enabledByDefault: false,
	directory: import.meta.dirname,
	intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
	permissions: [
		PermissionFlagsBits.ViewChannel,
		PermissionFlagsBits.ManageChannels,
		PermissionFlagsBits.ManageRoles,
		PermissionFlagsBits.SendMessages,
		PermissionFlagsBits.SendMessagesInThreads,
		PermissionFlagsBits.CreatePrivateThreads,
		PermissionFlagsBits.ManageThreads,
		PermissionFlagsBits.EmbedLinks,
		PermissionFlagsBits.AttachFiles,
		PermissionFlagsBits.ReadMessageHistory
	],
	caches: { members: ['messageAuthors'] }, // staff replies: message.member's roles (listeners/ticketsMessageActivity.ts); interactions carry their member
	/** The service (service/TicketService.ts). */
	setup: (ctx: TicketsContext) => new TicketService(ctx),
	/** After a restart: opens cut short repaired, the Redis index of ticket channels and the tickets' jobs put back. */
	async onReady(service) {
		const checked = await service.reconcile();
		if (checked > 0) service.ctx.logger.info(`Checked ${checked} ticket(s) after start-up`);
	}
});

declare module '../../lib/plugins/services.js' {
	interface PluginServices {
		tickets: TicketService;
	}
}
