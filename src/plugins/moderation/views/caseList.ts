import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type APIEmbed } from 'discord.js';
import { buildCustomId, matchCustomId } from '../../../lib/customId.js';
import type { Translate } from '../../../lib/i18n.js';
import type { CasePage, CaseRecord, MemberWarnings } from '../service/ModerationService.js';
import { userMention } from './answers.js';

/** Discord's limit on an embed's description: 4,096 characters. */
const DESCRIPTION_LIMIT = 4_096;
/** Longest reason shown in a list line (the full reason is in `/case view`). */
const LIST_REASON_LENGTH = 80;

/** The custom-id action of the history page buttons: `moderation:cases-page:<userId>:<page>`. */
export const CASES_PAGE_ACTION = 'cases-page';

const cut = (text: string, length: number) => (text.length <= length ? text : `${text.slice(0, length - 1)}…`);
const shortTime = (ms: number) => `<t:${Math.floor(ms / 1_000)}:d>`;

/** One line of a list: `#12 · Ban · 3/4/2026 · reason`. */
export function caseLine(t: Translate, record: CaseRecord): string {
	const reason = cut(record.reason ?? t('moderation:modLog.noReason'), LIST_REASON_LENGTH);
	return t('moderation:lists.line', { number: record.number, type: t(`moderation:types.${record.type}`), when: shortTime(record.createdAt), reason });
}

/**
 * `/cases member` and the "Moderation history" menu: one page of a member's cases, newest first, with previous/next
 * buttons when there is more than one page.
 */
export function casesMessage(t: Translate, userId: string, page: CasePage): { embeds: APIEmbed[]; components: ActionRowBuilder<ButtonBuilder>[] } {
	const lines = page.cases.map((record) => caseLine(t, record));
	const embed: APIEmbed = {
		title: t('moderation:lists.casesTitle', { total: page.total }),
		description: cut([userMention(userId), '', ...(lines.length ? lines : [t('moderation:lists.none')])].join('\n'), DESCRIPTION_LIMIT),
		footer: { text: t('moderation:lists.page', { page: page.page, pages: page.pageCount }) }
	};
	if (page.pageCount <= 1) return { embeds: [embed], components: [] };
	const button = (target: number, key: 'previous' | 'next', disabled: boolean) =>
		new ButtonBuilder()
			.setCustomId(buildCustomId('moderation', CASES_PAGE_ACTION, userId, target, key))
			.setLabel(t(`moderation:lists.${key}`))
			.setStyle(ButtonStyle.Secondary)
			.setDisabled(disabled);
	const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
		button(page.page - 1, 'previous', page.page <= 1),
		button(page.page + 1, 'next', page.page >= page.pageCount)
	);
	return { embeds: [embed], components: [row] };
}

/** Reads a history page button's custom id: the member and the page, or null when it is not one. */
export function parseCasesButton(customId: string): { userId: string; page: number } | null {
	const args = matchCustomId(customId, 'moderation', CASES_PAGE_ACTION);
	if (!args || args.length < 2) return null;
	const page = Number(args[1]);
	return /^\d{17,20}$/.test(args[0]!) && Number.isSafeInteger(page) && page >= 1 ? { userId: args[0]!, page } : null;
}

/** `/warnings member`: the warnings that count now, those past their lifetime, and the pardoned ones. */
export function warningsEmbed(t: Translate, userId: string, warnings: MemberWarnings): APIEmbed {
	const section = (key: 'active' | 'expired' | 'pardoned', records: readonly CaseRecord[]) =>
		[t(`moderation:lists.warnings_${key}`, { count: records.length }), ...records.map((record) => caseLine(t, record))].join('\n');
	return {
		title: t('moderation:lists.warningsTitle', { count: warnings.active.length }),
		description: cut(
			[userMention(userId), '', section('active', warnings.active), '', section('expired', warnings.expired), '', section('pardoned', warnings.pardoned)].join('\n'),
			DESCRIPTION_LIMIT
		)
	};
}
