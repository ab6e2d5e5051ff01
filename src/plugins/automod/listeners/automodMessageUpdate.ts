import type { Listener } from '@sapphire/framework';
import { Events, type Message, type PartialMessage } from 'discord.js';
import { PluginListener } from '../../../lib/plugins/pieces.js';

/**
 * MESSAGE_UPDATE: an edited message is checked again by the content filters (people edit to evade); the counting
 * filters (rate, duplicates) are not, an edit is not a new message. Updates that do not change the content (Discord
 * adding a link preview) are ignored. discord.js reports edits of messages it holds in its message cache (the last
 * 200 per channel by default); an edit of an older message is not seen.
 */
export class AutomodMessageUpdateListener extends PluginListener<'automod', typeof Events.MessageUpdate> {
	public constructor(context: Listener.LoaderContext, options: Listener.Options) {
		super(context, { ...options, plugin: 'automod', event: Events.MessageUpdate });
	}

	public async handle(previous: Message | PartialMessage, message: Message): Promise<void> {
		if (message.partial || message.author.id === this.container.client.user?.id) return;
		if (!previous.partial && previous.content === message.content) return;
		await this.service.handleMessage(message, 'edit');
	}
}
