import { createOrm, runMigrations, type BotOrm } from '../../../src/lib/database.js';
import { moderationPlugin } from '../../../src/plugins/moderation/index.js';
import { createTestDatabase } from '../../helpers/infra.js';

/** A fresh database migrated like the bot's (the core's and the moderation plugin's migrations), and ORMs on it. */
export interface ModerationTestDatabase {
	/** The first ORM (one connection pool: one process). */
	orm: BotOrm;
	/** Another ORM on the same database, with its own pool: a second bot process. */
	connect(): Promise<BotOrm>;
	/** Closes every ORM and drops the database. */
	drop(): Promise<void>;
}

/** Creates `bot_test_<id>`, applies the real migrations (so they are tested too), and connects. */
export async function createModerationDatabase(): Promise<ModerationTestDatabase> {
	const database = await createTestDatabase();
	const orms: BotOrm[] = [];
	const connect = async () => {
		const orm = await createOrm({ databaseUrl: database.url, plugins: [moderationPlugin] });
		orms.push(orm);
		return orm;
	};
	try {
		const orm = await connect();
		await runMigrations(orm);
		return {
			orm,
			connect,
			async drop() {
				for (const each of orms) await each.close(true);
				await database.drop();
			}
		};
	} catch (error) {
		for (const each of orms) await each.close(true);
		await database.drop();
		throw error;
	}
}
