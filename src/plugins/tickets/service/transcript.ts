/**
 * The HTML transcript of a ticket (issue 10, "On close, a full HTML transcript"): every message of the ticket's
 * channel or thread, rendered by discord-html-transcripts (embeds, replies, mentions resolved to names, reactions,
 * edits marked), with the ticket's attachments kept, since Discord's attachment links expire and die with the channel:
 * images inlined into the HTML as `data:` URIs while it stays under the upload limit, other files (and the images that
 * did not fit inside the HTML) re-uploaded beside it, all within a per-ticket cap; what is not kept is listed by name
 * and size at the end of the transcript.
 *
 * Plain functions, no state between calls: {@link buildTranscript} reads the channel and builds the files,
 * {@link publishTranscript} posts them (the transcript log channel, the opener's DMs). The arithmetic (cap, room in the
 * HTML, messages of 10 files) is ../lib/transcriptBudget.ts.
 *
 * Bounded work: the history is read 100 messages per request (Discord's page size) without filling the bot's message
 * cache; each user, role or channel a mention names is looked up once per transcript, from the client's caches first;
 * memory is the ticket's messages plus at most the cap of attachment bytes plus the HTML (at most the upload limit).
 */
import { randomBytes } from 'node:crypto';
import {
	AttachmentBuilder,
	type Attachment,
	type Channel,
	type GuildTextBasedChannel,
	type Message,
	type MessageCreateOptions,
	type Role,
	type User
} from 'discord.js';
import {
	DEFAULT_REQUEST_LIMIT_BYTES,
	formatBytes,
	packMessages,
	placeImages,
	planAttachments,
	uploadName,
	type AttachmentCandidate,
	type ImageToPlace,
	type SkipReason
} from '../lib/transcriptBudget.js';

/** Discord's page size for a channel's messages (`limit` 1–100 of Get Channel Messages). */
export const MESSAGES_PER_PAGE = 100;

/** The texts of the attachments section at the end of the HTML (English by default; pass the guild's language). */
export interface TranscriptLabels {
	/** Heading of the section. */
	attachments: string;
	/** Before the list of files uploaded beside the transcript. */
	beside: string;
	/** Before the list of attachments not kept. */
	notKept: string;
	/** Why one was not kept. */
	reasons: Record<SkipReason, string>;
}

/** English {@link TranscriptLabels}. */
export const DEFAULT_TRANSCRIPT_LABELS: TranscriptLabels = {
	attachments: 'Attachments',
	beside: 'Uploaded beside this transcript (in its message or the ones right after it):',
	notKept: 'Not kept:',
	reasons: {
		cap: "over the ticket's attachment cap",
		unavailable: 'could not be downloaded',
		'too-large': 'bigger than the upload limit'
	}
};

/** How a transcript is built. */
export interface TranscriptOptions {
	/**
	 * The per-ticket cap over every kept attachment (inlined images and re-uploaded files alike, counted by their own
	 * size, not their base64 form), bytes. 0 keeps none: every attachment is listed instead.
	 */
	attachmentCapBytes: number;
	/**
	 * The per-file upload limit where the transcript will be posted, bytes: the HTML file (inlined images included)
	 * and each re-uploaded file stay under it. Discord: 10 MiB by default, more in a boosted guild
	 * (`uploadLimitForPremiumTier(guild.premiumTier)`); a DM has the default 10 MiB, so build with that when the
	 * transcript also goes to the opener.
	 */
	uploadLimitBytes: number;
	/** The HTML file's name, e.g. `ticket-0042.html`. */
	fileName: string;
	/** Lines shown above the messages (ticket number, type, opener...), already translated; plain text. */
	headerLines?: readonly string[];
	/** The library's footer; `{number}` is the message count, `{s}` a plural s. Default `Exported {number} message{s}.` */
	footerText?: string;
	/** The attachments section's texts; default {@link DEFAULT_TRANSCRIPT_LABELS}. */
	labels?: TranscriptLabels;
	/** How long one attachment's download may take, ms (default 15,000); a slower one is `unavailable`. */
	downloadTimeoutMs?: number;
	/** Attachments downloaded at once (default 4). */
	downloadConcurrency?: number;
	/**
	 * Render the web components into plain HTML on the server (the library's `hydrate`). Default false: the HTML holds
	 * the messages as `<discord-message>` elements drawn by the @derockdev/discord-components script from jsDelivr when
	 * opened, about 250 bytes a message; hydrated it needs no script but is about 6× bigger and 3× slower to build.
	 */
	hydrate?: boolean;
}

/** A file uploaded beside the HTML. */
export interface TranscriptFile {
	/** The name it is uploaded under, which the HTML links to (`<n>-<clean name>`, see `uploadName`). */
	name: string;
	/** Its name in the ticket. */
	originalName: string;
	data: Buffer;
	/** Bytes. */
	size: number;
	/** The ticket message it was attached to, and its attachment id there. */
	messageId: string;
	attachmentId: string;
}

/** An attachment of the ticket that is in the transcript as a `data:` URI. */
export interface InlinedImage {
	name: string;
	/** Bytes (before base64). */
	size: number;
	messageId: string;
	attachmentId: string;
}

/** An attachment of the ticket that is not kept: listed by name and size at the end of the HTML. */
export interface SkippedAttachment {
	name: string;
	/** Bytes, as Discord said. */
	size: number;
	reason: SkipReason;
	/** For `unavailable`: what the download met (`HTTP 404`, `TimeoutError: ...`), for the logs. */
	detail?: string;
	messageId: string;
	attachmentId: string;
}

/** A built transcript, ready for {@link publishTranscript}. */
export interface Transcript {
	/** The HTML file (UTF-8), at most `uploadLimitBytes`. */
	html: Buffer;
	fileName: string;
	/** Files to upload beside the HTML, in the order of the ticket's messages. */
	files: TranscriptFile[];
	inlined: InlinedImage[];
	skipped: SkippedAttachment[];
	/** Messages in the transcript. */
	messageCount: number;
	/** Attachments of those messages: inlined + files + skipped. */
	attachmentCount: number;
	/** Bytes of attachments inlined, uploaded beside, and not kept (by Discord's sizes for the last). */
	bytes: { inlined: number; uploaded: number; skipped: number };
}

/** Where a transcript can be posted: a text channel or thread, a DM channel, or a User (discord.js opens the DM). */
export interface TranscriptTarget {
	send(options: MessageCreateOptions): Promise<Message>;
}

/**
 * Every message of `channel`, oldest first, read newest first 100 at a time (`before` the oldest of the last page)
 * with `cache: false`, so the bot's message cache is not filled with the ticket.
 *
 * @throws DiscordAPIError when a page cannot be read (missing access, channel gone).
 */
export async function fetchAllMessages(channel: GuildTextBasedChannel): Promise<Message[]> {
	const pages: Message[][] = [];
	let before: string | undefined;
	for (;;) {
		const page = await channel.messages.fetch({ limit: MESSAGES_PER_PAGE, cache: false, ...(before === undefined ? {} : { before }) });
		pages.push([...page.values()]);
		if (page.size < MESSAGES_PER_PAGE) break;
		before = page.lastKey();
	}
	return pages.flat().reverse();
}

/** Whether an attachment is shown as an image: it has a width and height (Discord sets them for images and videos it read) or an image type. */
export function isImage(attachment: Attachment): boolean {
	if (attachment.contentType?.startsWith('image/')) return true;
	return Boolean(attachment.width && attachment.height) && !attachment.contentType?.startsWith('video/');
}

/** A download's result: the bytes and their type, or why not. */
export type Download = { ok: true; bytes: Buffer; contentType: string | null } | { ok: false; why: string };

/** Attempts of one download: a second one only after a network error or a 5xx / 429 answer. */
const DOWNLOAD_ATTEMPTS = 2;

/**
 * Downloads `url` with Node's fetch (no Authorization: Discord's CDN needs none), reading at most `maxBytes`.
 * A network error (a reused keep-alive connection the server had just closed, a reset) or a 5xx / 429 answer is tried
 * once more; a 4xx (404: the link expired or the file is gone), a timeout or a body over `maxBytes` is not.
 * Never throws: what failed is `{ ok: false, why }` (the last attempt's).
 *
 * @param maxBytes the most bytes accepted (the size Discord announced); more is refused, not truncated.
 * @param timeoutMs how long one attempt may take, ms.
 */
export async function downloadAttachment(url: string, maxBytes: number, timeoutMs: number): Promise<Download> {
	let last: Download = { ok: false, why: 'not tried' };
	for (let attempt = 1; attempt <= DOWNLOAD_ATTEMPTS; attempt++) {
		const { result, retry } = await downloadOnce(url, maxBytes, timeoutMs);
		if (result.ok || !retry) return result;
		last = result;
	}
	return last;
}

async function downloadOnce(url: string, maxBytes: number, timeoutMs: number): Promise<{ result: Download; retry: boolean }> {
	const fail = (why: string, retry = false) => ({ result: { ok: false as const, why }, retry });
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
		if (!response.ok || !response.body) {
			await response.body?.cancel();
			return fail(`HTTP ${response.status}`, response.status >= 500 || response.status === 429);
		}
		const declared = Number(response.headers.get('content-length') ?? Number.NaN);
		if (declared > maxBytes) {
			await response.body.cancel();
			return fail(`${declared} bytes, more than the ${maxBytes} announced`);
		}
		const chunks: Uint8Array[] = [];
		let total = 0;
		for await (const chunk of response.body) {
			total += chunk.byteLength;
			if (total > maxBytes) return fail(`more than the ${maxBytes} bytes announced`);
			chunks.push(chunk);
		}
		return { result: { ok: true, bytes: Buffer.concat(chunks, total), contentType: response.headers.get('content-type') }, retry: false };
	} catch (error) {
		if (!(error instanceof Error)) return fail(String(error), true);
		const cause = error.cause instanceof Error ? ` (${error.cause.name}: ${error.cause.message})` : '';
		return fail(`${error.name}: ${error.message}${cause}`, error.name !== 'TimeoutError' && error.name !== 'AbortError');
	}
}

/**
 * Builds the transcript of a ticket's channel or thread: reads every message (see {@link fetchAllMessages}), keeps the
 * attachments that fit `attachmentCapBytes` in the order they were posted (see `planAttachments`), downloads them
 * (while the HTML renders), inlines the images that fit in the HTML under `uploadLimitBytes` and puts every other kept
 * one in `files`; the HTML links a file by the name it is uploaded under, and ends with a section listing the files
 * beside it and what was not kept, with name and size. The cap is planned on the sizes Discord announces, before
 * downloading: the share of a download that fails is not given to another attachment.
 *
 * Mentions are resolved from the client's caches, else fetched once per id for the whole transcript (an unknown id
 * stays `<@id>`, as Discord shows it).
 *
 * @throws DiscordAPIError when the history cannot be read; RangeError for a bad option, or when the HTML without any
 *   image is already over `uploadLimitBytes` (about 40,000 messages at 10 MiB); Error when discord-html-transcripts
 *   was loaded elsewhere with a second React (see `loadTranscriptLibrary`).
 */
export async function buildTranscript(channel: GuildTextBasedChannel, options: TranscriptOptions): Promise<Transcript> {
	const labels = options.labels ?? DEFAULT_TRANSCRIPT_LABELS;
	const timeoutMs = options.downloadTimeoutMs ?? 15_000;
	const concurrency = options.downloadConcurrency ?? 4;
	if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new RangeError(`downloadConcurrency must be a whole number >= 1, got ${concurrency}`);
	const library = await loadTranscriptLibrary();
	const messages = await fetchAllMessages(channel);

	// Every attachment, oldest message first; each gets a placeholder URL, replaced once the HTML is rendered.
	const nonce = randomBytes(8).toString('hex');
	const placeholder = (id: string) => `hearth-transcript-${nonce}-${id}`;
	const attachments = new Map<string, AttachmentEntry>();
	for (const message of messages) {
		for (const attachment of message.attachments.values()) {
			const candidate: AttachmentCandidate = { id: attachment.id, name: attachment.name, size: attachment.size, kind: isImage(attachment) ? 'image' : 'file' };
			attachments.set(attachment.id, { url: attachment.url, contentType: attachment.contentType, messageId: message.id, candidate });
			attachment.url = placeholder(attachment.id);
			attachment.proxyURL = attachment.url;
		}
	}
	const plan = planAttachments(
		[...attachments.values()].map((entry) => entry.candidate),
		options.attachmentCapBytes,
		options.uploadLimitBytes
	);

	// Downloads run while the HTML renders (one is I/O, the other CPU).
	const kept = plan.filter((decision) => decision.keep).map((decision) => attachments.get(decision.candidate.id)!);
	const downloads = mapWithConcurrency(kept, concurrency, (entry) => downloadAttachment(entry.url, entry.candidate.size, timeoutMs));
	const rendered = await library.generateFromMessages(messages, channel, {
		returnType: library.ExportReturnType.String,
		poweredBy: false,
		footerText: options.footerText ?? 'Exported {number} message{s}.',
		hydrate: options.hydrate ?? false,
		callbacks: {
			// The attachment's URL (the placeholder) is kept: images are placed after rendering.
			resolveImageSrc: () => undefined,
			...mentionResolvers(channel)
		}
	});
	const results = new Map((await downloads).map((result, index) => [kept[index]!.candidate.id, result]));

	const skipped: SkippedAttachment[] = [];
	const downloaded: { entry: AttachmentEntry; bytes: Buffer; contentType: string }[] = [];
	for (const decision of plan) {
		const entry = attachments.get(decision.candidate.id)!;
		if (!decision.keep) {
			skipped.push(skippedOf(entry, decision.reason));
			continue;
		}
		const result = results.get(entry.candidate.id)!;
		if (!result.ok) skipped.push({ ...skippedOf(entry, 'unavailable'), detail: result.why });
		else downloaded.push({ entry, bytes: result.bytes, contentType: entry.contentType ?? result.contentType ?? 'application/octet-stream' });
	}

	// Room for images inside the HTML: the upload limit less the HTML, its header, and the longest the attachments
	// section can be (every downloaded attachment listed as beside).
	const occurrences = countPlaceholders(rendered, `hearth-transcript-${nonce}-`);
	const header = headerHtml(options.headerLines ?? []);
	const longestSection = sectionHtml(
		labels,
		downloaded.map(({ entry }, index) => ({ name: entry.candidate.name, size: entry.candidate.size, uploadedAs: uploadName(index + 1, entry.candidate.name) })),
		skipped
	);
	const baseBytes = Buffer.byteLength(rendered) + Buffer.byteLength(header) + Buffer.byteLength(longestSection);
	if (baseBytes > options.uploadLimitBytes) {
		throw new RangeError(`the transcript of ${messages.length} messages is ${baseBytes} bytes without images, over the upload limit of ${options.uploadLimitBytes}`);
	}
	const images: ImageToPlace[] = downloaded
		.filter(({ entry }) => entry.candidate.kind === 'image')
		.map(({ entry, bytes, contentType }) => ({
			id: entry.candidate.id,
			size: bytes.length,
			occurrences: occurrences.get(entry.candidate.id) ?? 0,
			prefixLength: dataUriPrefix(contentType).length,
			placeholderLength: placeholder(entry.candidate.id).length
		}));
	const inline = placeImages(images, options.uploadLimitBytes - baseBytes);

	const replacements = new Map<string, Buffer>();
	const inlined: InlinedImage[] = [];
	const files: TranscriptFile[] = [];
	for (const { entry, bytes, contentType } of downloaded) {
		const { candidate, messageId } = entry;
		if (inline.has(candidate.id)) {
			replacements.set(candidate.id, Buffer.concat([Buffer.from(dataUriPrefix(contentType)), Buffer.from(bytes.toString('base64'))]));
			inlined.push({ name: candidate.name, size: bytes.length, messageId, attachmentId: candidate.id });
		} else {
			const name = uploadName(files.length + 1, candidate.name);
			replacements.set(candidate.id, Buffer.from(encodeURIComponent(name)));
			files.push({ name, originalName: candidate.name, data: bytes, size: bytes.length, messageId, attachmentId: candidate.id });
		}
	}
	const notKept = Buffer.from(`#${SECTION_ID}`);
	const section = sectionHtml(
		labels,
		files.map((file) => ({ name: file.originalName, size: file.size, uploadedAs: file.name })),
		skipped
	);
	const html = assemble(rendered, `hearth-transcript-${nonce}-`, (id) => replacements.get(id) ?? notKept, header, section);
	const sum = (items: readonly { size: number }[]) => items.reduce((total, item) => total + item.size, 0);
	return {
		html,
		fileName: options.fileName,
		files,
		inlined,
		skipped,
		messageCount: messages.length,
		attachmentCount: attachments.size,
		bytes: { inlined: sum(inlined), uploaded: sum(files), skipped: sum(skipped) }
	};
}

/**
 * Posts a transcript: the HTML file and the files beside it, at most 10 attachments per message and at most
 * `requestLimitBytes` of files per message (Discord: 25 MiB per request), in the order of the ticket; `content` goes
 * with the first message (the HTML), mentions in it do not ping.
 *
 * @param requestLimitBytes the most bytes of files in one message (default 25 MiB).
 * @returns the messages sent, in order.
 * @throws DiscordAPIError from `send` (50013 missing permissions, 50007 DMs closed, 40005 a file over the target's
 *   upload limit); the messages sent before the failure stay.
 */
export async function publishTranscript(
	target: TranscriptTarget,
	transcript: Transcript,
	content: string,
	{ requestLimitBytes = DEFAULT_REQUEST_LIMIT_BYTES }: { requestLimitBytes?: number } = {}
): Promise<Message[]> {
	const first = { name: transcript.fileName, data: transcript.html, size: transcript.html.length };
	const groups = packMessages(first, transcript.files, requestLimitBytes);
	const sent: Message[] = [];
	for (const [index, group] of groups.entries()) {
		sent.push(
			await target.send({
				...(index === 0 && content !== '' ? { content } : {}),
				files: group.map((file) => new AttachmentBuilder(file.data, { name: file.name })),
				allowedMentions: { parse: [] }
			})
		);
	}
	return sent;
}

/** The id of the attachments section in the HTML (links of attachments not kept point at it). */
export const SECTION_ID = 'transcript-attachments';

/**
 * What this module uses of discord-html-transcripts (its `generateFromMessages` with `returnType: 'string'`), typed
 * with the bot's discord.js. The library's own declarations name discord.js as a CommonJS package, the bot's code as
 * an ES module: TypeScript reads them as two different `Message` and `Channel` types (discord.js ships both
 * typings), hence this narrow interface instead of `typeof import('discord-html-transcripts')`.
 */
export interface TranscriptLibrary {
	ExportReturnType: { String: 'string' };
	generateFromMessages(
		messages: Message[],
		channel: Channel,
		options: {
			returnType: 'string';
			poweredBy?: boolean;
			footerText?: string;
			hydrate?: boolean;
			favicon?: 'guild' | string;
			callbacks?: {
				/** `undefined`: the attachment's own URL; `null`: none; a string: that URL. */
				resolveImageSrc?: (attachment: unknown, message: unknown) => string | null | undefined | Promise<string | null | undefined>;
				resolveUser?: (id: string) => User | null | Promise<User | null>;
				resolveRole?: (id: string) => Role | null | Promise<Role | null>;
				resolveChannel?: (id: string) => Channel | null | Promise<Channel | null>;
			};
		}
	): Promise<string>;
}

/**
 * Loads discord-html-transcripts. Its 3.3.0 renders with its own React 19 while its @derockdev/discord-components-react
 * would get the React 18 npm hoists for that package's peer range, which React 19 refuses ("Objects are not valid as a
 * React child", ItzDerock/discord-html-transcripts#196): package.json `overrides` pins react and react-dom to the
 * library's 19.1.1, so one React is installed (tests/plugins/tickets/lib/transcriptBudget.test.ts checks it).
 */
export async function loadTranscriptLibrary(): Promise<TranscriptLibrary> {
	// The same functions as the module declares, over the CommonJS view of discord.js's types (see TranscriptLibrary).
	return (await import('discord-html-transcripts')) as unknown as TranscriptLibrary;
}

/** An attachment of the ticket as read from its message (`url` as Discord signed it when the page was read). */
interface AttachmentEntry {
	url: string;
	contentType: string | null;
	messageId: string;
	candidate: AttachmentCandidate;
}

/** The library's mention callbacks: caches first, else one fetch per id for this transcript (memoised promises). */
function mentionResolvers(channel: GuildTextBasedChannel) {
	const { client, guild } = channel;
	const users = new Map<string, Promise<User | null>>();
	const roles = new Map<string, Promise<Role | null>>();
	const channels = new Map<string, Promise<Channel | null>>();
	const once = <T>(memo: Map<string, Promise<T | null>>, id: string, fetch: () => Promise<T | null>) => {
		let pending = memo.get(id);
		if (!pending) {
			// An id Discord does not know any more renders as the raw mention, as Discord's client shows it.
			pending = fetch().catch(() => null);
			memo.set(id, pending);
		}
		return pending;
	};
	return {
		resolveUser: (id: string) => client.users.cache.get(id) ?? once(users, id, () => client.users.fetch(id)),
		resolveRole: (id: string) => guild.roles.cache.get(id) ?? once(roles, id, () => guild.roles.fetch(id)),
		resolveChannel: (id: string) => client.channels.cache.get(id) ?? once(channels, id, () => client.channels.fetch(id))
	};
}

function skippedOf(entry: { candidate: AttachmentCandidate; messageId: string }, reason: SkipReason): SkippedAttachment {
	return { name: entry.candidate.name, size: entry.candidate.size, reason, messageId: entry.messageId, attachmentId: entry.candidate.id };
}

function dataUriPrefix(contentType: string): string {
	// `text/plain; charset=utf-8` keeps its parameter; a data URI allows it before `;base64`.
	return `data:${contentType.replace(/\s+/g, '')};base64,`;
}

/** How many times each attachment's placeholder occurs in the HTML (the hydrated form repeats an image's URL). */
function countPlaceholders(html: string, prefix: string): Map<string, number> {
	const counts = new Map<string, number>();
	const pattern = new RegExp(`${prefix}(\\d+)`, 'g');
	for (const match of html.matchAll(pattern)) counts.set(match[1]!, (counts.get(match[1]!) ?? 0) + 1);
	return counts;
}

/** The HTML with each placeholder replaced, the header after `<body ...>` and the section before `</body>`. */
function assemble(html: string, prefix: string, replacement: (id: string) => Buffer, header: string, section: string): Buffer {
	const parts: Buffer[] = [];
	const bodyOpen = /<body[^>]*>/.exec(html);
	const headerAt = bodyOpen ? bodyOpen.index + bodyOpen[0].length : 0;
	const bodyClose = html.lastIndexOf('</body>');
	const sectionAt = bodyClose >= 0 ? bodyClose : html.length;
	const pattern = new RegExp(`${prefix}(\\d+)`, 'g');
	let from = 0;
	const text = (to: number) => {
		if (to > from) parts.push(Buffer.from(html.slice(from, to)));
		from = Math.max(from, to);
	};
	let headerDone = false;
	let sectionDone = false;
	const place = (at: number) => {
		if (!headerDone && headerAt <= at) {
			text(headerAt);
			parts.push(Buffer.from(header));
			headerDone = true;
		}
		if (!sectionDone && sectionAt <= at) {
			text(sectionAt);
			parts.push(Buffer.from(section));
			sectionDone = true;
		}
	};
	for (const match of html.matchAll(pattern)) {
		place(match.index);
		text(match.index);
		parts.push(replacement(match[1]!));
		from = match.index + match[0].length;
	}
	place(html.length);
	text(html.length);
	return Buffer.concat(parts);
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** Inline style of the header and the attachments section (in a double-quoted attribute: no double quotes inside). */
const BOX_STYLE = "font-family:Whitney,'Helvetica Neue',Helvetica,Arial,sans-serif;background:#313338;color:#dbdee1;padding:12px 16px;margin:0";

function headerHtml(lines: readonly string[]): string {
	if (lines.length === 0) return '';
	return `<header id="transcript-header" style="${BOX_STYLE};border-bottom:1px solid #1e1f22">${lines.map((line) => `<p style="margin:4px 0">${escapeHtml(line)}</p>`).join('')}</header>`;
}

function sectionHtml(labels: TranscriptLabels, beside: readonly { name: string; size: number; uploadedAs: string }[], skipped: readonly SkippedAttachment[]): string {
	if (beside.length === 0 && skipped.length === 0) return '';
	const parts = [`<section id="${SECTION_ID}" style="${BOX_STYLE};border-top:1px solid #1e1f22"><h2 style="font-size:16px">${escapeHtml(labels.attachments)}</h2>`];
	if (beside.length > 0) {
		parts.push(`<p>${escapeHtml(labels.beside)}</p><ul>`);
		for (const file of beside) {
			parts.push(
				`<li data-bytes="${file.size}"><a style="color:#00a8fc" href="${escapeHtml(encodeURIComponent(file.uploadedAs))}">${escapeHtml(file.uploadedAs)}</a> (${escapeHtml(file.name)}, ${formatBytes(file.size)})</li>`
			);
		}
		parts.push('</ul>');
	}
	if (skipped.length > 0) {
		parts.push(`<p>${escapeHtml(labels.notKept)}</p><ul>`);
		for (const item of skipped) {
			parts.push(`<li data-bytes="${item.size}" data-reason="${item.reason}">${escapeHtml(item.name)} (${formatBytes(item.size)}): ${escapeHtml(labels.reasons[item.reason])}</li>`);
		}
		parts.push('</ul>');
	}
	parts.push('</section>');
	return parts.join('');
}

/** `run` over `items` with at most `limit` running at once; results in the order of `items`. Never rejects if `run` never does. */
async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await run(items[index]!);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return results;
}
