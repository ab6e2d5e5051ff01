/**
 * A bare discord.js Client (no Sapphire, no bot code) doing what a moderation plugin does: it hears a ban made by
 * hand through guildAuditLogEntryCreate, reads its own timeout back with fetchAuditLogs, pages the ban list, DMs a
 * member before banning them and is refused (50007) after, bulk deletes with and without discord.js's 14-day filter,
 * and is refused a reason over 512 characters.
 */
import { once } from 'node:events';
import {
	AuditLogEvent,
	Client,
	DiscordAPIError,
	GatewayIntentBits,
	PermissionFlagsBits,
	type ClientOptions,
	type Guild,
	type GuildAuditLogsEntry,
	type TextChannel
} from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DiscordEmulator, type GuildHandle } from '../index.js';

const DAY = 86_400_000;

let emu: DiscordEmulator;
let client: Client;
let world: GuildHandle;
let guild: Guild;

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	world = emu.world.createGuild({ name: 'Moderated' });
	// The bot's @sapphire/plugin-scheduled-tasks augments discord.js's ClientOptions with a required `tasks`
	// (project-wide); a bare client has no task handler.
	const options = {
		intents: [
			GatewayIntentBits.Guilds,
			GatewayIntentBits.GuildMembers,
			GatewayIntentBits.GuildModeration,
			GatewayIntentBits.GuildMessages,
			GatewayIntentBits.DirectMessages
		],
		rest: { api: emu.restUrl }
	} satisfies Omit<ClientOptions, 'tasks'>;
	client = new Client(options as unknown as ClientOptions);
	const ready = once(client, 'clientReady');
	await client.login(emu.bot.token);
	await ready;
	guild = client.guilds.cache.get(world.id)!;
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await client?.destroy();
	await emu?.stop();
});

function general(): TextChannel {
	return guild.channels.cache.find((channel) => channel.name === 'general') as TextChannel;
}

describe('moderation with a bare discord.js client', () => {
	test('a ban made by hand arrives as guildAuditLogEntryCreate naming the moderator and the reason', async () => {
		const mod = world.addMember({ username: 'mod', permissions: PermissionFlagsBits.BanMembers });
		const raider = world.addMember({ username: 'raider' });
		const heard = once(client, 'guildAuditLogEntryCreate') as Promise<[GuildAuditLogsEntry, Guild]>;
		emu.moderation.ban(world.id, { actorId: mod.id, targetId: raider.id, reason: 'raid' });
		const [entry, where] = await heard;
		expect(where.id).toBe(world.id);
		expect(entry.action).toBe(AuditLogEvent.MemberBanAdd);
		expect(entry.executorId).toBe(mod.id);
		expect(entry.targetId).toBe(raider.id);
		expect(entry.reason).toBe('raid');
	});

	test('its own timeout, with a reason, reads back from fetchAuditLogs with the change', async () => {
		const member = await guild.members.fetch(world.addMember({ username: 'loud' }).id);
		await member.timeout(10 * 60_000, 'caps lock');
		const logs = await guild.fetchAuditLogs({ type: AuditLogEvent.MemberUpdate, user: client.user!, limit: 5 });
		const entry = logs.entries.first()!;
		expect(entry.executorId).toBe(client.user!.id);
		expect(entry.targetId).toBe(member.id);
		expect(entry.reason).toBe('caps lock');
		expect(entry.changes).toEqual([{ key: 'communication_disabled_until', new: member.communicationDisabledUntil?.toISOString().replace('Z', '000+00:00') }]);
		expect(entry.target?.id).toBe(member.id);
	});

	test('the ban list pages with limit and after', async () => {
		const ids = [1, 2, 3].map((n) => emu.world.createUser({ username: `old-${n}` }).id);
		for (const id of ids) await guild.bans.create(id, { reason: 'old raid' });
		const all = await guild.bans.fetch({ cache: false });
		const sorted = [...all.keys()].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
		const first = await guild.bans.fetch({ limit: 2, cache: false });
		expect([...first.keys()]).toEqual(sorted.slice(0, 2));
		const next = await guild.bans.fetch({ limit: 2, after: sorted[1], cache: false });
		expect([...next.keys()]).toEqual(sorted.slice(2, 4));
	});

	test('a DM before the ban arrives; after it, the user is unreachable (DiscordAPIError 50007)', async () => {
		emu.expectFailures((failure) => failure.code === 50007);
		const member = await guild.members.fetch(world.addMember({ username: 'doomed' }).id);
		await member.send('You are banned from Moderated: spam');
		await member.ban({ reason: 'spam', deleteMessageSeconds: 3600 });
		const error = await member.user.send('still there?').catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(DiscordAPIError);
		expect((error as DiscordAPIError).code).toBe(50007);
		const [dm] = emu.dms.sent(member.id);
		expect(dm?.content).toBe('You are banned from Moderated: spam');
		expect(dm!.seq).toBeLessThan(emu.recorder.calls('PUT /guilds/:id/bans/:id').at(-1)!.seq);
	});

	test('bulkDelete: discord.js drops messages older than 14 days when asked; sent anyway, Discord refuses them (50034)', async () => {
		emu.expectFailures((failure) => failure.code === 50034);
		const author = world.addMember({ username: 'author' });
		const channel = general();
		const old = emu.messages.send({ channelId: channel.id, userId: author.id, content: 'old', at: emu.clock.now() - 20 * DAY });
		const recent = [1, 2].map((n) => emu.messages.send({ channelId: channel.id, userId: author.id, content: `new ${n}` }));
		const refused = await channel.bulkDelete([old.id, recent[0]!.id], false).catch((caught: unknown) => caught);
		expect((refused as DiscordAPIError).code).toBe(50034);
		const deleted = await channel.bulkDelete([old.id, ...recent.map((message) => message.id)], true);
		expect([...deleted.keys()].sort()).toEqual(recent.map((message) => message.id).sort());
		expect(world.messages(channel.id).map((message) => message.id)).toContain(old.id);
		const entry = world.auditLog.at(-1)!;
		expect(entry).toMatchObject({ action_type: AuditLogEvent.MessageBulkDelete, target_id: channel.id, options: { count: '2' } });
	});

	test('a reason over 512 characters is refused with DiscordAPIError 50035 and the member stays', async () => {
		emu.expectFailures((failure) => failure.code === 50035);
		const member = await guild.members.fetch(world.addMember({ username: 'lucky' }).id);
		const error = await member.kick('x'.repeat(513)).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(DiscordAPIError);
		expect((error as DiscordAPIError).code).toBe(50035);
		expect((error as DiscordAPIError).message).toContain('Must be 512 or fewer in length.');
		expect(world.member(member.id)).toBeDefined();
	});
});
