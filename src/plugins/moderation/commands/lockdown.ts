import type { Command } from '@sapphire/framework';
import { MessageFlags, PermissionFlagsBits, type SlashCommandSubcommandBuilder } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { localizedCommand, localizedOption } from '../../../lib/commands/localized.js';
import { translateInteraction, type Translate } from '../../../lib/i18n.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import { fitContent } from '../../../lib/replies.js';
import { formatDuration, LOCKDOWN_BOUNDS, MAX_DURATION_INPUT, parseDuration } from '../lib/durations.js';
import { LOCKABLE_CHANNEL_TYPES } from '../lib/lockdown.js';
import type { LockResult, ServerLockResult } from '../service/ChannelTools.js';
import { MAX_REASON_LENGTH } from '../service/ModerationService.js';
import { NO_PINGS } from '../views/answers.js';
import { discordTime } from '../views/modLog.js';

/**
 * `/lockdown channel [channel] [duration] [reason]` and `/lockdown server [duration] [reason]` (Manage Channels):
 * denies @everyone Send Messages, Send Messages in Threads and Create Public/Private Threads in one text or
 * announcement channel (this one by default) or in every one the bot can manage, keeping the other bits of the
 * @everyone overwrite; `/unlock` puts back exactly what was there. Each locked channel is a case; with `duration` the
 * lockdown ends by itself (task `moderationLockdownEnd`). Locking a locked channel is refused
 * (service/ChannelTools.ts).
 */
export class LockdownCommand extends PluginCommand<'moderation'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, {
			...options,
			name: 'lockdown',
			plugin: 'moderation',
			memberPermission: PermissionFlagsBits.ManageChannels,
			subcommands: [
				{ name: 'channel', chatInputRun: 'chatInputChannel' },
				{ name: 'server', chatInputRun: 'chatInputServer' }
			]
		});
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		const durationAndReason = (sub: SlashCommandSubcommandBuilder) =>
			sub
				.addStringOption((option) => localizedOption(option, 'moderation:options.lockdownDuration').setMaxLength(MAX_DURATION_INPUT))
				.addStringOption((option) => localizedOption(option, 'moderation:options.reason').setMaxLength(MAX_REASON_LENGTH));
		this.registerChatInput(registry, 'moderation:commands.lockdown', (builder) =>
			builder
				.addSubcommand((sub) =>
					durationAndReason(
						localizedCommand(sub, 'moderation:commands.lockdown.channel').addChannelOption((option) =>
							localizedOption(option, 'moderation:options.channel').addChannelTypes(...LOCKABLE_CHANNEL_TYPES)
						)
					)
				)
				.addSubcommand((sub) => durationAndReason(localizedCommand(sub, 'moderation:commands.lockdown.server')))
		);
	}

	/** `/lockdown channel`. @throws UserError for a bad duration, and the service's refusals (already locked, ...). */
	public async chatInputChannel(interaction: GuildChatInputInteraction) {
		const { locale, t } = await translateInteraction(interaction);
		const durationMs = readDuration(interaction, locale);
		const channelId = interaction.options.getChannel('channel')?.id ?? interaction.channelId;
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		const result = await this.service.channels.lock(interaction.guildId, {
			channelId,
			moderatorId: interaction.user.id,
			reason: interaction.options.getString('reason'),
			durationMs
		});
		return interaction.editReply({ content: lockAnswer(t, locale, result), ...NO_PINGS });
	}

	/** `/lockdown server`. @throws UserError for a bad duration, `moderation:errors.serverAlreadyLocked`, reason rules. */
	public async chatInputServer(interaction: GuildChatInputInteraction) {
		const { locale, t } = await translateInteraction(interaction);
		const durationMs = readDuration(interaction, locale);
		// One overwrite, one case and one mod-log post per channel: this takes a while.
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		const result = await this.service.channels.lockServer(interaction.guildId, {
			moderatorId: interaction.user.id,
			reason: interaction.options.getString('reason'),
			durationMs
		});
		return interaction.editReply({ content: serverLockAnswer(t, locale, result, durationMs), ...NO_PINGS });
	}
}

/**
 * The `duration` option in ms, or null when not given. Read before deferring: a typo is answered at once.
 * @throws UserError `moderation:errors.badDuration` / `durationOutOfRange` (1 s to 365 days).
 */
function readDuration(interaction: GuildChatInputInteraction, locale: string): number | null {
	const duration = interaction.options.getString('duration');
	return duration === null ? null : parseDuration(duration, LOCKDOWN_BOUNDS, locale);
}

const channelList = (ids: readonly string[]) => ids.map((id) => `<#${id}>`).join(', ');

/** The answer to `/lockdown channel`: the case, the reason, and when it ends by itself. */
export function lockAnswer(t: Translate, locale: string, result: LockResult): string {
	const record = result.case;
	const lines = [
		t('moderation:answers.locked', { number: record.number, channel: `<#${record.targetId}>` }),
		t('moderation:answers.reason', { reason: record.reason ?? t('moderation:modLog.noReason') })
	];
	if (record.endsAt !== null) lines.push(t('moderation:answers.lockedUntil', { duration: formatDuration(record.durationMs ?? 0, locale), until: discordTime(record.endsAt) }));
	if (result.endScheduled === false) lines.push(t('moderation:answers.lockEndNotScheduled'));
	return fitContent(lines.join('\n'));
}

/** The answer to `/lockdown server`: how many were locked, and which were already locked, left out, or refused. */
export function serverLockAnswer(t: Translate, locale: string, result: ServerLockResult, durationMs: number | null): string {
	const lines = [t('moderation:answers.serverLocked', { count: result.locked.length })];
	const endsAt = result.locked[0]?.case.endsAt ?? null;
	if (durationMs !== null && endsAt !== null) lines.push(t('moderation:answers.serverLockedUntil', { duration: formatDuration(durationMs, locale), until: discordTime(endsAt) }));
	if (result.alreadyLocked.length > 0) lines.push(t('moderation:answers.serverAlreadyLocked', { channels: channelList(result.alreadyLocked) }));
	if (result.hidden.length > 0) lines.push(t('moderation:answers.serverLockHidden', { channels: channelList(result.hidden) }));
	if (result.failed.length > 0) lines.push(t('moderation:answers.serverLockFailed', { channels: channelList(result.failed) }));
	if (result.locked.some((locked) => locked.endScheduled === false)) lines.push(t('moderation:answers.lockEndNotScheduled'));
	return fitContent(lines.join('\n'));
}
