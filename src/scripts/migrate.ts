/**
 * `npm run migrate`: applies every pending migration (core and plugins) to DATABASE_URL, then exits. The bot also
 * does this at start-up; this script is for running it alone (a release step, a fresh database).
 * Exit code 0 when up to date, 1 on error (the message names the problem); `--help` prints the usage (exit 0), an
 * unknown option or argument prints the problem and the usage (exit 2).
 */
import { parseArgs } from 'node:util';
import { createOrm, runMigrations } from '../lib/database.js';
import { parseDatabaseEnv } from '../lib/env.js';
import { plugins } from '../plugins/index.js';

const USAGE = 'usage: npm run migrate [-- --help]   (after npm run build; applies pending migrations to DATABASE_URL)';
try {
	if (parseArgs({ options: { help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values.help) {
		console.log(USAGE);
		process.exit(0);
	}
} catch (error) {
	console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
	process.exit(2);
}

try {
	const { DATABASE_URL } = parseDatabaseEnv();
	const orm = await createOrm({ databaseUrl: DATABASE_URL, plugins });
	try {
		const applied = await runMigrations(orm);
		console.log(applied.length ? `Applied ${applied.length} migration(s):\n${applied.map((name) => `  ${name}`).join('\n')}` : 'The database is up to date.');
	} finally {
		await orm.close();
	}
} catch (error) {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
}
