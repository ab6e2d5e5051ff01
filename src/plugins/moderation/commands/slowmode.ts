import type { Command } from '@sapphire/framework';
import { MessageFlags, PermissionFlagsBits } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { localizedOption } from '../../../lib/commands/localized.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import { formatDuration, MAX_DURATION_INPUT } from '../lib/durations.js';
import { parseSlowmode, SLOWMODE_CHANNEL_TYPES } from '../lib/slowmode.js';
import { NO_PINGS } from '../views/answers.js';

/**
 * `/slowmode duration [channel]` (Manage Channels): how long members wait between two messages in a channel (this one
 * by default), 0 ("off", "0") to 6 hours, Discord's limit; parsed by lib/durations.ts ("10s", "5m", "1h 30m").
 * Answers the new value (service/ChannelTools.ts `setSlowmode`).
 */
export class SlowmodeCommand extends PluginCommand<'moderation'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'slowmode', plugin: 'moderation', memberPermission: PermissionFlagsBits.ManageChannels });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, 'moderation:commands.slowmode', (builder) =>
			builder
				.addStringOption((option) => localizedOption(option, 'moderation:options.slowmodeDuration').setRequired(true).setMaxLength(MAX_DURATION_INPUT))
				.addChannelOption((option) => localizedOption(option, 'moderation:options.channel').addChannelTypes(...SLOWMODE_CHANNEL_TYPES))
		);
	}

	/** @throws UserError `moderation:errors.badDuration` / `durationOutOfRange`, and the service's refusals. */
	protected override async runCommand(interaction: GuildChatInputInteraction) {
		const { locale, t } = await translateInteraction(interaction);
		const offWords = t('moderation:channels.offWords')
			.split(',')
			.map((word) => word.trim().toLocaleLowerCase(locale))
			.filter(Boolean);
		// Parsed before deferring: a typo is answered at once and nothing changes.
		const seconds = parseSlowmode(interaction.options.getString('duration', true), locale, offWords);
		const channelId = interaction.options.getChannel('channel')?.id ?? interaction.channelId;
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		await this.service.channels.setSlowmode(interaction.guildId, { channelId, moderatorId: interaction.user.id, seconds });
		const channel = `<#${channelId}>`;
		const content = seconds === 0 ? t('moderation:answers.slowmodeOff', { channel }) : t('moderation:answers.slowmodeSet', { channel, duration: formatDuration(seconds * 1_000, locale) });
		return interaction.editReply({ content, ...NO_PINGS });
	}
}
