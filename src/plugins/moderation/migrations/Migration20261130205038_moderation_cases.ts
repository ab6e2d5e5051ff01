import { Migration } from '@mikro-orm/migrations';

/**
 * The moderation plugin's tables (entities/): `moderation_case` (one row per case; number unique per guild; indexes for
 * a member's history, active warnings and ban state, and running temporary bans) and `moderation_case_counter` (the
 * last case number per guild, updated in the transaction that inserts a case: service/caseStore.ts `insertCase`).
 */
export class Migration20261130205038_moderation_cases extends Migration {

	override name = 'Migration20261130205038_moderation_cases';

	override up(): void | Promise<void> {
		this.addSql(`create table "moderation_case" ("id" bigserial primary key, "guild_id" varchar(20) not null, "number" int not null, "type" text not null, "target_id" varchar(20) not null, "moderator_id" varchar(20) not null, "reason" text null, "reason_history" jsonb not null, "duration_ms" bigint null, "ends_at" timestamptz null, "ended_at" timestamptz null, "created_at" timestamptz not null, "source" text not null, "triggered_by_case" int null, "mod_log_channel_id" varchar(20) null, "mod_log_message_id" varchar(20) null, "hidden" boolean not null default false, "pardoned_at" timestamptz null, "pardoned_by" varchar(20) null, "expires_at" timestamptz null);`);
		this.addSql(`create index "moderation_case_guild_target_created_index" on "moderation_case" ("guild_id", "target_id", "created_at" DESC);`);
		this.addSql(`create index "moderation_case_guild_type_target_index" on "moderation_case" ("guild_id", "type", "target_id");`);
		this.addSql(`create index "moderation_case_running_bans_index" on "moderation_case" ("ends_at") where type = 'ban' and ended_at is null and ends_at is not null and hidden = false;`);
		this.addSql(`alter table "moderation_case" add constraint "moderation_case_guild_number_unique" unique ("guild_id", "number");`);

		this.addSql(`create table "moderation_case_counter" ("guild_id" varchar(20) not null, "last" int not null default 0, primary key ("guild_id"));`);

		this.addSql(`alter table "moderation_case" add constraint "moderation_case_type_check" check ("type" in ('warn', 'timeout', 'untimeout', 'kick', 'ban', 'softban', 'unban', 'note', 'lockdown', 'unlock'));`);
		this.addSql(`alter table "moderation_case" add constraint "moderation_case_source_check" check ("source" in ('command', 'escalation', 'automod', 'external'));`);
	}

	override down(): void | Promise<void> {
		this.addSql(`drop table if exists "moderation_case" cascade;`);
		this.addSql(`drop table if exists "moderation_case_counter" cascade;`);
	}

}
