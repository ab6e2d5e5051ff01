/**
 * Auto-close after inactivity, the real bot on the Discord emulator with a ManualClock (issue 10, "Inactive tickets get
 * a warning message, then close after a further delay unless someone writes ... one pending job per ticket, re-armed by
 * activity, never one timer per message"): the warning after `autoCloseInactiveSeconds` without a message, the close
 * `autoCloseWarningSeconds` later; a message in between postpones it (the job reads the last activity from Redis when
 * it fires); messages never queue jobs; the first staff answer is recorded once. The restart case (SIGKILL) is in
 * autoCloseRestart.e2e.test.ts.
 */
import { DiscordEmulator, type MemberView } from '@hearth/discord-emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import type { TaskEnvelope } from '../../../src/lib/tasks/types.js';
import { ticketsPlugin } from '../../../src/plugins/tickets/index.js';
import { AUTO_CLOSE_TASK, autoCloseKeys } from '../../../src/plugins/tickets/service/closing.js';
import type { TicketService } from '../../../src/plugins/tickets/service/TicketService.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { MINUTE, START } from '../moderation/e2eHelpers.js';
import { ticketsCommand } from './e2eHelpers.js';
import { openFromPanel, postPanel } from './openHelpers.js';
import { botMessages, configureTickets, createTicketWorld, openTestTicket, ticketNow, ticketsService, waitForBotMessage, waitForTicket, type TicketWorld } from './closeHelpers.js';

let emu: DiscordEmulator;
let clock: ManualClock;
let bot: TestBot;
let world: TicketWorld;
let service: TicketService;
let seq = 0;

const newMember = (): MemberView => world.guild.addMember({ username: `member${++seq}` });

/** One hour of silence before the warning, then 30 minutes before the close. */
const INACTIVE = 60 * MINUTE;
const WARNING = 30 * MINUTE;

/** The auto-close jobs of a ticket that will still run: key, state and due time. */
async function pendingJobs(ticketId: number): Promise<{ key: string; state: string; dueAt: number }[]> {
	const jobs = [];
	for (const key of autoCloseKeys(ticketId)) {
		const state = await bot.handle.taskQueue.stateOf(AUTO_CLOSE_TASK, world.guild.id, key);
		if (state === 'delayed' || state === 'waiting' || state === 'active') {
			const job = await bot.handle.taskQueue.queue.getJob(`${AUTO_CLOSE_TASK}/${world.guild.id}/${key}`);
			jobs.push({ key, state, dueAt: (job!.data as TaskEnvelope).dueAt });
		}
	}
	return jobs;
}

/** Waits until the ticket's one auto-close job is delayed until `dueAt` (a job that ran re-armed itself). */
function waitForJobAt(ticketId: number, dueAt: number) {
	return vi.waitFor(
		async () => {
			const jobs = await pendingJobs(ticketId);
			expect(jobs).toHaveLength(1);
			expect(jobs[0]).toMatchObject({ state: 'delayed', dueAt });
		},
		{ timeout: 10_000, interval: 25 }
	);
}

/** Moves the clock (the bot promotes the jobs it reached) and lets the promotion happen. */
async function advance(ms: number): Promise<void> {
	clock.advance(ms);
	await bot.handle.taskQueue.promoteDue();
}

/** Waits until the ticket's last activity in Redis is `at` (the message listener recorded a message). */
function waitForActivity(channelId: string, at: number) {
	return vi.waitFor(async () => expect(await service.activity.lastActivity(channelId)).toBe(at), { timeout: 10_000, interval: 20 });
}

beforeAll(async () => {
	clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock, identifyIntervalMs: 0 });
	world = createTicketWorld(emu);
	bot = await startTestBot({ emulator: emu, clock, plugins: [ticketsPlugin] });
	service = ticketsService(bot);
	await configureTickets(bot, world, service, { autoCloseInactiveSeconds: INACTIVE / 1_000, autoCloseWarningSeconds: WARNING / 1_000, feedback: false });
}, 60_000);

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('auto-close', () => {
	it('warns after the inactive time, then closes after the warning time when nobody wrote', async () => {
		const alice = newMember();
		const { ticket, channelId } = await openTestTicket(bot, world, service, clock, alice);
		const openedAt = clock.now();
		await waitForJobAt(ticket.id, openedAt + INACTIVE);
		await advance(INACTIVE - 1_000);
		expect(botMessages(emu, channelId, (message) => message.content.includes('No messages here'))).toHaveLength(0);
		await advance(1_000);
		const warning = await waitForBotMessage(emu, channelId, (message) => message.content.includes('No messages here'), 'inactivity warning');
		expect(warning.content).toContain('1 hour');
		await waitForJobAt(ticket.id, openedAt + INACTIVE + WARNING);
		await advance(WARNING);
		const closed = await waitForTicket(service, ticket.id, (row) => row.status === 'closed', 'closed');
		expect(closed).toMatchObject({ closedById: emu.bot.id, closeReason: 'no messages for 1 hour', closedAt: openedAt + INACTIVE + WARNING });
		await waitForBotMessage(emu, channelId, (message) => message.content.includes('was closed by'), 'closed notice');
		expect(await pendingJobs(ticket.id)).toEqual([]);
	});

	it('a message postpones it (the job re-arms itself for the rest of the time); many messages queue no job', async () => {
		const bob = newMember();
		const { ticket, channelId } = await openTestTicket(bot, world, service, clock, bob);
		const openedAt = clock.now();
		await advance(50 * MINUTE);
		for (let index = 0; index < 20; index++) emu.messages.send({ channelId, userId: bob.id, content: `still here ${index}` });
		const wroteAt = clock.now();
		await waitForActivity(channelId, wroteAt);
		// Twenty messages, still the one job armed at open.
		expect(await pendingJobs(ticket.id)).toEqual([{ key: autoCloseKeys(ticket.id)[0], state: 'delayed', dueAt: openedAt + INACTIVE }]);
		await advance(10 * MINUTE);
		// It fired, found the message, and re-armed for an hour after it under the other key: no warning.
		await waitForJobAt(ticket.id, wroteAt + INACTIVE);
		expect((await pendingJobs(ticket.id))[0]!.key).toBe(autoCloseKeys(ticket.id)[1]);
		expect(botMessages(emu, channelId, (message) => message.content.includes('No messages here'))).toHaveLength(0);
		await advance(50 * MINUTE);
		await waitForBotMessage(emu, channelId, (message) => message.content.includes('No messages here'), 'inactivity warning');
		const warnedAt = clock.now();
		await waitForJobAt(ticket.id, warnedAt + WARNING);
		// Someone answers the warning: at the warning's end it is re-armed, not closed.
		await advance(10 * MINUTE);
		emu.messages.send({ channelId, userId: world.staff.id, content: 'Any news?' });
		const answeredAt = clock.now();
		await waitForActivity(channelId, answeredAt);
		await advance(20 * MINUTE);
		await waitForJobAt(ticket.id, answeredAt + INACTIVE);
		expect((await ticketNow(service, ticket.id)).status).toBe('open');
	});

	it('records the first staff answer once (not the opener, not a later staff message)', async () => {
		const carol = newMember();
		const { ticket, channelId } = await openTestTicket(bot, world, service, clock, carol);
		emu.messages.send({ channelId, userId: carol.id, content: 'hello?' });
		await waitForActivity(channelId, clock.now());
		expect((await ticketNow(service, ticket.id)).firstStaffReplyAt).toBeNull();
		await advance(5 * MINUTE);
		const answeredAt = clock.now();
		emu.messages.send({ channelId, userId: world.staff.id, content: 'Hi, how can I help?' });
		await waitForTicket(service, ticket.id, (row) => row.firstStaffReplyAt === answeredAt, 'answered by staff');
		await advance(5 * MINUTE);
		emu.messages.send({ channelId, userId: world.staff.id, content: 'Still there?' });
		await waitForActivity(channelId, clock.now());
		expect((await ticketNow(service, ticket.id)).firstStaffReplyAt).toBe(answeredAt);
	});

	it('a ticket reopened gets its job again, counted from the reopen', async () => {
		const dave = newMember();
		const { ticket } = await openTestTicket(bot, world, service, clock, dave);
		await service.closing.close(world.guild.id, ticket.id, world.staff.id, null);
		await waitForTicket(service, ticket.id, (row) => row.status === 'closed', 'closed');
		await vi.waitFor(async () => expect(await pendingJobs(ticket.id)).toEqual([]));
		await advance(MINUTE);
		await vi.waitFor(async () => expect((await service.closing.reopen(world.guild.id, ticket.id, world.staff.id)).kind).toBe('reopened'), { timeout: 10_000 });
		await waitForJobAt(ticket.id, clock.now() + INACTIVE);
	});

	it('the start-up reconcile arms an open ticket whose job was lost', async () => {
		const erin = newMember();
		const { ticket } = await openTestTicket(bot, world, service, clock, erin);
		const openedAt = clock.now();
		for (const key of autoCloseKeys(ticket.id)) await bot.handle.taskQueue.cancel(AUTO_CLOSE_TASK, world.guild.id, key);
		expect(await pendingJobs(ticket.id)).toEqual([]);
		await service.reconcile();
		await waitForJobAt(ticket.id, openedAt + INACTIVE);
		// A second reconcile keeps that one job.
		await service.reconcile();
		await waitForJobAt(ticket.id, openedAt + INACTIVE);
	});
});

describe('auto-close and the real open path', () => {
	it('a ticket opened from a panel gets its job at the open; turning auto-close on with /tickets config arms the open ones', async () => {
		const panelChannelId = world.threadParentId;
		await service.ctx.updateConfig(world.guild.id, (current) => ({
			panels: [...current.panels, { id: 'auto', channelId: panelChannelId, messageId: null, title: null, description: null, typeIds: ['support'] }]
		}));
		const where = { guildId: world.guild.id, channelId: panelChannelId, messageId: await postPanel(bot, panelChannelId, 'auto', ['support']), panelId: 'auto' };

		const dora = newMember();
		const opened = await openFromPanel(emu, bot, where, dora.id, 'support');
		expect(opened.answer.content).toMatch(/^Your ticket is open/);
		await waitForJobAt(opened.ticket!.id, opened.ticket!.createdAt + INACTIVE);

		// Auto-close off: a new ticket gets no job; turned on again (shorter), both open tickets are armed by the new time.
		await service.ctx.updateConfig(world.guild.id, () => ({ autoCloseInactiveSeconds: null }));
		const erin = newMember();
		const second = await openFromPanel(emu, bot, where, erin.id, 'support');
		expect(await pendingJobs(second.ticket!.id)).toEqual([]);
		const answer = await ticketsCommand(emu, world.guild, world.admin, 'config', { 'auto-close': '30m' });
		expect(answer.content).toContain('30 minutes');
		await waitForJobAt(second.ticket!.id, second.ticket!.createdAt + 30 * MINUTE);
		await waitForJobAt(opened.ticket!.id, opened.ticket!.createdAt + 30 * MINUTE);
		await service.ctx.updateConfig(world.guild.id, () => ({ autoCloseInactiveSeconds: INACTIVE / 1_000 }));
	});
});

