/**
 * Helpers of the tickets plugin's closing tests (close, close requests, reopen, auto-close, feedback): the real bot
 * (startTestBot, ManualClock) on the Discord emulator, with open tickets made the way the opening part makes them —
 * the row numbered under the counter's lock (`store.insertOpening`), a channel (with the opener's and staff's
 * overwrites) or private thread created by the bot through Discord's REST API, the row marked open, the channel
 * registered in the Redis index, a welcome message with a Close button, and the auto-close job armed — so that these
 * tests do not depend on the panels and the open path.
 */
import type { DiscordEmulator, GuildHandle, MemberView, MessageView } from '@hearth/discord-emulator';
import { ChannelType, PermissionFlagsBits, type APIMessage } from 'discord-api-types/v10';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, OverwriteType, type TextChannel } from 'discord.js';
import { vi } from 'vitest';
import type { ManualClock } from '../../../src/lib/clock.js';
import type { TicketMode } from '../../../src/plugins/tickets/entities/Ticket.js';
import { ticketsConfigSchema, ticketTypeSchema } from '../../../src/plugins/tickets/lib/config.js';
import * as store from '../../../src/plugins/tickets/service/store.js';
import type { TicketRecord } from '../../../src/plugins/tickets/service/store.js';
import type { TicketService } from '../../../src/plugins/tickets/service/TicketService.js';
import { ticketCustomId } from '../../../src/plugins/tickets/views/customIds.js';
import type { TestBot } from '../../helpers/testBot.js';
import { slashCommand, type CommandOptions } from '../moderation/e2eHelpers.js';

export { ticketsService } from './e2eHelpers.js';

/** The world a closing test works in: the guild, its staff role and members, and the channels tickets use. */
export interface TicketWorld {
	guild: GuildHandle;
	staffRoleId: string;
	staff: MemberView;
	/** A member with Manage Server and no staff role (admins act as staff). */
	admin: MemberView;
	/** The category of channel-mode tickets. */
	categoryId: string;
	/** The channel holding thread-mode tickets. */
	threadParentId: string;
	transcriptChannelId: string;
	staffLogChannelId: string;
}

/** Builds the guild of a closing test: a staff role, a staff member, an admin, the category and channels. */
export function createTicketWorld(emu: DiscordEmulator, name = 'Tickets'): TicketWorld {
	const guild = emu.world.createGuild({ name });
	const staffRole = guild.createRole({ name: 'Support staff' });
	const staff = guild.addMember({ username: 'staffer', roles: [staffRole.id] });
	const admin = guild.addMember({ username: 'admin', permissions: PermissionFlagsBits.ManageGuild });
	const category = guild.createChannel({ name: 'Tickets', type: ChannelType.GuildCategory });
	const threadParent = guild.createChannel({ name: 'support', type: ChannelType.GuildText });
	const staffOnly = [
		{ id: guild.everyoneRoleId, type: 0 as const, deny: PermissionFlagsBits.ViewChannel },
		{ id: staffRole.id, type: 0 as const, allow: PermissionFlagsBits.ViewChannel },
		{ id: guild.botRoleId, type: 0 as const, allow: PermissionFlagsBits.ViewChannel }
	];
	const transcripts = guild.createChannel({ name: 'transcripts', type: ChannelType.GuildText, permissionOverwrites: staffOnly });
	const staffLog = guild.createChannel({ name: 'staff-log', type: ChannelType.GuildText, permissionOverwrites: staffOnly });
	return {
		guild,
		staffRoleId: staffRole.id,
		staff,
		admin,
		categoryId: category.id,
		threadParentId: threadParent.id,
		transcriptChannelId: transcripts.id,
		staffLogChannelId: staffLog.id
	};
}

/** What the tests change in the config (the rest keeps its default). */
export type ConfigChange = Partial<Omit<ReturnType<typeof ticketsConfigSchema.parse>, 'types' | 'panels'>>;

/**
 * Turns the plugin on and writes a config with two types, `support` (channel mode, in the world's category) and
 * `report` (thread mode, in the world's support channel), both handled by the staff role, the transcript and staff
 * log channels, and `change`.
 */
export async function configureTickets(bot: TestBot, world: TicketWorld, service: TicketService, change: ConfigChange = {}): Promise<void> {
	await bot.handle.settings.setPluginEnabled(world.guild.id, 'tickets', true);
	const types = [
		ticketTypeSchema.parse({ id: 'support', name: 'Support', mode: 'channel', categoryId: world.categoryId, staffRoleIds: [world.staffRoleId], maxOpenPerMember: 50 }),
		ticketTypeSchema.parse({ id: 'report', name: 'Report', mode: 'thread', channelId: world.threadParentId, staffRoleIds: [world.staffRoleId], maxOpenPerMember: 50 })
	];
	await service.ctx.updateConfig(world.guild.id, () => ({
		types,
		transcriptChannelId: world.transcriptChannelId,
		staffLogChannelId: world.staffLogChannelId,
		...change
	}));
}

/** An open ticket made by {@link openTestTicket}: its row, and its welcome message (with the Close button). */
export interface TestTicket {
	ticket: TicketRecord;
	channelId: string;
	welcomeId: string;
}

/**
 * Opens a ticket of `opener` as the opening part does (see the file's comment): channel mode (`support`) or thread mode
 * (`report`), with a welcome message carrying the Close button, registered in the Redis index, auto-close armed.
 */
export async function openTestTicket(bot: TestBot, world: TicketWorld, service: TicketService, clock: ManualClock, opener: MemberView, mode: TicketMode = 'channel'): Promise<TestTicket> {
	const { guild } = world;
	const parentId = mode === 'channel' ? world.categoryId : world.threadParentId;
	const opening = await service.ctx
		.em()
		.transactional((tx) =>
			store.insertOpening(
				tx,
				{ guildId: guild.id, typeId: mode === 'channel' ? 'support' : 'report', mode, parentId, openerId: opener.id, answers: [], now: clock.now() },
				{ maxOpenPerMember: 50, maxOpenTotal: null, cooldownSeconds: 0 }
			)
		);
	const client = bot.handle.client;
	const discordGuild = await client.guilds.fetch(guild.id);
	const botId = client.user!.id;
	let channel: { id: string; send: TextChannel['send'] };
	if (mode === 'channel') {
		const writer = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.AttachFiles;
		channel = await discordGuild.channels.create({
			name: `ticket-${opening.number}`,
			type: ChannelType.GuildText,
			parent: world.categoryId,
			permissionOverwrites: [
				{ id: guild.everyoneRoleId, type: OverwriteType.Role, deny: [PermissionFlagsBits.ViewChannel] },
				{ id: opener.id, type: OverwriteType.Member, allow: [writer] },
				{ id: world.staffRoleId, type: OverwriteType.Role, allow: [writer] },
				{ id: botId, type: OverwriteType.Member, allow: [writer | PermissionFlagsBits.ManageChannels | PermissionFlagsBits.ManageRoles] }
			]
		});
	} else {
		const parent = (await client.channels.fetch(world.threadParentId)) as TextChannel;
		const thread = await parent.threads.create({ name: `ticket-${opening.number}`, type: ChannelType.PrivateThread, invitable: false });
		await thread.members.add(opener.id);
		channel = thread;
	}
	const ticket = (await store.markOpen(service.ctx.em(), opening.id, channel.id, parentId))!;
	await service.activity.register(channel.id, ticket.id);
	const welcome = await channel.send({
		content: `Ticket #${ticket.number} of <@${opener.id}>`,
		components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(ticketCustomId('close', ticket.id)).setStyle(ButtonStyle.Danger).setLabel('Close'))],
		allowedMentions: { parse: [] }
	});
	await service.closing.armAutoClose(guild.id, ticket.id);
	return { ticket, channelId: channel.id, welcomeId: welcome.id };
}

/** `/ticket <subcommand>` as `actor` inside a ticket's channel or thread; what the actor finally sees. */
export function ticketCommand(emu: DiscordEmulator, world: TicketWorld, actor: { id: string }, channelId: string, subcommand: string, options: CommandOptions = {}): Promise<MessageView> {
	return slashCommand(emu, world.guild, actor, 'ticket', options, { subcommand, channelId });
}

/** A member presses a button of a message in `channelId` (a DM channel: no guild); resolves to the interaction. */
export function press(emu: DiscordEmulator, where: { guildId?: string; channelId: string }, userId: string, messageId: string, customId: string) {
	return emu.interactions.button({ ...(where.guildId ? { guildId: where.guildId } : {}), channelId: where.channelId, userId, messageId, customId });
}

/** The ticket's row as it is now. */
export async function ticketNow(service: TicketService, ticketId: number): Promise<TicketRecord> {
	const ticket = await store.findById(service.ctx.em(), ticketId);
	if (!ticket) throw new Error(`ticket ${ticketId} is gone`);
	return ticket;
}

/** Waits until the ticket's row passes `check` (a task runs after the clock moves); returns it then. */
export function waitForTicket(service: TicketService, ticketId: number, check: (ticket: TicketRecord) => boolean, what: string, timeoutMs = 15_000): Promise<TicketRecord> {
	return vi.waitFor(
		async () => {
			const ticket = await ticketNow(service, ticketId);
			if (!check(ticket)) throw new Error(`ticket ${ticketId}: not ${what} yet (${JSON.stringify({ status: ticket.status, closedAt: ticket.closedAt, channelDeletedAt: ticket.channelDeletedAt, transcriptUrl: ticket.transcriptUrl })})`);
			return ticket;
		},
		{ timeout: timeoutMs, interval: 25 }
	);
}

/** Waits for a message of the bot in `channelId` whose content passes `check`; returns it. */
export function waitForBotMessage(emu: DiscordEmulator, channelId: string, check: (message: APIMessage) => boolean, what: string, timeoutMs = 15_000): Promise<APIMessage> {
	return vi.waitFor(
		() => {
			const found = emu.messages.in(channelId).find((message) => message.author.id === emu.bot.id && check(message));
			if (!found) throw new Error(`no ${what} in channel ${channelId} yet`);
			return found;
		},
		{ timeout: timeoutMs, interval: 25 }
	);
}

/** The bot's messages in a channel whose content passes `check`. */
export function botMessages(emu: DiscordEmulator, channelId: string, check: (message: APIMessage) => boolean = () => true): APIMessage[] {
	return emu.messages.in(channelId).filter((message) => message.author.id === emu.bot.id && check(message));
}

/** The custom ids of a message's components (action rows of buttons). */
export function customIdsOf(message: { components?: unknown[] }): string[] {
	const ids: string[] = [];
	for (const row of (message.components ?? []) as { components?: { custom_id?: string }[] }[]) {
		for (const component of row.components ?? []) if (component.custom_id) ids.push(component.custom_id);
	}
	return ids;
}

/** A channel's permission overwrite for `id` as the emulator holds it (allow and deny as bigints), or null. */
export function overwriteOf(world: TicketWorld, channelId: string, id: string): { allow: bigint; deny: bigint } | null {
	const channel = world.guild.channel(channelId) as { permission_overwrites?: { id: string; allow: string; deny: string }[] } | undefined;
	const entry = channel?.permission_overwrites?.find((overwrite) => overwrite.id === id);
	return entry ? { allow: BigInt(entry.allow), deny: BigInt(entry.deny) } : null;
}

/** A thread's `thread_metadata` as the emulator holds it, or null when it is not a thread (or gone). */
export function threadState(world: TicketWorld, threadId: string): { archived: boolean; locked: boolean } | null {
	const channel = world.guild.channel(threadId) as { thread_metadata?: { archived: boolean; locked?: boolean } } | undefined;
	return channel?.thread_metadata ? { archived: channel.thread_metadata.archived, locked: channel.thread_metadata.locked ?? false } : null;
}
