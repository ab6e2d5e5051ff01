import { Command } from '@sapphire/framework';
import { applyLocalizedBuilder } from '@sapphire/plugin-i18next';
import { InteractionContextType, MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import { translateInteraction } from '../lib/i18n.js';

/** `/ping`: answers (ephemeral) with the gateway heartbeat round trip in milliseconds and the guild's shard. */
export class PingCommand extends Command {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'ping' });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		registry.registerChatInputCommand((builder) =>
			applyLocalizedBuilder(builder, 'core:commands.ping.name', 'core:commands.ping.description').setContexts(InteractionContextType.Guild)
		);
	}

	public override async chatInputRun(interaction: ChatInputCommandInteraction) {
		const { t } = await translateInteraction(interaction);
		const shard = interaction.guild?.shardId ?? 0;
		const gateway = Math.round(this.container.client.ws.shards.get(shard)?.ping ?? this.container.client.ws.ping);
		return interaction.reply({ content: t('core:commands.ping.reply', { gateway, shard }), flags: MessageFlags.Ephemeral });
	}
}
