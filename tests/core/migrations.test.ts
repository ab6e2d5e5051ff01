/**
 * Migrations: the committed ones match the entities, and the generator writes a plugin's migration into the plugin's
 * own folder (a plugin is one folder), which the bot then applies at start-up.
 */
import { defineEntity, p } from '@mikro-orm/core';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createOrm, discoverMigrations, migrationDirectories, runMigrations } from '../../src/lib/database.js';
import { generateMigration } from '../../src/lib/migrations.js';
import { definePlugin } from '../../src/lib/plugins/definePlugin.js';
import { plugins } from '../../src/plugins/index.js';
import { createTestDatabase } from '../helpers/infra.js';
import { testDatabaseServerUrl, uniqueId } from '../../tools/infra.js';

const scratchPlugin = join(import.meta.dirname, '..', 'fixtures', `.generated-${uniqueId()}`);

afterAll(() => {
	rmSync(scratchPlugin, { recursive: true, force: true });
});

describe('migrations', () => {
	it('the committed migrations build exactly the schema of the entities (core and plugins)', async () => {
		const result = await generateMigration({ databaseUrl: testDatabaseServerUrl, plugins, plugin: null });
		expect(result).toEqual({ path: null, up: [] });
		const names = (await discoverMigrations(migrationDirectories(plugins))).map((migration) => migration.name);
		expect(names[0]).toBe('Migration20261121000000_core_guild_settings');
		expect([...names].sort()).toEqual(names);
	});

	it("writes a plugin's migration into the plugin folder, applied with the core's", async () => {
		mkdirSync(scratchPlugin, { recursive: true });
		const Tally = defineEntity({
			name: 'ScratchTally',
			tableName: 'scratch_tally',
			properties: { guildId: p.string().length(20).primary(), count: p.integer().default(0) }
		});
		const plugin = definePlugin({
			name: 'scratch-tally',
			configSchema: z.object({}),
			entities: [Tally],
			enabledByDefault: false,
			directory: scratchPlugin,
			intents: [],
			permissions: []
		});
		const generated = await generateMigration({ databaseUrl: testDatabaseServerUrl, plugins: [plugin], plugin, label: 'init' });
		expect(generated.path).toMatch(/\/migrations\/Migration\d{14}_scratch_tally_init\.ts$/);
		expect(generated.up).toEqual([
			'create table "scratch_tally" ("guild_id" varchar(20) not null, "count" int not null default 0, primary key ("guild_id"));'
		]);
		expect(readdirSync(join(scratchPlugin, 'migrations'))).toHaveLength(1);
		expect(readFileSync(generated.path!, 'utf8')).toMatch(/^\toverride up\(\)/m);

		const database = await createTestDatabase();
		try {
			const orm = await createOrm({ databaseUrl: database.url, plugins: [plugin] });
			try {
				const applied = await runMigrations(orm);
				expect(applied).toEqual(['Migration20261121000000_core_guild_settings', expect.stringMatching(/_scratch_tally_init$/)]);
				await orm.em.fork().getConnection().execute(`insert into scratch_tally (guild_id) values ('1')`);
			} finally {
				await orm.close(true);
			}
		} finally {
			await database.drop();
		}
		expect(await generateMigration({ databaseUrl: testDatabaseServerUrl, plugins: [plugin], plugin })).toEqual({ path: null, up: [] });
	});
});
