/**
 * `/xp` options naming a user, channel or role that is not the admin's guild's (issue 12, found by generated
 * interactions): a non-member for `/xp add` and `/xp reset`, a channel of another guild for `/xp config exclude` and
 * `/xp config announcements`, a role of another guild for `/xp tiers add`. Each is refused with a translated answer
 * and nothing is stored. The real bot on the Discord emulator, fed forged payloads: Discord's client only offers the
 * guild's own channels and roles, so the emulator's `forgedCommand` is used, with the `resolved` data a hand-made
 * request carries added to the dispatched payload (forgedCommand sends `data.options` only).
 */
import { ApplicationCommandOptionType, ChannelType, PermissionFlagsBits, type APIApplicationCommandInteractionDataOption } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DiscordEmulator, type MemberView } from '@hearth/discord-emulator';
import { ManualClock } from '../../../src/lib/clock.js';
import { voiceXpPlugin } from '../../../src/plugins/voice-xp/index.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { buildVoiceGuild, command, START, storedStats, type VoiceGuild } from './e2eHelpers.js';

let emu: DiscordEmulator;
let bot: TestBot;
let home: VoiceGuild;
let other: VoiceGuild;
let admin: MemberView;

const config = () => bot.handle.pluginHost.service('voice-xp').ctx.config(home.guild.id);
const O = ApplicationCommandOptionType;

/** `/xp [group] subcommand` with raw options and the given `resolved` data, as a hand-made request sends it. */
async function forgedXp(path: string[], options: APIApplicationCommandInteractionDataOption[], resolved: Record<string, unknown>) {
	let nested = options;
	const [first, second] = path;
	if (second) nested = [{ type: O.SubcommandGroup, name: first!, options: [{ type: O.Subcommand, name: second, options } as never] }];
	else nested = [{ type: O.Subcommand, name: first!, options } as never];
	const world = emu.world as unknown as { dispatch: (event: string, data: unknown, guildId: string | null) => void };
	const original = world.dispatch.bind(world);
	world.dispatch = (event, data, guildId) => {
		if (event === 'INTERACTION_CREATE') (data as { data: Record<string, unknown> }).data.resolved = resolved;
		original(event, data, guildId);
	};
	try {
		return await emu.interactions.forgedCommand({ guildId: home.guild.id, channelId: home.generalId, userId: admin.id, name: 'xp', options: nested }).waitForReply();
	} finally {
		delete (world as { dispatch?: unknown }).dispatch;
	}
}

const userResolved = (id: string, username: string) => ({ users: { [id]: { id, username, discriminator: '0', global_name: null, avatar: null } } });
const channelResolved = (id: string, name: string, type: ChannelType) => ({ channels: { [id]: { id, name, type, parent_id: null, permissions: '0' } } });
const roleResolved = (id: string, name: string) => ({
	roles: { [id]: { id, name, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, icon: null, unicode_emoji: null, position: 1, permissions: '0', managed: false, mentionable: false, flags: 0 } }
});

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	home = buildVoiceGuild(emu, 'Home');
	other = buildVoiceGuild(emu, 'Elsewhere');
	admin = home.guild.addMember({ username: 'admin', permissions: PermissionFlagsBits.ManageGuild });
	bot = await startTestBot({ emulator: emu, plugins: [voiceXpPlugin], clock: new ManualClock(START) });
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('/xp add and /xp reset of someone who is not a member', () => {
	it('refuse a user of another guild, storing nothing', async () => {
		const stranger = other.guild.addMember({ username: 'stranger' });
		const add = await forgedXp(['add'], [{ type: O.User, name: 'user', value: stranger.id }, { type: O.Integer, name: 'amount', value: 500 }], userResolved(stranger.id, 'stranger'));
		expect(add.content).toBe(`<@${stranger.id}> is not a member of this server; nothing was changed.`);
		const reset = await forgedXp(['reset'], [{ type: O.User, name: 'user', value: stranger.id }], userResolved(stranger.id, 'stranger'));
		expect(reset.content).toBe(`<@${stranger.id}> is not a member of this server and has no voice XP here; nothing was changed.`);
		expect(await storedStats(bot, home.guild.id, stranger.id)).toBeNull();
	});

	it('refuse a user Discord resolves without a member (picked by id), storing nothing', async () => {
		const loner = emu.world.createUser({ username: 'loner' });
		const add = await command(emu, home, admin.id, 'xp', { subcommand: 'add', options: { user: loner.id, amount: 42 } });
		expect(add.content).toBe(`<@${loner.id}> is not a member of this server; nothing was changed.`);
		expect(await storedStats(bot, home.guild.id, loner.id)).toBeNull();
	});

	it('still adds to a member, and resets a former member who kept stats (admins clean up after members who left)', async () => {
		const member = home.guild.addMember({ username: 'member' });
		const add = await command(emu, home, admin.id, 'xp', { subcommand: 'add', options: { user: member.id, amount: 150 } });
		expect(add.content).toContain(`<@${member.id}>`);
		expect((await storedStats(bot, home.guild.id, member.id))?.totalXp).toBe(150);
		home.guild.removeMember(member.id);
		// Discord resolves a user who left without a member.
		const reset = await forgedXp(['reset'], [{ type: O.User, name: 'user', value: member.id }], userResolved(member.id, 'member'));
		expect(reset.content).not.toContain('not a member');
		expect((await storedStats(bot, home.guild.id, member.id))?.totalXp).toBe(0);
	});
});

describe('channels and roles of another guild', () => {
	it('/xp config exclude refuses a channel of another guild; nothing is stored', async () => {
		const before = await config();
		const answer = await forgedXp(['config', 'exclude'], [{ type: O.Channel, name: 'channel', value: other.loungeId }], channelResolved(other.loungeId, 'Lounge', ChannelType.GuildVoice));
		expect(answer.content).toBe(`<#${other.loungeId}> is not a channel of this server; nothing was changed.`);
		expect(await config()).toEqual(before);
		// A category of another guild the bot does not know at all (an id the client has never seen) is refused too.
		const unknownId = '1234567890123456789';
		const unknown = await forgedXp(['config', 'exclude'], [{ type: O.Channel, name: 'channel', value: unknownId }], channelResolved(unknownId, 'Nowhere', ChannelType.GuildCategory));
		expect(unknown.content).toBe(`<#${unknownId}> is not a channel of this server; nothing was changed.`);
		expect(await config()).toEqual(before);
		// The guild's own channel is still accepted.
		const own = await forgedXp(['config', 'exclude'], [{ type: O.Channel, name: 'channel', value: home.soloId }], channelResolved(home.soloId, 'Solo', ChannelType.GuildVoice));
		expect(own.content).toBe(`No more XP in <#${home.soloId}>.`);
		expect((await config()).excludedChannelIds).toEqual([...before.excludedChannelIds, home.soloId]);
	});

	it('/xp config announcements refuses a channel of another guild; nothing is stored', async () => {
		const before = await config();
		const answer = await forgedXp(
			['config', 'announcements'],
			[{ type: O.String, name: 'mode', value: 'channel' }, { type: O.Channel, name: 'channel', value: other.generalId }],
			channelResolved(other.generalId, 'general', ChannelType.GuildText)
		);
		expect(answer.content).toBe(`<#${other.generalId}> is not a channel of this server; nothing was changed.`);
		expect(await config()).toEqual(before);
	});

	it('/xp tiers add refuses a role of another guild; nothing is stored', async () => {
		const before = await config();
		const foreign = other.guild.createRole({ name: 'Foreign' }).id;
		const answer = await forgedXp(['tiers', 'add'], [{ type: O.Role, name: 'role', value: foreign }, { type: O.Integer, name: 'minutes', value: 10 }], roleResolved(foreign, 'Foreign'));
		expect(answer.content).toBe(`<@&${foreign}> is not a role of this server; nothing was changed.`);
		expect(await config()).toEqual(before);
		// The guild's own role is still accepted.
		const own = home.guild.createRole({ name: 'Regular' }).id;
		const added = await command(emu, home, admin.id, 'xp', { subcommandGroup: 'tiers', subcommand: 'add', options: { role: own, minutes: 10 } });
		expect(added.content).toContain(`<@&${own}>`);
		expect((await config()).tiers).toEqual([{ roleId: own, minMinutes: 10 }]);
	});
});
