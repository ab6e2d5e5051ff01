import type { EntityManager } from '@mikro-orm/postgresql';
import { levelProgress } from './levels.js';

/**
 * Reads and admin writes of `voice_xp_member_stats` for `/rank`, `/leaderboard`, `/xp add`, `/xp reset` and tier
 * bookkeeping. The batched flush (flush.ts) is the only writer of accrued time.
 *
 * Ordering of members (issue 12, "rankings in O(log n)"): total XP descending, then user id ascending in byte order
 * (`collate "C"`). That is the order of the Redis sorted set that answers `/rank` and `/leaderboard` (lib/rankings.ts:
 * score = −total XP, ties in member byte order), so these PostgreSQL queries, its fallback and its rebuild source,
 * give the same answers. For snowflakes of the same length byte order is numeric order; a shorter (older) id with the
 * same XP may come after a longer one. Voice time no longer breaks ties (issue 4 did): a double score cannot hold it.
 */

/** A member's stored standing. */
export interface MemberStats {
	guildId: string;
	userId: string;
	/** Whole XP (≥ 0). */
	totalXp: number;
	/** Level ({@link levelProgress}). */
	level: number;
	/** Whole XP into `level`. */
	xpIntoLevel: number;
	/** Whole XP needed to go from `level` to the next. */
	xpForNextLevel: number;
	/** Total eligible voice time, whole seconds. */
	voiceSeconds: number;
	/** The tier role the bot last gave, or null. */
	tierRoleId: string | null;
	/** XP units below one XP carried to the next flush (XP·ms/minute, 0 ≤ xpCarry < 60,000; accrual.ts). */
	xpCarry: number;
	/** Milliseconds below one second carried to the next flush (0 ≤ msCarry < 1,000). */
	msCarry: number;
}

/** Our own bound on one `/xp add`: ±1,000,000,000 XP keeps every total far inside exact integer range. */
export const MAX_XP_ADJUSTMENT = 1_000_000_000;

/**
 * The voice time an amount of XP is worth at a rate: `amountXp / xpPerMinute` minutes, in whole seconds (rounded
 * half away from zero, sign kept). `/xp add` moves voice time by this much so the member's tier follows their XP.
 *
 * @param amountXp whole XP (negative allowed)
 * @param xpPerMinute the guild's rate, XP per eligible minute (integer ≥ 1)
 * @throws RangeError when `xpPerMinute` is not a positive integer
 */
export function voiceSecondsForXp(amountXp: number, xpPerMinute: number): number {
	if (!Number.isSafeInteger(xpPerMinute) || xpPerMinute < 1) throw new RangeError(`xpPerMinute must be a positive integer, got ${xpPerMinute}`);
	const seconds = Math.round((Math.abs(amountXp) * 60) / xpPerMinute);
	return amountXp < 0 ? -seconds : seconds;
}

/** Leaderboard page size (issue 4: "ten a page"). */
export const LEADERBOARD_PAGE_SIZE = 10;

/** A `voice_xp_member_stats` row as the driver returns it (bigint columns may come back as strings). */
export interface MemberStatsRow {
	guild_id: string;
	user_id: string;
	total_xp: string | number;
	level: number;
	xp_into_level: string | number;
	voice_seconds: string | number;
	tier_role_id: string | null;
	xp_carry: number;
	ms_carry: number;
}

/** The plugin's table (entities/VoiceMemberStats.ts). */
export const MEMBER_STATS_TABLE = 'voice_xp_member_stats';
const COLUMNS = 'guild_id, user_id, total_xp, level, xp_into_level, voice_seconds, tier_role_id, xp_carry, ms_carry';
/** The leaderboard order as SQL (see the module description). */
const ORDER = 'total_xp desc, user_id collate "C" asc';

function toStats(row: MemberStatsRow): MemberStats {
	const totalXp = Number(row.total_xp);
	return {
		guildId: row.guild_id,
		userId: row.user_id,
		totalXp,
		level: Number(row.level),
		xpIntoLevel: Number(row.xp_into_level),
		xpForNextLevel: levelProgress(totalXp).xpForNextLevel,
		voiceSeconds: Number(row.voice_seconds),
		tierRoleId: row.tier_role_id,
		xpCarry: Number(row.xp_carry),
		msCarry: Number(row.ms_carry)
	};
}

/** A member's stored stats, or null when they have never earned in this guild. */
export async function getMemberStats(em: EntityManager, guildId: string, userId: string): Promise<MemberStats | null> {
	const rows = await em.execute<MemberStatsRow[]>(`select ${COLUMNS} from ${MEMBER_STATS_TABLE} where guild_id = ? and user_id = ?`, [guildId, userId], 'all');
	return rows[0] === undefined ? null : toStats(rows[0]);
}

/**
 * Stored stats of the given members (a leaderboard page read from Redis), in the order of `userIds`; members without
 * a row are left out. One query by primary key.
 */
export async function getMembersStats(em: EntityManager, guildId: string, userIds: readonly string[]): Promise<MemberStats[]> {
	if (userIds.length === 0) return [];
	const rows = await em.execute<MemberStatsRow[]>(
		`select ${COLUMNS} from ${MEMBER_STATS_TABLE} where guild_id = ? and user_id in (${userIds.map(() => '?').join(', ')})`,
		[guildId, ...userIds],
		'all'
	);
	const byId = new Map(rows.map((row) => [row.user_id, toStats(row)]));
	return userIds.flatMap((userId) => byId.get(userId) ?? []);
}

/** The result of an admin change: the stats before (null when the member had no row) and after. */
export interface StatsChange {
	before: MemberStats | null;
	after: MemberStats;
}

/**
 * `/xp add`: adds `amountXp` (negative allowed) to a member's total XP, clamping the total at 0, and stores the
 * recomputed level and XP into level. With `voiceSecondsDelta`, the member's voice time moves too (clamped at 0):
 * the plugin passes the time the amount is worth at the guild's rate ({@link voiceSecondsForXp}), so that XP and voice
 * time, and so the tier, stay consistent. Carries and the accrual watermark are unchanged. Row-locked in a
 * transaction, so it composes with concurrent flushes.
 *
 * @param amountXp whole XP, −{@link MAX_XP_ADJUSTMENT} … {@link MAX_XP_ADJUSTMENT}
 * @param voiceSecondsDelta whole seconds to add to the voice time (negative allowed), default 0
 * @throws RangeError when `amountXp` is not an integer in that range, or `voiceSecondsDelta` not a safe integer
 */
export async function adjustMemberXp(
	em: EntityManager,
	guildId: string,
	userId: string,
	amountXp: number,
	voiceSecondsDelta = 0
): Promise<StatsChange> {
	if (!Number.isSafeInteger(amountXp) || Math.abs(amountXp) > MAX_XP_ADJUSTMENT) {
		throw new RangeError(`amountXp must be an integer within ±${MAX_XP_ADJUSTMENT}, got ${amountXp}`);
	}
	if (!Number.isSafeInteger(voiceSecondsDelta)) throw new RangeError(`voiceSecondsDelta must be an integer, got ${voiceSecondsDelta}`);
	return em.transactional(async (tx) => {
		const current = await tx.execute<MemberStatsRow[]>(
			`select ${COLUMNS} from ${MEMBER_STATS_TABLE} where guild_id = ? and user_id = ? for update`,
			[guildId, userId],
			'all'
		);
		const before = current[0] === undefined ? null : toStats(current[0]);
		const totalXp = Math.max(0, (before?.totalXp ?? 0) + amountXp);
		const voiceSeconds = Math.max(0, (before?.voiceSeconds ?? 0) + voiceSecondsDelta);
		const { level, xpIntoLevel } = levelProgress(totalXp);
		const rows = await tx.execute<MemberStatsRow[]>(
			`insert into ${MEMBER_STATS_TABLE} (guild_id, user_id, total_xp, level, xp_into_level, voice_seconds, updated_at) values (?, ?, ?, ?, ?, ?, now())
			on conflict (guild_id, user_id) do update
				set total_xp = excluded.total_xp, level = excluded.level, xp_into_level = excluded.xp_into_level,
					voice_seconds = excluded.voice_seconds, updated_at = now()
			returning ${COLUMNS}`,
			[guildId, userId, totalXp, level, xpIntoLevel, voiceSeconds],
			'all'
		);
		return { before, after: toStats(rows[0]!) };
	});
}

/**
 * `/xp reset`: sets a member's XP, level and voice time (and their carries) to zero. The accrual watermark is kept, so
 * time counted before the reset is never added again; `tierRoleId` is kept until the caller has removed the roles
 * and calls {@link setTierRoleId}. Returns null (and writes nothing) when the member has no row.
 */
export async function resetMemberStats(em: EntityManager, guildId: string, userId: string): Promise<StatsChange | null> {
	return em.transactional(async (tx) => {
		const current = await tx.execute<MemberStatsRow[]>(
			`select ${COLUMNS} from ${MEMBER_STATS_TABLE} where guild_id = ? and user_id = ? for update`,
			[guildId, userId],
			'all'
		);
		if (current[0] === undefined) return null;
		const rows = await tx.execute<MemberStatsRow[]>(
			`update ${MEMBER_STATS_TABLE} set total_xp = 0, level = 0, xp_into_level = 0, voice_seconds = 0, xp_carry = 0, ms_carry = 0, updated_at = now()
			where guild_id = ? and user_id = ? returning ${COLUMNS}`,
			[guildId, userId],
			'all'
		);
		return { before: toStats(current[0]), after: toStats(rows[0]!) };
	});
}

/** Records the tier role the bot gave a member (null after removing all tier roles). No-op when the member has no row. */
export async function setTierRoleId(em: EntityManager, guildId: string, userId: string, tierRoleId: string | null): Promise<void> {
	await em.execute(`update ${MEMBER_STATS_TABLE} set tier_role_id = ?, updated_at = now() where guild_id = ? and user_id = ?`, [tierRoleId, guildId, userId], 'run');
}

/** What a tier sweep needs of one stored member. */
export interface MemberTierRow {
	userId: string;
	/** Total eligible voice time, whole seconds. */
	voiceSeconds: number;
	/** The tier role the bot last gave, or null. */
	tierRoleId: string | null;
}

/** Rows read per page by {@link memberTierPage} (default). */
export const TIER_SWEEP_PAGE_SIZE = 500;

/**
 * One page of a guild's stored members for a tier sweep (every row, whatever their XP), in user id order (as text;
 * a stable order for paging): the rows whose user id is after `afterUserId` (null: from the start), at most `limit`.
 * Reads the primary key's order, so a sweep of a large guild is a series of index range scans.
 *
 * @param limit rows per page, 1 … 10,000 (default {@link TIER_SWEEP_PAGE_SIZE})
 * @throws RangeError when `limit` is out of range
 */
export async function memberTierPage(
	em: EntityManager,
	guildId: string,
	afterUserId: string | null,
	limit: number = TIER_SWEEP_PAGE_SIZE
): Promise<MemberTierRow[]> {
	if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000) throw new RangeError(`limit must be an integer from 1 to 10000, got ${limit}`);
	const rows = await em.execute<Pick<MemberStatsRow, 'user_id' | 'voice_seconds' | 'tier_role_id'>[]>(
		`select user_id, voice_seconds, tier_role_id from ${MEMBER_STATS_TABLE}
		where guild_id = ? and user_id > ? order by user_id asc limit ?`,
		[guildId, afterUserId ?? '', limit],
		'all'
	);
	return rows.map((row) => ({ userId: row.user_id, voiceSeconds: Number(row.voice_seconds), tierRoleId: row.tier_role_id }));
}

/**
 * A member's position in the guild's ranking (1 = first), by the order in the module description; null when the
 * member has no row or has nothing (0 XP and 0 voice time, e.g. after `/xp reset`).
 */
export async function getRankPosition(em: EntityManager, guildId: string, userId: string): Promise<number | null> {
	const rows = await em.execute<{ position: string | number | null }[]>(
		`select (
			select count(*) + 1 from ${MEMBER_STATS_TABLE} o
			where o.guild_id = m.guild_id
				and (o.total_xp > 0 or o.voice_seconds > 0)
				and (o.total_xp > m.total_xp
					or (o.total_xp = m.total_xp and o.user_id collate "C" < m.user_id collate "C"))
		) as position
		from ${MEMBER_STATS_TABLE} m
		where m.guild_id = ? and m.user_id = ? and (m.total_xp > 0 or m.voice_seconds > 0)`,
		[guildId, userId],
		'all'
	);
	return rows[0]?.position == null ? null : Number(rows[0].position);
}

/** Members of the guild who appear in the ranking: any XP or voice time (so `/rank` can say "#3 of 40"). */
export async function countRankedMembers(em: EntityManager, guildId: string): Promise<number> {
	const rows = await em.execute<{ count: string | number }[]>(
		`select count(*) as count from ${MEMBER_STATS_TABLE} where guild_id = ? and (total_xp > 0 or voice_seconds > 0)`,
		[guildId],
		'all'
	);
	return Number(rows[0]?.count ?? 0);
}

/** One page of the leaderboard. */
export interface LeaderboardPage {
	/** The page shown, 1-based (clamped to 1 … pageCount). */
	page: number;
	/** Number of pages (at least 1, even when empty). */
	pageCount: number;
	/** Members with any XP or voice time in the guild. */
	memberCount: number;
	/** The page's members with their 1-based positions. */
	entries: (MemberStats & { position: number })[];
}

/**
 * A page of the guild's leaderboard (members with any XP or voice time, in the module's order).
 *
 * @param page 1-based page number; out-of-range pages are clamped
 * @param pageSize members per page (default {@link LEADERBOARD_PAGE_SIZE})
 */
export async function getLeaderboardPage(
	em: EntityManager,
	guildId: string,
	page: number,
	pageSize: number = LEADERBOARD_PAGE_SIZE
): Promise<LeaderboardPage> {
	const memberCount = await countRankedMembers(em, guildId);
	const pageCount = Math.max(1, Math.ceil(memberCount / pageSize));
	const shown = Math.min(Math.max(1, Math.floor(Number.isFinite(page) ? page : 1)), pageCount);
	const offset = (shown - 1) * pageSize;
	const rows = await em.execute<MemberStatsRow[]>(
		`select ${COLUMNS} from ${MEMBER_STATS_TABLE} where guild_id = ? and (total_xp > 0 or voice_seconds > 0)
		order by ${ORDER} limit ? offset ?`,
		[guildId, pageSize, offset],
		'all'
	);
	return {
		page: shown,
		pageCount,
		memberCount,
		entries: rows.map((row, index) => ({ ...toStats(row), position: offset + index + 1 }))
	};
}
