/**
 * Opens cut short by a crash (issue 10: "no ticket is half-created"), the real bot on the Discord emulator: a process
 * that dies after taking a ticket's number (the row `opening`) leaves either no channel or a channel without an open
 * row. After a restart, the start-up reconcile settles every `opening` row older than a minute (its channel or thread
 * found by name is kept and the ticket marked open, indexed and welcomed; without one the row is removed), queues the
 * repair of younger ones (run by the task a minute after the open), and puts every open ticket back in the Redis index.
 */
import { DiscordEmulator, type GuildHandle, type MemberView } from '@hearth/discord-emulator';
import { ChannelType } from 'discord-api-types/v10';
import type { TextChannel } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { ticketsPlugin } from '../../../src/plugins/tickets/index.js';
import { ticketName } from '../../../src/plugins/tickets/lib/naming.js';
import * as store from '../../../src/plugins/tickets/service/store.js';
import type { TicketRecord } from '../../../src/plugins/tickets/service/store.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { START } from '../moderation/e2eHelpers.js';
import { botMessages, configure, service, ticketType } from './openHelpers.js';

let emu: DiscordEmulator;
let bot: TestBot;
let clock: ManualClock;
let guild: GuildHandle;
let categoryId: string;
let threadParentId: string;
let memberCount = 0;

const newMember = (): MemberView => guild.addMember({ username: `member${++memberCount}` });

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	guild = emu.world.createGuild({ name: 'Crashy' });
	categoryId = guild.createChannel({ name: 'Tickets', type: ChannelType.GuildCategory }).id;
	threadParentId = guild.createChannel({ name: 'support', type: ChannelType.GuildText }).id;
	clock = new ManualClock(START);
	bot = await startTestBot({ emulator: emu, plugins: [ticketsPlugin], clock });
	await configure(bot, guild.id, {
		types: [ticketType({ id: 'support', name: 'Support', categoryId }), ticketType({ id: 'appeal', name: 'Appeal', mode: 'thread', channelId: threadParentId })]
	});
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

/** What a crashed open leaves: the `opening` row with its number (and, with `place`, the channel or thread it made). */
async function cutShort(typeId: 'support' | 'appeal', opener: MemberView, place: boolean): Promise<TicketRecord> {
	const mode = typeId === 'support' ? 'channel' : 'thread';
	const row = await service(bot)
		.ctx.em()
		.transactional((tx) =>
			store.insertOpening(
				tx,
				{ guildId: guild.id, typeId, mode, parentId: mode === 'channel' ? categoryId : threadParentId, openerId: opener.id, answers: [], now: clock.now() },
				{ maxOpenPerMember: 1, maxOpenTotal: null, cooldownSeconds: 0 }
			)
		);
	if (place) {
		const discordGuild = bot.handle.client.guilds.cache.get(guild.id)!;
		const name = ticketName(mode, '{number}-{username}', { number: row.number, username: opener.user.username, type: typeId });
		if (mode === 'channel') await discordGuild.channels.create({ name, type: ChannelType.GuildText, parent: categoryId });
		else {
			const thread = await (discordGuild.channels.cache.get(threadParentId) as TextChannel).threads.create({ name, type: ChannelType.PrivateThread, invitable: false });
			await thread.members.add(opener.id);
		}
	}
	return row;
}

describe('after a crash in the middle of opens', () => {
	it('keeps the channel or thread made and marks it open, removes a row without one, repairs a younger row a minute later, reindexes', async () => {
		const normal = await service(bot).opening.open({ guildId: guild.id, typeId: 'support', panelId: null, userId: newMember().id, username: 'normal', roleIds: [], answers: null });
		if (normal.kind !== 'opened') throw new Error('not opened');
		const withChannel = await cutShort('support', newMember(), true);
		const withThread = await cutShort('appeal', newMember(), true);
		const without = await cutShort('support', newMember(), false);
		clock.advance(30_000);
		const young = await cutShort('support', newMember(), false);
		await service(bot).ctx.redis.del(service(bot).activity.channelsKey);

		await bot.crash();
		clock.advance(40_000); // the three first rows are 70 s old, the young one 40 s
		bot = await startTestBot({ emulator: emu, plugins: [ticketsPlugin], clock, database: bot.database, redisPrefix: bot.redisPrefix });
		const em = () => service(bot).ctx.em();

		const kept = (await store.findById(em(), withChannel.id))!;
		expect(kept.status).toBe('open');
		const channel = guild.channel(kept.channelId!)!;
		expect(channel).toMatchObject({ type: ChannelType.GuildText, parent_id: categoryId });
		expect(botMessages(emu, guild, kept.channelId!)[0]!.id).toBe(kept.welcomeMessageId);
		const keptThread = (await store.findById(em(), withThread.id))!;
		expect(keptThread.status).toBe('open');
		expect(guild.channel(keptThread.channelId!)).toMatchObject({ type: ChannelType.PrivateThread, parent_id: threadParentId });
		expect(await store.findById(em(), without.id)).toBeNull();
		expect((await store.findById(em(), young.id))!.status).toBe('opening');

		const index = await service(bot).ctx.redis.hgetall(service(bot).activity.channelsKey);
		expect(index).toEqual({ [normal.channelId]: String(normal.ticket.id), [kept.channelId!]: String(kept.id), [keptThread.channelId!]: String(keptThread.id) });

		// The young row's repair runs a minute after its open.
		clock.advance(30_000);
		await vi.waitFor(async () => expect(await store.findById(em(), young.id)).toBeNull(), { timeout: 10_000 });
		expect((await store.findById(em(), normal.ticket.id))!.status).toBe('open');
	});
});
