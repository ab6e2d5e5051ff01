import type { Clock } from './types.js';

/** Discord's epoch (2015-01-01T00:00:00.000Z) in milliseconds, from Discord's "Snowflakes" reference. */
export const DISCORD_EPOCH = 1420070400000n;

/** Milliseconds since the Unix epoch encoded in a snowflake (`(id >> 22) + DISCORD_EPOCH`). */
export function snowflakeTimestamp(id: string): number {
	return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** The shard that receives a guild's events: `(guild_id >> 22) % shard_count` (Discord's sharding formula). */
export function shardForGuild(guildId: string, shardCount: number): number {
	return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/**
 * Generates real snowflakes: 42 bits of milliseconds since the Discord epoch, 5 bits worker, 5 bits process,
 * 12 bits increment. Ids are strictly increasing.
 */
export class SnowflakeGenerator {
	#lastMs = 0n;
	#increment = 0n;
	#lastGuildMs = 0n;
	readonly #pastIncrements = new Map<bigint, bigint>();

	public constructor(
		private readonly clock: Clock,
		private readonly workerId = 1n,
		private readonly processId = 0n
	) {}

	/** A new snowflake at the current emulator time. */
	public next(): string {
		let ms = BigInt(Math.floor(this.clock.now())) - DISCORD_EPOCH;
		if (ms < this.#lastMs) ms = this.#lastMs;
		if (ms === this.#lastMs) {
			this.#increment++;
			if (this.#increment > 0xfffn) {
				ms++;
				this.#increment = 0n;
			}
		} else this.#increment = 0n;
		this.#lastMs = ms;
		return this.#compose(ms, this.#increment);
	}

	/**
	 * A snowflake for a new guild. Each guild gets its own millisecond (so consecutive guilds spread round-robin over
	 * shards, as guilds created at different times do on Discord), or, with `shard`, a millisecond routed to that shard.
	 */
	public nextGuild(shard?: [shardId: number, shardCount: number]): string {
		let ms = BigInt(Math.floor(this.clock.now())) - DISCORD_EPOCH;
		if (ms <= this.#lastGuildMs) ms = this.#lastGuildMs + 1n;
		if (shard) {
			const [shardId, shardCount] = shard;
			if (!Number.isInteger(shardId) || shardId < 0 || shardId >= shardCount) {
				throw new RangeError(`shard [${shardId}, ${shardCount}] is not a valid shard`);
			}
			while (ms % BigInt(shardCount) !== BigInt(shardId)) ms++;
		}
		this.#lastGuildMs = ms;
		// Guild ids use their own worker id, so they never collide with other ids minted in the same millisecond.
		return this.#compose(ms, 0n, this.workerId + 1n);
	}

	/**
	 * A snowflake for a given moment (ms since the Unix epoch), e.g. a message posted in the past. Ids minted this
	 * way use their own worker id, so they never collide with {@link next} or {@link nextGuild}; up to 4096 per
	 * millisecond.
	 */
	public at(ms: number): string {
		const offset = BigInt(Math.floor(ms)) - DISCORD_EPOCH;
		if (offset < 0n) throw new RangeError(`emulator: ${new Date(ms).toISOString()} is before Discord's epoch`);
		const increment = this.#pastIncrements.get(offset) ?? 0n;
		if (increment > 0xfffn) throw new RangeError(`emulator: more than 4096 ids at ${new Date(ms).toISOString()}`);
		this.#pastIncrements.set(offset, increment + 1n);
		return this.#compose(offset, increment, this.workerId + 2n);
	}

	#compose(ms: bigint, increment: bigint, workerId = this.workerId): string {
		return ((ms << 22n) | (workerId << 17n) | (this.processId << 12n) | increment).toString();
	}
}
