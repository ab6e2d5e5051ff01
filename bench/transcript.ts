/**
 * `npm run bench:transcript` (issue 10: "A transcript of a 5,000-message ticket with 200 attachments is produced in a
 * bounded time and memory"): the ticket transcript of src/plugins/tickets/service/transcript.ts on the local Discord
 * emulator, timed and its memory sampled, next to baselines measured in the same run.
 *
 * 1. This process starts the emulator and seeds a ticket channel (seeded, same ticket every run): `--messages`
 *    messages by 12 members (20–300 characters of chat, dated over the last days), replies, mentions, edits and
 *    reactions here and there, and `--attachments` attachments on random messages (half PNG images, half files:
 *    pdf, zip, log, txt), sizes log-uniform from 50 KB to 2 MB.
 * 2. The measurement runs in a child process (this file again, with `--expose-gc`), so its memory is its own and not
 *    the emulator's: a bare discord.js client (no Sapphire, no database) logged into the emulator. In order, each
 *    after a full GC: **page** (only reading the history 100 messages a request, the transcript's `fetchAllMessages`),
 *    **download** (only downloading the attachments the cap keeps, the transcript's `downloadAttachment`, 4 at once,
 *    bytes counted and dropped), **build** (`buildTranscript`), **publish** (`publishTranscript` to a log channel).
 *    Each phase: wall time, peak resident memory and peak heap growth over its start (process.memoryUsage() every
 *    10 ms; the event loop turns often enough in every phase, the render included, for that to see the peak).
 * 3. This process checks what was posted (the HTML and files in the log channel, by the emulator's records), prints
 *    the figures and the ratios build / page and build / (page + download), stops the emulator. Exit 0 when the run
 *    completed, 1 when the benchmark failed, 2 for bad options.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DiscordEmulator, type GuildHandle } from '@hearth/discord-emulator';
import { ChannelType } from 'discord-api-types/v10';
import { Client, GatewayIntentBits, type ClientOptions, type TextChannel } from 'discord.js';
import { projectRoot } from '../src/lib/paths.js';
import { DEFAULT_UPLOAD_LIMIT_BYTES, MIB, planAttachments } from '../src/plugins/tickets/lib/transcriptBudget.js';
import { buildTranscript, downloadAttachment, fetchAllMessages, isImage, loadTranscriptLibrary, publishTranscript } from '../src/plugins/tickets/service/transcript.js';
import { benchCommand } from './lib/cli.js';
import { count, duration, mebibytes, table, times } from './lib/format.js';
import { Rng } from './lib/rng.js';
import { Cleanups, out, runBenchmark, step } from './lib/run.js';

const CHILD_ENV = 'BENCH_TRANSCRIPT_CHILD';
const SEED = 10;
const AUTHORS = 12;
const MIN_ATTACHMENT_BYTES = 50_000;
const MAX_ATTACHMENT_BYTES = 2_000_000;
const DOWNLOAD_CONCURRENCY = 4;
const SAMPLE_EVERY_MS = 10;
const CHILD_TIMEOUT_MS = 600_000;

/** What the parent gives the child (JSON in BENCH_TRANSCRIPT_CHILD). */
interface ChildLaunch {
	restUrl: string;
	token: string;
	ticketId: string;
	logId: string;
	capBytes: number;
	uploadLimitBytes: number;
}

/** One measured phase of the child. */
interface Phase {
	ms: number;
	/** Peak resident memory during the phase, bytes. */
	peakRss: number;
	/** Peak heap used during the phase less the heap used at its start (after a full GC), bytes. */
	heapGrowth: number;
}

/** What the child reports. */
interface ChildResult {
	/** The child's memory once logged in, the library loaded, after a full GC. */
	idle: { rss: number; heapUsed: number };
	libraryLoadMs: number;
	page: Phase & { messages: number };
	download: Phase & { attachments: number; bytes: number; failed: number };
	build: Phase & {
		messages: number;
		attachments: number;
		htmlBytes: number;
		inlined: { count: number; bytes: number };
		uploaded: { count: number; bytes: number };
		skipped: { count: number; bytes: number; byReason: Record<string, number>; unavailable: string[] };
	};
	publish: Phase & { messages: number; files: number };
}

/** Measures `run`: wall time, and resident memory and heap sampled every 10 ms from its start (after a full GC). */
async function measure<T>(run: () => Promise<T>): Promise<{ result: T; phase: Phase }> {
	globalThis.gc?.();
	const start = process.memoryUsage();
	let peakRss = start.rss;
	let peakHeap = start.heapUsed;
	const sample = () => {
		const now = process.memoryUsage();
		peakRss = Math.max(peakRss, now.rss);
		peakHeap = Math.max(peakHeap, now.heapUsed);
	};
	const timer = setInterval(sample, SAMPLE_EVERY_MS);
	const started = performance.now();
	try {
		const result = await run();
		const ms = performance.now() - started;
		sample();
		return { result, phase: { ms, peakRss, heapGrowth: peakHeap - start.heapUsed } };
	} finally {
		clearInterval(timer);
	}
}

/** The child: a bare discord.js client, the four phases, the result over IPC. */
async function child(launch: ChildLaunch): Promise<void> {
	// The bot's @sapphire/plugin-scheduled-tasks augments ClientOptions with a required `tasks` (project-wide); a bare
	// client has none (as in emulator/tests/discordjs.test.ts).
	const options = { intents: [GatewayIntentBits.Guilds], rest: { api: launch.restUrl } } satisfies Omit<ClientOptions, 'tasks'>;
	const client = new Client(options as unknown as ClientOptions);
	const ready = once(client, 'clientReady');
	await client.login(launch.token);
	await ready;
	const loadStarted = performance.now();
	await loadTranscriptLibrary();
	const libraryLoadMs = performance.now() - loadStarted;
	const ticket = (await client.channels.fetch(launch.ticketId)) as TextChannel;
	const log = (await client.channels.fetch(launch.logId)) as TextChannel;
	globalThis.gc?.();
	const idle = process.memoryUsage();

	// Baseline 1: the history alone. The attachments the cap keeps are noted for baseline 2 (their fresh URLs).
	let toDownload: { url: string; size: number }[] = [];
	const page = await measure(async () => {
		const messages = await fetchAllMessages(ticket);
		const attachments = messages.flatMap((message) => [...message.attachments.values()]);
		const plan = planAttachments(
			attachments.map((attachment) => ({ id: attachment.id, name: attachment.name, size: attachment.size, kind: isImage(attachment) ? 'image' : 'file' })),
			launch.capBytes,
			launch.uploadLimitBytes
		);
		toDownload = plan.filter((decision) => decision.keep).map((decision) => ({ url: attachments.find((attachment) => attachment.id === decision.candidate.id)!.url, size: decision.candidate.size }));
		return messages.length;
	});

	// Baseline 2: the kept attachments alone, as the transcript downloads them, bytes dropped.
	const download = await measure(async () => {
		let bytes = 0;
		let failed = 0;
		let next = 0;
		await Promise.all(
			Array.from({ length: DOWNLOAD_CONCURRENCY }, async () => {
				while (next < toDownload.length) {
					const { url, size } = toDownload[next++]!;
					const result = await downloadAttachment(url, size, 15_000);
					if (result.ok) bytes += result.bytes.length;
					else failed++;
				}
			})
		);
		return { bytes, failed };
	});

	const build = await measure(() =>
		buildTranscript(ticket, {
			attachmentCapBytes: launch.capBytes,
			uploadLimitBytes: launch.uploadLimitBytes,
			fileName: 'ticket-bench.html',
			headerLines: ['Ticket #1 (benchmark)']
		})
	);
	const transcript = build.result;
	const publish = await measure(() => publishTranscript(log, transcript, 'Transcript of ticket #1 (benchmark)'));
	const byReason: Record<string, number> = {};
	for (const item of transcript.skipped) byReason[item.reason] = (byReason[item.reason] ?? 0) + 1;
	const result: ChildResult = {
		idle: { rss: idle.rss, heapUsed: idle.heapUsed },
		libraryLoadMs,
		page: { ...page.phase, messages: page.result },
		download: { ...download.phase, attachments: toDownload.length, ...download.result },
		build: {
			...build.phase,
			messages: transcript.messageCount,
			attachments: transcript.attachmentCount,
			htmlBytes: transcript.html.length,
			inlined: { count: transcript.inlined.length, bytes: transcript.bytes.inlined },
			uploaded: { count: transcript.files.length, bytes: transcript.bytes.uploaded },
			skipped: {
				count: transcript.skipped.length,
				bytes: transcript.bytes.skipped,
				byReason,
				unavailable: transcript.skipped.flatMap((item) => (item.detail === undefined ? [] : [`${item.name}: ${item.detail}`]))
			}
		},
		publish: { ...publish.phase, messages: publish.result.length, files: publish.result.reduce((total, message) => total + message.attachments.size, 0) }
	};
	await client.destroy();
	await new Promise<void>((resolve, reject) => process.send!(result, undefined, {}, (error) => (error ? reject(error) : resolve())));
	process.disconnect();
}

if (process.env[CHILD_ENV] !== undefined) {
	await child(JSON.parse(process.env[CHILD_ENV]) as ChildLaunch);
	process.exit(0);
}

const USAGE = `usage: npm run bench:transcript -- [options]

  --messages N      messages in the ticket (default 5000)
  --attachments N   attachments on them, half images, half files, 50 KB to 2 MB each (default 200)
  --cap-mib N       the per-ticket attachment cap, MiB (default 50)
  --upload-mib N    the upload limit (HTML file and each file), MiB (default 10, Discord's without boosts)
  --help            this text

The ticket is seeded on the Discord emulator in this process; the transcript is built and posted by a bare discord.js
client in a child process (its own memory), after two baselines in the same child: reading the history alone, and
downloading the kept attachments alone. About 30 s with the defaults on 2 cores; no PostgreSQL, no Redis.
Exit code 0 when the run completed, 1 when the benchmark failed, 2 for bad options. See bench/README.md.
`;

const command = benchCommand('transcript', USAGE);
const args = command.parse({
	messages: { type: 'string', default: '5000' },
	attachments: { type: 'string', default: '200' },
	'cap-mib': { type: 'string', default: '50' },
	'upload-mib': { type: 'string', default: '10' }
});
const MESSAGES = command.wholeNumber('messages', args.messages, 1, 1_000_000);
const ATTACHMENTS = command.wholeNumber('attachments', args.attachments, 0, 10_000);
const CAP_BYTES = command.wholeNumber('cap-mib', args['cap-mib'], 0, 10_000) * MIB;
const UPLOAD_LIMIT_BYTES = command.wholeNumber('upload-mib', args['upload-mib'], 1, 100) * MIB;
if (ATTACHMENTS > MESSAGES * 10) command.badOption(`--attachments must be at most 10 per message (${count(MESSAGES * 10)} for --messages ${MESSAGES}), got ${count(ATTACHMENTS)}`);
if (UPLOAD_LIMIT_BYTES > DEFAULT_UPLOAD_LIMIT_BYTES) step(`upload limit ${mebibytes(UPLOAD_LIMIT_BYTES)}: the emulator accepts 10 MiB per file (no boosts), so the HTML is kept under that too`);

const cleanups = new Cleanups();
const WORDS = 'ticket order refund invoice please thanks hello account password login error screen broken works again sorry waiting update payment card shipping address today tomorrow week support team issue fixed check details attached logs version browser phone app server'.split(' ');

/** A PNG signature and IHDR of `width` × `height` (enough for Discord's, and the emulator's, width and height). */
function pngHeader(width: number, height: number): Buffer {
	const header = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 0, 0, 0, 0, 0, 8, 6, 0, 0, 0]);
	header.writeUInt32BE(width, 16);
	header.writeUInt32BE(height, 20);
	return header;
}

/** What was seeded. */
interface SeededTicket {
	ticketId: string;
	logId: string;
	images: number;
	files: number;
	attachmentBytes: number;
	replies: number;
	mentions: number;
	edits: number;
	reactions: number;
	seedMs: number;
}

/** Seeds the ticket channel (see the file's comment, step 1). */
function seedTicket(emu: DiscordEmulator, guild: GuildHandle): SeededTicket {
	const started = performance.now();
	const rng = new Rng(SEED);
	const authors = Array.from({ length: AUTHORS }, (_, index) => guild.addMember({ username: index === 0 ? 'opener' : `member${index}` }));
	const role = guild.createRole({ name: 'Support team' });
	const ticket = guild.createChannel({ name: 'ticket-0001', type: ChannelType.GuildText });
	const log = guild.createChannel({ name: 'transcripts', type: ChannelType.GuildText });
	// One noise buffer; each attachment is its own header + a slice of it (distinct bytes at the start).
	const noise = Buffer.alloc(MAX_ATTACHMENT_BYTES);
	for (let index = 0; index < noise.length; index += 4) noise.writeUInt32LE(Math.floor(rng.next() * 4_294_967_296), index);
	// Which messages carry attachments: 1–3 each, on random messages.
	const perMessage = new Map<number, number>();
	for (let left = ATTACHMENTS; left > 0; ) {
		const at = rng.int(0, MESSAGES - 1);
		const room = 10 - (perMessage.get(at) ?? 0);
		const take = Math.min(left, room, rng.int(1, 3));
		if (take <= 0) continue;
		perMessage.set(at, (perMessage.get(at) ?? 0) + take);
		left -= take;
	}
	const seeded = { images: 0, files: 0, attachmentBytes: 0, replies: 0, mentions: 0, edits: 0, reactions: 0 };
	const start = emu.clock.now() - 5 * 86_400_000;
	const spacing = Math.max(1, Math.floor((5 * 86_400_000 - 60_000) / MESSAGES));
	const ids: string[] = [];
	let attachmentNumber = 0;
	for (let index = 0; index < MESSAGES; index++) {
		const author = index % 3 === 0 ? authors[0]! : rng.pick(authors);
		const words = Array.from({ length: rng.int(4, 50) }, () => rng.pick(WORDS)).join(' ');
		let content = words.slice(0, rng.int(20, 300));
		if (rng.chance(0.02)) {
			content += ` <@${rng.pick(authors).id}> <@&${role.id}>`;
			seeded.mentions++;
		}
		const attachments = Array.from({ length: perMessage.get(index) ?? 0 }, () => {
			attachmentNumber++;
			const size = Math.round(Math.exp(Math.log(MIN_ATTACHMENT_BYTES) + rng.next() * (Math.log(MAX_ATTACHMENT_BYTES) - Math.log(MIN_ATTACHMENT_BYTES))));
			const image = rng.chance(0.5);
			const head = image ? pngHeader(rng.int(200, 1920), rng.int(200, 1080)) : Buffer.from(`attachment ${attachmentNumber}\n`);
			const offset = rng.int(0, MAX_ATTACHMENT_BYTES - size);
			const content = Buffer.concat([head, noise.subarray(offset, offset + size - head.length)]);
			if (image) seeded.images++;
			else seeded.files++;
			seeded.attachmentBytes += content.length;
			const extension = image ? 'png' : rng.pick(['pdf', 'zip', 'log', 'txt']);
			return { filename: `${image ? 'screenshot' : 'file'}-${attachmentNumber}.${extension}`, content };
		});
		const replyTo = ids.length > 10 && rng.chance(0.02) ? ids[ids.length - rng.int(1, 10)] : undefined;
		if (replyTo) seeded.replies++;
		const message = emu.messages.send({
			channelId: ticket.id,
			userId: author.id,
			content,
			at: start + index * spacing,
			...(attachments.length > 0 ? { attachments } : {}),
			...(replyTo ? { replyTo } : {})
		});
		ids.push(message.id);
	}
	for (let index = 0; index < MESSAGES / 100; index++) {
		const at = rng.int(0, MESSAGES - 1);
		const message = emu.messages.in(ticket.id).find((candidate) => candidate.id === ids[at]);
		if (message?.content) {
			emu.messages.edit({ channelId: ticket.id, messageId: ids[at]!, content: `${message.content} (edited)` });
			seeded.edits++;
		}
		emu.reactions.add({ channelId: ticket.id, messageId: ids[rng.int(0, MESSAGES - 1)]!, userId: rng.pick(authors).id, emoji: rng.pick(['👍', '✅', '❤️', '🎫']) });
		seeded.reactions++;
	}
	return { ticketId: ticket.id, logId: log.id, ...seeded, seedMs: performance.now() - started };
}

/** Runs the child (this file with `--expose-gc`) and waits for its result. @throws Error when it fails or times out. */
async function runChild(launch: ChildLaunch): Promise<ChildResult> {
	const childProcess: ChildProcess = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url)], {
		cwd: projectRoot,
		env: { ...process.env, [CHILD_ENV]: JSON.stringify(launch) },
		stdio: ['ignore', 'inherit', 'pipe', 'ipc']
	});
	cleanups.push({ what: 'child process', run: async () => void (childProcess.exitCode === null && childProcess.kill('SIGKILL')) });
	let stderr = '';
	childProcess.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + String(chunk)).slice(-4_000)));
	const result = new Promise<ChildResult>((resolve, reject) => {
		childProcess.once('message', (message) => resolve(message as ChildResult));
		childProcess.once('exit', (code, signal) => reject(new Error(`the child exited (code ${code}, signal ${signal}) without a result:\n${stderr}`)));
	});
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`no result from the child within ${CHILD_TIMEOUT_MS / 1_000} s:\n${stderr}`)), CHILD_TIMEOUT_MS);
	});
	try {
		return await Promise.race([result, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

async function main(): Promise<void> {
	const emu = await DiscordEmulator.start({ strict: false });
	cleanups.push({ what: 'emulator', run: () => emu.stop() });
	const guild = emu.world.createGuild({ name: 'Bench support' });
	step(`seeding a ticket of ${count(MESSAGES)} messages with ${count(ATTACHMENTS)} attachments`);
	const seeded = seedTicket(emu, guild);
	step(`seeded in ${duration(seeded.seedMs)}; measuring in a child process (page, download, build, publish)`);
	const result = await runChild({ restUrl: emu.restUrl, token: emu.bot.token, ticketId: seeded.ticketId, logId: seeded.logId, capBytes: CAP_BYTES, uploadLimitBytes: UPLOAD_LIMIT_BYTES });

	// What was posted, as the emulator recorded it.
	const posted = emu.messages.in(seeded.logId);
	const postedFiles = posted.flatMap((message) => message.attachments);
	const html = postedFiles.find((attachment) => attachment.filename === 'ticket-bench.html');
	if (!html) throw new Error('no HTML transcript in the log channel');
	if (html.size !== result.build.htmlBytes) throw new Error(`the posted HTML is ${html.size} bytes, the built one ${result.build.htmlBytes}`);
	if (postedFiles.length !== result.build.uploaded.count + 1) throw new Error(`${postedFiles.length} files posted, ${result.build.uploaded.count + 1} built`);
	if (result.build.messages !== MESSAGES) throw new Error(`the transcript has ${result.build.messages} messages, the ticket ${MESSAGES}`);
	if (result.build.attachments !== ATTACHMENTS) throw new Error(`the transcript saw ${result.build.attachments} attachments, the ticket has ${ATTACHMENTS}`);
	if (result.download.failed > 0) throw new Error(`${result.download.failed} downloads of the baseline failed`);
	const rateLimited = emu.failures.filter((failure) => failure.kind === 'rate-limited').length;

	const { page, download, build, publish } = result;
	const perSecond = (messages: number, ms: number) => count((messages * 1_000) / ms);
	const memory = (phase: Phase) => [mebibytes(phase.peakRss), `+${mebibytes(phase.heapGrowth)}`];
	out();
	out(
		`bench:transcript: a ticket of ${count(MESSAGES)} messages by ${AUTHORS} members (${count(seeded.replies)} replies, ${count(seeded.mentions)} with mentions, ${count(seeded.edits)} edited, ${count(seeded.reactions)} reactions) and ${count(ATTACHMENTS)} attachments (${count(seeded.images)} images, ${count(seeded.files)} files; ${mebibytes(seeded.attachmentBytes)})`
	);
	out(`  cap ${mebibytes(CAP_BYTES)}, upload limit ${mebibytes(UPLOAD_LIMIT_BYTES)}; Node ${process.version}, ${os.cpus().length} CPU(s), load ${os.loadavg()[0]?.toFixed(2)}`);
	out(`  child at rest (logged in, library loaded in ${duration(result.libraryLoadMs)}, after GC): ${mebibytes(result.idle.rss)} resident, ${mebibytes(result.idle.heapUsed)} heap`);
	out();
	for (const line of table([
		['phase', 'wall', 'messages/s', 'peak RSS', 'peak heap growth'],
		['page: the history alone (baseline)', duration(page.ms), perSecond(page.messages, page.ms), ...memory(page)],
		[`download: the ${count(download.attachments)} kept attachments alone (baseline)`, duration(download.ms), '—', ...memory(download)],
		['build: buildTranscript', duration(build.ms), perSecond(build.messages, build.ms), ...memory(build)],
		[`publish: ${count(publish.messages)} messages, ${count(publish.files)} files`, duration(publish.ms), '—', ...memory(publish)]
	])) {
		out(line);
	}
	out();
	out(`  HTML ${mebibytes(build.htmlBytes)} with ${count(build.inlined.count)} images inlined (${mebibytes(build.inlined.bytes)} before base64)`);
	out(`  re-uploaded beside it: ${count(build.uploaded.count)} files, ${mebibytes(build.uploaded.bytes)}`);
	out(
		`  not kept, listed: ${count(build.skipped.count)} (${mebibytes(build.skipped.bytes)}; ${Object.entries(build.skipped.byReason)
			.map(([reason, number]) => `${reason} ${count(number)}`)
			.join(', ') || 'none'})`
	);
	for (const line of build.skipped.unavailable) out(`    unavailable: ${line}`);
	out(`  build / page: ${times(build.ms / page.ms)}; build / (page + download): ${times(build.ms / (page.ms + download.ms))}`);
	if (rateLimited > 0) out(`  ${count(rateLimited)} requests met the emulator's rate limit (50 per second per route) and were retried by discord.js`);
	out();
}

await runBenchmark(main, cleanups, { beforeCleanUp: () => step('cleanup: child process, emulator') });
