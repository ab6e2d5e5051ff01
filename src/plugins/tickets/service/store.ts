import type { EntityManager } from '@mikro-orm/postgresql';
import type { TicketAnswer, TicketMode, TicketStatus } from '../entities/Ticket.js';

/**
 * The tickets' tables in SQL (entities/): tickets numbered per guild, one row per channel or thread. Every function
 * takes the entity manager of the caller's unit of work (a transaction where the caller needs one). Times are ms since
 * the epoch on the bot clock.
 */

/** A ticket as the service uses it. */
export interface TicketRecord {
	id: number;
	guildId: string;
	number: number;
	typeId: string;
	mode: TicketMode;
	status: TicketStatus;
	channelId: string | null;
	parentId: string | null;
	openerId: string;
	claimerId: string | null;
	answers: TicketAnswer[];
	welcomeMessageId: string | null;
	createdAt: number;
	firstStaffReplyAt: number | null;
	closedAt: number | null;
	closedById: string | null;
	closeReason: string | null;
	closeRequestedAt: number | null;
	closeRequestedById: string | null;
	closeRequestReason: string | null;
	channelDeletedAt: number | null;
	transcriptUrl: string | null;
	rating: number | null;
	feedbackComment: string | null;
	feedbackAt: number | null;
}

interface TicketRow {
	id: string | number;
	guild_id: string;
	number: number;
	type_id: string;
	mode: TicketMode;
	status: TicketStatus;
	channel_id: string | null;
	parent_id: string | null;
	opener_id: string;
	claimer_id: string | null;
	answers: TicketAnswer[];
	welcome_message_id: string | null;
	created_at: Date | string;
	first_staff_reply_at: Date | string | null;
	closed_at: Date | string | null;
	closed_by_id: string | null;
	close_reason: string | null;
	close_requested_at: Date | string | null;
	close_requested_by_id: string | null;
	close_request_reason: string | null;
	channel_deleted_at: Date | string | null;
	transcript_url: string | null;
	rating: number | null;
	feedback_comment: string | null;
	feedback_at: Date | string | null;
}

const ms = (value: Date | string | null): number | null => (value === null ? null : new Date(value).getTime());

/** A `ticket` row (as returned by `select *` or `returning *`) as a {@link TicketRecord}. */
export function toTicketRecord(row: TicketRow): TicketRecord {
	return {
		id: Number(row.id),
		guildId: row.guild_id,
		number: row.number,
		typeId: row.type_id,
		mode: row.mode,
		status: row.status,
		channelId: row.channel_id,
		parentId: row.parent_id,
		openerId: row.opener_id,
		claimerId: row.claimer_id,
		answers: row.answers,
		welcomeMessageId: row.welcome_message_id,
		createdAt: ms(row.created_at)!,
		firstStaffReplyAt: ms(row.first_staff_reply_at),
		closedAt: ms(row.closed_at),
		closedById: row.closed_by_id,
		closeReason: row.close_reason,
		closeRequestedAt: ms(row.close_requested_at),
		closeRequestedById: row.close_requested_by_id,
		closeRequestReason: row.close_request_reason,
		channelDeletedAt: ms(row.channel_deleted_at),
		transcriptUrl: row.transcript_url,
		rating: row.rating,
		feedbackComment: row.feedback_comment,
		feedbackAt: ms(row.feedback_at)
	};
}

/** What a new ticket needs (the number is taken by {@link insertOpening}). */
export interface NewTicket {
	guildId: string;
	typeId: string;
	mode: TicketMode;
	parentId: string | null;
	openerId: string;
	answers: TicketAnswer[];
	/** Bot clock, ms. */
	now: number;
}

/** The limits of the ticket's type checked in the open's transaction (lib/config.ts `ticketTypeSchema`). */
export interface OpenLimits {
	maxOpenPerMember: number;
	maxOpenTotal: number | null;
	/** Seconds. */
	cooldownSeconds: number;
}

/** Why {@link insertOpening} refused: which limit, and for the cooldown when the member may open again (ms). */
export type OpenRefusal =
	| { kind: 'member-limit'; limit: number }
	| { kind: 'total-limit'; limit: number }
	| { kind: 'cooldown'; retryAt: number };

/** Thrown inside the open's transaction to roll it back (the number taken is given back). */
export class OpenRefusedError extends Error {
	public constructor(public readonly refusal: OpenRefusal) {
		super(`ticket open refused: ${refusal.kind}`);
	}
}

/**
 * Takes the guild's next number and inserts the ticket as `opening`, after checking the type's limits: open tickets of
 * the member (`maxOpenPerMember`), of the type (`maxOpenTotal`), and the member's cooldown. Call it inside a
 * transaction (`em.transactional`): the counter's row lock, taken first, serialises a guild's opens across processes,
 * so two clicks at once never both pass a limit of one; a refusal throws and rolls the number back.
 *
 * Each check is one indexed query (`ticket_guild_opener_index`, `ticket_guild_open_index`).
 * @throws OpenRefusedError when a limit refuses.
 */
export async function insertOpening(em: EntityManager, input: NewTicket, limits: OpenLimits): Promise<TicketRecord> {
	const counter = await em.execute<{ last: number }[]>(
		'insert into ticket_counter (guild_id, last) values (?, 1) on conflict (guild_id) do update set last = ticket_counter.last + 1 returning last',
		[input.guildId],
		'all'
	);
	const number = Number(counter[0]?.last);
	const refusal = await limitRefusal(em, input, limits);
	if (refusal) throw new OpenRefusedError(refusal);
	const rows = await em.execute<TicketRow[]>(
		`insert into ticket (guild_id, number, type_id, mode, status, parent_id, opener_id, answers, created_at)
		 values (?, ?, ?, ?, 'opening', ?, ?, ?, ?) returning *`,
		[input.guildId, number, input.typeId, input.mode, input.parentId, input.openerId, JSON.stringify(input.answers), new Date(input.now)],
		'all'
	);
	return toTicketRecord(rows[0]!);
}

/**
 * Which of the type's limits refuses a new ticket of `input.openerId` now, or null: open tickets (`opening` or `open`)
 * of the member and type against `maxOpenPerMember`, the member's last ticket of the type against the cooldown, open
 * tickets of the type against `maxOpenTotal`. Exact only under the counter's row lock ({@link insertOpening} calls it
 * there); outside it (the check made before the questions modal is shown) it is a preview that a click at the same
 * moment can make stale.
 */
export async function limitRefusal(em: EntityManager, input: Pick<NewTicket, 'guildId' | 'openerId' | 'typeId' | 'now'>, limits: OpenLimits): Promise<OpenRefusal | null> {
	const mine = await em.execute<{ open: string; last: Date | string | null }[]>(
		`select count(*) filter (where status in ('opening', 'open')) as open, max(created_at) as last
		 from ticket where guild_id = ? and opener_id = ? and type_id = ?`,
		[input.guildId, input.openerId, input.typeId],
		'all'
	);
	const open = Number(mine[0]?.open ?? 0);
	if (open >= limits.maxOpenPerMember) return { kind: 'member-limit', limit: limits.maxOpenPerMember };
	const last = ms(mine[0]?.last ?? null);
	if (limits.cooldownSeconds > 0 && last !== null && last + limits.cooldownSeconds * 1_000 > input.now) {
		return { kind: 'cooldown', retryAt: last + limits.cooldownSeconds * 1_000 };
	}
	if (limits.maxOpenTotal !== null) {
		const total = await em.execute<{ open: string }[]>(
			`select count(*) as open from ticket where guild_id = ? and type_id = ? and status in ('opening', 'open')`,
			[input.guildId, input.typeId],
			'all'
		);
		if (Number(total[0]?.open ?? 0) >= limits.maxOpenTotal) return { kind: 'total-limit', limit: limits.maxOpenTotal };
	}
	return null;
}

/** Marks an `opening` ticket open in its channel or thread. Returns the ticket, or null if it was not `opening`. */
export async function markOpen(em: EntityManager, id: number, channelId: string, parentId: string | null): Promise<TicketRecord | null> {
	const rows = await em.execute<TicketRow[]>(
		`update ticket set status = 'open', channel_id = ?, parent_id = ? where id = ? and status = 'opening' returning *`,
		[channelId, parentId, id],
		'all'
	);
	return rows[0] ? toTicketRecord(rows[0]) : null;
}

/** Removes an `opening` ticket whose channel could not be made (nothing half-created). True if it was removed. */
export async function removeOpening(em: EntityManager, id: number): Promise<boolean> {
	const rows = await em.execute<{ id: string }[]>(`delete from ticket where id = ? and status = 'opening' returning id`, [id], 'all');
	return rows.length > 0;
}

/** The ticket in this channel or thread, or null. One indexed read (`ticket_channel_unique`). */
export async function findByChannel(em: EntityManager, channelId: string): Promise<TicketRecord | null> {
	const rows = await em.execute<TicketRow[]>('select * from ticket where channel_id = ?', [channelId], 'all');
	return rows[0] ? toTicketRecord(rows[0]) : null;
}

/** The ticket with this number in the guild, or null. */
export async function findByNumber(em: EntityManager, guildId: string, number: number): Promise<TicketRecord | null> {
	const rows = await em.execute<TicketRow[]>('select * from ticket where guild_id = ? and number = ?', [guildId, number], 'all');
	return rows[0] ? toTicketRecord(rows[0]) : null;
}

/** The ticket with this id, or null; `forUpdate` locks its row (inside a transaction) against concurrent changes. */
export async function findById(em: EntityManager, id: number, forUpdate = false): Promise<TicketRecord | null> {
	const rows = await em.execute<TicketRow[]>(`select * from ticket where id = ?${forUpdate ? ' for update' : ''}`, [id], 'all');
	return rows[0] ? toTicketRecord(rows[0]) : null;
}

/** Columns {@link updateTicket} may set (snake_case names of `ticket`). */
export type TicketPatch = Partial<Record<Exclude<keyof TicketRow, 'id' | 'guild_id' | 'number'>, unknown>>;

/**
 * Sets columns of one ticket, optionally only while its status is one of `whenStatus` (a compare-and-set: a second
 * Close click, in any process, finds the ticket already closed). Dates may be given as Date or ms.
 * @returns the updated ticket, or null when none matched.
 */
export async function updateTicket(em: EntityManager, id: number, patch: TicketPatch, whenStatus?: readonly TicketStatus[]): Promise<TicketRecord | null> {
	const entries = Object.entries(patch);
	if (entries.length === 0) return findById(em, id);
	const sets = entries.map(([column]) => `"${column}" = ?`).join(', ');
	const values = entries.map(([column, value]) => {
		if (column === 'answers') return JSON.stringify(value);
		if (typeof value === 'number' && column.endsWith('_at')) return new Date(value);
		return value;
	});
	const statusClause = whenStatus && whenStatus.length > 0 ? ` and status in (${whenStatus.map(() => '?').join(', ')})` : '';
	const rows = await em.execute<TicketRow[]>(`update ticket set ${sets} where id = ?${statusClause} returning *`, [...values, id, ...(whenStatus ?? [])], 'all');
	return rows[0] ? toTicketRecord(rows[0]) : null;
}

/** A guild's tickets in these states (start-up reconcile, `/tickets` listings), oldest first, at most `limit`. */
export async function ticketsInStatus(em: EntityManager, guildId: string, statuses: readonly TicketStatus[], limit = 1_000): Promise<TicketRecord[]> {
	const rows = await em.execute<TicketRow[]>(
		`select * from ticket where guild_id = ? and status in (${statuses.map(() => '?').join(', ')}) order by id limit ?`,
		[guildId, ...statuses, limit],
		'all'
	);
	return rows.map(toTicketRecord);
}

/** What a compare-and-set on a ticket's claim did: whether it changed the row, and the ticket after it. */
export interface ClaimResult {
	changed: boolean;
	ticket: TicketRecord;
}

/**
 * Claims an open ticket for `claimerId` if nobody holds it (a compare-and-set: of two claims at once, in any process,
 * one changes the row). Returns whether it did and the ticket after the attempt (`claimerId` tells who holds it), or
 * null when the ticket is not open.
 */
export async function claimTicket(em: EntityManager, id: number, claimerId: string): Promise<ClaimResult | null> {
	const rows = await em.execute<TicketRow[]>(
		`update ticket set claimer_id = ? where id = ? and status = 'open' and claimer_id is null returning *`,
		[claimerId, id],
		'all'
	);
	if (rows[0]) return { changed: true, ticket: toTicketRecord(rows[0]) };
	const current = await findById(em, id);
	return current?.status === 'open' ? { changed: false, ticket: current } : null;
}

/**
 * Releases an open ticket's claim if `claimerId` still holds it (compare-and-set). Returns whether it did and the
 * ticket after the attempt, or null when the ticket is not open.
 */
export async function unclaimTicket(em: EntityManager, id: number, claimerId: string): Promise<ClaimResult | null> {
	const rows = await em.execute<TicketRow[]>(
		`update ticket set claimer_id = null where id = ? and status = 'open' and claimer_id = ? returning *`,
		[id, claimerId],
		'all'
	);
	if (rows[0]) return { changed: true, ticket: toTicketRecord(rows[0]) };
	const current = await findById(em, id);
	return current?.status === 'open' ? { changed: false, ticket: current } : null;
}

/** A member's tickets of a type that are `opening` or `open`, oldest first (named in a member-limit refusal). */
export async function openTicketsOf(em: EntityManager, guildId: string, openerId: string, typeId: string): Promise<TicketRecord[]> {
	const rows = await em.execute<TicketRow[]>(
		`select * from ticket where guild_id = ? and opener_id = ? and type_id = ? and status in ('opening', 'open') order by id limit 50`,
		[guildId, openerId, typeId],
		'all'
	);
	return rows.map(toTicketRecord);
}
