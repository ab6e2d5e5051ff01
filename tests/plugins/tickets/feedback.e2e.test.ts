/**
 * Feedback after close, the real bot on the Discord emulator (issue 10, "After close, the opener is asked for a rating
 * (1 to 5, buttons) and an optional comment (modal)"): the prompt in the opener's DMs, a rating stored (a second press
 * changes it), the comment modal stored; with the opener's DMs closed the prompt is in the ticket, where only the
 * opener may rate; nothing is asked when feedback is off, and a ticket open again cannot be rated.
 */
import { DiscordEmulator, type MemberView } from '@hearth/discord-emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { ticketsPlugin } from '../../../src/plugins/tickets/index.js';
import type { TicketService } from '../../../src/plugins/tickets/service/TicketService.js';
import { COMMENT_FIELD } from '../../../src/plugins/tickets/views/closing.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { START } from '../moderation/e2eHelpers.js';
import { configureTickets, createTicketWorld, customIdsOf, openTestTicket, press, ticketNow, ticketsService, waitForBotMessage, waitForTicket, type TicketWorld } from './closeHelpers.js';

let emu: DiscordEmulator;
let clock: ManualClock;
let bot: TestBot;
let world: TicketWorld;
let service: TicketService;
let seq = 0;

const newMember = (options: { dmsOpen?: boolean } = {}): MemberView => world.guild.addMember({ username: `member${++seq}`, ...options });

/** Opens a ticket of `opener` and closes it as staff; resolves once its close is finished (notice posted). */
async function closedTicket(opener: MemberView) {
	const opened = await openTestTicket(bot, world, service, clock, opener);
	await service.closing.close(world.guild.id, opened.ticket.id, world.staff.id, null);
	await waitForBotMessage(emu, opened.channelId, (message) => message.content.includes('was closed by'), 'closed notice');
	return opened;
}

/** The feedback prompt in a member's DMs (the last DM with rating buttons). */
function promptInDms(userId: string) {
	return vi.waitFor(() => {
		const dm = emu.dms.sent(userId).findLast((sent) => customIdsOf(sent.message).some((id) => id.startsWith('tickets:rate:')));
		if (!dm) throw new Error('no feedback prompt in DMs yet');
		return dm;
	});
}

beforeAll(async () => {
	clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock, identifyIntervalMs: 0 });
	world = createTicketWorld(emu);
	bot = await startTestBot({ emulator: emu, clock, plugins: [ticketsPlugin] });
	service = ticketsService(bot);
	await configureTickets(bot, world, service, { feedback: true });
}, 60_000);

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('feedback', () => {
	it('by DM: five ratings; a press stores it (a second press changes it); Add a comment opens the modal and stores the comment', async () => {
		const alice = newMember();
		const { ticket } = await closedTicket(alice);
		const dm = await promptInDms(alice.id);
		expect(dm.content).toContain('How did we do?');
		expect(customIdsOf(dm.message)).toEqual([1, 2, 3, 4, 5].map((rating) => `tickets:rate:${ticket.id}:${rating}`));
		const where = { channelId: dm.channelId };

		const rated = await press(emu, where, alice.id, dm.message.id, `tickets:rate:${ticket.id}:4`).response;
		expect(rated.type).toBe(7);
		expect(rated.data?.content).toContain('4 out of 5');
		expect((await ticketNow(service, ticket.id)).rating).toBe(4);
		const prompt = emu.messages.in(dm.channelId).find((message) => message.id === dm.message.id)!;
		expect(customIdsOf(prompt)).toContain(`tickets:comment:${ticket.id}`);
		const changed = await press(emu, where, alice.id, dm.message.id, `tickets:rate:${ticket.id}:2`).response;
		expect(changed.data?.content).toContain('2 out of 5');
		expect((await ticketNow(service, ticket.id)).rating).toBe(2);

		const opened = await press(emu, where, alice.id, dm.message.id, `tickets:comment:${ticket.id}`).response;
		expect(opened.type).toBe(9);
		const submitted = await emu.interactions.modalSubmit({ channelId: dm.channelId, userId: alice.id, customId: `tickets:comment-modal:${ticket.id}`, fields: { [COMMENT_FIELD]: '  Quick and kind, thanks!  ' } }).waitForReply();
		expect(submitted.content).toContain('Thank you for your comment');
		const stored = await ticketNow(service, ticket.id);
		expect(stored).toMatchObject({ rating: 2, feedbackComment: 'Quick and kind, thanks!' });
		expect(stored.feedbackAt).toBe(clock.now());
	});

	it('DMs closed: the prompt is in the ticket, and only the opener may rate', async () => {
		const bob = newMember({ dmsOpen: false });
		emu.expectFailures((failure) => failure.code === 50007);
		const { ticket, channelId } = await closedTicket(bob);
		const prompt = await waitForBotMessage(emu, channelId, (message) => customIdsOf(message).includes(`tickets:rate:${ticket.id}:5`), 'feedback prompt');
		expect(prompt.content).toContain(`<@${bob.id}>`);
		const where = { guildId: world.guild.id, channelId };
		const refused = await press(emu, where, world.staff.id, prompt.id, `tickets:rate:${ticket.id}:5`).waitForReply();
		expect(refused.content).toContain('Only the member who opened ticket');
		expect((await ticketNow(service, ticket.id)).rating).toBeNull();
		await press(emu, where, bob.id, prompt.id, `tickets:rate:${ticket.id}:5`).response;
		await waitForTicket(service, ticket.id, (row) => row.rating === 5, 'rated');
	});

	it('a ticket open again cannot be rated; with feedback off nothing is asked', async () => {
		const carol = newMember();
		const { ticket } = await closedTicket(carol);
		const dm = await promptInDms(carol.id);
		await vi.waitFor(async () => expect((await service.closing.reopen(world.guild.id, ticket.id, world.staff.id)).kind).toBe('reopened'));
		const refused = await press(emu, { channelId: dm.channelId }, carol.id, dm.message.id, `tickets:rate:${ticket.id}:3`).waitForReply();
		expect(refused.content).toContain('is open again');
		expect((await ticketNow(service, ticket.id)).rating).toBeNull();

		await service.ctx.updateConfig(world.guild.id, () => ({ feedback: false }));
		const dave = newMember();
		await closedTicket(dave);
		expect(emu.dms.sent(dave.id).filter((sent) => customIdsOf(sent.message).length > 0)).toEqual([]);
	});
});
