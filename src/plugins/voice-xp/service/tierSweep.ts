import type { EntityManager } from '@mikro-orm/postgresql';
import { DiscordAPIError, RESTJSONErrorCodes, type Client, type Guild } from 'discord.js';
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

/**
 * Brings every stored member of a guild to exactly the highest tier their stored voice time reaches (the rule and the
 * role changes are effects.ts `syncTierRoles`, the same as after a flush), and removes tier roles the bot gave that are
 * no longer tiers. Members whose stored tier is already the one they reach are not fetched. A member who left is
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
	const base = { guild, tiers, em: deps.em, logger, t, firstBlock: () => false };
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
