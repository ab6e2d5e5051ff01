import type { EntityManager } from '@mikro-orm/postgresql';
import type { GiveawayBonus, GiveawayClaim, GiveawayRequirements, GiveawayRound, GiveawayStatus } from '../entities/Giveaway.js';

/**
 * The giveaways' tables in SQL (entities/): giveaways numbered per guild, entries keyed by (giveaway, user). Every
 * function takes the entity manager of the caller's unit of work (a transaction where the caller needs one).
 */

/** A giveaway as the service uses it (times in ms since the epoch). */
export interface GiveawayRecord {
	id: number;
	guildId: string;
	number: number;
	channelId: string;
	messageId: string | null;
	hostId: string;
	prize: string;
	description: string | null;
	winnerCount: number;
	status: GiveawayStatus;
	createdAt: number;
	endsAt: number;
	remainingMs: number | null;
	requirements: GiveawayRequirements;
	bonus: GiveawayBonus[];
	claimSeconds: number | null;
	secret: string;
	commitment: string;
	entriesHash: string | null;
	endedAt: number | null;
	rounds: GiveawayRound[];
	claims: Record<string, GiveawayClaim>;
	announcedAt: number | null;
	announcementMessageId: string | null;
}

/** A new giveaway's fields (the number is taken by {@link insertGiveaway}). */
export type NewGiveaway = Omit<GiveawayRecord, 'id' | 'number' | 'messageId' | 'status' | 'remainingMs' | 'entriesHash' | 'endedAt' | 'rounds' | 'claims' | 'announcedAt' | 'announcementMessageId'>;

interface GiveawayRow {
	id: string | number;
	guild_id: string;
	number: number;
	channel_id: string;
	message_id: string | null;
	host_id: string;
	prize: string;
	description: string | null;
	winner_count: number;
	status: GiveawayStatus;
	created_at: Date | string;
	ends_at: Date | string;
	remaining_ms: string | number | null;
	requirements: GiveawayRequirements;
	bonus: GiveawayBonus[];
	claim_seconds: number | null;
	secret: string;
	commitment: string;
	entries_hash: string | null;
	ended_at: Date | string | null;
	rounds: GiveawayRound[];
	claims: Record<string, GiveawayClaim>;
	announced_at: Date | string | null;
	announcement_message_id: string | null;
}

const ms = (value: Date | string | null): number | null => (value === null ? null : new Date(value).getTime());

function toRecord(row: GiveawayRow): GiveawayRecord {
	return {
		id: Number(row.id),
		guildId: row.guild_id,
		number: row.number,
		channelId: row.channel_id,
		messageId: row.message_id,
		hostId: row.host_id,
		prize: row.prize,
		description: row.description,
		winnerCount: row.winner_count,
		status: row.status,
		createdAt: ms(row.created_at)!,
		endsAt: ms(row.ends_at)!,
		remainingMs: row.remaining_ms === null ? null : Number(row.remaining_ms),
		requirements: row.requirements,
		bonus: row.bonus,
		claimSeconds: row.claim_seconds,
		secret: row.secret,
		commitment: row.commitment,
		entriesHash: row.entries_hash,
		endedAt: ms(row.ended_at),
		rounds: row.rounds,
		claims: row.claims,
		announcedAt: ms(row.announced_at),
		announcementMessageId: row.announcement_message_id
	};
}

/**
 * Takes the guild's next giveaway number and inserts the giveaway (status `running`, no message yet). Must run inside
 * a transaction: the counter's upsert locks the guild's counter row until it ends, so numbers are unique across
 * processes, and a failed insert (or a failure later in the transaction) gives the number back.
 */
export async function insertGiveaway(em: EntityManager, input: NewGiveaway): Promise<GiveawayRecord> {
	const counter = await em.execute<{ last: number }[]>(
		'insert into giveaway_counter (guild_id, last) values (?, 1) on conflict (guild_id) do update set last = giveaway_counter.last + 1 returning last',
		[input.guildId],
		'all'
	);
	const number = Number(counter[0]?.last);
	const rows = await em.execute<GiveawayRow[]>(
		`insert into giveaway (guild_id, number, channel_id, host_id, prize, description, winner_count, status, created_at, ends_at, requirements, bonus, claim_seconds, secret, commitment, rounds, claims)
		 values (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, '[]', '{}') returning *`,
		[
			input.guildId,
			number,
			input.channelId,
			input.hostId,
			input.prize,
			input.description,
			input.winnerCount,
			new Date(input.createdAt),
			new Date(input.endsAt),
			JSON.stringify(input.requirements),
			JSON.stringify(input.bonus),
			input.claimSeconds,
			input.secret,
			input.commitment
		],
		'all'
	);
	return toRecord(rows[0]!);
}

/** A giveaway by guild and number, or null. `forUpdate` locks its row until the transaction ends. */
export async function findGiveaway(em: EntityManager, guildId: string, number: number, forUpdate = false): Promise<GiveawayRecord | null> {
	const rows = await em.execute<GiveawayRow[]>(`select * from giveaway where guild_id = ? and number = ?${forUpdate ? ' for update' : ''}`, [guildId, number], 'all');
	return rows[0] ? toRecord(rows[0]) : null;
}

/** The fields a change may set. */
export type GiveawayChange = Partial<Pick<GiveawayRecord, 'messageId' | 'prize' | 'winnerCount' | 'status' | 'endsAt' | 'remainingMs' | 'entriesHash' | 'endedAt' | 'rounds' | 'claims' | 'announcedAt' | 'announcementMessageId'>>;

const COLUMNS: Record<keyof GiveawayChange, string> = {
	messageId: 'message_id',
	prize: 'prize',
	winnerCount: 'winner_count',
	status: 'status',
	endsAt: 'ends_at',
	remainingMs: 'remaining_ms',
	entriesHash: 'entries_hash',
	endedAt: 'ended_at',
	rounds: 'rounds',
	claims: 'claims',
	announcedAt: 'announced_at',
	announcementMessageId: 'announcement_message_id'
};

/** Writes the given fields of a giveaway. @returns the giveaway after the change. */
export async function updateGiveaway(em: EntityManager, id: number, change: GiveawayChange): Promise<GiveawayRecord> {
	const keys = Object.keys(change) as (keyof GiveawayChange)[];
	const values = keys.map((key) => {
		const value = change[key];
		if (key === 'endsAt' || key === 'endedAt' || key === 'announcedAt') return value === null ? null : new Date(value as number);
		if (key === 'rounds' || key === 'claims') return JSON.stringify(value);
		return value;
	});
	const rows = await em.execute<GiveawayRow[]>(`update giveaway set ${keys.map((key) => `${COLUMNS[key]} = ?`).join(', ')} where id = ? returning *`, [...values, id], 'all');
	return toRecord(rows[0]!);
}

/** Deletes a giveaway that never got its message (a failed start). */
export async function deleteGiveaway(em: EntityManager, id: number): Promise<void> {
	await em.execute('delete from giveaway_entry where giveaway_id = ?', [id]);
	await em.execute('delete from giveaway where id = ?', [id]);
}

/** A guild's giveaways with these statuses, newest first, at most `limit`. */
export async function listGiveaways(em: EntityManager, guildId: string, statuses: readonly GiveawayStatus[], limit = 25): Promise<GiveawayRecord[]> {
	const rows = await em.execute<GiveawayRow[]>(`select * from giveaway where guild_id = ? and status in (${statuses.map(() => '?').join(', ')}) order by number desc limit ?`, [guildId, ...statuses, limit], 'all');
	return rows.map(toRecord);
}

/** Giveaways still running anywhere (their end jobs are re-armed at start-up). */
export async function runningGiveaways(em: EntityManager): Promise<GiveawayRecord[]> {
	return (await em.execute<GiveawayRow[]>(`select * from giveaway where status = 'running' order by ends_at`, [], 'all')).map(toRecord);
}

/** Giveaways ended but not announced (the process died between the end's commit and its announcement). */
export async function unannouncedGiveaways(em: EntityManager): Promise<GiveawayRecord[]> {
	return (await em.execute<GiveawayRow[]>(`select * from giveaway where status = 'ended' and announced_at is null`, [], 'all')).map(toRecord);
}

/** Adds an entry. @returns true when it is new, false when the member had entered already. */
export async function insertEntry(em: EntityManager, giveawayId: number, userId: string, weight: number, at: number): Promise<boolean> {
	const rows = await em.execute<{ user_id: string }[]>(
		'insert into giveaway_entry (giveaway_id, user_id, weight, created_at) values (?, ?, ?, ?) on conflict do nothing returning user_id',
		[giveawayId, userId, weight, new Date(at)],
		'all'
	);
	return rows.length === 1;
}

/**
 * Adds an entry only while the giveaway is open (running or paused), in one statement: the giveaway's row is read
 * `for share`, so an end (which takes it `for update` before reading the entries) waits for entries in flight and
 * every entry that goes in is in the draw; an entry arriving after the end finds it closed.
 * @returns `open` (the giveaway took entries) and `inserted` (the entry is new; false: the member had entered).
 */
export async function insertEntryIfOpen(em: EntityManager, giveawayId: number, userId: string, weight: number, at: number): Promise<{ open: boolean; inserted: boolean }> {
	const rows = await em.execute<{ open: string | number; inserted: string | number }[]>(
		`with open_giveaway as (select id from giveaway where id = ? and status in ('running', 'paused') for share),
		 added as (insert into giveaway_entry (giveaway_id, user_id, weight, created_at) select id, ?, ?, ? from open_giveaway on conflict do nothing returning 1)
		 select (select count(*) from open_giveaway) as open, (select count(*) from added) as inserted`,
		[giveawayId, userId, weight, new Date(at)],
		'all'
	);
	return { open: Number(rows[0]?.open) > 0, inserted: Number(rows[0]?.inserted) > 0 };
}

/** Removes an entry. @returns whether there was one. */
export async function deleteEntry(em: EntityManager, giveawayId: number, userId: string): Promise<boolean> {
	const rows = await em.execute<{ user_id: string }[]>('delete from giveaway_entry where giveaway_id = ? and user_id = ? returning user_id', [giveawayId, userId], 'all');
	return rows.length === 1;
}

/** Whether a member has entered. */
export async function hasEntry(em: EntityManager, giveawayId: number, userId: string): Promise<boolean> {
	const rows = await em.execute<{ one: number }[]>('select 1 as one from giveaway_entry where giveaway_id = ? and user_id = ?', [giveawayId, userId], 'all');
	return rows.length === 1;
}

/** How many members have entered (an index-only count over the giveaway's primary-key range). */
export async function countEntries(em: EntityManager, giveawayId: number): Promise<number> {
	const rows = await em.execute<{ count: string }[]>('select count(*) as count from giveaway_entry where giveaway_id = ?', [giveawayId], 'all');
	return Number(rows[0]?.count ?? 0);
}

/** Every entry of a giveaway (user id and weight), in no particular order (lib/draw.ts sorts them). */
export async function allEntries(em: EntityManager, giveawayId: number): Promise<{ userId: string; weight: number }[]> {
	const rows = await em.execute<{ user_id: string; weight: number }[]>('select user_id, weight from giveaway_entry where giveaway_id = ?', [giveawayId], 'all');
	return rows.map((row) => ({ userId: row.user_id, weight: Number(row.weight) }));
}
