import type { Listener } from '@sapphire/framework';
import { Events, type DMChannel, type NonThreadGuildBasedChannel } from 'discord.js';
import { PluginListener } from '../../../lib/plugins/pieces.js';

/**
 * CHANNEL_DELETE (intent Guilds): a ticket channel deleted, by hand or by the bot after the reopen window. An open
 * ticket is closed there and then, without a transcript (the channel's messages are gone: the transcript channel and
 * the staff log say so); a closed one records the deletion (service/closing.ts `channelGone`). Rare: one indexed
 * PostgreSQL read per deleted channel.
 */
export class TicketsChannelDeleteListener extends PluginListener<'tickets', typeof Events.ChannelDelete> {
	public constructor(context: Listener.LoaderContext, options: Listener.Options) {
		super(context, { ...options, plugin: 'tickets', event: Events.ChannelDelete });
	}

	public async handle(channel: DMChannel | NonThreadGuildBasedChannel): Promise<void> {
		if (channel.isDMBased()) return;
		await this.service.closing.channelGone(channel.id);
	}
}
