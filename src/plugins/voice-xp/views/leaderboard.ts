import type { EntityManager } from '@mikro-orm/postgresql';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from 'discord.js';
import type { Translate } from '../../../lib/i18n.js';
import { medalFor } from '../lib/format.js';
import { getLeaderboardPage, type LeaderboardPage } from '../lib/stats.js';
import { formatDuration, formatNumber, mention } from './common.js';

/** Custom id prefix of the leaderboard's page buttons: `voice-xp-leaderboard:<page>` (Discord: at most 100 characters). */
export const LEADERBOARD_BUTTON_PREFIX = 'voice-xp-leaderboard:';

/** Parses a page button's custom id; null when it is not one. */
export function parseLeaderboardButton(customId: string): number | null {
	if (!customId.startsWith(LEADERBOARD_BUTTON_PREFIX)) return null;
	const page = Number(customId.slice(LEADERBOARD_BUTTON_PREFIX.length).split(':')[0]);
	return Number.isSafeInteger(page) && page >= 1 ? page : null;
}

/** A leaderboard message: its embed and the previous/next buttons. */
export interface LeaderboardMessage {
	embeds: EmbedBuilder[];
	components: ActionRowBuilder<ButtonBuilder>[];
	page: LeaderboardPage;
}

/**
 * One page of the guild's leaderboard as a message (issue 4): ten members a page in the ranking order (XP, then voice
 * time, then user id), 🥇🥈🥉 for the first three, and buttons to the previous and next pages (disabled at the ends).
 * The buttons' custom ids carry the target page (and, to stay unique, a `prev`/`next` tag).
 */
export async function leaderboardMessage(em: EntityManager, guildId: string, requestedPage: number, t: Translate, locale: string): Promise<LeaderboardMessage> {
	const page = await getLeaderboardPage(em, guildId, requestedPage);
	const n = (value: number) => formatNumber(locale, value);
	const lines = page.entries.map((entry) =>
		t('voice-xp:leaderboard.line', {
			rank: medalFor(entry.position) ?? t('voice-xp:leaderboard.position', { position: n(entry.position) }),
			user: mention.user(entry.userId),
			level: n(entry.level),
			xp: n(entry.totalXp),
			time: formatDuration(t, entry.voiceSeconds)
		})
	);
	const embed = new EmbedBuilder()
		.setTitle(t('voice-xp:leaderboard.title'))
		.setDescription(lines.length ? lines.join('\n') : t('voice-xp:leaderboard.empty'))
		.setFooter({ text: t('voice-xp:leaderboard.footer', { page: n(page.page), pages: n(page.pageCount), members: n(page.memberCount) }) });
	const previous = new ButtonBuilder()
		.setCustomId(`${LEADERBOARD_BUTTON_PREFIX}${Math.max(1, page.page - 1)}:prev`)
		.setLabel(t('voice-xp:leaderboard.previous'))
		.setStyle(ButtonStyle.Secondary)
		.setDisabled(page.page <= 1);
	const next = new ButtonBuilder()
		.setCustomId(`${LEADERBOARD_BUTTON_PREFIX}${Math.min(page.pageCount, page.page + 1)}:next`)
		.setLabel(t('voice-xp:leaderboard.next'))
		.setStyle(ButtonStyle.Secondary)
		.setDisabled(page.page >= page.pageCount);
	return { embeds: [embed], components: [new ActionRowBuilder<ButtonBuilder>().addComponents(previous, next)], page };
}
