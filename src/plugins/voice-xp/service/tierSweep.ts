import type { EntityManager } from '@mikro-orm/postgresql';
import { DiscordAPIError, RESTJSONErrorCodes, Routes, type APIGuildMember, type Client, type Guild } from 'discord.js';
import type { Translate } from '../../../lib/i18n.js';
import type { BotLogger } from '../../../lib/observability/logger.js';
import type { VoiceXpConfig } from '../lib/config.js';
import { memberTierPage, TIER_SWEEP_PAGE_SIZE } from '../lib/stats.js';
import type { TierStatus } from '../lib/tiers.js';
import { describeBlocked, syncTierRoles } from './effects.js';

/**
 * The tier sweep (issue 4, "Role tiers": a member holds exactly the highest tier reached): after `/xp tiers add`,
 * `/xp tiers remove` and `/xp sync`, every stored member of the guild is brought to the rule, including members who are
 * not in voice, and the holders of a removed tier lose its role. It runs as the scheduled task `voiceXpTierSweep`
 * (tasks/voiceXpTierSweep.ts) because it can touch many members and must survive a restart; it may run in a process
 * that does not hold the guild's shard, so it reads the guild, the bot's member and each member through REST and
 * computes from the database rows.
 */

/** The scheduled task's name (its file name, tasks/voiceXpTierSweep.ts). */
export const TIER_SWEEP_TASK = 'voiceXpTierSweep';

/** The task's payload: the guild, so that the core's per-guild guard skips it where the plugin is off. */
export interface TierSweepPayload {
	guildId: string;
}

/** What {@link sweepGuildTiers} needs from the running bot. */
export interface TierSweepDeps {
	client: Client;
	/** A fresh EntityManager for one unit of work. */
	em: () => EntityManager;
	/** The guild's plugin config. */
	readConfig: (guildId: string) => Promise<VoiceXpConfig>;
	/** The translation function of the guild's language (audit log reasons). */
	translator: (guildId: string) => Promise<Translate>;
	/** Logger of the sweep (the guild is added). */
	logger: BotLogger;
	/** Rows read per page (default {@link TIER_SWEEP_PAGE_SIZE}). */
	pageSize?: number;
}

/** What one sweep did, by member. */
export interface TierSweepReport {
	/** Stored members looked at. */
	members: number;
	/** Members whose roles were changed. */
	applied: number;
	/** Members whose change was not attempted because the bot cannot manage a role involved. */
	blocked: number;
	/** Members not in the guild any more (404 Unknown Member), or whose change Discord refused (logged). */
	skipped: number;
	/** Members already right (their stored tier is the one they reach). */
	unchanged: number;
}

/** Discord answers to `GET /guilds/{id}` meaning the bot is not in the guild (any more). */
const GUILD_GONE_CODES: ReadonlySet<unknown> = new Set([RESTJSONErrorCodes.UnknownGuild, RESTJSONErrorCodes.MissingAccess]);

/**
 * The guild as Discord reports it now, through REST (`GET /guilds/{id}`, then the bot's own member), without adding it
 * to this process's cache: the process may not hold the guild's shard. Null when the bot is not in the guild.
 */
async function restGuild(client: Client, guildId: string): Promise<Guild | null> {
	try {
		const guild = await client.guilds.fetch({ guild: guildId, force: true, cache: false, withCounts: false });
		await guild.members.fetchMe();
		return guild;
	} catch (error) {
		if (error instanceof DiscordAPIError && GUILD_GONE_CODES.has(error.code)) return null;
		throw error;
	}
}

/** Members listed per REST call by {@link tierRoleHolders} (Discord's maximum for `GET /guilds/{id}/members`). */
const MEMBER_LIST_PAGE = 1_000;

/**
 * Who holds which of `roleIds` now, through REST: the guild's member list, 1,000 members per call
 * (`GET /guilds/{id}/members`, which needs the Server Members intent the plugin asks for). Only the holders are kept,
 * not the list. The bot caches no member outside voice (src/lib/caches.ts), so this is how the sweep sees a tier role
 * removed or given by hand to a member whose stored tier says nothing changed.
 * @returns roles held by user id, or null when Discord refuses the listing (403 Missing Access: the intent is not
 *   approved); the sweep then trusts the stored tier of members it would not fetch, as before.
 * @throws DiscordAPIError for any other failure (the task retries).
 */
export async function tierRoleHolders(client: Client, guildId: string, roleIds: ReadonlySet<string>): Promise<Map<string, string[]> | null> {
	const holders = new Map<string, string[]>();
	let after = '0';
	for (;;) {
		let page: APIGuildMember[];
		try {
			page = (await client.rest.get(Routes.guildMembers(guildId), { query: new URLSearchParams({ limit: String(MEMBER_LIST_PAGE), after }) })) as APIGuildMember[];
		} catch (error) {
			if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.MissingAccess) return null;
			throw error;
		}
		for (const member of page) {
			const held = member.roles.filter((roleId) => roleIds.has(roleId));
			if (held.length) holders.set(member.user.id, held);
		}
		if (page.length < MEMBER_LIST_PAGE) return holders;
		after = page[page.length - 1]!.user.id;
	}
}

/**
 * Brings every stored member of a guild to exactly the highest tier their stored voice time reaches (the rule and the
 * role changes are effects.ts `syncTierRoles`, the same as after a flush), and removes tier roles the bot gave that are
 * no longer tiers. Members whose stored tier is already the one they reach are not fetched, unless the guild's member
 * list ({@link tierRoleHolders}, listed once per sweep) shows them holding other tier roles. A member who left is
 * skipped. If the bot cannot manage a role involved (no Manage Roles, role at or above its highest role), nothing is
 * attempted for that member and the sweep logs the reasons once (one line for the sweep, not one per member).
 * The stored `tier_role_id` follows each change.
 *
 * @returns what was done, or null when the bot is not in the guild
 * @throws Error when the database or Discord fails otherwise (the task's job fails; a later sweep retries)
 */
export async function sweepGuildTiers(deps: TierSweepDeps, guildId: string): Promise<TierSweepReport | null> {
	const logger = deps.logger.child({ guildId });
	const guild = await restGuild(deps.client, guildId);
	if (!guild) {
		logger.info('Tier sweep skipped: the bot is not in the guild');
		return null;
	}
	const { tiers } = await deps.readConfig(guildId);
	const t = await deps.translator(guildId);
	const report: TierSweepReport = { members: 0, applied: 0, blocked: 0, skipped: 0, unchanged: 0 };
	const blockedReasons = new Map<string, TierStatus>();
	const holders = tiers.length ? await tierRoleHolders(deps.client, guildId, new Set(tiers.map((tier) => tier.roleId))) : null;
	if (tiers.length && !holders) logger.warn('Tier sweep: the member list could not be read (Server Members intent not approved?); tier roles changed by hand are not seen');
	const base = { guild, tiers, em: deps.em, logger, t, firstBlock: () => false, ...(holders ? { listedTierRoles: (userId: string) => holders.get(userId) ?? [] } : {}) };
	let after: string | null = null;
	for (;;) {
		const rows = await memberTierPage(deps.em(), guildId, after, deps.pageSize ?? TIER_SWEEP_PAGE_SIZE);
		if (rows.length === 0) break;
		for (const row of rows) {
			report.members++;
			const outcome = await syncTierRoles(base, row.userId, row.voiceSeconds, row.tierRoleId);
			if (outcome.kind === 'applied') report.applied++;
			else if (outcome.kind === 'skipped') report.skipped++;
			else if (outcome.kind === 'none') report.unchanged++;
			else {
				report.blocked++;
				for (const status of outcome.blocked) blockedReasons.set(status.roleId, status);
			}
		}
		after = rows[rows.length - 1]!.userId;
	}
	if (blockedReasons.size > 0) {
		logger.warn(`Tier sweep: roles of ${report.blocked} member(s) not changed: ${describeBlocked([...blockedReasons.values()])}`);
	}
	logger.info(
		`Tier sweep done: ${report.members} member(s) checked, ${report.applied} changed, ${report.unchanged} unchanged, ${report.blocked} blocked, ${report.skipped} skipped`
	);
	return report;
}
