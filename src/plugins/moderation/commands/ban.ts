import type { Command } from '@sapphire/framework';
import { PermissionFlagsBits, type SlashCommandBuilder } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { localizedChoices, localizedOption } from '../../../lib/commands/localized.js';
import { BAN_BOUNDS, MAX_DURATION_INPUT, parseDuration } from '../lib/durations.js';
import { ModerationActionCommand } from './_action.js';

/** The choices of `delete-messages`, in seconds (Discord allows 0 to 604,800: 7 days). */
export const DELETE_MESSAGE_CHOICES = { none: 0, hour: 3_600, sixHours: 21_600, day: 86_400, threeDays: 259_200, week: 604_800 } as const;

/**
 * `/ban user [duration] [delete-messages] [reason]`: bans a member or any user by id. With `duration` ("7d", "12h") it
 * is a temporary ban, lifted once at its end by the `moderationUnban` task (across restarts and processes); a later
 * ban or an unban replaces that end. The member is told by DM first when the guild wants it.
 */
export class BanCommand extends ModerationActionCommand {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, options, { name: 'ban', memberPermission: PermissionFlagsBits.BanMembers, target: 'user' });
	}

	protected override addOptions(builder: SlashCommandBuilder): void {
		builder
			.addStringOption((option) => localizedOption(option, 'moderation:options.banDuration').setMaxLength(MAX_DURATION_INPUT))
			.addIntegerOption((option) =>
				localizedOption(option, 'moderation:options.deleteMessages').addChoices(
					...localizedChoices('moderation:choices.deleteMessages', Object.keys(DELETE_MESSAGE_CHOICES) as (keyof typeof DELETE_MESSAGE_CHOICES)[]).map(
						(choice) => ({ ...choice, value: DELETE_MESSAGE_CHOICES[choice.value] })
					)
				)
			);
	}

	/** @throws UserError `moderation:errors.badDuration` / `durationOutOfRange` for a bad duration (nothing done). */
	protected act(interaction: GuildChatInputInteraction, target: { id: string }, reason: string | null, locale: string) {
		const duration = interaction.options.getString('duration');
		const durationMs = duration === null ? null : parseDuration(duration, BAN_BOUNDS, locale);
		const deleteMessageSeconds = interaction.options.getInteger('delete-messages') ?? 0;
		return this.service.ban(interaction.guildId, { targetId: target.id, moderatorId: interaction.user.id, reason, durationMs, deleteMessageSeconds });
	}
}
