/**
 * Reactions as Discord documents them (resources/message "Create Reaction" ... "Delete All Reactions for Emoji",
 * "Reaction Object"; events/gateway-events "Message Reaction Add" ... "Remove Emoji"; JSON error codes 10014, 30010,
 * 50013): the bot's REST routes, members reacting through `emu.reactions`, the message's `reactions`, permissions,
 * the 20-emoji limit, intents and who may see the events.
 */
import { ChannelType, GatewayIntentBits as I, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, DiscordEmulator, type GuildHandle } from '../index.js';
import { RawGateway } from './helpers/raw-gateway.js';
import { restClient } from './helpers/rest.js';

let emu: DiscordEmulator;
let api: ReturnType<typeof restClient>;
let withReactions: RawGateway;
let withoutReactions: RawGateway;

const TICKET = '🎫';
const CUSTOM = 'ticket:123456789012345678';

beforeAll(async () => {
	emu = await DiscordEmulator.start({ shardCount: 2 });
	api = restClient(emu);
	withReactions = await RawGateway.connect(emu.gatewayUrl);
	withReactions.identify(emu.bot.token, I.Guilds | I.GuildMessages | I.GuildMessageReactions | I.DirectMessageReactions, [0, 2]);
	await withReactions.dispatch('READY');
	withoutReactions = await RawGateway.connect(emu.gatewayUrl);
	withoutReactions.identify(emu.bot.token, I.Guilds | I.GuildMessages, [1, 2]);
	await withoutReactions.dispatch('READY');
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	withReactions.close();
	withoutReactions.close();
	await emu.stop();
});

/** Data of the dispatches named `t` sent after `seq` (on any shard). */
function sentSince(seq: number, t: string): any[] {
	return emu.recorder.gateway.filter((record) => record.seq > seq && record.direction === 'send' && record.t === t).map((record) => record.d);
}

/** A guild on shard 0 (the session with the reaction intents) with #tickets, a message by alice in it, and bob. */
function setup(options: { botPermissions?: bigint; everyonePermissions?: bigint; shard?: 0 | 1 } = {}) {
	const guild = emu.world.createGuild({
		name: 'Reactions',
		shard: [options.shard ?? 0, 2],
		...(options.botPermissions === undefined ? {} : { botPermissions: options.botPermissions }),
		...(options.everyonePermissions === undefined ? {} : { everyonePermissions: options.everyonePermissions })
	});
	const channel = guild.createChannel({ name: 'tickets', type: ChannelType.GuildText }).id;
	const alice = guild.addMember({ username: 'alice' }).id;
	const bob = guild.addMember({ username: 'bob' }).id;
	const message = emu.messages.send({ channelId: channel, userId: alice, content: 'React to open a ticket' }).id;
	return { guild, channel, alice, bob, message, path: `/channels/${channel}/messages/${message}/reactions` };
}

function reactionsOn(guild: GuildHandle, channel: string, message: string) {
	return guild.messages(channel).find((stored) => stored.id === message)?.reactions;
}

describe('the bot reacts (REST)', () => {
	test('Unicode (URL-encoded) and custom name:id emojis: 204, MESSAGE_REACTION_ADD, the message\'s reactions', async () => {
		const { guild, channel, message, path } = setup();
		const seq = emu.recorder.seq;
		expect((await api('PUT', `${path}/${encodeURIComponent(TICKET)}/@me`)).status).toBe(204);
		expect((await api('PUT', `${path}/${CUSTOM}/@me`)).status).toBe(204);
		expect((await api('PUT', `${path}/a:party:223456789012345678/@me`)).status).toBe(204);
		const [add] = sentSince(seq, 'MESSAGE_REACTION_ADD');
		expect(add).toEqual({
			user_id: emu.bot.id,
			channel_id: channel,
			message_id: message,
			guild_id: guild.id,
			member: expect.objectContaining({ user: expect.objectContaining({ id: emu.bot.id }), roles: [guild.botRoleId] }),
			emoji: { id: null, name: TICKET },
			message_author_id: guild.messages(channel)[0]!.author.id,
			burst: false,
			burst_colors: [],
			type: 0
		});
		expect(sentSince(seq, 'MESSAGE_REACTION_ADD').map((event) => event.emoji)).toEqual([
			{ id: null, name: TICKET },
			{ id: '123456789012345678', name: 'ticket' },
			{ id: '223456789012345678', name: 'party', animated: true }
		]);
		const fetched = (await api('GET', `/channels/${channel}/messages/${message}`)).body;
		expect(fetched.reactions[0]).toEqual({
			count: 1,
			count_details: { burst: 0, normal: 1 },
			me: true,
			me_burst: false,
			emoji: { id: null, name: TICKET },
			burst_colors: []
		});
		expect(fetched.reactions).toHaveLength(3);
		// Reacting again changes nothing and sends nothing.
		const again = emu.recorder.seq;
		expect((await api('PUT', `${path}/${encodeURIComponent(TICKET)}/@me`)).status).toBe(204);
		expect(sentSince(again, 'MESSAGE_REACTION_ADD')).toEqual([]);
		expect(reactionsOn(guild, channel, message)?.[0]?.count).toBe(1);
	});

	test('anything else is 404 10014 Unknown Emoji; an unknown message is 10008', async () => {
		emu.expectFailures((failure) => failure.code === 10014 || failure.code === 10008);
		const { channel, path } = setup();
		expect(await api('PUT', `${path}/ticket/@me`)).toMatchObject({ status: 404, body: { code: 10014, message: 'Unknown Emoji' } });
		expect((await api('PUT', `${path}/${encodeURIComponent('🎫🎫')}/@me`)).body.code).toBe(10014);
		expect((await api('PUT', `${path}/ticket:12/@me`)).body.code).toBe(10014);
		expect((await api('PUT', `/channels/${channel}/messages/123456789012345678/reactions/${encodeURIComponent(TICKET)}/@me`)).body.code).toBe(10008);
	});

	test('ADD_REACTIONS only for an emoji nobody used yet, READ_MESSAGE_HISTORY always (50013)', async () => {
		emu.expectFailures((failure) => failure.code === 50013);
		const noAdd = setup({ botPermissions: DEFAULT_BOT_PERMISSIONS & ~P.AddReactions, everyonePermissions: DEFAULT_EVERYONE_PERMISSIONS & ~P.AddReactions });
		expect((await api('PUT', `${noAdd.path}/${encodeURIComponent(TICKET)}/@me`)).body).toEqual({ code: 50013, message: 'Missing Permissions' });
		// A member whose role grants ADD_REACTIONS uses the emoji first; then the bot (and bob) may add to it.
		const starter = noAdd.guild.addMember({ username: 'starter', permissions: P.AddReactions }).id;
		emu.reactions.add({ channelId: noAdd.channel, messageId: noAdd.message, userId: starter, emoji: TICKET });
		expect((await api('PUT', `${noAdd.path}/${encodeURIComponent(TICKET)}/@me`)).status).toBe(204);
		expect(() => emu.reactions.add({ channelId: noAdd.channel, messageId: noAdd.message, userId: noAdd.bob, emoji: '✅' })).toThrow(/ADD_REACTIONS/);
		emu.reactions.add({ channelId: noAdd.channel, messageId: noAdd.message, userId: noAdd.bob, emoji: TICKET });
		expect(emu.reactions.on(noAdd.channel, noAdd.message)).toEqual([expect.objectContaining({ count: 3, me: true })]);

		const noHistory = setup({ botPermissions: DEFAULT_BOT_PERMISSIONS & ~P.ReadMessageHistory, everyonePermissions: DEFAULT_EVERYONE_PERMISSIONS & ~P.ReadMessageHistory });
		expect((await api('PUT', `${noHistory.path}/${encodeURIComponent(TICKET)}/@me`)).body.code).toBe(50013);
	});

	test('a 21st distinct emoji is 400 30010; more of an existing one is fine', async () => {
		emu.expectFailures((failure) => failure.code === 30010);
		const { guild, channel, message, bob, path } = setup();
		for (let index = 0; index < 20; index++) {
			expect((await api('PUT', `${path}/e${index}:1000000000000000${String(index).padStart(2, '0')}/@me`)).status).toBe(204);
		}
		const refused = await api('PUT', `${path}/${encodeURIComponent(TICKET)}/@me`);
		expect(refused).toMatchObject({ status: 400, body: { code: 30010, message: 'Maximum number of reactions reached (20)' } });
		expect(() => emu.reactions.add({ channelId: channel, messageId: message, userId: bob, emoji: TICKET })).toThrow(/30010/);
		emu.reactions.add({ channelId: channel, messageId: message, userId: bob, emoji: 'e3:100000000000000003' });
		expect(emu.reactions.users(channel, message, 'e3:100000000000000003')).toEqual([emu.bot.id, bob]);
		expect(reactionsOn(guild, channel, message)).toHaveLength(20);
		expect(reactionsOn(guild, channel, message)![3]).toMatchObject({ count: 2, me: true });
	});
});

describe('members react by hand (emu.reactions)', () => {
	test('add and remove: MESSAGE_REACTION_ADD with member, REMOVE without, counts and me; Get Reactions pages users by id', async () => {
		const { guild, channel, message, alice, bob, path } = setup();
		const carol = guild.addMember({ username: 'carol' }).id;
		let seq = emu.recorder.seq;
		expect(emu.reactions.add({ channelId: channel, messageId: message, userId: bob, emoji: TICKET })).toMatchObject({ count: 1, me: false, emoji: { id: null, name: TICKET } });
		emu.reactions.add({ channelId: channel, messageId: message, userId: alice, emoji: TICKET });
		emu.reactions.add({ channelId: channel, messageId: message, userId: carol, emoji: `<:ticket:${CUSTOM.split(':')[1]}>` });
		expect(sentSince(seq, 'MESSAGE_REACTION_ADD').map((event) => [event.user_id, event.member.user.id, event.message_author_id])).toEqual([
			[bob, bob, alice],
			[alice, alice, alice],
			[carol, carol, alice]
		]);
		expect(emu.reactions.users(channel, message, TICKET)).toEqual([alice, bob].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
		const users = (await api('GET', `${path}/${encodeURIComponent(TICKET)}`)).body;
		expect(users.map((user: { id: string }) => user.id)).toEqual(emu.reactions.users(channel, message, TICKET));
		expect(users[0]).toMatchObject({ username: expect.any(String), discriminator: '0' });
		const [first, second] = emu.reactions.users(channel, message, TICKET);
		expect((await api('GET', `${path}/${encodeURIComponent(TICKET)}?limit=1`)).body.map((user: { id: string }) => user.id)).toEqual([first]);
		expect((await api('GET', `${path}/${encodeURIComponent(TICKET)}?after=${first}`)).body.map((user: { id: string }) => user.id)).toEqual([second]);
		expect((await api('GET', `${path}/${encodeURIComponent(TICKET)}?type=1`)).body).toEqual([]);
		expect((await api('GET', `${path}/${encodeURIComponent('✅')}`)).body).toEqual([]);

		seq = emu.recorder.seq;
		expect(emu.reactions.remove({ channelId: channel, messageId: message, userId: bob, emoji: TICKET })).toMatchObject({ count: 1 });
		expect(sentSince(seq, 'MESSAGE_REACTION_REMOVE')).toEqual([
			{ user_id: bob, channel_id: channel, message_id: message, guild_id: guild.id, emoji: { id: null, name: TICKET }, burst: false, type: 0 }
		]);
		expect(() => emu.reactions.remove({ channelId: channel, messageId: message, userId: bob, emoji: TICKET })).toThrow(/has not reacted/);
		expect(() => emu.reactions.remove({ channelId: channel, messageId: message, userId: alice, emoji: TICKET, actorId: bob })).toThrow(/ManageMessages/);
		expect(emu.reactions.remove({ channelId: channel, messageId: message, userId: alice, emoji: TICKET, actorId: guild.ownerId })).toBeNull();
		expect(emu.reactions.on(channel, message).map((reaction) => reaction.emoji.name)).toEqual(['ticket']);
	});

	test('a member who cannot see the channel, is timed out, or writes in an archived thread cannot react', async () => {
		const { guild, channel, message, bob } = setup();
		const hidden = guild.createChannel({ name: 'staff', type: ChannelType.GuildText, permissionOverwrites: [{ id: guild.everyoneRoleId, type: 0, deny: P.ViewChannel }] }).id;
		const staffMessage = emu.messages.send({ channelId: hidden, userId: guild.ownerId, content: 'staff only' }).id;
		expect(() => emu.reactions.add({ channelId: hidden, messageId: staffMessage, userId: bob, emoji: TICKET })).toThrow(/cannot see #staff/);
		guild.updateMember(bob, { communicationDisabledUntil: new Date(emu.clock.now() + 60_000).toISOString() });
		expect(() => emu.reactions.add({ channelId: channel, messageId: message, userId: bob, emoji: TICKET })).toThrow(/timed-out/);
		const thread = emu.threads.create({ channelId: channel, userId: guild.ownerId, name: 'old', type: ChannelType.PublicThread }).id;
		const inThread = emu.messages.send({ channelId: thread, userId: guild.ownerId, content: 'in a thread' }).id;
		emu.threads.edit({ threadId: thread, actorId: guild.ownerId, archived: true });
		expect(() => emu.reactions.add({ channelId: thread, messageId: inThread, userId: guild.ownerId, emoji: TICKET })).toThrow(/archived \(50083\)/);
		emu.expectFailures((failure) => failure.code === 50083);
		expect((await api('PUT', `/channels/${thread}/messages/${inThread}/reactions/${encodeURIComponent(TICKET)}/@me`)).body.code).toBe(50083);
	});

	test('a DM recipient reacts to the bot\'s DM: MESSAGE_REACTION_ADD without guild_id nor member, on shard 0', async () => {
		const { bob } = setup();
		const dm = (await api('POST', '/users/@me/channels', { recipient_id: bob })).body.id;
		const sent = (await api('POST', `/channels/${dm}/messages`, { content: 'Your ticket is open' })).body.id;
		const seq = emu.recorder.seq;
		emu.reactions.add({ channelId: dm, messageId: sent, userId: bob, emoji: '👍' });
		const [event] = sentSince(seq, 'MESSAGE_REACTION_ADD');
		expect(event).toEqual({ user_id: bob, channel_id: dm, message_id: sent, emoji: { id: null, name: '👍' }, message_author_id: emu.bot.id, burst: false, burst_colors: [], type: 0 });
		expect(emu.recorder.gateway.find((record) => record.seq > seq && record.t === 'MESSAGE_REACTION_ADD')?.shardId).toBe(0);
	});
});

describe('removing reactions (REST)', () => {
	test('own, another user\'s (MANAGE_MESSAGES), one emoji, all: the matching events; the message loses `reactions`', async () => {
		const { guild, channel, message, bob, path } = setup();
		emu.reactions.add({ channelId: channel, messageId: message, userId: bob, emoji: TICKET });
		emu.reactions.add({ channelId: channel, messageId: message, userId: bob, emoji: '✅' });
		await api('PUT', `${path}/${encodeURIComponent(TICKET)}/@me`);
		let seq = emu.recorder.seq;
		expect((await api('DELETE', `${path}/${encodeURIComponent(TICKET)}/@me`)).status).toBe(204);
		expect((await api('DELETE', `${path}/${encodeURIComponent(TICKET)}/${bob}`)).status).toBe(204);
		expect(sentSince(seq, 'MESSAGE_REACTION_REMOVE').map((event) => event.user_id)).toEqual([emu.bot.id, bob]);
		expect(reactionsOn(guild, channel, message)!.map((reaction) => reaction.emoji.name)).toEqual(['✅']);
		seq = emu.recorder.seq;
		expect((await api('DELETE', `${path}/${encodeURIComponent('✅')}`)).status).toBe(204);
		expect(sentSince(seq, 'MESSAGE_REACTION_REMOVE_EMOJI')).toEqual([{ channel_id: channel, guild_id: guild.id, message_id: message, emoji: { id: null, name: '✅' } }]);
		emu.reactions.add({ channelId: channel, messageId: message, userId: bob, emoji: TICKET });
		seq = emu.recorder.seq;
		expect((await api('DELETE', path)).status).toBe(204);
		expect(sentSince(seq, 'MESSAGE_REACTION_REMOVE_ALL')).toEqual([{ channel_id: channel, message_id: message, guild_id: guild.id }]);
		expect(reactionsOn(guild, channel, message)).toBeUndefined();
		expect((await api('GET', `/channels/${channel}/messages/${message}`)).body).not.toHaveProperty('reactions');
	});

	test('without MANAGE_MESSAGES: another user\'s reaction, an emoji, all are 50013; in a DM 50003', async () => {
		emu.expectFailures((failure) => failure.code === 50013 || failure.code === 50003);
		const { channel, message, bob, path } = setup({ botPermissions: DEFAULT_BOT_PERMISSIONS & ~P.ManageMessages });
		emu.reactions.add({ channelId: channel, messageId: message, userId: bob, emoji: TICKET });
		expect((await api('DELETE', `${path}/${encodeURIComponent(TICKET)}/${bob}`)).body.code).toBe(50013);
		expect((await api('DELETE', `${path}/${encodeURIComponent(TICKET)}`)).body.code).toBe(50013);
		expect((await api('DELETE', path)).body.code).toBe(50013);
		expect(emu.reactions.users(channel, message, TICKET)).toEqual([bob]);
		const dm = (await api('POST', '/users/@me/channels', { recipient_id: bob })).body.id;
		const sent = (await api('POST', `/channels/${dm}/messages`, { content: 'hi' })).body.id;
		emu.reactions.add({ channelId: dm, messageId: sent, userId: bob, emoji: TICKET });
		expect((await api('DELETE', `/channels/${dm}/messages/${sent}/reactions/${encodeURIComponent(TICKET)}/${bob}`)).body.code).toBe(50003);
	});

	test('deleting the message forgets its reactions', async () => {
		emu.expectFailures((failure) => failure.code === 10008);
		const { channel, message, bob, path } = setup();
		emu.reactions.add({ channelId: channel, messageId: message, userId: bob, emoji: TICKET });
		expect((await api('DELETE', `/channels/${channel}/messages/${message}`)).status).toBe(204);
		expect((await api('GET', `${path}/${encodeURIComponent(TICKET)}`)).body.code).toBe(10008);
	});
});

describe('who receives reaction events', () => {
	test('a session without GUILD_MESSAGE_REACTIONS gets none', () => {
		const { channel, message, bob } = setup({ shard: 1 });
		const seq = emu.recorder.seq;
		emu.reactions.add({ channelId: channel, messageId: message, userId: bob, emoji: TICKET });
		emu.reactions.remove({ channelId: channel, messageId: message, userId: bob, emoji: TICKET });
		expect(emu.recorder.dispatchesSince(seq)).toEqual([]);
		expect(emu.reactions.on(channel, message)).toEqual([]);
	});

	test('reactions in a private thread reach only a bot that can see it', () => {
		const { guild, channel, alice } = setup({ botPermissions: DEFAULT_BOT_PERMISSIONS & ~P.ManageThreads });
		const thread = emu.threads.create({ channelId: channel, userId: alice, name: 'ticket' }).id;
		const inThread = emu.messages.send({ channelId: thread, userId: alice, content: 'secret' }).id;
		let seq = emu.recorder.seq;
		emu.reactions.add({ channelId: thread, messageId: inThread, userId: alice, emoji: TICKET });
		expect(sentSince(seq, 'MESSAGE_REACTION_ADD')).toEqual([]);
		emu.threads.addMember({ threadId: thread, actorId: alice, userId: emu.bot.id });
		seq = emu.recorder.seq;
		emu.reactions.remove({ channelId: thread, messageId: inThread, userId: alice, emoji: TICKET });
		expect(sentSince(seq, 'MESSAGE_REACTION_REMOVE')).toEqual([expect.objectContaining({ channel_id: thread, guild_id: guild.id })]);
	});
});
