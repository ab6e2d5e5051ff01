import { Redis, type RedisOptions } from 'ioredis';

/** Options of {@link createRedisClient}. */
export interface CreateRedisClientOptions {
	/** Shown in logs and `CLIENT LIST` (e.g. `hearth:cache`, `hearth:pubsub`). */
	connectionName: string;
	/** Where connection problems go: called once when the connection is lost and once when it is back. */
	onStateChange?: (state: 'up' | 'down', error?: Error) => void;
	/**
	 * Queue commands while disconnected (needed by a subscriber, whose SUBSCRIBE must survive reconnects). Off by
	 * default: a cache read must fail at once when Redis is down, so the caller falls back to PostgreSQL.
	 */
	offlineQueue?: boolean;
	/** Milliseconds before a command is abandoned (default 1000). */
	commandTimeoutMs?: number;
}

/**
 * Creates an ioredis client for the bot's own use (settings cache, pub/sub, health pings) that never crashes the
 * process: it reconnects forever (backing off up to 2 s), fails commands fast while Redis is down, and reports
 * outages through `onStateChange` instead of an unhandled 'error' event. Connects in the background.
 */
export function createRedisClient(redisUrl: string, options: CreateRedisClientOptions): Redis {
	const offlineQueue = options.offlineQueue ?? false;
	// ioredis reads `redis://[user[:password]@]host[:port][/db]` (and `rediss://` for TLS) itself.
	const redisOptions: RedisOptions = {
		connectionName: options.connectionName,
		enableOfflineQueue: offlineQueue,
		maxRetriesPerRequest: offlineQueue ? null : 1,
		...(offlineQueue ? {} : { commandTimeout: options.commandTimeoutMs ?? 1_000 }),
		// Commands issued in the same tick go out in one write (ioredis auto-pipelining): on the hot paths (automod's
		// windows on every message, the settings cache) one socket write per command was the largest cost measured
		// (bench:automod, docs/automod.md "Speed"). Not for a subscriber, whose connection is in subscribe mode.
		enableAutoPipelining: !offlineQueue,
		connectTimeout: 2_000,
		retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
		lazyConnect: false
	};
	const client = new Redis(redisUrl, redisOptions);
	let up: boolean | null = null;
	client.on('ready', () => {
		if (up !== true) options.onStateChange?.('up');
		up = true;
	});
	client.on('error', (error: Error) => {
		if (up !== false) options.onStateChange?.('down', error);
		up = false;
	});
	client.on('close', () => {
		if (up === true) options.onStateChange?.('down');
		up = false;
	});
	return client;
}

/**
 * Closes a client politely (QUIT) within `timeoutMs`, then forcibly. Never throws.
 * @param timeoutMs milliseconds to wait for QUIT (default 1000).
 */
export async function closeRedisClient(client: Redis, timeoutMs = 1_000): Promise<void> {
	if (client.status === 'end') return;
	if (client.status !== 'ready') {
		client.disconnect(false);
		return;
	}
	let timer: NodeJS.Timeout | undefined;
	try {
		await Promise.race([
			client.quit().catch(() => undefined),
			new Promise((resolve) => {
				timer = setTimeout(resolve, timeoutMs);
			})
		]);
	} finally {
		clearTimeout(timer);
		client.disconnect(false);
	}
}

/**
 * Connects once to `redisUrl` and sends PING, without retrying: startBot's start-up check (a wrong REDIS_URL is told
 * in one line at once; once running, the bot's own clients ride out outages). Closes its connection either way.
 * @throws the connection's or PING's error (refused, unknown host, WRONGPASS/NOAUTH, timeout).
 */
export async function probeRedis(redisUrl: string, timeoutMs = 3_000): Promise<void> {
	const client = new Redis(redisUrl, {
		lazyConnect: true,
		enableOfflineQueue: false,
		maxRetriesPerRequest: 0,
		connectTimeout: timeoutMs,
		commandTimeout: timeoutMs,
		retryStrategy: () => null
	});
	// The socket's own error (ECONNREFUSED, ENOTFOUND) says more than connect()'s "Connection is closed.".
	let socketError: unknown;
	client.on('error', (error: unknown) => {
		socketError ??= error;
	});
	try {
		await client.connect();
		await client.ping();
	} catch (error) {
		throw socketError ?? error;
	} finally {
		client.disconnect(false);
	}
}
