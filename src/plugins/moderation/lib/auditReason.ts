/**
 * The audit-log reason of every Discord action the plugin takes (issue 8, "Cases"): `moderator (id): reason`, sent as
 * the `X-Audit-Log-Reason` header (discord.js REST's `reason` option).
 */

/** Discord's limit on an audit-log reason: 512 characters. */
export const AUDIT_REASON_LIMIT = 512;

/** The mark of a cut text. */
const ELLIPSIS = '…';

/**
 * Length of a text as Discord counts characters: Unicode code points (an emoji outside the Basic Multilingual Plane is
 * one character, where JavaScript's `length` counts two UTF-16 units).
 */
export function characterCount(text: string): number {
	let count = 0;
	for (const _ of text) count++;
	return count;
}

/**
 * `text` cut to at most `limit` characters (code points), ending with an ellipsis when cut. The cut falls on a
 * grapheme boundary (never inside a code point, nor inside an emoji sequence or a letter with its accents), so the
 * text may come out a little shorter than `limit`.
 * @param limit at least 1.
 */
export function truncateCharacters(text: string, limit: number): string {
	if (characterCount(text) <= limit) return text;
	const room = limit - characterCount(ELLIPSIS);
	let kept = '';
	let count = 0;
	for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
		const size = characterCount(segment);
		if (count + size > room) break;
		kept += segment;
		count += size;
	}
	return `${kept}${ELLIPSIS}`;
}

/** Who acts, as the audit log shows them. */
export interface AuditActor {
	/** Their username (or the bot's, for automatic actions). */
	readonly name: string;
	readonly id: string;
}

/**
 * The audit-log reason `moderator (id): reason`, cut to Discord's {@link AUDIT_REASON_LIMIT} characters.
 * @param reason the case's reason, already in the guild's language when it was generated (escalation, "no reason").
 */
export function auditReason(actor: AuditActor, reason: string): string {
	// Line breaks are shown as spaces by Discord's audit log anyway; a header value must not contain them.
	const oneLine = `${actor.name} (${actor.id}): ${reason}`.replace(/[\r\n]+/g, ' ');
	return truncateCharacters(oneLine, AUDIT_REASON_LIMIT);
}
