import type { AutocompleteInteraction } from 'discord.js';
import { answer, currentConfig, saveConfig } from '../../../lib/commands/adminContext.js';
import { translatedUserError } from '../../../lib/errors.js';
import { formatPermissions, type Translate } from '../../../lib/i18n.js';
import type { TicketsConfig } from '../lib/config.js';
import { deletePanelMessage, nextPanelId, postPanel, refreshPanel, type PanelRefresh } from '../service/panels.js';
import { code, isClear, parseTypeIds, requirePanel, type TicketsHandler } from './inputs.js';

/**
 * `/tickets panel create | edit | delete | list` (commands/tickets.ts): panels are messages with a button per ticket
 * type (a select menu past five), posted and kept in step with the config by service/panels.ts.
 *
 * - Ids: a panel gets the next free number (`1`, `2`, ...); `edit` and `delete` take it (autocompleted).
 * - Texts: `title` (256 characters) and `description` (4,000 here; `\n` is a new line); `-` in `edit` goes back to
 *   the translated default.
 * - A panel's message deleted by hand is posted again at its next edit (or at an edit of one of its types); a panel
 *   whose channel is gone or closed to the bot is reported in the answer, and `/tickets panel delete` removes it.
 */

/** A panel's description as typed: `\n` (backslash, n) becomes a new line, since slash command options hold one line. */
function multiline(text: string): string {
	return text.replaceAll('\\n', '\n');
}

/** Discord's link to a message, or the channel's mention when there is no message. */
function jumpLink(guildId: string, channelId: string, messageId: string | null): string {
	return messageId ? `https://discord.com/channels/${guildId}/${channelId}/${messageId}` : `<#${channelId}>`;
}

/** One line per panel that could not be shown as configured (the others are fine). */
export function refreshProblems(t: Translate, results: readonly PanelRefresh[]): string[] {
	return results.flatMap((result) => {
		const panel = code(result.panelId);
		const channel = `<#${result.channelId}>`;
		if (result.outcome === 'reposted') return [t('tickets:admin.panels.reposted', { panel, channel })];
		if (result.outcome === 'channel-missing') return [t('tickets:admin.panels.channelMissing', { panel, channel })];
		if (result.outcome === 'no-permission') return [t('tickets:admin.panels.noPermission', { panel, channel, permissions: formatPermissions(t, result.missing) })];
		return [];
	});
}

/**
 * `/tickets panel create channel types [title] [description]`: posts the panel, then saves it (service/panels.ts
 * `postPanel`: nothing is saved when the bot may not post there, and the message is deleted if the save fails).
 * @throws UserError `tickets:admin.errors.noTypesGiven`, `unknownType`, `tooManyPanelTypes`, `panelChannel`,
 *   `panelPermissions`, `panelPostFailed`, `tooManyPanels`, `panelConflict`.
 */
export const panelCreate: TicketsHandler = async (context) => {
	const { interaction, t, service } = context;
	const { options } = interaction;
	const channelId = options.getChannel('channel', true).id;
	const config = await currentConfig(context);
	const typeIds = parseTypeIds(options.getString('types', true), config);
	const title = options.getString('title')?.trim() || null;
	const description = options.getString('description')?.trim() || null;
	const panel = await postPanel(
		service,
		t,
		interaction.guildId,
		{ id: nextPanelId(config), channelId, title, description: description === null ? null : multiline(description), typeIds },
		(change) => saveConfig(context, change)
	);
	return answer(context, [t('tickets:admin.panels.created', { panel: code(panel.id), channel: `<#${panel.channelId}>`, link: jumpLink(interaction.guildId, panel.channelId, panel.messageId) })]);
};

/**
 * `/tickets panel edit id [title] [description] [types]`: saves the change, then shows it on the panel's message
 * (edited, or posted again if it was deleted by hand); a channel the bot cannot reach any more is named in the answer.
 * @throws UserError `tickets:admin.errors.unknownPanel`, `nothingToChange`, `noTypesGiven`, `unknownType`,
 *   `tooManyPanelTypes`.
 */
export const panelEdit: TicketsHandler = async (context) => {
	const { interaction, t, service } = context;
	const { options } = interaction;
	const id = requirePanel(await currentConfig(context), options.getString('id', true)).id;
	const title = options.getString('title');
	const description = options.getString('description');
	const types = options.getString('types');
	if (title === null && description === null && types === null) throw translatedUserError('tickets:admin.errors.nothingToChange');
	const { after } = await saveConfig(context, (current) => {
		const panel = requirePanel(current, id);
		const typeIds = types === null ? panel.typeIds : parseTypeIds(types, current);
		const edited = {
			...panel,
			typeIds,
			...(title === null ? {} : { title: isClear(title) ? null : title.trim() || null }),
			...(description === null ? {} : { description: isClear(description) ? null : multiline(description.trim()) || null })
		};
		return { panels: current.panels.map((candidate) => (candidate.id === id ? edited : candidate)) };
	});
	const panel = requirePanel(after, id);
	const result = await refreshPanel(service, t, interaction.guildId, panel, after);
	const problems = refreshProblems(t, [result]);
	const shown = result.outcome === 'edited' || result.outcome === 'reposted';
	const link = jumpLink(interaction.guildId, panel.channelId, result.outcome === 'reposted' ? requirePanel(await currentConfig(context), id).messageId : panel.messageId);
	return answer(context, [shown ? t('tickets:admin.panels.edited', { panel: code(id), link }) : t('tickets:admin.panels.editedNotShown', { panel: code(id) }), ...problems]);
};

/**
 * `/tickets panel delete id`: removes the panel from the config, then deletes its message (a message the bot may not
 * delete is named in the answer; its buttons then answer that the panel is gone).
 * @throws UserError `tickets:admin.errors.unknownPanel`.
 */
export const panelDelete: TicketsHandler = async (context) => {
	const { interaction, t, service } = context;
	const id = requirePanel(await currentConfig(context), interaction.options.getString('id', true)).id;
	const { before } = await saveConfig(context, (current) => {
		requirePanel(current, id);
		return { panels: current.panels.filter((panel) => panel.id !== id) };
	});
	const panel = requirePanel(before, id);
	const outcome = await deletePanelMessage(service, interaction.guildId, panel);
	const lines = [t('tickets:admin.panels.deleted', { panel: code(id), channel: `<#${panel.channelId}>` })];
	if (outcome === 'no-permission') lines.push(t('tickets:admin.panels.messageKept', { link: jumpLink(interaction.guildId, panel.channelId, panel.messageId) }));
	return answer(context, lines);
};

/** One line describing a panel: id, channel, title, types, link. */
function panelLine(t: Translate, guildId: string, config: TicketsConfig, panel: TicketsConfig['panels'][number]): string {
	const names = panel.typeIds.map((typeId) => config.types.find((type) => type.id === typeId)?.name ?? typeId);
	return t('tickets:admin.panels.line', {
		panel: code(panel.id),
		channel: `<#${panel.channelId}>`,
		title: panel.title ?? t('tickets:panel.defaultTitle'),
		types: names.join(', '),
		link: jumpLink(guildId, panel.channelId, panel.messageId)
	});
}

/** `/tickets panel list`: every panel of the guild, one line each. */
export const panelList: TicketsHandler = async (context) => {
	const { interaction, t } = context;
	const config = await currentConfig(context);
	if (config.panels.length === 0) return answer(context, [t('tickets:admin.panels.none')]);
	return answer(context, [t('tickets:admin.panels.title', { count: config.panels.length }), ...config.panels.map((panel) => panelLine(t, interaction.guildId, config, panel))]);
};

/** Choices for an autocompleted `id` of a panel: the guild's panels whose id, title or channel name contains the text. */
export function panelChoices(interaction: AutocompleteInteraction, config: TicketsConfig, typed: string): { name: string; value: string }[] {
	const needle = typed.trim().toLowerCase();
	return config.panels
		.map((panel) => {
			const channel = interaction.guild?.channels.cache.get(panel.channelId)?.name ?? panel.channelId;
			return { name: `${panel.id} · #${channel}${panel.title ? ` · ${panel.title}` : ''}`.slice(0, 100), value: panel.id };
		})
		.filter((choice) => needle === '' || choice.name.toLowerCase().includes(needle))
		.slice(0, 25);
}

/**
 * Choices for a `types` list being typed ("support, rep"): the text so far completed with each type id that starts
 * with the last word and is not in the list yet.
 */
export function typeListChoices(config: TicketsConfig, typed: string): { name: string; value: string }[] {
	const parts = typed.split(',');
	const last = (parts.pop() ?? '').trim().toLowerCase();
	const chosen = parts.map((part) => part.trim().toLowerCase()).filter(Boolean);
	const prefix = chosen.length > 0 ? `${chosen.join(', ')}, ` : '';
	return config.types
		.filter((type) => !chosen.includes(type.id) && type.id.startsWith(last))
		.slice(0, 25)
		.map((type) => {
			const value = `${prefix}${type.id}`;
			return { name: `${value} (${type.name})`.slice(0, 100), value: value.slice(0, 100) };
		});
}

