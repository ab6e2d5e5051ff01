import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ModerationCase, type CaseSource, type CaseType, type IModerationCase, type ReasonVersion } from '../entities/ModerationCase.js';

/**
 * The plugin's database access: numbering, inserts, queries and updates of `moderation_case` (entities/). Times in
 * and out are milliseconds since the epoch on the bot's clock; the rows handed out are plain {@link CaseRecord}s, not
 * MikroORM entities, so other plugins can keep them without an EntityManager.
 */

/** One case as the service hands it out (see entities/ModerationCase.ts for the meaning of each field). */
export interface CaseRecord {
	readonly guildId: string;
	/** Per-guild number, from 1, gapless. */
	readonly number: number;
	readonly type: CaseType;
	readonly targetId: string;
	readonly moderatorId: string;
	/** The current reason; null: none given. */
	readonly reason: string | null;
	/** Every version of the reason, oldest first, the current one last. */
	readonly reasonHistory: readonly ReasonVersion[];
	/** Length of a timeout, temporary ban or timed lockdown, ms; null: none or permanent. */
	readonly durationMs: number | null;
	/** When it ends (ms), null when it does not. */
	readonly endsAt: number | null;
	/** When it actually ended (ms), null while running or for cases that do not end. */
	readonly endedAt: number | null;
	readonly createdAt: number;
	readonly source: CaseSource;
	/** For `escalation` cases: the number of the warning that crossed the threshold. */
	readonly triggeredByCase: number | null;
	readonly modLogChannelId: string | null;
	readonly modLogMessageId: string | null;
	/** Deleted (`/case delete`): kept for the record, never listed nor counted. */
	readonly hidden: boolean;
	readonly pardonedAt: number | null;
	readonly pardonedBy: string | null;
	/** Warnings: when it stops counting (ms); null = never. */
	readonly expiresAt: number | null;
}

/** What {@link insertCase} stores. */
export interface NewCase {
	guildId: string;
	type: CaseType;
	targetId: string;
	moderatorId: string;
	reason: string | null;
	source: CaseSource;
	/** ms, on the bot's clock. */
	createdAt: number;
	durationMs?: number | null;
	/** ms since the epoch. */
	endsAt?: number | null;
	triggeredByCase?: number | null;
	/** ms since the epoch (warnings). */
	expiresAt?: number | null;
	/** ms since the epoch: the case is recorded as already over (a softban). */
	endedAt?: number | null;
}

/** Cases per page of a member's history (`casesOf`): 10, one embed's worth. */
export const CASES_PAGE_SIZE = 10;

const toMs = (date: Date | null | undefined): number | null => (date ? date.getTime() : null);
const toDate = (ms: number | null | undefined): Date | null => (ms === null || ms === undefined ? null : new Date(ms));

/** A row as a {@link CaseRecord}. */
export function toRecord(row: IModerationCase): CaseRecord {
	return {
		guildId: row.guildId,
		number: row.number,
		type: row.type,
		targetId: row.targetId,
		moderatorId: row.moderatorId,
		reason: row.reason ?? null,
		reasonHistory: row.reasonHistory.map((version) => ({ ...version })),
		durationMs: row.durationMs ?? null,
		endsAt: toMs(row.endsAt),
		endedAt: toMs(row.endedAt),
		createdAt: row.createdAt.getTime(),
		source: row.source,
		triggeredByCase: row.triggeredByCase ?? null,
		modLogChannelId: row.modLogChannelId ?? null,
		modLogMessageId: row.modLogMessageId ?? null,
		hidden: row.hidden,
		pardonedAt: toMs(row.pardonedAt),
		pardonedBy: row.pardonedBy ?? null,
		expiresAt: toMs(row.expiresAt)
	};
}

/**
 * Takes the guild's next case number and inserts the case with it. Must run inside a transaction (`em` from
 * `em.transactional`): the counter's upsert locks the guild's counter row until that transaction ends, so two
 * processes never get the same number, and if the insert (or anything after it in the transaction) fails the counter
 * goes back with it, so no number is skipped. Never MAX()+1, which two transactions would both compute alike.
 * @returns the stored case.
 */
export async function insertCase(em: EntityManager, input: NewCase): Promise<CaseRecord> {
	const rows = await em.execute<{ last: number | string }[]>(
		'insert into moderation_case_counter (guild_id, last) values (?, 1) on conflict (guild_id) do update set last = moderation_case_counter.last + 1 returning last',
		[input.guildId],
		'all'
	);
	const number = Number(rows[0]?.last);
	if (!Number.isSafeInteger(number) || number < 1) throw new Error(`The case counter of guild ${input.guildId} returned ${String(rows[0]?.last)}`);
	const createdAt = new Date(input.createdAt);
	const row = em.create(ModerationCase, {
		guildId: input.guildId,
		number,
		type: input.type,
		targetId: input.targetId,
		moderatorId: input.moderatorId,
		reason: input.reason,
		reasonHistory: [{ reason: input.reason, moderatorId: input.moderatorId, at: createdAt.toISOString() }],
		durationMs: input.durationMs ?? null,
		endsAt: toDate(input.endsAt),
		endedAt: toDate(input.endedAt),
		createdAt,
		source: input.source,
		triggeredByCase: input.triggeredByCase ?? null,
		modLogChannelId: null,
		modLogMessageId: null,
		hidden: false,
		pardonedAt: null,
		pardonedBy: null,
		expiresAt: toDate(input.expiresAt)
	});
	await em.flush();
	return toRecord(row);
}

/** The case with this number in the guild (hidden ones included), or null. */
export async function findCase(em: EntityManager, guildId: string, number: number): Promise<CaseRecord | null> {
	const row = await em.findOne(ModerationCase, { guildId, number });
	return row ? toRecord(row) : null;
}

/** One page of a member's history. */
export interface CasePage {
	/** Newest first. */
	readonly cases: readonly CaseRecord[];
	/** 1-based; clamped to the last page. */
	readonly page: number;
	/** At least 1. */
	readonly pageCount: number;
	/** Cases in all (hidden ones not counted). */
	readonly total: number;
}

/**
 * A member's (or channel's) cases, newest first, {@link CASES_PAGE_SIZE} a page, hidden cases left out.
 * @param page 1-based; below 1 means 1, beyond the last page means the last.
 */
export async function casesOf(em: EntityManager, guildId: string, targetId: string, page: number, pageSize = CASES_PAGE_SIZE): Promise<CasePage> {
	const where = { guildId, targetId, hidden: false };
	const total = await em.count(ModerationCase, where);
	const pageCount = Math.max(1, Math.ceil(total / pageSize));
	const current = Math.min(Math.max(1, Math.floor(Number.isFinite(page) ? page : 1)), pageCount);
	const rows = await em.find(ModerationCase, where, {
		orderBy: { createdAt: 'desc', number: 'desc' },
		limit: pageSize,
		offset: (current - 1) * pageSize
	});
	return { cases: rows.map(toRecord), page: current, pageCount, total };
}

/**
 * Warnings of a member that count at `now`: not pardoned, not hidden, not expired (`expires_at` null or after `now`;
 * decay is decided when asked, no task needed). Oldest first.
 * @param beforeNumber only warnings numbered below this one (what a new warning found when it was given).
 */
export async function activeWarnings(em: EntityManager, guildId: string, targetId: string, now: number, beforeNumber?: number): Promise<CaseRecord[]> {
	const rows = await em.find(
		ModerationCase,
		{
			guildId,
			type: 'warn',
			targetId,
			hidden: false,
			pardonedAt: null,
			$or: [{ expiresAt: null }, { expiresAt: { $gt: new Date(now) } }],
			...(beforeNumber === undefined ? {} : { number: { $lt: beforeNumber } })
		},
		{ orderBy: { number: 'asc' } }
	);
	return rows.map(toRecord);
}

/** Every warning of a member (not hidden), oldest first: the caller splits them into active and expired. */
export async function warningsOf(em: EntityManager, guildId: string, targetId: string): Promise<CaseRecord[]> {
	const rows = await em.find(ModerationCase, { guildId, type: 'warn', targetId, hidden: false }, { orderBy: { number: 'asc' } });
	return rows.map(toRecord);
}

/** The types that change whether a user is banned. */
const BAN_STATE_TYPES: CaseType[] = ['ban', 'softban', 'unban'];

/**
 * The user's newest case that changed whether they are banned (ban, softban, unban; hidden ones included: a hidden ban
 * still happened), or null. A timed unban belongs to a ban only while that ban is this case.
 */
export async function latestBanStateCase(em: EntityManager, guildId: string, targetId: string): Promise<CaseRecord | null> {
	const row = await em.findOne(ModerationCase, { guildId, targetId, type: { $in: BAN_STATE_TYPES } }, { orderBy: { number: 'desc' } });
	return row ? toRecord(row) : null;
}

/**
 * Cases of a type still running for a target: not ended, not hidden, with an end after `now` or (`openEnded`) no end
 * at all. Bans: temporary ones (`endsAt` set) and, with `openEnded`, permanent ones too.
 */
export async function runningCases(
	em: EntityManager,
	guildId: string,
	targetId: string,
	type: CaseType,
	now: number,
	options: { openEnded?: boolean } = {}
): Promise<CaseRecord[]> {
	const ends = options.openEnded ? [{ endsAt: null }, { endsAt: { $gt: new Date(now) } }] : [{ endsAt: { $gt: new Date(now) } }];
	const rows = await em.find(ModerationCase, { guildId, targetId, type, endedAt: null, hidden: false, $or: ends }, { orderBy: { number: 'asc' } });
	return rows.map(toRecord);
}

/** Temporary bans not ended yet in every guild (hidden ones left out), soonest end first, for start-up rescheduling. */
export async function runningTemporaryBans(em: EntityManager, limit: number, afterId = 0): Promise<(CaseRecord & { id: number })[]> {
	const rows = await em.find(
		ModerationCase,
		{ type: 'ban', endedAt: null, endsAt: { $ne: null }, hidden: false, id: { $gt: afterId } },
		{ orderBy: { id: 'asc' }, limit }
	);
	return rows.map((row) => ({ ...toRecord(row), id: row.id }));
}

/** Marks cases as ended at `at` (ms) where they have not ended yet. @returns how many changed. */
export async function markEnded(em: EntityManager, guildId: string, numbers: readonly number[], at: number): Promise<number> {
	if (numbers.length === 0) return 0;
	return em.nativeUpdate(ModerationCase, { guildId, number: { $in: [...numbers] }, endedAt: null }, { endedAt: new Date(at) });
}

/** Records where the case's mod-log embed is. */
export async function setModLogMessage(em: EntityManager, guildId: string, number: number, channelId: string, messageId: string): Promise<void> {
	await em.nativeUpdate(ModerationCase, { guildId, number }, { modLogChannelId: channelId, modLogMessageId: messageId });
}

/**
 * Changes a case under its row lock (`select ... for update` in a transaction), so two amendments at once both land
 * in the history. `change` gets the current row and returns the fields to set, or throws to change nothing.
 * @returns the case after the change, or null when there is no such case.
 */
export async function updateCase(
	em: EntityManager,
	guildId: string,
	number: number,
	change: (current: CaseRecord) => Partial<Pick<IModerationCase, 'reason' | 'reasonHistory' | 'hidden' | 'pardonedAt' | 'pardonedBy'>>
): Promise<CaseRecord | null> {
	return em.transactional(async (tx) => {
		const row = await tx.findOne(ModerationCase, { guildId, number }, { lockMode: LockMode.PESSIMISTIC_WRITE });
		if (!row) return null;
		const patch = change(toRecord(row));
		tx.assign(row, patch);
		await tx.flush();
		return toRecord(row);
	});
}
