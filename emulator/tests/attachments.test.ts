/**
 * File uploads and attachments: multipart bodies (`payload_json` + `files[n]`) on message create / edit, interaction
 * callbacks, follow-ups, `@original` and forum posts; Discord's limits (10 files, 10 MiB per file, 25 MiB per
 * request: 413 40005); attachments stored with their bytes and served on the emulator's CDN at signed URLs that
 * expire on the emulator clock, die with their message or channel, refuse a tampered signature, and are signed anew
 * on every REST read; `emu.messages.send` files with content; and a bare discord.js client uploading and downloading.
 */
import { once } from 'node:events';
import { ChannelType, PermissionFlagsBits as P, InteractionResponseType as R, MessageFlags } from 'discord-api-types/v10';
import { AttachmentBuilder, Client, GatewayIntentBits, type ClientOptions, type Interaction, type TextChannel } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DiscordEmulator, secureFilename, type GuildHandle } from '../index.js';
import { restClient, type Answer } from './helpers/rest.js';

let emu: DiscordEmulator;
let api: ReturnType<typeof restClient>;
let guild: GuildHandle;
let general: string;

/** A 2×3 PNG header (enough for its size): signature, IHDR length and type, width 2, height 3. */
const PNG = Buffer.concat([
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
	Buffer.from('IHDR'),
	Buffer.from([0, 0, 0, 2, 0, 0, 0, 3, 8, 6, 0, 0, 0])
]);

interface FilePart {
	name: string;
	data: Buffer | string;
	/** Default `files[<index>]`. */
	field?: string;
	type?: string;
}

/** A multipart request as discord.js builds one: `payload_json` (when given) and `files[n]` parts. */
async function upload(method: string, path: string, payload: unknown, files: FilePart[], fields: Record<string, string> = {}): Promise<Answer> {
	const form = new FormData();
	if (payload !== undefined) form.set('payload_json', JSON.stringify(payload));
	for (const [name, value] of Object.entries(fields)) form.set(name, value);
	files.forEach((file, index) => {
		const bytes = typeof file.data === 'string' ? Buffer.from(file.data) : file.data;
		form.append(file.field ?? `files[${index}]`, new Blob([new Uint8Array(bytes)], { type: file.type ?? '' }), file.name);
	});
	const response = await fetch(`${emu.restUrl}/v10${path}`, { method, headers: { authorization: `Bot ${emu.bot.token}` }, body: form });
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** GET of an attachment URL: status, content-type and bytes. */
async function download(url: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
	const response = await fetch(url);
	return { status: response.status, type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
}

const signed = /^http:\/\/127\.0\.0\.1:\d+\/attachments\/\d+\/\d+\/[^?]+\?ex=[0-9a-f]+&is=[0-9a-f]+&hm=[0-9a-f]{64}&$/;

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	api = restClient(emu);
	guild = emu.world.createGuild({ name: 'Files' });
	general = guild.channels.find((channel) => channel.name === 'general')!.id;
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await emu.stop();
});

describe('multipart uploads', () => {
	test('one file: a stored attachment whose signed URL serves its bytes, and the recorder and emu.attachments see it', async () => {
		const entries = 'alice\nbob\ncarol\n';
		const sent = await upload('POST', `/channels/${general}/messages`, { content: 'Giveaway entries', attachments: [{ id: 0, description: 'entries' }] }, [
			{ name: 'entries.txt', data: entries, type: 'text/plain' }
		]);
		expect(sent.status).toBe(200);
		const [attachment] = sent.body.attachments;
		expect(attachment).toEqual({
			id: expect.stringMatching(/^\d+$/),
			filename: 'entries.txt',
			description: 'entries',
			content_type: 'text/plain; charset=utf-8',
			size: Buffer.byteLength(entries),
			url: expect.stringMatching(signed),
			proxy_url: expect.stringMatching(/\/media\/attachments\//)
		});
		expect(attachment.url).toContain(`/attachments/${general}/${attachment.id}/entries.txt?`);
		const file = await download(attachment.url);
		expect(file).toEqual({ status: 200, type: 'text/plain; charset=utf-8', bytes: Buffer.from(entries) });
		expect((await download(attachment.proxy_url)).bytes.toString()).toBe(entries);

		expect(guild.messages(general).at(-1)?.attachments).toEqual(sent.body.attachments);
		expect(emu.recorder.calls('POST /channels/{channel_id}/messages').at(-1)?.files).toEqual([
			{ field: 'files[0]', filename: 'entries.txt', contentType: 'text/plain', size: Buffer.byteLength(entries) }
		]);
		const [uploaded] = emu.attachments.uploadedBy().filter((candidate) => candidate.id === attachment.id);
		expect(uploaded).toMatchObject({ filename: 'entries.txt', uploaderId: emu.bot.id, via: 'rest', route: 'POST /channels/{channel_id}/messages', messageId: sent.body.id, available: true });
		expect(uploaded!.bytes.toString()).toBe(entries);
		expect(emu.attachments.get(attachment.url)).toMatchObject({ filename: 'entries.txt', contentType: 'text/plain; charset=utf-8', bytes: Buffer.from(entries) });
		expect(emu.attachments.get(attachment.url)!.expiresAt).toBeGreaterThan(emu.clock.now() + emu.attachments.lifetimeMs - 2000);
		expect(emu.attachments.downloads.filter((entry) => entry.attachmentId === attachment.id).map((entry) => entry.status)).toEqual([200, 200]);
	});

	test('ten files are attached in order; an eleventh is refused (30015 without attachments, 50035 with them)', async () => {
		const files = Array.from({ length: 10 }, (_, index) => ({ name: `part${index}.txt`, data: `part ${index}` }));
		const ten = await upload('POST', `/channels/${general}/messages`, undefined, files);
		expect(ten.status).toBe(200);
		expect(ten.body.attachments.map((attachment: { filename: string }) => attachment.filename)).toEqual(files.map((file) => file.name));
		const bytes = await Promise.all(ten.body.attachments.map(async (attachment: { url: string }) => (await download(attachment.url)).bytes.toString()));
		expect(bytes).toEqual(files.map((file) => file.data));

		emu.expectFailures((failure) => failure.code === 30015 || failure.code === 50035);
		const eleven = [...files, { name: 'part10.txt', data: 'part 10' }];
		const refused = await upload('POST', `/channels/${general}/messages`, undefined, eleven);
		expect(refused).toMatchObject({ status: 400, body: { code: 30015, message: 'Maximum number of attachments in a message reached (10)' } });
		const listed = await upload('POST', `/channels/${general}/messages`, { attachments: eleven.map((_, index) => ({ id: index })) }, eleven);
		expect(listed).toMatchObject({ status: 400, body: { code: 50035, errors: { attachments: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } });
		expect(emu.failures.map((failure) => failure.kind)).toEqual(['invalid-body', 'invalid-body']);
	});

	test('payload_json is validated like a JSON body; attachments ids must match a part; names are cleaned as Discord does', async () => {
		emu.expectFailures((failure) => failure.kind === 'invalid-body');
		const long = await upload('POST', `/channels/${general}/messages`, { content: 'x'.repeat(2001), attachments: [{ id: 0 }] }, [{ name: 'a.txt', data: 'a' }]);
		expect(long).toMatchObject({ status: 400, body: { code: 50035, errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } });
		const badJson = await upload('POST', `/channels/${general}/messages`, undefined, [], { payload_json: '{"content": ' });
		expect(badJson).toMatchObject({ status: 400, body: { code: 50109 } });
		const missing = await upload('POST', `/channels/${general}/messages`, { attachments: [{ id: 0 }, { id: 1 }] }, [{ name: 'a.txt', data: 'a' }]);
		expect(missing).toMatchObject({
			status: 400,
			body: { code: 50035, errors: { attachments: { 1: { _errors: [{ code: 'ATTACHMENT_NOT_FOUND', message: 'Attachment data not found' }] } } } }
		});
		expect(guild.messages(general).some((message) => message.attachments.some((attachment) => attachment.filename === 'a.txt'))).toBe(false);
		expect(emu.failures).toHaveLength(3);

		// Form fields instead of payload_json (the reference's first example), a cleaned name, a PNG's size, a spoiler.
		const plain = await upload('POST', `/channels/${general}/messages`, undefined, [{ name: 'my photo (1).png', data: PNG }], { content: 'hello', tts: 'true' });
		expect(plain.status).toBe(200);
		expect(plain.body).toMatchObject({ content: 'hello', tts: true });
		expect(plain.body.attachments[0]).toMatchObject({ filename: 'my_photo_1.png', content_type: 'image/png', width: 2, height: 3, size: PNG.length });
		const spoiler = await upload('POST', `/channels/${general}/messages`, { attachments: [{ id: 5, filename: 'secret.bin', is_spoiler: true }] }, [
			{ name: 'ignored.bin', data: Buffer.from([1, 2, 3]), field: 'files[5]', type: 'application/x-custom' }
		]);
		expect(spoiler.body.attachments[0]).toMatchObject({ filename: 'secret.bin', content_type: 'application/x-custom', flags: 8, size: 3 });
		expect([secureFilename('_hidden.txt'), secureFilename('../../etc/passwd'), secureFilename('żółw.png'), secureFilename('日本')]).toEqual([
			'hidden.txt',
			'etc_passwd',
			'zow.png',
			'unknown'
		]);
	});

	test('a file over the upload limit (10 MiB), or a request over 25 MiB, is 413 40005 "Request entity too large"', async () => {
		expect([emu.attachments.sizeLimit, emu.attachments.requestSizeLimit]).toEqual([10 * 1024 * 1024, 25 * 1024 * 1024]);
		// The same rules on an emulator with small limits, so the test moves kilobytes rather than megabytes.
		const small = await DiscordEmulator.start({ attachmentSizeLimit: 4096, requestSizeLimit: 10_000 });
		try {
			const channel = small.world.createGuild({ name: 'Small' }).channels.find((candidate) => candidate.name === 'general')!.id;
			const send = async (sizes: number[]) => {
				const form = new FormData();
				sizes.forEach((size, index) => form.append(`files[${index}]`, new Blob([new Uint8Array(size)]), `file${index}.bin`));
				const response = await fetch(`${small.restUrl}/v10/channels/${channel}/messages`, { method: 'POST', headers: { authorization: `Bot ${small.bot.token}` }, body: form });
				return { status: response.status, body: await response.json() };
			};
			expect(await send([4097])).toEqual({ status: 413, body: { code: 40005, message: 'Request entity too large' } });
			expect(await send([4000, 4000, 4000])).toEqual({ status: 413, body: { code: 40005, message: 'Request entity too large' } });
			expect((await send([4096, 4000])).status).toBe(200);
			expect(small.failures.map((failure) => [failure.kind, failure.status, failure.code])).toEqual([
				['refused', 413, 40005],
				['refused', 413, 40005]
			]);
			expect(small.attachments.uploadedBy().map((attachment) => attachment.size)).toEqual([4096, 4000]);
		} finally {
			await small.stop();
		}
	});

	test('an edit keeps the attachments its `attachments` lists, adds new files, removes the others; without the field it appends', async () => {
		const created = await upload('POST', `/channels/${general}/messages`, { attachments: [{ id: 0 }, { id: 1 }] }, [
			{ name: 'a.txt', data: 'A' },
			{ name: 'b.txt', data: 'B' }
		]);
		const [a, b] = created.body.attachments;
		const path = `/channels/${general}/messages/${created.body.id}`;

		const edited = await upload('PATCH', path, { content: 'a and c', attachments: [{ id: a.id, description: 'kept' }, { id: 0 }] }, [{ name: 'c.txt', data: 'C' }]);
		expect(edited.status).toBe(200);
		expect(edited.body.attachments.map((attachment: { filename: string }) => attachment.filename)).toEqual(['a.txt', 'c.txt']);
		expect(edited.body.attachments[0]).toMatchObject({ id: a.id, description: 'kept' });
		expect((await download(b.url)).status).toBe(404);
		expect(emu.attachments.why(b.url)).toBe('deleted');
		expect((await download(a.url)).bytes.toString()).toBe('A');
		expect((await download(edited.body.attachments[1].url)).bytes.toString()).toBe('C');

		const contentOnly = await api('PATCH', path, { content: 'still a and c' });
		expect(contentOnly.body.attachments.map((attachment: { id: string }) => attachment.id)).toEqual(edited.body.attachments.map((attachment: { id: string }) => attachment.id));
		const appended = await upload('PATCH', path, undefined, [{ name: 'd.txt', data: 'D' }]);
		expect(appended.body.attachments.map((attachment: { filename: string }) => attachment.filename)).toEqual(['a.txt', 'c.txt', 'd.txt']);
		const cleared = await api('PATCH', path, { attachments: [] });
		expect(cleared.body.attachments).toEqual([]);
		expect((await download(a.url)).status).toBe(404);

		emu.expectFailures((failure) => failure.code === 50035);
		const unknown = await api('PATCH', path, { attachments: [{ id: b.id }] });
		expect(unknown.body.errors.attachments[0]._errors[0].code).toBe('ATTACHMENT_NOT_FOUND');
	});

	test('a forum post takes files on its starter message', async () => {
		const forum = guild.createChannel({ name: 'tickets', type: ChannelType.GuildForum });
		const post = await upload('POST', `/channels/${forum.id}/threads`, { name: 'Ticket #1', message: { content: 'transcript', attachments: [{ id: 0 }] } }, [
			{ name: 'transcript.html', data: '<p>hi</p>' }
		]);
		expect(post.status).toBe(201);
		expect(post.body).toMatchObject({ type: ChannelType.PublicThread, parent_id: forum.id, message_count: 0, message: { id: post.body.id, channel_id: post.body.id } });
		const [attachment] = post.body.message.attachments;
		expect(await download(attachment.url)).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
	});
});

describe('interactions', () => {
	test('a reply (type 4), a follow-up and an @original edit carry files; an update (type 7) replaces them', async () => {
		const registered = await api('PUT', `/applications/${emu.bot.applicationId}/commands`, [{ name: 'giveaway', description: 'Draw a winner' }]);
		expect(registered.status).toBe(200);
		const user = guild.addMember({ username: 'host' });
		const handle = emu.interactions.command({ guildId: guild.id, channelId: general, userId: user.id, name: 'giveaway' });
		const { id, token } = handle.payload;
		expect(handle.payload.attachment_size_limit).toBe(emu.attachments.sizeLimit);
		const callback = await upload('POST', `/interactions/${id}/${token}/callback?with_response=true`, {
			type: R.ChannelMessageWithSource,
			data: {
				content: 'Entries attached',
				attachments: [{ id: 0 }],
				components: [{ type: 1, components: [{ type: 2, style: 1, custom_id: 'reroll', label: 'Reroll' }] }]
			}
		}, [{ name: 'entries.csv', data: 'user\nalice\n' }]);
		expect(callback.status).toBe(200);
		const reply = callback.body.resource.message;
		expect(reply.attachments[0]).toMatchObject({ filename: 'entries.csv', content_type: 'text/csv; charset=utf-8' });
		expect((await download(reply.attachments[0].url)).bytes.toString()).toBe('user\nalice\n');
		expect((await handle.waitForReply()).raw.attachments).toHaveLength(1);

		const followUp = await upload('POST', `/webhooks/${emu.bot.applicationId}/${token}`, { content: 'winner', flags: MessageFlags.Ephemeral, attachments: [{ id: 0 }] }, [
			{ name: 'winner.txt', data: 'alice' }
		]);
		expect(followUp.status).toBe(200);
		expect((await download(followUp.body.attachments[0].url)).bytes.toString()).toBe('alice');
		const original = await upload('PATCH', `/webhooks/${emu.bot.applicationId}/${token}/messages/@original`, { attachments: [{ id: reply.attachments[0].id }, { id: 0 }] }, [
			{ name: 'extra.txt', data: 'more' }
		]);
		expect(original.body.attachments.map((attachment: { filename: string }) => attachment.filename)).toEqual(['entries.csv', 'extra.txt']);
		const fetched = await api('GET', `/webhooks/${emu.bot.applicationId}/${token}/messages/@original`);
		expect(fetched.body.attachments[1].url).toMatch(signed);

		const click = emu.interactions.button({ guildId: guild.id, channelId: general, userId: user.id, messageId: reply.id, customId: 'reroll' });
		emu.expectFailures((failure) => failure.status === 404 && failure.kind === 'unknown-resource');
		const update = await upload('POST', `/interactions/${click.payload.id}/${click.payload.token}/callback`, {
			type: R.UpdateMessage,
			data: { content: 'Rerolled', attachments: [{ id: 0 }] }
		}, [{ name: 'entries-2.csv', data: 'user\nbob\n' }]);
		expect(update.status).toBe(204);
		const updated = guild.messages(general).find((message) => message.id === reply.id)!;
		expect(updated.attachments.map((attachment) => attachment.filename)).toEqual(['entries-2.csv']);
		expect((await download(original.body.attachments[1].url)).status).toBe(404);
	});
});

describe('the CDN: signed URLs that expire', () => {
	test('a URL expires with the emulator clock; each REST read signs a fresh one; expireAll invalidates every URL', async () => {
		emu.clock.freeze();
		try {
			const sent = await upload('POST', `/channels/${general}/messages`, undefined, [{ name: 'old.txt', data: 'old' }]);
			const first = sent.body.attachments[0].url as string;
			const ex = Number.parseInt(new URL(first).searchParams.get('ex')!, 16) * 1000;
			expect(ex).toBe(Math.floor((emu.clock.now() + 86_400_000) / 1000) * 1000);
			emu.clock.advance(86_400_000 - 5_000);
			expect((await download(first)).status).toBe(200);
			const read = await api('GET', `/channels/${general}/messages/${sent.body.id}`);
			const fresh = read.body.attachments[0].url as string;
			expect(fresh).not.toBe(first);
			expect(Number.parseInt(new URL(fresh).searchParams.get('ex')!, 16) * 1000).toBeGreaterThan(ex);
			emu.clock.advance(10_000);
			emu.expectFailures((failure) => failure.kind === 'unknown-resource');
			expect(await download(first)).toMatchObject({ status: 404 });
			expect((await download(first)).bytes.toString()).toBe('This content is no longer available.');
			expect(emu.attachments.why(first)).toBe('expired');
			expect(emu.attachments.get(first)).toBeNull();
			expect((await download(fresh)).bytes.toString()).toBe('old');
			const listed = await api('GET', `/channels/${general}/messages?limit=1`);
			expect(listed.body[0].attachments[0].url).toMatch(signed);

			emu.attachments.expireAll();
			expect((await download(fresh)).status).toBe(404);
			const again = await api('GET', `/channels/${general}/messages/${sent.body.id}`);
			expect((await download(again.body.attachments[0].url)).status).toBe(200);
		} finally {
			emu.clock.unfreeze();
		}
	});

	test('deleting the message or the channel makes its attachments 404; a tampered or unsigned URL is 404', async () => {
		emu.expectFailures((failure) => failure.kind === 'unknown-resource');
		const channel = guild.createChannel({ name: 'ticket-1', type: ChannelType.GuildText });
		const one = await upload('POST', `/channels/${channel.id}/messages`, undefined, [{ name: 'one.txt', data: '1' }]);
		const two = await upload('POST', `/channels/${channel.id}/messages`, undefined, [{ name: 'two.txt', data: '2' }]);
		const url = one.body.attachments[0].url as string;

		const tampered = url.replace(/hm=([0-9a-f]{63})([0-9a-f])/, (_, head: string, last: string) => `hm=${head}${last === '0' ? '1' : '0'}`);
		expect((await download(tampered)).status).toBe(404);
		expect(emu.attachments.why(tampered)).toBe('bad-signature');
		expect((await download(url.split('?')[0]!)).status).toBe(404);
		expect(emu.attachments.why(url.split('?')[0]!)).toBe('unsigned');
		expect((await download(url.replace('one.txt', 'two.txt'))).status).toBe(404);
		expect((await download(url)).status).toBe(200);

		expect((await api('DELETE', `/channels/${channel.id}/messages/${one.body.id}`)).status).toBe(204);
		expect((await download(url)).status).toBe(404);
		expect(emu.attachments.why(url)).toBe('deleted');
		expect((await download(two.body.attachments[0].url)).status).toBe(200);
		expect((await api('DELETE', `/channels/${channel.id}`)).status).toBe(200);
		expect((await download(two.body.attachments[0].url)).status).toBe(404);
		expect(emu.attachments.uploadedBy().find((attachment) => attachment.id === two.body.attachments[0].id)?.available).toBe(false);
	});
});

describe('test-control attachments', () => {
	test('emu.messages.send stores content (string or Buffer) and serves it; without content, 1,024 zero bytes', async () => {
		const member = guild.addMember({ username: 'reporter' });
		const message = emu.messages.send({
			channelId: general,
			userId: member.id,
			attachments: [
				{ filename: 'log.txt', content: 'line 1\nline 2' },
				{ filename: 'shot.png', content: PNG },
				{ filename: 'blank.pdf' }
			]
		});
		const [log, shot, blank] = message.attachments;
		expect(log).toMatchObject({ size: 13, content_type: 'text/plain; charset=utf-8', url: expect.stringMatching(signed) });
		expect(shot).toMatchObject({ size: PNG.length, width: 2, height: 3 });
		expect(blank).toMatchObject({ size: 1024, content_type: 'application/pdf' });
		expect((await download(log!.url)).bytes.toString()).toBe('line 1\nline 2');
		expect((await download(shot!.url)).bytes).toEqual(PNG);
		expect(await download(blank!.url)).toEqual({ status: 200, type: 'application/pdf', bytes: Buffer.alloc(1024) });
		expect(emu.attachments.uploadedBy(member.id).map((attachment) => [attachment.filename, attachment.via])).toEqual([
			['log.txt', 'control'],
			['shot.png', 'control'],
			['blank.pdf', 'control']
		]);
	});
});

describe('a bare discord.js client', () => {
	let client: Client;
	let onInteraction: (interaction: Interaction) => Promise<void> = async () => {};

	beforeAll(async () => {
		const options = { intents: [GatewayIntentBits.Guilds], rest: { api: emu.restUrl } } satisfies Omit<ClientOptions, 'tasks'>;
		client = new Client(options as unknown as ClientOptions);
		client.on('interactionCreate', (interaction) => void onInteraction(interaction));
		const ready = once(client, 'clientReady');
		await client.login(emu.bot.token);
		await ready;
	});

	afterAll(async () => {
		await client?.destroy();
	});

	test('sends files: [{ attachment: Buffer, name }] and reads the bytes back with fetch, also after fetching the message', async () => {
		const channel = (await client.channels.fetch(general)) as TextChannel;
		const bytes = Buffer.from('entry list\n'.repeat(100));
		const sent = await channel.send({ content: 'entries', files: [{ attachment: bytes, name: 'entries.txt' }, new AttachmentBuilder(PNG, { name: 'logo.png' })] });
		const [entries, logo] = [...sent.attachments.values()];
		expect(entries).toMatchObject({ name: 'entries.txt', size: bytes.length, contentType: 'text/plain; charset=utf-8' });
		expect(logo).toMatchObject({ name: 'logo.png', width: 2, height: 3 });
		expect(Buffer.from(await (await fetch(entries!.url)).arrayBuffer())).toEqual(bytes);

		const refetched = await channel.messages.fetch({ message: sent.id, force: true });
		expect(Buffer.from(await (await fetch(refetched.attachments.first()!.url)).arrayBuffer())).toEqual(bytes);
		const edited = await sent.edit({ content: 'logo only', attachments: [logo!] });
		expect([...edited.attachments.values()].map((attachment) => attachment.name)).toEqual(['logo.png']);
		expect(emu.attachments.why(entries!.url)).toBe('deleted');
	});

	test('replies to an interaction with a file and follows up with another', async () => {
		await api('PUT', `/applications/${emu.bot.applicationId}/commands`, [{ name: 'export', description: 'Export' }]);
		const user = guild.addMember({ username: 'exporter', permissions: P.ManageGuild });
		onInteraction = async (interaction) => {
			if (!interaction.isChatInputCommand()) return;
			await interaction.reply({ content: 'here', files: [{ attachment: Buffer.from('a,b\n1,2\n'), name: 'export.csv' }] });
			await interaction.followUp({ content: 'and the log', files: [{ attachment: Buffer.from('done'), name: 'export.log' }] });
		};
		const handle = emu.interactions.command({ guildId: guild.id, channelId: general, userId: user.id, name: 'export' });
		const reply = await handle.waitForReply();
		const [followUp] = await handle.waitForFollowUps(1);
		expect(reply.raw.attachments[0]).toMatchObject({ filename: 'export.csv' });
		expect((await download(reply.raw.attachments[0]!.url)).bytes.toString()).toBe('a,b\n1,2\n');
		expect((await download(followUp!.raw.attachments[0]!.url)).bytes.toString()).toBe('done');
	});
});
