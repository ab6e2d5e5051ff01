/**
 * Parses a shard id list as written in `SHARD_IDS`: ids and inclusive ranges separated by commas,
 * e.g. `0,1`, `0-3`, `0-1,4,6-7`. Spaces around items are ignored.
 *
 * @returns the ids, ascending, without duplicates.
 * @throws RangeError naming the offending item when an item is not a non-negative integer or a range `a-b` with a <= b.
 */
export function parseShardIds(value: string): number[] {
	const ids = new Set<number>();
	const items = value.split(',').map((item) => item.trim());
	for (const item of items) {
		const range = /^(\d+)\s*-\s*(\d+)$/.exec(item);
		if (range) {
			const from = Number(range[1]);
			const to = Number(range[2]);
			if (from > to) throw new RangeError(`"${item}" is a range that runs backwards`);
			for (let id = from; id <= to; id++) ids.add(id);
			continue;
		}
		if (!/^\d+$/.test(item)) throw new RangeError(`"${item}" is neither a shard id nor a range like 0-3`);
		ids.add(Number(item));
	}
	return [...ids].sort((a, b) => a - b);
}

/** Discord's shard formula: the shard that receives a guild's events, `(guild_id >> 22) % shard_count`. */
export function shardIdForGuild(guildId: string, shardCount: number): number {
	return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}
