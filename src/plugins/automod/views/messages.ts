import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed, type Message } from 'discord.js';
import { buildCustomId, matchCustomId } from '../../../lib/customId.js';
import type { Translate } from '../../../lib/i18n.js';
import { formatDuration } from '../../moderation/lib/durations.js';
import { MAX_REASON_LENGTH } from '../../moderation/service/ModerationService.js';
import type { StrikeThreshold } from '../lib/config.js';
import type { Hit } from '../lib/evaluate.js';

/**
 * What the automod writes, translated in the guild's language: the member's notice and DM, case reasons, the alert
 * to moderators and its buttons. User text (the message, what matched) is only ever an interpolated value.
 */

/** Longest piece of matched text quoted back, in characters (a reason holds 512 in all). */
const MAX_QUOTE = 60;

/** Longest message content shown in an alert, in characters (an embed field holds 1,024). */
const MAX_ALERT_CONTENT = 1_000;

/** The timeout an alert's button gives: one hour (3,600 seconds). */
export const ALERT_TIMEOUT_SECONDS = 3_600;

/** What an alert button does. */
export type AlertAction = 'timeout' | 'ban' | 'dismiss';

/** Cuts user text to `limit` characters (code points), marking the cut. */
function quote(text: string, limit = MAX_QUOTE): string {
	const chars = [...text];
	return chars.length <= limit ? text : `${chars.slice(0, limit - 1).join('')}…`;
}

/** One broken filter in words: "word filter: matched “x” (entry *x*)". */
export function describeHit(t: Translate, hit: Hit, locale: string): string {
	const detail = hit.detail;
	const seconds = (value: number) => formatDuration(value * 1_000, locale);
	let text: string;
	switch (detail.kind) {
		case 'words':
			text = t('automod:details.words', { matched: quote(detail.matched), entry: detail.entry });
			break;
		case 'regex':
			text = t('automod:details.regex', { matched: quote(detail.matched), pattern: quote(detail.pattern) });
			break;
		case 'invites':
			text = t('automod:details.invites', { codes: detail.codes.join(', ') });
			break;
		case 'links':
			text = t('automod:details.links', { host: detail.host });
			break;
		case 'everyone':
			text = t('automod:details.everyone');
			break;
		case 'rate':
		case 'duplicates':
			text = t(`automod:details.${detail.kind}`, { count: detail.count, limit: detail.limit, seconds: seconds(detail.seconds) });
			break;
		default:
			text = t(`automod:details.${detail.kind}`, { count: detail.count, limit: detail.limit });
	}
	return t('automod:hit', { filter: t(`automod:filters.${hit.filter}`), detail: text });
}

/** Every broken filter in words, one per line. */
export function describeHits(t: Translate, hits: readonly Hit[], locale: string): string[] {
	return hits.map((hit) => describeHit(t, hit, locale));
}

/** The notice posted in the channel, mentioning the author (deleted after the guild's `noticeSeconds`). */
export function noticeText(t: Translate, hits: readonly Hit[], userId: string, deleted: boolean): string {
	const filters = hits.map((hit) => t(`automod:filters.${hit.filter}`)).join(', ');
	return deleted ? t('automod:notice.deleted', { user: `<@${userId}>`, filters }) : t('automod:notice.kept', { user: `<@${userId}>`, filters });
}

/** The DM to the author. */
export function dmText(t: Translate, hits: readonly Hit[], guildName: string, locale: string): string {
	return t('automod:dm', { guild: guildName, reasons: describeHits(t, hits, locale).join('; ') });
}

/** The reason of a case made by a filter's own punishment (at most 512 characters, moderation's limit). */
export function caseReason(t: Translate, hits: readonly Hit[], locale: string): string {
	return quote(t('automod:reasons.filter', { reasons: describeHits(t, hits, locale).join('; ') }), MAX_REASON_LENGTH);
}

/** The reason of a case made by a strike threshold. */
export function strikeReason(t: Translate, threshold: StrikeThreshold, locale: string): string {
	return t('automod:reasons.strikes', { points: threshold.points, window: formatDuration(threshold.windowSeconds * 1_000, locale) });
}

/** The reason of a case recording an execution of a native AutoMod rule. */
export function nativeReason(t: Translate, rule: string, keyword: string | null, _locale: string): string {
	const text = keyword ? t('automod:reasons.nativeKeyword', { rule: quote(rule, 100), keyword: quote(keyword) }) : t('automod:reasons.native', { rule: quote(rule, 100) });
	return quote(text, MAX_REASON_LENGTH);
}

/** Reads an alert button's custom id (`automod:alert:<action>:<userId>`, built in {@link alertMessage}), or null when it is not one. */
export function parseAlertButton(customId: string): { action: AlertAction; userId: string } | null {
	const args = matchCustomId(customId, 'automod', 'alert');
	if (!args || args.length !== 2) return null;
	const [action, userId] = args as [string, string];
	if (action !== 'timeout' && action !== 'ban' && action !== 'dismiss') return null;
	return /^\d{17,20}$/.test(userId) ? { action, userId } : null;
}

/** What the alert shows. */
export interface AlertInput {
	message: Message<true>;
	decision: { userId: string; hits: readonly Hit[]; newAccount: boolean };
	deleted: boolean;
	details: readonly string[];
}

/**
 * The alert to moderators: who, where, why, the message's content (as sent; "deleted" when it was), a jump link
 * when the message is still there, and buttons to time the member out for an hour, ban them, or dismiss the alert.
 * Mentions in it never ping (the sender passes `allowedMentions: { parse: [] }`).
 */
export function alertMessage(t: Translate, _locale: string, input: AlertInput) {
	const { message, decision } = input;
	const filters = decision.hits.map((hit) => t(`automod:filters.${hit.filter}`)).join(', ');
	const embed: APIEmbed = {
		title: quote(t('automod:alert.title', { filters }), 256),
		color: 0xe67e22,
		description: message.content ? quote(message.content, MAX_ALERT_CONTENT) : t('automod:alert.noContent'),
		fields: [
			{ name: t('automod:alert.member'), value: `<@${decision.userId}> (${decision.userId})${decision.newAccount ? ` · ${t('automod:alert.newAccount')}` : ''}`, inline: true },
			{ name: t('automod:alert.channel'), value: `<#${message.channelId}>`, inline: true },
			{ name: t('automod:alert.reasons'), value: quote(input.details.join('\n'), 1_024) }
		],
		footer: { text: input.deleted ? t('automod:alert.deleted') : t('automod:alert.kept') },
		timestamp: new Date(message.createdTimestamp).toISOString()
	};
	const buttons: APIButtonComponent[] = [
		{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: t('automod:alert.timeout'), custom_id: buildCustomId('automod', 'alert', 'timeout', decision.userId) },
		{ type: ComponentType.Button, style: ButtonStyle.Danger, label: t('automod:alert.ban'), custom_id: buildCustomId('automod', 'alert', 'ban', decision.userId) },
		{ type: ComponentType.Button, style: ButtonStyle.Success, label: t('automod:alert.dismiss'), custom_id: buildCustomId('automod', 'alert', 'dismiss', decision.userId) }
	];
	if (!input.deleted) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Link, label: t('automod:alert.jump'), url: message.url });
	const row: APIActionRowComponent<APIButtonComponent> = { type: ComponentType.ActionRow, components: buttons };
	return { embeds: [embed], components: [row], allowedMentions: { parse: [] as never[] } };
}
