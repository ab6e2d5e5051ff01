import type { Command } from '@sapphire/framework';
import { MessageFlags, PermissionFlagsBits } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { localizedCommand, localizedOption } from '../../../lib/commands/localized.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import { fitContent } from '../../../lib/replies.js';
import { LOCKABLE_CHANNEL_TYPES } from '../lib/lockdown.js';
import { NO_PINGS } from '../views/answers.js';

/**
 * `/unlock channel [channel]` and `/unlock server` (Manage Channels): lifts a lockdown made with `/lockdown`, putting
 * back exactly the @everyone overwrite the channel had before (none, or its exact allow and deny bits), and cancels
 * its timed end. Each unlocked channel is a case. Unlocking a channel that is not locked is refused
 * (service/ChannelTools.ts).
 */
export class UnlockCommand extends PluginCommand<'moderation'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, {
			...options,
			name: 'unlock',
			plugin: 'moderation',
			memberPermission: PermissionFlagsBits.ManageChannels,
			subcommands: [
				{ name: 'channel', chatInputRun: 'chatInputChannel' },
				{ name: 'server', chatInputRun: 'chatInputServer' }
			]
		});
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, 'moderation:commands.unlock', (builder) =>
			builder
				.addSubcommand((sub) =>
					localizedCommand(sub, 'moderation:commands.unlock.channel').addChannelOption((option) =>
						localizedOption(option, 'moderation:options.channel').addChannelTypes(...LOCKABLE_CHANNEL_TYPES)
					)
				)
				.addSubcommand((sub) => localizedCommand(sub, 'moderation:commands.unlock.server'))
		);
	}

	/** `/unlock channel`. @throws the service's refusals (`moderation:errors.notLocked`, missing permissions, ...). */
	public async chatInputChannel(interaction: GuildChatInputInteraction) {
		const { t } = await translateInteraction(interaction);
		const channelId = interaction.options.getChannel('channel')?.id ?? interaction.channelId;
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		const result = await this.service.channels.unlock(interaction.guildId, { channelId, moderatorId: interaction.user.id });
		const channel = `<#${channelId}>`;
		const content =
			result.status === 'unlocked' ? t('moderation:answers.unlocked', { number: result.case.number, channel }) : t('moderation:answers.unlockedChannelGone', { channel });
		return interaction.editReply({ content, ...NO_PINGS });
	}

	/** `/unlock server`. @throws UserError `moderation:errors.serverNotLocked` when no channel is locked. */
	public async chatInputServer(interaction: GuildChatInputInteraction) {
		const { t } = await translateInteraction(interaction);
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		const result = await this.service.channels.unlockServer(interaction.guildId, { moderatorId: interaction.user.id });
		const lines = [t('moderation:answers.serverUnlocked', { count: result.unlocked.length })];
		if (result.failed.length > 0) lines.push(t('moderation:answers.serverUnlockFailed', { channels: result.failed.map((id) => `<#${id}>`).join(', ') }));
		return interaction.editReply({ content: fitContent(lines.join('\n')), ...NO_PINGS });
	}
}
