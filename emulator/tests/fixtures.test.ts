/**
 * The emulator's payloads against the example payloads of Discord's own documentation (fixtures/discord-api-docs):
 * every field of an example must be present in the emulator's payload with a compatible JSON type (null and a
 * value count as compatible, since the docs mark those fields nullable). The example slash command must register
 * without a validation issue and be invocable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChannelType, GatewayIntentBits as I } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DiscordEmulator, type GuildHandle } from '../index.js';
import { RequestValidator } from '../validation/validator.js';
import { RawGateway } from './helpers/raw-gateway.js';

type Json = Record<string, unknown>;

function fixture(name: string): Json {
	return JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'discord-api-docs', name), 'utf8')) as Json;
}

function kind(value: unknown): string {
	return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** Paths of the example that the actual payload lacks or types differently. */
function shapeDifferences(actual: unknown, example: unknown, path = '$', ignore: string[] = []): string[] {
	if (ignore.includes(path)) return [];
	const a = kind(actual);
	const e = kind(example);
	if (a === 'null' || e === 'null') return [];
	if (a !== e) return [`${path}: ${a} instead of ${e}`];
	if (e === 'array') {
		const [first] = example as unknown[];
		const [mine] = actual as unknown[];
		return first === undefined || mine === undefined ? [] : shapeDifferences(mine, first, `${path}[0]`, ignore);
	}
	if (e !== 'object') return [];
	const differences: string[] = [];
	for (const [key, value] of Object.entries(example as Json)) {
		const child = `${path}.${key}`;
		if (ignore.includes(child)) continue;
		if (!(key in (actual as Json))) differences.push(`${child}: missing`);
		else differences.push(...shapeDifferences((actual as Json)[key], value, child, ignore));
	}
	return differences;
}

let emu: DiscordEmulator;
let gateway: RawGateway;
let guild: GuildHandle;

async function api(method: string, path: string, body?: unknown): Promise<any> {
	const response = await fetch(`${emu.restUrl}/v10${path}`, {
		method,
		headers: { authorization: `Bot ${emu.bot.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	expect(response.status, `${method} ${path}`).toBeLessThan(300);
	return response.status === 204 ? undefined : response.json();
}

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	guild = emu.world.createGuild({ name: 'Fixtures' });
	gateway = await RawGateway.connect(emu.gatewayUrl);
	gateway.identify(emu.bot.token, I.Guilds | I.GuildVoiceStates | I.GuildMessages | I.MessageContent);
	await gateway.dispatch('GUILD_CREATE');
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	gateway.close();
	await emu.stop();
});

describe('payload shapes match the examples of discord/discord-api-docs', () => {
	test('the shape comparison reports missing fields and wrong types', () => {
		expect(shapeDifferences({ a: 1, c: [{ d: 'x' }] }, { a: 1, b: 2, c: [{ d: 1 }], e: null })).toEqual([
			'$.b: missing',
			'$.c[0].d: string instead of number',
			'$.e: missing'
		]);
	});

	test('guild, guild member and user', async () => {
		expect(shapeDifferences(await api('GET', `/guilds/${guild.id}`), fixture('guild.json'))).toEqual([]);
		const member = guild.addMember({ username: 'Nelly', nick: 'NOT API SUPPORT' });
		expect(shapeDifferences(await api('GET', `/guilds/${guild.id}/members/${member.id}`), fixture('guild-member.json'))).toEqual([]);
		// The example user is the current user (it has email and verified): compare with GET /users/@me.
		expect(shapeDifferences(await api('GET', '/users/@me'), fixture('user.json'))).toEqual([]);
	});

	test('text, voice, category, thread and DM channels', async () => {
		const category = await api('POST', `/guilds/${guild.id}/channels`, { name: 'Test', type: ChannelType.GuildCategory });
		const text = await api('POST', `/guilds/${guild.id}/channels`, { name: 'general', type: ChannelType.GuildText, parent_id: category.id, topic: 'x', rate_limit_per_user: 2 });
		const voice = await api('POST', `/guilds/${guild.id}/channels`, { name: 'ROCKET CHEESE', type: ChannelType.GuildVoice });
		await api('POST', `/channels/${text.id}/messages`, { content: 'first' });
		const thread = await api('POST', `/channels/${text.id}/threads`, { name: "don't buy dota-2", type: ChannelType.PublicThread });
		const user = guild.addMember({ username: 'test' });
		const dm = await api('POST', '/users/@me/channels', { recipient_id: user.id });
		expect(shapeDifferences(await api('GET', `/channels/${category.id}`), fixture('channel-category.json'))).toEqual([]);
		expect(shapeDifferences(await api('GET', `/channels/${text.id}`), fixture('channel-text.json'))).toEqual([]);
		expect(shapeDifferences(await api('GET', `/channels/${voice.id}`), fixture('channel-voice.json'))).toEqual([]);
		expect(shapeDifferences(await api('GET', `/channels/${thread.id}`), fixture('channel-thread.json'))).toEqual([]);
		expect(shapeDifferences(dm, fixture('channel-dm.json'))).toEqual([]);
	});

	test('voice state (VOICE_STATE_UPDATE) and message (REST and MESSAGE_CREATE)', async () => {
		const voice = guild.createChannel({ name: 'Voice', type: ChannelType.GuildVoice });
		const member = guild.addMember({ username: 'Mason' });
		gateway.skipTo(emu.gateway.sessions[0]!.seq);
		emu.voice.join(guild.id, member.id, voice.id, { selfMute: true });
		const state = (await gateway.dispatch('VOICE_STATE_UPDATE')).d;
		expect(shapeDifferences(state, fixture('voice-state.json'))).toEqual([]);

		const channel = guild.channels.find((c) => c.type === ChannelType.GuildText)!.id;
		const sent = await api('POST', `/channels/${channel}/messages`, { content: 'Supa Hot' });
		// `reactions` is only present on messages that have reactions.
		const ignore = ['$.reactions'];
		expect(shapeDifferences(sent, fixture('message.json'), '$', ignore)).toEqual([]);
		emu.messages.send({ guildId: guild.id, channelId: channel, userId: member.id, content: 'hi' });
		const created = await gateway.next((frame) => frame.t === 'MESSAGE_CREATE' && frame.d.author.id === member.id);
		expect(shapeDifferences(created.d, fixture('message.json'), '$', ignore)).toEqual([]);
	});
});

describe('the example slash command', () => {
	test('passes the OpenAPI and semantic validation, registers, and an invocation matches the example interaction', async () => {
		const command = fixture('slash-command.json');
		expect(new RequestValidator().validate('POST', '/applications/{application_id}/commands', command)).toEqual([]);
		await api('POST', `/applications/${emu.bot.applicationId}/commands`, command);
		const member = guild.addMember({ username: 'Mason' });
		const channel = guild.channels.find((c) => c.type === ChannelType.GuildText)!.id;
		gateway.skipTo(emu.gateway.sessions[0]!.seq);
		const handle = emu.interactions.command({ guildId: guild.id, channelId: channel, userId: member.id, name: 'blep', options: { animal: 'animal_dog' } });
		const payload = (await gateway.dispatch('INTERACTION_CREATE')).d;
		expect(payload.id).toBe(handle.id);
		// `is_pending` is an obsolete field the member object no longer documents.
		expect(shapeDifferences(payload, fixture('interaction-slash-command.json'), '$', ['$.member.is_pending'])).toEqual([]);
		expect(payload.data.options).toEqual([{ name: 'animal', type: 3, value: 'animal_dog' }]);
		expect(() => emu.interactions.command({ guildId: guild.id, channelId: channel, userId: member.id, name: 'blep', options: { animal: 'animal_fish' } })).toThrow(/choices/);
	});
});
