import { createDatabase, dropDatabase } from '../../src/lib/database.js';
import { testDatabaseServerUrl, uniqueId } from '../../tools/infra.js';

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
