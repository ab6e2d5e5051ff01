import { InteractionHandler, InteractionHandlerTypes } from '@sapphire/framework';
import type { ButtonInteraction, Interaction } from 'discord.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { NO_PINGS } from '../views/common.js';
import { leaderboardMessage, parseLeaderboardButton } from '../views/leaderboard.js';

/**
 * The previous/next buttons under `/leaderboard`: replace the message with the page the button names (clamped to the
 * pages that exist now). Anyone who sees the message may page it. Where voice XP is off, the core answers the
 * "feature is off" notice instead (PluginInteractionHandler).
 */
export class VoiceXpLeaderboardButtonHandler extends PluginInteractionHandler<'voice-xp'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'voice-xp', interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public parseInteraction(interaction: Interaction) {
		const page = interaction.isButton() && interaction.guildId ? parseLeaderboardButton(interaction.customId) : null;
		return page === null ? this.none() : this.some(page);
	}

	public override async run(interaction: ButtonInteraction, page: number) {
		const { locale, t } = await translateInteraction(interaction);
		const message = await leaderboardMessage(this.service.ctx.em(), interaction.guildId!, page, t, locale, this.service.sessions.rankings);
		await interaction.update({ embeds: message.embeds, components: message.components, ...NO_PINGS });
	}
}
