/**
 * World rules without a client: real snowflakes and shard routing, role order and permission computation
 * (owner, ADMINISTRATOR, overwrites, timeouts), builders' defaults, the clock and the recorder's helpers.
 */
import { ChannelType, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EmulatorClock } from '../clock.js';
import { DiscordEmulator, DEFAULT_EVERYONE_PERMISSIONS, shardForGuild, snowflakeTimestamp } from '../index.js';
import { normalizeRoute } from '../recorder.js';
import { SnowflakeGenerator } from '../snowflake.js';
import { ALL_PERMISSIONS } from '../world/permissions.js';

let emu: DiscordEmulator;

beforeAll(async () => {
	emu = await DiscordEmulator.start();
});

afterAll(async () => {
	await emu.stop();
});

describe('snowflakes and sharding', () => {
	test('ids are timestamp-based snowflakes on the emulator clock and strictly increasing', () => {
		const clock = new EmulatorClock();
		clock.freeze(Date.UTC(2026, 0, 1));
		const ids = new SnowflakeGenerator(clock);
		const [a, b] = [ids.next(), ids.next()];
		expect(snowflakeTimestamp(a)).toBe(Date.UTC(2026, 0, 1));
		expect(BigInt(b)).toBeGreaterThan(BigInt(a));
		clock.advance(1234);
		expect(snowflakeTimestamp(ids.next())).toBe(Date.UTC(2026, 0, 1) + 1234);
	});

	test('guilds spread over shards by (id >> 22) % shard_count, or land on the shard asked for', () => {
		const guilds = Array.from({ length: 8 }, (_, index) => emu.world.createGuild({ name: `S${index}`, defaultChannels: false }));
		const shards = new Set(guilds.map((guild) => shardForGuild(guild.id, 4)));
		expect(shards).toEqual(new Set([0, 1, 2, 3]));
		const pinned = emu.world.createGuild({ name: 'Pinned', shard: [5, 7] });
		expect(Number((BigInt(pinned.id) >> 22n) % 7n)).toBe(5);
		expect(Math.abs(snowflakeTimestamp(pinned.id) - Date.now())).toBeLessThan(60_000);
	});
});

describe('guild builders and permissions', () => {
	test('a new guild has @everyone, an owner, the bot with its managed role above the others, #general and General', () => {
		const guild = emu.world.createGuild({ name: 'Defaults', preferredLocale: 'pl' });
		expect(guild.roles.map((role) => [role.name, role.position, role.managed])).toEqual([
			['@everyone', 0, false],
			['Emulated Bot', 1, true]
		]);
		expect(guild.role(guild.botRoleId)?.tags).toEqual({ bot_id: emu.bot.id });
		expect(guild.role(guild.everyoneRoleId)?.permissions).toBe(DEFAULT_EVERYONE_PERMISSIONS.toString());
		expect(guild.member(guild.ownerId)).toBeDefined();
		expect(guild.member(emu.bot.id)?.roles).toEqual([guild.botRoleId]);
		expect(guild.channels.map((channel) => [channel.name, channel.type])).toEqual([
			['general', ChannelType.GuildText],
			['General', ChannelType.GuildVoice]
		]);
		const role = guild.createRole({ name: 'Member' });
		expect(guild.role(role.id)?.position).toBe(1);
		expect(guild.role(guild.botRoleId)?.position).toBe(2);
	});

	test('owner and ADMINISTRATOR have every permission; overwrites apply in order; a timeout keeps only view and history', () => {
		const guild = emu.world.createGuild({ name: 'Perms' });
		const admins = guild.createRole({ name: 'Admins', permissions: P.Administrator });
		const admin = guild.addMember({ username: 'admin', roles: [admins.id] });
		const plain = guild.addMember({ username: 'plain' });
		expect(guild.permissionsOf(guild.ownerId)).toBe(ALL_PERMISSIONS);
		expect(guild.permissionsOf(admin.id)).toBe(ALL_PERMISSIONS);
		const helpers = guild.createRole({ name: 'Helpers' });
		guild.updateMember(plain.id, { roles: [helpers.id] });
		const channel = guild.createChannel({
			name: 'staff',
			type: ChannelType.GuildText,
			permissionOverwrites: [
				{ id: guild.everyoneRoleId, type: 0, deny: P.ViewChannel },
				{ id: helpers.id, type: 0, allow: P.ViewChannel },
				{ id: plain.id, type: 1, deny: P.SendMessages }
			]
		});
		const bits = guild.permissionsOf(plain.id, channel.id);
		expect(bits & P.ViewChannel).toBe(P.ViewChannel);
		expect(bits & P.SendMessages).toBe(0n);
		expect(guild.permissionsOf(admin.id, channel.id)).toBe(ALL_PERMISSIONS);
		guild.updateMember(plain.id, { communicationDisabledUntil: new Date(Date.now() + 60_000).toISOString() });
		expect(guild.permissionsOf(plain.id)).toBe(P.ViewChannel | P.ReadMessageHistory);
	});

	test('builders refuse what Discord would not allow', () => {
		const guild = emu.world.createGuild({ name: 'Strict' });
		const member = guild.addMember({ username: 'one' });
		const text = guild.channels.find((channel) => channel.type === ChannelType.GuildText)!;
		expect(() => guild.addMember({ username: 'again', userId: member.id })).toThrow(/already a member/);
		expect(() => emu.voice.join(guild.id, member.id, text.id)).toThrow(/not a voice channel/);
		expect(() => emu.voice.leave(guild.id, member.id)).toThrow(/not in a voice channel/);
		expect(() => guild.setAfkChannel(text.id)).toThrow(/voice channel/);
		guild.ban(member.id, 'rules');
		expect(() => guild.addMember({ username: 'x', userId: member.id })).toThrow(/banned/);
	});
});

describe('clock and recorder', () => {
	test('the clock follows real time, can be frozen, advanced and let go', () => {
		const clock = new EmulatorClock();
		expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
		clock.freeze(1000);
		clock.advance(500);
		expect(clock.now()).toBe(1500);
		clock.unfreeze();
		expect(clock.now()).toBeGreaterThanOrEqual(1500);
		expect(clock.now()).toBeLessThan(1600);
	});

	test('route templates compare whatever the placeholder style', () => {
		expect(normalizeRoute('/guilds/{guild_id}/members/{user_id}/roles/{role_id}')).toBe(normalizeRoute('/guilds/:id/members/:id/roles/:id'));
		expect(normalizeRoute('/users/@me')).not.toBe(normalizeRoute('/users/:id'));
	});
});
