/**
 * Channel limits: 50 channels per category ("each parent category can contain up to 50 channels", answered 400 50035
 * `parent_id: CHANNEL_PARENT_MAX_CHANNELS` on a create or a move, as library users quote Discord) and 500 channels
 * per guild (30013), threads counting towards neither; deleting a category keeps its channels (parent_id removed,
 * one CHANNEL_UPDATE each).
 */
import { AuditLogEvent, ChannelType, GatewayIntentBits as I } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DiscordEmulator, type GuildHandle } from '../index.js';
import { RawGateway } from './helpers/raw-gateway.js';
import { restClient } from './helpers/rest.js';

let emu: DiscordEmulator;
let gateway: RawGateway;
let api: ReturnType<typeof restClient>;

const CATEGORY_FULL = {
	code: 50035,
	message: 'Invalid Form Body',
	errors: { parent_id: { _errors: [{ code: 'CHANNEL_PARENT_MAX_CHANNELS', message: 'Maximum number of channels in category reached (50)' }] } }
};

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	api = restClient(emu);
	gateway = await RawGateway.connect(emu.gatewayUrl);
	gateway.identify(emu.bot.token, I.Guilds | I.GuildModeration);
	await gateway.dispatch('READY');
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	gateway.close();
	await emu.stop();
});

/** A guild with a category holding `count` channels (text and voice alternating). */
function guildWithCategory(count: number): { guild: GuildHandle; category: string; children: string[] } {
	const guild = emu.world.createGuild({ name: `Tickets ${count}` });
	const category = guild.createChannel({ name: 'tickets', type: ChannelType.GuildCategory }).id;
	const children = Array.from({ length: count }, (_, index) =>
		guild.createChannel({ name: `ticket-${index}`, type: index % 2 ? ChannelType.GuildVoice : ChannelType.GuildText, parentId: category }).id
	);
	return { guild, category, children };
}

/** A channel's `parent_id` as the API shows it. */
function parentOf(guild: GuildHandle, channelId: string): string | null | undefined {
	return (guild.channel(channelId) as { parent_id?: string | null } | undefined)?.parent_id;
}

describe('50 channels per category', () => {
	test('creating a 51st channel in a category: 400 50035 parent_id CHANNEL_PARENT_MAX_CHANNELS, nothing created', async () => {
		const { guild, category } = guildWithCategory(49);
		const fiftieth = await api('POST', `/guilds/${guild.id}/channels`, { name: 'ticket-49', type: ChannelType.GuildText, parent_id: category });
		expect(fiftieth.status).toBe(201);
		const channels = guild.channels.length;
		const entries = guild.auditLog.length;
		const seq = emu.recorder.seq;
		const refused = await api('POST', `/guilds/${guild.id}/channels`, { name: 'ticket-50', type: ChannelType.GuildText, parent_id: category });
		expect(refused).toMatchObject({ status: 400, body: CATEGORY_FULL });
		expect(guild.channels).toHaveLength(channels);
		expect(guild.channels.some((channel) => channel.name === 'ticket-50')).toBe(false);
		expect(guild.auditLog).toHaveLength(entries);
		expect(emu.recorder.dispatchesSince(seq, guild.id)).not.toContain('CHANNEL_CREATE');
		// It depends on the guild, not on the body: recorded as 'refused', which assertNoFailures lets through.
		expect(emu.failures.at(-1)).toMatchObject({ kind: 'refused', code: 50035, status: 400 });
		// A voice channel counts like a text channel; outside the category there is room.
		expect((await api('POST', `/guilds/${guild.id}/channels`, { name: 'v', type: ChannelType.GuildVoice, parent_id: category })).status).toBe(400);
		expect((await api('POST', `/guilds/${guild.id}/channels`, { name: 'elsewhere', type: ChannelType.GuildText })).status).toBe(201);
	});

	test('moving a channel into a full category is refused the same way; editing a channel already in it is not', async () => {
		const { guild, category, children } = guildWithCategory(50);
		const outside = guild.createChannel({ name: 'outside', type: ChannelType.GuildText });
		const moved = await api('PATCH', `/channels/${outside.id}`, { parent_id: category });
		expect(moved).toMatchObject({ status: 400, body: CATEGORY_FULL });
		expect(parentOf(guild, outside.id)).toBeNull();
		const renamed = await api('PATCH', `/channels/${children[0]}`, { name: 'renamed', parent_id: category });
		expect(renamed.status).toBe(200);
		expect(renamed.body).toMatchObject({ name: 'renamed', parent_id: category });
	});

	test('deleting a channel makes room; threads of the category\'s channels never count', async () => {
		const { guild, category, children } = guildWithCategory(50);
		const thread = await api('POST', `/channels/${children[0]}/threads`, { name: 'private', type: ChannelType.PrivateThread });
		expect(thread.status).toBe(201);
		expect((await api('POST', `/guilds/${guild.id}/channels`, { name: 'late', parent_id: category })).status).toBe(400);
		expect((await api('DELETE', `/channels/${children[2]}`)).status).toBe(200);
		const created = await api('POST', `/guilds/${guild.id}/channels`, { name: 'late', parent_id: category });
		expect(created).toMatchObject({ status: 201, body: { name: 'late', parent_id: category } });
	});

	test('guild.createChannel (a test builder) throws for a 51st channel instead of building a world Discord cannot hold', () => {
		const { guild, category } = guildWithCategory(50);
		expect(() => guild.createChannel({ name: 'one-too-many', type: ChannelType.GuildText, parentId: category })).toThrow(/already holds 50 channels/);
		expect(guild.channels.filter((channel) => parentOf(guild, channel.id) === category)).toHaveLength(50);
	});

	test('deleting a category keeps its channels: parent_id null and one CHANNEL_UPDATE each, after CHANNEL_DELETE', async () => {
		const { guild, category, children } = guildWithCategory(3);
		const seq = emu.recorder.seq;
		const deleted = await api('DELETE', `/channels/${category}`);
		expect(deleted).toMatchObject({ status: 200, body: { id: category, type: ChannelType.GuildCategory } });
		expect(children.map((id) => parentOf(guild, id))).toEqual([null, null, null]);
		const events = emu.recorder.dispatchesSince(seq, guild.id);
		expect(events.slice(0, 4)).toEqual(['CHANNEL_DELETE', 'CHANNEL_UPDATE', 'CHANNEL_UPDATE', 'CHANNEL_UPDATE']);
		expect(guild.auditLog.at(-1)).toMatchObject({ action_type: AuditLogEvent.ChannelDelete, target_id: category });
	});
});

describe('500 channels per guild', () => {
	test('a 501st channel is 400 30013; threads do not count', async () => {
		const guild = emu.world.createGuild({ name: 'Full guild', defaultChannels: false });
		const text = guild.createChannel({ name: 'text', type: ChannelType.GuildText });
		for (let index = 1; index < 500; index++) guild.createChannel({ name: `c${index}`, type: ChannelType.GuildVoice });
		const refused = await api('POST', `/guilds/${guild.id}/channels`, { name: 'c500', type: ChannelType.GuildText });
		expect(refused).toMatchObject({ status: 400, body: { code: 30013, message: 'Maximum number of guild channels reached (500)' } });
		expect(() => guild.createChannel({ name: 'c500', type: ChannelType.GuildText })).toThrow(/500 channels/);
		const thread = await api('POST', `/channels/${text.id}/threads`, { name: 'still fine', type: ChannelType.PublicThread });
		expect(thread.status).toBe(201);
		expect(guild.channels).toHaveLength(501);
	});
});
