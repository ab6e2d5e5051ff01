import { Migration } from '@mikro-orm/migrations';

/**
 * The voice XP plugin's table `voice_xp_member_stats` (entities/VoiceMemberStats.ts), with the storage tuning the
 * entity cannot declare: fillfactor 50, so the flush's row updates stay HOT (the entity's
 * `VOICE_MEMBER_STATS_TUNING_SQL`, written out here so this migration never changes after it ran).
 */
export class Migration20261121204346_voice_xp_member_stats extends Migration {
	override name = 'Migration20261121204346_voice_xp_member_stats';

	override up(): void | Promise<void> {
		this.addSql(
			`create table "voice_xp_member_stats" ("guild_id" varchar(20) not null, "user_id" varchar(20) not null, "total_xp" bigint not null default '0', "level" int not null default 0, "xp_into_level" bigint not null default '0', "voice_seconds" bigint not null default '0', "xp_carry" int not null default 0, "ms_carry" int not null default 0, "accrued_from" bigint not null default '0', "accrued_until" bigint not null default '0', "tier_role_id" varchar(20) null, "updated_at" timestamptz not null default now(), primary key ("guild_id", "user_id"));`
		);
		this.addSql(`alter table "voice_xp_member_stats" set (fillfactor = 50);`);
	}

	override down(): void | Promise<void> {
		this.addSql(`drop table if exists "voice_xp_member_stats" cascade;`);
	}
}
