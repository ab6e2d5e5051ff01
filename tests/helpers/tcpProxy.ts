import { createConnection, createServer, type Socket } from 'node:net';

/** Options of {@link startTcpProxy}. */
export interface TcpProxyOptions {
	/** Where connections are forwarded (default 127.0.0.1). */
	targetHost?: string;
	/** Port forwarded to (default 5432, the test PostgreSQL). */
	targetPort?: number;
}

/** A TCP proxy on 127.0.0.1 that a test can cut and restore (a database or service outage, seen from a bot). */
export interface TcpProxy {
	/** The proxy's port on 127.0.0.1 (a free one, chosen by the OS). */
	port: number;
	/** Whether {@link pause} is in force. */
	readonly paused: boolean;
	/** Connections being forwarded now. */
	readonly connections: number;
	/**
	 * Cuts the link: every forwarded connection is reset (the client sees ECONNRESET or "Connection terminated"), and
	 * until {@link resume} every new connection is accepted and reset at once (refused, without the port going away).
	 */
	pause(): void;
	/** Forwards new connections again. */
	resume(): void;
	/** Stops listening and resets every connection. */
	close(): Promise<void>;
	/** `url` with its host and port replaced by the proxy's (e.g. a `postgres://` URL through the proxy). */
	urlThrough(url: string): string;
}

/**
 * Starts a TCP proxy on 127.0.0.1 forwarding to `targetHost:targetPort` (default the test PostgreSQL), for tests that
 * take a dependency away from a running bot and give it back: point the bot at {@link TcpProxy.urlThrough}, then
 * `pause()` / `resume()`.
 */
export async function startTcpProxy(options: TcpProxyOptions = {}): Promise<TcpProxy> {
	const targetHost = options.targetHost ?? '127.0.0.1';
	const targetPort = options.targetPort ?? 5432;
	const pairs = new Set<[Socket, Socket]>();
	let paused = false;

	const cut = (pair: [Socket, Socket]) => {
		pairs.delete(pair);
		if (!pair[0].destroyed) pair[0].resetAndDestroy();
		pair[1].destroy();
	};

	const server = createServer((client) => {
		client.on('error', () => undefined);
		if (paused) {
			client.resetAndDestroy();
			return;
		}
		const upstream = createConnection({ host: targetHost, port: targetPort });
		const pair: [Socket, Socket] = [client, upstream];
		pairs.add(pair);
		upstream.on('error', () => cut(pair));
		client.on('close', () => cut(pair));
		upstream.on('close', () => cut(pair));
		client.pipe(upstream);
		upstream.pipe(client);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const address = server.address();
	if (typeof address !== 'object' || address === null) throw new Error('The TCP proxy has no address');

	return {
		port: address.port,
		get paused() {
			return paused;
		},
		get connections() {
			return pairs.size;
		},
		pause() {
			paused = true;
			for (const pair of [...pairs]) cut(pair);
		},
		resume() {
			paused = false;
		},
		async close() {
			paused = true;
			for (const pair of [...pairs]) cut(pair);
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
		urlThrough(url: string) {
			const parsed = new URL(url);
			parsed.hostname = '127.0.0.1';
			parsed.port = String(address.port);
			return parsed.toString();
		}
	};
}
