/**
 * Inside a ticket (issue 10), the real bot on the Discord emulator: `/ticket claim` and `unclaim` (staff only, one
 * claimer, a second told who holds it; with `claimRestrictsWriting` the staff roles lose Send Messages while claimed
 * except the claimer; in thread mode the claimer joins the thread), the welcome message's Claim button, `/ticket add`
 * (a member or a role; a role refused in a thread; @everyone refused), `/ticket remove` (never the opener), `/ticket
 * rename` (Discord's rename rate limit answered at once with the wait), `/ticket topic` (refused in a thread), every
 * event in the staff log, and every subcommand refused outside a ticket.
 */
import { DiscordEmulator, type GuildHandle, type MemberView } from '@hearth/discord-emulator';
import { ChannelType, PermissionFlagsBits, type APITextChannel } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { ticketsPlugin } from '../../../src/plugins/tickets/index.js';
import type { TicketRecord } from '../../../src/plugins/tickets/service/store.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { generalChannelId, START } from '../moderation/e2eHelpers.js';
import { botMessages, configure, seen, service, ticketCommand, ticketType, waitForBotMessages } from './openHelpers.js';

const P = PermissionFlagsBits;

let emu: DiscordEmulator;
let bot: TestBot;
let guild: GuildHandle;
let staffRole: string;
let guestRole: string;
let staffer: MemberView;
let colleague: MemberView;
let admin: MemberView;
let staffLogId: string;
let categoryId: string;
let threadParentId: string;
let memberCount = 0;

const newMember = () => guild.addMember({ username: `member${++memberCount}` });

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	guild = emu.world.createGuild({ name: 'Inside' });
	staffRole = guild.createRole({ name: 'Support' }).id;
	guestRole = guild.createRole({ name: 'Guests' }).id;
	staffer = guild.addMember({ username: 'staffer', roles: [staffRole] });
	colleague = guild.addMember({ username: 'colleague', roles: [staffRole] });
	admin = guild.addMember({ username: 'admin', permissions: P.ManageGuild });
	categoryId = guild.createChannel({ name: 'Tickets', type: ChannelType.GuildCategory }).id;
	threadParentId = guild.createChannel({ name: 'support', type: ChannelType.GuildText }).id;
	staffLogId = guild.createChannel({ name: 'staff-log', type: ChannelType.GuildText }).id;
	bot = await startTestBot({ emulator: emu, plugins: [ticketsPlugin], clock: new ManualClock(START) });
	await configure(bot, guild.id, {
		types: [
			ticketType({ id: 'support', name: 'Support', categoryId, staffRoleIds: [staffRole], claimRestrictsWriting: true }),
			ticketType({ id: 'appeal', name: 'Appeal', mode: 'thread', channelId: threadParentId, staffRoleIds: [staffRole] })
		],
		staffLogChannelId: staffLogId
	});
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

/** Opens a ticket of `typeId` for `opener` through the service (the open itself is tested in open.e2e.test.ts). */
async function openTicket(opener: MemberView, typeId: string): Promise<TicketRecord> {
	const outcome = await service(bot).opening.open({ guildId: guild.id, typeId, panelId: null, userId: opener.id, username: opener.user.username, roleIds: [], answers: null });
	if (outcome.kind !== 'opened') throw new Error(`not opened: ${JSON.stringify(outcome)}`);
	return outcome.ticket;
}

const canSend = (userId: string, channelId: string) => (guild.permissionsOf(userId, channelId) & P.SendMessages) !== 0n;
const lastLog = async (count: number) => (await waitForBotMessages(emu, guild, staffLogId, count)).at(-1)!.embeds[0]!;

describe('outside a ticket', () => {
	it.each(['claim', 'unclaim', 'rename', 'topic', 'close', 'reopen'])('/ticket %s answers "use this inside a ticket"', async (subcommand) => {
		const options: Record<string, string> = subcommand === 'rename' ? { name: 'x' } : subcommand === 'topic' ? { text: 'x' } : {};
		const answer = await ticketCommand(emu, guild, staffer, subcommand, generalChannelId(guild), options);
		expect(answer).toMatchObject({ ephemeral: true, content: 'Use this inside a ticket channel or thread.' });
	});
});

describe('claim and unclaim, channel mode with claimRestrictsWriting', () => {
	it('staff only; one claimer; the other staff may read but not write until it is released', async () => {
		const opener = newMember();
		const ticket = await openTicket(opener, 'support');
		const channelId = ticket.channelId!;
		const logs = botMessages(emu, guild, staffLogId).length;
		expect(canSend(colleague.id, channelId)).toBe(true);

		const byOpener = await ticketCommand(emu, guild, opener, 'claim', channelId);
		expect(byOpener.content).toBe(`Only the staff of this ticket type (<@&${staffRole}>) or members with Manage Server can do this.`);

		const claimed = await ticketCommand(emu, guild, staffer, 'claim', channelId);
		expect(claimed).toMatchObject({ ephemeral: true, content: `You claimed ticket #${String(ticket.number).padStart(4, '0')}.` });
		expect((await service(bot).ticketIn(channelId))!.claimerId).toBe(staffer.id);
		expect(canSend(staffer.id, channelId)).toBe(true);
		expect(canSend(colleague.id, channelId)).toBe(false);
		expect(guild.canView(colleague.id, channelId)).toBe(true);
		expect(canSend(opener.id, channelId)).toBe(true);
		expect(botMessages(emu, guild, channelId).at(-1)!.content).toBe(
			`🙋 <@${staffer.id}> claimed this ticket and will handle it. While it is claimed, the other staff can read it but not write.`
		);
		expect((await lastLog(logs + 1)).title).toBe(`Ticket #${String(ticket.number).padStart(4, '0')} claimed`);

		// A second claimer, by command or by the welcome message's button, is told who holds it.
		const second = await ticketCommand(emu, guild, colleague, 'claim', channelId);
		expect(second.content).toBe(`<@${staffer.id}> has already claimed this ticket.`);
		const button = await seen(emu.interactions.button({ guildId: guild.id, channelId, userId: colleague.id, messageId: ticket.welcomeMessageId!, customId: `tickets:claim:${ticket.id}` }));
		expect(button).toMatchObject({ ephemeral: true, content: `<@${staffer.id}> has already claimed this ticket.` });
		const again = await ticketCommand(emu, guild, staffer, 'claim', channelId);
		expect(again.content).toBe('You have already claimed this ticket.');
		const notTheirs = await ticketCommand(emu, guild, colleague, 'unclaim', channelId);
		expect(notTheirs.content).toBe(`<@${staffer.id}> holds this ticket: only they or a member with Manage Server can release it.`);

		const released = await ticketCommand(emu, guild, staffer, 'unclaim', channelId);
		expect(released.content).toBe(`You released ticket #${String(ticket.number).padStart(4, '0')}.`);
		expect((await service(bot).ticketIn(channelId))!.claimerId).toBeNull();
		expect(canSend(colleague.id, channelId)).toBe(true);
		expect((await lastLog(logs + 2)).title).toBe(`Ticket #${String(ticket.number).padStart(4, '0')} released`);
		expect((await ticketCommand(emu, guild, staffer, 'unclaim', channelId)).content).toBe('Nobody has claimed this ticket.');

		// The Claim button claims too; an admin (Manage Server) may release someone else's claim.
		const viaButton = await seen(emu.interactions.button({ guildId: guild.id, channelId, userId: colleague.id, messageId: ticket.welcomeMessageId!, customId: `tickets:claim:${ticket.id}` }));
		expect(viaButton.content).toBe(`You claimed ticket #${String(ticket.number).padStart(4, '0')}.`);
		expect(canSend(staffer.id, channelId)).toBe(false);
		expect((await ticketCommand(emu, guild, admin, 'unclaim', channelId)).content).toBe(`You released ticket #${String(ticket.number).padStart(4, '0')}.`);
	});

	it('in thread mode a claim adds the claimer to the thread', async () => {
		const logs = botMessages(emu, guild, staffLogId).length;
		const ticket = await openTicket(newMember(), 'appeal');
		expect(emu.threads.canView(ticket.channelId!, staffer.id)).toBe(false);
		// Staff are not in the private thread yet: they claim from the staff log's entry.
		const entry = (await waitForBotMessages(emu, guild, staffLogId, logs + 1)).at(-1)!;
		const claimed = await seen(emu.interactions.button({ guildId: guild.id, channelId: staffLogId, userId: staffer.id, messageId: entry.id, customId: `tickets:claim:${ticket.id}` }));
		expect(claimed.content).toMatch(/^You claimed ticket #\d{4}\.$/);
		expect(guild.threadMembers(ticket.channelId!).map((member) => member.user_id)).toContain(staffer.id);
		expect(emu.threads.canView(ticket.channelId!, staffer.id)).toBe(true);
	});
});

describe('add and remove', () => {
	it('channel mode: a member, a role; never @everyone; the opener stays', async () => {
		const opener = newMember();
		const ticket = await openTicket(opener, 'support');
		const channelId = ticket.channelId!;
		const guest = newMember();
		const logs = botMessages(emu, guild, staffLogId).length;
		expect(guild.canView(guest.id, channelId)).toBe(false);

		expect((await ticketCommand(emu, guild, opener, 'add', channelId, { 'member-or-role': guest.id })).content).toBe(
			`Only the staff of this ticket type (<@&${staffRole}>) or members with Manage Server can do this.`
		);
		const added = await ticketCommand(emu, guild, staffer, 'add', channelId, { 'member-or-role': guest.id });
		expect(added).toMatchObject({ ephemeral: true, content: `<@${guest.id}> now has access to this ticket.` });
		expect(guild.canView(guest.id, channelId)).toBe(true);
		expect(canSend(guest.id, channelId)).toBe(true);
		const announcement = botMessages(emu, guild, channelId).at(-1)!;
		expect(announcement.content).toBe(`<@${staffer.id}> added <@${guest.id}> to this ticket.`);
		expect(announcement.mentions.map((user) => user.id)).toEqual([guest.id]);
		const addLog = await lastLog(logs + 1);
		expect(addLog.title).toBe(`Ticket #${String(ticket.number).padStart(4, '0')}: access given`);
		expect(addLog.fields!.find((field) => field.name === 'Member or role')!.value).toBe(`<@${guest.id}>`);

		const roleMember = guild.addMember({ username: 'guestrole', roles: [guestRole] });
		expect((await ticketCommand(emu, guild, staffer, 'add', channelId, { 'member-or-role': guestRole })).content).toBe(`<@&${guestRole}> now has access to this ticket.`);
		expect(guild.canView(roleMember.id, channelId)).toBe(true);
		expect((await ticketCommand(emu, guild, staffer, 'add', channelId, { 'member-or-role': guild.everyoneRoleId })).content).toBe(
			'@everyone cannot be added: that would make the ticket public.'
		);

		const removed = await ticketCommand(emu, guild, staffer, 'remove', channelId, { member: guest.id });
		expect(removed.content).toBe(`<@${guest.id}> no longer has access of their own to this ticket (access through a role stays).`);
		expect(guild.canView(guest.id, channelId)).toBe(false);
		expect((await lastLog(logs + 3)).title).toBe(`Ticket #${String(ticket.number).padStart(4, '0')}: access taken away`);
		expect((await ticketCommand(emu, guild, staffer, 'remove', channelId, { member: opener.id })).content).toBe('The opener cannot be removed from their own ticket.');
		expect(guild.canView(opener.id, channelId)).toBe(true);
	});

	it('thread mode: members join and leave the thread; a role is refused', async () => {
		const opener = newMember();
		const ticket = await openTicket(opener, 'appeal');
		const threadId = ticket.channelId!;
		const guest = newMember();
		// Staff act from the thread once in it (the staff log's Join button).
		await service(bot).opening.join(guild.id, ticket.id, { id: staffer.id, roleIds: [staffRole], manageGuild: false });
		expect((await ticketCommand(emu, guild, staffer, 'add', threadId, { 'member-or-role': guestRole })).content).toBe(
			'This ticket is a private thread, and a private thread cannot be opened to a role: add its members one by one.'
		);
		expect((await ticketCommand(emu, guild, staffer, 'add', threadId, { 'member-or-role': guest.id })).content).toBe(`<@${guest.id}> now has access to this ticket.`);
		expect(emu.threads.canView(threadId, guest.id)).toBe(true);
		expect((await ticketCommand(emu, guild, staffer, 'remove', threadId, { member: guest.id })).content).toBe(`<@${guest.id}> was removed from this thread.`);
		expect(emu.threads.canView(threadId, guest.id)).toBe(false);
		expect((await ticketCommand(emu, guild, staffer, 'topic', threadId, { text: 'x' })).content).toBe('This ticket is a thread, and threads have no topic.');
	});
});

describe('rename and topic', () => {
	it('rename makes a valid channel name; topic sets the channel topic', async () => {
		const ticket = await openTicket(newMember(), 'support');
		const channelId = ticket.channelId!;
		const renamed = await ticketCommand(emu, guild, staffer, 'rename', channelId, { name: 'Refund  Order #42!' });
		expect(renamed.content).toBe('Renamed to **refund-order-42**.');
		expect((guild.channel(channelId) as APITextChannel).name).toBe('refund-order-42');
		expect((await ticketCommand(emu, guild, staffer, 'rename', channelId, { name: '!!!' })).content).toBe(
			'That name has nothing Discord allows in a channel name (letters, digits, - and _).'
		);
		expect((await ticketCommand(emu, guild, staffer, 'topic', channelId, { text: 'Refund of order 42' })).content).toBe('Topic set.');
		expect((guild.channel(channelId) as APITextChannel).topic).toBe('Refund of order 42');
	});

	it('Discord’s rename rate limit (2 per 10 minutes) is answered at once with the wait, not queued', async () => {
		const ticket = await openTicket(newMember(), 'support');
		const channelId = ticket.channelId!;
		emu.expectFailures((failure) => failure.kind === 'rate-limited');
		emu.rateLimits.inject({ route: 'PATCH /channels/:id', retryAfter: 479, count: 1 });
		const started = Date.now();
		const handle = emu.interactions.command({ guildId: guild.id, channelId, userId: staffer.id, name: 'ticket', subcommand: 'rename', options: { name: 'later' } });
		expect((await handle.response).latencyMs).toBeLessThan(3_000);
		const answer = await seen(handle);
		expect(answer.content).toBe('Discord allows only 2 renames or topic changes of a channel every 10 minutes. Try again in 8 minutes.');
		expect(Date.now() - started).toBeLessThan(3_000);
		expect((guild.channel(channelId) as APITextChannel).name).not.toBe('later');
	});
});
