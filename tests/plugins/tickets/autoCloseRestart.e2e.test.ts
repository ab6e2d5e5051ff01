/**
 * Auto-close survives a SIGKILL and a restart (issue 10, "auto-close after a SIGKILL and restart"): a ticket's
 * auto-close job is armed by one bot, which then goes away; a bot in its own process takes the job over, posts the
 * inactivity warning and is killed with SIGKILL (nothing flushed); a fresh process, started on the same PostgreSQL and
 * Redis, closes the ticket when the warning time is up — exactly once, with its transcript and notice.
 */
import { DiscordEmulator } from '@hearth/discord-emulator';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { Redis } from 'ioredis';
import { ticketsPlugin } from '../../../src/plugins/tickets/index.js';
import { AUTO_CLOSE_TASK, autoCloseKeys } from '../../../src/plugins/tickets/service/closing.js';
import { testRedisUrl } from '../../../tools/infra.js';
import { startChildBot, type ChildBot } from '../../helpers/childBot.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { MINUTE, START } from '../moderation/e2eHelpers.js';
import { botMessages, configureTickets, createTicketWorld, openTestTicket, ticketNow, ticketsService, waitForBotMessage, type TicketWorld } from './closeHelpers.js';

const INACTIVE = 60 * MINUTE;
const WARNING = 30 * MINUTE;
const PLUGINS = [{ module: new URL('../../../src/plugins/tickets/index.ts', import.meta.url).href, exports: ['ticketsPlugin'] }];

let emu: DiscordEmulator;
let clock: ManualClock;
let first: TestBot | null = null;
let bot: TestBot | null = null;
let world: TicketWorld;
const children: ChildBot[] = [];

beforeAll(async () => {
	clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock, identifyIntervalMs: 0 });
	world = createTicketWorld(emu);
}, 60_000);

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) await child.kill();
	await bot?.stop();
	await first?.cleanup();
	await emu?.stop();
});

/** Moves the emulator's clock and the child's together (the child promotes the jobs its clock reached). */
async function advance(child: ChildBot, ms: number): Promise<void> {
	clock.advance(ms);
	await child.clock!.advance(ms);
}

it('the job armed by one process warns in a second and, after that one is SIGKILLed, closes the ticket in a third', async () => {
	// The first bot arms the job with the ticket, then goes away (its database and Redis keys stay).
	first = await startTestBot({ emulator: emu, clock, plugins: [ticketsPlugin] });
	const service = ticketsService(first);
	await configureTickets(first, world, service, { autoCloseInactiveSeconds: INACTIVE / 1_000, autoCloseWarningSeconds: WARNING / 1_000, feedback: false });
	const alice = world.guild.addMember({ username: 'alice' });
	const { ticket, channelId } = await openTestTicket(first, world, service, clock, alice);
	emu.messages.send({ channelId, userId: alice.id, content: 'Please help' });
	await vi.waitFor(async () => expect(await service.activity.lastActivity(channelId)).toBe(clock.now()));
	const wroteAt = clock.now();
	const { database, redisPrefix } = first;
	await first.crash();

	// A bot in its own process takes the job over: the warning an hour after the message.
	const second = await startChildBot({ emulator: emu, database, redisPrefix, clockStartMs: clock.now(), plugins: PLUGINS });
	children.push(second);
	await advance(second, INACTIVE);
	await waitForBotMessage(emu, channelId, (message) => message.content.includes('No messages here'), 'inactivity warning');
	expect(clock.now()).toBe(wroteAt + INACTIVE);
	// Killed in the middle of the warning time, once the job that warned has re-armed itself (under its other key) and
	// finished: the ticket's one job is in Redis only.
	const [armed, rearmed] = autoCloseKeys(ticket.id).map((key) => `${AUTO_CLOSE_TASK}/${world.guild.id}/${key}`);
	const redis = new Redis(testRedisUrl);
	try {
		await vi.waitFor(async () => {
			expect(await redis.zscore(`${redisPrefix}bull:tasks:delayed`, rearmed!)).not.toBeNull();
			expect(await redis.zscore(`${redisPrefix}bull:tasks:completed`, armed!)).not.toBeNull();
		});
	} finally {
		redis.disconnect();
	}
	await second.kill();

	// A fresh process on the same database and Redis: the ticket closes when the warning time is up, once.
	clock.advance(WARNING - 1_000);
	const third = await startChildBot({ emulator: emu, database, redisPrefix, clockStartMs: clock.now(), plugins: PLUGINS });
	children.push(third);
	expect(botMessages(emu, channelId, (message) => message.content.includes('was closed by'))).toHaveLength(0);
	await advance(third, 1_000);
	await waitForBotMessage(emu, channelId, (message) => message.content.includes('was closed by'), 'closed notice').catch((error: unknown) => {
		process.stderr.write(`${third.logs.lines.slice(-40).join('\n')}\n`);
		throw error;
	});
	await third.stop();

	// Read back through a bot in this process again (the data are the ones the child wrote).
	bot = await startTestBot({ emulator: emu, clock, plugins: [ticketsPlugin], database, redisPrefix });
	const closed = await ticketNow(ticketsService(bot), ticket.id);
	expect(closed).toMatchObject({ status: 'closed', closedById: emu.bot.id, closedAt: wroteAt + INACTIVE + WARNING, closeReason: 'no messages for 1 hour' });
	expect(botMessages(emu, channelId, (message) => message.content.includes('No messages here'))).toHaveLength(1);
	expect(botMessages(emu, channelId, (message) => message.content.includes('was closed by'))).toHaveLength(1);
	await waitForBotMessage(emu, world.transcriptChannelId, (message) => message.content.includes(`<@${alice.id}>`), 'transcript');
}, 120_000);
