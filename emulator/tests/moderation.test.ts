/**
 * What a moderation plugin meets, over plain HTTP and a raw gateway: moderation done by hand in Discord's client
 * (`emu.moderation`: the same events as the REST route, an audit log entry naming the member, the client's checks),
 * DMs that can be refused (50007: closed, or no guild in common any more) and the order of a DM and a ban, and the
 * routes moderation commands call: timeouts, bulk delete and its 14 days (with messages dated in the past),
 * message history pages, overwrites, slowmode, the ban list's pages.
 */
import { AuditLogEvent, ChannelType, GatewayIntentBits as I, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DiscordEmulator, snowflakeTimestamp, type GuildHandle } from '../index.js';
import { RawGateway } from './helpers/raw-gateway.js';
import { restClient } from './helpers/rest.js';

const DAY = 86_400_000;

let emu: DiscordEmulator;
let gateway: RawGateway;
let api: ReturnType<typeof restClient>;

function general(guild: GuildHandle): string {
	return guild.channels.find((channel) => channel.name === 'general')!.id;
}

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	api = restClient(emu);
	gateway = await RawGateway.connect(emu.gatewayUrl);
	gateway.identify(emu.bot.token, I.Guilds | I.GuildMembers | I.GuildModeration | I.GuildMessages | I.DirectMessages);
	await gateway.dispatch('READY');
	await emu.gateway.waitForReady(1);
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	gateway.close();
	await emu.stop();
});

describe('moderation by hand (emu.moderation)', () => {
	test('a ban: the same events as the REST route, recent messages deleted, and an entry whose actor is the member', async () => {
		const guild = emu.world.createGuild({ name: 'By hand' });
		const mod = guild.addMember({ username: 'mod', permissions: P.BanMembers });
		const troll = guild.addMember({ username: 'troll' });
		const channel = general(guild);
		const old = emu.messages.send({ channelId: channel, userId: troll.id, content: 'two days ago', at: emu.clock.now() - 2 * DAY });
		const recent = emu.messages.send({ channelId: channel, userId: troll.id, content: 'just now' });
		gateway.skipTo(emu.gateway.sessions[0]!.seq);
		const mark = emu.recorder.seq;
		const entry = emu.moderation.ban(guild.id, { actorId: mod.id, targetId: troll.id, reason: 'trolling', deleteMessageSeconds: 86_400 });
		expect(emu.recorder.dispatchesSince(mark, guild.id)).toEqual([
			'GUILD_BAN_ADD',
			'GUILD_MEMBER_REMOVE',
			'MESSAGE_DELETE_BULK',
			'GUILD_AUDIT_LOG_ENTRY_CREATE'
		]);
		expect(entry).toEqual({ id: entry.id, action_type: AuditLogEvent.MemberBanAdd, user_id: mod.id, target_id: troll.id, reason: 'trolling' });
		expect((await gateway.dispatch('GUILD_AUDIT_LOG_ENTRY_CREATE')).d).toEqual({ ...entry, guild_id: guild.id });
		expect(guild.bans).toEqual([{ user: expect.objectContaining({ id: troll.id }), reason: 'trolling' }]);
		expect(guild.messages(channel).map((message) => message.id)).toEqual([old.id]);
		expect(emu.recorder.dispatches('MESSAGE_DELETE_BULK').at(-1)?.d).toMatchObject({ ids: [recent.id], channel_id: channel });
		expect((await api('GET', `/guilds/${guild.id}/bans/${troll.id}`)).body.reason).toBe('trolling');
	});

	test('kick, timeout, untimeout and unban: state, events and entries like Discord\'s own menus', async () => {
		const guild = emu.world.createGuild({ name: 'Menus' });
		const mod = guild.addMember({ username: 'mod', permissions: P.BanMembers | P.KickMembers | P.ModerateMembers });
		const [loud, leaver, banned] = ['loud', 'leaver', 'banned'].map((username) => guild.addMember({ username }));
		guild.ban(banned!.id, 'old ban');
		const until = new Date(emu.clock.now() + 3_600_000);
		const discordForm = until.toISOString().replace('Z', '000+00:00');

		let mark = emu.recorder.seq;
		const timeout = emu.moderation.timeout(guild.id, { actorId: mod.id, targetId: loud!.id, until, reason: 'caps' });
		expect(emu.recorder.dispatchesSince(mark, guild.id)).toEqual(['GUILD_MEMBER_UPDATE', 'GUILD_AUDIT_LOG_ENTRY_CREATE']);
		expect(guild.member(loud!.id)?.communication_disabled_until).toBe(discordForm);
		expect(timeout).toMatchObject({
			action_type: AuditLogEvent.MemberUpdate,
			user_id: mod.id,
			target_id: loud!.id,
			reason: 'caps',
			changes: [{ key: 'communication_disabled_until', new_value: discordForm }]
		});
		expect(guild.permissionsOf(loud!.id, general(guild)) & P.SendMessages).toBe(0n);

		const untimeout = emu.moderation.untimeout(guild.id, { actorId: mod.id, targetId: loud!.id });
		expect(untimeout.changes).toEqual([{ key: 'communication_disabled_until', old_value: discordForm }]);
		expect(guild.member(loud!.id)?.communication_disabled_until).toBeNull();

		mark = emu.recorder.seq;
		emu.moderation.kick(guild.id, { actorId: mod.id, targetId: leaver!.id, reason: 'bye' });
		expect(emu.recorder.dispatchesSince(mark, guild.id)).toEqual(['GUILD_MEMBER_REMOVE', 'GUILD_AUDIT_LOG_ENTRY_CREATE']);
		emu.moderation.unban(guild.id, { actorId: mod.id, targetId: banned!.id });
		expect(guild.bans).toEqual([]);
		expect(guild.auditLog.map((entry) => [entry.action_type, entry.user_id, entry.target_id])).toEqual([
			[AuditLogEvent.MemberUpdate, mod.id, loud!.id],
			[AuditLogEvent.MemberUpdate, mod.id, loud!.id],
			[AuditLogEvent.MemberKick, mod.id, leaver!.id],
			[AuditLogEvent.MemberBanRemove, mod.id, banned!.id]
		]);
	});

	test('the checks of Discord\'s client: permission, hierarchy, owner, self, administrators, 28 days, 512 characters', () => {
		const guild = emu.world.createGuild({ name: 'Checks' });
		const helper = guild.createRole({ name: 'Helper', permissions: P.KickMembers | P.ModerateMembers, position: 1 });
		const senior = guild.createRole({ name: 'Senior', permissions: P.BanMembers, position: 2 });
		const mod = guild.addMember({ username: 'mod', roles: [helper.id] });
		const boss = guild.addMember({ username: 'boss', roles: [senior.id] });
		const peer = guild.addMember({ username: 'peer', roles: [helper.id] });
		const admin = guild.addMember({ username: 'admin', permissions: P.Administrator });
		const user = guild.addMember({ username: 'user' });
		const moderation = emu.moderation;
		expect(() => moderation.ban(guild.id, { actorId: mod.id, targetId: user.id })).toThrow(/mod lacks BanMembers/);
		expect(() => moderation.kick(guild.id, { actorId: mod.id, targetId: boss.id })).toThrow(/role hierarchy/);
		expect(() => moderation.kick(guild.id, { actorId: mod.id, targetId: peer.id })).toThrow(/role hierarchy/);
		expect(() => moderation.kick(guild.id, { actorId: mod.id, targetId: guild.ownerId })).toThrow(/owner/);
		expect(() => moderation.kick(guild.id, { actorId: mod.id, targetId: mod.id })).toThrow(/themselves/);
		expect(() => moderation.timeout(guild.id, { actorId: guild.ownerId, targetId: admin.id, until: emu.clock.now() + 60_000 })).toThrow(/administrators/);
		expect(() => moderation.timeout(guild.id, { actorId: mod.id, targetId: user.id, until: emu.clock.now() + 29 * DAY })).toThrow(/28 days/);
		expect(() => moderation.timeout(guild.id, { actorId: mod.id, targetId: user.id, until: emu.clock.now() - 1 })).toThrow(/future/);
		expect(() => moderation.kick(guild.id, { actorId: mod.id, targetId: user.id, reason: 'r'.repeat(513) })).toThrow(/512/);
		expect(() => moderation.untimeout(guild.id, { actorId: mod.id, targetId: user.id })).toThrow(/not timed out/);
		expect(() => moderation.unban(guild.id, { actorId: boss.id, targetId: user.id })).toThrow(/not banned/);
		expect(() => moderation.kick(guild.id, { actorId: user.id, targetId: mod.id })).toThrow(/user lacks KickMembers/);
		expect(guild.auditLog).toEqual([]);
		// The owner may act on anyone but themselves; a user who left can still be banned.
		moderation.kick(guild.id, { actorId: guild.ownerId, targetId: admin.id });
		const gone = emu.world.createUser({ username: 'gone' });
		moderation.ban(guild.id, { actorId: boss.id, targetId: gone.id, reason: 'raid' });
		expect(guild.auditLog.map((entry) => entry.action_type)).toEqual([AuditLogEvent.MemberKick, AuditLogEvent.MemberBanAdd]);
	});

	test('recordEntry adds any entry (an automod timeout) and sends it like the others', async () => {
		const guild = emu.world.createGuild({ name: 'Automod' });
		const member = guild.addMember({ username: 'member' });
		gateway.skipTo(emu.gateway.sessions[0]!.seq);
		const entry = emu.moderation.recordEntry(guild.id, {
			actionType: AuditLogEvent.AutoModerationUserCommunicationDisabled,
			userId: emu.bot.id,
			targetId: member.id,
			options: { channel_id: general(guild), auto_moderation_rule_name: 'No spam', auto_moderation_rule_trigger_type: '3' }
		});
		expect((await gateway.dispatch('GUILD_AUDIT_LOG_ENTRY_CREATE')).d).toEqual({ ...entry, guild_id: guild.id });
	});
});

describe('DMs', () => {
	test('sent DMs are recorded in order; a closed DM or no guild in common answers 403 50007; a DM before a ban arrives', async () => {
		emu.expectFailures((failure) => failure.code === 50007);
		const guild = emu.world.createGuild({ name: 'DMs' });
		const member = guild.addMember({ username: 'member' });
		const channel = (await api('POST', '/users/@me/channels', { recipient_id: member.id })).body;
		expect(channel).toMatchObject({ type: ChannelType.DM, recipients: [{ id: member.id }] });
		expect((await api('POST', '/users/@me/channels', { recipient_id: member.id })).body.id).toBe(channel.id);

		expect((await api('POST', `/channels/${channel.id}/messages`, { content: 'You were warned: spam' })).status).toBe(200);
		emu.dms.close(member.id);
		expect(emu.dms.refusal(member.id)).toBe('closed');
		expect(await api('POST', `/channels/${channel.id}/messages`, { content: 'again' })).toMatchObject({
			status: 403,
			body: { code: 50007, message: 'Cannot send messages to this user' }
		});
		emu.dms.open(member.id);
		expect(emu.dms.refusal(member.id)).toBeNull();
		expect((await api('POST', `/channels/${channel.id}/messages`, { content: 'You were banned: spam' })).status).toBe(200);
		await api('PUT', `/guilds/${guild.id}/bans/${member.id}`, {}, { reason: 'spam' });
		expect(emu.dms.refusal(member.id)).toBe('no-mutual-guild');
		expect((await api('POST', `/channels/${channel.id}/messages`, { content: 'too late' })).body.code).toBe(50007);

		const sent = emu.dms.sent(member.id);
		expect(sent.map((dm) => dm.content)).toEqual(['You were warned: spam', 'You were banned: spam']);
		expect(sent.every((dm) => dm.userId === member.id && dm.channelId === channel.id)).toBe(true);
		const ban = emu.recorder.calls('PUT /guilds/:id/bans/:id').at(-1)!;
		expect(sent[1]!.seq).toBeLessThan(ban.seq);
		expect(emu.messages.dmsTo(member.id).map((message) => message.content)).toEqual(['You were warned: spam', 'You were banned: spam']);
		expect(emu.failures.filter((failure) => failure.code === 50007).map((failure) => [failure.kind, failure.message])).toEqual([
			['refused', expect.stringMatching(/does not accept DMs/)],
			['refused', expect.stringMatching(/shares no guild/)]
		]);
	});

	test('users who share no guild with the bot, and bots, cannot be DMed', async () => {
		emu.expectFailures((failure) => failure.code === 50007);
		const stranger = emu.world.createUser({ username: 'stranger' });
		const otherBot = emu.world.createUser({ username: 'other bot', bot: true });
		expect(emu.dms.refusal(stranger.id)).toBe('no-mutual-guild');
		expect(emu.dms.refusal(otherBot.id)).toBe('bot');
		for (const user of [stranger, otherBot]) {
			const channel = (await api('POST', '/users/@me/channels', { recipient_id: user.id })).body;
			expect((await api('POST', `/channels/${channel.id}/messages`, { content: 'hi' })).body.code).toBe(50007);
		}
		expect(emu.dms.sent(stranger.id)).toEqual([]);
	});
});

describe('routes moderation commands call', () => {
	test('bulk delete: 2 to 100 ids (the spec\'s limits), none older than 14 days (50034), MANAGE_MESSAGES', async () => {
		emu.expectFailures((failure) => failure.code === 50034 || failure.code === 50035 || failure.code === 50013);
		const guild = emu.world.createGuild({ name: 'Purge' });
		const channel = general(guild);
		const member = guild.addMember({ username: 'member' });
		const now = emu.clock.now();
		const [old, fresh, recent] = [15 * DAY, 13 * DAY, 0].map((ago, index) =>
			emu.messages.send({ channelId: channel, userId: member.id, content: `m${index}`, at: now - ago })
		);
		expect(snowflakeTimestamp(old!.id)).toBe(now - 15 * DAY);
		expect(Date.parse(old!.timestamp)).toBe(now - 15 * DAY);
		const tooOld = await api('POST', `/channels/${channel}/messages/bulk-delete`, { messages: [old!.id, recent!.id] });
		expect(tooOld).toMatchObject({ status: 400, body: { code: 50034, message: 'A message provided was too old to bulk delete' } });
		const one = await api('POST', `/channels/${channel}/messages/bulk-delete`, { messages: [recent!.id] });
		expect(one.body.errors.messages._errors[0]).toEqual({ code: 'BASE_TYPE_MIN_LENGTH', message: 'Must be 2 or more in length.' });
		const many = Array.from({ length: 101 }, (_, index) => String(BigInt(recent!.id) - BigInt(index)));
		expect((await api('POST', `/channels/${channel}/messages/bulk-delete`, { messages: many })).body.errors.messages._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
		expect((await api('POST', `/channels/${channel}/messages/bulk-delete`, { messages: [fresh!.id, recent!.id] })).status).toBe(204);
		expect(guild.messages(channel).map((message) => message.id)).toEqual([old!.id]);
		// Ids of messages already gone are skipped: nothing deleted, nothing logged.
		expect((await api('POST', `/channels/${channel}/messages/bulk-delete`, { messages: [fresh!.id, recent!.id] })).status).toBe(204);
		expect(guild.auditLog.map((entry) => [entry.action_type, entry.options])).toEqual([[AuditLogEvent.MessageBulkDelete, { count: '2' }]]);

		const weak = emu.world.createGuild({ name: 'No purge', botPermissions: P.ViewChannel | P.SendMessages | P.ReadMessageHistory });
		const ids = [1, 2].map(() => emu.messages.send({ channelId: general(weak), userId: weak.ownerId, content: 'x' }).id);
		expect((await api('POST', `/channels/${general(weak)}/messages/bulk-delete`, { messages: ids })).body.code).toBe(50013);
	});

	test('message history: newest first, before / after / around pages, limit 1 to 100, backdated messages in id order', async () => {
		emu.expectFailures((failure) => failure.code === 50035);
		const guild = emu.world.createGuild({ name: 'History' });
		const channel = general(guild);
		const member = guild.addMember({ username: 'member' });
		const now = emu.clock.now();
		const posted = Array.from({ length: 10 }, (_, index) =>
			emu.messages.send({ channelId: channel, userId: member.id, content: `m${index}`, at: now - (10 - index) * 60_000 })
		);
		// Posted last but dated before all the others: it is the oldest in the history.
		const oldest = emu.messages.send({ channelId: channel, userId: member.id, content: 'oldest', at: now - DAY });
		const order = [oldest, ...posted].map((message) => message.id);
		const ids = async (query: string) =>
			((await api('GET', `/channels/${channel}/messages${query}`)).body as { id: string }[]).map((message) => message.id);
		expect(await ids('')).toEqual([...order].reverse());
		expect(await ids('?limit=3')).toEqual(order.slice(-3).reverse());
		expect(await ids(`?before=${order[5]}&limit=3`)).toEqual([order[4], order[3], order[2]]);
		expect(await ids(`?after=${order[5]}&limit=3`)).toEqual([order[8], order[7], order[6]]);
		expect(await ids(`?around=${order[5]}&limit=3`)).toEqual([order[6], order[5], order[4]]);
		expect(await ids(`?after=0&limit=2`)).toEqual([order[1], order[0]]);
		const tooMany = await api('GET', `/channels/${channel}/messages?limit=101`);
		expect(tooMany.body).toEqual({
			code: 50035,
			message: 'Invalid Form Body',
			errors: { limit: { _errors: [{ code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 100.' }] } }
		});
		expect(() => emu.messages.send({ channelId: channel, userId: member.id, content: 'later', at: now + DAY })).toThrow(/future/);
	});

	test('timeouts: MODERATE_MEMBERS, hierarchy, never an administrator (50013), at most 28 days (50035)', async () => {
		emu.expectFailures((failure) => failure.code === 50013 || failure.code === 50035);
		const guild = emu.world.createGuild({ name: 'Timeouts' });
		const admin = guild.addMember({ username: 'admin', permissions: P.Administrator });
		const high = guild.createRole({ name: 'High', position: guild.role(guild.botRoleId)!.position + 1 });
		const senior = guild.addMember({ username: 'senior', roles: [high.id] });
		const member = guild.addMember({ username: 'member' });
		const soon = new Date(emu.clock.now() + 60_000).toISOString();
		for (const target of [admin.id, senior.id, guild.ownerId]) {
			expect((await api('PATCH', `/guilds/${guild.id}/members/${target}`, { communication_disabled_until: soon })).body.code).toBe(50013);
		}
		const tooLong = new Date(emu.clock.now() + 28 * DAY + 60_000).toISOString();
		expect((await api('PATCH', `/guilds/${guild.id}/members/${member.id}`, { communication_disabled_until: tooLong })).body.code).toBe(50035);
		const longest = new Date(emu.clock.now() + 28 * DAY - 60_000).toISOString();
		expect((await api('PATCH', `/guilds/${guild.id}/members/${member.id}`, { communication_disabled_until: longest })).status).toBe(200);
		const weak = emu.world.createGuild({ name: 'No timeouts', botPermissions: P.ViewChannel | P.KickMembers });
		const someone = weak.addMember({ username: 'someone' });
		expect((await api('PATCH', `/guilds/${weak.id}/members/${someone.id}`, { communication_disabled_until: soon })).body.code).toBe(50013);
		expect(guild.auditLog).toHaveLength(1);
	});

	test('overwrites need MANAGE_ROLES and only touch permissions the bot holds in the guild; slowmode 0 to 21600 s', async () => {
		emu.expectFailures((failure) => failure.code === 50013 || failure.code === 50035);
		const guild = emu.world.createGuild({ name: 'Channel settings' });
		const channel = general(guild);
		const everyone = guild.everyoneRoleId;
		expect((await api('PUT', `/channels/${channel}/permissions/${everyone}`, { type: 0, deny: String(P.Administrator) })).body.code).toBe(50013);
		expect((await api('PUT', `/channels/${channel}/permissions/${everyone}`, { type: 0, deny: 'lots' })).body.code).toBe(50035);
		expect((await api('PUT', `/channels/${channel}/permissions/${everyone}`, { type: 0, deny: String(P.SendMessages) })).status).toBe(204);
		expect((await api('PATCH', `/channels/${channel}`, { rate_limit_per_user: 21_601 })).body.code).toBe(50035);
		expect((await api('PATCH', `/channels/${channel}`, { rate_limit_per_user: 21_600 })).body.rate_limit_per_user).toBe(21_600);
		const noRoles = emu.world.createGuild({ name: 'No manage roles', botPermissions: P.ViewChannel | P.ManageChannels | P.SendMessages });
		expect((await api('PUT', `/channels/${general(noRoles)}/permissions/${noRoles.everyoneRoleId}`, { type: 0, deny: String(P.SendMessages) })).body.code).toBe(50013);
		expect((await api('DELETE', `/channels/${general(noRoles)}/permissions/${noRoles.everyoneRoleId}`)).body.code).toBe(50013);
	});

	test('the ban list: sorted by user id, limit 1 to 1000, after and before pages', async () => {
		emu.expectFailures((failure) => failure.code === 50035);
		const guild = emu.world.createGuild({ name: 'Ban list' });
		const users = Array.from({ length: 5 }, (_, index) => emu.world.createUser({ username: `u${index}` }).id);
		for (const id of [...users].reverse()) await api('PUT', `/guilds/${guild.id}/bans/${id}`, {});
		const page = async (query: string) =>
			((await api('GET', `/guilds/${guild.id}/bans${query}`)).body as { user: { id: string } }[]).map((ban) => ban.user.id);
		expect(await page('')).toEqual(users);
		expect(await page('?limit=2')).toEqual(users.slice(0, 2));
		expect(await page(`?limit=2&after=${users[1]}`)).toEqual(users.slice(2, 4));
		expect(await page(`?limit=2&before=${users[4]}`)).toEqual(users.slice(2, 4));
		expect((await api('GET', `/guilds/${guild.id}/bans?limit=1001`)).body.errors.limit._errors[0].code).toBe('NUMBER_TYPE_MAX');
	});
});
