import { Migration, Migrator } from '@mikro-orm/migrations';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import type { EntitySchema, MigrationObject } from '@mikro-orm/core';
import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GuildSettings } from '../entities/GuildSettings.js';
import type { AnyPluginManifest } from './plugins/definePlugin.js';
import { coreMigrationsDirectory } from './paths.js';

/** The ORM type of the bot (PostgreSQL driver). */
export type BotOrm = MikroORM;

/** File names of migrations: `Migration<yyyyMMddHHmmss>[_name].ts|js` (MikroORM's default naming). */
const MIGRATION_FILE = /^Migration\d{14}[\w-]*\.(?:ts|js|mjs)$/;

/** Source runs (tsx, vitest) load `.ts` migrations; the build loads `.js`. Decided by this very file's extension. */
const runningFromSource = import.meta.url.endsWith('.ts');

/** The folders migrations are read from: the core's, then each plugin's `migrations/`. */
export function migrationDirectories(plugins: readonly AnyPluginManifest[]): string[] {
	return [coreMigrationsDirectory, ...plugins.map((plugin) => join(plugin.directory, 'migrations'))];
}

/**
 * Finds and imports every migration of the core and the given plugins, ordered by name (their timestamps).
 * The name of a migration is its file name without extension, identical in `src/` and `dist/`, so a database migrated
 * from one is up to date for the other.
 * @throws Error when a migration file exports no Migration class, or two folders hold migrations of the same name.
 */
export async function discoverMigrations(directories: readonly string[]): Promise<MigrationObject[]> {
	const found = new Map<string, MigrationObject>();
	for (const directory of directories) {
		let files: string[];
		try {
			files = await readdir(directory);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
			throw error;
		}
		for (const file of files.sort()) {
			if (!MIGRATION_FILE.test(file) || file.endsWith('.d.ts')) continue;
			const extension = extname(file);
			if (runningFromSource ? extension !== '.ts' : extension === '.ts') continue;
			const name = basename(file, extension);
			if (found.has(name)) throw new Error(`Two migrations are named ${name} (second one in ${directory})`);
			const module = (await import(pathToFileURL(join(directory, file)).href)) as Record<string, unknown>;
			const migrationClass = Object.values(module).find(
				(value): value is new (...args: any[]) => Migration => typeof value === 'function' && value.prototype instanceof Migration
			);
			if (!migrationClass) throw new Error(`${join(directory, file)} exports no Migration class`);
			found.set(name, { name, class: migrationClass });
		}
	}
	return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Options of {@link createOrm}. */
export interface CreateOrmOptions {
	/** `postgres://user[:password]@host:port/database`. */
	databaseUrl: string;
	/** Plugins whose entities and migrations join the core's. */
	plugins: readonly AnyPluginManifest[];
	/** Receives MikroORM's own log lines (queries when `debug`). */
	log?: (message: string) => void;
	/** Log every query (development). */
	debug?: boolean;
	/** Connection pool size (default 10). */
	poolSize?: number;
}

/** Every entity of the core and the given plugins. */
export function collectEntities(plugins: readonly AnyPluginManifest[]): EntitySchema<any, any>[] {
	return [GuildSettings, ...plugins.flatMap((plugin) => plugin.entities)];
}

/**
 * Builds the MikroORM options of the bot: PostgreSQL, explicit entities, the migrator with the discovered migrations
 * (no snapshot file: new migrations are diffed against a scratch database, see src/scripts/createMigration.ts).
 * `dynamicImportProvider` keeps vitest from loading entities twice (docs/stack-notes.md, "MikroORM 7").
 */
export async function buildOrmOptions(options: CreateOrmOptions): Promise<Options> {
	const migrationsList = await discoverMigrations(migrationDirectories(options.plugins));
	return {
		clientUrl: options.databaseUrl,
		entities: collectEntities(options.plugins),
		extensions: [Migrator],
		discovery: { warnWhenNoEntities: false },
		migrations: {
			migrationsList,
			snapshot: false,
			transactional: true,
			allOrNothing: true,
			silent: true,
			emit: 'ts'
		},
		pool: { max: options.poolSize ?? 10 },
		debug: options.debug ?? false,
		logger: options.log ?? (() => {}),
		ensureDatabase: false,
		dynamicImportProvider: (id: string) => import(id)
	};
}

/**
 * Connects the ORM. Does not migrate: call {@link runMigrations}.
 * @throws when PostgreSQL cannot be reached or the entities are inconsistent.
 */
export async function createOrm(options: CreateOrmOptions): Promise<BotOrm> {
	return MikroORM.init(await buildOrmOptions(options));
}

/**
 * Applies every pending migration (core's and plugins'), in one transaction.
 * @returns the names of the migrations applied now (empty when up to date).
 */
export async function runMigrations(orm: BotOrm): Promise<string[]> {
	const applied = await orm.migrator.up();
	return applied.map((migration) => migration.name);
}

/** Splits a PostgreSQL URL into the URL of the server's `postgres` database and the database name. */
function splitDatabaseUrl(databaseUrl: string): { adminUrl: string; database: string } {
	const url = new URL(databaseUrl);
	const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
	url.pathname = '/postgres';
	return { adminUrl: url.toString(), database };
}

/** Opens a short-lived connection to the server's `postgres` database for CREATE/DROP DATABASE. */
async function withAdminConnection<T>(databaseUrl: string, run: (orm: BotOrm, database: string) => Promise<T>): Promise<T> {
	const { adminUrl, database } = splitDatabaseUrl(databaseUrl);
	if (!/^\w+$/.test(database)) throw new Error(`Invalid database name "${database}"`);
	const orm = await MikroORM.init({
		clientUrl: adminUrl,
		entities: [],
		discovery: { warnWhenNoEntities: false },
		ensureDatabase: false,
		pool: { min: 0, max: 1 },
		logger: () => {}
	});
	try {
		return await run(orm, database);
	} finally {
		await orm.close(true);
	}
}

/**
 * Creates a database on the server of `databaseUrl` (tests, the migration generator's scratch database).
 * @param databaseUrl URL naming the database to create. Name: letters, digits and `_` only.
 * @throws when the name is invalid or the database exists.
 */
export async function createDatabase(databaseUrl: string): Promise<void> {
	await withAdminConnection(databaseUrl, (orm, database) => orm.em.getConnection().execute(`create database "${database}"`, [], 'run'));
}

/** Drops a database created by {@link createDatabase}, closing its other connections first. No error if it is gone. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
	await withAdminConnection(databaseUrl, (orm, database) =>
		orm.em.getConnection().execute(`drop database if exists "${database}" with (force)`, [], 'run')
	);
}
