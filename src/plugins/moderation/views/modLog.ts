import { EmbedBuilder, type APIEmbed, type APIEmbedField } from 'discord.js';
import type { Translate } from '../../../lib/i18n.js';
import type { CaseType } from '../entities/ModerationCase.js';
import { formatDuration } from '../lib/durations.js';
import type { CaseRecord } from '../service/caseStore.js';

/**
 * The mod-log embed of a case (issue 8: "one embed per case, edited when its reason is amended or the case ends"),
 * in the guild's language. Users and channels are shown as mentions with their ids (mentions in embeds never ping);
 * times as Discord timestamps, which every reader sees in their own time zone.
 */

/** Embed colour per case type: removals red, temporary measures orange, lifted measures green, records grey. */
const COLORS: Record<CaseType, number> = {
	warn: 0xf1c40f,
	timeout: 0xe67e22,
	untimeout: 0x2ecc71,
	kick: 0xe74c3c,
	ban: 0xc0392b,
	softban: 0xe74c3c,
	unban: 0x2ecc71,
	note: 0x95a5a6,
	lockdown: 0xe67e22,
	unlock: 0x2ecc71
};

/** Colour of a case that no longer applies (deleted, pardoned). */
const MUTED_COLOR = 0x7f8c8d;

/** Discord's limit on an embed field's value: 1,024 characters. */
const FIELD_VALUE_LIMIT = 1_024;

/** `<t:seconds:f> (<t:seconds:R>)`: a date and how far it is from now, in each reader's time zone and language. */
export function discordTime(ms: number): string {
	const seconds = Math.floor(ms / 1_000);
	return `<t:${seconds}:f> (<t:${seconds}:R>)`;
}

const userLine = (id: string) => `<@${id}> (${id})`;
const fit = (text: string) => (text.length <= FIELD_VALUE_LIMIT ? text : `${text.slice(0, FIELD_VALUE_LIMIT - 1)}…`);

/**
 * The embed of a case.
 * @param record the case as stored now.
 * @param t the guild's translation function; @param locale its language (durations).
 */
export function modLogEmbed(record: CaseRecord, t: Translate, locale: string): APIEmbed {
	const channelCase = record.type === 'lockdown' || record.type === 'unlock';
	const fields: APIEmbedField[] = [
		{
			name: channelCase ? t('moderation:modLog.channel') : t('moderation:modLog.member'),
			value: channelCase ? `<#${record.targetId}> (${record.targetId})` : userLine(record.targetId),
			inline: true
		},
		{ name: t('moderation:modLog.moderator'), value: userLine(record.moderatorId), inline: true },
		{ name: t('moderation:modLog.reason'), value: fit(record.reason ?? t('moderation:modLog.noReason')) }
	];
	if (record.type === 'ban' || record.type === 'timeout' || record.type === 'lockdown') {
		fields.push({
			name: t('moderation:modLog.duration'),
			value: record.durationMs === null ? t('moderation:modLog.permanent') : formatDuration(record.durationMs, locale),
			inline: true
		});
	}
	if (record.endedAt !== null) fields.push({ name: t('moderation:modLog.ended'), value: discordTime(record.endedAt), inline: true });
	else if (record.endsAt !== null) fields.push({ name: t('moderation:modLog.ends'), value: discordTime(record.endsAt), inline: true });
	if (record.type === 'warn') {
		fields.push({
			name: t('moderation:modLog.expires'),
			value: record.expiresAt === null ? t('moderation:modLog.neverExpires') : discordTime(record.expiresAt),
			inline: true
		});
	}
	if (record.source !== 'command') fields.push({ name: t('moderation:modLog.source'), value: t(`moderation:sources.${record.source}`), inline: true });
	if (record.triggeredByCase !== null) {
		fields.push({ name: t('moderation:modLog.triggeredBy'), value: t('moderation:modLog.caseRef', { number: record.triggeredByCase }), inline: true });
	}
	if (record.pardonedAt !== null) {
		fields.push({
			name: t('moderation:modLog.pardoned'),
			value: t('moderation:modLog.pardonedValue', { moderator: record.pardonedBy ? `<@${record.pardonedBy}>` : '?', when: discordTime(record.pardonedAt) })
		});
	}
	if (record.hidden) fields.push({ name: t('moderation:modLog.deleted'), value: t('moderation:modLog.deletedValue') });
	const embed = new EmbedBuilder()
		.setTitle(t('moderation:modLog.title', { number: record.number, type: t(`moderation:types.${record.type}`) }))
		.setColor(record.hidden || record.pardonedAt !== null ? MUTED_COLOR : COLORS[record.type])
		.addFields(fields)
		.setTimestamp(record.createdAt);
	const amendments = record.reasonHistory.length - 1;
	if (amendments > 0) embed.setFooter({ text: t('moderation:modLog.amended', { count: amendments }) });
	return embed.toJSON();
}
