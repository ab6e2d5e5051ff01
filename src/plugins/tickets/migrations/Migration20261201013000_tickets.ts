import { Migration } from '@mikro-orm/migrations';

/**
 * The tickets plugin's tables (entities/): `ticket` (numbered per guild; one row per channel or thread; indexes for a
 * member's tickets of a type, a type's open tickets and a guild's tickets by time) and `ticket_counter` (the last
 * number per guild, taken in the insert's transaction).
 */
export class Migration20261201013000_tickets extends Migration {

	override name = 'Migration20261201013000_tickets';

	override up(): void | Promise<void> {
		this.addSql(`create table "ticket" ("id" bigserial primary key, "guild_id" varchar(20) not null, "number" int not null, "type_id" varchar(32) not null, "mode" text not null, "status" text not null, "channel_id" varchar(20) null, "parent_id" varchar(20) null, "opener_id" varchar(20) not null, "claimer_id" varchar(20) null, "answers" jsonb not null, "welcome_message_id" varchar(20) null, "created_at" timestamptz not null, "first_staff_reply_at" timestamptz null, "closed_at" timestamptz null, "closed_by_id" varchar(20) null, "close_reason" text null, "close_requested_at" timestamptz null, "close_requested_by_id" varchar(20) null, "close_request_reason" text null, "channel_deleted_at" timestamptz null, "transcript_url" text null, "rating" smallint null, "feedback_comment" text null, "feedback_at" timestamptz null);`);
		this.addSql(`alter table "ticket" add constraint "ticket_guild_number_unique" unique ("guild_id", "number");`);
		this.addSql(`alter table "ticket" add constraint "ticket_channel_unique" unique ("channel_id");`);
		this.addSql(`create index "ticket_guild_opener_index" on "ticket" ("guild_id", "opener_id", "type_id", "created_at");`);
		this.addSql(`create index "ticket_guild_open_index" on "ticket" ("guild_id", "type_id") where status in ('opening', 'open');`);
		this.addSql(`create index "ticket_guild_created_index" on "ticket" ("guild_id", "created_at");`);
		this.addSql(`alter table "ticket" add constraint "ticket_mode_check" check ("mode" in ('channel', 'thread'));`);
		this.addSql(`alter table "ticket" add constraint "ticket_status_check" check ("status" in ('opening', 'open', 'closed'));`);

		this.addSql(`create table "ticket_counter" ("guild_id" varchar(20) not null, "last" int not null default 0, primary key ("guild_id"));`);
	}

	override down(): void | Promise<void> {
		this.addSql(`drop table if exists "ticket" cascade;`);
		this.addSql(`drop table if exists "ticket_counter" cascade;`);
	}

}
