import type { Listener } from '@sapphire/framework';
import { Events, type Message } from 'discord.js';
import { PluginListener } from '../../../lib/plugins/pieces.js';

/**
 * MESSAGE_CREATE (intents GuildMessages and MessageContent): every guild message goes through the automod's filters
 * (service/AutomodService.ts `handleMessage`), in the process that holds the guild's shard, only where the plugin is
 * on. The bot's own messages are skipped here; other bots and webhooks are exempt unless the guild says otherwise.
 */
export class AutomodMessageCreateListener extends PluginListener<'automod', typeof Events.MessageCreate> {
	public constructor(context: Listener.LoaderContext, options: Listener.Options) {
		super(context, { ...options, plugin: 'automod', event: Events.MessageCreate });
	}

	public async handle(message: Message): Promise<void> {
		if (message.author.id === this.container.client.user?.id) return;
		await this.service.handleMessage(message, 'create');
	}
}
