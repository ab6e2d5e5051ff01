import { Command, CommandOptionsRunTypeEnum } from '@sapphire/framework';
import { applyLocalizedBuilder } from '@sapphire/plugin-i18next';
import { InteractionContextType, MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { countRankedMembers, getMemberStats, getRankPosition } from '../lib/stats.js';
import { voiceXp } from '../service/runtime.js';
import { NO_PINGS } from '../views/common.js';
import { rankEmbed } from '../views/rank.js';

/**
 * `/rank [user]`: a member's voice level, XP (into the level, with a progress bar, and in total), time in voice,
 * position in the guild, and whether they earn XP right now (and if not, why). Everyone may use it; the answer is
 * public, in the guild's language.
 */
export class RankCommand extends Command {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'rank', runIn: CommandOptionsRunTypeEnum.GuildAny });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		registry.registerChatInputCommand((builder) =>
			applyLocalizedBuilder(builder, 'voice-xp:commands.rank.name', 'voice-xp:commands.rank.description')
				.setContexts(InteractionContextType.Guild)
				.addUserOption((option) => applyLocalizedBuilder(option, 'voice-xp:commands.rank.options.user.name', 'voice-xp:commands.rank.options.user.description'))
		);
	}

	public override async chatInputRun(interaction: ChatInputCommandInteraction<'cached' | 'raw'>) {
		const { locale, t } = await translateInteraction(interaction);
		const user = interaction.options.getUser('user') ?? interaction.user;
		if (user.bot) return interaction.reply({ content: t('voice-xp:rank.bot', { name: user.displayName }), flags: MessageFlags.Ephemeral, ...NO_PINGS });
		await interaction.deferReply();
		const member = interaction.options.getMember('user') ?? (user.id === interaction.user.id ? interaction.member : null);
		const name = member && 'displayName' in member ? member.displayName : (member?.nick ?? user.displayName);
		const em = this.container.orm.em.fork();
		const service = voiceXp();
		const [stored, position, rankedCount] = await Promise.all([
			getMemberStats(em, interaction.guildId, user.id),
			getRankPosition(em, interaction.guildId, user.id),
			countRankedMembers(em, interaction.guildId)
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
		return interaction.editReply({ embeds: [embed], ...NO_PINGS });
	}
}
