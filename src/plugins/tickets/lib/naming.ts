import { CHANNEL_NAME_MAX } from './config.js';

/**
 * Names of ticket channels, threads and overflow categories (issue 10), as plain functions: a type's `nameTemplate`
 * (lib/config.ts) filled in, then made a valid Discord name for the mode.
 *
 * - `{number}` is the ticket's number zero-padded to {@link NUMBER_DIGITS} digits (`0042`, as Ticket Tool's
 *   `ticket-0001`; numbers past 9,999 keep all their digits), so names sort in number order in the channel list.
 * - `{username}` is the opener's Discord username, `{type}` the type's name.
 * - A text channel's name follows what Discord's client makes of one: lower case, no spaces (a run of spaces or
 *   dashes becomes one `-`), only letters, digits, `-` and `_`, no dash at either end, at most 100 characters
 *   (Discord's limit). A thread's name keeps its case and spaces (threads allow any text), whitespace collapsed,
 *   at most 100 characters. A name left empty (a username of symbols only) becomes `ticket-<number>`.
 */

/** Digits of `{number}` in a name: 4 (`0001`). */
export const NUMBER_DIGITS = 4;

/** `{number}`: the ticket number zero-padded to {@link NUMBER_DIGITS} digits. */
export function formatTicketNumber(number: number): string {
	return String(number).padStart(NUMBER_DIGITS, '0');
}

/** What the placeholders of a name template stand for. */
export interface NameValues {
	number: number;
	username: string;
	/** The type's name. */
	type: string;
}

/** The template with `{number}`, `{username}` and `{type}` replaced (any other text kept as written). */
export function fillNameTemplate(template: string, values: NameValues): string {
	return template.replace(/\{(number|username|type)\}/g, (_, name: keyof NameValues) =>
		name === 'number' ? formatTicketNumber(values.number) : String(values[name])
	);
}

/**
 * Cuts text to at most `max` UTF-16 code units (the unit of Discord's length checks on names) without splitting a
 * character made of two units.
 */
export function cutText(text: string, max: number): string {
	if (text.length <= max) return text;
	let out = '';
	for (const character of text) {
		if (out.length + character.length > max) break;
		out += character;
	}
	return out;
}

/** The name every ticket falls back to: `ticket-<number>`. */
export function fallbackName(number: number): string {
	return `ticket-${formatTicketNumber(number)}`;
}

/**
 * A text channel name from any text: lower case, whitespace and dashes runs to one `-`, only letters, marks, digits,
 * `-` and `_` kept, no `-` at either end, at most 100 characters. Empty when nothing is left.
 */
export function toChannelName(text: string): string {
	const cleaned = text
		.normalize('NFKC')
		.toLowerCase()
		.replace(/[\s-]+/gu, '-')
		.replace(/[^\p{L}\p{M}\p{N}_-]/gu, '')
		.replace(/-{2,}/g, '-')
		.replace(/^-+|-+$/g, '');
	return cutText(cleaned, CHANNEL_NAME_MAX).replace(/-+$/g, '');
}

/** A thread name from any text: whitespace collapsed and trimmed, at most 100 characters. Empty when nothing is left. */
export function toThreadName(text: string): string {
	return cutText(text.replace(/\s+/gu, ' ').trim(), CHANNEL_NAME_MAX).trim();
}

/** A ticket's channel or thread name from its type's template (see the module's comment), never empty. */
export function ticketName(mode: 'channel' | 'thread', template: string, values: NameValues): string {
	const filled = fillNameTemplate(template, values);
	const name = mode === 'channel' ? toChannelName(filled) : toThreadName(filled);
	return name || fallbackName(values.number);
}

/**
 * A name given by `/ticket rename` made valid for the mode (see {@link toChannelName}, {@link toThreadName}); empty
 * when nothing valid is left (the command refuses it).
 */
export function renamedName(mode: 'channel' | 'thread', text: string): string {
	return mode === 'channel' ? toChannelName(text) : toThreadName(text);
}

/**
 * The name of the `index`-th overflow category of a category named `base` (index 2 for the first overflow):
 * `"<base> <index>"`, the base cut so that the whole stays within Discord's 100 characters.
 */
export function overflowCategoryName(base: string, index: number): string {
	const suffix = ` ${index}`;
	return `${cutText(base, CHANNEL_NAME_MAX - suffix.length)}${suffix}`;
}

/**
 * The overflow index of a category named `name` for a category named `base` (`"Tickets 3"` of `"Tickets"` → 3), or
 * null when it is not one of its overflow names (index 2 or more; names cut by {@link overflowCategoryName} match).
 */
export function overflowIndexOf(base: string, name: string): number | null {
	const match = /^(.*) ([1-9]\d{0,3})$/su.exec(name);
	if (!match) return null;
	const index = Number(match[2]);
	return index >= 2 && overflowCategoryName(base, index) === name ? index : null;
}
