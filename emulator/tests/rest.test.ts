/**
 * The REST API over plain HTTP: authorization, unknown routes, Discord's error codes, body validation (OpenAPI +
 * limits), permission and hierarchy checks, rate-limit headers and 429s, and the gateway event each mutation sends.
 */
import { ChannelType, GatewayIntentBits as I, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DiscordEmulator, type GuildHandle } from '../index.js';
import { RateLimiter } from '../rest/ratelimit.js';
import { RawGateway } from './helpers/raw-gateway.js';

let emu: DiscordEmulator;
let gateway: RawGateway;

interface Answer {
	status: number;
	body: any;
	headers: Headers;
}

async function api(method: string, path: string, body?: unknown, options: { auth?: boolean; reason?: string } = {}): Promise<Answer> {
	const headers: Record<string, string> = {};
	if (options.auth ?? true) headers.authorization = `Bot ${emu.bot.token}`;
	if (body !== undefined) headers['content-type'] = 'application/json';
	if (options.reason) headers['x-audit-log-reason'] = encodeURIComponent(options.reason);
	const response = await fetch(`${emu.restUrl}/v10${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

function textChannel(guild: GuildHandle): string {
	return guild.channels.find((channel) => channel.type === ChannelType.GuildText)!.id;
}

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	gateway = await RawGateway.connect(emu.gatewayUrl);
	gateway.identify(emu.bot.token, I.Guilds | I.GuildMembers | I.GuildModeration | I.GuildMessages | I.GuildVoiceStates | I.DirectMessages);
	await gateway.dispatch('READY');
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	gateway.close();
	await emu.stop();
});

describe('routing and authorization', () => {
	test('routes other than interaction callbacks and webhooks need "Bot <token>" (401 otherwise)', async () => {
		emu.expectFailures((failure) => failure.kind === 'unauthorized');
		expect(await api('GET', '/users/@me', undefined, { auth: false })).toMatchObject({ status: 401, body: { code: 0, message: '401: Unauthorized' } });
		const me = await api('GET', '/users/@me');
		expect(me.status).toBe(200);
		expect(me.headers.get('content-type')).toBe('application/json');
		expect(me.body).toMatchObject({ id: emu.bot.id, bot: true, discriminator: '0' });
	});

	test('unknown routes answer 404, wrong methods 405, and both are recorded as failures', async () => {
		emu.expectFailures((failure) => failure.kind === 'unknown-route' || failure.kind === 'method-not-allowed');
		const guild = emu.world.createGuild({ name: 'Routes' });
		expect((await api('GET', '/nowhere')).status).toBe(404);
		expect((await api('GET', `/guilds/${guild.id}/invites`)).status).toBe(404);
		expect((await api('POST', '/users/@me')).status).toBe(405);
		const messages = emu.failures.map((failure) => failure.message);
		expect(messages).toContainEqual(expect.stringMatching(/invites.*does not implement/));
		expect(emu.failures.map((failure) => failure.kind)).toEqual(['unknown-route', 'unknown-route', 'method-not-allowed']);
	});

	test('a test that does not expect an unknown route fails in assertNoFailures', async () => {
		await api('GET', '/nowhere');
		expect(() => emu.assertNoFailures()).toThrow(/unknown-route.*GET \/nowhere/);
	});
});

describe('Discord error codes for unknown resources', () => {
	test('10003, 10004, 10007, 10008, 10011, 10013, 10026', async () => {
		const guild = emu.world.createGuild({ name: 'Unknowns' });
		const channel = textChannel(guild);
		const missing = '123456789012345678';
		const codes = await Promise.all([
			api('GET', `/channels/${missing}`),
			api('GET', `/guilds/${missing}`),
			api('GET', `/guilds/${guild.id}/members/${missing}`),
			api('GET', `/channels/${channel}/messages/${missing}`),
			api('PATCH', `/guilds/${guild.id}/roles/${missing}`, { name: 'x' }),
			api('GET', `/users/${missing}`),
			api('DELETE', `/guilds/${guild.id}/bans/${missing}`)
		]);
		expect(codes.map((answer) => [answer.status, answer.body.code])).toEqual([
			[404, 10003],
			[404, 10004],
			[404, 10007],
			[404, 10008],
			[404, 10011],
			[404, 10013],
			[404, 10026]
		]);
		expect(codes[0]!.body.message).toBe('Unknown Channel');
	});
});

describe('body validation', () => {
	test('content over 2,000 characters: 400 50035 with Discord\'s errors tree', async () => {
		emu.expectFailures((failure) => failure.kind === 'invalid-body');
		const guild = emu.world.createGuild({ name: 'Limits' });
		const answer = await api('POST', `/channels/${textChannel(guild)}/messages`, { content: 'x'.repeat(2001) });
		expect(answer.status).toBe(400);
		expect(answer.body).toEqual({
			code: 50035,
			message: 'Invalid Form Body',
			errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } }
		});
		expect(guild.messages(textChannel(guild))).toHaveLength(0);
	});

	test('embed limits, the spec\'s types, and an empty message (50006)', async () => {
		emu.expectFailures((failure) => failure.kind === 'invalid-body' || failure.code === 50006);
		const guild = emu.world.createGuild({ name: 'Embeds' });
		const channel = textChannel(guild);
		const title = await api('POST', `/channels/${channel}/messages`, { embeds: [{ title: 't'.repeat(257) }] });
		expect(title.body.errors).toEqual({ embeds: { '0': { title: { _errors: [expect.objectContaining({ code: 'BASE_TYPE_MAX_LENGTH' })] } } } });
		const total = await api('POST', `/channels/${channel}/messages`, {
			embeds: [1, 2].map(() => ({ description: 'd'.repeat(4000) }))
		});
		expect(total.body.errors.embeds._errors[0].code).toBe('MAX_EMBED_SIZE_EXCEEDED');
		const typed = await api('POST', `/channels/${channel}/messages`, { content: 'hi', tts: 'yes' });
		expect(typed.body.errors.tts._errors[0].code).toBe('BOOLEAN_TYPE_CONVERT');
		const empty = await api('POST', `/channels/${channel}/messages`, {});
		expect(empty).toMatchObject({ status: 400, body: { code: 50006, message: 'Cannot send an empty message' } });
	});

	test('a timeout more than 28 days ahead is refused', async () => {
		emu.expectFailures((failure) => failure.kind === 'invalid-body');
		const guild = emu.world.createGuild({ name: 'Timeouts' });
		const member = guild.addMember({ username: 'noisy' });
		const until = new Date(Date.now() + 29 * 86_400_000).toISOString();
		const answer = await api('PATCH', `/guilds/${guild.id}/members/${member.id}`, { communication_disabled_until: until });
		expect(answer.body.errors.communication_disabled_until._errors[0].code).toBe('BASE_TYPE_BAD_TIME');
	});
});

describe('permissions and hierarchy', () => {
	test('roles at or above the bot\'s highest role are refused with 50013; below it they work', async () => {
		const guild = emu.world.createGuild({ name: 'Hierarchy' });
		const member = guild.addMember({ username: 'target' });
		const bot = guild.role(guild.botRoleId)!;
		const above = guild.createRole({ name: 'Above', position: bot.position + 1 });
		const below = guild.createRole({ name: 'Below' });
		expect((await api('PUT', `/guilds/${guild.id}/members/${member.id}/roles/${above.id}`)).body).toEqual({ code: 50013, message: 'Missing Permissions' });
		expect((await api('PUT', `/guilds/${guild.id}/members/${member.id}/roles/${guild.botRoleId}`)).body.code).toBe(50013);
		expect((await api('PUT', `/guilds/${guild.id}/members/${member.id}/roles/${below.id}`)).status).toBe(204);
		expect(guild.hasRole(member.id, below.id)).toBe(true);
		expect(guild.hasRole(member.id, above.id)).toBe(false);
	});

	test('missing MANAGE_ROLES, moderating the owner or a higher member, and ADMINISTRATOR', async () => {
		const weak = emu.world.createGuild({ name: 'Weak bot', botPermissions: P.ViewChannel | P.SendMessages });
		const role = weak.createRole({ name: 'Low', position: 1 });
		const member = weak.addMember({ username: 'm' });
		expect((await api('PUT', `/guilds/${weak.id}/members/${member.id}/roles/${role.id}`)).body.code).toBe(50013);

		const guild = emu.world.createGuild({ name: 'Moderation' });
		const boss = guild.addMember({ username: 'boss' });
		const high = guild.createRole({ name: 'Mods', position: guild.role(guild.botRoleId)!.position + 1 });
		await api('PUT', `/guilds/${guild.id}/members/${boss.id}/roles/${high.id}`);
		guild.updateMember(boss.id, { roles: [high.id] });
		expect((await api('DELETE', `/guilds/${guild.id}/members/${guild.ownerId}`)).body.code).toBe(50013);
		expect((await api('DELETE', `/guilds/${guild.id}/members/${boss.id}`)).body.code).toBe(50013);
		expect((await api('PATCH', `/guilds/${guild.id}/members/${boss.id}`, { nick: 'x' })).body.code).toBe(50013);

		const admin = emu.world.createGuild({ name: 'Admin bot', botPermissions: P.Administrator });
		const low = admin.createRole({ name: 'Low' });
		const someone = admin.addMember({ username: 'someone' });
		expect((await api('PUT', `/guilds/${admin.id}/members/${someone.id}/roles/${low.id}`)).status).toBe(204);
		expect((await api('DELETE', `/guilds/${admin.id}/members/${admin.ownerId}`)).body.code).toBe(50013);
	});

	test('channel overwrites: a denied SEND_MESSAGES is 50013, a denied VIEW_CHANNEL is 50001', async () => {
		const guild = emu.world.createGuild({ name: 'Overwrites' });
		const muted = guild.createChannel({
			name: 'read-only',
			type: ChannelType.GuildText,
			permissionOverwrites: [{ id: guild.botRoleId, type: 0, deny: P.SendMessages }]
		});
		const hidden = guild.createChannel({
			name: 'hidden',
			type: ChannelType.GuildText,
			permissionOverwrites: [{ id: guild.everyoneRoleId, type: 0, deny: P.ViewChannel }]
		});
		expect((await api('POST', `/channels/${muted.id}/messages`, { content: 'hi' })).body.code).toBe(50013);
		expect((await api('POST', `/channels/${hidden.id}/messages`, { content: 'hi' })).body).toEqual({ code: 50001, message: 'Missing Access' });
		expect((await api('POST', `/channels/${textChannel(guild)}/messages`, { content: 'hi' })).status).toBe(200);
	});
});

describe('rate limits', () => {
	test('responses carry X-RateLimit-* headers and a full bucket answers 429', async () => {
		const guild = emu.world.createGuild({ name: 'Buckets' });
		emu.rateLimits.configure(2, 60_000);
		try {
			const first = await api('GET', `/guilds/${guild.id}/roles`);
			expect(first.headers.get('x-ratelimit-limit')).toBe('2');
			expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
			expect(Number(first.headers.get('x-ratelimit-reset-after'))).toBeGreaterThan(59);
			expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
			expect(first.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{32}$/);
			await api('GET', `/guilds/${guild.id}/roles`);
			const limited = await api('GET', `/guilds/${guild.id}/roles`);
			expect(limited.status).toBe(429);
			expect(limited.body).toMatchObject({ message: 'You are being rate limited.', global: false });
			expect(limited.body.retry_after).toBeGreaterThan(59);
			expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
		} finally {
			emu.rateLimits.configure(50, 1000);
		}
	});

	test("a webhook's token is part of its bucket: each interaction's follow-ups and @original are limited apart", () => {
		const limiter = new RateLimiter(1, 60_000);
		const route = '/webhooks/{webhook_id}/{webhook_token}/messages/@original';
		expect(limiter.take('PATCH', route, { webhook_id: 'app', webhook_token: 'first' }).limited).toBeUndefined();
		expect(limiter.take('PATCH', route, { webhook_id: 'app', webhook_token: 'second' }).limited).toBeUndefined();
		expect(limiter.take('PATCH', route, { webhook_id: 'app', webhook_token: 'first' }).limited).toMatchObject({ global: false, injected: false });
	});

	test('an injected global 429 says so in X-RateLimit-Global and X-RateLimit-Scope', async () => {
		emu.rateLimits.inject({ global: true, retryAfter: 1.5 });
		const answer = await api('GET', '/users/@me');
		expect(answer.status).toBe(429);
		expect(answer.body).toEqual({ message: 'You are being rate limited.', retry_after: 1.5, global: true, code: 0 });
		expect(answer.headers.get('x-ratelimit-global')).toBe('true');
		expect(answer.headers.get('x-ratelimit-scope')).toBe('global');
		expect(answer.headers.get('retry-after')).toBe('2');
		expect((await api('GET', '/users/@me')).status).toBe(200);
	});

	test('a chaos injection answers its share of requests 429 (seeded), spares excluded routes, and ends at its time', async () => {
		const statuses = async () => {
			const out: number[] = [];
			for (let i = 0; i < 200; i++) out.push((await api('GET', '/users/@me')).status);
			return out;
		};
		emu.rateLimits.configure(10_000, 60_000);
		try {
			emu.rateLimits.inject({ share: 0.25, seed: 3, retryAfter: 0, untilMs: Date.now() + 60_000, exclude: ['GET /gateway/bot'] });
			const first = await statuses();
			const limited = first.filter((status) => status === 429).length;
			expect(limited).toBeGreaterThan(25);
			expect(limited).toBeLessThan(75);
			expect(first.every((status) => status === 200 || status === 429)).toBe(true);
			for (let i = 0; i < 20; i++) expect((await api('GET', '/gateway/bot')).status).toBe(200);
			expect(() => emu.rateLimits.inject({ share: 1.5, retryAfter: 0 })).toThrow(RangeError);

			// The same seed gives the same sequence.
			emu.rateLimits.clearInjections();
			emu.rateLimits.inject({ share: 0.25, seed: 3, retryAfter: 0, untilMs: Date.now() + 60_000, exclude: ['GET /gateway/bot'] });
			expect(await statuses()).toEqual(first);

			// An injection past its end time answers nothing.
			emu.rateLimits.clearInjections();
			emu.rateLimits.inject({ share: 1, retryAfter: 0, untilMs: Date.now() - 1 });
			expect((await statuses()).every((status) => status === 200)).toBe(true);
			expect(emu.rateLimits.pending).toBe(0);
		} finally {
			emu.rateLimits.clearInjections();
			emu.rateLimits.configure(50, 1000);
		}
	});
});

describe('mutations change the world and send the gateway event', () => {
	test('member roles, nick, timeout, kick, ban and unban', async () => {
		const guild = emu.world.createGuild({ name: 'Events' });
		const role = guild.createRole({ name: 'Tier' });
		const member = guild.addMember({ username: 'subject' });
		const other = guild.addMember({ username: 'other' });
		gateway.skipTo(emu.gateway.sessions[0]!.seq);
		await api('PUT', `/guilds/${guild.id}/members/${member.id}/roles/${role.id}`);
		expect((await gateway.dispatch('GUILD_MEMBER_UPDATE')).d).toMatchObject({ guild_id: guild.id, roles: [role.id], user: { id: member.id } });
		await api('DELETE', `/guilds/${guild.id}/members/${member.id}/roles/${role.id}`);
		expect((await gateway.dispatch('GUILD_MEMBER_UPDATE')).d.roles).toEqual([]);
		const until = new Date(Date.now() + 3_600_000).toISOString();
		const patched = await api('PATCH', `/guilds/${guild.id}/members/${member.id}`, { nick: 'Sub', communication_disabled_until: until });
		// Discord answers timestamps in its own form ('...T...000+00:00'), whatever form the request used.
		const discordForm = until.replace('Z', '000+00:00');
		expect(patched.body).toMatchObject({ nick: 'Sub', communication_disabled_until: discordForm });
		expect((await gateway.dispatch('GUILD_MEMBER_UPDATE')).d).toMatchObject({ nick: 'Sub', communication_disabled_until: discordForm });
		expect((await api('DELETE', `/guilds/${guild.id}/members/${other.id}`, undefined, { reason: 'bye' })).status).toBe(204);
		expect((await gateway.dispatch('GUILD_MEMBER_REMOVE')).d).toMatchObject({ guild_id: guild.id, user: { id: other.id } });
		expect(emu.recorder.calls('DELETE /guilds/:id/members/:id').at(-1)?.reason).toBe('bye');
		await api('PUT', `/guilds/${guild.id}/bans/${member.id}`, { delete_message_seconds: 0 });
		expect((await gateway.dispatch('GUILD_BAN_ADD')).d.user.id).toBe(member.id);
		expect((await gateway.dispatch('GUILD_MEMBER_REMOVE')).d.user.id).toBe(member.id);
		expect((await api('GET', `/guilds/${guild.id}/bans/${member.id}`)).body.user.id).toBe(member.id);
		await api('DELETE', `/guilds/${guild.id}/bans/${member.id}`);
		expect((await gateway.dispatch('GUILD_BAN_REMOVE')).d.user.id).toBe(member.id);
	});

	test('channels: create, slowmode, overwrite, threads (create, join, archive), voice move', async () => {
		const guild = emu.world.createGuild({ name: 'Channels' });
		gateway.skipTo(emu.gateway.sessions[0]!.seq);
		const created = await api('POST', `/guilds/${guild.id}/channels`, { name: 'tickets', type: ChannelType.GuildText });
		expect(created.status).toBe(201);
		expect((await gateway.dispatch('CHANNEL_CREATE')).d).toMatchObject({ id: created.body.id, guild_id: guild.id });
		await api('PATCH', `/channels/${created.body.id}`, { rate_limit_per_user: 10 });
		expect((await gateway.dispatch('CHANNEL_UPDATE')).d.rate_limit_per_user).toBe(10);
		await api('PUT', `/channels/${created.body.id}/permissions/${guild.everyoneRoleId}`, { type: 0, deny: String(P.SendMessages) });
		expect((await gateway.dispatch('CHANNEL_UPDATE')).d.permission_overwrites).toContainEqual({
			id: guild.everyoneRoleId,
			type: 0,
			allow: '0',
			deny: String(P.SendMessages)
		});
		const thread = await api('POST', `/channels/${created.body.id}/threads`, { name: 'ticket-1', type: ChannelType.PrivateThread });
		expect((await gateway.dispatch('THREAD_CREATE')).d).toMatchObject({ id: thread.body.id, newly_created: true, parent_id: created.body.id });
		expect((await api('PUT', `/channels/${thread.body.id}/thread-members/@me`)).status).toBe(204);
		await api('PATCH', `/channels/${thread.body.id}`, { archived: true, locked: true });
		expect((await gateway.dispatch('THREAD_UPDATE')).d.thread_metadata).toMatchObject({ archived: true, locked: true });

		const [voiceA, voiceB] = [guild.createChannel({ name: 'A', type: ChannelType.GuildVoice }), guild.createChannel({ name: 'B', type: ChannelType.GuildVoice })];
		const member = guild.addMember({ username: 'mover' });
		emu.voice.join(guild.id, member.id, voiceA.id);
		expect((await gateway.dispatch('VOICE_STATE_UPDATE')).d.channel_id).toBe(voiceA.id);
		await api('PATCH', `/guilds/${guild.id}/members/${member.id}`, { channel_id: voiceB.id });
		expect((await gateway.dispatch('VOICE_STATE_UPDATE')).d.channel_id).toBe(voiceB.id);
		expect(guild.voiceState(member.id)?.channel_id).toBe(voiceB.id);
	});

	test('messages: create, edit, delete, bulk delete (not older than 14 days), and DMs (50007 when closed)', async () => {
		const guild = emu.world.createGuild({ name: 'Messages' });
		const channel = textChannel(guild);
		gateway.skipTo(emu.gateway.sessions[0]!.seq);
		const sent = await api('POST', `/channels/${channel}/messages`, { content: 'hello', embeds: [{ title: 'T' }] });
		expect((await gateway.dispatch('MESSAGE_CREATE')).d).toMatchObject({ id: sent.body.id, guild_id: guild.id, author: { id: emu.bot.id } });
		await api('PATCH', `/channels/${channel}/messages/${sent.body.id}`, { content: 'edited' });
		expect((await gateway.dispatch('MESSAGE_UPDATE')).d.content).toBe('edited');
		const second = await api('POST', `/channels/${channel}/messages`, { content: 'two' });
		const third = await api('POST', `/channels/${channel}/messages`, { content: 'three' });
		await api('POST', `/channels/${channel}/messages/bulk-delete`, { messages: [second.body.id, third.body.id] });
		expect((await gateway.dispatch('MESSAGE_DELETE_BULK')).d.ids).toEqual([second.body.id, third.body.id]);
		await api('DELETE', `/channels/${channel}/messages/${sent.body.id}`);
		expect((await gateway.dispatch('MESSAGE_DELETE')).d.id).toBe(sent.body.id);
		expect(guild.messages(channel)).toHaveLength(0);

		emu.expectFailures((failure) => failure.code === 50034 || failure.code === 50007);
		const old = (BigInt(Date.now() - 15 * 86_400_000 - 1420070400000) << 22n).toString();
		expect((await api('POST', `/channels/${channel}/messages/bulk-delete`, { messages: [old, third.body.id] })).body.code).toBe(50034);

		const open = guild.addMember({ username: 'friendly' });
		const closed = guild.addMember({ username: 'private', dmsOpen: false });
		const dm = await api('POST', '/users/@me/channels', { recipient_id: open.id });
		expect(dm.body).toMatchObject({ type: ChannelType.DM, recipients: [{ id: open.id }] });
		expect((await api('POST', `/channels/${dm.body.id}/messages`, { content: 'Level up!' })).status).toBe(200);
		expect(emu.messages.dmsTo(open.id).map((message) => message.content)).toEqual(['Level up!']);
		const closedDm = await api('POST', '/users/@me/channels', { recipient_id: closed.id });
		expect((await api('POST', `/channels/${closedDm.body.id}/messages`, { content: 'hi' })).body.code).toBe(50007);
	});

	test('multipart bodies are read from payload_json', async () => {
		const guild = emu.world.createGuild({ name: 'Files' });
		const form = new FormData();
		form.set('payload_json', JSON.stringify({ content: 'with file', attachments: [{ id: '0', filename: 'a.txt' }] }));
		form.set('files[0]', new Blob(['hello']), 'a.txt');
		const response = await fetch(`${emu.restUrl}/v10/channels/${textChannel(guild)}/messages`, {
			method: 'POST',
			headers: { authorization: `Bot ${emu.bot.token}` },
			body: form
		});
		expect(response.status).toBe(200);
		expect(((await response.json()) as { content: string }).content).toBe('with file');
	});
});

describe('message history paging (GET /channels/{channel_id}/messages)', () => {
	test('1,000 messages paged 100 at a time with `before`: newest first, contiguous, each once', async () => {
		const guild = emu.world.createGuild({ name: 'Paging' });
		const channel = textChannel(guild);
		const author = guild.addMember({ username: 'talker' });
		const sent = Array.from({ length: 1000 }, (_, index) => emu.messages.send({ channelId: channel, userId: author.id, content: `m${index}` }).id);
		const newestFirst = [...sent].reverse();
		const pages: string[][] = [];
		let before: string | undefined;
		for (;;) {
			const answer = await api('GET', `/channels/${channel}/messages?limit=100${before ? `&before=${before}` : ''}`);
			expect(answer.status).toBe(200);
			const ids = (answer.body as { id: string }[]).map((message) => message.id);
			if (!ids.length) break;
			pages.push(ids);
			before = ids.at(-1);
		}
		expect(pages).toHaveLength(10);
		expect(pages.every((page) => page.length === 100)).toBe(true);
		expect(pages.flat()).toEqual(newestFirst);
		expect(pages[0]![0]).toBe(sent.at(-1));
		// Without a limit Discord answers 50; `before` any snowflake (not only a message's) pages by id.
		expect((await api('GET', `/channels/${channel}/messages`)).body).toHaveLength(50);
		const between = ((BigInt(sent[500]!) + BigInt(sent[501]!)) / 2n).toString();
		const byTime = ((await api('GET', `/channels/${channel}/messages?limit=2&before=${between}`)).body as { id: string }[]).map((message) => message.id);
		expect(byTime).toEqual(BigInt(between) > BigInt(sent[500]!) ? [sent[500], sent[499]] : [sent[499], sent[498]]);
	});

	test('`after` walks forward (each page still newest first), `around` centres on a message, `limit` is 1–100', async () => {
		const guild = emu.world.createGuild({ name: 'Paging after' });
		const channel = textChannel(guild);
		const author = guild.addMember({ username: 'talker' });
		const sent = Array.from({ length: 250 }, (_, index) => emu.messages.send({ channelId: channel, userId: author.id, content: `m${index}` }).id);
		const forward: string[] = [];
		let after = '0';
		for (;;) {
			const ids = ((await api('GET', `/channels/${channel}/messages?limit=100&after=${after}`)).body as { id: string }[]).map((message) => message.id);
			if (!ids.length) break;
			expect(ids).toEqual([...ids].sort((a, b) => (BigInt(a) > BigInt(b) ? -1 : 1)));
			forward.push(...[...ids].reverse());
			after = ids[0]!;
		}
		expect(forward).toEqual(sent);
		const first = ((await api('GET', `/channels/${channel}/messages?limit=3&after=${sent[9]}`)).body as { id: string }[]).map((message) => message.id);
		expect(first).toEqual([sent[12], sent[11], sent[10]]);
		const around = ((await api('GET', `/channels/${channel}/messages?limit=5&around=${sent[100]}`)).body as { id: string }[]).map((message) => message.id);
		expect(around).toEqual([sent[102], sent[101], sent[100], sent[99], sent[98]]);
		const one = ((await api('GET', `/channels/${channel}/messages?limit=1&around=${sent[7]}`)).body as { id: string }[]).map((message) => message.id);
		expect(one).toEqual([sent[7]]);
		emu.expectFailures((failure) => failure.kind === 'invalid-body');
		expect((await api('GET', `/channels/${channel}/messages?limit=101`)).body.errors.limit._errors[0].code).toBe('NUMBER_TYPE_MAX');
		expect((await api('GET', `/channels/${channel}/messages?limit=0`)).body.errors.limit._errors[0].code).toBe('NUMBER_TYPE_MIN');
	});

	test('5,000 messages dated in the past, sent newest first, stay fast and are listed in id order', async () => {
		const guild = emu.world.createGuild({ name: 'Transcript' });
		const channel = textChannel(guild);
		const author = guild.addMember({ username: 'talker' });
		emu.messages.send({ channelId: channel, userId: author.id, content: 'now' });
		const start = emu.clock.now() - 86_400_000;
		const began = performance.now();
		// Worst case for an ordered history: every message is older than all the ones before it.
		for (let index = 4999; index >= 0; index--) {
			emu.messages.send({ channelId: channel, userId: author.id, content: `old ${index}`, at: start + index * 1000 });
		}
		const elapsed = performance.now() - began;
		// Re-sorting the channel after each insert took over 5 s here; an ordered store takes well under 1 s.
		expect(elapsed).toBeLessThan(4000);
		const history = emu.messages.in(channel);
		expect(history).toHaveLength(5001);
		expect(history.slice(0, 3).map((message) => message.content)).toEqual(['old 0', 'old 1', 'old 2']);
		expect(history.at(-1)!.content).toBe('now');
		const page = (await api('GET', `/channels/${channel}/messages?limit=2&before=${history[2]!.id}`)).body as { content: string }[];
		expect(page.map((message) => message.content)).toEqual(['old 1', 'old 0']);
	});
});
