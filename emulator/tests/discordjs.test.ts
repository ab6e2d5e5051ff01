/**
 * A bare discord.js Client (no Sapphire, no bot code) against the emulator: ready on two shards, resume after a
 * forced close with replay, retry after an injected 429, refusal of a role edit above its own role, and the gateway
 * events that REST mutations and user actions produce.
 */
import { once } from 'node:events';
import {
	ChannelType,
	Client,
	DiscordAPIError,
	type ClientOptions,
	GatewayIntentBits,
	PermissionFlagsBits,
	RESTEvents,
	type GuildMember,
	type MessageReaction,
	type User,
	type VoiceState
} from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DiscordEmulator, shardForGuild, type GuildHandle } from '../index.js';

let emu: DiscordEmulator;
let client: Client;
let first: GuildHandle;
let second: GuildHandle;

function waitFor<T>(emitter: Client, event: string, predicate: (...args: any[]) => boolean = () => true): Promise<T[]> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no ${event} within 10 s`)), 10_000);
		const listener = (...args: any[]) => {
			if (!predicate(...args)) return;
			clearTimeout(timer);
			emitter.off(event, listener);
			resolve(args as T[]);
		};
		emitter.on(event, listener);
	});
}

beforeAll(async () => {
	emu = await DiscordEmulator.start({ shardCount: 2 });
	first = emu.world.createGuild({ name: 'First', shard: [0, 2] });
	second = emu.world.createGuild({ name: 'Second', shard: [1, 2] });
	// The bot's @sapphire/plugin-scheduled-tasks augments discord.js's ClientOptions with a required `tasks`
	// (project-wide); a bare client has no task handler.
	const options = {
		shards: 'auto',
		intents: [
			GatewayIntentBits.Guilds,
			GatewayIntentBits.GuildMembers,
			GatewayIntentBits.GuildModeration,
			GatewayIntentBits.GuildVoiceStates,
			GatewayIntentBits.GuildMessages,
			GatewayIntentBits.GuildMessageReactions
		],
		rest: { api: emu.restUrl }
	} satisfies Omit<ClientOptions, 'tasks'>;
	client = new Client(options as unknown as ClientOptions);
	const ready = once(client, 'clientReady');
	await client.login(emu.bot.token);
	await ready;
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await client?.destroy();
	await emu?.stop();
});

describe('bare discord.js client', () => {
	test('reaches ready on the two shards GET /gateway/bot recommends, each guild on its own shard', async () => {
		expect(client.ws.shards.size).toBe(2);
		const sessions = await emu.gateway.waitForReady(2);
		expect(sessions.map((session) => [session.shardId, session.shardCount])).toEqual([
			[0, 2],
			[1, 2]
		]);
		expect(client.guilds.cache.get(first.id)?.shardId).toBe(0);
		expect(client.guilds.cache.get(second.id)?.shardId).toBe(1);
		expect(shardForGuild(second.id, 2)).toBe(1);
		expect(client.user?.id).toBe(emu.bot.id);
		// Each shard got READY and exactly one GUILD_CREATE for its guild.
		expect(emu.recorder.dispatches('READY').map((frame) => frame.shardId).sort()).toEqual([0, 1]);
		expect(emu.recorder.dispatches('GUILD_CREATE', 1).map((frame) => (frame.d as { id: string }).id)).toEqual([second.id]);
	});

	test('resumes after a forced close and receives the event sent while it was disconnected', async () => {
		const member = first.addMember({ username: 'resumer' });
		const voiceChannel = first.channels.find((channel) => channel.type === ChannelType.GuildVoice)!;
		const before = emu.gateway.sessions.find((session) => session.shardId === 0)!;
		const resumed = waitFor(client, 'shardResume', (shardId: number) => shardId === 0);
		const replayed = waitFor<VoiceState>(client, 'voiceStateUpdate', (_old: VoiceState, state: VoiceState) => state.id === member.id);

		emu.gateway.closeShard(0, 4000);
		emu.voice.join(first.id, member.id, voiceChannel.id, { selfMute: true });

		await resumed;
		const [, state] = await replayed;
		expect(state?.channelId).toBe(voiceChannel.id);
		expect(state?.selfMute).toBe(true);
		const after = emu.gateway.sessions.find((session) => session.shardId === 0)!;
		expect(after.sessionId).toBe(before.sessionId);
		expect(after.resumes).toBe(before.resumes + 1);
		expect(after.replayed).toBeGreaterThanOrEqual(1);
		expect(client.guilds.cache.get(first.id)?.voiceStates.cache.get(member.id)?.channelId).toBe(voiceChannel.id);
	});

	test('follows an injected RECONNECT (op 7) and a resumable INVALID_SESSION (op 9) by resuming its session', async () => {
		const sessionId = emu.gateway.sessions.find((session) => session.shardId === 1)!.sessionId;
		const reconnected = waitFor(client, 'shardResume', (shardId: number) => shardId === 1);
		emu.gateway.sendReconnect(1);
		await reconnected;
		const resumedAgain = waitFor(client, 'shardResume', (shardId: number) => shardId === 1);
		emu.gateway.invalidateSession(1, true);
		await resumedAgain;
		const session = emu.gateway.sessions.find((candidate) => candidate.shardId === 1)!;
		expect(session).toMatchObject({ sessionId, connected: true, resumes: 2 });
		expect(emu.recorder.gateway.filter((frame) => frame.direction === 'receive' && frame.op === 6 && frame.shardId === 1)).toHaveLength(2);
	});

	test('retries a role add after an injected 429 and succeeds', async () => {
		const role = first.createRole({ name: 'Regular' });
		const member = first.addMember({ username: 'retry-me' });
		const rateLimited = once(client.rest, RESTEvents.RateLimited);
		emu.rateLimits.inject({ route: 'PUT /guilds/:id/members/:id/roles/:id', retryAfter: 0.3 });

		const guild = client.guilds.cache.get(first.id)!;
		await guild.members.addRole({ user: member.id, role: role.id });

		const [info] = (await rateLimited) as [{ retryAfter: number; global: boolean }];
		expect(info.retryAfter).toBeGreaterThanOrEqual(300);
		const calls = emu.recorder.calls('PUT /guilds/:id/members/:id/roles/:id');
		expect(calls.map((call) => call.status)).toEqual([429, 204]);
		expect(first.hasRole(member.id, role.id)).toBe(true);
	});

	test('is refused a role edit above its own role with DiscordAPIError 50013', async () => {
		const botRole = first.role(first.botRoleId)!;
		const above = first.createRole({ name: 'Admins', position: botRole.position + 1 });
		const guild = client.guilds.cache.get(first.id)!;
		await guild.roles.fetch();

		const error = await guild.roles.edit(above.id, { name: 'renamed' }).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(DiscordAPIError);
		expect((error as DiscordAPIError).code).toBe(50013);
		expect((error as DiscordAPIError).status).toBe(403);
		expect(first.role(above.id)?.name).toBe('Admins');
		expect(emu.failures.some((failure) => failure.kind === 'missing-permissions' && failure.code === 50013)).toBe(true);
	});

	test('a role added through REST reaches the client as GUILD_MEMBER_UPDATE', async () => {
		const role = first.createRole({ name: 'Tier 1' });
		const member = first.addMember({ username: 'promoted' });
		const guild = client.guilds.cache.get(first.id)!;
		await guild.members.fetch(member.id);
		const updated = waitFor<GuildMember>(client, 'guildMemberUpdate', (_old: GuildMember, next: GuildMember) =>
			next.roles.cache.has(role.id)
		);
		await guild.members.addRole({ user: member.id, role: role.id });
		const [, next] = await updated;
		expect(next?.id).toBe(member.id);
	});

	test('a ban reaches the client as GUILD_BAN_ADD then GUILD_MEMBER_REMOVE', async () => {
		const member = second.addMember({ username: 'spammer' });
		const guild = client.guilds.cache.get(second.id)!;
		const banned = waitFor(client, 'guildBanAdd', (ban: { user: { id: string } }) => ban.user.id === member.id);
		const removed = waitFor(client, 'guildMemberRemove', (gone: GuildMember) => gone.id === member.id);
		await guild.members.ban(member.id, { reason: 'spam' });
		await Promise.all([banned, removed]);
		expect(second.bans.map((ban) => [ban.user.id, ban.reason])).toEqual([[member.id, 'spam']]);
		expect(second.member(member.id)).toBeUndefined();
		expect(emu.recorder.calls('PUT /guilds/:id/bans/:id')[0]?.reason).toBe('spam');
	});

	test('slowmode, overwrites and a timeout through discord.js change the world', async () => {
		const guild = client.guilds.cache.get(first.id)!;
		const text = guild.channels.cache.find((channel) => channel.type === ChannelType.GuildText)!;
		if (text.type !== ChannelType.GuildText) throw new Error('no text channel');
		await text.setRateLimitPerUser(30);
		const member = first.addMember({ username: 'muted' });
		const fetched = await guild.members.fetch(member.id);
		await text.permissionOverwrites.create(member.id, { SendMessages: false });
		await fetched.timeout(60_000, 'cool down');

		const channel = first.channel(text.id) as { rate_limit_per_user: number; permission_overwrites: { id: string; deny: string }[] };
		expect(channel.rate_limit_per_user).toBe(30);
		expect(channel.permission_overwrites.find((overwrite) => overwrite.id === member.id)?.deny).toBe(
			PermissionFlagsBits.SendMessages.toString()
		);
		expect(Date.parse(first.member(member.id)!.communication_disabled_until!)).toBeGreaterThan(Date.now());
		expect(guild.channels.cache.get(text.id)?.isTextBased() && (guild.channels.cache.get(text.id) as { rateLimitPerUser: number }).rateLimitPerUser).toBe(30);
	});

	test('reactions: message.react with a Unicode and a custom emoji, a member\'s reaction as messageReactionAdd, reactions.removeAll', async () => {
		const guild = client.guilds.cache.get(first.id)!;
		const text = guild.channels.cache.find((channel) => channel.type === ChannelType.GuildText)!;
		if (text.type !== ChannelType.GuildText) throw new Error('no text channel');
		const message = await text.send('React with 🎫 to open a ticket');
		await message.react('🎫');
		await message.react('<:ticket:123456789012345678>');
		expect(emu.reactions.on(text.id, message.id).map((reaction) => [reaction.emoji.name, reaction.count, reaction.me])).toEqual([
			['🎫', 1, true],
			['ticket', 1, true]
		]);
		const member = first.addMember({ username: 'reacting' });
		const added = waitFor<MessageReaction | User>(client, 'messageReactionAdd', (_reaction: MessageReaction, user: User) => user.id === member.id);
		emu.reactions.add({ channelId: text.id, messageId: message.id, userId: member.id, emoji: '🎫' });
		const [reaction] = (await added) as [MessageReaction, User];
		expect(reaction.emoji.name).toBe('🎫');
		expect(reaction.count).toBe(2);
		const users = await reaction.users.fetch();
		expect([...users.keys()].sort()).toEqual([emu.bot.id, member.id].sort());
		await message.reactions.removeAll();
		expect(emu.reactions.on(text.id, message.id)).toEqual([]);
	});

	test('a private thread through discord.js: create with invitable false, add a member, fetch the members', async () => {
		const guild = client.guilds.cache.get(first.id)!;
		const text = guild.channels.cache.find((channel) => channel.type === ChannelType.GuildText)!;
		if (text.type !== ChannelType.GuildText) throw new Error('no text channel');
		const member = first.addMember({ username: 'ticket-owner' });
		const thread = await text.threads.create({ name: 'ticket-1', type: ChannelType.PrivateThread, invitable: false });
		expect(thread.type).toBe(ChannelType.PrivateThread);
		expect(thread.invitable).toBe(false);
		await thread.members.add(member.id);
		const members = await thread.members.fetch();
		expect([...members.keys()].sort()).toEqual([emu.bot.id, member.id].sort());
		expect(first.threadMembers(thread.id).map((entry) => entry.user_id)).toEqual([emu.bot.id, member.id]);
		await thread.setArchived(true);
		expect((first.channel(thread.id) as { thread_metadata: { archived: boolean } }).thread_metadata.archived).toBe(true);
	});
});
