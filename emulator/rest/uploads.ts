/**
 * File uploads (reference "Uploading Files", "Editing Message Attachments"; resources/message "Attachment Request
 * Structure"): `multipart/form-data` bodies with the JSON in `payload_json` (or plain form fields) and files in
 * `files[n]` parts, and how a message's `attachments` are worked out from the request.
 *
 * - An `attachments` entry whose `id` is the `n` of a `files[n]` part describes that upload (`filename`, `title`,
 *   `description`, `is_spoiler`); on an edit, an entry whose `id` is one of the message's attachments keeps it (its
 *   `description` and `is_spoiler` may change). Any other id is 400 50035 `ATTACHMENT_NOT_FOUND` "Attachment data not
 *   found" at `attachments.<i>` (what Discord answers, as library users quote it).
 * - With `attachments` given, it is the whole list: parts it does not name are not attached and, on an edit, the
 *   message's attachments it does not name are removed ("The attachments JSON parameter includes all files that will
 *   be appended to the message"; v10 change log: "Any attachments not specified will be removed").
 * - Without `attachments`, every file part is attached, in order, after the attachments an edited message already has
 *   ("Any provided files will be appended to the message").
 * - More than 10 attachments in the end is 400 30015 "Maximum number of attachments in a message reached (10)"; an
 *   `attachments` list of more than 10 entries is refused by the schema first (50035 BASE_TYPE_MAX_LENGTH).
 * - Names are cleaned as Discord does (../world/attachments.ts `secureFilename`); the media type comes from the
 *   extension, else the part's Content-Type unless it is `application/octet-stream`.
 */
import type { APIAttachment } from 'discord-api-types/v10';
import {
	ATTACHMENT_FLAG_IS_SPOILER,
	MAX_ATTACHMENTS_PER_MESSAGE,
	contentTypeFor,
	secureFilename
} from '../world/attachments.js';
import type { RouteContext } from './context.js';
import { DiscordHttpError, ErrorCodes, errorTree } from './errors.js';

type Json = Record<string, any>;

/** A file part of a multipart request. */
export interface UploadedFile {
	/** The part's name, e.g. `files[0]`. */
	field: string;
	/** `n` of `files[n]` (the placeholder id that `attachments[].id` refers to), or null for another name. */
	index: string | null;
	/** The filename of the part's Content-Disposition, as sent. */
	filename: string;
	/** The part's Content-Type ('' when none). */
	contentType: string;
	bytes: Buffer;
}

/** A parsed request body: the JSON (from `payload_json`, form fields, or a JSON body) and the file parts. */
export interface ParsedBody {
	body?: unknown;
	files: UploadedFile[];
	/** 'json': not valid JSON (or `payload_json` is not); 'multipart': the multipart body could not be read. */
	invalid?: 'json' | 'multipart';
}

/**
 * Reads a `multipart/form-data` body: the JSON body is `payload_json` when present (other fields are then ignored),
 * else the plain form fields (`content` as a string, other values parsed as JSON when they are, e.g. `tts=true`, as in
 * the reference's example "without payload_json"); every part with a filename is a file.
 */
export async function parseMultipart(raw: Buffer, contentType: string): Promise<ParsedBody> {
	let form: FormData;
	try {
		form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
	} catch {
		return { files: [], invalid: 'multipart' };
	}
	const files: UploadedFile[] = [];
	const fields: Json = {};
	let payload: string | undefined;
	for (const [name, value] of form) {
		if (typeof value !== 'string') {
			files.push({
				field: name,
				index: /^files\[(\d+)\]$/.exec(name)?.[1] ?? null,
				filename: value.name,
				contentType: value.type,
				bytes: Buffer.from(await value.arrayBuffer())
			});
		} else if (name === 'payload_json') payload = value;
		else fields[name] = name === 'content' ? value : parseField(value);
	}
	if (payload === undefined) return { body: fields, files };
	try {
		return { body: JSON.parse(payload), files };
	} catch {
		return { files, invalid: 'json' };
	}
}

function parseField(value: string): unknown {
	try {
		return JSON.parse(value);
	} catch {
		return value;
	}
}

/** One attachment of the message being written: an existing one kept, or a file of the request. */
export type AttachmentPlan =
	| { kind: 'keep'; attachment: APIAttachment; entry?: Json }
	| { kind: 'upload'; file: UploadedFile; entry?: Json };

/**
 * Works out a message's attachments from the request (see the module comment): `entries` is the body's
 * `attachments` (undefined when absent), `existing` the attachments of the message being edited (null when creating),
 * `path` where `attachments` sits in the body, for errors ('attachments', 'data.attachments', 'message.attachments').
 * Throws 400 50035 for an entry that matches nothing, 400 30015 past 10 attachments.
 */
export function planAttachments(
	entries: unknown,
	files: readonly UploadedFile[],
	existing: readonly APIAttachment[] | null,
	path = 'attachments'
): AttachmentPlan[] {
	let plan: AttachmentPlan[];
	if (entries === undefined) {
		plan = [
			...(existing ?? []).map((attachment): AttachmentPlan => ({ kind: 'keep', attachment })),
			...files.map((file): AttachmentPlan => ({ kind: 'upload', file }))
		];
	} else {
		const list = Array.isArray(entries) ? (entries as Json[]) : [];
		const used = new Set<UploadedFile>();
		const issues: { path: string; code: string; message: string }[] = [];
		const unmatched: string[] = [];
		plan = [];
		list.forEach((entry, index) => {
			const id = entry && typeof entry === 'object' && entry.id !== undefined && entry.id !== null ? String(entry.id) : undefined;
			const kept = id === undefined ? undefined : existing?.find((attachment) => attachment.id === id);
			if (kept) {
				plan.push({ kind: 'keep', attachment: kept, entry });
				return;
			}
			const file = id === undefined ? undefined : files.find((candidate) => candidate.index === id && !used.has(candidate));
			if (file) {
				used.add(file);
				plan.push({ kind: 'upload', file, entry });
				return;
			}
			issues.push({ path: `${path}.${index}`, code: 'ATTACHMENT_NOT_FOUND', message: 'Attachment data not found' });
			unmatched.push(`${path}.${index} (id ${id}): no part files[${id}]${existing ? ' and no attachment of the message' : ''}`);
		});
		if (issues.length) {
			throw new DiscordHttpError(400, ErrorCodes.InvalidFormBody, undefined, errorTree(issues), unmatched.join('; '));
		}
	}
	if (plan.length > MAX_ATTACHMENTS_PER_MESSAGE) {
		throw new DiscordHttpError(400, ErrorCodes.MaxAttachments, undefined, undefined, `${plan.length} attachments`);
	}
	return plan;
}

/**
 * Turns a plan into attachment objects: uploads are stored (bytes kept, URLs signed; uploader the bot, route the
 * request's), kept attachments get their new `description` / spoiler flag and freshly signed URLs. Call
 * `ctx.core.attachments.bind(result, messageId)` once the message exists.
 */
export function materializeAttachments(ctx: RouteContext, plan: readonly AttachmentPlan[], channelId: string): APIAttachment[] {
	const store = ctx.core.attachments;
	return plan.map((item) => {
		const entry = item.entry ?? {};
		if (item.kind === 'keep') {
			const stored = store.get(item.attachment.id);
			if (!stored) return item.attachment;
			if (entry.description !== undefined) {
				if (entry.description === null) delete stored.description;
				else stored.description = String(entry.description);
			}
			if (entry.is_spoiler !== undefined && entry.is_spoiler !== null) {
				stored.flags = entry.is_spoiler ? stored.flags | ATTACHMENT_FLAG_IS_SPOILER : stored.flags & ~ATTACHMENT_FLAG_IS_SPOILER;
			}
			return store.payload(stored);
		}
		const { file } = item;
		const filename = secureFilename(typeof entry.filename === 'string' && entry.filename ? entry.filename : file.filename);
		const partType = file.contentType && file.contentType !== 'application/octet-stream' ? file.contentType : undefined;
		const stored = store.add({
			channelId,
			filename,
			bytes: file.bytes,
			contentType: contentTypeFor(filename) ?? partType ?? null,
			...(typeof entry.description === 'string' ? { description: entry.description } : {}),
			...(typeof entry.title === 'string' ? { title: entry.title } : {}),
			flags: entry.is_spoiler ? ATTACHMENT_FLAG_IS_SPOILER : 0,
			uploaderId: ctx.botId,
			via: 'rest',
			route: `${ctx.method} ${ctx.route}`
		});
		return store.payload(stored);
	});
}

/** {@link planAttachments} then {@link materializeAttachments}: the attachments of a message written by the bot. */
export function requestAttachments(
	ctx: RouteContext,
	options: { entries: unknown; existing: readonly APIAttachment[] | null; channelId: string; path?: string }
): APIAttachment[] {
	return materializeAttachments(ctx, planAttachments(options.entries, ctx.files, options.existing, options.path), options.channelId);
}
