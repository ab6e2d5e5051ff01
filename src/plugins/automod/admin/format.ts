import type { Translate } from '../../../lib/i18n.js';
import { formatDuration } from '../../moderation/lib/durations.js';
import type { AutomodConfig, FilterActions, FilterName, Punishment, StrikeThreshold } from '../lib/config.js';

/**
 * How `/automod` writes config values for admins, in the guild's language (keys under `automod:actions`,
 * `automod:filterSettings`, `automod:lists`): a filter's actions in short, a punishment, a strike threshold, a filter's
 * own settings, mentions and quoted entries. Member and admin text only ever goes in as an interpolated value.
 */

/** Mentions as text (answers never ping: src/lib/replies.ts NO_PINGS). */
export const mention = {
	channel: (id: string) => `<#${id}>`,
	role: (id: string) => `<@&${id}>`,
	user: (id: string) => `<@${id}>`
} as const;

/**
 * Text shown as inline code: `` `text` ``. A backtick inside (which would end the code span) is shown as the look-alike
 * modifier letter grave accent (U+02CB), so a word list entry can never break out into markdown.
 */
export function code(text: string): string {
	return `\`${text.replaceAll('`', '\u02CB')}\``;
}

/** A filter's name in the guild's language ("word filter"). */
export function filterName(t: Translate, name: FilterName): string {
	return t(`automod:filters.${name}`);
}

/** A duration given in seconds, for humans in the guild's language ("10 minutes"). */
export function seconds(value: number, locale: string): string {
	return formatDuration(value * 1_000, locale);
}

/**
 * A punishment in short ("timeout 10 minutes", "ban 7 days", "kick"), or null for `none`.
 * @param durationSeconds the timeout's or temporary ban's length (null: a permanent ban; ignored for warn and kick).
 */
export function punishmentText(t: Translate, locale: string, punish: Punishment, durationSeconds: number | null): string | null {
	switch (punish) {
		case 'none':
			return null;
		case 'warn':
			return t('automod:actions.warn');
		case 'kick':
			return t('automod:actions.kick');
		case 'timeout':
			return t('automod:actions.timeout', { duration: durationSeconds === null ? '?' : seconds(durationSeconds, locale) });
		case 'ban':
			return durationSeconds === null ? t('automod:actions.ban') : t('automod:actions.banTemporary', { duration: seconds(durationSeconds, locale) });
	}
}

/** A filter's actions in short: "delete, 1 point, timeout 10 minutes, alert, notice" ("nothing" when it does nothing). */
export function actionsText(t: Translate, locale: string, actions: FilterActions): string {
	const parts = [
		actions.delete ? t('automod:actions.delete') : '',
		actions.points > 0 ? t('automod:actions.points', { points: actions.points }) : '',
		punishmentText(t, locale, actions.punish, actions.durationSeconds) ?? '',
		actions.alert ? t('automod:actions.alert') : '',
		actions.notify === 'notice' ? t('automod:actions.notice') : actions.notify === 'dm' ? t('automod:actions.dm') : ''
	].filter(Boolean);
	return parts.length ? parts.join(', ') : t('automod:actions.nothing');
}

/** A strike threshold: "3 points within 10 minutes → timeout 10 minutes". */
export function thresholdText(t: Translate, locale: string, threshold: StrikeThreshold): string {
	return t('automod:lists.threshold', {
		points: threshold.points,
		window: seconds(threshold.windowSeconds, locale),
		action: punishmentText(t, locale, threshold.action, threshold.durationSeconds) ?? ''
	});
}

/** A filter's own settings in words ("more than 6 messages in 5 seconds, per member across the server"), or null when it has none. */
export function filterSettingsText(t: Translate, locale: string, name: FilterName, config: AutomodConfig): string | null {
	const { filters } = config;
	switch (name) {
		case 'mentions':
			return t('automod:filterSettings.mentions', { limit: filters.mentions.limit });
		case 'lines':
			return t('automod:filterSettings.lines', { limit: filters.lines.max });
		case 'emoji':
			return t('automod:filterSettings.emoji', { limit: filters.emoji.max });
		case 'attachments':
			return t('automod:filterSettings.attachments', { limit: filters.attachments.max });
		case 'caps':
			return t('automod:filterSettings.caps', { percent: filters.caps.percent, letters: filters.caps.minLetters });
		case 'rate':
			return t(`automod:filterSettings.rate_${filters.rate.scope}`, { limit: filters.rate.messages, seconds: seconds(filters.rate.seconds, locale) });
		case 'duplicates':
			return t('automod:filterSettings.duplicates', { limit: filters.duplicates.count, seconds: seconds(filters.duplicates.seconds, locale) });
		case 'links':
			return t(`automod:filterSettings.links_${filters.links.mode}`);
		default:
			return null;
	}
}

/**
 * Lines cut into pages of at most `limit` characters each (joined with newlines), in order; a single line longer than
 * a page is cut. At least one page (empty when there are no lines).
 */
export function pages(lines: readonly string[], limit: number): string[][] {
	const result: string[][] = [[]];
	let size = 0;
	for (const raw of lines) {
		const line = raw.length > limit ? `${raw.slice(0, limit - 1)}…` : raw;
		const current = result.at(-1)!;
		if (current.length > 0 && size + 1 + line.length > limit) {
			result.push([line]);
			size = line.length;
		} else {
			current.push(line);
			size += (current.length > 1 ? 1 : 0) + line.length;
		}
	}
	return result;
}
