/**
 * `/tickets stats [period]` (admin/stats.ts, service/stats.ts), the real bot on the Discord emulator with tickets
 * written through the store (service/store.ts `insertOpening`, `markOpen`, `updateTicket`) at known times: open now,
 * opened and closed in the period, medians of the time to a first staff answer and to close (PostgreSQL's
 * `percentile_cont`, the mean of the two middle values for an even count), the average rating, per type and per
 * claimer; a longer period takes in older tickets; another guild's tickets never count.
 */
import { DiscordEmulator, type GuildHandle, type MemberView, type MessageView } from '@hearth/discord-emulator';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { ticketsPlugin } from '../../../src/plugins/tickets/index.js';
import * as store from '../../../src/plugins/tickets/service/store.js';
import type { TicketService } from '../../../src/plugins/tickets/service/TicketService.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { DAY, HOUR, MINUTE, START, type CommandOptions } from '../moderation/e2eHelpers.js';
import { enableTickets, ticketsCommand, ticketsService } from './e2eHelpers.js';

let emu: DiscordEmulator;
let bot: TestBot;
let service: TicketService;
let guild: GuildHandle;
let admin: MemberView;
let staffA: MemberView;
let staffB: MemberView;
let channelSeq = 0;

/** `/tickets stats` as the admin in `where`. */
function stats(options: CommandOptions = {}, where: GuildHandle = guild): Promise<MessageView> {
	return ticketsCommand(emu, where, admin, 'stats', options);
}

/** What one stored ticket went through, times relative to its creation (ms). */
interface Story {
	typeId: string;
	/** When it was opened: ms before the clock's now. */
	ago: number;
	firstReplyAfter?: number;
	closedAfter?: number;
	claimer?: string;
	rating?: number;
}

/** Writes a ticket as the opening and closing sides would: inserted `opening`, marked open, then updated. */
async function storeTicket(where: GuildHandle, story: Story): Promise<void> {
	const createdAt = START - story.ago;
	const opened = await service.ctx.em().transactional((tx) =>
		store.insertOpening(
			tx as never,
			{ guildId: where.id, typeId: story.typeId, mode: 'channel', parentId: null, openerId: `3000000000000000${String(++channelSeq).padStart(2, '0')}`, answers: [], now: createdAt },
			{ maxOpenPerMember: 50, maxOpenTotal: null, cooldownSeconds: 0 }
		)
	);
	await store.markOpen(service.ctx.em(), opened.id, `4000000000000000${String(channelSeq).padStart(2, '0')}`, null);
	await store.updateTicket(service.ctx.em(), opened.id, {
		...(story.firstReplyAfter === undefined ? {} : { first_staff_reply_at: createdAt + story.firstReplyAfter }),
		...(story.closedAfter === undefined ? {} : { status: 'closed', closed_at: createdAt + story.closedAfter }),
		...(story.claimer === undefined ? {} : { claimer_id: story.claimer }),
		...(story.rating === undefined ? {} : { rating: story.rating })
	});
}

beforeAll(async () => {
	const clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock });
	guild = emu.world.createGuild({ name: 'Support' });
	admin = guild.addMember({ username: 'admin', permissions: PermissionFlagsBits.ManageGuild });
	staffA = guild.addMember({ username: 'ana' });
	staffB = guild.addMember({ username: 'ben' });
	bot = await startTestBot({ emulator: emu, clock, plugins: [ticketsPlugin] });
	service = ticketsService(bot);
	await enableTickets(bot, guild);
	await service.ctx.updateConfig(guild.id, () => ({
		types: [
			{ id: 'support', name: 'Support' },
			{ id: 'report', name: 'Report' }
		]
	}));
	const stories: Story[] = [
		{ typeId: 'support', ago: 10 * DAY, firstReplyAfter: 10 * MINUTE, closedAfter: 2 * HOUR, claimer: staffA.id, rating: 5 },
		{ typeId: 'support', ago: 5 * DAY, firstReplyAfter: 20 * MINUTE, closedAfter: 4 * HOUR, claimer: staffA.id, rating: 4 },
		{ typeId: 'support', ago: 2 * DAY, firstReplyAfter: HOUR, claimer: staffB.id },
		{ typeId: 'report', ago: DAY, closedAfter: HOUR, rating: 2 },
		{ typeId: 'report', ago: 3 * HOUR },
		// Older than 30 days: only in the 60-day stats.
		{ typeId: 'support', ago: 40 * DAY, firstReplyAfter: 5 * MINUTE, closedAfter: 30 * MINUTE, claimer: staffB.id, rating: 1 }
	];
	for (const story of stories) await storeTicket(guild, story);
	// Another guild's tickets never count.
	const elsewhere = emu.world.createGuild({ name: 'Elsewhere' });
	await storeTicket(elsewhere, { typeId: 'support', ago: DAY, firstReplyAfter: MINUTE, closedAfter: MINUTE, claimer: staffA.id, rating: 1 });
}, 60_000);

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('/tickets stats', () => {
	it('over the last 30 days: open now, opened and closed, medians, average rating, per type and per claimer', async () => {
		const answer = await stats();
		expect(answer.ephemeral).toBe(true);
		expect(answer.embeds).toHaveLength(1);
		const embed = answer.embeds[0]!;
		expect(embed.title).toBe('Ticket stats over the last 30 days');
		expect(embed.description).toBe(
			[
				'Open now: **2**',
				'Opened: **5**, of which closed: **3**',
				// 10, 20 and 60 minutes.
				'Median time to a first staff answer: **20 minutes**',
				// 2 hours, 4 hours, 1 hour.
				'Median time to close: **2 hours**',
				'Average rating: **3.67/5 (ratings: 3)**'
			].join('\n')
		);
		expect(embed.fields).toEqual([
			{
				name: 'Per ticket type',
				value: [
					'`support` Support: open now 1 · opened 3, closed 2 · first answer 20 minutes · close 3 hours · rating 4.5/5 (ratings: 2)',
					'`report` Report: open now 1 · opened 2, closed 1 · first answer no data · close 1 hour · rating 2/5 (ratings: 1)'
				].join('\n')
			},
			{
				name: 'Per staff member (tickets they claimed)',
				value: [
					// Two tickets: the medians are the means of the two (15 minutes, 3 hours).
					`<@${staffA.id}>: claimed 2, closed 2 · first answer 15 minutes · close 3 hours · rating 4.5/5 (ratings: 2)`,
					`<@${staffB.id}>: claimed 1, closed 0 · first answer 1 hour · close no data · rating no data`
				].join('\n')
			}
		]);
		expect(embed.footer?.text).toBe('Counted over the tickets opened in the period; "open now" counts every open ticket.');
	});

	it('a longer period takes in the older tickets', async () => {
		const embed = (await stats({ period: '60d' })).embeds[0]!;
		expect(embed.title).toBe('Ticket stats over the last 60 days');
		expect(embed.description).toBe(
			[
				'Open now: **2**',
				'Opened: **6**, of which closed: **4**',
				// 5, 10, 20 and 60 minutes: the mean of 10 and 20.
				'Median time to a first staff answer: **15 minutes**',
				// 30 minutes, 1, 2 and 4 hours: the mean of 1 and 2 hours.
				'Median time to close: **1 hour, 30 minutes**',
				'Average rating: **3/5 (ratings: 4)**'
			].join('\n')
		);
		expect(embed.fields![1]!.value).toContain(`<@${staffB.id}>: claimed 2, closed 1 · first answer 32 minutes, 30 seconds · close 30 minutes · rating 1/5 (ratings: 1)`);
	});

	it('a period with no tickets shows zeros and no data; a bad period is refused', async () => {
		const embed = (await stats({ period: '1h' })).embeds[0]!;
		expect(embed.description).toBe(
			['Open now: **2**', 'Opened: **0**, of which closed: **0**', 'Median time to a first staff answer: **no data**', 'Median time to close: **no data**', 'Average rating: **no data**'].join(
				'\n'
			)
		);
		expect(embed.fields![0]!.value).toBe(
			[
				'`report` Report: open now 1 · opened 0, closed 0 · first answer no data · close no data · rating no data',
				'`support` Support: open now 1 · opened 0, closed 0 · first answer no data · close no data · rating no data'
			].join('\n')
		);
		const refused = await stats({ period: 'forever' });
		expect(refused.ephemeral).toBe(true);
		expect(refused.content).toBe('`forever` is not a duration. Write it like 30m, 2h, 1d 12h or 1w.');
		expect((await stats({ period: '10m' })).content).toBe('That duration must be between 1 hour and 366 days.');
	});

	it('is written in the guild\'s language', async () => {
		const french = emu.world.createGuild({ name: 'Assistance', preferredLocale: 'fr' });
		french.addMember({ username: 'admin', userId: admin.id, permissions: PermissionFlagsBits.ManageGuild });
		await enableTickets(bot, french);
		const embed = (await stats({}, french)).embeds[0]!;
		// Intl.DurationFormat puts a no-break space between the number and the unit.
		expect(embed.title).toMatch(/^Statistiques des tickets sur une période de 30\sjours$/);
		expect(embed.description).toContain('Délai médian avant fermeture : **pas de données**');
	});
});
