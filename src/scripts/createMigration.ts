/**
 * `npm run migration:create -- [--plugin <name>] [--name <label>] [--blank]`
 *
 * Writes a migration for what changed in the entities: into src/migrations/ for the core, or into
 * src/plugins/<name>/migrations/ with --plugin. The schema is compared with a scratch database built from the existing
 * migrations (created and dropped on the server of DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres),
 * so the result does not depend on your development database. Review the file, then commit it.
 * `--help` prints the usage (exit 0); an unknown option or argument prints the problem and the usage (exit 2).
 */
import { parseArgs } from 'node:util';
import { generateMigration } from '../lib/migrations.js';
import { plugins } from '../plugins/index.js';

const USAGE = 'usage: npm run migration:create -- [--plugin <name>] [--name <label>] [--blank] [--help]';
let values: { plugin?: string; name?: string; blank: boolean; help?: boolean };
try {
	({ values } = parseArgs({
		options: { plugin: { type: 'string' }, name: { type: 'string' }, blank: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
		strict: true,
		allowPositionals: false
	}));
} catch (error) {
	console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
	process.exit(2);
}
if (values.help) {
	console.log(USAGE);
	process.exit(0);
}

try {
	const plugin = values.plugin ? plugins.find((candidate) => candidate.name === values.plugin) : null;
	if (values.plugin && !plugin) throw new Error(`No plugin "${values.plugin}" in src/plugins/index.ts (${plugins.map((p) => p.name).join(', ') || 'none'})`);
	const result = await generateMigration({
		databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
		plugins,
		plugin: plugin ?? null,
		...(values.name ? { label: values.name } : {}),
		blank: values.blank
	});
	if (!result.path) console.log('No schema changes: the entities match the migrations.');
	else console.log(`Wrote ${result.path}\n${result.up.map((statement) => `  ${statement}`).join('\n')}`);
} catch (error) {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
}
