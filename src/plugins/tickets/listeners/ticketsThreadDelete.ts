import type { Listener } from '@sapphire/framework';
import { Events, type AnyThreadChannel } from 'discord.js';
import { PluginListener } from '../../../lib/plugins/pieces.js';

/**
 * THREAD_DELETE (intent Guilds): a ticket thread deleted by hand. An open ticket is closed there and then, without a
 * transcript (the transcript channel and the staff log say so); a closed one records the deletion (service/closing.ts
 * `channelGone`).
 */
export class TicketsThreadDeleteListener extends PluginListener<'tickets', typeof Events.ThreadDelete> {
	public constructor(context: Listener.LoaderContext, options: Listener.Options) {
		super(context, { ...options, plugin: 'tickets', event: Events.ThreadDelete });
	}

	public async handle(thread: AnyThreadChannel): Promise<void> {
		await this.service.closing.channelGone(thread.id);
	}
}
