import { Migration } from '@mikro-orm/migrations';

/**
 * `moderation_lockdown` (entities/ModerationLockdown.ts): one row per locked channel with the @everyone overwrite it
 * had before (whether there was one, its allow and deny bits as decimal strings), the lockdown's case and end. Unique
 * per (guild, channel): a second lockdown of a locked channel is refused; a partial index on `ends_at` finds the
 * running timed lockdowns.
 */
export class Migration20261130210806_moderation_lockdowns extends Migration {

	override name = 'Migration20261130210806_moderation_lockdowns';

	override up(): void | Promise<void> {
		this.addSql(`create table "moderation_lockdown" ("id" bigserial primary key, "guild_id" varchar(20) not null, "channel_id" varchar(20) not null, "had_overwrite" boolean not null, "previous_allow" varchar(20) null, "previous_deny" varchar(20) null, "case_number" int null, "ends_at" timestamptz null, "created_at" timestamptz not null);`);
		this.addSql(`create index "moderation_lockdown_ends_at_index" on "moderation_lockdown" ("ends_at") where ends_at is not null;`);
		this.addSql(`alter table "moderation_lockdown" add constraint "moderation_lockdown_guild_channel_unique" unique ("guild_id", "channel_id");`);
	}

	override down(): void | Promise<void> {
		this.addSql(`drop table if exists "moderation_lockdown" cascade;`);
	}

}
