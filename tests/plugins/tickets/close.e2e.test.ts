/**
 * Closing a ticket, the real bot on the Discord emulator (issue 10, "close with confirmation; close-request; reopen"):
 * the Close button and `/ticket close` ask for a confirmation, Close closes once (a second confirmation is told it is
 * closed already), the transcript goes to the transcript channel and the opener's DMs, the channel is locked and
 * deleted after the reopen window (ManualClock), a reopen within the window keeps it, a thread is archived and locked
 * then reopened, a close request closes after its delay unless the opener keeps it open, and a ticket channel deleted
 * by hand closes its ticket.
 */
import { DiscordEmulator, type MemberView } from '@hearth/discord-emulator';
import { PermissionFlagsBits, Routes, type APIMessage } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import type { TaskEnvelope } from '../../../src/lib/tasks/types.js';
import { ticketsPlugin } from '../../../src/plugins/tickets/index.js';
import { CLOSE_REQUEST_TASK, closeRequestKey, DELETE_CHANNEL_TASK, deleteChannelKey } from '../../../src/plugins/tickets/service/closing.js';
import * as store from '../../../src/plugins/tickets/service/store.js';
import type { TicketService } from '../../../src/plugins/tickets/service/TicketService.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { finalAnswer, HOUR, MINUTE, START } from '../moderation/e2eHelpers.js';
import {
	botMessages,
	configureTickets,
	createTicketWorld,
	customIdsOf,
	openTestTicket,
	overwriteOf,
	press,
	ticketCommand,
	ticketNow,
	threadState,
	ticketsService,
	waitForBotMessage,
	waitForTicket,
	type TicketWorld
} from './closeHelpers.js';

let emu: DiscordEmulator;
let clock: ManualClock;
let bot: TestBot;
let world: TicketWorld;
let service: TicketService;
let seq = 0;

const newMember = (options: { dmsOpen?: boolean } = {}): MemberView => world.guild.addMember({ username: `member${++seq}`, ...options });

beforeAll(async () => {
	clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock, identifyIntervalMs: 0 });
	world = createTicketWorld(emu);
	bot = await startTestBot({ emulator: emu, clock, plugins: [ticketsPlugin] });
	service = ticketsService(bot);
	await configureTickets(bot, world, service, { dmTranscript: true, feedback: true, reopenWindowSeconds: 600 });
}, 60_000);

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('close with confirmation', () => {
	it('the Close button asks first; Close closes once (a second confirmation is told it is closed); transcript to the log channel and DM; the opener is locked out', async () => {
		const alice = newMember();
		const { ticket, channelId, welcomeId } = await openTestTicket(bot, world, service, clock, alice);
		emu.messages.send({ channelId, userId: alice.id, content: 'My printer is on fire', attachments: [{ filename: 'fire.txt', content: 'smoke' }] });
		emu.messages.send({ channelId, userId: world.staff.id, content: 'Have you tried water?' });
		const where = { guildId: world.guild.id, channelId };

		const asked = await press(emu, where, alice.id, welcomeId, `tickets:close:${ticket.id}`).waitForReply();
		expect(asked.ephemeral).toBe(true);
		expect(asked.content).toContain(`Close ticket #`);
		expect(customIdsOf(asked)).toEqual([`tickets:close-confirm:${ticket.id}`, `tickets:close-cancel:${ticket.id}`]);
		// The staff member opens a confirmation too; the opener's Close wins, the staff's is told it is closed already.
		const staffAsked = await press(emu, where, world.staff.id, welcomeId, `tickets:close:${ticket.id}`).waitForReply();
		expect((await ticketNow(service, ticket.id)).status).toBe('open');

		const confirmed = await press(emu, where, alice.id, asked.id, `tickets:close-confirm:${ticket.id}`).response;
		expect(confirmed.type).toBe(7);
		expect(confirmed.data?.content).toContain('Closing ticket #');
		const second = await press(emu, where, world.staff.id, staffAsked.id, `tickets:close-confirm:${ticket.id}`).response;
		expect(second.data?.content).toContain('is already closed');

		const closed = await waitForTicket(service, ticket.id, (row) => row.transcriptUrl !== null, 'transcribed');
		expect(closed).toMatchObject({ status: 'closed', closedById: alice.id, closeReason: null });
		// The transcript in the transcript channel: the HTML with both messages, its link saved.
		const posted = await waitForBotMessage(emu, world.transcriptChannelId, (message) => message.content.includes(`<@${alice.id}>`), 'transcript');
		expect(closed.transcriptUrl).toContain(posted.id);
		const html = posted.attachments.find((file) => file.filename.endsWith('.html'))!;
		const text = await (await fetch(html.url)).text();
		expect(text).toContain('My printer is on fire');
		expect(text).toContain('Have you tried water');
		expect(text).toContain('href="1-fire.txt"');
		// And to the opener by DM, with the feedback prompt.
		await vi.waitFor(() => expect(emu.dms.sent(alice.id).length).toBeGreaterThanOrEqual(2));
		expect(emu.dms.sent(alice.id).some((dm) => dm.message.attachments.some((file) => file.filename.endsWith('.html')))).toBe(true);
		// The channel: the opener lost Send Messages, the notice has a Reopen button.
		const notice = await waitForBotMessage(emu, channelId, (message) => message.content.includes('was closed by'), 'closed notice');
		expect(customIdsOf(notice)).toEqual([`tickets:reopen:${ticket.id}`]);
		expect(overwriteOf(world, channelId, alice.id)!.deny & PermissionFlagsBits.SendMessages).toBe(PermissionFlagsBits.SendMessages);
		expect(await service.ctx.redis.hexists(service.activity.channelsKey, channelId)).toBe(0);
		// The staff log has the close with the transcript's link.
		const logged = await waitForBotMessage(emu, world.staffLogChannelId, (message) => message.embeds.some((embed) => embed.title?.includes('closed') && JSON.stringify(embed).includes(posted.id)), 'staff log entry');
		expect(JSON.stringify(logged.embeds[0])).toContain(`<@${alice.id}>`);

		// A press on the welcome's Close now: closed already.
		const late = await press(emu, where, alice.id, welcomeId, `tickets:close:${ticket.id}`).waitForReply();
		expect(late.content).toContain('is already closed');
	});

	it('Cancel leaves it open; a member who is neither the opener nor staff may not close', async () => {
		const bob = newMember();
		const { ticket, channelId, welcomeId } = await openTestTicket(bot, world, service, clock, bob);
		const where = { guildId: world.guild.id, channelId };
		const asked = await press(emu, where, bob.id, welcomeId, `tickets:close:${ticket.id}`).waitForReply();
		const cancelled = await press(emu, where, bob.id, asked.id, `tickets:close-cancel:${ticket.id}`).response;
		expect(cancelled.data?.content).toContain('stays open');
		expect(cancelled.data?.components).toEqual([]);
		// A stranger given sight of the channel by hand cannot close it.
		const stranger = newMember();
		emu.channels.editOverwrite({ channelId, actorId: world.guild.ownerId, id: stranger.id, type: 1, allow: String(PermissionFlagsBits.ViewChannel) });
		const refused = await press(emu, where, stranger.id, welcomeId, `tickets:close:${ticket.id}`).waitForReply();
		expect(refused.content).toContain('Only the member who opened ticket');
		expect((await ticketNow(service, ticket.id)).status).toBe('open');
	});

	it('/ticket close reason: the confirmation shows the reason, and the close keeps it', async () => {
		const carol = newMember();
		const { ticket, channelId } = await openTestTicket(bot, world, service, clock, carol);
		const asked = await ticketCommand(emu, world, world.staff, channelId, 'close', { reason: 'solved by a reboot' });
		expect(asked.content).toContain('Reason: solved by a reboot');
		await press(emu, { guildId: world.guild.id, channelId }, world.staff.id, asked.id, `tickets:close-confirm:${ticket.id}`).response;
		const closed = await waitForTicket(service, ticket.id, (row) => row.status === 'closed', 'closed');
		expect(closed).toMatchObject({ closedById: world.staff.id, closeReason: 'solved by a reboot' });
		await waitForBotMessage(emu, channelId, (message) => message.content.includes('solved by a reboot'), 'closed notice with the reason');
	});
});

describe('the bot missing permissions', () => {
	it('Close and Reopen are refused, naming what the bot lacks, and change nothing', async () => {
		const kim = newMember();
		const { ticket, channelId, welcomeId } = await openTestTicket(bot, world, service, clock, kim);
		const where = { guildId: world.guild.id, channelId };
		const owner = world.guild.ownerId;
		const deny = (bits: bigint) => emu.channels.editOverwrite({ channelId, actorId: owner, id: emu.bot.id, type: 1, allow: String(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory), deny: String(bits) });
		deny(PermissionFlagsBits.ManageRoles);
		await vi.waitFor(() => expect(service.closing.missingPermissions(ticket)).toEqual(['ManageRoles']));
		const refused = await press(emu, where, kim.id, welcomeId, `tickets:close:${ticket.id}`).waitForReply();
		expect(refused.content).toContain('I am missing Manage Roles');
		expect((await ticketNow(service, ticket.id)).status).toBe('open');

		deny(0n);
		await vi.waitFor(() => expect(service.closing.missingPermissions(ticket)).toEqual([]));
		await service.closing.close(world.guild.id, ticket.id, kim.id, null);
		const notice = await waitForBotMessage(emu, channelId, (message) => message.content.includes('was closed by'), 'closed notice');
		await vi.waitFor(async () => expect(await bot.handle.taskQueue.stateOf(DELETE_CHANNEL_TASK, world.guild.id, deleteChannelKey(ticket.id))).toBe('delayed'));
		deny(PermissionFlagsBits.ManageRoles | PermissionFlagsBits.ManageChannels);
		await vi.waitFor(() => expect(service.closing.missingPermissions(ticket)).toHaveLength(2));
		const notReopened = await finalAnswer(press(emu, where, world.staff.id, notice.id, `tickets:reopen:${ticket.id}`), 'Reopen');
		expect(notReopened.content).toContain('I cannot reopen ticket');
		expect(notReopened.content).toContain('Manage Roles');
		expect((await ticketNow(service, ticket.id)).status).toBe('closed');
		expect(await bot.handle.taskQueue.stateOf(DELETE_CHANNEL_TASK, world.guild.id, deleteChannelKey(ticket.id))).toBe('delayed');
	});
});

describe('the reopen window (channel mode)', () => {
	it('the channel is deleted after reopenWindowSeconds; a reopen is then refused', async () => {
		const dave = newMember();
		const { ticket, channelId } = await openTestTicket(bot, world, service, clock, dave);
		await service.closing.close(world.guild.id, ticket.id, world.staff.id, null);
		await waitForBotMessage(emu, channelId, (message) => message.content.includes('will be deleted'), 'deletion notice');
		await vi.waitFor(async () => expect(await bot.handle.taskQueue.stateOf(DELETE_CHANNEL_TASK, world.guild.id, deleteChannelKey(ticket.id))).toBe('delayed'));
		clock.advance(10 * MINUTE - 1_000);
		await bot.handle.taskQueue.promoteDue();
		expect(world.guild.channel(channelId)).toBeDefined();
		clock.advance(1_000);
		const deleted = await waitForTicket(service, ticket.id, (row) => row.channelDeletedAt !== null, 'deleted');
		expect(deleted.channelDeletedAt).toBe(clock.now());
		expect(world.guild.channel(channelId)).toBeUndefined();
		expect((await service.closing.reopen(world.guild.id, ticket.id, world.staff.id)).kind).toBe('deleted');
	});

	it("the transcript's files still open after the channel is deleted and every old attachment link expired", async () => {
		const leo = newMember();
		const { ticket, channelId } = await openTestTicket(bot, world, service, clock, leo);
		emu.messages.send({ channelId, userId: leo.id, content: 'The log', attachments: [{ filename: 'error.log', content: 'line 1\nline 2' }] });
		await service.closing.close(world.guild.id, ticket.id, world.staff.id, null);
		const transcribed = await waitForTicket(service, ticket.id, (row) => row.transcriptUrl !== null, 'transcribed');
		await vi.waitFor(async () => expect(await bot.handle.taskQueue.stateOf(DELETE_CHANNEL_TASK, world.guild.id, deleteChannelKey(ticket.id))).toBe('delayed'));
		clock.advance(10 * MINUTE);
		await bot.handle.taskQueue.promoteDue();
		await waitForTicket(service, ticket.id, (row) => row.channelDeletedAt !== null, 'deleted');
		emu.attachments.expireAll();
		// Discord signs attachment links anew when the message is read again: the transcript's message is.
		const messageId = transcribed.transcriptUrl!.split('/').at(-1)!;
		const message = (await bot.handle.client.rest.get(Routes.channelMessage(world.transcriptChannelId, messageId))) as APIMessage;
		const html = message.attachments.find((file) => file.filename.endsWith('.html'))!;
		expect(await (await fetch(html.url)).text()).toContain('The log');
		const file = message.attachments.find((attachment) => attachment.filename.endsWith('error.log'))!;
		expect(await (await fetch(file.url)).text()).toBe('line 1\nline 2');
	});

	it('Reopen within the window: the deletion is cancelled, the opener can write again, the ticket is open', async () => {
		const erin = newMember();
		const { ticket, channelId } = await openTestTicket(bot, world, service, clock, erin);
		await service.closing.close(world.guild.id, ticket.id, world.staff.id, 'done');
		const notice = await waitForBotMessage(emu, channelId, (message) => message.content.includes('was closed by'), 'closed notice');
		await vi.waitFor(async () => expect(await bot.handle.taskQueue.stateOf(DELETE_CHANNEL_TASK, world.guild.id, deleteChannelKey(ticket.id))).toBe('delayed'));
		// Only staff may reopen.
		const refused = await press(emu, { guildId: world.guild.id, channelId }, erin.id, notice.id, `tickets:reopen:${ticket.id}`).waitForReply();
		expect(refused.content).toContain('Only the staff of ticket');
		clock.advance(5 * MINUTE);
		const reopened = await press(emu, { guildId: world.guild.id, channelId }, world.staff.id, notice.id, `tickets:reopen:${ticket.id}`).waitForReply();
		expect(reopened.content).toContain('is open again');
		expect(await ticketNow(service, ticket.id)).toMatchObject({ status: 'open', closedAt: null, channelDeletedAt: null });
		expect(await bot.handle.taskQueue.stateOf(DELETE_CHANNEL_TASK, world.guild.id, deleteChannelKey(ticket.id))).toBeNull();
		expect(overwriteOf(world, channelId, erin.id)!.allow & PermissionFlagsBits.SendMessages).toBe(PermissionFlagsBits.SendMessages);
		expect(await service.ctx.redis.hget(service.activity.channelsKey, channelId)).toBe(String(ticket.id));
		await waitForBotMessage(emu, channelId, (message) => message.content.includes('was reopened by'), 'reopen notice');
		clock.advance(HOUR);
		await bot.handle.taskQueue.promoteDue();
		expect(world.guild.channel(channelId)).toBeDefined();
		// A second reopen: not closed.
		const again = await ticketCommand(emu, world, world.staff, channelId, 'reopen');
		expect(again.content).toContain('is not closed');
	});
});

describe('thread mode', () => {
	it('close archives and locks the thread; Reopen unarchives and unlocks it', async () => {
		const frank = newMember();
		const { ticket, channelId } = await openTestTicket(bot, world, service, clock, frank, 'thread');
		emu.messages.send({ channelId, userId: frank.id, content: 'Someone is spamming' });
		await service.closing.close(world.guild.id, ticket.id, world.staff.id, null);
		await vi.waitFor(() => expect(threadState(world, channelId)).toEqual({ archived: true, locked: true }), { timeout: 15_000 });
		const notice = botMessages(emu, channelId, (message) => message.content.includes('was closed by'))[0]!;
		expect(() => emu.messages.send({ channelId, userId: frank.id, content: 'hello?' })).toThrow();
		const reopened = await press(emu, { guildId: world.guild.id, channelId }, world.admin.id, notice.id, `tickets:reopen:${ticket.id}`).waitForReply();
		expect(reopened.content).toContain('is open again');
		expect(threadState(world, channelId)).toEqual({ archived: false, locked: false });
		expect((await ticketNow(service, ticket.id)).status).toBe('open');
		emu.messages.send({ channelId, userId: frank.id, content: 'thanks' });
	});
});

describe('close requests', () => {
	it('closes after the delay in the requester name with the reason', async () => {
		const grace = newMember();
		const { ticket, channelId } = await openTestTicket(bot, world, service, clock, grace);
		const request = await ticketCommand(emu, world, world.staff, channelId, 'close-request', { delay: '2h', reason: 'no answer' });
		expect(request.content).toContain(`<@${grace.id}>`);
		expect(request.content).toContain('no answer');
		expect(customIdsOf(request)).toEqual([`tickets:keep-open:${ticket.id}`]);
		expect(await ticketNow(service, ticket.id)).toMatchObject({ closeRequestedById: world.staff.id, closeRequestReason: 'no answer' });
		clock.advance(2 * HOUR - 1_000);
		await bot.handle.taskQueue.promoteDue();
		expect((await ticketNow(service, ticket.id)).status).toBe('open');
		clock.advance(1_000);
		const closed = await waitForTicket(service, ticket.id, (row) => row.status === 'closed', 'closed');
		expect(closed).toMatchObject({ closedById: world.staff.id, closeReason: 'no answer', closeRequestedAt: null });
	});

	it('Keep open (only the opener) cancels it; a bad delay is refused', async () => {
		const heidi = newMember();
		const { ticket, channelId } = await openTestTicket(bot, world, service, clock, heidi);
		const bad = await ticketCommand(emu, world, world.staff, channelId, 'close-request', { delay: 'soon' });
		expect(bad.content).toContain('is not a delay from');
		const notStaff = await ticketCommand(emu, world, heidi, channelId, 'close-request');
		expect(notStaff.content).toContain('Only the staff of ticket');
		const request = await ticketCommand(emu, world, world.staff, channelId, 'close-request');
		const where = { guildId: world.guild.id, channelId };
		const byStaff = await press(emu, where, world.staff.id, request.id, `tickets:keep-open:${ticket.id}`).waitForReply();
		expect(byStaff.content).toContain(`Only <@${heidi.id}> can keep`);
		const kept = await press(emu, where, heidi.id, request.id, `tickets:keep-open:${ticket.id}`).response;
		expect(kept.data?.content).toContain('kept this ticket open');
		expect(await bot.handle.taskQueue.stateOf(CLOSE_REQUEST_TASK, world.guild.id, closeRequestKey(ticket.id))).toBeNull();
		expect((await ticketNow(service, ticket.id)).closeRequestedAt).toBeNull();
		clock.advance(2 * 86_400_000);
		await bot.handle.taskQueue.promoteDue();
		expect((await ticketNow(service, ticket.id)).status).toBe('open');
	});
});

describe('deleted by hand', () => {
	it('an open ticket whose channel is deleted by hand is closed, without a transcript, and forgotten', async () => {
		const ivan = newMember();
		const { ticket, channelId } = await openTestTicket(bot, world, service, clock, ivan);
		const owner = world.guild.ownerId;
		emu.channels.delete({ channelId, actorId: owner });
		const closed = await waitForTicket(service, ticket.id, (row) => row.status === 'closed', 'closed');
		expect(closed.channelDeletedAt).not.toBeNull();
		expect(closed.transcriptUrl).toBeNull();
		await waitForBotMessage(emu, world.transcriptChannelId, (message) => message.content.includes('deleted by hand'), 'no-transcript notice');
		expect(await service.ctx.redis.hexists(service.activity.channelsKey, channelId)).toBe(0);
	});
});

describe('start-up reconcile', () => {
	it('finishes a close whose finishing job was lost, and re-arms a lost channel deletion', async () => {
		const judy = newMember();
		const { ticket, channelId } = await openTestTicket(bot, world, service, clock, judy);
		// Closed in PostgreSQL, its job gone (as if Redis had lost it): nothing locked, no notice.
		const closedAt = clock.now();
		await store.updateTicket(service.ctx.em(), ticket.id, { status: 'closed', closed_at: closedAt, closed_by_id: world.staff.id }, ['open']);
		await service.activity.unregister(channelId);
		await service.reconcile();
		await waitForBotMessage(emu, channelId, (message) => message.content.includes('was closed by'), 'closed notice');
		await vi.waitFor(() => expect(overwriteOf(world, channelId, judy.id)!.deny & PermissionFlagsBits.SendMessages).toBe(PermissionFlagsBits.SendMessages));
		await vi.waitFor(async () => expect(await bot.handle.taskQueue.stateOf(DELETE_CHANNEL_TASK, world.guild.id, deleteChannelKey(ticket.id))).toBe('delayed'));

		// The deletion job lost: the next start-up puts it back, due at the end of the reopen window; nothing posted twice.
		await bot.handle.taskQueue.cancel(DELETE_CHANNEL_TASK, world.guild.id, deleteChannelKey(ticket.id));
		await service.reconcile();
		const job = await bot.handle.taskQueue.queue.getJob(`${DELETE_CHANNEL_TASK}/${world.guild.id}/${deleteChannelKey(ticket.id)}`);
		expect((job?.data as TaskEnvelope).dueAt).toBe(closedAt + 10 * MINUTE);
		expect(botMessages(emu, channelId, (message) => message.content.includes('was closed by'))).toHaveLength(1);
		clock.advance(10 * MINUTE);
		await bot.handle.taskQueue.promoteDue();
		await waitForTicket(service, ticket.id, (row) => row.channelDeletedAt !== null, 'deleted');
	});
});

