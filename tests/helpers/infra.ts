import { randomBytes } from 'node:crypto';
import { createDatabase, dropDatabase } from '../../src/lib/database.js';

/**
 * PostgreSQL server used by tests: `TEST_DATABASE_URL` (any database on it; only the server part is used),
 * default postgres://postgres@127.0.0.1:5432/postgres (trust auth, as on these machines and in CI).
 */
export const testDatabaseServerUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Redis used by tests: `TEST_REDIS_URL`, default redis://127.0.0.1:6379. Tests isolate themselves by key prefix. */
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A short random lowercase id, unique enough to keep parallel test files apart. */
export function uniqueId(): string {
	return `${process.pid.toString(36)}${randomBytes(4).toString('hex')}`;
}

/** A Redis key prefix of its own for one test bot: cache keys, pub/sub channels and the BullMQ queue all use it. */
export function uniqueRedisPrefix(): string {
	return `test-${uniqueId()}:`;
}

/** A fresh, empty database on the test server. `drop()` removes it (and closes its connections). */
export interface TestDatabase {
	url: string;
	name: string;
	drop(): Promise<void>;
}

/** Creates a uniquely named database `bot_test_<id>` on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
	const name = `bot_test_${uniqueId()}`;
	const url = new URL(testDatabaseServerUrl);
	url.pathname = `/${name}`;
	const databaseUrl = url.toString();
	await createDatabase(databaseUrl);
	return { url: databaseUrl, name, drop: () => dropDatabase(databaseUrl) };
}
