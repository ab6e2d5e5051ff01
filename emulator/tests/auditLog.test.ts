/**
 * The audit log over plain HTTP and a raw gateway: an entry for every moderation action the bot makes through REST
 * (actor, target, reason, changes, options as Discord's "Audit Logs Resource" documents), GUILD_AUDIT_LOG_ENTRY_CREATE
 * after the action's own events and only with VIEW_AUDIT_LOG, `GET /guilds/{guild_id}/audit-logs` with its filters
 * and order, and the X-Audit-Log-Reason limit of 512 characters.
 */
import { AuditLogEvent, ChannelType, GatewayIntentBits as I, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_BOT_PERMISSIONS, DiscordEmulator, type GuildHandle } from '../index.js';
import { RawGateway } from './helpers/raw-gateway.js';
import { restClient } from './helpers/rest.js';

let emu: DiscordEmulator;
let gateway: RawGateway;
let api: ReturnType<typeof restClient>;

function general(guild: GuildHandle): string {
	return guild.channels.find((channel) => channel.name === 'general')!.id;
}

/** The entries GUILD_AUDIT_LOG_ENTRY_CREATE brought for a guild after `seq`. */
function entryEvents(guildId: string, seq: number): any[] {
	return emu.recorder
		.dispatches('GUILD_AUDIT_LOG_ENTRY_CREATE')
		.filter((record) => record.seq > seq && (record.d as { guild_id: string }).guild_id === guildId)
		.map((record) => record.d);
}

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	api = restClient(emu);
	gateway = await RawGateway.connect(emu.gatewayUrl);
	gateway.identify(emu.bot.token, I.Guilds | I.GuildMembers | I.GuildModeration | I.GuildMessages);
	await gateway.dispatch('READY');
	await emu.gateway.waitForReady(1);
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	gateway.close();
	await emu.stop();
});

describe('entries for what the bot does through REST', () => {
	test('ban, unban and kick: the bot as actor, the user as target, the reason; the event follows the action\'s own', async () => {
		const guild = emu.world.createGuild({ name: 'Bans' });
		const spammer = guild.addMember({ username: 'spammer' });
		const noisy = guild.addMember({ username: 'noisy' });
		const mark = emu.recorder.seq;
		expect((await api('PUT', `/guilds/${guild.id}/bans/${spammer.id}`, { delete_message_seconds: 0 }, { reason: 'spam 🚫, again' })).status).toBe(204);
		expect(emu.recorder.dispatchesSince(mark, guild.id)).toEqual(['GUILD_BAN_ADD', 'GUILD_MEMBER_REMOVE', 'GUILD_AUDIT_LOG_ENTRY_CREATE']);
		await api('DELETE', `/guilds/${guild.id}/bans/${spammer.id}`, undefined, { reason: 'appeal accepted' });
		await api('DELETE', `/guilds/${guild.id}/members/${noisy.id}`);

		const entries = guild.auditLog;
		expect(entries.map((entry) => [entry.action_type, entry.user_id, entry.target_id, entry.reason])).toEqual([
			[AuditLogEvent.MemberBanAdd, emu.bot.id, spammer.id, 'spam 🚫, again'],
			[AuditLogEvent.MemberBanRemove, emu.bot.id, spammer.id, 'appeal accepted'],
			[AuditLogEvent.MemberKick, emu.bot.id, noisy.id, undefined]
		]);
		expect(entries[2]).not.toHaveProperty('reason');
		expect(entries[0]).not.toHaveProperty('changes');
		expect(entryEvents(guild.id, mark)).toEqual(entries.map((entry) => ({ ...entry, guild_id: guild.id })));
		expect(guild.bans).toEqual([]);
		expect((await gateway.dispatch('GUILD_AUDIT_LOG_ENTRY_CREATE')).d).toMatchObject({ guild_id: guild.id, action_type: 22 });
	});

	test('timeout, nick, mute: one MEMBER_UPDATE with the changes; roles: MEMBER_ROLE_UPDATE with $add / $remove', async () => {
		const guild = emu.world.createGuild({ name: 'Members' });
		const member = guild.addMember({ username: 'member' });
		const helper = guild.createRole({ name: 'Helper' });
		const trusted = guild.createRole({ name: 'Trusted' });
		const until = new Date(emu.clock.now() + 3_600_000).toISOString();
		const discordForm = until.replace('Z', '000+00:00');
		await api('PATCH', `/guilds/${guild.id}/members/${member.id}`, { communication_disabled_until: until, nick: 'Calm' }, { reason: 'flood' });
		await api('PATCH', `/guilds/${guild.id}/members/${member.id}`, { communication_disabled_until: until });
		await api('PATCH', `/guilds/${guild.id}/members/${member.id}`, { communication_disabled_until: null }, { reason: 'early end' });
		await api('PUT', `/guilds/${guild.id}/members/${member.id}/roles/${helper.id}`);
		await api('PUT', `/guilds/${guild.id}/members/${member.id}/roles/${helper.id}`);
		await api('PATCH', `/guilds/${guild.id}/members/${member.id}`, { roles: [trusted.id] });

		expect(guild.auditLog.map(({ id: _id, ...entry }) => entry)).toEqual([
			{
				action_type: AuditLogEvent.MemberUpdate,
				user_id: emu.bot.id,
				target_id: member.id,
				reason: 'flood',
				changes: [
					{ key: 'nick', new_value: 'Calm' },
					{ key: 'communication_disabled_until', new_value: discordForm }
				]
			},
			// The same timeout again changes nothing: no entry.
			{
				action_type: AuditLogEvent.MemberUpdate,
				user_id: emu.bot.id,
				target_id: member.id,
				reason: 'early end',
				changes: [{ key: 'communication_disabled_until', old_value: discordForm }]
			},
			{
				action_type: AuditLogEvent.MemberRoleUpdate,
				user_id: emu.bot.id,
				target_id: member.id,
				changes: [{ key: '$add', new_value: [{ id: helper.id, name: 'Helper' }] }]
			},
			{
				action_type: AuditLogEvent.MemberRoleUpdate,
				user_id: emu.bot.id,
				target_id: member.id,
				changes: [
					{ key: '$add', new_value: [{ id: trusted.id, name: 'Trusted' }] },
					{ key: '$remove', new_value: [{ id: helper.id, name: 'Helper' }] }
				]
			}
		]);
	});

	test('overwrites: CHANNEL_OVERWRITE_CREATE / UPDATE / DELETE with id, type and role_name; channel updates list what changed', async () => {
		const guild = emu.world.createGuild({ name: 'Lockdown' });
		const channel = general(guild);
		const everyone = guild.everyoneRoleId;
		const member = guild.addMember({ username: 'member' });
		const send = String(P.SendMessages);
		const sendAndThreads = String(P.SendMessages | P.SendMessagesInThreads);
		await api('PUT', `/channels/${channel}/permissions/${everyone}`, { type: 0, deny: send }, { reason: 'lockdown' });
		await api('PUT', `/channels/${channel}/permissions/${everyone}`, { type: 0, deny: sendAndThreads });
		await api('PUT', `/channels/${channel}/permissions/${everyone}`, { type: 0, deny: sendAndThreads });
		await api('DELETE', `/channels/${channel}/permissions/${everyone}`, undefined, { reason: 'unlock' });
		emu.expectFailures((failure) => failure.code === 10009);
		expect(await api('DELETE', `/channels/${channel}/permissions/${everyone}`)).toMatchObject({
			status: 404,
			body: { code: 10009, message: 'Unknown Overwrite' }
		});
		await api('PATCH', `/channels/${channel}`, { rate_limit_per_user: 30, topic: 'calm' }, { reason: 'slowmode' });
		await api('PATCH', `/channels/${channel}`, {
			permission_overwrites: [{ id: member.id, type: 1, allow: '0', deny: send }]
		});

		const entries = guild.auditLog.map(({ id: _id, ...entry }) => entry);
		const roleOptions = { id: everyone, type: '0', role_name: '@everyone' };
		expect(entries).toEqual([
			{
				action_type: AuditLogEvent.ChannelOverwriteCreate,
				user_id: emu.bot.id,
				target_id: channel,
				reason: 'lockdown',
				options: roleOptions,
				changes: [
					{ key: 'id', new_value: everyone },
					{ key: 'type', new_value: 0 },
					{ key: 'allow', new_value: '0' },
					{ key: 'deny', new_value: send }
				]
			},
			{
				action_type: AuditLogEvent.ChannelOverwriteUpdate,
				user_id: emu.bot.id,
				target_id: channel,
				options: roleOptions,
				changes: [{ key: 'deny', new_value: sendAndThreads, old_value: send }]
			},
			{
				action_type: AuditLogEvent.ChannelOverwriteDelete,
				user_id: emu.bot.id,
				target_id: channel,
				reason: 'unlock',
				options: roleOptions,
				changes: [
					{ key: 'id', old_value: everyone },
					{ key: 'type', old_value: 0 },
					{ key: 'allow', old_value: '0' },
					{ key: 'deny', old_value: sendAndThreads }
				]
			},
			{
				action_type: AuditLogEvent.ChannelUpdate,
				user_id: emu.bot.id,
				target_id: channel,
				reason: 'slowmode',
				changes: [
					{ key: 'topic', new_value: 'calm' },
					{ key: 'rate_limit_per_user', new_value: 30, old_value: 0 }
				]
			},
			{
				action_type: AuditLogEvent.ChannelOverwriteCreate,
				user_id: emu.bot.id,
				target_id: channel,
				options: { id: member.id, type: '1' },
				changes: [
					{ key: 'id', new_value: member.id },
					{ key: 'type', new_value: 1 },
					{ key: 'allow', new_value: '0' },
					{ key: 'deny', new_value: send }
				]
			}
		]);
	});

	test('messages: deleting someone else\'s is MESSAGE_DELETE (target: the author), a bulk delete is MESSAGE_BULK_DELETE', async () => {
		const guild = emu.world.createGuild({ name: 'Purge' });
		const channel = general(guild);
		const author = guild.addMember({ username: 'author' });
		const posted = [1, 2, 3].map((n) => emu.messages.send({ channelId: channel, userId: author.id, content: `m${n}` }));
		const own = await api('POST', `/channels/${channel}/messages`, { content: 'mine' });
		await api('DELETE', `/channels/${channel}/messages/${own.body.id}`);
		await api('DELETE', `/channels/${channel}/messages/${posted[0]!.id}`, undefined, { reason: 'rule 1' });
		await api('POST', `/channels/${channel}/messages/bulk-delete`, { messages: [posted[1]!.id, posted[2]!.id] }, { reason: 'purge' });
		expect(guild.auditLog.map(({ id: _id, ...entry }) => entry)).toEqual([
			{
				action_type: AuditLogEvent.MessageDelete,
				user_id: emu.bot.id,
				target_id: author.id,
				reason: 'rule 1',
				options: { channel_id: channel, count: '1' }
			},
			{
				action_type: AuditLogEvent.MessageBulkDelete,
				user_id: emu.bot.id,
				target_id: channel,
				reason: 'purge',
				options: { count: '2' }
			}
		]);
	});

	test('roles, channels and the guild itself are logged too', async () => {
		const guild = emu.world.createGuild({ name: 'Settings', botPermissions: DEFAULT_BOT_PERMISSIONS | P.ManageGuild });
		const role = await api('POST', `/guilds/${guild.id}/roles`, { name: 'Muted', permissions: '0' });
		await api('PATCH', `/guilds/${guild.id}/roles/${role.body.id}`, { name: 'Silenced' });
		await api('DELETE', `/guilds/${guild.id}/roles/${role.body.id}`);
		const channel = await api('POST', `/guilds/${guild.id}/channels`, { name: 'mod-log', type: ChannelType.GuildText });
		await api('DELETE', `/channels/${channel.body.id}`);
		await api('PATCH', `/guilds/${guild.id}`, { name: 'Settings 2' });
		const entries = guild.auditLog;
		expect(entries.map((entry) => [entry.action_type, entry.target_id])).toEqual([
			[AuditLogEvent.RoleCreate, role.body.id],
			[AuditLogEvent.RoleUpdate, role.body.id],
			[AuditLogEvent.RoleDelete, role.body.id],
			[AuditLogEvent.ChannelCreate, channel.body.id],
			[AuditLogEvent.ChannelDelete, channel.body.id],
			[AuditLogEvent.GuildUpdate, guild.id]
		]);
		expect(entries[1]!.changes).toEqual([{ key: 'name', old_value: 'Muted', new_value: 'Silenced' }]);
		expect(entries[3]!.changes).toContainEqual({ key: 'name', new_value: 'mod-log' });
		expect(entries[4]!.changes).toContainEqual({ key: 'name', old_value: 'mod-log' });
		expect(entries[5]!.changes).toEqual([{ key: 'name', old_value: 'Settings', new_value: 'Settings 2' }]);
	});

	test('without VIEW_AUDIT_LOG the bot gets no GUILD_AUDIT_LOG_ENTRY_CREATE (the entry still exists), and no GUILD_BAN_ADD without BAN_MEMBERS either', async () => {
		const blind = emu.world.createGuild({ name: 'Blind', botPermissions: DEFAULT_BOT_PERMISSIONS & ~P.ViewAuditLog });
		const target = blind.addMember({ username: 'target' });
		const mark = emu.recorder.seq;
		expect((await api('PUT', `/guilds/${blind.id}/bans/${target.id}`, {})).status).toBe(204);
		expect(emu.recorder.dispatchesSince(mark, blind.id)).toEqual(['GUILD_BAN_ADD', 'GUILD_MEMBER_REMOVE']);
		expect(blind.auditLog).toHaveLength(1);

		const moderator = blind.addMember({ username: 'mod', permissions: P.BanMembers });
		const other = blind.addMember({ username: 'other' });
		const weak = emu.world.createGuild({ name: 'No bans', botPermissions: P.ViewChannel | P.SendMessages });
		const mod = weak.addMember({ username: 'mod', permissions: P.BanMembers });
		const victim = weak.addMember({ username: 'victim' });
		const before = emu.recorder.seq;
		emu.moderation.ban(weak.id, { actorId: mod.id, targetId: victim.id });
		emu.moderation.ban(blind.id, { actorId: moderator.id, targetId: other.id });
		expect(emu.recorder.dispatchesSince(before, weak.id)).toEqual(['GUILD_MEMBER_REMOVE']);
		expect(emu.recorder.dispatchesSince(before, blind.id)).toEqual(['GUILD_BAN_ADD', 'GUILD_MEMBER_REMOVE']);
	});
});

describe('the GUILD_MODERATION intent', () => {
	test('a session without it gets neither GUILD_AUDIT_LOG_ENTRY_CREATE nor GUILD_BAN_ADD', async () => {
		const other = await DiscordEmulator.start();
		const raw = await RawGateway.connect(other.gatewayUrl);
		try {
			raw.identify(other.bot.token, I.Guilds | I.GuildMembers);
			await raw.dispatch('READY');
			await other.gateway.waitForReady(1);
			const guild = other.world.createGuild({ name: 'No moderation intent' });
			const member = guild.addMember({ username: 'member' });
			const mark = other.recorder.seq;
			expect((await restClient(other)('PUT', `/guilds/${guild.id}/bans/${member.id}`, {}, { reason: 'spam' })).status).toBe(204);
			expect(other.recorder.dispatchesSince(mark, guild.id)).toEqual(['GUILD_MEMBER_REMOVE']);
			expect(guild.auditLog).toHaveLength(1);
			other.assertNoFailures();
		} finally {
			raw.close();
			await other.stop();
		}
	});
});

describe('GET /guilds/{guild_id}/audit-logs', () => {
	test('newest first, filters, before / after pages (ascending with after), limit, and the users referenced', async () => {
		const guild = emu.world.createGuild({ name: 'Reading' });
		const mod = guild.addMember({ username: 'mod', permissions: P.BanMembers | P.KickMembers });
		const [a, b, c] = ['a', 'b', 'c'].map((username) => guild.addMember({ username }));
		await api('DELETE', `/guilds/${guild.id}/members/${a!.id}`, undefined, { reason: 'one' });
		emu.moderation.ban(guild.id, { actorId: mod.id, targetId: b!.id, reason: 'two' });
		await api('PUT', `/guilds/${guild.id}/bans/${c!.id}`, {}, { reason: 'three' });
		const ids = guild.auditLog.map((entry) => entry.id);

		const all = await api('GET', `/guilds/${guild.id}/audit-logs`);
		expect(all.status).toBe(200);
		expect(all.body.audit_log_entries.map((entry: { id: string }) => entry.id)).toEqual([...ids].reverse());
		expect(Object.keys(all.body).sort()).toEqual([
			'application_commands',
			'audit_log_entries',
			'auto_moderation_rules',
			'guild_scheduled_events',
			'integrations',
			'threads',
			'users',
			'webhooks'
		]);
		expect(all.body.users.map((user: { id: string }) => user.id).sort()).toEqual([emu.bot.id, mod.id, a!.id, b!.id, c!.id].sort());

		const byMod = await api('GET', `/guilds/${guild.id}/audit-logs?user_id=${mod.id}`);
		expect(byMod.body.audit_log_entries.map((entry: { reason: string }) => entry.reason)).toEqual(['two']);
		expect(byMod.body.users.map((user: { id: string }) => user.id).sort()).toEqual([mod.id, b!.id].sort());
		const bans = await api('GET', `/guilds/${guild.id}/audit-logs?action_type=${AuditLogEvent.MemberBanAdd}&limit=1`);
		expect(bans.body.audit_log_entries.map((entry: { reason: string }) => entry.reason)).toEqual(['three']);
		const aboutA = await api('GET', `/guilds/${guild.id}/audit-logs?target_id=${a!.id}`);
		expect(aboutA.body.audit_log_entries).toHaveLength(1);
		const older = await api('GET', `/guilds/${guild.id}/audit-logs?before=${ids[2]}`);
		expect(older.body.audit_log_entries.map((entry: { id: string }) => entry.id)).toEqual([ids[1], ids[0]]);
		const fromStart = await api('GET', `/guilds/${guild.id}/audit-logs?after=0&limit=2`);
		expect(fromStart.body.audit_log_entries.map((entry: { id: string }) => entry.id)).toEqual([ids[0], ids[1]]);
		const newer = await api('GET', `/guilds/${guild.id}/audit-logs?after=${ids[0]}`);
		expect(newer.body.audit_log_entries.map((entry: { id: string }) => entry.id)).toEqual([ids[1], ids[2]]);
	});

	test('entries are kept 45 days', async () => {
		const guild = emu.world.createGuild({ name: 'Old' });
		const member = guild.addMember({ username: 'old' });
		await api('DELETE', `/guilds/${guild.id}/members/${member.id}`);
		emu.clock.advance(46 * 86_400_000);
		try {
			expect((await api('GET', `/guilds/${guild.id}/audit-logs`)).body.audit_log_entries).toEqual([]);
			expect(guild.auditLog).toEqual([]);
		} finally {
			emu.clock.advance(-46 * 86_400_000);
		}
	});

	test('needs VIEW_AUDIT_LOG (403 50013); its query is checked against Discord\'s spec (400 50035)', async () => {
		emu.expectFailures((failure) => failure.code === 50013 || failure.code === 50035);
		const blind = emu.world.createGuild({ name: 'No audit', botPermissions: P.ViewChannel | P.BanMembers });
		expect(await api('GET', `/guilds/${blind.id}/audit-logs`)).toMatchObject({ status: 403, body: { code: 50013, message: 'Missing Permissions' } });

		const guild = emu.world.createGuild({ name: 'Queries' });
		const limit = await api('GET', `/guilds/${guild.id}/audit-logs?limit=101`);
		expect(limit).toMatchObject({ status: 400, body: { code: 50035, message: 'Invalid Form Body' } });
		expect(limit.body.errors).toEqual({
			limit: { _errors: [{ code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 100.' }] }
		});
		const before = await api('GET', `/guilds/${guild.id}/audit-logs?before=yesterday&limit=0`);
		expect(before.body.errors).toEqual({
			before: { _errors: [{ code: 'NUMBER_TYPE_COERCE', message: 'Value "yesterday" is not snowflake.' }] },
			limit: { _errors: [{ code: 'NUMBER_TYPE_MIN', message: 'int value should be greater than or equal to 1.' }] }
		});
		const type = await api('GET', `/guilds/${guild.id}/audit-logs?action_type=9999`);
		expect(type.body.errors.action_type._errors[0].code).toBe('BASE_TYPE_CHOICES');
		expect(emu.failures.filter((failure) => failure.kind === 'invalid-body')).toHaveLength(3);
	});
});

describe('X-Audit-Log-Reason', () => {
	test('512 characters (code points, once URL-decoded) are recorded on the request and the entry', async () => {
		const guild = emu.world.createGuild({ name: 'Long reasons' });
		const member = guild.addMember({ username: 'member' });
		const reason = '🚫'.repeat(512);
		expect((await api('DELETE', `/guilds/${guild.id}/members/${member.id}`, undefined, { reason })).status).toBe(204);
		expect(emu.recorder.calls('DELETE /guilds/:id/members/:id').at(-1)?.reason).toBe(reason);
		expect(guild.auditLog[0]!.reason).toBe(reason);
	});

	test('513 characters: 400 50035 under `reason`, nothing changes, and assertNoFailures fails the test', async () => {
		const guild = emu.world.createGuild({ name: 'Too long' });
		const member = guild.addMember({ username: 'member' });
		const answer = await api('PUT', `/guilds/${guild.id}/bans/${member.id}`, {}, { reason: 'x'.repeat(513) });
		expect(answer).toMatchObject({ status: 400 });
		expect(answer.body).toEqual({
			code: 50035,
			message: 'Invalid Form Body',
			errors: { reason: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 512 or fewer in length.' }] } }
		});
		expect(guild.bans).toEqual([]);
		expect(guild.member(member.id)).toBeDefined();
		expect(guild.auditLog).toEqual([]);
		expect(emu.recorder.calls('PUT /guilds/:id/bans/:id').at(-1)).toMatchObject({ status: 400, reason: 'x'.repeat(513) });
		expect(() => emu.assertNoFailures()).toThrow(/invalid-body.*reason: BASE_TYPE_MAX_LENGTH/);
	});
});
