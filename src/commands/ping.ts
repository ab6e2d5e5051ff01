import type { Command } from '@sapphire/framework';
import { MessageFlags } from 'discord.js';
import { BotCommand, type GuildChatInputInteraction } from '../lib/commands/BotCommand.js';
import { translateInteraction } from '../lib/i18n.js';

/** `/ping`: answers (ephemeral) with the gateway heartbeat round trip in milliseconds and the guild's shard. */
export class PingCommand extends BotCommand {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'ping' });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, 'core:commands.ping');
	}

	protected override async runCommand(interaction: GuildChatInputInteraction) {
		const { t } = await translateInteraction(interaction);
		const shard = interaction.guild?.shardId ?? 0;
		const gateway = Math.round(this.container.client.ws.shards.get(shard)?.ping ?? this.container.client.ws.ping);
		return interaction.reply({ content: t('core:commands.ping.reply', { gateway, shard }), flags: MessageFlags.Ephemeral });
	}
}
