import type { APIEmbed, APIEmbedField } from 'discord.js';
import { answer, currentConfig } from '../../../lib/commands/adminContext.js';
import { formatDuration } from '../../../lib/durations.js';
import type { Translate } from '../../../lib/i18n.js';
import type { TicketsConfig } from '../lib/config.js';
import { ticketStats, type TicketAggregates, type TicketStats } from '../service/stats.js';
import { code, parseDurationSeconds, type TicketsHandler } from './inputs.js';

/**
 * `/tickets stats [period]` (service/stats.ts): the tickets open now, and over the tickets opened in the period
 * (default 30 days, at most a year): how many, how many are closed, the median time to a first staff answer and to
 * close, the average rating; the same per type and per staff member (the claimer). An embed in the guild's language.
 */

/** The period when none is given: 30 days, in seconds. */
export const DEFAULT_PERIOD_SECONDS = 30 * 86_400;

/** Shortest and longest period: 1 hour and 366 days, in seconds. */
const MIN_PERIOD_SECONDS = 3_600;
const MAX_PERIOD_SECONDS = 366 * 86_400;

/** Discord's limit of an embed field's value: 1,024 characters. */
const FIELD_VALUE_MAX = 1_024;

/** Room kept at the end of a field for the "and N more" line. */
const MORE_RESERVE = 60;

/** Lines joined into one field value of at most 1,024 characters; what does not fit is counted in a last line. */
function fitLines(t: Translate, lines: readonly string[]): string {
	const kept: string[] = [];
	let length = 0;
	for (const line of lines) {
		if (length + line.length + 1 > FIELD_VALUE_MAX - MORE_RESERVE) {
			kept.push(t('tickets:stats.more', { count: lines.length - kept.length }));
			break;
		}
		kept.push(line);
		length += line.length + 1;
	}
	return kept.join('\n');
}

/** The aggregates of a set of tickets in words: medians as durations in the guild's language, the rating to two decimals. */
function aggregateValues(t: Translate, locale: string, aggregates: TicketAggregates) {
	const none = t('tickets:stats.none');
	const span = (ms: number | null) => (ms === null ? none : formatDuration(ms, locale));
	const rating =
		aggregates.averageRating === null
			? none
			: t('tickets:stats.rating', { average: new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(aggregates.averageRating), count: aggregates.ratings });
	return { opened: aggregates.opened, closed: aggregates.closed, firstReply: span(aggregates.medianFirstReplyMs), toClose: span(aggregates.medianCloseMs), rating };
}

/** The stats as an embed: totals in the description, one field per type and one per staff member. */
export function statsEmbed(t: Translate, locale: string, config: TicketsConfig, stats: TicketStats, periodSeconds: number): APIEmbed {
	const total = aggregateValues(t, locale, stats.total);
	const description = [
		t('tickets:stats.openNow', { count: stats.openNow }),
		t('tickets:stats.opened', { count: total.opened, closed: total.closed }),
		t('tickets:stats.firstReply', { duration: total.firstReply }),
		t('tickets:stats.toClose', { duration: total.toClose }),
		t('tickets:stats.ratingLine', { rating: total.rating })
	].join('\n');
	const fields: APIEmbedField[] = [];
	if (stats.perType.length > 0) {
		const lines = stats.perType.map((row) => {
			const values = aggregateValues(t, locale, row);
			const name = config.types.find((type) => type.id === row.typeId)?.name ?? t('tickets:stats.removedType');
			return t('tickets:stats.typeLine', { type: `${code(row.typeId)} ${name}`, openNow: row.openNow, ...values });
		});
		fields.push({ name: t('tickets:stats.perType'), value: fitLines(t, lines) });
	}
	if (stats.perStaff.length > 0) {
		const lines = stats.perStaff.map((row) => t('tickets:stats.staffLine', { member: `<@${row.userId}>`, ...aggregateValues(t, locale, row) }));
		fields.push({ name: t('tickets:stats.perStaff'), value: fitLines(t, lines) });
	}
	return {
		title: t('tickets:stats.title', { period: formatDuration(periodSeconds * 1_000, locale) }),
		description,
		fields,
		footer: { text: t('tickets:stats.footer') },
		color: 0x5865f2,
		timestamp: new Date(stats.until).toISOString()
	};
}

/**
 * `/tickets stats [period]`: see the file's comment.
 * @throws UserError `tickets:admin.errors.badDuration`, `durationRange`.
 */
export const ticketsStats: TicketsHandler = async (context) => {
	const { interaction, t, locale, service } = context;
	const period = interaction.options.getString('period');
	const seconds = period === null ? DEFAULT_PERIOD_SECONDS : parseDurationSeconds(period, { min: MIN_PERIOD_SECONDS, max: MAX_PERIOD_SECONDS }, locale);
	const now = service.ctx.clock.now();
	const stats = await ticketStats(service, interaction.guildId, now - seconds * 1_000, now + 1);
	return answer(context, [], [statsEmbed(t, locale, await currentConfig(context), stats, seconds)]);
};
