import type { Listener } from '@sapphire/framework';
import { Events, type Message } from 'discord.js';
import { PluginListener } from '../../../lib/plugins/pieces.js';

/**
 * MESSAGE_CREATE (intents GuildMessages and MessageContent), the hot path: every guild message where the plugin is on.
 * A member's message (not a bot's, not a webhook's) in an open ticket channel or thread records its time in Redis, and
 * the first message of a member holding a staff role is recorded once (service/activity.ts `recordMessage`): one Redis
 * round trip, no PostgreSQL, nothing scheduled. Whether the author holds a staff role comes from the message's member
 * and the guild's config (in memory). Only when a staff member's first message is newly recorded (once per ticket) is
 * `first_staff_reply_at` written, with one UPDATE. The auto-close job reads the time when it fires.
 */
export class TicketsMessageActivityListener extends PluginListener<'tickets', typeof Events.MessageCreate> {
	public constructor(context: Listener.LoaderContext, options: Listener.Options) {
		super(context, { ...options, plugin: 'tickets', event: Events.MessageCreate });
	}

	public async handle(message: Message): Promise<void> {
		if (!message.guildId || message.author.bot || message.webhookId !== null || message.system) return;
		const { ctx, activity } = this.service;
		const config = await ctx.config(message.guildId);
		// No ticket type, no ticket: the guild's messages cost nothing here (the config is in memory).
		if (config.types.length === 0) return;
		const roles = message.member?.roles.cache;
		const staffTypeIds = roles ? config.types.filter((type) => type.staffRoleIds.some((roleId) => roles.has(roleId))).map((type) => type.id) : [];
		const now = ctx.clock.now();
		try {
			const recorded = await activity.recordMessage(message.channelId, now, staffTypeIds.length > 0);
			if (recorded === 'first-staff') await activity.persistFirstStaffReply(message.channelId, message.author.id, staffTypeIds, now);
		} catch (error) {
			// Redis or PostgreSQL unavailable: this message's time is lost (auto-close may warn a little early), nothing else.
			ctx.logger.warn(`Ticket activity of channel ${message.channelId} not recorded:`, error instanceof Error ? error.message : error);
		}
	}
}
