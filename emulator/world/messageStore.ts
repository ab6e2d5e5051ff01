/**
 * A channel's messages: a Map by id whose iteration order is always ascending by id (oldest first), as Discord orders
 * a channel's history. Appending a newer message is O(1); a message dated in the past (`emu.messages.send({ at })`)
 * only marks the order stale, and the next read sorts once, so building a history of thousands of old messages
 * stays linear instead of re-sorting the channel after every insert.
 */
import type { APIMessage } from 'discord-api-types/v10';

/** Compares two snowflakes (decimal strings without leading zeros) numerically without BigInt. */
export function compareSnowflakes(a: string, b: string): number {
	if (a.length !== b.length) return a.length - b.length;
	return a < b ? -1 : a > b ? 1 : 0;
}

export class MessageStore extends Map<string, APIMessage> {
	#newest: string | null = null;
	#stale = false;

	/** Adds or replaces a message. A replaced message keeps its place; a new one older than the newest marks the order stale. */
	public override set(id: string, message: APIMessage): this {
		if (!super.has(id)) {
			if (this.#newest !== null && compareSnowflakes(id, this.#newest) < 0) this.#stale = true;
			else this.#newest = id;
		}
		return super.set(id, message);
	}

	public override delete(id: string): boolean {
		const deleted = super.delete(id);
		if (deleted && id === this.#newest) {
			let newest: string | null = null;
			for (const key of super.keys()) if (newest === null || compareSnowflakes(key, newest) > 0) newest = key;
			this.#newest = newest;
		}
		return deleted;
	}

	public override clear(): void {
		super.clear();
		this.#newest = null;
		this.#stale = false;
	}

	public override keys(): MapIterator<string> {
		this.#order();
		return super.keys();
	}

	public override values(): MapIterator<APIMessage> {
		this.#order();
		return super.values();
	}

	public override entries(): MapIterator<[string, APIMessage]> {
		this.#order();
		return super.entries();
	}

	public override [Symbol.iterator](): MapIterator<[string, APIMessage]> {
		return this.entries();
	}

	public override forEach(callback: (value: APIMessage, key: string, map: Map<string, APIMessage>) => void, thisArg?: unknown): void {
		this.#order();
		super.forEach(callback, thisArg);
	}

	/** The messages newest first (a copy), as `GET /channels/{channel_id}/messages` pages them. */
	public newestFirst(): APIMessage[] {
		return [...this.values()].reverse();
	}

	/** Re-inserts every message in id order when a past-dated message made the order stale. */
	#order(): void {
		if (!this.#stale) return;
		this.#stale = false;
		const sorted = [...super.entries()].sort(([a], [b]) => compareSnowflakes(a, b));
		super.clear();
		for (const [id, message] of sorted) super.set(id, message);
		this.#newest = sorted.at(-1)?.[0] ?? null;
	}
}
