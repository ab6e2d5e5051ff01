import type { Command } from '@sapphire/framework';
import { MessageFlags, PermissionFlagsBits } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { localizedOption } from '../../../lib/commands/localized.js';
import { translateInteraction, type Translate } from '../../../lib/i18n.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import { fitContent } from '../../../lib/replies.js';
import { MAX_PURGE_COUNT, MAX_PURGE_SCAN } from '../lib/purge.js';
import type { PurgeResult } from '../service/ChannelTools.js';
import { NO_PINGS } from '../views/answers.js';

/** Longest `contains` text, in characters (a word or a phrase; our limit). */
const MAX_CONTAINS_LENGTH = 100;

/**
 * `/purge count [member] [contains] [bots-only]` (Manage Messages): deletes the latest `count` (1 to 1,000) messages
 * of this channel that match the filters, sent before the command, in bulk deletes of up to 100; matching messages
 * older than 14 days are left (Discord refuses them) and counted in the answer. Not a case; logged
 * (service/ChannelTools.ts `purge`). The answer is private.
 */
export class PurgeCommand extends PluginCommand<'moderation'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'purge', plugin: 'moderation', memberPermission: PermissionFlagsBits.ManageMessages });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, 'moderation:commands.purge', (builder) =>
			builder
				.addIntegerOption((option) => localizedOption(option, 'moderation:options.purgeCount').setRequired(true).setMinValue(1).setMaxValue(MAX_PURGE_COUNT))
				.addUserOption((option) => localizedOption(option, 'moderation:options.purgeMember'))
				.addStringOption((option) => localizedOption(option, 'moderation:options.contains').setMaxLength(MAX_CONTAINS_LENGTH))
				.addBooleanOption((option) => localizedOption(option, 'moderation:options.botsOnly'))
		);
	}

	/** @throws the service's translated UserErrors (count out of range, missing permissions, Discord's refusal). */
	protected override async runCommand(interaction: GuildChatInputInteraction) {
		const { t } = await translateInteraction(interaction);
		// Up to 10 history pages and 10 bulk deletes: well over Discord's 3 seconds to answer.
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		const result = await this.service.channels.purge(interaction.guildId, {
			channelId: interaction.channelId,
			moderatorId: interaction.user.id,
			count: interaction.options.getInteger('count', true),
			filter: {
				authorId: interaction.options.getUser('member')?.id ?? null,
				contains: interaction.options.getString('contains'),
				botsOnly: interaction.options.getBoolean('bots-only') ?? false
			},
			// Only what was there when the command was given (an interaction's id is a snowflake of that moment).
			before: interaction.id
		});
		return interaction.editReply({ content: purgeAnswer(t, result), ...NO_PINGS });
	}
}

/** The moderator's answer: how many were deleted, how many were too old, and whether the purge stopped early. */
export function purgeAnswer(t: Translate, result: PurgeResult): string {
	const lines = [t('moderation:answers.purged', { count: result.deleted })];
	if (result.skipped > 0) lines.push(t('moderation:answers.purgeSkipped', { count: result.skipped }));
	if (result.scanLimitReached) lines.push(t('moderation:answers.purgeScanLimit', { count: MAX_PURGE_SCAN }));
	if (result.incomplete) lines.push(t('moderation:answers.purgeIncomplete'));
	return fitContent(lines.join('\n'));
}
