/**
 * When each guild's accrued voice time is written (issue 4: "a crash loses at most one flush interval (60 seconds or
 * less)"; the interval is the guild's `flushIntervalSeconds`).
 *
 * Flushes follow a fixed grid per interval: a guild with an interval of `I` seconds is due whenever the clock crosses a
 * multiple of `I` seconds (since the Unix epoch) after its last flush. Guilds with the same interval are therefore due
 * at the same instant and are written in one batched statement, and guilds with 10, 20, 30 or 60 s all meet at each
 * full minute. The time between two flushes of a guild is never more than its interval (plus the polling delay of
 * the caller), which bounds what a crash can lose.
 *
 * Pure bookkeeping: the caller reads the clock (milliseconds) and polls {@link FlushSchedule.nextDueAt}.
 */

interface GuildSchedule {
	intervalMs: number;
	/** Time of the guild's last flush (or when it was scheduled), ms. */
	last: number;
}

/** Milliseconds in a second. */
const MS_PER_SECOND = 1_000;

/** The grid slot of a time for an interval: flushes happen when the slot changes. */
function slot(time: number, intervalMs: number): number {
	return Math.floor(time / intervalMs);
}

/** The per-guild flush schedule of one process (see the module description). */
export class FlushSchedule {
	readonly #guilds = new Map<string, GuildSchedule>();
	#nextDueAt = Number.POSITIVE_INFINITY;

	/**
	 * Schedules a guild, or changes its interval (its last flush time is kept).
	 *
	 * @param intervalSeconds the guild's `flushIntervalSeconds` (integer ≥ 1)
	 * @param now the current time, ms (counts as the last flush of a guild scheduled for the first time)
	 * @throws RangeError when `intervalSeconds` is not a positive integer
	 */
	set(guildId: string, intervalSeconds: number, now: number): void {
		if (!Number.isSafeInteger(intervalSeconds) || intervalSeconds < 1) {
			throw new RangeError(`intervalSeconds must be a positive integer, got ${intervalSeconds}`);
		}
		const current = this.#guilds.get(guildId);
		this.#guilds.set(guildId, { intervalMs: intervalSeconds * MS_PER_SECOND, last: current?.last ?? now });
		this.#recompute();
	}

	/** Stops scheduling a guild (plugin disabled there, or the bot left it). */
	remove(guildId: string): void {
		if (this.#guilds.delete(guildId)) this.#recompute();
	}

	/** Whether the guild is scheduled. */
	has(guildId: string): boolean {
		return this.#guilds.has(guildId);
	}

	/** The guild's interval in seconds, or undefined when it is not scheduled. */
	intervalSeconds(guildId: string): number | undefined {
		const guild = this.#guilds.get(guildId);
		return guild === undefined ? undefined : guild.intervalMs / MS_PER_SECOND;
	}

	/** The earliest time (ms) at which some guild is due; +Infinity when none is scheduled. O(1). */
	get nextDueAt(): number {
		return this.#nextDueAt;
	}

	/**
	 * The guilds due at `now`: those whose grid slot changed since their last flush. Does not change anything; call
	 * {@link markFlushed} once they are written (or handed to the writer).
	 */
	due(now: number): string[] {
		if (now < this.#nextDueAt) return [];
		const due: string[] = [];
		for (const [guildId, guild] of this.#guilds) {
			if (slot(now, guild.intervalMs) > slot(guild.last, guild.intervalMs)) due.push(guildId);
		}
		return due;
	}

	/** Records that the guilds were flushed at `now`. */
	markFlushed(guildIds: Iterable<string>, now: number): void {
		for (const guildId of guildIds) {
			const guild = this.#guilds.get(guildId);
			if (guild !== undefined) guild.last = Math.max(guild.last, now);
		}
		this.#recompute();
	}

	#recompute(): void {
		let next = Number.POSITIVE_INFINITY;
		for (const guild of this.#guilds.values()) {
			next = Math.min(next, (slot(guild.last, guild.intervalMs) + 1) * guild.intervalMs);
		}
		this.#nextDueAt = next;
	}
}
