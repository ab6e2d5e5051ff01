import type { Listener } from '@sapphire/framework';
import { Events, type Message, type PartialMessage } from 'discord.js';
import { PluginListener } from '../../../lib/plugins/pieces.js';
import { isEditToCheck } from '../lib/edits.js';

/**
 * MESSAGE_UPDATE: an edited message is checked again by the content filters (people edit to evade); the counting
 * filters (rate, duplicates) are not, an edit is not a new message. The bot keeps no message cache, so the plugin asks
 * for partial messages (its manifest's `caches.partialMessages`): discord.js reports the edit of any message, however
 * old, with a partial "before". Updates that are not the author's edit (a link preview added, embeds suppressed) and a
 * second update of the same edit are not checked again (lib/edits.ts).
 */
export class AutomodMessageUpdateListener extends PluginListener<'automod', typeof Events.MessageUpdate> {
	public constructor(context: Listener.LoaderContext, options: Listener.Options) {
		super(context, { ...options, plugin: 'automod', event: Events.MessageUpdate });
	}

	public async handle(previous: Message | PartialMessage, message: Message | PartialMessage): Promise<void> {
		// discord.js patches the partial with MESSAGE_UPDATE's full message; one still partial carried no content.
		if (message.partial || message.author.id === this.container.client.user?.id) return;
		if (!isEditToCheck(previous, message, this.service.checkedEdits)) return;
		await this.service.handleMessage(message, 'edit');
	}
}
