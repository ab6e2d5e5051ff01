import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDatabase, createOrm, dropDatabase, runMigrations } from './database.js';
import type { AnyPluginManifest } from './plugins/definePlugin.js';
import { coreMigrationsDirectory } from './paths.js';

/** Options of {@link generateMigration}. */
export interface GenerateMigrationOptions {
	/** Any PostgreSQL URL of the server to use; a scratch database is created on it and dropped afterwards. */
	databaseUrl: string;
	/** Every plugin of the bot (their entities and existing migrations make the current schema). */
	plugins: readonly AnyPluginManifest[];
	/** The plugin the migration belongs to (written to its `migrations/` folder), or null for the core. */
	plugin: AnyPluginManifest | null;
	/** Short label appended to the file name, e.g. `add_tiers` (letters, digits, `_`). */
	label?: string;
	/** Write an empty migration to fill by hand (data migrations). */
	blank?: boolean;
}

/** What {@link generateMigration} did. */
export interface GeneratedMigration {
	/** Absolute path of the new file, or null when the entities match the migrations (nothing to do). */
	path: string | null;
	/** SQL statements of the `up` direction. */
	up: string[];
}

/**
 * Writes a migration for the difference between the entities (core and every plugin) and the schema the existing
 * migrations build. Migrations are diffed against a scratch database that has every existing migration applied, so no
 * snapshot file is needed and the result does not depend on the state of anyone's development database.
 * The file lands in `src/migrations/` (core) or `src/plugins/<name>/migrations/`, named
 * `Migration<yyyyMMddHHmmss>_<owner>[_<label>].ts`, indented with tabs.
 * @throws Error when the label has other characters than letters, digits and `_`.
 */
export async function generateMigration(options: GenerateMigrationOptions): Promise<GeneratedMigration> {
	if (options.label && !/^\w+$/.test(options.label)) throw new Error(`Migration label "${options.label}": letters, digits and _ only`);
	const owner = options.plugin ? options.plugin.name.replaceAll('-', '_') : 'core';
	const directory = options.plugin ? join(options.plugin.directory, 'migrations') : coreMigrationsDirectory;
	const scratch = new URL(options.databaseUrl);
	scratch.pathname = `/migration_scratch_${randomBytes(4).toString('hex')}`;
	await createDatabase(scratch.toString());
	try {
		const orm = await createOrm({ databaseUrl: scratch.toString(), plugins: options.plugins });
		try {
			await runMigrations(orm);
			await mkdir(directory, { recursive: true });
			const result = await orm.migrator.create(directory, options.blank ?? false, false, [owner, options.label].filter(Boolean).join('_'));
			if (!result.fileName) return { path: null, up: [] };
			const path = join(directory, result.fileName);
			const code = await readFile(path, 'utf8');
			await writeFile(path, code.replace(/^( {2})+/gm, (spaces) => '\t'.repeat(spaces.length / 2)));
			return { path, up: result.diff.up };
		} finally {
			await orm.close(true);
		}
	} finally {
		await dropDatabase(scratch.toString());
	}
}
