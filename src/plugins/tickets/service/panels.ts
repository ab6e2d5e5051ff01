import { ChannelType, DiscordAPIError, RESTJSONErrorCodes, type GuildTextBasedChannel, type Message, type PermissionsString } from 'discord.js';
import type { ConfigChange, SavedConfig } from '../../../lib/commands/adminContext.js';
import { translatedUserError } from '../../../lib/errors.js';
import { formatPermissions, type Translate } from '../../../lib/i18n.js';
import { MAX_PANELS, type TicketPanel, type ticketsConfigSchema, type TicketsConfig } from '../lib/config.js';
import { panelMessage } from '../views/panel.js';
import type { TicketService } from './TicketService.js';

/**
 * Panel messages on Discord (issue 10): posting a new panel (the bot's permissions checked first, the config saved only
 * once the message exists, the message deleted again if the save fails: never a panel without its message or the
 * reverse), re-rendering panels after a change (a message deleted by hand is posted again and its new id saved), and
 * deleting a panel's message. The config (lib/config.ts `panels`) is the truth; messages follow it.
 */

/** What the bot needs in a panel's channel: see it, post in it, and show the embed (Embed Links). */
export const PANEL_PERMISSIONS: readonly PermissionsString[] = ['ViewChannel', 'SendMessages', 'EmbedLinks'];

/** Channels a panel can be in: text and announcement channels. */
export const PANEL_CHANNEL_TYPES = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

/** A change of the tickets config saved atomically (src/lib/commands/adminContext.ts `saveConfig` bound to an admin). */
export type TicketsConfigSaver = (change: ConfigChange<typeof ticketsConfigSchema>) => Promise<SavedConfig<typeof ticketsConfigSchema>>;

/** A panel as the config holds it (read-only). */
export type PanelConfig = TicketsConfig['panels'][number];

/** A panel before it is posted: everything but its message. */
export type PanelDraft = Omit<TicketPanel, 'messageId'>;

/** Discord's answers that mean the bot cannot reach or post in a channel. */
const NO_ACCESS = new Set<number | string>([RESTJSONErrorCodes.MissingPermissions, RESTJSONErrorCodes.MissingAccess]);

/** Whether an error is Discord's answer with one of these codes. */
function isDiscordError(error: unknown, codes: ReadonlySet<number | string>): boolean {
	return error instanceof DiscordAPIError && codes.has(error.code);
}

/** The text or announcement channel of the guild the bot knows by this id, or null. */
export function panelChannelOf(service: TicketService, guildId: string, channelId: string): GuildTextBasedChannel | null {
	const channel = service.ctx.client.guilds.cache.get(guildId)?.channels.cache.get(channelId);
	if (!channel || !(PANEL_CHANNEL_TYPES as readonly ChannelType[]).includes(channel.type)) return null;
	return channel as GuildTextBasedChannel;
}

/** The permissions of {@link PANEL_PERMISSIONS} the bot lacks in a channel (all of them when it is not in the guild). */
export function missingPanelPermissions(channel: GuildTextBasedChannel): PermissionsString[] {
	const me = channel.guild.members.me;
	return me ? channel.permissionsFor(me).missing([...PANEL_PERMISSIONS]) : [...PANEL_PERMISSIONS];
}

/**
 * The channel a panel may be posted in: a text or announcement channel of the guild where the bot can View Channel,
 * Send Messages and Embed Links.
 * @param t translations in the guild's language (the refusal names the missing permissions).
 * @throws UserError `tickets:admin.errors.panelChannel` (context: `channel`) for another kind of channel or one the
 *   bot does not know, `tickets:admin.errors.panelPermissions` (context: `channel`, `permissions`).
 */
export function postableChannel(service: TicketService, t: Translate, guildId: string, channelId: string): GuildTextBasedChannel {
	const channel = panelChannelOf(service, guildId, channelId);
	if (!channel) throw translatedUserError('tickets:admin.errors.panelChannel', { channel: `<#${channelId}>` });
	const missing = missingPanelPermissions(channel);
	if (missing.length > 0) throw translatedUserError('tickets:admin.errors.panelPermissions', { channel: `<#${channelId}>`, permissions: formatPermissions(t, missing) });
	return channel;
}

/**
 * Checks a panel against the config it is about to be saved in: its types exist, the guild has room for one more
 * panel (25), and no other panel has its id.
 * @throws UserError `tickets:admin.errors.unknownType` (context: `id`), `tickets:admin.errors.tooManyPanels` (context:
 *   `max`), `tickets:admin.errors.panelConflict`.
 */
function assertPanelFits(config: TicketsConfig, draft: PanelDraft): void {
	const unknown = draft.typeIds.find((id) => !config.types.some((type) => type.id === id));
	if (unknown) throw translatedUserError('tickets:admin.errors.unknownType', { id: `\`${unknown}\`` });
	if (config.panels.some((panel) => panel.id === draft.id)) throw translatedUserError('tickets:admin.errors.panelConflict');
	if (config.panels.length >= MAX_PANELS) throw translatedUserError('tickets:admin.errors.tooManyPanels', { max: MAX_PANELS });
}

/** The id the next panel of a guild gets: one more than the highest numeric panel id (`1`, `2`, ...). */
export function nextPanelId(config: TicketsConfig): string {
	const highest = Math.max(0, ...config.panels.map((panel) => (/^\d{1,6}$/.test(panel.id) ? Number(panel.id) : 0)));
	return String(highest + 1);
}

/**
 * Posts a new panel and saves it: the channel is checked first ({@link postableChannel}: nothing is posted or saved
 * when the bot lacks a permission), the message is posted, then the panel is saved with its `messageId` through
 * `save` (atomic, under the guild's settings lock, rechecking the types, the count and the id there). If the save
 * refuses or fails, the message is deleted again, so no panel message exists without its config, nor the reverse.
 * @param t translations in the guild's language (the panel is public and written in it).
 * @returns the saved panel.
 * @throws UserError of {@link postableChannel} and {@link assertPanelFits}, `tickets:admin.errors.panelPostFailed`
 *   (context: `channel`) when Discord refuses the post for want of access; whatever `save` throws.
 */
export async function postPanel(service: TicketService, t: Translate, guildId: string, draft: PanelDraft, save: TicketsConfigSaver): Promise<TicketPanel> {
	const channel = postableChannel(service, t, guildId, draft.channelId);
	const config = await service.config(guildId);
	assertPanelFits(config, draft);
	let message: Message;
	try {
		message = await channel.send(panelMessage(t, { ...draft, messageId: null }, config.types));
	} catch (error) {
		if (isDiscordError(error, NO_ACCESS)) throw translatedUserError('tickets:admin.errors.panelPostFailed', { channel: `<#${draft.channelId}>` });
		throw error;
	}
	const panel: TicketPanel = { ...draft, messageId: message.id };
	try {
		await save((current) => {
			assertPanelFits(current, draft);
			return { panels: [...current.panels, panel] };
		});
	} catch (error) {
		await message.delete().catch((deleteError: unknown) => service.ctx.logger.warn(`Could not delete panel message ${message.id} after a failed save:`, deleteError));
		throw error;
	}
	return panel;
}

/**
 * What re-rendering one panel did: `edited` (its message now shows the config), `reposted` (its message was deleted
 * by hand, a new one was posted and its id saved), `channel-missing` (its channel is gone or not a text channel),
 * `no-permission` (the bot may not edit or post there: the permissions it lacks in `missing`), `removed` (the panel
 * was deleted meanwhile; nothing posted).
 */
export type PanelRefresh =
	| { panelId: string; channelId: string; outcome: 'edited' | 'reposted' | 'channel-missing' | 'removed' }
	| { panelId: string; channelId: string; outcome: 'no-permission'; missing: PermissionsString[] };

/**
 * Shows a panel's config on its message: edits the message, or, when it was deleted by hand (Discord's Unknown
 * Message) or never posted, posts a new one and saves its id (only if the panel still has the old one; otherwise the
 * new message is deleted again). A channel that is gone or closed to the bot is reported, not repaired: an admin
 * deletes the panel or gives the permissions back and edits it again.
 * @param t translations in the guild's language.
 * @throws Discord's errors other than "unknown message", "unknown channel" and "no access"; the config write's errors.
 */
export async function refreshPanel(service: TicketService, t: Translate, guildId: string, panel: PanelConfig, config: TicketsConfig): Promise<PanelRefresh> {
	const base = { panelId: panel.id, channelId: panel.channelId };
	const channel = panelChannelOf(service, guildId, panel.channelId);
	if (!channel) return { ...base, outcome: 'channel-missing' };
	const payload = panelMessage(t, panel, config.types);
	if (panel.messageId) {
		try {
			await channel.messages.edit(panel.messageId, payload);
			return { ...base, outcome: 'edited' };
		} catch (error) {
			if (isDiscordError(error, NO_ACCESS)) return { ...base, outcome: 'no-permission', missing: missingPanelPermissions(channel) };
			if (isDiscordError(error, new Set([RESTJSONErrorCodes.UnknownChannel]))) return { ...base, outcome: 'channel-missing' };
			if (!isDiscordError(error, new Set([RESTJSONErrorCodes.UnknownMessage]))) throw error;
		}
	}
	const missing = missingPanelPermissions(channel);
	if (missing.length > 0) return { ...base, outcome: 'no-permission', missing };
	const message = await channel.send(payload);
	let kept = false;
	await service.ctx.updateConfig(guildId, (current) => {
		const index = current.panels.findIndex((candidate) => candidate.id === panel.id && candidate.messageId === panel.messageId);
		if (index < 0) return undefined;
		kept = true;
		return { panels: current.panels.map((candidate, at) => (at === index ? { ...candidate, messageId: message.id } : candidate)) };
	});
	if (!kept) {
		await message.delete().catch(() => undefined);
		return { ...base, outcome: 'removed' };
	}
	return { ...base, outcome: 'reposted' };
}

/**
 * Re-renders every panel of the guild that shows one of `typeIds` (after a type's name, emoji or description changed),
 * one after the other. Reads the config as it is now.
 * @returns what happened to each panel, in the config's order.
 */
export async function refreshPanelsShowing(service: TicketService, t: Translate, guildId: string, typeIds: readonly string[]): Promise<PanelRefresh[]> {
	const config = await service.config(guildId);
	const results: PanelRefresh[] = [];
	for (const panel of config.panels) {
		if (panel.typeIds.some((id) => typeIds.includes(id))) results.push(await refreshPanel(service, t, guildId, panel, config));
	}
	return results;
}

/**
 * Deletes a panel's message (after the panel left the config).
 * @returns `deleted`, `already-gone` (the message or its channel no longer exists), or `no-permission` (the message
 *   stays: the bot may not delete it; an admin can delete it by hand, its buttons answer that the panel is gone).
 * @throws Discord's other errors.
 */
export async function deletePanelMessage(service: TicketService, guildId: string, panel: Pick<PanelConfig, 'channelId' | 'messageId'>): Promise<'deleted' | 'already-gone' | 'no-permission'> {
	const channel = panelChannelOf(service, guildId, panel.channelId);
	if (!channel || !panel.messageId) return 'already-gone';
	try {
		await channel.messages.delete(panel.messageId);
		return 'deleted';
	} catch (error) {
		if (isDiscordError(error, new Set([RESTJSONErrorCodes.UnknownMessage, RESTJSONErrorCodes.UnknownChannel]))) return 'already-gone';
		if (isDiscordError(error, NO_ACCESS)) return 'no-permission';
		throw error;
	}
}
