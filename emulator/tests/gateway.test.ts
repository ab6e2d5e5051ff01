/**
 * The gateway protocol with raw frames: HELLO and heartbeats, IDENTIFY and READY, GUILD_CREATE per guild and shard
 * routing, intents, RESUME with replay, injected RECONNECT / INVALID_SESSION / closes, close codes for bad input,
 * the max_concurrency identify rule, Request Guild Members and zlib-stream transport compression.
 */
import { ChannelType, GatewayIntentBits as I } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DiscordEmulator, shardForGuild, type EmulatorOptions } from '../index.js';
import { RawGateway } from './helpers/raw-gateway.js';

let emu: DiscordEmulator;
const sockets: RawGateway[] = [];

async function start(options: EmulatorOptions = {}): Promise<DiscordEmulator> {
	emu = await DiscordEmulator.start(options);
	return emu;
}

async function connect(options: { zlibStream?: boolean } = {}): Promise<RawGateway> {
	const socket = await RawGateway.connect(emu.gatewayUrl, options);
	sockets.push(socket);
	return socket;
}

/** Connects and identifies; resolves once READY arrived. */
async function identified(intents: number, shard: [number, number] = [0, 1], extra: Record<string, unknown> = {}) {
	const socket = await connect();
	await socket.next((frame) => frame.op === 10);
	socket.identify(emu.bot.token, intents, shard, extra);
	const ready = await socket.dispatch('READY');
	return { socket, ready };
}

beforeEach(async () => {
	// These raw clients identify shard 0 several times in a row; the 5-second identify rule has its own test.
	await start({ identifyIntervalMs: 0 });
});

afterEach(async () => {
	for (const socket of sockets.splice(0)) socket.close();
	emu.assertNoFailures();
	await emu.stop();
});

describe('connection', () => {
	test('HELLO gives the heartbeat interval and a heartbeat is ACKed, even before IDENTIFY', async () => {
		const socket = await connect();
		const hello = await socket.next((frame) => frame.op === 10);
		expect(hello.d).toEqual({ heartbeat_interval: 41250 });
		socket.send(1, null);
		expect((await socket.next((frame) => frame.op === 11)).d).toBeNull();
	});

	test('READY carries the session, a resume_gateway_url back to the emulator and unavailable guilds', async () => {
		await emu.stop();
		await start({ shardCount: 2, identifyIntervalMs: 0 });
		const guilds = [0, 1, 0, 1].map((shard, index) => emu.world.createGuild({ name: `G${index}`, shard: [shard, 2] }));
		const { socket, ready } = await identified(I.Guilds, [1, 2]);
		const onShard1 = guilds.filter((guild) => shardForGuild(guild.id, 2) === 1).map((guild) => guild.id);
		expect(ready.s).toBe(1);
		expect(ready.d).toMatchObject({
			v: 10,
			user: { id: emu.bot.id, bot: true },
			resume_gateway_url: emu.gatewayUrl,
			shard: [1, 2],
			application: { id: emu.bot.applicationId }
		});
		expect(ready.d.session_id).toMatch(/^[0-9a-f]{32}$/);
		expect(ready.d.guilds).toEqual(onShard1.map((id) => ({ id, unavailable: true })));
		const creates = [await socket.dispatch('GUILD_CREATE'), await socket.dispatch('GUILD_CREATE')];
		expect(creates.map((frame) => frame.d.id)).toEqual(onShard1);
		expect(creates.map((frame) => frame.s)).toEqual([2, 3]);
	});

	test('GUILD_CREATE holds roles, channels, member_count and, with GUILD_VOICE_STATES, voice states and voice members', async () => {
		const guild = emu.world.createGuild({ name: 'Voice' });
		const voice = guild.channels.find((channel) => channel.type === ChannelType.GuildVoice)!;
		const talker = guild.addMember({ username: 'talker' });
		guild.addMember({ username: 'idle' });
		emu.voice.join(guild.id, talker.id, voice.id, { selfDeaf: true });
		const { socket } = await identified(I.Guilds | I.GuildVoiceStates);
		const create = (await socket.dispatch('GUILD_CREATE')).d;
		expect(create.member_count).toBe(4);
		expect(create.large).toBe(false);
		expect(create.unavailable).toBe(false);
		expect(create.joined_at).toMatch(/\+00:00$/);
		expect(create.roles.map((role: { name: string }) => role.name)).toEqual(['@everyone', 'Emulated Bot']);
		expect(create.channels.map((channel: { name: string }) => channel.name)).toEqual(['general', 'General']);
		expect(create.voice_states).toEqual([
			expect.objectContaining({ user_id: talker.id, channel_id: voice.id, self_deaf: true, session_id: expect.any(String) })
		]);
		expect(create.voice_states[0]).not.toHaveProperty('guild_id');
		// Without GUILD_PRESENCES: only the bot and members in voice.
		expect(create.members.map((member: { user: { id: string } }) => member.user.id).sort()).toEqual([emu.bot.id, talker.id].sort());
	});
});

describe('intents', () => {
	test('with GUILD_VOICE_STATES, join, mute and leave arrive as VOICE_STATE_UPDATE with guild_id and member', async () => {
		const guild = emu.world.createGuild({ name: 'Quiet' });
		const voice = guild.channels.find((channel) => channel.type === ChannelType.GuildVoice)!;
		const member = guild.addMember({ username: 'talker' });
		const seeing = await identified(I.Guilds | I.GuildVoiceStates | I.GuildMembers, [0, 1]);
		expect((await seeing.socket.dispatch('GUILD_CREATE')).d.voice_states).toEqual([]);
		emu.voice.join(guild.id, member.id, voice.id);
		emu.voice.update(guild.id, member.id, { selfMute: true });
		emu.voice.leave(guild.id, member.id);
		const events = [
			await seeing.socket.dispatch('VOICE_STATE_UPDATE'),
			await seeing.socket.dispatch('VOICE_STATE_UPDATE'),
			await seeing.socket.dispatch('VOICE_STATE_UPDATE')
		];
		expect(events.map((frame) => [frame.d.channel_id, frame.d.self_mute])).toEqual([
			[voice.id, false],
			[voice.id, true],
			[null, true]
		]);
		expect(events[0]!.d.member.user.id).toBe(member.id);
		expect(events[0]!.d.guild_id).toBe(guild.id);
	});

	test('a session without GUILD_VOICE_STATES gets no VOICE_STATE_UPDATE and no voice states', async () => {
		const guild = emu.world.createGuild({ name: 'Quiet' });
		const voice = guild.channels.find((channel) => channel.type === ChannelType.GuildVoice)!;
		const member = guild.addMember({ username: 'talker' });
		emu.voice.join(guild.id, member.id, voice.id);
		const { socket } = await identified(I.Guilds | I.GuildMembers);
		expect((await socket.dispatch('GUILD_CREATE')).d.voice_states).toEqual([]);
		emu.voice.update(guild.id, member.id, { selfDeaf: true });
		emu.members.join(guild.id, { username: 'newcomer' });
		await socket.dispatch('GUILD_MEMBER_ADD');
		expect(socket.received('VOICE_STATE_UPDATE')).toHaveLength(0);
	});

	test('without MESSAGE_CONTENT, content is empty unless the bot is mentioned; with it, content arrives', async () => {
		const guild = emu.world.createGuild({ name: 'Chat' });
		const text = guild.channels.find((channel) => channel.type === ChannelType.GuildText)!;
		const member = guild.addMember({ username: 'chatter' });
		const { socket } = await identified(I.Guilds | I.GuildMessages);
		emu.messages.send({ guildId: guild.id, channelId: text.id, userId: member.id, content: 'secret' });
		emu.messages.send({ guildId: guild.id, channelId: text.id, userId: member.id, content: `hey <@${emu.bot.id}>` });
		const [plain, mention] = [await socket.dispatch('MESSAGE_CREATE'), await socket.dispatch('MESSAGE_CREATE')];
		expect(plain.d.content).toBe('');
		expect(plain.d.member.roles).toEqual([]);
		expect(mention.d.content).toBe(`hey <@${emu.bot.id}>`);
		socket.close();

		const privileged = await identified(I.Guilds | I.GuildMessages | I.MessageContent);
		emu.messages.send({ guildId: guild.id, channelId: text.id, userId: member.id, content: 'visible' });
		expect((await privileged.socket.dispatch('MESSAGE_CREATE')).d.content).toBe('visible');
	});
});

describe('resume and injected disconnections', () => {
	test('RESUME replays what was missed with the same sequence numbers, then RESUMED', async () => {
		const guild = emu.world.createGuild({ name: 'Resume' });
		const { socket, ready } = await identified(I.Guilds | I.GuildMembers);
		const lastSeq = (await socket.dispatch('GUILD_CREATE')).s!;
		emu.gateway.closeShard(0, 4000);
		expect(await socket.closed()).toBe(4000);
		emu.members.join(guild.id, { username: 'late-1' });
		emu.members.join(guild.id, { username: 'late-2' });

		const again = await connect();
		await again.next((frame) => frame.op === 10);
		again.send(6, { token: emu.bot.token, session_id: ready.d.session_id, seq: lastSeq });
		const replayed = [await again.dispatch('GUILD_MEMBER_ADD'), await again.dispatch('GUILD_MEMBER_ADD')];
		expect(replayed.map((frame) => [frame.s, frame.d.user.username])).toEqual([
			[lastSeq + 1, 'late-1'],
			[lastSeq + 2, 'late-2']
		]);
		expect((await again.dispatch('RESUMED')).s).toBe(lastSeq + 3);
		expect(emu.gateway.sessions[0]).toMatchObject({ replayed: 2, resumes: 1, connected: true });
	});

	test('an unknown session or one closed with 1000 gets INVALID_SESSION false; a seq from the future closes 4007', async () => {
		const { socket, ready } = await identified(I.Guilds);
		socket.close(1000);
		await socket.closed();
		const again = await connect();
		await again.next((frame) => frame.op === 10);
		again.send(6, { token: emu.bot.token, session_id: ready.d.session_id, seq: 1 });
		expect((await again.next((frame) => frame.op === 9)).d).toBe(false);

		const fresh = await identified(I.Guilds);
		fresh.socket.close(4000);
		await fresh.socket.closed();
		const future = await connect();
		await future.next((frame) => frame.op === 10);
		emu.expectFailures((failure) => /beyond the last sent/.test(failure.message));
		future.send(6, { token: emu.bot.token, session_id: fresh.ready.d.session_id, seq: 99 });
		expect(await future.closed()).toBe(4007);
	});

	test('sendReconnect sends op 7, invalidateSession op 9, requestHeartbeat op 1', async () => {
		const { socket } = await identified(I.Guilds);
		emu.gateway.sendReconnect(0);
		expect((await socket.next((frame) => frame.op === 7)).d).toBeNull();
		emu.gateway.requestHeartbeat(0);
		await socket.next((frame) => frame.op === 1);
		emu.gateway.invalidateSession(0, false);
		expect((await socket.next((frame) => frame.op === 9)).d).toBe(false);
		expect(emu.gateway.sessions[0]?.resumable).toBe(false);
	});
});

describe('refusals', () => {
	test('a wrong token closes 4004, an invalid shard 4010, a command before IDENTIFY 4003, a second IDENTIFY 4005', async () => {
		emu.expectFailures((failure) => failure.kind === 'gateway');
		const wrong = await connect();
		wrong.identify('not-the-token', I.Guilds);
		expect(await wrong.closed()).toBe(4004);
		const shard = await connect();
		shard.identify(emu.bot.token, I.Guilds, [2, 2]);
		expect(await shard.closed()).toBe(4010);
		const early = await connect();
		early.send(8, { guild_id: '1', query: '', limit: 0 });
		expect(await early.closed()).toBe(4003);
		const twice = await identified(I.Guilds);
		twice.socket.identify(emu.bot.token, I.Guilds);
		expect(await twice.socket.closed()).toBe(4005);
	});

	test('privileged intents the application is not approved for close 4014', async () => {
		await emu.stop();
		await start({ approvedIntents: I.Guilds | I.GuildVoiceStates, identifyIntervalMs: 0 });
		emu.expectFailures((failure) => failure.kind === 'gateway');
		const socket = await connect();
		socket.identify(emu.bot.token, I.Guilds | I.MessageContent);
		expect(await socket.closed()).toBe(4014);
	});

	test('two identifies in one max_concurrency bucket within 5 s: the second gets INVALID_SESSION and a failure', async () => {
		await emu.stop();
		await start({ shardCount: 2, maxConcurrency: 1 });
		const limits = (await (await fetch(`${emu.restUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${emu.bot.token}` } })).json()) as {
			session_start_limit: { max_concurrency: number; remaining: number };
			shards: number;
		};
		expect(limits.shards).toBe(2);
		expect(limits.session_start_limit).toMatchObject({ max_concurrency: 1, remaining: 1000 });
		await identified(I.Guilds, [0, 2]);
		const second = await connect();
		second.identify(emu.bot.token, I.Guilds, [1, 2]);
		expect((await second.next((frame) => frame.op === 9)).d).toBe(false);
		expect(emu.failures.some((failure) => failure.kind === 'rate-limited' && /too early/.test(failure.message))).toBe(true);
	});
});

describe('other commands and transport', () => {
	test('Request Guild Members answers with GUILD_MEMBERS_CHUNK', async () => {
		const guild = emu.world.createGuild({ name: 'Members' });
		const alice = guild.addMember({ username: 'alice' });
		guild.addMember({ username: 'bob' });
		const { socket } = await identified(I.Guilds | I.GuildMembers);
		socket.send(8, { guild_id: guild.id, query: '', limit: 0, nonce: 'all' });
		const all = await socket.dispatch('GUILD_MEMBERS_CHUNK');
		expect(all.d).toMatchObject({ guild_id: guild.id, chunk_index: 0, chunk_count: 1, nonce: 'all' });
		expect(all.d.members).toHaveLength(4);
		socket.send(8, { guild_id: guild.id, user_ids: [alice.id, '42'], limit: 0 });
		const some = await socket.dispatch('GUILD_MEMBERS_CHUNK');
		expect(some.d.members.map((member: { user: { id: string } }) => member.user.id)).toEqual([alice.id]);
		expect(some.d.not_found).toEqual(['42']);
	});

	test('compress=zlib-stream sends one zlib stream, each frame flushed', async () => {
		emu.world.createGuild({ name: 'Zipped' });
		const socket = await connect({ zlibStream: true });
		expect((await socket.next((frame) => frame.op === 10)).d.heartbeat_interval).toBe(41250);
		socket.identify(emu.bot.token, I.Guilds);
		expect((await socket.dispatch('READY')).d.session_id).toBeTruthy();
		expect((await socket.dispatch('GUILD_CREATE')).d.name).toBe('Zipped');
	});

	test('a guild created or left while connected sends GUILD_CREATE / GUILD_DELETE to its shard', async () => {
		const { socket } = await identified(I.Guilds);
		const guild = emu.world.createGuild({ name: 'Joined later' });
		expect((await socket.dispatch('GUILD_CREATE')).d.id).toBe(guild.id);
		guild.removeMember(emu.bot.id);
		expect((await socket.dispatch('GUILD_DELETE')).d).toEqual({ id: guild.id });
	});
});
