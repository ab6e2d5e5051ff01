/**
 * The local services the tests and the benchmark run against, and unique names to keep parallel runs apart.
 * (The demo has its own `DEMO_*` variables, see demo/lib/demoBot.ts.)
 */
import { randomBytes } from 'node:crypto';

/**
 * PostgreSQL server used by tests and the benchmark: `TEST_DATABASE_URL` (any database on it; only the server part
 * is used, each run creates databases of its own), default postgres://postgres@127.0.0.1:5432/postgres (trust auth,
 * as on these machines and in CI).
 */
export const testDatabaseServerUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Redis used by tests and the benchmark: `TEST_REDIS_URL`, default redis://127.0.0.1:6379. Runs isolate themselves by key prefix. */
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A short random lowercase id (base-36 pid + 8 hex characters), unique enough to keep parallel test files and runs apart. */
export function uniqueId(): string {
	return `${process.pid.toString(36)}${randomBytes(4).toString('hex')}`;
}
