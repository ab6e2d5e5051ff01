/**
 * Helpers of the tickets plugin's opening tests (open from a panel, refusals, overflow, inside a ticket, two
 * processes): the real bot (startTestBot, ManualClock) on the Discord emulator. Panels are put in the config directly
 * (`ctx.updateConfig`) and their message posted by the bot's own client, so these tests do not depend on `/tickets`.
 */
import type { DiscordEmulator, EmulatedInteraction, GuildHandle, MessageView } from '@hearth/discord-emulator';
import { ButtonStyle, ComponentType, type APIMessage } from 'discord-api-types/v10';
import type { SendableChannels } from 'discord.js';
import { vi } from 'vitest';
import { buildCustomId } from '../../../src/lib/customId.js';
import { panelSchema, ticketTypeSchema, type TicketsConfig } from '../../../src/plugins/tickets/lib/config.js';
import * as store from '../../../src/plugins/tickets/service/store.js';
import type { TicketRecord } from '../../../src/plugins/tickets/service/store.js';
import type { TicketService } from '../../../src/plugins/tickets/service/TicketService.js';
import type { TestBot } from '../../helpers/testBot.js';
import { finalAnswer, slashCommand, type CommandOptions } from '../moderation/e2eHelpers.js';

/** The tickets plugin's service of a test bot. */
export function service(bot: TestBot): TicketService {
	return bot.handle.pluginHost.service('tickets');
}

/** A ticket type as the config holds it, from the fields given (the schema fills the rest). */
export function ticketType(input: Parameters<typeof ticketTypeSchema.parse>[0]): TicketsConfig['types'][number] {
	return ticketTypeSchema.parse(input);
}

/** A panel as the config holds it. */
export function panel(input: Parameters<typeof panelSchema.parse>[0]): TicketsConfig['panels'][number] {
	return panelSchema.parse(input);
}

/** Turns the plugin on in a guild and writes `patch` into its config (atomically, as `/tickets` would). */
export async function configure(bot: TestBot, guildId: string, patch: Partial<Record<keyof TicketsConfig, unknown>>): Promise<TicketsConfig> {
	await bot.handle.settings.setPluginEnabled(guildId, 'tickets', true);
	return service(bot).ctx.updateConfig(guildId, () => patch as never);
}

/**
 * Posts a panel's message as the bot (its own client): one button per type (`tickets:open:<panel>:<type>`), or a
 * select menu (`tickets:open-select:<panel>`) when `select`. Returns the message id.
 */
export async function postPanel(bot: TestBot, channelId: string, panelId: string, typeIds: readonly string[], select = false): Promise<string> {
	const channel = (await bot.handle.client.channels.fetch(channelId)) as SendableChannels;
	const components = select
		? [
				{
					type: ComponentType.ActionRow,
					components: [
						{
							type: ComponentType.StringSelect,
							custom_id: buildCustomId('tickets', 'open-select', panelId),
							options: typeIds.map((id) => ({ label: id, value: id }))
						}
					]
				}
			]
		: [
				{
					type: ComponentType.ActionRow,
					components: typeIds.map((id) => ({ type: ComponentType.Button, style: ButtonStyle.Primary, label: id, custom_id: buildCustomId('tickets', 'open', panelId, id) }))
				}
			];
	const message = await channel.send({ content: 'Open a ticket', components: components as never });
	return message.id;
}

/** Where a panel is: its channel and message. */
export interface PostedPanel {
	guildId: string;
	channelId: string;
	messageId: string;
	panelId: string;
}

/** A member presses a panel's button for a type. */
export function pressOpen(emu: DiscordEmulator, where: PostedPanel, userId: string, typeId: string): EmulatedInteraction {
	return emu.interactions.button({ guildId: where.guildId, channelId: where.channelId, userId, messageId: where.messageId, customId: buildCustomId('tickets', 'open', where.panelId, typeId) });
}

/** A member picks a type in a panel's select menu. */
export function selectOpen(emu: DiscordEmulator, where: PostedPanel, userId: string, typeId: string): EmulatedInteraction {
	return emu.interactions.selectMenu({ guildId: where.guildId, channelId: where.channelId, userId, messageId: where.messageId, customId: buildCustomId('tickets', 'open-select', where.panelId), values: [typeId] });
}

/** The text input custom id of question `index`. */
export const answerId = (index: number) => buildCustomId('tickets', 'answer', index);

/** A member submits the questions modal of a type (opened for them before), with values by question index. */
export function submitAnswers(emu: DiscordEmulator, where: PostedPanel, userId: string, typeId: string, values: readonly string[]): EmulatedInteraction {
	const fields = Object.fromEntries(values.map((value, index) => [answerId(index), value]));
	return emu.interactions.modalSubmit({ guildId: where.guildId, channelId: where.channelId, userId, customId: buildCustomId('tickets', 'open-modal', typeId, where.panelId), fields, messageId: where.messageId });
}

/** What the member finally sees of an interaction (a reply, or the edit of a deferred answer, or a follow-up). */
export function seen(handle: EmulatedInteraction, label = 'interaction'): Promise<MessageView> {
	return finalAnswer(handle, label);
}

/**
 * Opens a ticket from a panel as a member would: presses the type's button, answers the modal when one is shown, and
 * returns the final answer with the ticket made (null when refused).
 */
export async function openFromPanel(
	emu: DiscordEmulator,
	bot: TestBot,
	where: PostedPanel,
	userId: string,
	typeId: string,
	answers: readonly string[] = []
): Promise<{ answer: MessageView; ticket: TicketRecord | null }> {
	const press = pressOpen(emu, where, userId, typeId);
	const response = await press.response;
	const handle = response.type === 9 ? submitAnswers(emu, where, userId, typeId, answers) : press;
	const answer = await seen(handle, `open ${typeId}`);
	const channelId = /<#(\d+)>/.exec(answer.content)?.[1];
	const ticket = channelId && answer.content.startsWith('Your ticket is open') ? await service(bot).ticketIn(channelId) : null;
	return { answer, ticket };
}

/** Every ticket row of a guild (any status), by id. */
export async function allTickets(bot: TestBot, guildId: string): Promise<TicketRecord[]> {
	return store.ticketsInStatus(service(bot).ctx.em(), guildId, ['opening', 'open', 'closed'], 100_000);
}

/** `/ticket <subcommand>` as `actor` in `channelId` (a ticket channel or not); what the actor finally sees. */
export function ticketCommand(emu: DiscordEmulator, where: GuildHandle, actor: { id: string }, subcommand: string, channelId: string, options: CommandOptions = {}): Promise<MessageView> {
	return slashCommand(emu, where, actor, 'ticket', options, { subcommand, channelId });
}

/** The bot's messages in a channel, oldest first. */
export function botMessages(emu: DiscordEmulator, where: GuildHandle, channelId: string): APIMessage[] {
	return where.messages(channelId).filter((message) => message.author.id === emu.bot.id);
}

/** Waits until the bot has posted `count` messages in a channel (the staff log); returns them, oldest first. */
export function waitForBotMessages(emu: DiscordEmulator, where: GuildHandle, channelId: string, count: number): Promise<APIMessage[]> {
	return vi.waitFor(
		() => {
			const messages = botMessages(emu, where, channelId);
			if (messages.length < count) throw new Error(`${messages.length} bot message(s) in ${channelId}, waiting for ${count}`);
			return messages;
		},
		{ timeout: 10_000, interval: 20 }
	);
}

/** The buttons of a message's first action row: custom id and label of each. */
export function buttonsOf(message: APIMessage): { customId: string | null; label: string | null }[] {
	const row = message.components?.[0] as { components?: { custom_id?: string; label?: string }[] } | undefined;
	return (row?.components ?? []).map((button) => ({ customId: button.custom_id ?? null, label: button.label ?? null }));
}
