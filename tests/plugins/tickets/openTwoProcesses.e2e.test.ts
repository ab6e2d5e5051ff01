/**
 * Ticket numbers across two bot processes sharing PostgreSQL and Redis (issue 10, "Done when"): 100 tickets opened at
 * once, half through each process (the child holds the other shard, so it reads the guild and acts through REST only),
 * get numbers 1 to 100, none twice, each with its channel; the type's category fills to Discord's 50 channels and the
 * other 50 land in one overflow category "Tickets 2", made once (the overflow lock) although both processes needed it.
 */
import { DiscordEmulator, type GuildHandle, type MemberView } from '@hearth/discord-emulator';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ticketsPlugin } from '../../../src/plugins/tickets/index.js';
import type { OpenOutcome, OpenRequest } from '../../../src/plugins/tickets/service/opening.js';
import { startChildBot, type ChildBot, type ChildPluginSpec } from '../../helpers/childBot.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { allTickets, configure, service, ticketType } from './openHelpers.js';

const ticketsSpec: ChildPluginSpec = { module: new URL('../../../src/plugins/tickets/index.ts', import.meta.url).href, exports: ['ticketsPlugin'] };

let emu: DiscordEmulator;
let bot: TestBot;
let child: ChildBot | undefined;
let guild: GuildHandle;
let categoryId: string;
const members: MemberView[] = [];

beforeAll(async () => {
	emu = await DiscordEmulator.start({ shardCount: 2 });
	guild = emu.world.createGuild({ name: 'Busy', shard: [0, 2] });
	categoryId = guild.createChannel({ name: 'Tickets', type: ChannelType.GuildCategory }).id;
	for (let index = 0; index < 20; index++) members.push(guild.addMember({ username: `member${index}` }));
	const staff = guild.createRole({ name: 'Support', permissions: PermissionFlagsBits.ViewChannel });
	bot = await startTestBot({ emulator: emu, plugins: [ticketsPlugin], env: { SHARD_COUNT: '2', SHARD_IDS: '0' } });
	await configure(bot, guild.id, { types: [ticketType({ id: 'support', name: 'Support', categoryId, staffRoleIds: [staff.id], maxOpenPerMember: 5 })] });
	child = await startChildBot({ emulator: emu, database: bot.database, redisPrefix: bot.redisPrefix, plugins: [ticketsSpec], env: { SHARD_COUNT: '2', SHARD_IDS: '1' } });
}, 120_000);

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await child?.kill();
	await bot?.stop();
	await emu?.stop();
});

describe('two processes', () => {
	it('100 tickets opened at once through both get numbers 1 to 100, 50 in the category and 50 in one overflow category', async () => {
		const open = (index: number): Promise<OpenOutcome> => {
			const member = members[index % members.length]!;
			const request: OpenRequest = { guildId: guild.id, typeId: 'support', panelId: null, userId: member.id, username: member.user.username, roleIds: [], answers: null };
			return index % 2 === 0 ? service(bot).opening.open(request) : (child!.callPath('tickets', 'opening.open', request) as Promise<OpenOutcome>);
		};
		const outcomes = await Promise.all(Array.from({ length: 100 }, (_, index) => open(index)));
		const numbers = outcomes.map((outcome) => (outcome.kind === 'opened' ? outcome.ticket.number : `refused: ${JSON.stringify(outcome.problem)}`));
		expect([...numbers].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 100 }, (_, index) => index + 1));

		const tickets = await allTickets(bot, guild.id);
		expect(tickets).toHaveLength(100);
		expect(tickets.every((ticket) => ticket.status === 'open')).toBe(true);
		const overflow = guild.channels.filter((channel) => channel.type === ChannelType.GuildCategory && channel.name.startsWith('Tickets'));
		expect(overflow.map((category) => category.name).sort()).toEqual(['Tickets', 'Tickets 2']);
		const categoriesMade = emu.recorder.calls('POST /guilds/:id/channels').filter((call) => call.status === 201 && (call.body as { type?: number } | undefined)?.type === ChannelType.GuildCategory);
		expect(categoriesMade).toHaveLength(1);
		// Both processes met the full category (Discord's 50035) and needed the overflow category.
		const fullAnswers = emu.failures.filter((failure) => failure.code === 50035);
		expect(fullAnswers.length).toBeGreaterThan(0);
		const channelsIn = (parentId: string) => guild.channels.filter((channel) => channel.type === ChannelType.GuildText && 'parent_id' in channel && channel.parent_id === parentId).map((channel) => channel.id);
		const inBase = channelsIn(categoryId);
		const inOverflow = channelsIn(overflow.find((category) => category.name === 'Tickets 2')!.id);
		expect([inBase.length, inOverflow.length]).toEqual([50, 50]);
		// Every channel is a ticket's, and every ticket has its channel.
		expect(new Set([...inBase, ...inOverflow])).toEqual(new Set(tickets.map((ticket) => ticket.channelId)));
	}, 120_000);
});
