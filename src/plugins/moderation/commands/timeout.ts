import type { Command } from '@sapphire/framework';
import { PermissionFlagsBits, type SlashCommandBuilder } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { localizedOption } from '../../../lib/commands/localized.js';
import { MAX_DURATION_INPUT, parseDuration, TIMEOUT_BOUNDS } from '../lib/durations.js';
import { ModerationActionCommand } from './_action.js';

/** `/timeout member duration [reason]`: Discord's own timeout, 1 s to 28 days ("1h", "2d 12h", "90m"). */
export class TimeoutCommand extends ModerationActionCommand {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, options, { name: 'timeout', memberPermission: PermissionFlagsBits.ModerateMembers, target: 'member' });
	}

	protected override addOptions(builder: SlashCommandBuilder): void {
		builder.addStringOption((option) => localizedOption(option, 'moderation:options.timeoutDuration').setRequired(true).setMaxLength(MAX_DURATION_INPUT));
	}

	/** @throws UserError `moderation:errors.badDuration` / `durationOutOfRange` (nothing done). */
	protected act(interaction: GuildChatInputInteraction, target: { id: string }, reason: string | null, locale: string) {
		const durationMs = parseDuration(interaction.options.getString('duration', true), TIMEOUT_BOUNDS, locale);
		const until = this.service.ctx.clock.now() + durationMs;
		return this.service.timeout(interaction.guildId, { targetId: target.id, moderatorId: interaction.user.id, reason, until });
	}
}
