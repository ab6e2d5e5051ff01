import { Migration } from '@mikro-orm/migrations';

/** Initial core schema: one `guild_settings` row per guild that changed a setting (see src/entities/GuildSettings.ts). */
export class Migration20261121000000_core_guild_settings extends Migration {
	override name = 'Migration20261121000000_core_guild_settings';

	override up(): void {
		this.addSql(
			`create table "guild_settings" ("guild_id" varchar(20) not null, "language" varchar(16) null, "plugins" jsonb not null, "plugin_configs" jsonb not null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("guild_id"));`
		);
	}

	override down(): void {
		this.addSql(`drop table if exists "guild_settings" cascade;`);
	}
}
