/**
 * src/lib/permissions.ts: `memberPermissionBits` gives discord.js's own answer (`member.permissionsIn(channel)`) for
 * guilds of random roles, overwrites, owners, administrators, threads and roles the cache does not hold.
 */
import { ChannelType, Client, type ClientOptions, type Guild, type GuildBasedChannel, GatewayIntentBits, PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { afterAll, describe, expect, it } from 'vitest';
import { memberPermissionBits } from '../../src/lib/permissions.js';
import { SeededRandom } from '../../src/lib/random.js';

// A bare client (never logged in); the bot's scheduled-tasks plugin makes `tasks` required in ClientOptions.
const client = new Client({ intents: [GatewayIntentBits.Guilds] } as unknown as ClientOptions);

afterAll(async () => {
	await client.destroy();
});

/** Permission bits a random role or overwrite picks from (Administrator only where asked). */
const BITS = [
	PermissionFlagsBits.ViewChannel,
	PermissionFlagsBits.SendMessages,
	PermissionFlagsBits.ManageMessages,
	PermissionFlagsBits.MentionEveryone,
	PermissionFlagsBits.EmbedLinks,
	PermissionFlagsBits.AttachFiles,
	PermissionFlagsBits.ManageChannels,
	PermissionFlagsBits.ModerateMembers
];

function randomBits(random: SeededRandom): bigint {
	let bits = 0n;
	for (const bit of BITS) if (random.float() < 0.3) bits |= bit;
	return bits;
}

/** A guild as GUILD_CREATE carries it: `roles` roles (one an Administrator when `admin`), a category, 3 text channels with random overwrites, a thread, `members` members. */
function randomGuild(random: SeededRandom, index: number, options: { roles: number; members: number; admin: boolean }): Guild {
	const guildId = String(1_000_000 + index * 1_000);
	const roleIds = Array.from({ length: options.roles }, (_, n) => String(Number(guildId) + 100 + n));
	const memberIds = Array.from({ length: options.members }, (_, n) => String(Number(guildId) + 500 + n));
	// One role id members hold that the guild's role list does not (a role deleted while the member was cached).
	const missingRole = String(Number(guildId) + 99);
	const overwrites = () => {
		const list: { id: string; type: 0 | 1; allow: string; deny: string }[] = [];
		if (random.float() < 0.7) list.push({ id: guildId, type: 0, allow: String(randomBits(random)), deny: String(randomBits(random)) });
		for (const id of [...roleIds, missingRole]) if (random.float() < 0.4) list.push({ id, type: 0, allow: String(randomBits(random)), deny: String(randomBits(random)) });
		for (const id of memberIds) if (random.float() < 0.2) list.push({ id, type: 1, allow: String(randomBits(random)), deny: String(randomBits(random)) });
		return list;
	};
	const categoryId = String(Number(guildId) + 1);
	const textIds = [2, 3, 4].map((n) => String(Number(guildId) + n));
	const data = {
		id: guildId,
		name: `guild ${index}`,
		owner_id: memberIds[0],
		roles: [
			{ id: guildId, name: '@everyone', permissions: String(randomBits(random) | PermissionFlagsBits.ViewChannel), position: 0, color: 0, hoist: false, managed: false, mentionable: false },
			...roleIds.map((id, n) => ({
				id,
				name: `role ${n}`,
				permissions: String(options.admin && n === 0 ? PermissionFlagsBits.Administrator : randomBits(random)),
				position: n + 1,
				color: 0,
				hoist: false,
				managed: false,
				mentionable: false
			}))
		],
		channels: [
			{ id: categoryId, type: ChannelType.GuildCategory, name: 'category', position: 0, permission_overwrites: overwrites() },
			...textIds.map((id, n) => ({ id, type: ChannelType.GuildText, name: `text-${n}`, position: n + 1, parent_id: n === 0 ? categoryId : null, permission_overwrites: overwrites() }))
		],
		threads: [
			{ id: String(Number(guildId) + 10), type: ChannelType.PublicThread, name: 'thread', parent_id: textIds[1], owner_id: memberIds[1], thread_metadata: { archived: false, auto_archive_duration: 60, archive_timestamp: new Date(0).toISOString(), locked: false } },
			// A thread whose parent this client has not cached.
			{ id: String(Number(guildId) + 11), type: ChannelType.PublicThread, name: 'orphan', parent_id: String(Number(guildId) + 12), owner_id: memberIds[1], thread_metadata: { archived: false, auto_archive_duration: 60, archive_timestamp: new Date(0).toISOString(), locked: false } }
		],
		members: memberIds.map((id) => ({
			user: { id, username: `member${id}`, discriminator: '0', global_name: null, avatar: null },
			roles: [...roleIds.filter(() => random.float() < 0.35), ...(random.float() < 0.2 ? [missingRole] : [])],
			joined_at: new Date(0).toISOString(),
			deaf: false,
			mute: false,
			flags: 0
		})),
		emojis: [],
		stickers: [],
		features: [],
		member_count: memberIds.length,
		voice_states: [],
		presences: []
	};
	return (client.guilds as unknown as { _add(data: unknown): Guild })._add(data);
}

/** discord.js's answer; null where it has none (a thread without a cached parent). */
function discordJs(member: Parameters<typeof memberPermissionBits>[0], channel: GuildBasedChannel): bigint | null {
	return channel.permissionsFor(member)?.bitfield ?? null;
}

describe('memberPermissionBits', () => {
	it("gives discord.js's permissionsIn for every member and channel of random guilds", () => {
		const random = new SeededRandom(9);
		let compared = 0;
		let differentFromGuildWide = 0;
		for (let index = 0; index < 40; index++) {
			const guild = randomGuild(random, index, { roles: 1 + (index % 6), members: 12, admin: index % 5 === 0 });
			for (const member of guild.members.cache.values()) {
				for (const channel of guild.channels.cache.values()) {
					const expected = discordJs(member, channel);
					const actual = memberPermissionBits(member, channel);
					if (expected === null) {
						// No parent cached: the guild-wide permissions (discord.js has no answer), every one for an Administrator.
						expect(actual).toBe(member.permissions.has(PermissionFlagsBits.Administrator) ? PermissionsBitField.All : member.permissions.bitfield);
						continue;
					}
					expect(actual, `guild ${guild.id}, member ${member.id}, channel ${channel.name}`).toBe(expected);
					if (actual !== member.permissions.bitfield) differentFromGuildWide++;
					compared++;
				}
			}
		}
		expect(compared).toBeGreaterThan(2_000);
		// The overwrites mattered: a comparison of guild-wide permissions alone would not be a test.
		expect(differentFromGuildWide).toBeGreaterThan(compared / 4);
	});

	it('gives the owner and an Administrator every permission, whatever the overwrites deny', () => {
		const random = new SeededRandom(11);
		const guild = randomGuild(random, 100, { roles: 3, members: 6, admin: true });
		const channel = guild.channels.cache.find((candidate) => candidate.type === ChannelType.GuildText)!;
		const owner = guild.members.cache.get(guild.ownerId)!;
		expect(memberPermissionBits(owner, channel)).toBe(PermissionsBitField.All);
		const adminRole = [...guild.roles.cache.values()].find((role) => role.permissions.has(PermissionFlagsBits.Administrator, false))!;
		const admin = guild.members.cache.find((member) => member.id !== guild.ownerId && member.roles.cache.has(adminRole.id));
		const plain = guild.members.cache.find((member) => member.id !== guild.ownerId && !member.roles.cache.has(adminRole.id))!;
		if (admin) expect(memberPermissionBits(admin, channel)).toBe(PermissionsBitField.All);
		expect(memberPermissionBits(plain, channel)).not.toBe(PermissionsBitField.All);
	});
});
