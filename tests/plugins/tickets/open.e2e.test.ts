/**
 * Opening tickets from a panel (issue 10), the real bot on the Discord emulator with a ManualClock: the questions
 * modal (labels, styles, limits), the answers in the welcome message, a private text channel in the type's category
 * seen by the opener and the staff roles only (channel mode) or a private thread the opener is added to (thread mode,
 * staff join from the staff log's Join button), the staff log entry, the Redis index; then every refusal, each answered
 * ephemerally with what is wrong and leaving nothing behind (no row, no channel): blocked member, blocked role,
 * missing required role, member limit, total limit, cooldown (with the time left), the bot missing a permission in the
 * category or the thread channel, a deleted category or channel, answers a forged submission sends outside their
 * limits; and two quick clicks giving one ticket.
 */
import { DiscordEmulator, type GuildHandle, type MemberView } from '@hearth/discord-emulator';
import { ChannelType, ComponentType, PermissionFlagsBits, type APITextChannel, type APIThreadChannel } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { ticketsPlugin } from '../../../src/plugins/tickets/index.js';
import * as store from '../../../src/plugins/tickets/service/store.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { generalChannelId, mutations, START } from '../moderation/e2eHelpers.js';
import {
	allTickets,
	botMessages,
	buttonsOf,
	configure,
	openFromPanel,
	panel,
	postPanel,
	pressOpen,
	seen,
	selectOpen,
	service,
	submitAnswers,
	ticketType,
	waitForBotMessages,
	type PostedPanel
} from './openHelpers.js';

const P = PermissionFlagsBits;

let emu: DiscordEmulator;
let bot: TestBot;
let clock: ManualClock;
let guild: GuildHandle;
const roles = {} as Record<'staff' | 'blocked' | 'verified' | 'ping', string>;
let staffer: MemberView;
let categoryId: string;
let threadParentId: string;
let staffLogId: string;
let where: PostedPanel;
let memberCount = 0;

/** A new member (with these roles), so that each test starts without open tickets or cooldowns. */
function newMember(memberRoles: string[] = []): MemberView {
	return guild.addMember({ username: `member${++memberCount}`, roles: memberRoles });
}

const SUPPORT_QUESTIONS = [
	{ label: 'What happened?', style: 'paragraph', required: true, minLength: 10, maxLength: 200, placeholder: 'Tell us everything' },
	{ label: 'Order number', style: 'short', required: false, maxLength: 20 }
];

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	guild = emu.world.createGuild({ name: 'Support server' });
	roles.staff = guild.createRole({ name: 'Support' }).id;
	roles.blocked = guild.createRole({ name: 'Troublemakers' }).id;
	roles.verified = guild.createRole({ name: 'Verified' }).id;
	roles.ping = guild.createRole({ name: 'On call' }).id;
	staffer = guild.addMember({ username: 'staffer', roles: [roles.staff] });
	categoryId = guild.createChannel({ name: 'Tickets', type: ChannelType.GuildCategory }).id;
	threadParentId = guild.createChannel({ name: 'support', type: ChannelType.GuildText }).id;
	staffLogId = guild.createChannel({ name: 'staff-log', type: ChannelType.GuildText }).id;
	clock = new ManualClock(START);
	bot = await startTestBot({ emulator: emu, plugins: [ticketsPlugin], clock });
	await configure(bot, guild.id, {
		types: [
			ticketType({ id: 'support', name: 'Support', description: 'Help with an order', categoryId, staffRoleIds: [roles.staff], pingRoleIds: [roles.ping], questions: SUPPORT_QUESTIONS }),
			ticketType({ id: 'appeal', name: 'Appeal', mode: 'thread', channelId: threadParentId, staffRoleIds: [roles.staff], questions: [{ label: 'Why should we lift it?', style: 'paragraph' }] }),
			ticketType({ id: 'quick', name: 'Quick', categoryId, staffRoleIds: [roles.staff], requiredRoleIds: [roles.verified] }),
			ticketType({ id: 'busy', name: 'Busy', categoryId, maxOpenTotal: 1 }),
			ticketType({ id: 'slow', name: 'Slow', categoryId, cooldownSeconds: 3_600 })
		],
		panels: [panel({ id: 'main', channelId: generalChannelId(guild), typeIds: ['support', 'appeal', 'quick', 'busy', 'slow'] })],
		staffLogChannelId: staffLogId
	});
	const messageId = await postPanel(bot, generalChannelId(guild), 'main', ['support', 'appeal', 'quick', 'busy', 'slow']);
	where = { guildId: guild.id, channelId: generalChannelId(guild), messageId, panelId: 'main' };
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

/** Everything a refusal must leave as it was: the guild's tickets, its channels, the bot's changes on Discord. */
async function state() {
	return { tickets: (await allTickets(bot, guild.id)).map((ticket) => [ticket.id, ticket.status]), channels: guild.channels.length, mutations: mutations(emu) };
}

/** Runs a refused open and checks the answer (ephemeral, that text) and that nothing changed. */
async function refused(run: () => Promise<{ content: string; ephemeral: boolean }>, expected: string): Promise<void> {
	const before = await state();
	const answer = await run();
	expect(answer.ephemeral).toBe(true);
	expect(answer.content).toBe(expected);
	expect(await state()).toEqual(before);
}

describe('channel mode, from a panel with questions', () => {
	it('shows the modal, opens a private channel in the category, welcomes with the answers, logs it to the staff log', async () => {
		const alice = newMember();
		const press = pressOpen(emu, where, alice.id, 'support');
		const response = await press.response;
		expect(response.type).toBe(9);
		const modal = press.modal as { custom_id: string; title: string; components: { type: number; label: string; component: Record<string, unknown> }[] };
		expect(modal.custom_id).toBe('tickets:open-modal:support:main');
		expect(modal.title).toBe('Open a ticket: Support');
		expect(modal.components.map((row) => [row.type, row.label])).toEqual([
			[ComponentType.Label, 'What happened?'],
			[ComponentType.Label, 'Order number']
		]);
		expect(modal.components[0]!.component).toMatchObject({ type: ComponentType.TextInput, custom_id: 'tickets:answer:0', style: 2, required: true, min_length: 10, max_length: 200, placeholder: 'Tell us everything' });
		expect(modal.components[1]!.component).toMatchObject({ custom_id: 'tickets:answer:1', style: 1, required: false, max_length: 20 });

		const answer = await seen(submitAnswers(emu, where, alice.id, 'support', ['My parcel never arrived.', '  A-1234 ']));
		expect(answer.ephemeral).toBe(true);
		const channelId = /^Your ticket is open: <#(\d+)>$/.exec(answer.content)?.[1];
		expect(channelId).toBeDefined();
		const ticket = (await service(bot).ticketIn(channelId!))!;
		expect(ticket).toMatchObject({ status: 'open', mode: 'channel', typeId: 'support', openerId: alice.id, parentId: categoryId, number: 1 });
		expect(ticket.answers).toEqual([
			{ label: 'What happened?', value: 'My parcel never arrived.' },
			{ label: 'Order number', value: 'A-1234' }
		]);

		const channel = guild.channel(channelId!) as APITextChannel;
		expect(channel).toMatchObject({ name: `0001-${alice.user.username}`, type: ChannelType.GuildText, parent_id: categoryId });
		expect(guild.canView(alice.id, channelId!)).toBe(true);
		expect(guild.canView(staffer.id, channelId!)).toBe(true);
		expect(guild.canView(newMember().id, channelId!)).toBe(false);
		const overwrites = new Map(channel.permission_overwrites!.map((overwrite) => [overwrite.id, overwrite]));
		expect(BigInt(overwrites.get(guild.everyoneRoleId)!.deny) & P.ViewChannel).toBe(P.ViewChannel);
		const writer = P.ViewChannel | P.SendMessages | P.ReadMessageHistory | P.AttachFiles | P.EmbedLinks;
		expect(BigInt(overwrites.get(alice.id)!.allow)).toBe(writer);
		expect(BigInt(overwrites.get(roles.staff)!.allow)).toBe(writer);
		expect(BigInt(overwrites.get(emu.bot.id)!.allow) & (writer | P.ManageChannels | P.ManageRoles)).toBe(writer | P.ManageChannels | P.ManageRoles);

		const [welcome] = botMessages(emu, guild, channelId!);
		expect(welcome!.id).toBe(ticket.welcomeMessageId);
		expect(welcome!.content).toBe(`<@${alice.id}> <@&${roles.ping}>`);
		expect(welcome!.embeds[0]).toMatchObject({ title: 'Ticket #0001: Support' });
		expect(welcome!.embeds[0]!.description).toContain('Help with an order');
		expect(welcome!.embeds.slice(1).map((embed) => [embed.title, embed.description])).toEqual([
			['What happened?', 'My parcel never arrived.'],
			['Order number', 'A-1234']
		]);
		expect(buttonsOf(welcome!)).toEqual([
			{ customId: `tickets:claim:${ticket.id}`, label: 'Claim' },
			{ customId: `tickets:close:${ticket.id}`, label: 'Close' }
		]);

		const [log] = await waitForBotMessages(emu, guild, staffLogId, 1);
		expect(log!.embeds[0]!.title).toBe('Ticket #0001 opened');
		expect(log!.embeds[0]!.fields!.map((field) => field.value)).toEqual([`<#${channelId}> (#0001)`, 'Support', `<@${alice.id}>`]);
		expect(buttonsOf(log!)).toEqual([{ customId: `tickets:claim:${ticket.id}`, label: 'Claim' }]);
		expect(await service(bot).ctx.redis.hget(service(bot).activity.channelsKey, channelId!)).toBe(String(ticket.id));
	});

	it('a type without questions opens at once from the panel’s select menu', async () => {
		const selectPanel = { ...where, messageId: await postPanel(bot, where.channelId, 'main', ['quick', 'support'], true) };
		const member = newMember([roles.verified]);
		const answer = await seen(selectOpen(emu, selectPanel, member.id, 'quick'));
		expect(answer.content).toMatch(/^Your ticket is open: <#\d+>$/);
		const ticket = (await service(bot).ticketIn(/<#(\d+)>/.exec(answer.content)![1]!))!;
		expect(ticket).toMatchObject({ typeId: 'quick', answers: [], status: 'open' });
		const [welcome] = botMessages(emu, guild, ticket.channelId!);
		expect(welcome!.embeds).toHaveLength(1);
	});
});

describe('thread mode, from a panel with questions', () => {
	it('opens a private thread with the opener in it; staff join from the staff log’s Join button', async () => {
		const bob = newMember();
		const logsBefore = botMessages(emu, guild, staffLogId).length;
		const { answer, ticket } = await openFromPanel(emu, bot, where, bob.id, 'appeal', ['I was banned by mistake, sorry.']);
		expect(answer.content).toMatch(/^Your ticket is open: <#\d+>$/);
		expect(ticket).toMatchObject({ mode: 'thread', status: 'open', parentId: threadParentId, answers: [{ label: 'Why should we lift it?', value: 'I was banned by mistake, sorry.' }] });
		const thread = guild.channel(ticket!.channelId!) as APIThreadChannel;
		expect(thread).toMatchObject({ type: ChannelType.PrivateThread, parent_id: threadParentId, name: `${String(ticket!.number).padStart(4, '0')}-${bob.user.username}` });
		expect(thread.thread_metadata?.invitable).toBe(false);
		expect(guild.threadMembers(thread.id).map((member) => member.user_id)).toEqual([emu.bot.id, bob.id]);
		expect(emu.threads.canView(thread.id, bob.id)).toBe(true);
		expect(emu.threads.canView(thread.id, staffer.id)).toBe(false);
		const [welcome] = botMessages(emu, guild, thread.id);
		expect(welcome!.embeds.map((embed) => embed.title)).toEqual([`Ticket #${String(ticket!.number).padStart(4, '0')}: Appeal`, 'Why should we lift it?']);

		const log = (await waitForBotMessages(emu, guild, staffLogId, logsBefore + 1)).at(-1)!;
		expect(buttonsOf(log)).toEqual([
			{ customId: `tickets:claim:${ticket!.id}`, label: 'Claim' },
			{ customId: `tickets:join:${ticket!.id}`, label: 'Join' }
		]);
		// A member without a staff role may not join.
		const outsider = newMember();
		const refusedJoin = await seen(emu.interactions.button({ guildId: guild.id, channelId: staffLogId, userId: outsider.id, messageId: log.id, customId: `tickets:join:${ticket!.id}` }));
		expect(refusedJoin.content).toBe(`Only the staff of this ticket type (<@&${roles.staff}>) or members with Manage Server can do this.`);
		const joined = await seen(emu.interactions.button({ guildId: guild.id, channelId: staffLogId, userId: staffer.id, messageId: log.id, customId: `tickets:join:${ticket!.id}` }));
		expect(joined).toMatchObject({ ephemeral: true, content: `You joined <#${thread.id}>.` });
		expect(emu.threads.canView(thread.id, staffer.id)).toBe(true);
	});
});

describe('refusals: translated, ephemeral, nothing made', () => {
	it('a blocked member and a member with a blocked role', async () => {
		const blocked = newMember();
		const troublemaker = newMember([roles.blocked]);
		await service(bot).ctx.updateConfig(guild.id, () => ({ blockedUserIds: [blocked.id], blockedRoleIds: [roles.blocked] }));
		await refused(() => seen(pressOpen(emu, where, blocked.id, 'support')), 'You may not open tickets in this server.');
		await refused(() => seen(pressOpen(emu, where, troublemaker.id, 'quick')), `You may not open tickets in this server: your role <@&${roles.blocked}> is blocked from opening them.`);
		await service(bot).ctx.updateConfig(guild.id, () => ({ blockedUserIds: [], blockedRoleIds: [] }));
	});

	it('a member without a required role is told which roles open it', async () => {
		await refused(() => seen(pressOpen(emu, where, newMember().id, 'quick')), `To open this ticket you need one of these roles: <@&${roles.verified}>.`);
	});

	it('the member limit names the open ticket, before the modal is shown', async () => {
		const member = newMember();
		const { ticket } = await openFromPanel(emu, bot, where, member.id, 'support', ['Something broke again.']);
		await refused(() => seen(pressOpen(emu, where, member.id, 'support')), `You already have as many open tickets of this type as you may (1): <#${ticket!.channelId}>.`);
	});

	it('the total limit of a type', async () => {
		const first = await openFromPanel(emu, bot, where, newMember().id, 'busy');
		expect(first.ticket).not.toBeNull();
		await refused(() => seen(pressOpen(emu, where, newMember().id, 'busy')), 'This ticket type already has 1 open tickets, the most it takes at once. Try again later.');
	});

	it('the cooldown, with the time left', async () => {
		const member = newMember();
		const { ticket } = await openFromPanel(emu, bot, where, member.id, 'slow');
		await store.updateTicket(service(bot).ctx.em(), ticket!.id, { status: 'closed', closed_at: clock.now() });
		clock.advance(20 * 60_000);
		await refused(() => seen(pressOpen(emu, where, member.id, 'slow')), 'You opened a ticket of this type recently. You can open another in 40 minutes.');
		clock.advance(40 * 60_000);
		const again = await openFromPanel(emu, bot, where, member.id, 'slow');
		expect(again.ticket).not.toBeNull();
	});

	it('the bot missing a permission in the category or in the thread channel', async () => {
		const lockedCategory = guild.createChannel({
			name: 'Locked',
			type: ChannelType.GuildCategory,
			permissionOverwrites: [{ id: guild.botRoleId, type: 0, deny: P.ManageChannels | P.ManageRoles }]
		});
		const lockedChannel = guild.createChannel({ name: 'locked', type: ChannelType.GuildText, permissionOverwrites: [{ id: guild.botRoleId, type: 0, deny: P.CreatePrivateThreads }] });
		await addTypes(
			ticketType({ id: 'locked', name: 'Locked', categoryId: lockedCategory.id }),
			ticketType({ id: 'locked-thread', name: 'Locked thread', mode: 'thread', channelId: lockedChannel.id })
		);
		await refused(
			() => seen(pressOpen(emu, lockedWhere, newMember().id, 'locked')),
			`I cannot open this ticket: I am missing Manage Channels, Manage Roles in <#${lockedCategory.id}>. Ask the staff to give them to me.`
		);
		await refused(
			() => seen(pressOpen(emu, lockedWhere, newMember().id, 'locked-thread')),
			`I cannot open this ticket: I am missing Create Private Threads in <#${lockedChannel.id}>. Ask the staff to give them to me.`
		);
	});

	it('a thread ticket whose channel the member cannot see', async () => {
		const hidden = guild.createChannel({
			name: 'staff-only',
			type: ChannelType.GuildText,
			permissionOverwrites: [
				{ id: guild.everyoneRoleId, type: 0, deny: P.ViewChannel },
				{ id: guild.botRoleId, type: 0, allow: P.ViewChannel }
			]
		});
		await addTypes(ticketType({ id: 'hidden-thread', name: 'Hidden thread', mode: 'thread', channelId: hidden.id }));
		await refused(
			() => seen(pressOpen(emu, lockedWhere, newMember().id, 'hidden-thread')),
			`This ticket opens as a private thread in <#${hidden.id}>, which you cannot see, so you would not see your ticket. Ask the staff to let you see that channel.`
		);
	});

	it('a category or thread channel deleted by hand', async () => {
		const doomedCategory = guild.createChannel({ name: 'Doomed', type: ChannelType.GuildCategory });
		const doomedChannel = guild.createChannel({ name: 'doomed', type: ChannelType.GuildText });
		await addTypes(ticketType({ id: 'doomed', name: 'Doomed', categoryId: doomedCategory.id }), ticketType({ id: 'doomed-thread', name: 'Doomed thread', mode: 'thread', channelId: doomedChannel.id }));
		const owner = guild.ownerId;
		emu.channels.delete({ channelId: doomedCategory.id, actorId: owner });
		emu.channels.delete({ channelId: doomedChannel.id, actorId: owner });
		await waitUntil(() => !bot.handle.client.channels.cache.has(doomedCategory.id) && !bot.handle.client.channels.cache.has(doomedChannel.id));
		await refused(
			() => seen(pressOpen(emu, lockedWhere, newMember().id, 'doomed')),
			'The category of this ticket type was deleted. Ask the staff to choose another one (/tickets type edit).'
		);
		await refused(
			() => seen(pressOpen(emu, lockedWhere, newMember().id, 'doomed-thread')),
			'The channel this ticket type opens threads in was deleted. Ask the staff to choose another one (/tickets type edit).'
		);
	});

	it('answers a forged submission sends outside their limits', async () => {
		const member = newMember();
		const press = pressOpen(emu, where, member.id, 'support');
		expect((await press.response).type).toBe(9);
		await refused(() => seen(submitAnswers(emu, where, member.id, 'support', ['x'.repeat(201)])), 'Your answer to “What happened?” is too long: 201 characters, at most 200.');
		await refused(() => seen(submitAnswers(emu, where, member.id, 'support', ['too short'])), 'Your answer to “What happened?” is too short: 9 characters, at least 10.');
		await refused(() => seen(submitAnswers(emu, where, member.id, 'support', ['   '])), 'The question “What happened?” needs an answer.');
		await refused(
			() => seen(submitAnswers(emu, where, member.id, 'support', ['Long enough answer.', '1'.repeat(21)])),
			'Your answer to “Order number” is too long: 21 characters, at most 20.'
		);
	});

	it('a type no longer on the panel (an old panel message)', async () => {
		const stale = { ...where, messageId: await postPanel(bot, where.channelId, 'main', ['support', 'removed']) };
		await refused(() => seen(pressOpen(emu, stale, newMember().id, 'removed')), 'This ticket type is no longer offered on this panel. Ask the staff to update it.');
	});
});

describe('two quick clicks', () => {
	it('give one ticket; the other click is told it has one', async () => {
		const member = newMember([roles.verified]);
		const first = pressOpen(emu, where, member.id, 'quick');
		const second = pressOpen(emu, where, member.id, 'quick');
		const answers = await Promise.all([seen(first), seen(second)]);
		const opened = answers.filter((answer) => answer.content.startsWith('Your ticket is open'));
		expect(opened).toHaveLength(1);
		const other = answers.find((answer) => !answer.content.startsWith('Your ticket is open'))!;
		expect(other.content).toMatch(/^You already have as many open tickets of this type as you may \(1\)/);
		const mine = (await allTickets(bot, guild.id)).filter((ticket) => ticket.openerId === member.id);
		expect(mine).toHaveLength(1);
	});
});

describe('a staff log the bot cannot post in', () => {
	it('leaves the ticket open and logs a warning', async () => {
		const hidden = guild.createChannel({ name: 'hidden-log', type: ChannelType.GuildText, permissionOverwrites: [{ id: guild.botRoleId, type: 0, deny: P.SendMessages }] });
		await service(bot).ctx.updateConfig(guild.id, () => ({ staffLogChannelId: hidden.id }));
		emu.expectFailures((failure) => failure.code === 50013);
		const { answer, ticket } = await openFromPanel(emu, bot, where, newMember([roles.verified]).id, 'quick');
		expect(answer.content).toMatch(/^Your ticket is open: <#\d+>$/);
		expect(ticket!.status).toBe('open');
		expect(botMessages(emu, guild, hidden.id)).toEqual([]);
		await vi.waitFor(() => expect(bot.logs.lines.some((line) => line.includes(`Tickets staff log of guild ${guild.id}`) && line.includes('not logged'))).toBe(true));
		await service(bot).ctx.updateConfig(guild.id, () => ({ staffLogChannelId: staffLogId }));
	});
});

/** The panel of the extra types added by {@link addTypes}. */
let lockedWhere: PostedPanel;

/** Adds types to the config and puts them on a second panel (posted again). */
async function addTypes(...types: ReturnType<typeof ticketType>[]): Promise<void> {
	const config = await service(bot).ctx.updateConfig(guild.id, (current) => ({
		types: [...current.types.filter((type) => !types.some((added) => added.id === type.id)), ...types],
		panels: [...current.panels.filter((candidate) => candidate.id !== 'extra'), panel({ id: 'extra', channelId: generalChannelId(guild), typeIds: types.map((type) => type.id) })]
	}));
	const typeIds = config.panels.find((candidate) => candidate.id === 'extra')!.typeIds;
	lockedWhere = { ...where, panelId: 'extra', messageId: await postPanel(bot, generalChannelId(guild), 'extra', typeIds) };
}

/** Waits for a condition on the bot's caches (gateway events arrive asynchronously). */
async function waitUntil(condition: () => boolean): Promise<void> {
	await vi.waitFor(() => {
		if (!condition()) throw new Error('not yet');
	});
}
