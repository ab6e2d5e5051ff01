import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** A free TCP port on 127.0.0.1 (asks the OS for one, then releases it). */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
		});
	});
}

/** A private `redis-server` for tests that stop Redis (never stop the machine's shared one on 6379). */
export interface TestRedisServer {
	port: number;
	url: string;
	/** Kills the server (SIGKILL: like a crash or a network loss). */
	stop(): Promise<void>;
	/** Starts it again on the same port (empty: nothing is persisted). */
	start(): Promise<void>;
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
		client.on('error', () => {});
		try {
			await client.connect();
			await client.ping();
			client.disconnect();
			return;
		} catch (error) {
			client.disconnect();
			if (Date.now() > deadline) throw new Error(`redis-server on ${url} did not answer: ${(error as Error).message}`);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}
}

/** Starts a throw-away `redis-server` (no persistence) on a free port. */
export async function startTestRedisServer(): Promise<TestRedisServer> {
	const port = await freePort();
	const url = `redis://127.0.0.1:${port}`;
	let child: ChildProcess | null = null;
	const start = async () => {
		child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
			stdio: 'ignore'
		});
		await waitForPing(url, 5_000);
	};
	const stop = async () => {
		const running = child;
		child = null;
		if (!running || running.exitCode !== null) return;
		await new Promise<void>((resolve) => {
			running.once('exit', () => resolve());
			running.kill('SIGKILL');
		});
	};
	await start();
	return { port, url, start, stop };
}
