/**
 * The ticket transcript (src/plugins/tickets/service/transcript.ts) against the Discord emulator, through a bare
 * discord.js client as the bot's: a ticket channel of 263 messages from members (three pages of 100), with images,
 * other files, a file over the cap and one over the upload limit, a reply, an edit, a reaction, mentions of a member, a
 * role, a channel, and of a user the bot has never seen (in embeds). The transcript is built, posted to a log channel
 * and to the opener's DMs; then the ticket channel is deleted and every attachment URL issued so far expires, and what
 * a reader gets is checked: every message, the images inline, the files downloadable from the transcript's message
 * (fetched again, as Discord signs its links anew), what was not kept listed by name and size.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32, deflateSync } from 'node:zlib';
import { DiscordEmulator, type GuildHandle, type MemberView } from '@hearth/discord-emulator';
import { ChannelType, PermissionFlagsBits, type APIMessage } from 'discord-api-types/v10';
import { Client, GatewayIntentBits, type ClientOptions, type GuildTextBasedChannel, type Message, type TextChannel, type AnyThreadChannel } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTACHMENTS_PER_MESSAGE, MIB } from '../../../src/plugins/tickets/lib/transcriptBudget.js';
import { buildTranscript, downloadAttachment, publishTranscript, SECTION_ID, type Transcript } from '../../../src/plugins/tickets/service/transcript.js';

const CAP = 64 * 1_024;
const UPLOAD_LIMIT = 10 * MIB;

let emu: DiscordEmulator;
let client: Client;
let guild: GuildHandle;
let admin: MemberView;
let alice: MemberView;
let staff: MemberView;
let bob: MemberView;
let ghostId: string;
let supportRoleId: string;
let logChannelId: string;

/** A real PNG of `width` × `height` RGB pixels, noisy (so it does not compress), different for each `seed`. */
function png(width: number, height: number, seed: number): Buffer {
	const chunk = (type: string, data: Buffer) => {
		const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
		const length = Buffer.alloc(4);
		length.writeUInt32BE(data.length);
		const crc = Buffer.alloc(4);
		crc.writeUInt32BE(crc32(body));
		return Buffer.concat([length, body, crc]);
	};
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 2, 0, 0, 0], 8);
	const rows = Buffer.alloc(height * (1 + width * 3));
	let state = seed;
	for (let index = 0; index < rows.length; index++) {
		state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
		rows[index] = index % (1 + width * 3) === 0 ? 0 : state >>> 24;
	}
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** What a ticket was seeded with: its messages as the emulator holds them, and the attachments by file name. */
interface SeededTicket {
	channelId: string;
	/** Message id → the text its transcript entry must show. */
	texts: Map<string, string>;
	files: Map<string, { bytes: Buffer; url: string; size: number; messageId: string }>;
	replyId: string;
	repliedToId: string;
	editedId: string;
	reactedId: string;
	mentionId: string;
	embedIds: string[];
}

/**
 * A ticket channel with `count` messages by alice and staff (`Message <i> of the ticket`), dated in the past, and:
 * images (3 PNGs of ~3 KiB), eleven small text files, `dump.bin` (200 KiB, over the cap), `disk.iso` (11 MiB, over the
 * upload limit) posted before the small files, `late.txt` after `dump.bin` (fits: the cap is first-fit), a reply, an
 * edit, a reaction, mentions and three embeds mentioning a user the bot never met.
 */
function seedTicket(name: string, count: number): SeededTicket {
	const channel = guild.createChannel({ name, type: ChannelType.GuildText });
	const texts = new Map<string, string>();
	const files: SeededTicket['files'] = new Map();
	const start = emu.clock.now() - 2 * 86_400_000;
	const ids: string[] = [];
	const seeded = {} as Omit<SeededTicket, 'channelId' | 'texts' | 'files' | 'embedIds'> & { embedIds: string[] };
	seeded.embedIds = [];
	const attachmentsAt = new Map<number, { filename: string; content?: Buffer; size?: number }[]>([
		[3, [{ filename: 'screenshot.png', content: png(32, 32, 1) }]],
		[7, [{ filename: 'dump.bin', content: Buffer.alloc(200 * 1_024, 7) }]],
		[8, [{ filename: 'disk.iso', size: 11 * MIB }]],
		[9, [{ filename: 'late.txt', content: Buffer.from('written after the dump\n') }]],
		[12, [{ filename: 'error log.png', content: png(24, 40, 2) }, { filename: 'photo.png', content: png(40, 24, 3) }]],
		[15, Array.from({ length: 10 }, (_, index) => ({ filename: `part-${index + 1}.txt`, content: Buffer.from(`part ${index + 1}\n`.repeat(20)) }))]
	]);
	for (let index = 0; index < count; index++) {
		const author = index % 2 === 0 ? alice : staff;
		const text = `Message ${index} of the ticket`;
		const options: Parameters<typeof emu.messages.send>[0] = { channelId: channel.id, userId: author.id, content: text, at: start + index * 1_000 };
		let shown = text;
		if (index === 20) options.replyTo = ids[5]!;
		if (index === 25) {
			options.content = `${text}: <@${bob.id}> and <@&${supportRoleId}>, see <#${logChannelId}>`;
			shown = text;
		}
		if (index >= 40 && index < 43) options.embeds = [{ title: `Embed ${index}`, description: `Reported by <@${ghostId}>` }];
		const attachments = attachmentsAt.get(index);
		if (attachments) options.attachments = attachments;
		const message: APIMessage = emu.messages.send(options);
		ids.push(message.id);
		texts.set(message.id, shown);
		for (const attachment of message.attachments) {
			const input = attachments!.find((file) => file.filename === attachment.filename)!;
			files.set(attachment.filename, {
				bytes: input.content ?? Buffer.alloc(input.size!),
				url: attachment.url,
				size: attachment.size,
				messageId: message.id
			});
		}
		if (index === 20) seeded.replyId = message.id;
		if (index === 25) seeded.mentionId = message.id;
		if (index >= 40 && index < 43) seeded.embedIds.push(message.id);
	}
	seeded.repliedToId = ids[5]!;
	if (count > 33) {
		seeded.editedId = ids[30]!;
		emu.messages.edit({ channelId: channel.id, messageId: ids[30]!, content: 'Message 30 of the ticket, corrected' });
		texts.set(ids[30]!, 'Message 30 of the ticket, corrected');
		seeded.reactedId = ids[33]!;
		emu.reactions.add({ channelId: channel.id, messageId: ids[33]!, userId: staff.id, emoji: '👍' });
	}
	return { channelId: channel.id, texts, files, ...seeded };
}

/** The `<discord-message>` elements of a transcript by message id (each up to the next one). */
function messageElements(html: string): Map<string, string> {
	const elements = new Map<string, string>();
	const parts = html.split('<discord-message id="m-');
	// React separates adjacent text nodes with `<!-- -->`: dropped, so a message's text reads as one string.
	for (const part of parts.slice(1)) elements.set(part.slice(0, part.indexOf('"')), part.replaceAll('<!-- -->', ''));
	return elements;
}

/** GET of a URL: status and bytes. */
async function download(url: string): Promise<{ status: number; bytes: Buffer }> {
	const response = await fetch(url);
	return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
}

async function ticketChannel(id: string): Promise<GuildTextBasedChannel> {
	return (await client.channels.fetch(id)) as TextChannel;
}

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	guild = emu.world.createGuild({ name: 'Support guild' });
	admin = guild.addMember({ username: 'admin', permissions: PermissionFlagsBits.Administrator });
	alice = guild.addMember({ username: 'alice' });
	staff = guild.addMember({ username: 'helper' });
	bob = guild.addMember({ username: 'bob' });
	ghostId = emu.world.createUser({ username: 'ghost' }).id;
	supportRoleId = guild.createRole({ name: 'Support team' }).id;
	logChannelId = guild.createChannel({ name: 'transcripts', type: ChannelType.GuildText }).id;
	// The bot's @sapphire/plugin-scheduled-tasks augments ClientOptions with a required `tasks` (project-wide); a bare
	// client has none (as in emulator/tests/discordjs.test.ts).
	const options = { intents: [GatewayIntentBits.Guilds], rest: { api: emu.restUrl } } satisfies Omit<ClientOptions, 'tasks'>;
	client = new Client(options as unknown as ClientOptions);
	const ready = once(client, 'clientReady');
	await client.login(emu.bot.token);
	await ready;
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await client?.destroy();
	await emu?.stop();
});

describe('a closed ticket of 263 messages', () => {
	let ticket: SeededTicket;
	let transcript: Transcript;
	let sent: Message[];
	/** The URLs of the transcript's attachments when it was sent (attachment id → URL). */
	let sentUrls: Map<string, string>;
	let restDuringBuild: { route: string; query: Record<string, unknown> }[];

	beforeAll(async () => {
		ticket = seedTicket('ticket-0042', 263);
		const channel = await ticketChannel(ticket.channelId);
		const before = emu.recorder.seq;
		transcript = await buildTranscript(channel, {
			attachmentCapBytes: CAP,
			uploadLimitBytes: UPLOAD_LIMIT,
			fileName: 'ticket-0042.html',
			headerLines: ['Ticket #42: billing', `Opened by alice`]
		});
		// Routes as 'GET /channels/:/messages' (the recorder's templates without their parameter names).
		restDuringBuild = emu.recorder.rest
			.filter((call) => call.seq > before)
			.map((call) => ({ route: `${call.method} ${call.route.replace(/\{[^}]+\}/g, ':')}`, query: call.query }));
		const log = (await client.channels.fetch(logChannelId)) as TextChannel;
		sent = await publishTranscript(log, transcript, `Transcript of ticket #42 for <@${alice.id}>`);
		sentUrls = new Map(sent.flatMap((message) => [...message.attachments.values()].map((attachment) => [attachment.id, attachment.url] as const)));
		await publishTranscript(await client.users.fetch(alice.id), transcript, 'Your ticket #42 was closed; its transcript:');
		// The ticket is deleted by hand and every attachment link issued so far dies.
		emu.channels.delete({ channelId: ticket.channelId, actorId: admin.id });
		emu.attachments.expireAll();
	});

	it('reads the history 100 messages a request, and looks the unknown user up once for three mentions', () => {
		const pages = restDuringBuild.filter((call) => call.route === 'GET /channels/:/messages');
		expect(pages).toHaveLength(3);
		for (const page of pages) expect(page.query).toMatchObject({ limit: '100' });
		expect(restDuringBuild.filter((call) => call.route !== 'GET /channels/:/messages').map((call) => call.route)).toEqual(['GET /users/:']);
		expect(transcript.messageCount).toBe(263);
	});

	it('the HTML, fetched again from the log channel after the links expired, has every message, reply, edit, reaction and mention', async () => {
		const log = (await client.channels.fetch(logChannelId)) as TextChannel;
		const [first] = sent;
		const again = await log.messages.fetch({ message: first!.id, force: true });
		const htmlAttachment = again.attachments.find((attachment) => attachment.name === 'ticket-0042.html')!;
		expect(htmlAttachment).toBeDefined();
		const { status, bytes } = await download(htmlAttachment.url);
		expect(status).toBe(200);
		const html = bytes.toString('utf8');
		expect(bytes.equals(transcript.html)).toBe(true);
		expect(bytes.length).toBeLessThanOrEqual(UPLOAD_LIMIT);

		const elements = messageElements(html);
		expect(elements.size).toBe(263);
		for (const [id, text] of ticket.texts) expect(elements.get(id), `message ${id}`).toContain(text);
		expect(elements.get(ticket.editedId)).toMatch(/^\d+" timestamp="[^"]+" edited=""/);
		expect(elements.get(ticket.replyId)).toContain(`data-goto="${ticket.repliedToId}"`);
		expect(elements.get(ticket.replyId)).toContain('Message 5 of the ticket');
		expect(elements.get(ticket.reactedId)).toMatch(/<discord-reaction name="👍"[^>]* count="1"/);
		const mention = elements.get(ticket.mentionId)!;
		expect(mention).toContain('<discord-mention type="user">bob</discord-mention>');
		expect(mention).toContain('Support team</discord-mention>');
		expect(mention).toContain('transcripts</discord-mention>');
		for (const id of ticket.embedIds) expect(elements.get(id)).toContain('<discord-mention type="user">ghost</discord-mention>');
		expect(html).toContain('"author":"alice"');
		expect(html).toContain('"author":"helper"');
		expect(html).toContain('Ticket #42: billing');
		expect(html).toContain('Exported 263 messages.');
	});

	it('inlines the images as data: URIs and no attachment link of the closed ticket is left', () => {
		const html = transcript.html.toString('utf8');
		for (const name of ['screenshot.png', 'error log.png', 'photo.png']) {
			const file = ticket.files.get(name)!;
			expect(html).toContain(`url="data:image/png;base64,${file.bytes.toString('base64')}"`);
		}
		expect(transcript.inlined.map((image) => image.name)).toEqual(['screenshot.png', 'error log.png', 'photo.png']);
		for (const file of ticket.files.values()) expect(html).not.toContain(new URL(file.url).pathname);
		expect(html).not.toContain(emu.attachments.baseUrl);
	});

	it('the files beside it still download from the transcript messages fetched again, not from the links it was sent with', async () => {
		const names = ['late.txt', ...Array.from({ length: 10 }, (_, index) => `part-${index + 1}.txt`)];
		expect(transcript.files.map((file) => file.originalName)).toEqual(names);
		expect(sent.length).toBe(2);
		for (const message of sent) expect(message.attachments.size).toBeLessThanOrEqual(MAX_ATTACHMENTS_PER_MESSAGE);
		const log = (await client.channels.fetch(logChannelId)) as TextChannel;
		const html = transcript.html.toString('utf8');
		let downloaded = 0;
		for (const message of sent) {
			const again = await log.messages.fetch({ message: message.id, force: true });
			for (const attachment of again.attachments.values()) {
				if (attachment.name === 'ticket-0042.html') continue;
				const file = transcript.files.find((candidate) => candidate.name === attachment.name)!;
				expect(file, attachment.name).toBeDefined();
				const fresh = await download(attachment.url);
				expect(fresh.status).toBe(200);
				expect(fresh.bytes.equals(ticket.files.get(file.originalName)!.bytes)).toBe(true);
				// The HTML links the file by the name it has beside it.
				expect(html).toContain(`url="${attachment.name}"`);
				expect((await download(sentUrls.get(attachment.id)!)).status).toBe(404);
				downloaded++;
			}
		}
		expect(downloaded).toBe(11);
		// The ticket's own links are dead: the channel is gone.
		expect((await download(ticket.files.get('late.txt')!.url)).status).toBe(404);
	});

	it('lists what it did not keep by name and size, with why, and links those attachments to the list', () => {
		const html = transcript.html.toString('utf8');
		expect(transcript.skipped.map(({ name, size, reason }) => ({ name, size, reason }))).toEqual([
			{ name: 'dump.bin', size: 200 * 1_024, reason: 'cap' },
			{ name: 'disk.iso', size: 11 * MIB, reason: 'too-large' }
		]);
		expect(html).toContain(`<li data-bytes="204800" data-reason="cap">dump.bin (200.0 KiB): over the ticket&#39;s attachment cap</li>`);
		expect(html).toContain(`<li data-bytes="11534336" data-reason="too-large">disk.iso (11.0 MiB): bigger than the upload limit</li>`);
		expect(html).toContain(`url="#${SECTION_ID}" alt="dump.bin"`);
		// The list is plain HTML after the messages, readable without the components' script.
		expect(html).toMatch(new RegExp(`</discord-messages><section id="${SECTION_ID}" style="[^"<>]+"><h2 [^>]+>Attachments</h2>`));
		expect(transcript.bytes).toEqual({
			inlined: transcript.inlined.reduce((sum, image) => sum + image.size, 0),
			uploaded: transcript.files.reduce((sum, file) => sum + file.size, 0),
			skipped: 200 * 1_024 + 11 * MIB
		});
		expect(transcript.bytes.inlined + transcript.bytes.uploaded).toBeLessThanOrEqual(CAP);
		expect(transcript.attachmentCount).toBe(16);
	});

	it('went to the opener by DM too, the same files', () => {
		const dms = emu.dms.sent(alice.id);
		expect(dms).toHaveLength(2);
		expect(dms[0]!.content).toBe('Your ticket #42 was closed; its transcript:');
		expect(dms.flatMap((dm) => dm.message.attachments.map((attachment) => attachment.filename))).toEqual(['ticket-0042.html', ...transcript.files.map((file) => file.name)]);
	});
});

describe('a cap of 0', () => {
	it('keeps no attachment and lists every one', async () => {
		const ticket = seedTicket('ticket-0043', 30);
		const transcript = await buildTranscript(await ticketChannel(ticket.channelId), { attachmentCapBytes: 0, uploadLimitBytes: UPLOAD_LIMIT, fileName: 'ticket-0043.html' });
		const html = transcript.html.toString('utf8');
		expect(transcript.files).toEqual([]);
		expect(transcript.inlined).toEqual([]);
		expect(html).not.toContain('data:image');
		expect(transcript.skipped).toHaveLength(ticket.files.size);
		for (const [name, file] of ticket.files) {
			const reason = name === 'disk.iso' ? 'too-large' : 'cap';
			expect(transcript.skipped).toContainEqual(expect.objectContaining({ name, size: file.size, reason }));
			const escaped = name.replace(/'/g, '&#39;');
			expect(html).toMatch(new RegExp(`<li data-bytes="${file.size}" data-reason="${reason}">${escaped.replace(/\./g, '\\.')} \\(`));
		}
		const messages = messageElements(html);
		expect(messages.size).toBe(30);
		const sent = await publishTranscript((await client.channels.fetch(logChannelId)) as TextChannel, transcript, '');
		expect(sent).toHaveLength(1);
		expect([...sent[0]!.attachments.values()].map((attachment) => attachment.name)).toEqual(['ticket-0043.html']);
	});
});

describe('a ticket in a private thread', () => {
	it('is read whole over two pages, named after its parent, its image inlined', async () => {
		const parent = guild.createChannel({ name: 'support', type: ChannelType.GuildText });
		const thread = emu.threads.create({ channelId: parent.id, userId: alice.id, name: 'ticket-0044' });
		emu.threads.addMember({ threadId: thread.id, actorId: alice.id, userId: staff.id });
		const image = png(16, 16, 9);
		const ids: string[] = [];
		for (let index = 0; index < 150; index++) {
			const message = emu.messages.send({
				channelId: thread.id,
				userId: index % 2 === 0 ? alice.id : staff.id,
				content: `Thread message ${index}`,
				...(index === 10 ? { attachments: [{ filename: 'thread.png', content: image }] } : {})
			});
			ids.push(message.id);
		}
		const channel = (await client.channels.fetch(thread.id)) as AnyThreadChannel;
		expect(channel.isThread()).toBe(true);
		const transcript = await buildTranscript(channel, { attachmentCapBytes: CAP, uploadLimitBytes: UPLOAD_LIMIT, fileName: 'ticket-0044.html' });
		const html = transcript.html.toString('utf8');
		const elements = messageElements(html);
		expect(transcript.messageCount).toBe(150);
		expect([...elements.keys()]).toEqual(ids);
		for (const [index, id] of ids.entries()) expect(elements.get(id)).toContain(`Thread message ${index}`);
		expect(html).toContain('Thread channel in support');
		expect(elements.get(ids[10]!)).toContain(`url="data:image/png;base64,${image.toString('base64')}"`);
	});
});

describe('downloadAttachment', () => {
	let server: Server;
	let base: string;
	const hits = new Map<string, number>();

	beforeAll(async () => {
		server = createServer((request, response) => {
			const path = request.url!;
			const hit = (hits.get(path) ?? 0) + 1;
			hits.set(path, hit);
			if (path === '/ok') response.end('12345');
			else if (path === '/long') response.end('1234567890');
			else if (path === '/chunked') {
				response.write('12345');
				response.end('67890');
			} else if (path === '/slow') setTimeout(() => response.end('late'), 2_000).unref();
			else if (path === '/busy-once') {
				response.statusCode = hit === 1 ? 503 : 200;
				response.end(hit === 1 ? 'busy' : 'fine');
			} else if (path === '/reset-once' && hit === 1) request.socket.destroy();
			else if (path === '/reset-once') response.end('fine');
			else if (path === '/busy') {
				response.statusCode = 502;
				response.end('bad gateway');
			} else {
				response.statusCode = 404;
				response.end('This content is no longer available.');
			}
		});
		server.listen(0, '127.0.0.1');
		await once(server, 'listening');
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});

	afterAll(() => {
		server.closeAllConnections();
		server.close();
	});

	it('answers the bytes, or why not, and never throws', async () => {
		expect(await downloadAttachment(`${base}/ok`, 5, 1_000)).toMatchObject({ ok: true, bytes: Buffer.from('12345') });
		expect(await downloadAttachment(`${base}/gone`, 100, 1_000)).toEqual({ ok: false, why: 'HTTP 404' });
		expect(await downloadAttachment(`${base}/long`, 5, 1_000)).toMatchObject({ ok: false, why: expect.stringContaining('more than the 5') });
		expect(await downloadAttachment(`${base}/chunked`, 5, 1_000)).toMatchObject({ ok: false, why: expect.stringContaining('more than the 5') });
		expect(await downloadAttachment(`${base}/slow`, 100, 100)).toMatchObject({ ok: false, why: expect.stringContaining('TimeoutError') });
		expect(await downloadAttachment('http://127.0.0.1:1/refused', 100, 1_000)).toMatchObject({ ok: false, why: expect.stringContaining('fetch failed') });
	});

	it('tries once more after a network error or a 5xx, never after a 4xx, a timeout or too many bytes', async () => {
		expect(await downloadAttachment(`${base}/busy-once`, 100, 1_000)).toMatchObject({ ok: true, bytes: Buffer.from('fine') });
		expect(await downloadAttachment(`${base}/reset-once`, 100, 1_000)).toMatchObject({ ok: true, bytes: Buffer.from('fine') });
		expect(await downloadAttachment(`${base}/busy`, 100, 1_000)).toEqual({ ok: false, why: 'HTTP 502' });
		expect(Object.fromEntries(['/busy-once', '/reset-once', '/busy', '/gone', '/slow', '/long'].map((path) => [path, hits.get(path)]))).toEqual({
			'/busy-once': 2,
			'/reset-once': 2,
			'/busy': 2,
			'/gone': 1,
			'/slow': 1,
			'/long': 1
		});
	});
});
