import type { EntityManager } from '@mikro-orm/postgresql';
import type { TicketService } from './TicketService.js';

/**
 * `/tickets stats [period]` (issue 10) in SQL: a guild's tickets opened in a period, aggregated by PostgreSQL
 * (`count`, `avg`, `percentile_cont`) over the range of the `ticket_guild_created_index` index (guild, created_at), so
 * no ticket row is loaded into the bot's memory whatever their number; the tickets open now are counted over the
 * partial `ticket_guild_open_index`. Times are ms.
 *
 * Everything but "open now" is about the tickets **opened in the period**: how many of them are closed, how long they
 * waited for a first staff answer (`first_staff_reply_at - created_at`) and to be closed (`closed_at - created_at`),
 * their ratings. A ticket opened before the period and closed in it is not counted (the index is by creation time).
 */

/** Aggregates of a set of tickets. Medians are ms (PostgreSQL's `percentile_cont(0.5)`: the mean of the two middle values for an even count); null when no ticket has the time. */
export interface TicketAggregates {
	/** Tickets opened in the period. */
	opened: number;
	/** Of those, how many are closed now. */
	closed: number;
	medianFirstReplyMs: number | null;
	medianCloseMs: number | null;
	/** Mean of the ratings given (1 to 5), null when none; `ratings` is how many. */
	averageRating: number | null;
	ratings: number;
}

/** The stats of one ticket type: its aggregates and its tickets open now (whenever opened). */
export interface TypeStats extends TicketAggregates {
	typeId: string;
	openNow: number;
}

/** The stats of one staff member: the tickets opened in the period that they claimed. */
export interface StaffStats extends TicketAggregates {
	userId: string;
}

/** What `/tickets stats` shows. */
export interface TicketStats {
	/** Start and end of the period, ms (bot clock). */
	since: number;
	until: number;
	/** Tickets open now (status `opening` or `open`), whenever opened. */
	openNow: number;
	total: TicketAggregates;
	/** Per type, types with tickets opened in the period or open now, by tickets opened (most first). */
	perType: TypeStats[];
	/** Per claimer, by tickets claimed (most first), at most {@link STAFF_ROWS}. */
	perStaff: StaffStats[];
}

/** Most staff members listed. */
export const STAFF_ROWS = 15;

interface AggregateRow {
	opened: string | number;
	closed: string | number;
	first_reply: string | number | null;
	to_close: string | number | null;
	rating: string | number | null;
	ratings: string | number;
}

/** The aggregate columns, over the rows of `ticket` selected by the query's where clause. */
const AGGREGATES = `
	count(*) as opened,
	count(*) filter (where status = 'closed') as closed,
	percentile_cont(0.5) within group (order by extract(epoch from first_staff_reply_at - created_at) * 1000) filter (where first_staff_reply_at is not null) as first_reply,
	percentile_cont(0.5) within group (order by extract(epoch from closed_at - created_at) * 1000) filter (where closed_at is not null) as to_close,
	avg(rating) as rating,
	count(rating) as ratings`;

const num = (value: string | number | null): number | null => (value === null ? null : Number(value));

function toAggregates(row: AggregateRow | undefined): TicketAggregates {
	return {
		opened: Number(row?.opened ?? 0),
		closed: Number(row?.closed ?? 0),
		medianFirstReplyMs: num(row?.first_reply ?? null),
		medianCloseMs: num(row?.to_close ?? null),
		averageRating: num(row?.rating ?? null),
		ratings: Number(row?.ratings ?? 0)
	};
}

/**
 * A guild's ticket stats for the tickets opened in `[since, until)` (four aggregate queries, no rows read into memory).
 * @param since start of the period, ms.
 * @param until end of the period, ms (the bot clock's now).
 */
export async function ticketStats(service: TicketService, guildId: string, since: number, until: number): Promise<TicketStats> {
	return queryTicketStats(service.ctx.em(), guildId, since, until);
}

/** {@link ticketStats} on an entity manager (tests, scripts). */
export async function queryTicketStats(em: EntityManager, guildId: string, since: number, until: number): Promise<TicketStats> {
	const range = [guildId, new Date(since), new Date(until)];
	const inPeriod = 'from ticket where guild_id = ? and created_at >= ? and created_at < ?';
	const total = await em.execute<AggregateRow[]>(`select ${AGGREGATES} ${inPeriod}`, range, 'all');
	const byType = await em.execute<(AggregateRow & { type_id: string })[]>(`select type_id, ${AGGREGATES} ${inPeriod} group by type_id`, range, 'all');
	const byStaff = await em.execute<(AggregateRow & { claimer_id: string })[]>(
		`select claimer_id, ${AGGREGATES} ${inPeriod} and claimer_id is not null group by claimer_id order by count(*) desc, claimer_id limit ?`,
		[...range, STAFF_ROWS],
		'all'
	);
	const openRows = await em.execute<{ type_id: string; open: string | number }[]>(
		`select type_id, count(*) as open from ticket where guild_id = ? and status in ('opening', 'open') group by type_id`,
		[guildId],
		'all'
	);
	const openByType = new Map(openRows.map((row) => [row.type_id, Number(row.open)]));
	const perType = new Map<string, TypeStats>();
	for (const row of byType) perType.set(row.type_id, { typeId: row.type_id, openNow: openByType.get(row.type_id) ?? 0, ...toAggregates(row) });
	for (const [typeId, openNow] of openByType) if (!perType.has(typeId)) perType.set(typeId, { typeId, openNow, ...toAggregates(undefined) });
	return {
		since,
		until,
		openNow: [...openByType.values()].reduce((sum, count) => sum + count, 0),
		total: toAggregates(total[0]),
		perType: [...perType.values()].sort((a, b) => b.opened - a.opened || b.openNow - a.openNow || a.typeId.localeCompare(b.typeId)),
		perStaff: byStaff.map((row) => ({ userId: row.claimer_id, ...toAggregates(row) }))
	};
}

/**
 * How many tickets of a type are open (status `opening` or `open`) in a guild: one count over the partial index
 * `ticket_guild_open_index`. `/tickets type remove` refuses while there are any.
 */
export async function openTicketsOfType(em: EntityManager, guildId: string, typeId: string): Promise<number> {
	const rows = await em.execute<{ open: string | number }[]>(
		`select count(*) as open from ticket where guild_id = ? and type_id = ? and status in ('opening', 'open')`,
		[guildId, typeId],
		'all'
	);
	return Number(rows[0]?.open ?? 0);
}
