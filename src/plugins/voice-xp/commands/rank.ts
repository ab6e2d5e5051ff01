import type { Command } from '@sapphire/framework';
import { MessageFlags } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { localizedOption } from '../../../lib/commands/localized.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { getMemberStats } from '../lib/stats.js';
import { replyWhenReady } from '../../../lib/commands/replyWhenReady.js';
import { NO_PINGS } from '../views/common.js';
import { rankEmbed } from '../views/rank.js';

/**
 * `/rank [user]`: a member's voice level, XP (into the level, with a progress bar, and in total), time in voice,
 * position in the guild, and whether they earn XP right now (and if not, why). Everyone may use it; the answer is
 * public, in the guild's language.
 */
export class RankCommand extends PluginCommand<'voice-xp'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'rank', plugin: 'voice-xp' });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, 'voice-xp:commands.rank', (builder) =>
			builder.addUserOption((option) => localizedOption(option, 'voice-xp:commands.rank.options.user'))
		);
	}

	protected override async runCommand(interaction: GuildChatInputInteraction) {
		const { locale, t } = await translateInteraction(interaction);
		const user = interaction.options.getUser('user') ?? interaction.user;
		if (user.bot) return interaction.reply({ content: t('voice-xp:rank.bot', { name: user.displayName }), flags: MessageFlags.Ephemeral, ...NO_PINGS });
		const member = interaction.options.getMember('user') ?? (user.id === interaction.user.id ? interaction.member : null);
		const name = member && 'displayName' in member ? member.displayName : (member?.nick ?? user.displayName);
		const em = this.service.ctx.em();
		const service = this.service.sessions;
		const answer = (async () => {
			const [stored, { position, rankedCount }] = await Promise.all([
				getMemberStats(em, interaction.guildId, user.id),
				service.rankings.rank(interaction.guildId, user.id)
			]);
			const { embed } = rankEmbed(t, locale, {
				name,
				avatarUrl: user.displayAvatarURL(),
				stored,
				unflushed: service.unflushed(interaction.guildId, user.id),
				position,
				rankedCount,
				session: service.explain(interaction.guildId, user.id)
			});
			return { embeds: [embed], ...NO_PINGS };
		})();
		// The reply itself when the answer is ready in time (from Redis: milliseconds), deferred otherwise (src/lib/commands/replyWhenReady.ts).
		return replyWhenReady(interaction, answer);
	}
}
