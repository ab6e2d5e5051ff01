import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { VOICE_MEMBER_STATS_TUNING_SQL, VoiceMemberStats } from '../../../../src/plugins/voice-xp/entities/VoiceMemberStats.js';

/** Where the tests find PostgreSQL (trust auth); override with TEST_PG_HOST / TEST_PG_PORT / TEST_PG_USER. */
const host = process.env.TEST_PG_HOST ?? '127.0.0.1';
const port = Number(process.env.TEST_PG_PORT ?? 5432);
const user = process.env.TEST_PG_USER ?? 'postgres';

/** Counts the SQL statements an ORM instance sends (MikroORM's `query` debug namespace, one log line per statement). */
export interface QueryCounter {
	count: number;
	queries: string[];
}

/** A fresh PostgreSQL database holding only the voice XP entity, and a MikroORM instance on it. */
export interface TestDatabase {
	orm: MikroORM;
	queries: QueryCounter;
	/** Closes the ORM and drops the database. */
	drop(): Promise<void>;
}

async function adminOrm(): Promise<MikroORM> {
	return MikroORM.init({
		entities: [],
		dbName: 'postgres',
		host,
		port,
		user,
		discovery: { warnWhenNoEntities: false },
		dynamicImportProvider: (id: string) => import(id)
	});
}

/**
 * Creates `voicexp_test_<random>` (so test files and other helpers' runs never collide), builds the schema of the
 * voice XP entity with `orm.schema.create()` (MikroORM 7 renamed `createSchema`) plus the entity's storage tuning, and returns an ORM whose statements are counted.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
	const dbName = `voicexp_test_${randomBytes(6).toString('hex')}`;
	const admin = await adminOrm();
	await admin.em.getConnection().execute(`create database ${dbName}`);
	const queries: QueryCounter = { count: 0, queries: [] };
	const dropDatabase = () => admin.em.getConnection().execute(`drop database if exists ${dbName} with (force)`);
	let orm: MikroORM;
	try {
		orm = await MikroORM.init({
			entities: [VoiceMemberStats],
			dbName,
			host,
			port,
			user,
			debug: ['query'],
			logger: (message: string) => {
				queries.count++;
				queries.queries.push(message);
			},
			dynamicImportProvider: (id: string) => import(id)
		});
		await orm.schema.create();
		await orm.em.getConnection().execute(VOICE_MEMBER_STATS_TUNING_SQL);
	} catch (error) {
		await dropDatabase();
		await admin.close(true);
		throw error;
	}
	queries.count = 0;
	queries.queries.length = 0;
	return {
		orm,
		queries,
		async drop() {
			await orm.close(true);
			await dropDatabase();
			await admin.close(true);
		}
	};
}
