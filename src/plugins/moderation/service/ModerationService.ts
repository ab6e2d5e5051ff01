import type { EntityManager } from '@mikro-orm/postgresql';
import { UserError } from '@sapphire/framework';
import { PermissionFlagsBits, RESTJSONErrorCodes, type Guild, type GuildMember, type PermissionsString } from 'discord.js';
import type { Counter } from 'prom-client';
import { translatedUserError } from '../../../lib/errors.js';
import type { Translate } from '../../../lib/i18n.js';
import type { PluginContext } from '../../../lib/plugins/context.js';
import { CASE_SOURCES, CASE_TYPES, type CaseSource, type CaseType } from '../entities/ModerationCase.js';
import { auditReason, characterCount, truncateCharacters } from '../lib/auditReason.js';
import type { ExternalAction } from '../lib/auditLog.js';
import { snowflakeSchema, type EscalationStep, type ModerationConfig, type moderationConfigSchema } from '../lib/config.js';
import { BAN_BOUNDS, checkDuration, TIMEOUT_BOUNDS } from '../lib/durations.js';
import { crossedThreshold } from '../lib/escalation.js';
import { assertMayAct } from '../lib/hierarchy.js';
import { dmContent, type DmKind } from '../views/dm.js';
import { modLogEmbed } from '../views/modLog.js';
import { ChannelTools } from './ChannelTools.js';
import * as store from './caseStore.js';
import type { CasePage, CaseRecord, NewCase } from './caseStore.js';
import {
	assertBotPermissions,
	deleteDm,
	discordAction,
	discordActions,
	editEmbed,
	fetchBotMember,
	fetchMember,
	isBanned,
	isDiscordError,
	loadGuild,
	postEmbed,
	ranked,
	sendDm,
	type DmOutcome
} from './discord.js';

export type { CasePage, CaseRecord } from './caseStore.js';
export type { DmOutcome } from './discord.js';

/** The moderation plugin's context (its config schema typed). */
export type ModerationContext = PluginContext<typeof moderationConfigSchema>;

/** The scheduled task that ends a temporary ban (tasks/moderationUnban.ts). */
export const UNBAN_TASK = 'moderationUnban';

/** The task key of the end of one ban case: `ban-<userId>-<case number>` (src/lib/tasks/types.ts `jobIdOf`). */
export function unbanTaskKey(userId: string, caseNumber: number): string {
	return `ban-${userId}-${caseNumber}`;
}

/** Discord's limit on the messages a ban deletes: the last 7 days, 604,800 seconds ("Create Guild Ban"). */
export const MAX_DELETE_MESSAGE_SECONDS = 604_800;

/** Messages of the last day (86,400 seconds) are deleted by a softban unless told otherwise. */
export const DEFAULT_SOFTBAN_DELETE_SECONDS = 86_400;

/** Longest reason of a case, in characters (code points): 512, Discord's limit on an audit-log reason. */
export const MAX_REASON_LENGTH = 512;

const DAY_MS = 86_400_000;

/** Who acts and why: what every action takes besides its own options. */
export interface ActionOptions {
	/** The user acted on. */
	targetId: string;
	/** The moderator; the bot's own id for automatic actions (automod may pass it). */
	moderatorId: string;
	/** Why (at most 512 characters; blank counts as none). Required when the guild's `requireReason` is on and the source is `command`. */
	reason?: string | null;
	/** `command` (default: a moderator, through a command or another plugin acting for them) or `automod`. */
	source?: 'command' | 'automod';
}

/** Options of {@link ModerationService.timeout}. */
export interface TimeoutOptions extends ActionOptions {
	/** When the timeout ends, ms since the epoch on the bot's clock: 1 s to 28 days from now (Discord's limit). */
	until: number;
}

/** Options of {@link ModerationService.ban}. */
export interface BanOptions extends ActionOptions {
	/** Delete the user's messages of this many last seconds, 0 to 604,800 (7 days, Discord's limit). Default 0. */
	deleteMessageSeconds?: number;
	/** A temporary ban's length, ms (1 s to 365 days); none or null: permanent. */
	durationMs?: number | null;
}

/** Options of {@link ModerationService.softban}. */
export interface SoftbanOptions extends ActionOptions {
	/** Delete the member's messages of this many last seconds, 0 to 604,800. Default 86,400 (one day). */
	deleteMessageSeconds?: number;
}

/** What an action did. */
export interface ActionResult {
	/** The recorded case, with its number (and its mod-log message when one was posted). */
	case: CaseRecord;
	/** Whether the member was told by DM (`refused`: their DMs are closed, "not notified"). */
	dm: DmOutcome['status'];
}

/** What {@link ModerationService.ban} did. */
export interface BanResult extends ActionResult {
	/** Temporary bans: whether the unban was scheduled (false: the task queue refused, logged; rescheduled at the next start). Null for a permanent ban. */
	endScheduled: boolean | null;
}

/** What an escalation step did after a warning. */
export type EscalationOutcome =
	| { step: EscalationStep; status: 'applied'; result: ActionResult }
	/** The step could not apply: a refusal the moderator can read (the member left, is above the bot, ...). */
	| { step: EscalationStep; status: 'refused'; error: UserError }
	/** An unexpected failure (logged with its stack). */
	| { step: EscalationStep; status: 'failed' };

/** What {@link ModerationService.warn} did. */
export interface WarnResult extends ActionResult {
	/** Active warnings of the member with this one. */
	activeWarnings: number;
	/** The escalation step this warning crossed, and what came of it; null when none. */
	escalation: EscalationOutcome | null;
}

/** Input of {@link ModerationService.createCase}: a case recorded without any Discord action. */
export interface CreateCaseInput {
	type: CaseType;
	targetId: string;
	moderatorId: string;
	reason: string | null;
	/** ms; for timeouts, temporary bans and timed lockdowns. */
	durationMs?: number | null;
	/** ms since the epoch. */
	endsAt?: number | null;
	source: CaseSource;
	/** The warning case that triggered an escalation. */
	triggeredByCase?: number | null;
}

/** A member's warnings split by whether they count. */
export interface MemberWarnings {
	/** Counting now. */
	active: CaseRecord[];
	/** Past their lifetime. */
	expired: CaseRecord[];
	/** Pardoned (whatever their expiry). */
	pardoned: CaseRecord[];
}

/** What {@link ModerationService.endTemporaryBan} found and did. */
export type BanEndOutcome =
	/** The ban was lifted now. */
	| 'unbanned'
	/** The user was no longer banned (lifted by hand in Discord): nothing sent, the case marked ended. */
	| 'notBanned'
	/** A newer ban, softban or unban of the user replaced this ban: nothing done. */
	| 'superseded'
	/** No such running ban case (ended already, deleted, or never committed): nothing done. */
	| 'gone';

/** What each action checks before acting (see {@link ModerationService} `#prepare`). */
interface ActionSpec {
	/** Whether the target must be a member of the guild (timeout, kick, softban). */
	memberRequired: boolean;
	/** Whether the refusal rules of lib/hierarchy.ts apply (every action that punishes). */
	hierarchy: boolean;
	/** Guild permissions the bot needs. */
	permissions: readonly PermissionsString[];
}

/** Everything an action knows once its checks passed. */
interface Prepared {
	guild: Guild;
	me: GuildMember;
	/** The target's member, or null when they are not in the guild. */
	target: GuildMember | null;
	config: ModerationConfig;
	t: Translate;
	locale: string;
	/** The case's reason (trimmed; null: none). */
	reason: string | null;
	/** The audit-log reason of the Discord call. */
	audit: string;
	source: 'command' | 'automod' | 'escalation';
	triggeredByCase: number | null;
}

/** Who acts on whom. */
type Parties = Pick<ActionOptions, 'targetId' | 'moderatorId'>;

/** Internal options of an action: an escalation sets its own source and trigger. */
type InternalOptions<O extends ActionOptions> = Omit<O, 'source'> & { source?: 'command' | 'automod' | 'escalation'; triggeredByCase?: number | null };

/**
 * The moderation plugin's service (what its `setup` returns): the public API of the plugin for its commands and for
 * other plugins (automod: `ctx.dependency('moderation')`). Every action checks the refusal rules (issue 8,
 * "Refusals": a translated UserError, nothing changed), does the Discord side through REST with the audit-log reason
 * `moderator (id): reason`, records the case with the guild's next number, posts it to the mod log, and tells the
 * member by DM where the guild wants it.
 *
 * **Order of an action and why.** Discord first, then the case: a refused Discord call (a permission removed, the
 * member gone) leaves no case and takes no number, so numbers stay gapless. Every action on one target runs under a
 * per-(guild, target) PostgreSQL advisory lock held in the transaction that records the case, so across processes a
 * ban, an unban and the end of a temporary ban of one user never interleave: the timed unban checks, under the same
 * lock, that its ban is still the user's latest. The case is written in that transaction right after the Discord call;
 * the guild's counter row is locked only from that insert to the commit, never during a Discord call. If PostgreSQL
 * fails in that short window, the Discord action stands without its case: the error is logged with everything needed
 * to record it by hand, and thrown. DMs before kicks and bans are sent under the lock before the action (afterwards
 * they could not reach the member) and deleted again if the action then fails. Mod-log posts, DMs after warnings and
 * timeouts, and scheduling happen after the commit and never fail an action (logged).
 */
export class ModerationService {
	readonly #cases: Counter<'type' | 'source'>;
	/** `/purge`, `/slowmode`, `/lockdown` and `/unlock` (service/ChannelTools.ts). */
	public readonly channels: ChannelTools;

	public constructor(public readonly ctx: ModerationContext) {
		this.channels = new ChannelTools(ctx, this);
		this.#cases = ctx.metrics.counter({
			name: 'cases_total',
			help: 'Moderation cases recorded by this process, by type and source.',
			labelNames: ['type', 'source'] as const
		});
	}

	// ------------------------------------------------------------------ record only

	/**
	 * Records a case without doing anything on Discord (an action done elsewhere: by hand in Discord, read from the
	 * audit log; a lockdown done by a command), with the guild's next number, and posts it to the mod log.
	 * Warnings get their expiry from the guild's warning lifetime.
	 * @returns the stored case.
	 * @throws UserError `moderation:errors.reasonTooLong`, `moderation:errors.unknownUser` (a target that is not a
	 *   snowflake); TypeError for a type or source that does not exist.
	 */
	public async createCase(guildId: string, input: CreateCaseInput): Promise<CaseRecord> {
		if (!CASE_TYPES.includes(input.type)) throw new TypeError(`Unknown case type ${String(input.type)}`);
		if (!CASE_SOURCES.includes(input.source)) throw new TypeError(`Unknown case source ${String(input.source)}`);
		assertSnowflake(input.targetId);
		assertSnowflake(input.moderatorId);
		const reason = normalizeReason(input.reason);
		const config = await this.ctx.config(guildId);
		const now = this.ctx.clock.now();
		const record = await this.ctx.em().transactional((tx) =>
			store.insertCase(tx, {
				guildId,
				type: input.type,
				targetId: input.targetId,
				moderatorId: input.moderatorId,
				reason,
				source: input.source,
				createdAt: now,
				durationMs: input.durationMs ?? null,
				endsAt: input.endsAt ?? null,
				triggeredByCase: input.triggeredByCase ?? null,
				expiresAt: input.type === 'warn' ? warningExpiry(config, now) : null
			})
		);
		this.#recorded(record);
		return this.#postModLog(record, config);
	}

	// ------------------------------------------------------------------ actions

	/**
	 * Warns a member (or a user who left): records the warning, posts it, DMs them (config `dm.warn`), then applies the
	 * escalation step the warning crosses, if any (lib/escalation.ts), as a new case of source `escalation` naming
	 * this warning. The warning's count is what it found when it was numbered (active warnings numbered below it, plus
	 * itself), so two warnings given at once cross two different counts, and a step is applied once per crossing.
	 * @throws UserError for a refusal (lib/hierarchy.ts, reason rules); escalation failures are reported, never thrown.
	 */
	public async warn(guildId: string, options: ActionOptions): Promise<WarnResult> {
		return this.#warn(guildId, options);
	}

	async #warn(guildId: string, options: InternalOptions<ActionOptions>): Promise<WarnResult> {
		const prep = await this.#prepare(guildId, options, { memberRequired: false, hierarchy: true, permissions: [] });
		const now = this.ctx.clock.now();
		const record = await this.ctx.em().transactional((tx) => store.insertCase(tx, this.#newCase(guildId, 'warn', options, prep, now, { expiresAt: warningExpiry(prep.config, now) })));
		this.#recorded(record);
		const posted = await this.#postModLog(record, prep.config, prep);
		const dm = await this.#dmAfter(prep, 'warn', options.targetId, prep.config.dm.warn, {});
		// Counted at the warning's own time, among the warnings numbered before it (see the docstring).
		const before = (await store.activeWarnings(this.ctx.em(), guildId, options.targetId, now, record.number)).length;
		const active = before + 1;
		const step = crossedThreshold(prep.config.escalation, before, active);
		const escalation = step ? await this.#escalate(guildId, posted, step, active, prep) : null;
		return { case: posted, dm, activeWarnings: active, escalation };
	}

	/**
	 * Times a member out until `until` (Discord's native timeout), records it, posts it, DMs them (config
	 * `dm.timeout`). A running timeout of theirs is replaced (its case marked ended).
	 * @throws UserError for a refusal: not a member, lib/hierarchy.ts, an administrator (Discord does not time them
	 *   out), the bot lacks Moderate Members, a length outside 1 s to 28 days (`moderation:errors.durationOutOfRange`).
	 */
	public async timeout(guildId: string, options: TimeoutOptions): Promise<ActionResult> {
		return this.#timeout(guildId, options);
	}

	async #timeout(guildId: string, options: InternalOptions<TimeoutOptions>): Promise<ActionResult> {
		const prep = await this.#prepare(guildId, options, { memberRequired: true, hierarchy: true, permissions: ['ModerateMembers'] });
		if (prep.target?.permissions.has(PermissionFlagsBits.Administrator)) {
			throw translatedUserError('moderation:errors.cannotTimeoutAdmin', { user: `<@${options.targetId}>` });
		}
		const now = this.ctx.clock.now();
		const durationMs = options.until - now;
		checkDuration(durationMs, TIMEOUT_BOUNDS, prep.locale);
		const { record, ended } = await this.#withTargetLock(guildId, options.targetId, async (tx) => {
			await discordAction(options.targetId, () => discordActions.timeout(this.ctx.client, guildId, options.targetId, options.until, prep.audit));
			return this.#recordAfterDiscord(prep, 'timeout', options, async () => {
				const replaced = await store.runningCases(tx, guildId, options.targetId, 'timeout', now);
				await store.markEnded(tx, guildId, replaced.map((running) => running.number), now);
				const inserted = await store.insertCase(tx, this.#newCase(guildId, 'timeout', options, prep, now, { durationMs, endsAt: options.until }));
				return { record: inserted, ended: replaced.map((running) => ({ ...running, endedAt: now })) };
			});
		});
		const posted = await this.#afterRecord(record, ended, prep);
		const dm = await this.#dmAfter(prep, 'timeout', options.targetId, prep.config.dm.timeout, { durationMs, until: options.until });
		return { case: posted, dm };
	}

	/**
	 * Lifts a member's timeout, records it, posts it, and marks their running timeout case ended. No DM.
	 * @throws UserError: not a member, not timed out (`moderation:errors.notTimedOut`), lib/hierarchy.ts, the bot lacks
	 *   Moderate Members.
	 */
	public async untimeout(guildId: string, options: ActionOptions): Promise<ActionResult> {
		const prep = await this.#prepare(guildId, options, { memberRequired: true, hierarchy: true, permissions: ['ModerateMembers'] });
		const now = this.ctx.clock.now();
		const until = prep.target?.communicationDisabledUntilTimestamp ?? null;
		if (until === null || until <= now) throw translatedUserError('moderation:errors.notTimedOut', { user: `<@${options.targetId}>` });
		const { record, ended } = await this.#withTargetLock(guildId, options.targetId, async (tx) => {
			await discordAction(options.targetId, () => discordActions.timeout(this.ctx.client, guildId, options.targetId, null, prep.audit));
			return this.#recordAfterDiscord(prep, 'untimeout', options, async () => {
				const running = await store.runningCases(tx, guildId, options.targetId, 'timeout', now);
				await store.markEnded(tx, guildId, running.map((timeout) => timeout.number), now);
				const inserted = await store.insertCase(tx, this.#newCase(guildId, 'untimeout', options, prep, now, {}));
				return { record: inserted, ended: running.map((timeout) => ({ ...timeout, endedAt: now })) };
			});
		});
		return { case: await this.#afterRecord(record, ended, prep), dm: 'off' };
	}

	/**
	 * Kicks a member: DMs them first (config `dm.kick`; afterwards the DM could not reach them), kicks, records, posts.
	 * @throws UserError: not a member, lib/hierarchy.ts, the bot lacks Kick Members, Discord refused.
	 */
	public async kick(guildId: string, options: ActionOptions): Promise<ActionResult> {
		return this.#kick(guildId, options);
	}

	async #kick(guildId: string, options: InternalOptions<ActionOptions>): Promise<ActionResult> {
		const prep = await this.#prepare(guildId, options, { memberRequired: true, hierarchy: true, permissions: ['KickMembers'] });
		const now = this.ctx.clock.now();
		const { record, dm } = await this.#withTargetLock(guildId, options.targetId, async (tx) => {
			const dm = await this.#dmBefore(prep, 'kick', options.targetId, prep.config.dm.kick, {}, () =>
				discordActions.kick(this.ctx.client, guildId, options.targetId, prep.audit)
			);
			const record = await this.#recordAfterDiscord(prep, 'kick', options, () => store.insertCase(tx, this.#newCase(guildId, 'kick', options, prep, now, {})));
			return { record, dm };
		});
		return { case: await this.#afterRecord(record, [], prep), dm: dm.status };
	}

	/**
	 * Bans a user, member or not: DMs a member first (config `dm.ban`, with the guild's appeal text), bans (deleting
	 * their messages of the last `deleteMessageSeconds`), records, posts. With `durationMs` the ban is temporary: the
	 * task `moderationUnban` (key `ban-<userId>-<case>`) lifts it at its end, exactly once, after any restart. Any
	 * earlier running ban of the user is replaced: its pending end is cancelled, and even if it already started, it
	 * finds under the target lock that its ban is no longer the latest and does nothing, so a permanent ban after a
	 * temporary one is never undone.
	 * @throws UserError: lib/hierarchy.ts (for members), the bot lacks Ban Members, `moderation:errors.badDeleteMessages`,
	 *   a length outside 1 s to 365 days, an unknown user, Discord refused.
	 */
	public async ban(guildId: string, options: BanOptions): Promise<BanResult> {
		return this.#ban(guildId, options);
	}

	async #ban(guildId: string, options: InternalOptions<BanOptions>): Promise<BanResult> {
		const deleteMessageSeconds = checkDeleteMessageSeconds(options.deleteMessageSeconds ?? 0);
		const prep = await this.#prepare(guildId, options, { memberRequired: false, hierarchy: true, permissions: ['BanMembers'] });
		const durationMs = options.durationMs ?? null;
		if (durationMs !== null) checkDuration(durationMs, BAN_BOUNDS, prep.locale);
		const now = this.ctx.clock.now();
		const endsAt = durationMs === null ? null : now + durationMs;
		const { record, dm, replaced } = await this.#withTargetLock(guildId, options.targetId, async (tx) => {
			const dm = await this.#dmBefore(prep, 'ban', options.targetId, prep.config.dm.ban, { durationMs, until: endsAt, appealText: prep.config.appealText }, () =>
				discordActions.ban(this.ctx.client, guildId, options.targetId, deleteMessageSeconds, prep.audit)
			);
			return this.#recordAfterDiscord(prep, 'ban', options, async () => {
				const replaced = await store.runningCases(tx, guildId, options.targetId, 'ban', now);
				const inserted = await store.insertCase(tx, this.#newCase(guildId, 'ban', options, prep, now, { durationMs, endsAt }));
				return { record: inserted, dm, replaced };
			});
		});
		await this.#cancelBanEnds(guildId, replaced);
		const endScheduled = endsAt === null ? null : await this.#scheduleBanEnd(record, endsAt);
		return { case: await this.#afterRecord(record, [], prep), dm: dm.status, endScheduled };
	}

	/**
	 * Softbans a member: bans them to delete their messages of the last `deleteMessageSeconds` (default one day), then
	 * lifts the ban at once, so it acts as a kick that cleans up. DMs first like a kick (config `dm.kick`). If lifting the
	 * ban fails, the case is recorded anyway and the `moderationUnban` task lifts it (retried with backoff).
	 * @throws UserError: not a member, lib/hierarchy.ts, the bot lacks Ban Members, `moderation:errors.badDeleteMessages`.
	 */
	public async softban(guildId: string, options: SoftbanOptions): Promise<ActionResult> {
		const deleteMessageSeconds = checkDeleteMessageSeconds(options.deleteMessageSeconds ?? DEFAULT_SOFTBAN_DELETE_SECONDS);
		const prep = await this.#prepare(guildId, options, { memberRequired: true, hierarchy: true, permissions: ['BanMembers'] });
		const now = this.ctx.clock.now();
		const { record, dm, lifted } = await this.#withTargetLock(guildId, options.targetId, async (tx) => {
			const dm = await this.#dmBefore(prep, 'softban', options.targetId, prep.config.dm.kick, {}, () =>
				discordActions.ban(this.ctx.client, guildId, options.targetId, deleteMessageSeconds, prep.audit)
			);
			let lifted = true;
			try {
				await discordActions.unban(this.ctx.client, guildId, options.targetId, prep.audit);
			} catch (error) {
				lifted = false;
				this.ctx.logger.error(`Softban of ${options.targetId} in guild ${guildId}: the ban could not be lifted at once; the unban task will retry:`, error);
			}
			const record = await this.#recordAfterDiscord(prep, 'softban', options, () =>
				store.insertCase(tx, this.#newCase(guildId, 'softban', options, prep, now, { endedAt: lifted ? now : null }))
			);
			return { record, dm, lifted };
		});
		if (!lifted) await this.#scheduleBanEnd(record, this.ctx.clock.now());
		return { case: await this.#afterRecord(record, [], prep), dm: dm.status };
	}

	/**
	 * Lifts a user's ban, records it, posts it, marks their running ban cases ended and cancels a pending timed unban.
	 * @throws UserError: `moderation:errors.notBanned`, the bot lacks Ban Members, lib/hierarchy.ts identity rules.
	 */
	public async unban(guildId: string, options: ActionOptions): Promise<ActionResult> {
		const prep = await this.#prepare(guildId, options, { memberRequired: false, hierarchy: true, permissions: ['BanMembers'] });
		const now = this.ctx.clock.now();
		const { record, ended } = await this.#withTargetLock(guildId, options.targetId, async (tx) => {
			if (!(await discordAction(options.targetId, () => isBanned(this.ctx.client, guildId, options.targetId)))) {
				throw translatedUserError('moderation:errors.notBanned', { user: `<@${options.targetId}>` });
			}
			await discordAction(options.targetId, () => discordActions.unban(this.ctx.client, guildId, options.targetId, prep.audit));
			return this.#recordAfterDiscord(prep, 'unban', options, async () => {
				const running = await store.runningCases(tx, guildId, options.targetId, 'ban', now, { openEnded: true });
				await store.markEnded(tx, guildId, running.map((ban) => ban.number), now);
				const inserted = await store.insertCase(tx, this.#newCase(guildId, 'unban', options, prep, now, {}));
				return { record: inserted, ended: running.map((ban) => ({ ...ban, endedAt: now })) };
			});
		});
		await this.#cancelBanEnds(guildId, ended);
		return { case: await this.#afterRecord(record, ended, prep), dm: 'off' };
	}

	/**
	 * Records a note about a user (nothing happens on Discord, nobody is told).
	 * @param text the note, 1 to 512 characters.
	 * @throws UserError `moderation:errors.emptyNote`, `moderation:errors.reasonTooLong`.
	 */
	public async note(guildId: string, options: { targetId: string; moderatorId: string; text: string }): Promise<CaseRecord> {
		const text = normalizeReason(options.text);
		if (text === null) throw translatedUserError('moderation:errors.emptyNote');
		return this.createCase(guildId, { type: 'note', targetId: options.targetId, moderatorId: options.moderatorId, reason: text, source: 'command' });
	}

	/**
	 * Records an action done by hand in Discord (or by another bot), read from the audit log, as a case of source
	 * `external` with the moderator and reason Discord recorded, and posts it. Nothing is done on Discord and nobody is
	 * told. Under the target's lock like every action: an external ban replaces a running temporary ban (its end is
	 * cancelled), an external unban ends the running bans, an external timeout replaces a running one and an external
	 * untimeout ends it. An audit-log entry is recorded once, even if the gateway delivers it again (its id is kept in
	 * Redis for 7 days; while Redis is down, entries are recorded without that check).
	 * @param entryId the audit-log entry's id.
	 * @returns the case, or null when this entry was already recorded.
	 */
	public async recordExternal(guildId: string, action: ExternalAction, entryId: string): Promise<CaseRecord | null> {
		if (!(await this.#firstSight(entryId))) return null;
		const reason = truncateCharacters(action.reason ?? '', MAX_REASON_LENGTH) || null;
		const now = this.ctx.clock.now();
		const { record, ended, replaced } = await this.#withTargetLock(guildId, action.targetId, async (tx) => {
			const base = { guildId, type: action.type, targetId: action.targetId, moderatorId: action.moderatorId, reason, source: 'external' as const, createdAt: now };
			let ended: CaseRecord[] = [];
			let replaced: CaseRecord[] = [];
			let extra: Partial<NewCase> = {};
			if (action.type === 'ban') {
				replaced = await store.runningCases(tx, guildId, action.targetId, 'ban', now);
			} else if (action.type === 'unban') {
				ended = await store.runningCases(tx, guildId, action.targetId, 'ban', now, { openEnded: true });
			} else if (action.type === 'timeout' || action.type === 'untimeout') {
				ended = await store.runningCases(tx, guildId, action.targetId, 'timeout', now);
				if (action.type === 'timeout') extra = { durationMs: Math.max(0, action.until - now), endsAt: action.until };
			}
			await store.markEnded(tx, guildId, ended.map((running) => running.number), now);
			const inserted = await store.insertCase(tx, { ...base, ...extra });
			return { record: inserted, ended: ended.map((running) => ({ ...running, endedAt: now })), replaced };
		});
		await this.#cancelBanEnds(guildId, [...replaced, ...ended.filter((running) => running.type === 'ban')]);
		this.#recorded(record);
		const config = await this.ctx.config(guildId);
		const posted = await this.#postModLog(record, config);
		for (const previous of ended) await this.#refreshModLog(previous);
		return posted;
	}

	/** Whether an audit-log entry is seen here for the first time (Redis `SET NX`, 7 days); true when Redis cannot tell. */
	async #firstSight(entryId: string): Promise<boolean> {
		try {
			return (await this.ctx.redis.set(this.ctx.redisKey('audit-entry', entryId), '1', 'EX', 7 * 86_400, 'NX')) === 'OK';
		} catch (error) {
			this.ctx.logger.warn(`Audit-log entry ${entryId}: Redis did not answer whether it was recorded already; recording it:`, error);
			return true;
		}
	}

	// ------------------------------------------------------------------ cases

	/**
	 * Changes a case's reason, keeping every earlier version in its history, and edits its mod-log embed. (The
	 * audit-log entry of the Discord action cannot be changed.)
	 * @throws UserError `moderation:errors.unknownCase`, `moderation:errors.caseDeleted`, `moderation:errors.emptyReason`,
	 *   `moderation:errors.reasonTooLong`.
	 */
	public async amendReason(guildId: string, number: number, reason: string, moderatorId: string): Promise<CaseRecord> {
		const text = normalizeReason(reason);
		if (text === null) throw translatedUserError('moderation:errors.emptyReason');
		const at = new Date(this.ctx.clock.now()).toISOString();
		const record = await store.updateCase(this.ctx.em(), guildId, number, (current) => {
			if (current.hidden) throw translatedUserError('moderation:errors.caseDeleted', { number });
			return { reason: text, reasonHistory: [...current.reasonHistory, { reason: text, moderatorId, at }] };
		});
		if (!record) throw translatedUserError('moderation:errors.unknownCase', { number });
		await this.#refreshModLog(record);
		return record;
	}

	/**
	 * Deletes a case: hidden from every list and count, kept for the record, its mod-log embed marked. Deleting a
	 * running temporary ban cancels its pending end (issue 8: "a deleted case cancels ... the pending end"): the ban then
	 * stays until lifted by hand.
	 * @returns the case, and whether a pending ban end was cancelled.
	 * @throws UserError `moderation:errors.unknownCase`, `moderation:errors.caseDeleted` (already deleted).
	 */
	public async hideCase(guildId: string, number: number): Promise<{ case: CaseRecord; cancelledEnd: boolean }> {
		const record = await store.updateCase(this.ctx.em(), guildId, number, (current) => {
			if (current.hidden) throw translatedUserError('moderation:errors.caseDeleted', { number });
			return { hidden: true };
		});
		if (!record) throw translatedUserError('moderation:errors.unknownCase', { number });
		const running = record.type === 'ban' && record.endsAt !== null && record.endedAt === null;
		const cancelledEnd = running ? await this.#cancelBanEnd(guildId, record) : false;
		await this.#refreshModLog(record);
		return { case: record, cancelledEnd };
	}

	/**
	 * Pardons a warning: it stops counting towards escalation from now on (what it already triggered stays).
	 * @throws UserError `moderation:errors.unknownCase`, `moderation:errors.caseDeleted`, `moderation:errors.notAWarning`,
	 *   `moderation:errors.alreadyPardoned`.
	 */
	public async pardon(guildId: string, number: number, moderatorId: string): Promise<CaseRecord> {
		const now = this.ctx.clock.now();
		const record = await store.updateCase(this.ctx.em(), guildId, number, (current) => {
			if (current.hidden) throw translatedUserError('moderation:errors.caseDeleted', { number });
			if (current.type !== 'warn') throw translatedUserError('moderation:errors.notAWarning', { number });
			if (current.pardonedAt !== null) throw translatedUserError('moderation:errors.alreadyPardoned', { number });
			return { pardonedAt: new Date(now), pardonedBy: moderatorId };
		});
		if (!record) throw translatedUserError('moderation:errors.unknownCase', { number });
		await this.#refreshModLog(record);
		return record;
	}

	/** The case with this number in the guild, deleted ones included (see `hidden`), or null. */
	public case(guildId: string, number: number): Promise<CaseRecord | null> {
		return store.findCase(this.ctx.em(), guildId, number);
	}

	/**
	 * One page of a user's (or channel's) cases, newest first, 10 a page, deleted ones left out.
	 * @param page 1-based; clamped to the pages there are.
	 */
	public casesOf(guildId: string, targetId: string, page = 1): Promise<CasePage> {
		return store.casesOf(this.ctx.em(), guildId, targetId, page);
	}

	/**
	 * A member's warnings that count now: not pardoned, not deleted, not expired at `ctx.clock.now()`. Oldest first.
	 * Expiry is decided when asked (`expires_at > now`), so warnings decay without any scheduled task.
	 */
	public activeWarnings(guildId: string, targetId: string): Promise<CaseRecord[]> {
		return store.activeWarnings(this.ctx.em(), guildId, targetId, this.ctx.clock.now());
	}

	/** Every warning of a member (deleted ones left out), split into active, expired and pardoned; each oldest first. */
	public async warningsOf(guildId: string, targetId: string): Promise<MemberWarnings> {
		const now = this.ctx.clock.now();
		const result: MemberWarnings = { active: [], expired: [], pardoned: [] };
		for (const warning of await store.warningsOf(this.ctx.em(), guildId, targetId)) {
			if (warning.pardonedAt !== null) result.pardoned.push(warning);
			else if (warning.expiresAt !== null && warning.expiresAt <= now) result.expired.push(warning);
			else result.active.push(warning);
		}
		return result;
	}

	// ------------------------------------------------------------------ timed ends

	/**
	 * Ends a temporary ban (or finishes a softban whose ban could not be lifted at once): what the `moderationUnban`
	 * task runs. Idempotent, under the target lock: it does nothing unless the case is still the user's latest ban,
	 * softban or unban, not ended and not deleted; a user no longer banned is not unbanned again (the case is marked
	 * ended). The mod-log embed is edited.
	 * @throws DiscordAPIError when Discord fails otherwise (the task retries).
	 */
	public async endTemporaryBan(guildId: string, userId: string, caseNumber: number): Promise<BanEndOutcome> {
		const { t } = await this.ctx.translator(guildId);
		const outcome = await this.#withTargetLock(guildId, userId, async (tx): Promise<{ outcome: BanEndOutcome; record: CaseRecord | null }> => {
			const record = await store.findCase(tx, guildId, caseNumber);
			if (!record || record.targetId !== userId || (record.type !== 'ban' && record.type !== 'softban') || record.hidden || record.endedAt !== null) {
				return { outcome: 'gone', record: null };
			}
			const latest = await store.latestBanStateCase(tx, guildId, userId);
			if (latest?.number !== record.number) return { outcome: 'superseded', record: null };
			// The bot's own user is the actor: no guild or member fetch, so a process that does not hold the guild's shard
			// ends a ban with one Discord call (bench:timers: 10,000 ends at once are bounded by Discord's 50 requests/s).
			const bot = this.ctx.client.user!;
			const key = record.type === 'ban' ? 'moderation:audit.banEnded' : 'moderation:audit.softbanUnban';
			let outcome: BanEndOutcome = 'unbanned';
			try {
				await discordActions.unban(this.ctx.client, guildId, userId, auditReason({ name: bot.username, id: bot.id }, t(key, { number: record.number })));
			} catch (error) {
				if (!isDiscordError(error, RESTJSONErrorCodes.UnknownBan)) throw error;
				outcome = 'notBanned';
			}
			const now = this.ctx.clock.now();
			await store.markEnded(tx, guildId, [record.number], now);
			return { outcome, record: { ...record, endedAt: now } };
		});
		if (outcome.record) {
			this.ctx.logger.info(`Temporary ban case #${caseNumber} of ${userId} in guild ${guildId} ended (${outcome.outcome})`);
			await this.#refreshModLog(outcome.record);
		}
		return outcome.outcome;
	}

	/**
	 * Makes sure every temporary ban not ended yet has its end in the task queue (it was lost if Redis lost its data,
	 * or if scheduling failed right after a ban). Safe in every process at once: the job keys make a second schedule
	 * keep the first. Called once every shard is ready. @returns how many bans were looked at.
	 */
	public async reconcileTemporaryBans(): Promise<number> {
		const pageSize = 500;
		let seen = 0;
		for (let afterId = 0; ; ) {
			const page = await store.runningTemporaryBans(this.ctx.em(), pageSize, afterId);
			for (const ban of page) {
				if (ban.endsAt !== null) await this.#scheduleBanEnd(ban, ban.endsAt, false);
			}
			seen += page.length;
			const last = page.at(-1);
			if (page.length < pageSize || !last) return seen;
			afterId = last.id;
		}
	}

	// ------------------------------------------------------------------ internals

	/**
	 * The checks every action makes before touching anything, in this order: the target id, the reason (length;
	 * required when the guild says so and a moderator acts), the guild and its members (the target must be a member
	 * when `memberRequired`), the bot's permissions, the refusal rules of lib/hierarchy.ts.
	 */
	async #prepare(guildId: string, options: InternalOptions<ActionOptions>, spec: ActionSpec): Promise<Prepared> {
		assertSnowflake(options.targetId);
		assertSnowflake(options.moderatorId);
		const reason = normalizeReason(options.reason);
		const source = options.source ?? 'command';
		const config = await this.ctx.config(guildId);
		if (reason === null && config.requireReason && source === 'command') throw translatedUserError('moderation:errors.reasonRequired');
		const { t, locale } = await this.ctx.translator(guildId);
		const guild = await loadGuild(this.ctx.client, guildId);
		const me = await fetchBotMember(guild);
		const actor = options.moderatorId === me.id ? me : await fetchMember(guild, options.moderatorId);
		if (!actor) throw translatedUserError('moderation:errors.notMember', { user: `<@${options.moderatorId}>` });
		const target = await fetchMember(guild, options.targetId);
		if (spec.memberRequired && !target) throw translatedUserError('moderation:errors.notMember', { user: `<@${options.targetId}>` });
		assertBotPermissions(me, spec.permissions);
		if (spec.hierarchy) {
			assertMayAct({
				actor: ranked(actor),
				target: target ? ranked(target) : { id: options.targetId },
				bot: ranked(me),
				ownerId: guild.ownerId,
				protectedRoleIds: config.protectedRoleIds
			});
		}
		return {
			guild,
			me,
			target,
			config,
			t,
			locale,
			reason,
			audit: auditReason(actorOf(actor), reason ?? t('moderation:audit.noReason')),
			source,
			triggeredByCase: options.triggeredByCase ?? null
		};
	}

	/** A case to insert, from an action's options and checks. */
	#newCase(guildId: string, type: CaseType, options: Parties, prep: Prepared, now: number, extra: Partial<NewCase>): NewCase {
		return {
			guildId,
			type,
			targetId: options.targetId,
			moderatorId: options.moderatorId,
			reason: prep.reason,
			source: prep.source,
			triggeredByCase: prep.triggeredByCase,
			createdAt: now,
			...extra
		};
	}

	/**
	 * Runs `fn` in a transaction holding the PostgreSQL advisory lock of (guild, target), so that actions on one user
	 * never interleave across processes. The lock is released when the transaction ends; `fn` writes its case with
	 * the transaction's EntityManager.
	 */
	async #withTargetLock<T>(guildId: string, targetId: string, fn: (tx: EntityManager) => Promise<T>): Promise<T> {
		return this.ctx.em().transactional(async (tx) => {
			await tx.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`moderation:${guildId}:${targetId}`], 'run');
			return fn(tx);
		});
	}

	/**
	 * Records the case of a Discord action that already happened. If that fails (PostgreSQL down), the action stands
	 * without its case: the error says so in the log, with what to record by hand, and is thrown.
	 */
	async #recordAfterDiscord<T>(prep: Prepared, type: CaseType, options: Parties, record: () => Promise<T>): Promise<T> {
		try {
			return await record();
		} catch (error) {
			this.ctx.logger.error(
				`The ${type} of ${options.targetId} by ${options.moderatorId} in guild ${prep.guild.id} was done on Discord but its case could not be recorded (reason: ${prep.reason ?? 'none'}):`,
				error
			);
			throw error;
		}
	}

	/** Counts and logs a recorded case. */
	#recorded(record: CaseRecord): void {
		this.#cases.inc({ type: record.type, source: record.source });
		this.ctx.logger.info(`Case #${record.number} (${record.type}, ${record.source}) in guild ${record.guildId}: ${record.targetId} by ${record.moderatorId}`);
	}

	/** After the commit: counts the case, posts it, and edits the embeds of the cases it ended. */
	async #afterRecord(record: CaseRecord, ended: readonly CaseRecord[], prep: Prepared): Promise<CaseRecord> {
		this.#recorded(record);
		const posted = await this.#postModLog(record, prep.config, prep);
		for (const previous of ended) await this.#refreshModLog(previous, prep);
		return posted;
	}

	/**
	 * Posts the case's embed in the guild's mod-log channel, if one is configured, and records where. A failure (channel
	 * deleted, permission missing) is logged and never fails the case.
	 * @returns the case, with its mod-log message when posted.
	 */
	async #postModLog(record: CaseRecord, config: ModerationConfig, language?: { t: Translate; locale: string }): Promise<CaseRecord> {
		const channelId = config.modLogChannelId;
		if (channelId === null) return record;
		try {
			const { t, locale } = language ?? (await this.ctx.translator(record.guildId));
			const messageId = await postEmbed(this.ctx.client, channelId, modLogEmbed(record, t, locale));
			await store.setModLogMessage(this.ctx.em(), record.guildId, record.number, channelId, messageId);
			return { ...record, modLogChannelId: channelId, modLogMessageId: messageId };
		} catch (error) {
			this.ctx.logger.warn(`Case #${record.number} of guild ${record.guildId} could not be posted to the mod log ${channelId}:`, error);
			return record;
		}
	}

	/** Edits the case's mod-log embed to what it is now (amended, ended, pardoned, deleted). Failures are logged. */
	async #refreshModLog(record: CaseRecord, language?: { t: Translate; locale: string }): Promise<void> {
		if (record.modLogChannelId === null || record.modLogMessageId === null) return;
		try {
			const { t, locale } = language ?? (await this.ctx.translator(record.guildId));
			await editEmbed(this.ctx.client, record.modLogChannelId, record.modLogMessageId, modLogEmbed(record, t, locale));
		} catch (error) {
			this.ctx.logger.warn(`The mod-log embed of case #${record.number} of guild ${record.guildId} could not be edited:`, error);
		}
	}

	/**
	 * Tells a member by DM, then runs the action; if the action fails, the DM is deleted again and the action's error
	 * (translated when Discord refused) is thrown. The DM never blocks the action.
	 */
	async #dmBefore(
		prep: Prepared,
		kind: DmKind,
		targetId: string,
		enabled: boolean,
		details: { durationMs?: number | null; until?: number | null; appealText?: string | null },
		action: () => Promise<unknown>
	): Promise<DmOutcome> {
		const dm = await this.#sendDm(prep, kind, targetId, enabled, details);
		try {
			await discordAction(targetId, action);
		} catch (error) {
			await deleteDm(this.ctx.client, dm, this.ctx.logger);
			throw error;
		}
		return dm;
	}

	/** Tells a member who stays in the guild (warning, timeout) by DM, after the action. */
	async #dmAfter(prep: Prepared, kind: DmKind, targetId: string, enabled: boolean, details: { durationMs?: number | null; until?: number | null }): Promise<DmOutcome['status']> {
		return (await this.#sendDm(prep, kind, targetId, enabled, details)).status;
	}

	async #sendDm(prep: Prepared, kind: DmKind, targetId: string, enabled: boolean, details: { durationMs?: number | null; until?: number | null; appealText?: string | null }): Promise<DmOutcome> {
		if (!enabled) return { status: 'off' };
		if (!prep.target) return { status: 'notMember' };
		const content = dmContent(kind, { guildName: prep.guild.name, reason: prep.reason, ...details }, prep.t, prep.locale);
		return sendDm(this.ctx.client, targetId, content, this.ctx.logger);
	}

	/**
	 * Applies an escalation step after a warning, as the bot, with the translated reason naming the warning. Never
	 * throws: a refusal or failure is reported (and logged) in the outcome; the warning stands.
	 */
	async #escalate(guildId: string, warning: CaseRecord, step: EscalationStep, count: number, prep: Prepared): Promise<EscalationOutcome> {
		const options = {
			targetId: warning.targetId,
			moderatorId: prep.me.id,
			reason: prep.t('moderation:escalation.reason', { count, case: warning.number }),
			source: 'escalation' as const,
			triggeredByCase: warning.number
		};
		try {
			let result: ActionResult;
			if (step.action === 'timeout') {
				result = await this.#timeout(guildId, { ...options, until: this.ctx.clock.now() + (step.durationSeconds ?? 0) * 1_000 });
			} else if (step.action === 'kick') {
				result = await this.#kick(guildId, options);
			} else {
				result = await this.#ban(guildId, { ...options, durationMs: step.durationSeconds === undefined ? null : step.durationSeconds * 1_000 });
			}
			return { step, status: 'applied', result };
		} catch (error) {
			if (error instanceof UserError) {
				this.ctx.logger.info(`Escalation ${step.action} after warning #${warning.number} in guild ${guildId} refused: ${error.identifier}`);
				return { step, status: 'refused', error };
			}
			this.ctx.logger.error(`Escalation ${step.action} after warning #${warning.number} in guild ${guildId} failed:`, error);
			return { step, status: 'failed' };
		}
	}

	/**
	 * Queues the end of a ban case (`moderationUnban` at `at`). Never throws: a queue failure is logged (the end is
	 * queued again at the next start, {@link reconcileTemporaryBans}). @returns whether it is queued.
	 */
	async #scheduleBanEnd(record: CaseRecord, at: number, replace = true): Promise<boolean> {
		try {
			await this.ctx.tasks.schedule(UNBAN_TASK, {
				guildId: record.guildId,
				payload: { userId: record.targetId, caseNumber: record.number },
				at,
				key: unbanTaskKey(record.targetId, record.number),
				replace
			});
			return true;
		} catch (error) {
			this.ctx.logger.error(`The end of ban case #${record.number} in guild ${record.guildId} could not be scheduled (retried at the next start):`, error);
			return false;
		}
	}

	/** Cancels the pending ends of ban cases (replaced or lifted). Failures are logged: a stale end finds its ban replaced and does nothing. */
	async #cancelBanEnds(guildId: string, bans: readonly CaseRecord[]): Promise<void> {
		for (const ban of bans) if (ban.endsAt !== null) await this.#cancelBanEnd(guildId, ban);
	}

	async #cancelBanEnd(guildId: string, ban: CaseRecord): Promise<boolean> {
		try {
			return await this.ctx.tasks.cancel(UNBAN_TASK, guildId, unbanTaskKey(ban.targetId, ban.number));
		} catch (error) {
			this.ctx.logger.warn(`The pending end of ban case #${ban.number} in guild ${guildId} could not be cancelled:`, error);
			return false;
		}
	}
}

/** A user as the audit log names them. */
function actorOf(member: GuildMember): { name: string; id: string } {
	return { name: member.user.username, id: member.id };
}

/**
 * A reason as stored: trimmed, blank as none.
 * @throws UserError `moderation:errors.reasonTooLong` (context: `length`, `max`) over {@link MAX_REASON_LENGTH} characters.
 */
function normalizeReason(reason: string | null | undefined): string | null {
	const text = reason?.trim() ?? '';
	if (text === '') return null;
	const length = characterCount(text);
	if (length > MAX_REASON_LENGTH) throw translatedUserError('moderation:errors.reasonTooLong', { length, max: MAX_REASON_LENGTH });
	return text;
}

/** @throws UserError `moderation:errors.unknownUser` when `id` is not a snowflake. */
function assertSnowflake(id: string): void {
	if (!snowflakeSchema.safeParse(id).success) throw translatedUserError('moderation:errors.unknownUser', { user: id });
}

/**
 * @returns the seconds of messages a ban deletes, when a whole number from 0 to 604,800.
 * @throws UserError `moderation:errors.badDeleteMessages` otherwise.
 */
function checkDeleteMessageSeconds(seconds: number): number {
	if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_DELETE_MESSAGE_SECONDS) throw translatedUserError('moderation:errors.badDeleteMessages');
	return seconds;
}

/** When a warning given at `now` stops counting (ms), or null when the guild's warnings never expire. */
function warningExpiry(config: ModerationConfig, now: number): number | null {
	return config.warningLifetimeDays === 0 ? null : now + config.warningLifetimeDays * DAY_MS;
}
