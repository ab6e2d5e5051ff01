import type { Command } from '@sapphire/framework';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { localizedOption } from '../../../lib/commands/localized.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { replyWhenReady } from '../../../lib/commands/replyWhenReady.js';
import { NO_PINGS } from '../views/common.js';
import { leaderboardMessage } from '../views/leaderboard.js';

/** Highest page number Discord will accept in the option (our own bound: 10,000 pages of ten members). */
const MAX_PAGE = 10_000;

/**
 * `/leaderboard [page]`: the guild's voice XP ranking, ten members a page with 🥇🥈🥉 for the first three, and
 * previous/next buttons (interaction-handlers/voiceXpLeaderboardButton.ts). A page past the end shows the last one.
 */
export class LeaderboardCommand extends PluginCommand<'voice-xp'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'leaderboard', plugin: 'voice-xp' });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, 'voice-xp:commands.leaderboard', (builder) =>
			builder.addIntegerOption((option) => localizedOption(option, 'voice-xp:commands.leaderboard.options.page').setMinValue(1).setMaxValue(MAX_PAGE))
		);
	}

	protected override async runCommand(interaction: GuildChatInputInteraction) {
		const { locale, t } = await translateInteraction(interaction);
		const page = interaction.options.getInteger('page') ?? 1;
		const answer = leaderboardMessage(this.service.ctx.em(), interaction.guildId, page, t, locale, this.service.sessions.rankings).then((message) => ({
			embeds: message.embeds,
			components: message.components,
			...NO_PINGS
		}));
		// The reply itself when the page is ready in time (from Redis: milliseconds), deferred otherwise (src/lib/commands/replyWhenReady.ts).
		return replyWhenReady(interaction, answer);
	}
}
