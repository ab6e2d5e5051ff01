import { Command, CommandOptionsRunTypeEnum } from '@sapphire/framework';
import { applyLocalizedBuilder } from '@sapphire/plugin-i18next';
import { InteractionContextType, type ChatInputCommandInteraction } from 'discord.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { NO_PINGS } from '../views/common.js';
import { leaderboardMessage } from '../views/leaderboard.js';

/** Highest page number Discord will accept in the option (our own bound: 10,000 pages of ten members). */
const MAX_PAGE = 10_000;

/**
 * `/leaderboard [page]`: the guild's voice XP ranking, ten members a page with 🥇🥈🥉 for the first three, and
 * previous/next buttons (interaction-handlers/voiceXpLeaderboardButton.ts). A page past the end shows the last one.
 */
export class LeaderboardCommand extends Command {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'leaderboard', runIn: CommandOptionsRunTypeEnum.GuildAny });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		registry.registerChatInputCommand((builder) =>
			applyLocalizedBuilder(builder, 'voice-xp:commands.leaderboard.name', 'voice-xp:commands.leaderboard.description')
				.setContexts(InteractionContextType.Guild)
				.addIntegerOption((option) =>
					applyLocalizedBuilder(option, 'voice-xp:commands.leaderboard.options.page.name', 'voice-xp:commands.leaderboard.options.page.description')
						.setMinValue(1)
						.setMaxValue(MAX_PAGE)
				)
		);
	}

	public override async chatInputRun(interaction: ChatInputCommandInteraction<'cached' | 'raw'>) {
		await interaction.deferReply();
		const { locale, t } = await translateInteraction(interaction);
		const page = interaction.options.getInteger('page') ?? 1;
		const message = await leaderboardMessage(this.container.orm.em.fork(), interaction.guildId, page, t, locale);
		return interaction.editReply({ embeds: message.embeds, components: message.components, ...NO_PINGS });
	}
}
