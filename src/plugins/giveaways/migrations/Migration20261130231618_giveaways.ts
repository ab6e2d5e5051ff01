import { Migration } from '@mikro-orm/migrations';

/**
 * The giveaways plugin's tables (entities/): `giveaway` (numbered per guild; indexes for a guild's giveaways by status
 * and for the running ones' ends), `giveaway_counter` (the last number per guild, taken in the insert's transaction)
 * and `giveaway_entry` (one row per entrant, primary key (giveaway_id, user_id): a second Enter is a conflict).
 */
export class Migration20261130231618_giveaways extends Migration {

	override name = 'Migration20261130231618_giveaways';

	override up(): void | Promise<void> {
		this.addSql(`create table "giveaway" ("id" bigserial primary key, "guild_id" varchar(20) not null, "number" int not null, "channel_id" varchar(20) not null, "message_id" varchar(20) null, "host_id" varchar(20) not null, "prize" text not null, "description" text null, "winner_count" int not null, "status" text not null, "created_at" timestamptz not null, "ends_at" timestamptz not null, "remaining_ms" bigint null, "requirements" jsonb not null, "bonus" jsonb not null, "claim_seconds" int null, "secret" varchar(64) not null, "commitment" varchar(64) not null, "entries_hash" varchar(64) null, "ended_at" timestamptz null, "rounds" jsonb not null, "claims" jsonb not null, "announced_at" timestamptz null, "announcement_message_id" varchar(20) null);`);
		this.addSql(`create index "giveaway_guild_status_index" on "giveaway" ("guild_id", "status");`);
		this.addSql(`create index "giveaway_running_ends_index" on "giveaway" ("ends_at") where status = 'running';`);
		this.addSql(`alter table "giveaway" add constraint "giveaway_guild_number_unique" unique ("guild_id", "number");`);

		this.addSql(`create table "giveaway_counter" ("guild_id" varchar(20) not null, "last" int not null default 0, primary key ("guild_id"));`);

		this.addSql(`create table "giveaway_entry" ("giveaway_id" bigint not null, "user_id" varchar(20) not null, "weight" smallint not null, "created_at" timestamptz not null, primary key ("giveaway_id", "user_id"));`);

		this.addSql(`alter table "giveaway" add constraint "giveaway_status_check" check ("status" in ('running', 'paused', 'ended', 'cancelled'));`);
	}

	override down(): void | Promise<void> {
		this.addSql(`drop table if exists "giveaway" cascade;`);
		this.addSql(`drop table if exists "giveaway_counter" cascade;`);
		this.addSql(`drop table if exists "giveaway_entry" cascade;`);
	}

}
