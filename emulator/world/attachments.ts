/**
 * Attachments whose bytes the emulator keeps, and the CDN that serves them (reference "Signed Attachment CDN URLs",
 * "Uploading Files"; resources/message "Attachment Object").
 *
 * Every attachment (uploaded by the bot through REST, or sent by a user through `emu.messages.send`) is stored in
 * memory with its bytes. Its `url` and `proxy_url` point at the emulator's own HTTP server:
 * `http://127.0.0.1:<port>/attachments/<channel_id>/<attachment_id>/<filename>?ex=<hex>&is=<hex>&hm=<hex>&` (the
 * `proxy_url` under `/media/attachments/...`, as Discord's media proxy has the same path on another host), signed as
 * Discord signs them: `ex` the hex Unix second the URL expires, `is` the hex Unix second it was issued, `hm` an
 * HMAC-SHA256 of the path and both times with a key only the emulator knows. A GET answers the bytes while the URL
 * is valid on the emulator clock and the attachment is still on its message; otherwise 404 (Discord's CDN answers a
 * 404 page "This content is no longer available."). Each REST read of a message signs its URLs anew.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIAttachment, APIMessage } from 'discord-api-types/v10';
import type { Clock } from '../types.js';

/** Lifetime of a signed attachment URL by default: 24 hours (what Discord's URLs carry). */
export const DEFAULT_ATTACHMENT_URL_LIFETIME_MS = 24 * 3_600_000;
/**
 * Upload limit per file by default: 10 MiB (reference "Uploading Files": "The file upload size limit applies to each
 * file in a request. The default limit is 10 MiB"; change log of 2024-12-16 and 2025-04-03). Boosted guilds allow
 * more; the emulator's guilds have no boosts. The interaction payloads' `attachment_size_limit` says the same.
 */
export const DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;
/** Largest request body Discord takes when sending a message by default: 25 MiB (resources/message "Create Message" >
 * Limitations: "The maximum request size when sending a message is 25 MiB"). */
export const DEFAULT_REQUEST_SIZE_LIMIT = 25 * 1024 * 1024;
/** At most 10 attachments on a message (the spec's `attachments` maxItems and `files[0]`..`files[9]`; error 30015). */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;
/** Size of an attachment sent through `emu.messages.send` without `content` nor `size`: 1,024 zero bytes. */
export const DEFAULT_CONTROL_ATTACHMENT_SIZE = 1024;
/** Attachment flag IS_SPOILER (`1 << 3`), set by `is_spoiler: true` in an attachment request. */
export const ATTACHMENT_FLAG_IS_SPOILER = 1 << 3;

/** What Discord's CDN answers (404) for an expired, unsigned or deleted attachment URL. */
export const CONTENT_NO_LONGER_AVAILABLE = 'This content is no longer available.';

const CONTENT_TYPES: Record<string, string> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	gif: 'image/gif',
	webp: 'image/webp',
	avif: 'image/avif',
	txt: 'text/plain; charset=utf-8',
	csv: 'text/csv; charset=utf-8',
	md: 'text/markdown; charset=utf-8',
	html: 'text/html; charset=utf-8',
	json: 'application/json; charset=utf-8',
	pdf: 'application/pdf',
	zip: 'application/zip',
	mp3: 'audio/mpeg',
	ogg: 'audio/ogg',
	wav: 'audio/wav',
	mp4: 'video/mp4',
	mov: 'video/quicktime',
	webm: 'video/webm'
};

/**
 * The media type Discord gives a file by its extension (png, jpg, gif, webp, avif, txt, csv, md, html, json, pdf,
 * zip, mp3, ogg, wav, mp4, mov, webm; text types with `; charset=utf-8` as Discord sends them), else undefined.
 */
export function contentTypeFor(filename: string): string | undefined {
	const extension = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase() ?? '';
	return CONTENT_TYPES[extension];
}

/**
 * A file name as Discord stores an uploaded one. Discord cleans names like Werkzeug's `secure_filename` (discord-api-docs
 * issues #7754, #4847, #2102; discord.js #7253): Unicode compatibility-decomposed and reduced to ASCII, `/` made a
 * space, runs of whitespace joined by `_`, every character but `A-Za-z0-9_.-` dropped, then leading and trailing `.`
 * and `_` trimmed: `my file (1).png` → `my_file_1.png`, `_secret.txt` → `secret.txt`. A name left empty becomes
 * `unknown` (the emulator's choice; Discord keeps an empty name).
 */
export function secureFilename(name: string): string {
	const ascii = name.normalize('NFKD').replace(/[^\x00-\x7F]/g, '').replaceAll('/', ' ');
	const joined = ascii
		.split(/[\s\x1c-\x1f]+/)
		.filter(Boolean)
		.join('_');
	const cleaned = joined.replace(/[^A-Za-z0-9_.-]/g, '').replace(/^[._]+|[._]+$/g, '');
	return cleaned || 'unknown';
}

/** Width and height of a PNG, GIF or JPEG from its header, or undefined for anything else. */
export function imageSize(bytes: Buffer): { width: number; height: number } | undefined {
	if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.toString('latin1', 12, 16) === 'IHDR') {
		return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
	}
	if (bytes.length >= 10 && bytes.toString('latin1', 0, 4) === 'GIF8') {
		return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
	}
	if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
		let offset = 2;
		while (offset + 9 < bytes.length) {
			if (bytes[offset] !== 0xff) return undefined;
			const marker = bytes[offset + 1]!;
			const length = bytes.readUInt16BE(offset + 2);
			// SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
			if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
				return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
			}
			offset += 2 + length;
		}
	}
	return undefined;
}

/** An attachment the emulator keeps: its metadata, its bytes, who uploaded it and the message it belongs to. */
export interface StoredAttachment {
	id: string;
	channelId: string;
	/** The message it is on; null until the message exists. */
	messageId: string | null;
	filename: string;
	contentType: string | null;
	size: number;
	/** The bytes; null for a test-control attachment without content (`size` zero bytes). */
	bytes: Buffer | null;
	description?: string;
	title?: string;
	flags: number;
	width?: number;
	height?: number;
	/** The user (the bot for REST uploads) who uploaded it. */
	uploaderId: string;
	/** How it came: a REST upload (multipart `files[n]`) or a test control (`emu.messages.send`). */
	via: 'rest' | 'control';
	/** `METHOD /route` of the REST upload. */
	route?: string;
	/** Emulator time (ms) of the upload. */
	uploadedAt: number;
}

/** What a new attachment carries (see {@link AttachmentStore.add}). */
export interface NewAttachment {
	channelId: string;
	filename: string;
	bytes?: Buffer | null;
	/** With no bytes: the size of the zero bytes served. */
	size?: number;
	contentType?: string | null;
	description?: string;
	title?: string;
	flags?: number;
	width?: number;
	height?: number;
	uploaderId: string;
	via: 'rest' | 'control';
	route?: string;
}

/** One GET (or HEAD) of an attachment URL on the emulator's CDN. */
export interface AttachmentDownload {
	/** The path and query requested. */
	url: string;
	/** 200, or 404 when expired, unsigned, tampered, unknown or deleted. */
	status: number;
	/** The attachment id in the path (whether or not it exists). */
	attachmentId: string | null;
	/** Why it was refused: 'unknown', 'unsigned', 'bad-signature', 'expired', 'deleted'. */
	reason?: AttachmentRefusal;
	/** Real time (ms) of the request. */
	at: number;
}

/** Why an attachment URL does not serve its file. */
export type AttachmentRefusal = 'unknown' | 'unsigned' | 'bad-signature' | 'expired' | 'deleted';

/** A valid attachment URL resolved to its attachment. */
export interface ResolvedAttachment {
	attachment: StoredAttachment;
	/** Emulator time (ms) the URL expires (`ex`). */
	expiresAt: number;
	/** Emulator time (ms) the URL was issued (`is`). */
	issuedAt: number;
}

const PATH = /^\/(media\/)?attachments\/(\d+)\/(\d+)\/([^/?#]*)$/;

/** The in-memory attachment store, URL signer and CDN of one emulator (internal; tests use `emu.attachments`). */
export class AttachmentStore {
	/** Every attachment by id. */
	readonly #byId = new Map<string, StoredAttachment>();
	/** Every request to the CDN, oldest first. */
	public readonly downloads: AttachmentDownload[] = [];
	#key = randomBytes(32);

	public constructor(
		private readonly options: {
			/** `http://127.0.0.1:<port>`: where the emulator's server answers. */
			baseUrl: string;
			clock: () => Clock;
			nextId: () => string;
			lifetimeMs: number;
			sizeLimit: number;
			requestSizeLimit: number;
			/** Whether the attachment is still on an existing message (not deleted, not removed by an edit). */
			isAttached: (attachment: StoredAttachment) => boolean;
			/** Records a refused download (emu.failures, kind 'unknown-resource'). */
			onRefused?: (download: AttachmentDownload) => void;
		}
	) {}

	/** `http://127.0.0.1:<port>`: the host of the attachment URLs. */
	public get baseUrl(): string {
		return this.options.baseUrl;
	}

	/** How long a signed URL stays valid, in ms (start option `attachmentUrlLifetimeMs`). */
	public get lifetimeMs(): number {
		return this.options.lifetimeMs;
	}

	/** Largest file accepted in an upload, in bytes (start option `attachmentSizeLimit`). */
	public get sizeLimit(): number {
		return this.options.sizeLimit;
	}

	/** Largest request body accepted, in bytes (start option `requestSizeLimit`). */
	public get requestSizeLimit(): number {
		return this.options.requestSizeLimit;
	}

	/** Stores a new attachment (a fresh snowflake id) and returns it; call {@link bind} once its message exists. */
	public add(input: NewAttachment): StoredAttachment {
		const bytes = input.bytes ?? null;
		const dimensions = bytes && (input.width === undefined || input.height === undefined) ? imageSize(bytes) : undefined;
		const width = input.width ?? dimensions?.width;
		const height = input.height ?? dimensions?.height;
		const attachment: StoredAttachment = {
			id: this.options.nextId(),
			channelId: input.channelId,
			messageId: null,
			filename: input.filename,
			contentType: input.contentType ?? null,
			size: bytes ? bytes.length : (input.size ?? DEFAULT_CONTROL_ATTACHMENT_SIZE),
			bytes,
			...(input.description === undefined ? {} : { description: input.description }),
			...(input.title === undefined ? {} : { title: input.title }),
			flags: input.flags ?? 0,
			...(width === undefined ? {} : { width }),
			...(height === undefined ? {} : { height }),
			uploaderId: input.uploaderId,
			via: input.via,
			...(input.route ? { route: input.route } : {}),
			uploadedAt: this.options.clock().now()
		};
		this.#byId.set(attachment.id, attachment);
		return attachment;
	}

	/** The stored attachment of an id. */
	public get(id: string): StoredAttachment | undefined {
		return this.#byId.get(id);
	}

	/** Every stored attachment, oldest first. */
	public get all(): StoredAttachment[] {
		return [...this.#byId.values()];
	}

	/** Ties attachments (by id) to the message they were posted on. */
	public bind(attachments: readonly { id: string }[], messageId: string): void {
		for (const { id } of attachments) {
			const stored = this.#byId.get(id);
			if (stored && stored.messageId === null) stored.messageId = messageId;
		}
	}

	/** The bytes of an attachment (zero bytes of its size when it has none). */
	public bytesOf(attachment: StoredAttachment): Buffer {
		return attachment.bytes ?? Buffer.alloc(attachment.size);
	}

	/** Whether the attachment is still on an existing message. */
	public isAvailable(attachment: StoredAttachment): boolean {
		return attachment.messageId !== null && this.options.isAttached(attachment);
	}

	/** The attachment object ("Attachment Object") with `url` / `proxy_url` signed now. */
	public payload(attachment: StoredAttachment): APIAttachment {
		const { url, proxyUrl } = this.signedUrls(attachment);
		return {
			id: attachment.id,
			filename: attachment.filename,
			...(attachment.title === undefined ? {} : { title: attachment.title }),
			...(attachment.description === undefined ? {} : { description: attachment.description }),
			...(attachment.contentType ? { content_type: attachment.contentType } : {}),
			size: attachment.size,
			url,
			proxy_url: proxyUrl,
			...(attachment.width === undefined ? {} : { width: attachment.width }),
			...(attachment.height === undefined ? {} : { height: attachment.height }),
			...(attachment.flags ? { flags: attachment.flags } : {})
		} as APIAttachment;
	}

	/** `url` and `proxy_url` of an attachment, signed now (valid {@link lifetimeMs} on the emulator clock). */
	public signedUrls(attachment: StoredAttachment): { url: string; proxyUrl: string } {
		const now = this.options.clock().now();
		const issued = Math.floor(now / 1000);
		const expires = Math.floor((now + this.options.lifetimeMs) / 1000);
		const ex = expires.toString(16);
		const is = issued.toString(16);
		const hm = this.#signature(attachment.channelId, attachment.id, attachment.filename, ex, is);
		const path = `attachments/${attachment.channelId}/${attachment.id}/${encodeURIComponent(attachment.filename)}`;
		const query = `?ex=${ex}&is=${is}&hm=${hm}&`;
		return { url: `${this.options.baseUrl}/${path}${query}`, proxyUrl: `${this.options.baseUrl}/media/${path}${query}` };
	}

	/**
	 * A copy of a message whose stored attachments carry freshly signed URLs (and those of its `referenced_message`),
	 * as Discord signs attachment URLs anew when the message is fetched.
	 */
	public refresh<T extends APIMessage>(message: T): T {
		const attachments = message.attachments?.map((attachment) => {
			const stored = this.#byId.get(attachment.id);
			if (!stored) return attachment;
			const { url, proxyUrl } = this.signedUrls(stored);
			return { ...attachment, url, proxy_url: proxyUrl };
		});
		const referenced = message.referenced_message ? this.refresh(message.referenced_message) : message.referenced_message;
		return {
			...message,
			...(attachments ? { attachments } : {}),
			...(message.referenced_message ? { referenced_message: referenced } : {})
		};
	}

	/** Resolves an attachment URL (absolute, or a path with its query) as the CDN would: the attachment, or why not. */
	public resolve(url: string): ResolvedAttachment | { refusal: AttachmentRefusal; attachmentId: string | null } {
		let parsed: URL;
		try {
			parsed = new URL(url, this.options.baseUrl);
		} catch {
			return { refusal: 'unknown', attachmentId: null };
		}
		const match = PATH.exec(parsed.pathname);
		if (!match) return { refusal: 'unknown', attachmentId: null };
		const [, , channelId, attachmentId, rawName] = match as unknown as [string, string, string, string, string];
		const attachment = this.#byId.get(attachmentId);
		let filename: string;
		try {
			filename = decodeURIComponent(rawName);
		} catch {
			return { refusal: 'unknown', attachmentId };
		}
		if (!attachment || attachment.channelId !== channelId || attachment.filename !== filename) {
			return { refusal: 'unknown', attachmentId };
		}
		const ex = parsed.searchParams.get('ex');
		const is = parsed.searchParams.get('is');
		const hm = parsed.searchParams.get('hm');
		if (!ex || !is || !hm) return { refusal: 'unsigned', attachmentId };
		const expected = Buffer.from(this.#signature(channelId, attachmentId, filename, ex, is), 'hex');
		const given = Buffer.from(/^[0-9a-f]{64}$/.test(hm) ? hm : '', 'hex');
		if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { refusal: 'bad-signature', attachmentId };
		const expiresAt = Number.parseInt(ex, 16) * 1000;
		if (!(this.options.clock().now() < expiresAt)) return { refusal: 'expired', attachmentId };
		if (!this.isAvailable(attachment)) return { refusal: 'deleted', attachmentId };
		return { attachment, expiresAt, issuedAt: Number.parseInt(is, 16) * 1000 };
	}

	/** A new signing key: every URL issued so far stops working (404); URLs signed afterwards work. */
	public rotateKey(): void {
		this.#key = randomBytes(32);
	}

	/** Whether a request path is the CDN's (`/attachments/...` or `/media/attachments/...`). */
	public handles(path: string): boolean {
		return path.startsWith('/attachments/') || path.startsWith('/media/attachments/');
	}

	/**
	 * Answers a CDN request: GET or HEAD of a valid URL serves the bytes with the attachment's content type (no
	 * Authorization needed, as on Discord's CDN); anything else is 404 "This content is no longer available.".
	 */
	public serve(request: IncomingMessage, response: ServerResponse): void {
		const url = request.url ?? '/';
		const method = (request.method ?? 'GET').toUpperCase();
		const result = method === 'GET' || method === 'HEAD' ? this.resolve(url) : { refusal: 'unknown' as const, attachmentId: null };
		const download: AttachmentDownload = {
			url,
			status: 'refusal' in result ? 404 : 200,
			attachmentId: 'refusal' in result ? result.attachmentId : result.attachment.id,
			...('refusal' in result ? { reason: result.refusal } : {}),
			at: Date.now()
		};
		this.downloads.push(download);
		request.resume();
		if ('refusal' in result) {
			this.options.onRefused?.(download);
			const body = Buffer.from(CONTENT_NO_LONGER_AVAILABLE);
			response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length, 'x-emulator': 'discord-emulator' });
			response.end(method === 'HEAD' ? undefined : body);
			return;
		}
		const bytes = this.bytesOf(result.attachment);
		response.writeHead(200, {
			'content-type': result.attachment.contentType ?? 'application/octet-stream',
			'content-length': bytes.length,
			'cache-control': 'public, max-age=31536000',
			'x-emulator': 'discord-emulator'
		});
		response.end(method === 'HEAD' ? undefined : bytes);
	}

	#signature(channelId: string, attachmentId: string, filename: string, ex: string, is: string): string {
		return createHmac('sha256', this.#key).update(`${channelId}/${attachmentId}/${filename}?ex=${ex}&is=${is}`).digest('hex');
	}
}
