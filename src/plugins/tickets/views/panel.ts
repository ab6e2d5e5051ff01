import {
	ButtonStyle,
	ComponentType,
	type APIActionRowComponent,
	type APIButtonComponent,
	type APIEmbed,
	type APIMessageComponentEmoji,
	type APIStringSelectComponent
} from 'discord.js';
import { buildCustomId } from '../../../lib/customId.js';
import type { Translate } from '../../../lib/i18n.js';
import { PANEL_BUTTONS_MAX, TICKETS_PLUGIN_NAME, type TicketsConfig } from '../lib/config.js';
import { TICKET_ACTIONS } from './customIds.js';

/**
 * A panel's public message (issue 10), in the guild's language: an embed with the panel's title and description (a
 * translated default for either when unset) and one button per ticket type with the type's name and emoji; past
 * {@link PANEL_BUTTONS_MAX} types, one select menu whose options carry the types' names, descriptions and emoji.
 *
 * Custom ids (views/customIds.ts): a button is `tickets:open:<panel id>:<type id>`; the select menu is
 * `tickets:open-select:<panel id>` and an option's value is the type id. The opening side answers both. They are built
 * with `buildCustomId` itself (what `ticketCustomId` does), which tests/core/customIds.test.ts looks for.
 */

type PanelConfig = TicketsConfig['panels'][number];
type TypeConfig = TicketsConfig['types'][number];

/** A custom emoji as stored (`<:name:id>` or `<a:name:id>`). */
const CUSTOM_EMOJI = /^<(a?):(\w{2,32}):(\d{17,20})>$/;

/** A type's emoji as a component emoji (`{ id, name, animated }` for a custom one, `{ name }` for unicode), or undefined. */
export function componentEmoji(emoji: string | null): APIMessageComponentEmoji | undefined {
	if (!emoji) return undefined;
	const custom = CUSTOM_EMOJI.exec(emoji);
	if (custom) return { id: custom[3]!, name: custom[2]!, ...(custom[1] ? { animated: true } : {}) };
	return { name: emoji };
}

/** Limits of a panel's text (Discord's): embed description 4,096; select option label and description 100. */
const EMBED_DESCRIPTION_MAX = 4_096;
const OPTION_TEXT_MAX = 100;

/**
 * The panel's types in its order, those no longer configured left out (a type cannot be removed while a panel
 * shows it, admin/types.ts; this is the render's own safety).
 */
export function panelTypes(panel: PanelConfig, types: readonly TypeConfig[]): TypeConfig[] {
	return panel.typeIds.flatMap((id) => types.filter((type) => type.id === id));
}

/**
 * The panel message: `{ embeds, components, allowedMentions }` for `channel.send` or `messages.edit`. Mentions in the
 * panel's text never ping.
 * @param t translations in the guild's language.
 * @param panel the panel (its id goes in the custom ids).
 * @param types the guild's ticket types (the panel's are picked in the panel's order).
 */
export function panelMessage(t: Translate, panel: PanelConfig, types: readonly TypeConfig[]) {
	const shown = panelTypes(panel, types);
	const useButtons = shown.length <= PANEL_BUTTONS_MAX;
	const lines = [panel.description ?? t('tickets:panel.defaultDescription')];
	if (useButtons) {
		// Buttons cannot carry a type's description: the embed lists the ones that have one.
		const described = shown.filter((type) => type.description);
		if (described.length > 0) lines.push('', ...described.map((type) => `${type.emoji ? `${type.emoji} ` : ''}**${type.name}**: ${type.description}`));
	}
	const embed: APIEmbed = {
		title: panel.title ?? t('tickets:panel.defaultTitle'),
		description: lines.join('\n').slice(0, EMBED_DESCRIPTION_MAX),
		color: 0x5865f2
	};
	const components: APIActionRowComponent<APIButtonComponent | APIStringSelectComponent>[] = [];
	if (shown.length > 0 && useButtons) {
		components.push({
			type: ComponentType.ActionRow,
			components: shown.map((type): APIButtonComponent => {
				const emoji = componentEmoji(type.emoji);
				return {
					type: ComponentType.Button,
					style: ButtonStyle.Primary,
					label: type.name,
					custom_id: buildCustomId(TICKETS_PLUGIN_NAME, TICKET_ACTIONS.open, panel.id, type.id),
					...(emoji ? { emoji } : {})
				};
			})
		});
	} else if (shown.length > 0) {
		components.push({
			type: ComponentType.ActionRow,
			components: [
				{
					type: ComponentType.StringSelect,
					custom_id: buildCustomId(TICKETS_PLUGIN_NAME, TICKET_ACTIONS.openSelect, panel.id),
					placeholder: t('tickets:panel.selectPlaceholder'),
					min_values: 1,
					max_values: 1,
					options: shown.map((type) => {
						const emoji = componentEmoji(type.emoji);
						return {
							label: type.name.slice(0, OPTION_TEXT_MAX),
							value: type.id,
							...(type.description ? { description: type.description.slice(0, OPTION_TEXT_MAX) } : {}),
							...(emoji ? { emoji } : {})
						};
					})
				}
			]
		});
	}
	return { embeds: [embed], components, allowedMentions: { parse: [] as never[] } };
}
