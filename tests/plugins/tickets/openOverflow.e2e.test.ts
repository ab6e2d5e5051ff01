/**
 * Overflow categories (issue 10): Discord holds 50 channels in a category (the emulator answers a 51st with 400 50035
 * CHANNEL_PARENT_MAX_CHANNELS). A ticket of a type whose category is full goes in "<name> 2" (made with the base
 * category's overwrites, then reused), and an overflow category left empty when its last ticket channel is deleted is
 * removed (`removeEmptyOverflow`, which the closing side calls), never the type's own category. When the overflow
 * category cannot be made, the open is refused with a translated reason and nothing is left behind.
 */
import { DiscordEmulator, type GuildHandle, type MemberView } from '@hearth/discord-emulator';
import { ChannelType, PermissionFlagsBits, type APITextChannel } from 'discord-api-types/v10';
import type { Guild, TextChannel } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { ticketsPlugin } from '../../../src/plugins/tickets/index.js';
import { removeEmptyOverflow } from '../../../src/plugins/tickets/service/channels.js';
import type { OpenOutcome } from '../../../src/plugins/tickets/service/opening.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { START } from '../moderation/e2eHelpers.js';
import { allTickets, configure, service, ticketType } from './openHelpers.js';

const P = PermissionFlagsBits;

let emu: DiscordEmulator;
let bot: TestBot;
let guild: GuildHandle;
let staffRole: string;
let baseId: string;
let memberCount = 0;

const newMember = (): MemberView => guild.addMember({ username: `member${++memberCount}` });
const discordGuild = (): Guild => bot.handle.client.guilds.cache.get(guild.id)!;
const categories = () => guild.channels.filter((channel) => channel.type === ChannelType.GuildCategory).map((channel) => channel.name);

function open(typeId: string, member: MemberView = newMember()): Promise<OpenOutcome> {
	return service(bot).opening.open({ guildId: guild.id, typeId, panelId: null, userId: member.id, username: member.user.username, roleIds: [], answers: null });
}

function opened(outcome: OpenOutcome) {
	if (outcome.kind !== 'opened') throw new Error(`refused: ${JSON.stringify(outcome.problem)}`);
	return outcome.ticket;
}

/** Deletes a ticket channel as the bot (as the closing side does) and waits until its cache no longer has it. */
async function deleteChannel(channelId: string): Promise<void> {
	await (discordGuild().channels.cache.get(channelId) as TextChannel).delete();
	await vi.waitFor(() => expect(discordGuild().channels.cache.has(channelId)).toBe(false));
}

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	guild = emu.world.createGuild({ name: 'Busy support' });
	staffRole = guild.createRole({ name: 'Support' }).id;
	baseId = guild.createChannel({
		name: 'Tickets',
		type: ChannelType.GuildCategory,
		permissionOverwrites: [
			{ id: guild.everyoneRoleId, type: 0, deny: P.ViewChannel },
			{ id: staffRole, type: 0, allow: P.ViewChannel },
			{ id: guild.botRoleId, type: 0, allow: P.ViewChannel }
		]
	}).id;
	for (let index = 0; index < 50; index++) guild.createChannel({ name: `old-${index}`, type: ChannelType.GuildText, parentId: baseId });
	bot = await startTestBot({ emulator: emu, plugins: [ticketsPlugin], clock: new ManualClock(START) });
	await configure(bot, guild.id, { types: [ticketType({ id: 'support', name: 'Support', categoryId: baseId, staffRoleIds: [staffRole], maxOpenPerMember: 5 })] });
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('past 50 channels in a category', () => {
	it('opens in "Tickets 2" with the base category’s overwrites, reuses it, and removes it once empty', async () => {
		const first = opened(await open('support'));
		const overflow = guild.channels.find((channel) => channel.name === 'Tickets 2')!;
		expect(overflow.type).toBe(ChannelType.GuildCategory);
		expect(first.parentId).toBe(overflow.id);
		expect((guild.channel(first.channelId!) as APITextChannel).parent_id).toBe(overflow.id);
		const base = guild.channel(baseId) as { permission_overwrites: { id: string; allow: string; deny: string }[] };
		const copied = (overflow as { permission_overwrites: { id: string; allow: string; deny: string }[] }).permission_overwrites;
		expect(copied.map(({ id, allow, deny }) => ({ id, allow, deny }))).toEqual(base.permission_overwrites.map(({ id, allow, deny }) => ({ id, allow, deny })));

		const second = opened(await open('support'));
		expect(second.parentId).toBe(overflow.id);
		expect(categories().filter((name) => name.startsWith('Tickets'))).toEqual(['Tickets', 'Tickets 2']);

		// Not empty yet: kept. The base category is never removed, even empty of tickets.
		await deleteChannel(first.channelId!);
		expect(await removeEmptyOverflow(discordGuild(), overflow.id)).toBe(false);
		expect(await removeEmptyOverflow(discordGuild(), baseId)).toBe(false);
		await deleteChannel(second.channelId!);
		expect(await removeEmptyOverflow(discordGuild(), overflow.id)).toBe(true);
		expect(guild.channel(overflow.id)).toBeUndefined();
		expect(categories().filter((name) => name.startsWith('Tickets'))).toEqual(['Tickets']);
	});

	it('uses an overflow category that has room before making another, and the next free number', async () => {
		// "Tickets 3" exists (left from before) with room; "Tickets 2" does not: the ticket goes in "Tickets 3".
		const three = guild.createChannel({ name: 'Tickets 3', type: ChannelType.GuildCategory });
		await vi.waitFor(() => expect(discordGuild().channels.cache.has(three.id)).toBe(true));
		const inThree = opened(await open('support'));
		expect(inThree.parentId).toBe(three.id);
		// Fill "Tickets 3": the next overflow category made is "Tickets 2", the lowest free number.
		for (let index = 0; index < 49; index++) guild.createChannel({ name: `filler-${index}`, type: ChannelType.GuildText, parentId: three.id });
		await vi.waitFor(() => expect(discordGuild().channels.cache.filter((channel) => channel.parentId === three.id).size).toBe(50));
		const inTwo = opened(await open('support'));
		expect(guild.channel(inTwo.parentId!)).toMatchObject({ name: 'Tickets 2', type: ChannelType.GuildCategory });
	});

	it('a stale cache (the category filled behind the bot’s back) is corrected by Discord’s answer', async () => {
		const two = guild.channels.find((channel) => channel.name === 'Tickets 2')!;
		// The bot believes "Tickets 2" has room: fill it without the bot knowing (its cache is left as it was).
		const cached = discordGuild().channels.cache.filter((channel) => channel.parentId === two.id).size;
		const fillers: string[] = [];
		for (let index = cached; index < 50; index++) fillers.push(guild.createChannel({ name: `hidden-${index}`, type: ChannelType.GuildText, parentId: two.id }).id);
		await vi.waitFor(() => expect(fillers.every((id) => discordGuild().channels.cache.has(id))).toBe(true));
		for (const id of fillers) discordGuild().channels.cache.delete(id);
		emu.expectFailures((failure) => failure.code === 50035);
		const next = opened(await open('support'));
		expect(guild.channel(next.parentId!)).toMatchObject({ name: 'Tickets 4', type: ChannelType.GuildCategory });
	});
});

describe('when no overflow category can be made', () => {
	it('refuses with a translated reason and leaves nothing behind', async () => {
		// A full category whose overwrites grant a permission the bot does not hold: Discord refuses to copy them.
		const strict = guild.createChannel({ name: 'Strict', type: ChannelType.GuildCategory, permissionOverwrites: [{ id: staffRole, type: 0, allow: P.ManageWebhooks }] });
		for (let index = 0; index < 50; index++) guild.createChannel({ name: `strict-${index}`, type: ChannelType.GuildText, parentId: strict.id });
		await service(bot).ctx.updateConfig(guild.id, (current) => ({ types: [...current.types, ticketType({ id: 'strict', name: 'Strict', categoryId: strict.id })] }));
		await vi.waitFor(() => expect(discordGuild().channels.cache.filter((channel) => channel.parentId === strict.id).size).toBe(50));
		const before = { tickets: (await allTickets(bot, guild.id)).length, channels: guild.channels.length };
		emu.expectFailures((failure) => failure.code === 50013);
		const outcome = await open('strict');
		expect(outcome).toEqual({ kind: 'refused', problem: { kind: 'place', failure: 'category-full' } });
		expect({ tickets: (await allTickets(bot, guild.id)).length, channels: guild.channels.length }).toEqual(before);
	});
});
