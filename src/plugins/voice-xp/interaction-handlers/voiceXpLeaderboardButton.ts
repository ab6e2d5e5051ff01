import { InteractionHandler, InteractionHandlerTypes } from '@sapphire/framework';
import type { ButtonInteraction } from 'discord.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { NO_PINGS } from '../views/common.js';
import { leaderboardMessage, parseLeaderboardButton } from '../views/leaderboard.js';

/**
 * The previous/next buttons under `/leaderboard`: replace the message with the page the button names (clamped to the
 * pages that exist now). Anyone who sees the message may page it.
 */
export class VoiceXpLeaderboardButtonHandler extends InteractionHandler {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public override parse(interaction: ButtonInteraction) {
		const page = interaction.guildId ? parseLeaderboardButton(interaction.customId) : null;
		return page === null ? this.none() : this.some(page);
	}

	public override async run(interaction: ButtonInteraction, page: number) {
		const { locale, t } = await translateInteraction(interaction);
		const message = await leaderboardMessage(this.container.orm.em.fork(), interaction.guildId!, page, t, locale);
		await interaction.update({ embeds: message.embeds, components: message.components, ...NO_PINGS });
	}
}
