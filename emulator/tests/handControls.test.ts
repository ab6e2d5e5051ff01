/**
 * What members do by hand in Discord's client that a tickets plugin meets: deleting a channel, category or thread
 * (`emu.channels.delete`), deleting a message (`emu.channels.deleteMessage`), editing a channel's permission overwrites (`emu.channels.editOverwrite` /
 * `deleteOverwrite`), adding and removing roles (`emu.members.addRole` / `removeRole`): the client's checks, the
 * events, and the audit log entries naming the member.
 */
import { AuditLogEvent, ChannelType, GatewayIntentBits as I, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DiscordEmulator } from '../index.js';
import { RawGateway } from './helpers/raw-gateway.js';

let emu: DiscordEmulator;
let gateway: RawGateway;

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	gateway = await RawGateway.connect(emu.gatewayUrl);
	gateway.identify(emu.bot.token, I.Guilds | I.GuildMembers | I.GuildModeration | I.GuildMessages);
	await gateway.dispatch('READY');
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	gateway.close();
	await emu.stop();
});

/** Data of the dispatches named `t` sent after `seq`. */
function sentSince(seq: number, t: string): any[] {
	return emu.recorder.gateway.filter((record) => record.seq > seq && record.direction === 'send' && record.t === t).map((record) => record.d);
}

function setup() {
	const guild = emu.world.createGuild({ name: 'Support' });
	const category = guild.createChannel({ name: 'Tickets', type: ChannelType.GuildCategory }).id;
	const ticket = guild.createChannel({ name: 'ticket-1', type: ChannelType.GuildText, parentId: category }).id;
	const other = guild.createChannel({ name: 'ticket-2', type: ChannelType.GuildText, parentId: category }).id;
	const admin = guild.addMember({ username: 'admin', permissions: P.ManageChannels | P.ManageRoles | P.ViewChannel | P.SendMessages }).id;
	const member = guild.addMember({ username: 'member' }).id;
	return { guild, category, ticket, other, admin, member };
}

describe('emu.channels.delete', () => {
	test('a channel: MANAGE_CHANNELS, CHANNEL_DELETE, a CHANNEL_DELETE entry naming the member with the reason', () => {
		const { guild, ticket, admin, member } = setup();
		expect(() => emu.channels.delete({ channelId: ticket, actorId: member })).toThrow(/lacks ManageChannels/);
		const seq = emu.recorder.seq;
		const { channel, entry } = emu.channels.delete({ channelId: ticket, actorId: admin, reason: 'ticket closed' });
		expect(channel).toMatchObject({ id: ticket, name: 'ticket-1' });
		expect(guild.channel(ticket)).toBeUndefined();
		expect(sentSince(seq, 'CHANNEL_DELETE')).toEqual([expect.objectContaining({ id: ticket })]);
		expect(entry).toMatchObject({ action_type: AuditLogEvent.ChannelDelete, user_id: admin, target_id: ticket, reason: 'ticket closed' });
		expect(entry.changes).toContainEqual({ key: 'name', old_value: 'ticket-1' });
		expect(guild.auditLog.at(-1)).toEqual(entry);
	});

	test('a category: its channels stay, without a parent, one CHANNEL_UPDATE each', () => {
		const { guild, category, ticket, other, admin } = setup();
		const seq = emu.recorder.seq;
		emu.channels.delete({ channelId: category, actorId: admin });
		expect(emu.recorder.dispatchesSince(seq, guild.id).slice(0, 3)).toEqual(['CHANNEL_DELETE', 'CHANNEL_UPDATE', 'CHANNEL_UPDATE']);
		expect(sentSince(seq, 'CHANNEL_UPDATE').map((update) => [update.id, update.parent_id])).toEqual([
			[ticket, null],
			[other, null]
		]);
	});

	test('a thread needs MANAGE_THREADS (THREAD_DELETE entry); a channel the member cannot see cannot be deleted', () => {
		const { guild, ticket, admin } = setup();
		const thread = emu.threads.create({ channelId: ticket, userId: admin, name: 'notes', type: ChannelType.PublicThread }).id;
		expect(() => emu.channels.delete({ channelId: thread, actorId: admin })).toThrow(/lacks ManageThreads/);
		const mod = guild.addMember({ username: 'mod', permissions: P.ManageThreads }).id;
		expect(emu.channels.delete({ channelId: thread, actorId: mod }).entry).toMatchObject({ action_type: AuditLogEvent.ThreadDelete, user_id: mod });
		const hidden = guild.createChannel({ name: 'hidden', type: ChannelType.GuildText, permissionOverwrites: [{ id: admin, type: 1, deny: P.ViewChannel }] }).id;
		expect(() => emu.channels.delete({ channelId: hidden, actorId: admin })).toThrow(/cannot see #hidden/);
	});
});

describe('emu.channels.deleteMessage', () => {
	test("one's own message: MESSAGE_DELETE, no entry; someone else's (the bot's too) needs MANAGE_MESSAGES and writes entry 72", async () => {
		const { guild, ticket, admin, member } = setup();
		const mod = guild.addMember({ username: 'mod', permissions: P.ManageMessages }).id;
		const own = emu.messages.send({ channelId: ticket, userId: member, content: 'mine' }).id;
		let seq = emu.recorder.seq;
		expect(emu.channels.deleteMessage({ channelId: ticket, messageId: own, actorId: member }).entry).toBeNull();
		expect(sentSince(seq, 'MESSAGE_DELETE')).toEqual([{ id: own, channel_id: ticket, guild_id: guild.id }]);
		expect(guild.messages(ticket).map((message) => message.id)).not.toContain(own);

		const response = await fetch(`${emu.restUrl}/v10/channels/${ticket}/messages`, {
			method: 'POST',
			headers: { Authorization: `Bot ${emu.bot.token}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ content: 'panel' })
		});
		const posted = ((await response.json()) as { id: string }).id;
		expect(() => emu.channels.deleteMessage({ channelId: ticket, messageId: posted, actorId: admin })).toThrow(/lacks ManageMessages/);
		seq = emu.recorder.seq;
		const { entry } = emu.channels.deleteMessage({ channelId: ticket, messageId: posted, actorId: mod, reason: 'old panel' });
		expect(sentSince(seq, 'MESSAGE_DELETE')).toEqual([expect.objectContaining({ id: posted })]);
		expect(entry).toMatchObject({ action_type: AuditLogEvent.MessageDelete, user_id: mod, target_id: emu.bot.id, reason: 'old panel', options: { channel_id: ticket, count: '1' } });
		expect(() => emu.channels.deleteMessage({ channelId: ticket, messageId: posted, actorId: mod })).toThrow(/Unknown Message/);
	});
});

describe('emu.channels.editOverwrite / deleteOverwrite', () => {
	test('create, update, no-op, delete: CHANNEL_UPDATE and entries 13, 14, 15 naming the member', () => {
		const { guild, ticket, admin, member } = setup();
		let seq = emu.recorder.seq;
		const created = emu.channels.editOverwrite({ channelId: ticket, actorId: admin, id: member, deny: P.ViewChannel, reason: 'private ticket' });
		expect(created.entry).toMatchObject({
			action_type: AuditLogEvent.ChannelOverwriteCreate,
			user_id: admin,
			target_id: ticket,
			reason: 'private ticket',
			options: { id: member, type: '1' }
		});
		expect(sentSince(seq, 'CHANNEL_UPDATE')[0].permission_overwrites).toContainEqual({ id: member, type: 1, allow: '0', deny: String(P.ViewChannel) });
		expect(guild.canView(member, ticket)).toBe(false);

		const updated = emu.channels.editOverwrite({ channelId: ticket, actorId: admin, id: member, allow: P.ViewChannel | P.SendMessages });
		expect(updated.entry).toMatchObject({ action_type: AuditLogEvent.ChannelOverwriteUpdate, changes: expect.arrayContaining([{ key: 'allow', old_value: '0', new_value: String(P.ViewChannel | P.SendMessages) }]) });
		expect(guild.canView(member, ticket)).toBe(true);
		seq = emu.recorder.seq;
		expect(emu.channels.editOverwrite({ channelId: ticket, actorId: admin, id: member, allow: P.ViewChannel | P.SendMessages }).entry).toBeNull();
		expect(sentSince(seq, 'CHANNEL_UPDATE')).toEqual([]);

		const role = guild.createRole({ name: 'Support' }).id;
		expect(emu.channels.editOverwrite({ channelId: ticket, actorId: admin, id: role, allow: P.ViewChannel }).entry?.options).toMatchObject({ id: role, type: '0', role_name: 'Support' });
		const removed = emu.channels.deleteOverwrite({ channelId: ticket, actorId: admin, id: member });
		expect(removed.entry).toMatchObject({ action_type: AuditLogEvent.ChannelOverwriteDelete, user_id: admin });
		expect(() => emu.channels.deleteOverwrite({ channelId: ticket, actorId: admin, id: member })).toThrow(/no overwrite/);
	});

	test('MANAGE_ROLES in the channel, and only bits the member holds (an administrator holds all)', () => {
		const { guild, ticket, admin, member } = setup();
		expect(() => emu.channels.editOverwrite({ channelId: ticket, actorId: member, id: member, allow: P.ViewChannel })).toThrow(/lacks ManageRoles/);
		expect(() => emu.channels.editOverwrite({ channelId: ticket, actorId: admin, id: member, allow: P.ManageWebhooks })).toThrow(/ManageWebhooks/);
		const boss = guild.addMember({ username: 'boss', permissions: P.Administrator }).id;
		expect(emu.channels.editOverwrite({ channelId: ticket, actorId: boss, id: member, allow: P.ManageWebhooks }).entry).not.toBeNull();
		expect(() => emu.channels.editOverwrite({ channelId: ticket, actorId: boss, id: '123456789012345678', allow: P.ViewChannel })).toThrow(/not a member/);
	});
});

describe('emu.members.addRole / removeRole', () => {
	test('MANAGE_ROLES and the role hierarchy; GUILD_MEMBER_UPDATE and MEMBER_ROLE_UPDATE ($add / $remove) naming the member', () => {
		const { guild, member } = setup();
		const supportRole = guild.createRole({ name: 'Support', position: 1 });
		const helperRole = guild.createRole({ name: 'Helpers', permissions: P.ManageRoles });
		const above = guild.createRole({ name: 'Staff', position: helperRole.position + 1 });
		expect(guild.role(above.id)!.position).toBeGreaterThan(guild.role(helperRole.id)!.position);
		const helper = guild.addMember({ username: 'helper', roles: [helperRole.id] }).id;
		expect(() => emu.members.addRole({ guildId: guild.id, actorId: member, userId: member, roleId: supportRole.id })).toThrow(/lacks ManageRoles/);
		expect(() => emu.members.addRole({ guildId: guild.id, actorId: helper, userId: member, roleId: above.id })).toThrow(/role hierarchy/);
		expect(() => emu.members.addRole({ guildId: guild.id, actorId: guild.ownerId, userId: member, roleId: guild.botRoleId })).toThrow(/managed/);
		const seq = emu.recorder.seq;
		const { member: updated, entry } = emu.members.addRole({ guildId: guild.id, actorId: helper, userId: member, roleId: supportRole.id, reason: 'joined support' });
		expect(updated.roles).toEqual([supportRole.id]);
		expect(guild.hasRole(member, supportRole.id)).toBe(true);
		expect(sentSince(seq, 'GUILD_MEMBER_UPDATE')).toEqual([expect.objectContaining({ guild_id: guild.id, roles: [supportRole.id] })]);
		expect(entry).toMatchObject({
			action_type: AuditLogEvent.MemberRoleUpdate,
			user_id: helper,
			target_id: member,
			reason: 'joined support',
			changes: [{ key: '$add', new_value: [{ id: supportRole.id, name: 'Support' }] }]
		});
		expect(emu.members.addRole({ guildId: guild.id, actorId: helper, userId: member, roleId: supportRole.id }).entry).toBeNull();
		const removed = emu.members.removeRole({ guildId: guild.id, actorId: guild.ownerId, userId: member, roleId: supportRole.id });
		expect(removed.entry?.changes).toEqual([{ key: '$remove', new_value: [{ id: supportRole.id, name: 'Support' }] }]);
		expect(guild.hasRole(member, supportRole.id)).toBe(false);
	});
});
