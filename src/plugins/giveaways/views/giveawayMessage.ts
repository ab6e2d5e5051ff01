import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import { buildCustomId, matchCustomId } from '../../../lib/customId.js';
import type { Translate } from '../../../lib/i18n.js';
import type { GiveawayRecord } from '../service/store.js';

/**
 * The giveaway's public message and its announcements, in the guild's language. Mentions in them never ping except
 * the winners in an announcement (the sender limits `allowed_mentions` to them).
 */

/** Discord's relative and full timestamp markdown for a time (ms). */
const relative = (ms: number) => `<t:${Math.floor(ms / 1_000)}:R>`;
const full = (ms: number) => `<t:${Math.floor(ms / 1_000)}:f>`;

/** The buttons of the giveaway plugin and what they carry (src/lib/customId.ts). */
export type GiveawayButton = 'enter' | 'leave' | 'claim';

/** Reads a giveaway button's custom id (`giveaways:<action>:<number>`), or null. */
export function parseGiveawayButton(customId: string, action: GiveawayButton): { number: number } | null {
	const args = matchCustomId(customId, 'giveaways', action);
	if (!args || args.length !== 1 || !/^\d{1,9}$/.test(args[0]!)) return null;
	return { number: Number(args[0]) };
}

/** The requirement lines of a giveaway, for its message. */
function requirementLines(t: Translate, record: GiveawayRecord): string[] {
	const r = record.requirements;
	const lines: string[] = [];
	if (r.requiredRoleIds.length > 0) {
		const roles = r.requiredRoleIds.map((id) => `<@&${id}>`).join(', ');
		lines.push(r.requireAllRoles ? t('giveaways:message.requiresAllRoles', { roles }) : t('giveaways:message.requiresAnyRole', { roles }));
	}
	if (r.forbiddenRoleIds.length > 0) lines.push(t('giveaways:message.forbiddenRoles', { roles: r.forbiddenRoleIds.map((id) => `<@&${id}>`).join(', ') }));
	if (r.minVoiceLevel !== null) lines.push(t('giveaways:message.voiceLevel', { level: r.minVoiceLevel }));
	if (r.minAccountAgeSeconds > 0) lines.push(t('giveaways:message.accountAge', { days: Math.ceil(r.minAccountAgeSeconds / 86_400) }));
	if (r.minMemberAgeSeconds > 0) lines.push(t('giveaways:message.memberAge', { days: Math.ceil(r.minMemberAgeSeconds / 86_400) }));
	for (const bonus of record.bonus) lines.push(t('giveaways:message.bonus', { role: `<@&${bonus.roleId}>`, entries: bonus.entries }));
	return lines;
}

/** The winners of every round, latest winners of replaced places left out. */
export function currentWinners(record: GiveawayRecord): string[] {
	const winners = record.rounds.flatMap((round) => round.winners);
	return winners.filter((id) => !record.claims[id]?.replaced);
}

/**
 * The giveaway message: prize, description, end, winners count, host, entries, requirements, the commitment (the
 * SHA-256 of the secret, lib/draw.ts), and the Enter button while entries are open; the winners once ended.
 */
export function giveawayMessage(t: Translate, record: GiveawayRecord, entries: number) {
	const lines: string[] = [];
	if (record.description) lines.push(record.description, '');
	if (record.status === 'running') lines.push(t('giveaways:message.endsAt', { relative: relative(record.endsAt), date: full(record.endsAt) }));
	else if (record.status === 'paused') lines.push(t('giveaways:message.paused'));
	else if (record.status === 'cancelled') lines.push(t('giveaways:message.cancelled'));
	else {
		const winners = currentWinners(record);
		lines.push(winners.length > 0 ? t('giveaways:message.winners', { winners: winners.map((id) => `<@${id}>`).join(', ') }) : t('giveaways:message.noWinners'));
	}
	lines.push(t('giveaways:message.winnerCount', { count: record.winnerCount }), t('giveaways:message.host', { host: `<@${record.hostId}>` }), t('giveaways:message.entries', { count: entries }));
	const requirements = requirementLines(t, record);
	if (requirements.length > 0) lines.push('', t('giveaways:message.requirements'), ...requirements.map((line) => `• ${line}`));
	const embed: APIEmbed = {
		title: record.prize.slice(0, 256),
		description: lines.join('\n').slice(0, 4_096),
		color: record.status === 'ended' ? 0x95a5a6 : record.status === 'cancelled' ? 0xe74c3c : 0x5865f2,
		footer: { text: t('giveaways:message.footer', { number: record.number, commitment: record.commitment }).slice(0, 2_048) },
		timestamp: new Date(record.status === 'ended' && record.endedAt ? record.endedAt : record.endsAt).toISOString()
	};
	const open = record.status === 'running' || record.status === 'paused';
	const components: APIActionRowComponent<APIButtonComponent>[] = open
		? [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Primary, label: t('giveaways:buttons.enter'), emoji: { name: '🎉' }, custom_id: buildCustomId('giveaways', 'enter', record.number) }] }]
		: [];
	return { embeds: [embed], components, allowedMentions: { parse: [] as never[] } };
}

/** The Leave button offered to a member who pressed Enter again. */
export function leaveButton(t: Translate, number: number): APIActionRowComponent<APIButtonComponent> {
	return { type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Danger, label: t('giveaways:buttons.leave'), custom_id: buildCustomId('giveaways', 'leave', number) }] };
}

/** The Claim button of an announcement with a claim time. */
export function claimButton(t: Translate, number: number): APIActionRowComponent<APIButtonComponent> {
	return { type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Success, label: t('giveaways:buttons.claim'), custom_id: buildCustomId('giveaways', 'claim', number) }] };
}
