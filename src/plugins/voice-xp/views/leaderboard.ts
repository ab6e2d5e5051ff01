import type { EntityManager } from '@mikro-orm/postgresql';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type APIEmbed } from 'discord.js';
import { buildCustomId, matchCustomId } from '../../../lib/customId.js';
import type { Translate } from '../../../lib/i18n.js';
import { medalFor } from '../lib/format.js';
import type { RankIndex } from '../lib/rankings.js';
import { getLeaderboardPage, type LeaderboardPage } from '../lib/stats.js';
import { formatDuration, formatNumber, mention } from './common.js';

/**
 * Plugin and action of the leaderboard's page buttons: custom id `voice-xp:leaderboard-page:<page>:<prev|next>`
 * (convention: src/lib/customId.ts). The `prev`/`next` tag keeps the two buttons' ids distinct when they target the
 * same page (a single page: both point at page 1), as Discord requires within a message.
 */
export const LEADERBOARD_PAGE_BUTTON = { plugin: 'voice-xp', action: 'leaderboard-page' } as const;

/** Parses a page button's custom id: the target page, or null when it is not one (or the page is not a whole number ≥ 1). */
export function parseLeaderboardButton(customId: string): number | null {
	const args = matchCustomId(customId, LEADERBOARD_PAGE_BUTTON.plugin, LEADERBOARD_PAGE_BUTTON.action);
	if (!args || !/^\d+$/.test(args[0] ?? '')) return null;
	const page = Number(args[0]);
	return Number.isSafeInteger(page) && page >= 1 ? page : null;
}

/** A leaderboard message: its embed and the previous/next buttons. */
export interface LeaderboardMessage {
	embeds: APIEmbed[];
	components: ActionRowBuilder<ButtonBuilder>[];
	page: LeaderboardPage;
}

/**
 * One page of the guild's leaderboard as a message (issue 4): ten members a page in the ranking order (XP, then user id;
 * lib/stats.ts), read from the guild's Redis ranking set when given (lib/rankings.ts), 🥇🥈🥉 for the first three, and buttons to the previous and next pages (disabled at the ends).
 * The buttons' custom ids carry the target page (and, to stay unique, a `prev`/`next` tag): {@link LEADERBOARD_PAGE_BUTTON}.
 */
export async function leaderboardMessage(
	em: EntityManager,
	guildId: string,
	requestedPage: number,
	t: Translate,
	locale: string,
	rankings?: RankIndex
): Promise<LeaderboardMessage> {
	const page = rankings ? await rankings.page(guildId, requestedPage) : await getLeaderboardPage(em, guildId, requestedPage);
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
	// A plain API embed rather than EmbedBuilder, whose shapeshift validation is costly (see views/rank.ts).
	const embed: APIEmbed = {
		title: t('voice-xp:leaderboard.title'),
		description: lines.length ? lines.join('\n') : t('voice-xp:leaderboard.empty'),
		footer: { text: t('voice-xp:leaderboard.footer', { page: n(page.page), pages: n(page.pageCount), members: n(page.memberCount) }) }
	};
	const previous = new ButtonBuilder()
		.setCustomId(buildCustomId(LEADERBOARD_PAGE_BUTTON.plugin, LEADERBOARD_PAGE_BUTTON.action, Math.max(1, page.page - 1), 'prev'))
		.setLabel(t('voice-xp:leaderboard.previous'))
		.setStyle(ButtonStyle.Secondary)
		.setDisabled(page.page <= 1);
	const next = new ButtonBuilder()
		.setCustomId(buildCustomId(LEADERBOARD_PAGE_BUTTON.plugin, LEADERBOARD_PAGE_BUTTON.action, Math.min(page.pageCount, page.page + 1), 'next'))
		.setLabel(t('voice-xp:leaderboard.next'))
		.setStyle(ButtonStyle.Secondary)
		.setDisabled(page.page >= page.pageCount);
	return { embeds: [embed], components: [new ActionRowBuilder<ButtonBuilder>().addComponents(previous, next)], page };
}
