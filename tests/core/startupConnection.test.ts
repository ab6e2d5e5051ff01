/**
 * A first start with PostgreSQL or Redis out of reach (issue 12): startBot fails with one line naming the variable,
 * the host and what failed, and the driver's stack goes to the debug log only. Closed port 127.0.0.1:1 and an unknown
 * host (.invalid never resolves); the Redis case uses a real, fresh database so that only Redis fails.
 */
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { startBot } from '../../src/lib/bot.js';
import { StartupConnectionError } from '../../src/lib/startupError.js';
import { testRedisUrl } from '../../tools/infra.js';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '../helpers/infra.js';

let database: TestDatabase | undefined;
afterAll(async () => {
	await database?.drop();
});

/** startBot's error and its log output (at debug level) with the given URLs; the bot must not start. */
async function failedStart(databaseUrl: string, redisUrl: string): Promise<{ error: Error; log: string }> {
	const stream = new PassThrough();
	let log = '';
	stream.on('data', (chunk: Buffer) => (log += chunk.toString()));
	const error = await startBot({
		env: { DISCORD_TOKEN: 'x'.repeat(40), DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, LOG_LEVEL: 'debug', DISCORD_REST_URL: 'http://127.0.0.1:1/api' },
		handleSignals: false,
		httpPort: null,
		redisPrefix: uniqueRedisPrefix(),
		logStream: stream
	}).then(
		() => {
			throw new Error('the bot started');
		},
		(failure: Error) => failure
	);
	return { error, log };
}

describe('an unreachable dependency at start-up', () => {
	it('PostgreSQL on a closed port: one line naming DATABASE_URL, the host and "connection refused"', async () => {
		const { error, log } = await failedStart('postgres://postgres:secret@127.0.0.1:1/hearth', testRedisUrl);
		expect(error).toBeInstanceOf(StartupConnectionError);
		expect(error.message).toBe('Cannot reach PostgreSQL at 127.0.0.1:1 (DATABASE_URL): connection refused (nothing listens there).');
		expect(error.message).not.toContain('secret');
		expect(log).toMatch(/PostgreSQL \(DATABASE_URL\) at start-up: .*ECONNREFUSED/);
		expect(log).toContain('    at '); // the stack, at debug level
	});

	it('PostgreSQL on an unknown host: "unknown host"', async () => {
		const { error } = await failedStart('postgres://postgres@no-such-host.invalid:5432/hearth', testRedisUrl);
		expect(error.message).toBe('Cannot reach PostgreSQL at no-such-host.invalid:5432 (DATABASE_URL): unknown host.');
	});

	it('Redis on a closed port: one line naming REDIS_URL, the host and "connection refused"', async () => {
		database = await createTestDatabase();
		const { error } = await failedStart(database.url, 'redis://127.0.0.1:1');
		expect(error).toBeInstanceOf(StartupConnectionError);
		expect(error.message).toBe('Cannot reach Redis at 127.0.0.1:1 (REDIS_URL): connection refused (nothing listens there).');
	});
});
