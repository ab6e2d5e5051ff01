/**
 * Which MESSAGE_UPDATEs are an author's edit to check again (issue 12). The bot keeps no message cache, so discord.js
 * reports an update of any message as a partial "before" (Partials.Message) with the full message after it, and the
 * previous content is not known. Discord also sends MESSAGE_UPDATE for changes that are not an edit by the author: a
 * link preview (embed) added after the message was sent or edited, embeds suppressed, a pin. Those keep the message's
 * `edited_timestamp`, which Discord sets only when the author edits the message (its content), so:
 *
 * - a message never edited (`editedTimestamp` null) is not checked again: nothing its author wrote changed;
 * - an edit is checked once per (message, `editedTimestamp`): the preview that follows an edit is not checked again.
 *
 * When a plugin does keep messages and the previous content is known, an update whose content did not change is
 * skipped as before.
 */

/** What {@link isEditToCheck} reads of the message before the update (a partial one when it was not cached). */
export interface PreviousMessage {
	partial: boolean;
	content: string | null;
}

/** What {@link isEditToCheck} reads of the message after the update. */
export interface UpdatedMessage {
	id: string;
	content: string;
	/** When the author last edited it (ms since the epoch), or null when never. */
	editedTimestamp: number | null;
}

/**
 * Edits already checked, by message id and edit time: at most `capacity` messages (the oldest forgotten first). One per
 * process; the updates of a guild all reach the process holding its shard.
 */
export class CheckedEdits {
	readonly #seen = new Map<string, number>();

	/** @param capacity messages remembered (default 10,000: about 1 MiB). */
	public constructor(public readonly capacity = 10_000) {}

	/**
	 * Records the edit of `messageId` made at `editedTimestamp`. @returns true when that edit was not recorded before
	 * (check it), false when it was (an update that followed it, such as a link preview).
	 */
	public firstCheck(messageId: string, editedTimestamp: number): boolean {
		if (this.#seen.get(messageId) === editedTimestamp) return false;
		this.#seen.delete(messageId);
		this.#seen.set(messageId, editedTimestamp);
		if (this.#seen.size > this.capacity) this.#seen.delete(this.#seen.keys().next().value!);
		return true;
	}

	/** Messages remembered now. */
	public get size(): number {
		return this.#seen.size;
	}
}

/**
 * Whether a MESSAGE_UPDATE is an edit the content filters should check (see the module comment); records it in `checked`.
 */
export function isEditToCheck(previous: PreviousMessage, message: UpdatedMessage, checked: CheckedEdits): boolean {
	if (!previous.partial && previous.content === message.content) return false;
	if (previous.partial && message.editedTimestamp === null) return false;
	return checked.firstCheck(message.id, message.editedTimestamp ?? 0);
}
