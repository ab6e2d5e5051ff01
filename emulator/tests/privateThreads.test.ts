/**
 * Private threads (type 12) and thread members, as Discord documents them (resources/channel "Start Thread without
 * Message", "Add / Remove Thread Member", "Get / List Thread Members"; topics/threads; topics/permissions): who can
 * see a private thread (its members, and moderators with MANAGE_THREADS in the parent), 403 50001 on its REST routes
 * for a bot that cannot, no gateway event about it for such a bot, THREAD_CREATE and THREAD_MEMBERS_UPDATE when the
 * bot is added, and archiving and locking.
 */
import { AuditLogEvent, ChannelType, GatewayIntentBits as I, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, DiscordEmulator, type GuildHandle } from '../index.js';
import { RawGateway } from './helpers/raw-gateway.js';
import { restClient } from './helpers/rest.js';

let emu: DiscordEmulator;
let gateway: RawGateway;
let api: ReturnType<typeof restClient>;

const BOT_WITHOUT_MANAGE_THREADS = DEFAULT_BOT_PERMISSIONS & ~P.ManageThreads;

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	api = restClient(emu);
	gateway = await RawGateway.connect(emu.gatewayUrl);
	gateway.identify(emu.bot.token, I.Guilds | I.GuildMembers | I.GuildMessages | I.MessageContent | I.GuildModeration);
	await gateway.dispatch('READY');
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	gateway.close();
	await emu.stop();
});

/** Data of the dispatches named `t` sent to the bot after `seq`. */
function sentSince(seq: number, t: string): any[] {
	return emu.recorder.gateway.filter((record) => record.seq > seq && record.direction === 'send' && record.t === t).map((record) => record.d);
}

/** A guild with #tickets, members alice, bob and a moderator (MANAGE_THREADS); the bot holds MANAGE_THREADS unless `manageThreads: false`. */
function ticketsGuild(manageThreads: boolean) {
	const guild = emu.world.createGuild({ name: `Tickets ${manageThreads ? 'mod' : 'plain'} bot`, ...(manageThreads ? {} : { botPermissions: BOT_WITHOUT_MANAGE_THREADS }) });
	const tickets = guild.createChannel({ name: 'tickets', type: ChannelType.GuildText }).id;
	const alice = guild.addMember({ username: 'alice' }).id;
	const bob = guild.addMember({ username: 'bob' }).id;
	const mod = guild.addMember({ username: 'mod', permissions: P.ManageThreads }).id;
	return { guild, tickets, alice, bob, mod };
}

function ids(members: { user_id?: string }[]): string[] {
	return members.map((member) => member.user_id!);
}

describe('creating a private thread (POST /channels/{channel_id}/threads, type 12)', () => {
	test('the bot starts one: 201, owner and first member the bot, invitable as asked, THREAD_CREATE newly_created', async () => {
		const { guild, tickets } = ticketsGuild(true);
		const seq = emu.recorder.seq;
		const created = await api('POST', `/channels/${tickets}/threads`, { name: 'ticket-1', type: ChannelType.PrivateThread, invitable: false, auto_archive_duration: 4320 });
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({
			type: ChannelType.PrivateThread,
			parent_id: tickets,
			owner_id: emu.bot.id,
			member_count: 1,
			thread_metadata: { archived: false, locked: false, invitable: false, auto_archive_duration: 4320 }
		});
		const [event] = sentSince(seq, 'THREAD_CREATE');
		expect(event).toMatchObject({ id: created.body.id, newly_created: true, thread_metadata: { invitable: false } });
		expect(ids(guild.threadMembers(created.body.id))).toEqual([emu.bot.id]);
		// Without `type` Discord still makes a private thread (the documented default).
		expect((await api('POST', `/channels/${tickets}/threads`, { name: 'default' })).body.type).toBe(ChannelType.PrivateThread);
	});

	test('needs CREATE_PRIVATE_THREADS (50013) and a GUILD_TEXT channel (50024 in an announcement channel)', async () => {
		emu.expectFailures((failure) => failure.code === 50013 || failure.code === 50024);
		const guild = emu.world.createGuild({
			name: 'No private threads',
			everyonePermissions: DEFAULT_EVERYONE_PERMISSIONS & ~P.CreatePrivateThreads,
			botPermissions: DEFAULT_BOT_PERMISSIONS & ~P.CreatePrivateThreads
		});
		const text = guild.createChannel({ name: 'text', type: ChannelType.GuildText }).id;
		expect((await api('POST', `/channels/${text}/threads`, { name: 'x', type: ChannelType.PrivateThread })).body.code).toBe(50013);
		expect((await api('POST', `/channels/${text}/threads`, { name: 'x', type: ChannelType.PublicThread })).status).toBe(201);
		const news = ticketsGuild(true).guild.createChannel({ name: 'news', type: ChannelType.GuildAnnouncement }).id;
		expect((await api('POST', `/channels/${news}/threads`, { name: 'x', type: ChannelType.PrivateThread })).body).toMatchObject({ code: 50024 });
	});
});

describe('thread members over REST', () => {
	test('add, list (with_member, after, limit), get one, remove: THREAD_MEMBERS_UPDATE each time, 404 10007 for a non-member', async () => {
		emu.expectFailures((failure) => failure.code === 10007);
		const { guild, tickets, alice, bob } = ticketsGuild(true);
		const thread = (await api('POST', `/channels/${tickets}/threads`, { name: 'ticket', type: ChannelType.PrivateThread })).body.id as string;
		let seq = emu.recorder.seq;
		expect((await api('PUT', `/channels/${thread}/thread-members/${alice}`)).status).toBe(204);
		const [added] = sentSince(seq, 'THREAD_MEMBERS_UPDATE');
		expect(added).toMatchObject({ id: thread, guild_id: guild.id, member_count: 2, added_members: [{ id: thread, user_id: alice, flags: 0, member: { user: { id: alice } }, presence: null }] });
		seq = emu.recorder.seq;
		expect((await api('PUT', `/channels/${thread}/thread-members/${alice}`)).status).toBe(204);
		expect(sentSince(seq, 'THREAD_MEMBERS_UPDATE')).toEqual([]);
		await api('PUT', `/channels/${thread}/thread-members/${bob}`);

		const listed = (await api('GET', `/channels/${thread}/thread-members`)).body;
		expect(ids(listed).sort()).toEqual([emu.bot.id, alice, bob].sort());
		expect(listed[0]).not.toHaveProperty('member');
		const sorted = [emu.bot.id, alice, bob].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
		const page = (await api('GET', `/channels/${thread}/thread-members?with_member=true&limit=1&after=${sorted[0]}`)).body;
		expect(page).toEqual([expect.objectContaining({ user_id: sorted[1], member: expect.objectContaining({ user: expect.objectContaining({ id: sorted[1] }) }) })]);
		expect((await api('GET', `/channels/${thread}/thread-members/${alice}`)).body).toMatchObject({ id: thread, user_id: alice, flags: 0 });
		expect((await api('GET', `/channels/${thread}/thread-members/${alice}?with_member=true`)).body.member.user.id).toBe(alice);

		seq = emu.recorder.seq;
		expect((await api('DELETE', `/channels/${thread}/thread-members/${bob}`)).status).toBe(204);
		expect(sentSince(seq, 'THREAD_MEMBERS_UPDATE')).toEqual([expect.objectContaining({ removed_member_ids: [bob], member_count: 2 })]);
		expect((await api('GET', `/channels/${thread}/thread-members/${bob}`))).toMatchObject({ status: 404, body: { code: 10007 } });
		expect(ids(guild.threadMembers(thread))).toEqual([emu.bot.id, alice]);
		expect(ids(emu.threads.members(thread))).toEqual([emu.bot.id, alice]);
	});

	test('invitable false: a bot without MANAGE_THREADS cannot add people (50013); removing needs MANAGE_THREADS or being the private thread\'s creator', async () => {
		emu.expectFailures((failure) => failure.code === 50013);
		const { guild, tickets, alice, bob } = ticketsGuild(false);
		const closed = (await api('POST', `/channels/${tickets}/threads`, { name: 'closed', type: ChannelType.PrivateThread, invitable: false })).body.id;
		expect((await api('PUT', `/channels/${closed}/thread-members/${alice}`)).body.code).toBe(50013);
		const open = (await api('POST', `/channels/${tickets}/threads`, { name: 'open', type: ChannelType.PrivateThread })).body.id;
		expect((await api('PUT', `/channels/${open}/thread-members/${alice}`)).status).toBe(204);
		// The bot created `open`, so it may remove people from it without MANAGE_THREADS.
		expect((await api('DELETE', `/channels/${open}/thread-members/${alice}`)).status).toBe(204);
		// A public thread someone else started: removing a member needs MANAGE_THREADS.
		const publicThread = emu.threads.create({ channelId: tickets, userId: bob, name: 'public', type: ChannelType.PublicThread }).id;
		emu.threads.join({ threadId: publicThread, userId: alice });
		expect((await api('DELETE', `/channels/${publicThread}/thread-members/${alice}`)).body.code).toBe(50013);
		expect(guild.threadMembers(publicThread).map((member) => member.user_id)).toEqual([bob, alice]);
	});
});

describe('who can see a private thread', () => {
	test('a bot neither in it nor holding MANAGE_THREADS: no THREAD_CREATE, no MESSAGE_CREATE, 403 50001 on its routes', async () => {
		emu.expectFailures((failure) => failure.code === 50001);
		const { guild, tickets, alice, bob, mod } = ticketsGuild(false);
		const seq = emu.recorder.seq;
		const thread = emu.threads.create({ channelId: tickets, userId: alice, name: 'alice-ticket' }).id;
		emu.messages.send({ channelId: thread, userId: alice, content: 'my secret problem' });
		expect(sentSince(seq, 'THREAD_CREATE')).toEqual([]);
		expect(sentSince(seq, 'MESSAGE_CREATE')).toEqual([]);
		for (const [method, path] of [
			['GET', `/channels/${thread}`],
			['GET', `/channels/${thread}/messages`],
			['POST', `/channels/${thread}/messages`],
			['PUT', `/channels/${thread}/thread-members/@me`],
			['GET', `/channels/${thread}/thread-members`]
		] as const) {
			const answer = await api(method, path, method === 'POST' ? { content: 'hi' } : undefined);
			expect([path, answer.status, answer.body]).toEqual([path, 403, { code: 50001, message: 'Missing Access' }]);
		}
		expect((await api('GET', `/guilds/${guild.id}/threads/active`)).body.threads).toEqual([]);
		expect([alice, bob, mod, emu.bot.id].map((userId) => guild.canView(userId, thread))).toEqual([true, false, true, false]);
		expect(emu.threads.canView(thread, bob)).toBe(false);
		// Discord's client does not show bob the thread, so he cannot write there; a moderator can (and joins it).
		expect(() => emu.messages.send({ channelId: thread, userId: bob, content: 'let me in' })).toThrow(/cannot see private thread alice-ticket/);
		emu.messages.send({ channelId: thread, userId: mod, content: 'on it' });
		expect(ids(guild.threadMembers(thread))).toEqual([alice, mod]);
		expect(sentSince(seq, 'THREAD_MEMBERS_UPDATE')).toEqual([]);
	});

	test('added by a member, the bot gets THREAD_CREATE (with its thread member), then THREAD_MEMBERS_UPDATE, then the thread\'s messages; after leaving, nothing again', async () => {
		emu.expectFailures((failure) => failure.code === 50001);
		const { tickets, alice } = ticketsGuild(false);
		const thread = emu.threads.create({ channelId: tickets, userId: alice, name: 'needs-bot' }).id;
		let seq = emu.recorder.seq;
		emu.threads.addMember({ threadId: thread, actorId: alice, userId: emu.bot.id });
		expect(emu.recorder.dispatchesSince(seq)).toEqual(['THREAD_CREATE', 'THREAD_MEMBERS_UPDATE']);
		const [created] = sentSince(seq, 'THREAD_CREATE');
		expect(created).toMatchObject({ id: thread, type: ChannelType.PrivateThread, member: { id: thread, user_id: emu.bot.id, flags: 0 } });
		expect(created).not.toHaveProperty('newly_created');
		expect(sentSince(seq, 'THREAD_MEMBERS_UPDATE')[0]).toMatchObject({ added_members: [{ user_id: emu.bot.id }] });
		const channel = await api('GET', `/channels/${thread}`);
		expect(channel.body).toMatchObject({ id: thread, member: { user_id: emu.bot.id } });
		emu.messages.send({ channelId: thread, userId: alice, content: 'hello bot' });
		expect(sentSince(seq, 'MESSAGE_CREATE').map((message) => message.content)).toEqual(['hello bot']);

		seq = emu.recorder.seq;
		expect((await api('DELETE', `/channels/${thread}/thread-members/@me`)).status).toBe(204);
		// Always told when it is removed, even though it can no longer see the thread.
		expect(sentSince(seq, 'THREAD_MEMBERS_UPDATE')).toEqual([expect.objectContaining({ id: thread, removed_member_ids: [emu.bot.id] })]);
		emu.messages.send({ channelId: thread, userId: alice, content: 'are you there?' });
		expect(sentSince(seq, 'MESSAGE_CREATE')).toEqual([]);
		expect((await api('GET', `/channels/${thread}/messages`)).status).toBe(403);
	});

	test('a bot with MANAGE_THREADS sees private threads it is not in (events and routes), as a moderator does', async () => {
		const { guild, tickets, alice } = ticketsGuild(true);
		const seq = emu.recorder.seq;
		const thread = emu.threads.create({ channelId: tickets, userId: alice, name: 'visible' }).id;
		emu.messages.send({ channelId: thread, userId: alice, content: 'seen' });
		expect(sentSince(seq, 'THREAD_CREATE')).toEqual([expect.objectContaining({ id: thread, newly_created: true })]);
		expect(sentSince(seq, 'MESSAGE_CREATE').map((message) => message.content)).toEqual(['seen']);
		expect((await api('GET', `/channels/${thread}/messages`)).body.map((message: { content: string }) => message.content)).toEqual(['seen']);
		expect((await api('GET', `/guilds/${guild.id}/threads/active`)).body.threads.map((channel: { id: string }) => channel.id)).toEqual([thread]);
		// A parent channel the bot cannot view hides its threads too, MANAGE_THREADS or not.
		emu.expectFailures((failure) => failure.code === 50001);
		const hidden = guild.createChannel({ name: 'staff', type: ChannelType.GuildText, permissionOverwrites: [{ id: guild.botRoleId, type: 0, deny: P.ViewChannel }] }).id;
		const staff = guild.addMember({ username: 'staff', permissions: P.Administrator }).id;
		const staffThread = emu.threads.create({ channelId: hidden, userId: staff, name: 'staff-only', type: ChannelType.PublicThread }).id;
		expect((await api('GET', `/channels/${staffThread}`)).body.code).toBe(50001);
	});

	test('GUILD_CREATE lists only the threads the bot can see', async () => {
		const guild = emu.world.createGuild({ name: 'Joined later', botMember: false });
		const tickets = guild.createChannel({ name: 'tickets', type: ChannelType.GuildText }).id;
		const alice = guild.addMember({ username: 'alice' }).id;
		const hiddenThread = emu.threads.create({ channelId: tickets, userId: alice, name: 'private' }).id;
		const publicThread = emu.threads.create({ channelId: tickets, userId: alice, name: 'public', type: ChannelType.PublicThread }).id;
		const seq = emu.recorder.seq;
		guild.addBot({ botPermissions: BOT_WITHOUT_MANAGE_THREADS });
		const [created] = sentSince(seq, 'GUILD_CREATE');
		expect(created.threads.map((thread: { id: string }) => thread.id)).toEqual([publicThread]);
		expect(created.threads.map((thread: { id: string }) => thread.id)).not.toContain(hiddenThread);
	});

	test('without the GUILD_MEMBERS intent THREAD_MEMBERS_UPDATE comes only when the bot itself is added or removed', async () => {
		const other = await DiscordEmulator.start();
		const plain = await RawGateway.connect(other.gatewayUrl);
		try {
			plain.identify(other.bot.token, I.Guilds);
			await plain.dispatch('READY');
			const guild: GuildHandle = other.world.createGuild({ name: 'No members intent' });
			const tickets = guild.createChannel({ name: 'tickets', type: ChannelType.GuildText }).id;
			const alice = guild.addMember({ username: 'alice' }).id;
			const thread = other.threads.create({ channelId: tickets, userId: alice, name: 't', type: ChannelType.PublicThread }).id;
			const seq = other.recorder.seq;
			other.threads.join({ threadId: thread, userId: guild.ownerId });
			other.threads.addMember({ threadId: thread, actorId: alice, userId: other.bot.id });
			const updates = other.recorder.gateway.filter((record) => record.seq > seq && record.t === 'THREAD_MEMBERS_UPDATE').map((record) => record.d as any);
			expect(updates).toEqual([expect.objectContaining({ added_members: [expect.objectContaining({ user_id: other.bot.id })] })]);
		} finally {
			plain.close();
			await other.stop();
		}
	});
});

describe('archiving and locking', () => {
	test('an archived thread: edits other than unarchiving are 50083, members cannot be added (50083), a member\'s message unarchives it', async () => {
		emu.expectFailures((failure) => failure.code === 50083);
		const { tickets, alice } = ticketsGuild(false);
		const thread = (await api('POST', `/channels/${tickets}/threads`, { name: 'ticket', type: ChannelType.PrivateThread })).body.id;
		await api('PUT', `/channels/${thread}/thread-members/${alice}`);
		let seq = emu.recorder.seq;
		// The bot created it: it may archive it without MANAGE_THREADS.
		const archived = await api('PATCH', `/channels/${thread}`, { archived: true });
		expect(archived.body.thread_metadata).toMatchObject({ archived: true, locked: false });
		expect(sentSince(seq, 'THREAD_UPDATE')[0].thread_metadata.archived).toBe(true);
		expect((await api('PATCH', `/channels/${thread}`, { name: 'renamed' })).body.code).toBe(50083);
		expect((await api('PUT', `/channels/${thread}/thread-members/${alice}`)).body.code).toBe(50083);
		expect(() => emu.threads.addMember({ threadId: thread, actorId: alice, userId: emu.bot.id })).toThrow(/archived/);
		seq = emu.recorder.seq;
		emu.messages.send({ channelId: thread, userId: alice, content: 'still broken' });
		expect(emu.recorder.dispatchesSince(seq)).toEqual(['THREAD_UPDATE', 'THREAD_MEMBER_UPDATE', 'MESSAGE_CREATE']);
		expect(sentSince(seq, 'THREAD_UPDATE')[0].thread_metadata.archived).toBe(false);
		expect(sentSince(seq, 'THREAD_MEMBER_UPDATE')[0]).toMatchObject({ id: thread, user_id: emu.bot.id });
	});

	test('locking needs MANAGE_THREADS; a locked thread refuses messages of those without it (160005), archived and locked refuses all (50083)', async () => {
		emu.expectFailures((failure) => [50013, 50083, 160005].includes(failure.code ?? 0));
		const { guild, tickets, alice, mod } = ticketsGuild(false);
		const thread = (await api('POST', `/channels/${tickets}/threads`, { name: 'ticket', type: ChannelType.PrivateThread })).body.id;
		emu.threads.addMember({ threadId: thread, actorId: mod, userId: alice });
		expect((await api('PATCH', `/channels/${thread}`, { locked: true })).body.code).toBe(50013);
		expect(() => emu.threads.edit({ threadId: thread, actorId: alice, locked: true })).toThrow(/MANAGE_THREADS/);
		const locked = emu.threads.edit({ threadId: thread, actorId: mod, locked: true });
		expect(locked).toMatchObject({ thread_metadata: { locked: true, archived: false } });
		expect(guild.auditLog.at(-1)).toMatchObject({
			action_type: AuditLogEvent.ThreadUpdate,
			user_id: mod,
			target_id: thread,
			changes: [{ key: 'locked', old_value: false, new_value: true }]
		});
		expect((await api('POST', `/channels/${thread}/messages`, { content: 'hi' })).body).toEqual({ code: 160005, message: 'Thread is locked' });
		expect(() => emu.messages.send({ channelId: thread, userId: alice, content: 'hello?' })).toThrow(/locked/);
		emu.messages.send({ channelId: thread, userId: mod, content: 'moderators still can' });

		emu.threads.edit({ threadId: thread, actorId: mod, archived: true });
		expect((await api('PATCH', `/channels/${thread}`, { archived: false })).body.code).toBe(50013);
		expect(() => emu.threads.edit({ threadId: thread, actorId: alice, archived: false })).toThrow(/locked/);
		expect(() => emu.messages.send({ channelId: thread, userId: mod, content: 'x' })).toThrow(/archived and locked/);
		const reopened = emu.threads.edit({ threadId: thread, actorId: mod, archived: false, locked: false });
		expect(reopened).toMatchObject({ thread_metadata: { archived: false, locked: false } });
		expect((await api('POST', `/channels/${thread}/messages`, { content: 'back' })).status).toBe(200);
	});
});

describe('threads by hand', () => {
	test('create needs CREATE_PRIVATE_THREADS and a text channel; only moderators add people when invitable is false; removing needs MANAGE_THREADS or the creator', () => {
		const guild = emu.world.createGuild({ name: 'By hand', everyonePermissions: P.ViewChannel | P.SendMessages | P.SendMessagesInThreads | P.ReadMessageHistory });
		const tickets = guild.createChannel({ name: 'tickets', type: ChannelType.GuildText }).id;
		const news = guild.createChannel({ name: 'news', type: ChannelType.GuildAnnouncement }).id;
		const plain = guild.addMember({ username: 'plain' }).id;
		const maker = guild.addMember({ username: 'maker', permissions: P.CreatePrivateThreads }).id;
		const mod = guild.addMember({ username: 'mod', permissions: P.ManageThreads }).id;
		const friend = guild.addMember({ username: 'friend' }).id;
		expect(() => emu.threads.create({ channelId: tickets, userId: plain, name: 'x' })).toThrow(/lacks CreatePrivateThreads/);
		expect(() => emu.threads.create({ channelId: news, userId: maker, name: 'x' })).toThrow(/text channel/);
		const closed = emu.threads.create({ channelId: tickets, userId: maker, name: 'closed', invitable: false }).id;
		expect(() => emu.threads.addMember({ threadId: closed, actorId: maker, userId: friend })).toThrow(/invitable is false/);
		expect(() => emu.threads.addMember({ threadId: closed, actorId: plain, userId: friend })).toThrow(/cannot see private thread/);
		emu.threads.addMember({ threadId: closed, actorId: mod, userId: friend });
		emu.threads.addMember({ threadId: closed, actorId: mod, userId: plain });
		expect(() => emu.threads.removeMember({ threadId: closed, actorId: friend, userId: plain })).toThrow(/lacks ManageThreads/);
		emu.threads.removeMember({ threadId: closed, actorId: maker, userId: plain });
		// The moderator sees the thread without being in it.
		expect(ids(emu.threads.members(closed))).toEqual([maker, friend]);
		expect(emu.threads.canView(closed, mod)).toBe(true);
		emu.threads.leave({ threadId: closed, userId: friend });
		expect(emu.threads.canView(closed, friend)).toBe(false);
	});
});
