import { Redis } from 'ioredis';

/**
 * Deletes every Redis key of a bot run: `<prefix>*`, which holds its cache, its deferred-task sets and its BullMQ task
 * queue (`<prefix>bull:tasks:*`, see src/lib/tasks/TaskQueue.ts). Used by the tests, the demo and the benchmark to clean up after a run.
 * @returns the number of keys deleted, or null when Redis could not be reached (a test stopped it: nothing to clean)
 */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number | null> {
	const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
	client.on('error', () => {});
	try {
		await client.connect();
		let deleted = 0;
		for (const pattern of [`${prefix}*`]) {
			let cursor = '0';
			do {
				const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
				cursor = next;
				if (keys.length) deleted += await client.del(...keys);
			} while (cursor !== '0');
		}
		return deleted;
	} catch {
		return null;
	} finally {
		client.disconnect();
	}
}
