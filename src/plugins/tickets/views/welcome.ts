import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import { buildCustomId } from '../../../lib/customId.js';
import type { Translate } from '../../../lib/i18n.js';
import { TICKETS_PLUGIN_NAME, type TicketsConfig } from '../lib/config.js';
import { formatTicketNumber } from '../lib/naming.js';
import type { TicketRecord } from '../service/store.js';
import { TICKET_ACTIONS } from './customIds.js';

/**
 * The welcome message of a new ticket (issue 10), in the guild's language: the opener and the type's ping roles
 * mentioned (the only pings), an embed with the ticket's number, type and description, the answers to the type's
 * questions, and the buttons Claim (`tickets:claim:<ticket id>`) and Close (`tickets:close:<ticket id>`).
 *
 * Discord allows 6,000 characters of embeds per message (and 10 embeds): each answer is its own embed (its label as
 * title, the answer, up to 4,000 characters, as description), and answers that do not fit in the first message
 * follow in more messages, so that no answer is ever cut.
 */

type TypeConfig = TicketsConfig['types'][number];

/** Discord's limits: characters of all embeds of a message, embeds per message, an embed title's characters. */
const EMBEDS_TOTAL_MAX = 6_000;
const EMBEDS_PER_MESSAGE = 10;
const TITLE_MAX = 256;
const DESCRIPTION_MAX = 4_096;

/** Characters Discord counts in an embed (title, description, field names and values, footer, author). */
function embedLength(embed: APIEmbed): number {
	return (
		(embed.title?.length ?? 0) +
		(embed.description?.length ?? 0) +
		(embed.footer?.text.length ?? 0) +
		(embed.author?.name.length ?? 0) +
		(embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0)
	);
}

/** The Claim and Close buttons of a ticket's welcome message. */
export function welcomeButtons(t: Translate, ticketId: number): APIActionRowComponent<APIButtonComponent> {
	return {
		type: ComponentType.ActionRow,
		components: [
			{ type: ComponentType.Button, style: ButtonStyle.Primary, label: t('tickets:welcome.claim'), emoji: { name: '🙋' }, custom_id: buildCustomId(TICKETS_PLUGIN_NAME, TICKET_ACTIONS.claim, ticketId) },
			{ type: ComponentType.Button, style: ButtonStyle.Danger, label: t('tickets:welcome.close'), emoji: { name: '🔒' }, custom_id: buildCustomId(TICKETS_PLUGIN_NAME, TICKET_ACTIONS.close, ticketId) }
		]
	};
}

/** One message of the welcome: what `channel.send` takes. */
export interface WelcomePart {
	content?: string;
	embeds: APIEmbed[];
	components: APIActionRowComponent<APIButtonComponent>[];
	allowedMentions: { users?: string[]; roles?: string[]; parse: never[] };
}

/**
 * The welcome message, and the messages that carry the answers that did not fit in it (usually none).
 * @param type the ticket's type (null when it was removed since: a repaired open at start-up).
 */
export function welcomeMessages(t: Translate, ticket: TicketRecord, type: TypeConfig | null): WelcomePart[] {
	const number = formatTicketNumber(ticket.number);
	const typeName = type?.name ?? ticket.typeId;
	const pingRoleIds = type?.pingRoleIds ?? [];
	const intro = [type?.description, t('tickets:welcome.intro')].filter(Boolean).join('\n\n');
	const main: APIEmbed = {
		title: t('tickets:welcome.title', { number, type: typeName }).slice(0, TITLE_MAX),
		description: intro.slice(0, DESCRIPTION_MAX),
		color: 0x5865f2,
		fields: [
			{ name: t('tickets:welcome.openedBy'), value: `<@${ticket.openerId}>`, inline: true },
			{ name: t('tickets:welcome.type'), value: typeName, inline: true }
		],
		timestamp: new Date(ticket.createdAt).toISOString()
	};
	const answerEmbeds: APIEmbed[] = ticket.answers.map((answer) => ({
		title: answer.label.slice(0, TITLE_MAX),
		description: (answer.value || t('tickets:welcome.noAnswer')).slice(0, DESCRIPTION_MAX),
		color: 0x2b2d31
	}));
	const parts: WelcomePart[] = [
		{
			content: [`<@${ticket.openerId}>`, ...pingRoleIds.map((id) => `<@&${id}>`)].join(' '),
			embeds: [main],
			components: [welcomeButtons(t, ticket.id)],
			allowedMentions: { users: [ticket.openerId], roles: [...pingRoleIds], parse: [] }
		}
	];
	for (const embed of answerEmbeds) {
		const current = parts.at(-1)!;
		const used = current.embeds.reduce((sum, each) => sum + embedLength(each), 0);
		if (current.embeds.length < EMBEDS_PER_MESSAGE && used + embedLength(embed) <= EMBEDS_TOTAL_MAX) current.embeds.push(embed);
		else parts.push({ embeds: [embed], components: [], allowedMentions: { parse: [] } });
	}
	return parts;
}
