/**
 * The arithmetic of a ticket transcript's attachments, as plain functions (no Discord, no I/O): which attachments fit
 * the per-ticket cap, which images fit inside the HTML file, how the files are spread over messages, and the names
 * they are uploaded under. Used by service/transcript.ts; unit-tested in tests/plugins/tickets/lib/transcriptBudget.test.ts.
 *
 * Discord's limits used here (developer docs, "Uploading Files" and "Create Message"):
 * - at most 10 attachments per message;
 * - "The file upload size limit applies to each file in a request. The default limit is 10 MiB for all users, but may
 *   be higher for users depending on their Nitro status or by the server's Boost Tier";
 * - "The maximum request size when sending a message is 25 MiB".
 * The boost tiers' limits (50 MB at level 2, 100 MB at level 3) are from Discord's Server Boosting FAQ; they are
 * taken as MiB, which Discord's own client does.
 */

/** One mebibyte, in bytes. */
export const MIB = 1_048_576;

/** Discord: at most 10 attachments in one message (400 30015 "Maximum number of attachments in a message reached"). */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

/** Discord: the default per-file upload limit, 10 MiB (guilds without boosts, and DMs sent by a bot). */
export const DEFAULT_UPLOAD_LIMIT_BYTES = 10 * MIB;

/** Discord: the maximum size of one message-create request, 25 MiB (files, payload and multipart framing). */
export const DEFAULT_REQUEST_LIMIT_BYTES = 25 * MIB;

/**
 * Room kept free in a request for what is not the files themselves: the `payload_json` part (content, attachment
 * descriptions) and the multipart framing of each part (a few hundred bytes each). 64 KiB is far above both.
 */
export const REQUEST_OVERHEAD_BYTES = 64 * 1_024;

/**
 * The per-file upload limit of a guild with this boost level (`guild.premiumTier`, 0–3): 10 MiB at levels 0 and 1,
 * 50 MiB at level 2, 100 MiB at level 3 (Discord's Server Boosting FAQ). An unknown level gets the default 10 MiB.
 * A DM has no boosts: use {@link DEFAULT_UPLOAD_LIMIT_BYTES} for a transcript that is also sent to the opener.
 */
export function uploadLimitForPremiumTier(premiumTier: number): number {
	if (premiumTier === 2) return 50 * MIB;
	if (premiumTier === 3) return 100 * MIB;
	return DEFAULT_UPLOAD_LIMIT_BYTES;
}

/** Why an attachment of the ticket is not in the transcript (listed with its name and size instead). */
export type SkipReason =
	/** It did not fit in what was left of the per-ticket cap. */
	| 'cap'
	/** It could not be downloaded (404, timeout, network error, or more bytes than Discord said). */
	| 'unavailable'
	/** It is bigger than one file may be (the upload limit), so it can be neither re-uploaded nor inlined. */
	| 'too-large';

/** An attachment of the ticket, as planned: what Discord says of it (`size` in bytes), in the order of the messages. */
export interface AttachmentCandidate {
	/** The attachment's id (unique within the ticket). */
	id: string;
	/** Its file name as Discord has it. */
	name: string;
	/** Its size in bytes, as Discord says. */
	size: number;
	/** `image`: shown inline in the transcript when there is room in the HTML; `file`: uploaded beside it. */
	kind: 'image' | 'file';
}

/** The decision for one attachment: kept (to download) or skipped, with why. */
export type AttachmentDecision = { candidate: AttachmentCandidate; keep: true } | { candidate: AttachmentCandidate; keep: false; reason: SkipReason };

/**
 * Which attachments are kept, in the order given (oldest message first, an attachment's order within its message):
 * each is kept when its size fits in what is left of the cap and it is not bigger than one file may be; a skipped one
 * leaves its room to the ones after it (a big file does not keep the smaller later ones out).
 *
 * @param capBytes the per-ticket cap over every kept attachment (inlined images and uploaded files alike), bytes; 0
 *   keeps none.
 * @param uploadLimitBytes the per-file upload limit, bytes: a bigger attachment is `too-large` whatever the cap (an
 *   inlined image lives inside the HTML file, which must stay under the same limit).
 * @returns one decision per candidate, in the same order.
 * @throws RangeError for a negative or non-integer cap or limit.
 */
export function planAttachments(candidates: readonly AttachmentCandidate[], capBytes: number, uploadLimitBytes: number): AttachmentDecision[] {
	assertBytes('capBytes', capBytes);
	assertBytes('uploadLimitBytes', uploadLimitBytes);
	let left = capBytes;
	return candidates.map((candidate): AttachmentDecision => {
		if (candidate.size > uploadLimitBytes) return { candidate, keep: false, reason: 'too-large' };
		if (candidate.size > left) return { candidate, keep: false, reason: 'cap' };
		left -= candidate.size;
		return { candidate, keep: true };
	});
}

/** The length of `bytes` bytes written in base64 (padding included), as a `data:` URI carries them. */
export function base64Length(bytes: number): number {
	return 4 * Math.ceil(bytes / 3);
}

/** An image that was downloaded, to be placed inline or beside the transcript. */
export interface ImageToPlace {
	id: string;
	/** Its size in bytes (as downloaded). */
	size: number;
	/** How many times its placeholder occurs in the rendered HTML (each occurrence gets the whole data URI). */
	occurrences: number;
	/** The length of the `data:<type>;base64,` prefix of its URI, in bytes. */
	prefixLength: number;
	/** The length, in bytes, of the placeholder each occurrence replaces. */
	placeholderLength: number;
}

/**
 * Which downloaded images are inlined in the HTML as `data:` URIs: in the order given, each whose URI (base64, times
 * its occurrences) still fits in `roomBytes`; the others are uploaded beside the transcript as files.
 *
 * @param roomBytes what the HTML may still grow by, bytes: the upload limit less the rendered HTML without the
 *   images (and less the room kept for the list of attachments).
 * @returns the ids of the images to inline.
 */
export function placeImages(images: readonly ImageToPlace[], roomBytes: number): Set<string> {
	const inline = new Set<string>();
	let left = roomBytes;
	for (const image of images) {
		const growth = image.occurrences * (image.prefixLength + base64Length(image.size) - image.placeholderLength);
		if (growth > left) continue;
		left -= growth;
		inline.add(image.id);
	}
	return inline;
}

/** A file to upload, by its size in bytes. */
export interface SizedFile {
	size: number;
}

/**
 * Spreads files over messages, keeping their order: the first message carries `first` (the HTML transcript) then
 * as many files as fit; each message has at most {@link MAX_ATTACHMENTS_PER_MESSAGE} attachments and at most
 * `requestLimitBytes` less {@link REQUEST_OVERHEAD_BYTES} of them, except that a file too big for that goes alone in
 * its own message (its size is the upload limit's business, checked before).
 *
 * @returns the files of each message, in order (the first entry starts with `first`); one message at least.
 */
export function packMessages<F extends SizedFile>(first: F, files: readonly F[], requestLimitBytes = DEFAULT_REQUEST_LIMIT_BYTES): F[][] {
	const room = Math.max(0, requestLimitBytes - REQUEST_OVERHEAD_BYTES);
	const messages: F[][] = [[first]];
	let current = messages[0]!;
	let used = first.size;
	for (const file of files) {
		if (current.length >= MAX_ATTACHMENTS_PER_MESSAGE || used + file.size > room) {
			current = [];
			messages.push(current);
			used = 0;
		}
		current.push(file);
		used += file.size;
	}
	return messages;
}

/**
 * The name a kept file is uploaded under beside the transcript: `<number>-<name>` (so two `image.png` of the ticket
 * stay apart, and the HTML links to it by that name), with the name cleaned as Discord cleans upload names (Werkzeug's
 * `secure_filename`, discord-api-docs #7754: non-ASCII dropped, `/` and runs of spaces become `_`, anything but ASCII
 * letters, digits, `.`, `-`, `_` dropped, `.`/`_` trimmed at both ends), so Discord keeps it as it is and the link
 * holds; at most 100 characters, its extension kept. An empty result is `file`.
 *
 * @param number the file's 1-based position among the kept files.
 */
export function uploadName(number: number, name: string): string {
	const trim = (text: string) => text.replace(/^[._]+|[._]+$/g, '');
	const ascii = name.normalize('NFKD').replace(/[^\x00-\x7F]/g, '').replace(/[/\\]/g, ' ');
	let clean = trim(
		ascii
			.split(/[\s\x1c-\x1f]+/)
			.filter(Boolean)
			.join('_')
			.replace(/[^A-Za-z0-9_.-]/g, '')
	);
	if (clean === '') clean = 'file';
	const prefix = `${number}-`;
	const max = 100 - prefix.length;
	if (clean.length > max) {
		const dot = clean.lastIndexOf('.');
		const extension = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : '';
		clean = trim(clean.slice(0, max - extension.length)) + extension;
	}
	return prefix + clean;
}

/** `bytes` as people read it, in binary units: `512 B`, `12.3 KiB`, `4.5 MiB`. */
export function formatBytes(bytes: number): string {
	if (bytes < 1_024) return `${bytes} B`;
	if (bytes < MIB) return `${(bytes / 1_024).toFixed(1)} KiB`;
	return `${(bytes / MIB).toFixed(1)} MiB`;
}

function assertBytes(name: string, value: number): void {
	if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number of bytes >= 0, got ${value}`);
}
