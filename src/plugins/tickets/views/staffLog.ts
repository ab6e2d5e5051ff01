import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed, type APIEmbedField } from 'discord.js';
import { buildCustomId } from '../../../lib/customId.js';
import type { Translate } from '../../../lib/i18n.js';
import { TICKETS_PLUGIN_NAME } from '../lib/config.js';
import { formatTicketNumber } from '../lib/naming.js';
import type { TicketRecord } from '../service/store.js';
import { TICKET_ACTIONS } from './customIds.js';

/**
 * The staff log's entries (service/staffLog.ts): one embed per event of a ticket, in the guild's language, mentions
 * as text only (nobody is pinged). An open entry carries a Claim button (`tickets:claim:<ticket id>`), and for a
 * thread-mode ticket a Join button (`tickets:join:<ticket id>`): staff are not in a private thread until they join or
 * claim.
 */

/** An event of a ticket logged to the staff log. Times are the bot clock's (ms). */
export type TicketLogEvent =
	| { kind: 'open' | 'claim' | 'unclaim' | 'reopen'; ticket: TicketRecord; actorId: string }
	| {
			kind: 'close';
			ticket: TicketRecord;
			/** Who closed it; null when the bot did (auto-close, a close request that ran out). */
			actorId: string | null;
			reason?: string | null;
			/** The transcript message's link, when one was posted. */
			transcriptUrl?: string | null;
	  }
	| { kind: 'add' | 'remove'; ticket: TicketRecord; actorId: string; target: { id: string; role: boolean } };

/** An event's kind. */
export type TicketLogKind = TicketLogEvent['kind'];

/** Colour of each kind's embed: green opens, blue claims, grey unclaims, red closes, orange reopens, purple changes. */
const COLOURS: Record<TicketLogKind, number> = {
	open: 0x57f287,
	claim: 0x5865f2,
	unclaim: 0x95a5a6,
	close: 0xed4245,
	reopen: 0xfaa61a,
	add: 0x9b59b6,
	remove: 0x9b59b6
};

/** Longest reason shown: an embed field value's 1,024 characters. */
const FIELD_MAX = 1_024;

/** The buttons of an open entry: Claim, and Join for a thread-mode ticket. */
export function staffLogButtons(t: Translate, ticket: TicketRecord): APIActionRowComponent<APIButtonComponent> {
	const components: APIButtonComponent[] = [
		{ type: ComponentType.Button, style: ButtonStyle.Primary, label: t('tickets:welcome.claim'), emoji: { name: '🙋' }, custom_id: buildCustomId(TICKETS_PLUGIN_NAME, TICKET_ACTIONS.claim, ticket.id) }
	];
	if (ticket.mode === 'thread') {
		components.push({ type: ComponentType.Button, style: ButtonStyle.Secondary, label: t('tickets:staffLog.join'), emoji: { name: '➕' }, custom_id: buildCustomId(TICKETS_PLUGIN_NAME, TICKET_ACTIONS.join, ticket.id) });
	}
	return { type: ComponentType.ActionRow, components };
}

/**
 * The staff log message of an event: `{ embeds, components, allowedMentions }` for `channel.send`.
 * @param typeName the ticket type's name (its id when the type was removed since).
 * @param now the event's time (bot clock, ms).
 */
export function staffLogMessage(t: Translate, event: TicketLogEvent, typeName: string, now: number) {
	const { ticket } = event;
	const number = formatTicketNumber(ticket.number);
	const fields: APIEmbedField[] = [
		{ name: t('tickets:staffLog.fields.ticket'), value: ticket.channelId ? `<#${ticket.channelId}> (#${number})` : `#${number}`, inline: true },
		{ name: t('tickets:staffLog.fields.type'), value: typeName.slice(0, FIELD_MAX), inline: true },
		{ name: t('tickets:staffLog.fields.opener'), value: `<@${ticket.openerId}>`, inline: true }
	];
	const actor = event.actorId === null ? t('tickets:staffLog.bot') : `<@${event.actorId}>`;
	if (event.kind !== 'open') fields.push({ name: t('tickets:staffLog.fields.by'), value: actor, inline: true });
	if (event.kind === 'add' || event.kind === 'remove') {
		fields.push({ name: t('tickets:staffLog.fields.target'), value: event.target.role ? `<@&${event.target.id}>` : `<@${event.target.id}>`, inline: true });
	}
	if (event.kind === 'close') {
		if (event.reason) fields.push({ name: t('tickets:staffLog.fields.reason'), value: event.reason.slice(0, FIELD_MAX) });
		if (event.transcriptUrl) fields.push({ name: t('tickets:staffLog.fields.transcript'), value: event.transcriptUrl.slice(0, FIELD_MAX) });
	}
	if (ticket.mode === 'thread') fields.push({ name: t('tickets:staffLog.fields.mode'), value: t('tickets:staffLog.threadMode'), inline: true });
	const embed: APIEmbed = {
		title: t(`tickets:staffLog.titles.${event.kind}`, { number }),
		color: COLOURS[event.kind],
		fields,
		timestamp: new Date(now).toISOString()
	};
	const components = event.kind === 'open' ? [staffLogButtons(t, ticket)] : [];
	return { embeds: [embed], components, allowedMentions: { parse: [] as never[] } };
}
