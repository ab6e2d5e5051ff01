import { AttachmentBuilder, DiscordAPIError, PermissionFlagsBits, RESTJSONErrorCodes, type Guild, type GuildTextBasedChannel, type Message } from 'discord.js';
import { gzipSync } from 'node:zlib';
import { translatedUserError } from '../../../lib/errors.js';
import type { PluginContext } from '../../../lib/plugins/context.js';
import type { GiveawayBonus, GiveawayClaim, GiveawayRequirements, GiveawayRound } from '../entities/Giveaway.js';
import type { giveawaysConfigSchema } from '../lib/config.js';
import { MAX_WINNERS } from '../lib/config.js';
import { buildDrawRecord, canonicalEntries, commitmentOf, drawWinners, entriesHash, verifyDrawRecord, type DrawRecord } from '../lib/draw.js';
import { entryWeight, unmetRequirements, type EntrantFacts, type RequirementFailure } from '../lib/requirements.js';
import { claimButton, currentWinners, giveawayMessage } from '../views/giveawayMessage.js';
import * as store from './store.js';
import type { GiveawayRecord } from './store.js';

/** The giveaways plugin's context (its config schema typed). */
export type GiveawaysContext = PluginContext<typeof giveawaysConfigSchema>;

/** The scheduled tasks of the plugin (tasks/). */
export const END_TASK = 'giveawayEnd';
export const REFRESH_TASK = 'giveawayRefresh';
export const CLAIM_TASK = 'giveawayClaimExpiry';

/** Task keys: one end job, one pending refresh, one claim deadline per winner (src/lib/tasks/types.ts `jobIdOf`). */
export const endKey = (id: number) => `end-${id}`;
export const refreshKey = (id: number) => `refresh-${id}`;
export const claimKey = (id: number, userId: string) => `claim-${id}-${userId}`;

/** The entry count on the message is edited at most once per this many ms per giveaway (a keyed, delayed job). */
export const REFRESH_DELAY_MS = 5_000;

/** Giveaways whose fixed facts (id, requirements, bonus) one process keeps for the Enter button: 1,000. */
export const FIXED_FACTS_CACHE = 1_000;

/** What `/giveaway start` asks for. */
export interface StartInput {
	channelId: string;
	hostId: string;
	prize: string;
	description: string | null;
	winnerCount: number;
	/** Length, ms. */
	durationMs: number;
	requirements: GiveawayRequirements;
	bonus: GiveawayBonus[];
	/** Claim window, seconds (null: no claim needed; undefined: the guild's default). */
	claimSeconds?: number | null;
}

/** What pressing Enter did. */
export type EnterResult =
	| { kind: 'entered'; weight: number }
	| { kind: 'already' }
	| { kind: 'refused'; failures: RequirementFailure[] }
	| { kind: 'closed' };

/** What ending did. */
export interface EndResult {
	record: GiveawayRecord;
	winners: string[];
	entries: number;
}

/**
 * The giveaways service (issue 11): start, entries, the end (a scheduled task, exactly once across processes: the row
 * lock and the status decide who ends it), rerolls that never pick an earlier winner, claims replaced once per place,
 * pause/resume/edit moving the end job, and the verifiable draw (lib/draw.ts). State lives in PostgreSQL (giveaways,
 * entries) and the task queue; nothing in process memory.
 */
export class GiveawayService {
	public constructor(public readonly ctx: GiveawaysContext) {}

	// ------------------------------------------------------------------ reading

	/**
	 * A giveaway by its number in the guild.
	 * @throws UserError `giveaways:errors.unknown` when there is none.
	 */
	public async get(guildId: string, number: number): Promise<GiveawayRecord> {
		const record = await store.findGiveaway(this.ctx.em(), guildId, number);
		if (!record) throw translatedUserError('giveaways:errors.unknown', { number });
		return record;
	}

	/** A guild's running and paused giveaways (`/giveaway list`), newest first. */
	public active(guildId: string): Promise<GiveawayRecord[]> {
		return store.listGiveaways(this.ctx.em(), guildId, ['running', 'paused']);
	}

	/** A guild's giveaways of any status, newest first (autocomplete), at most 25. */
	public recent(guildId: string): Promise<GiveawayRecord[]> {
		return store.listGiveaways(this.ctx.em(), guildId, ['running', 'paused', 'ended', 'cancelled']);
	}

	/** How many members entered. */
	public entryCount(giveawayId: number): Promise<number> {
		return store.countEntries(this.ctx.em(), giveawayId);
	}

	/** Every entry (user id, weight), in the draw's canonical order (lib/draw.ts `canonicalEntries`: by user id as a number). */
	public async entries(giveawayId: number): Promise<{ userId: string; weight: number }[]> {
		return canonicalEntries(await store.allEntries(this.ctx.em(), giveawayId));
	}

	// ------------------------------------------------------------------ start

	/**
	 * Starts a giveaway: records it, posts its message, schedules its end. Nothing is half-done: when the message cannot
	 * be posted the giveaway is deleted again (its number given back), and the error says why.
	 * @throws UserError `giveaways:errors.badWinners` (1 to 50), `badDuration` (over the guild's maximum), `badChannel`
	 *   (not a text channel of the guild), `cannotPost` (the bot may not view, send or embed there),
	 *   `voiceLevelUnavailable` (a voice level asked where voice-xp is off).
	 */
	public async start(guildId: string, input: StartInput): Promise<GiveawayRecord> {
		const config = await this.ctx.config(guildId);
		if (!Number.isInteger(input.winnerCount) || input.winnerCount < 1 || input.winnerCount > MAX_WINNERS) throw translatedUserError('giveaways:errors.badWinners', { max: MAX_WINNERS });
		const maxMs = config.maxDurationDays * 86_400_000;
		if (!(input.durationMs >= 10_000 && input.durationMs <= maxMs)) throw translatedUserError('giveaways:errors.badDuration', { days: config.maxDurationDays });
		if (input.requirements.minVoiceLevel !== null && !(await this.voiceLevelsAvailable(guildId))) throw translatedUserError('giveaways:errors.voiceLevelUnavailable');
		const channel = await this.#postableChannel(guildId, input.channelId);
		const now = this.ctx.clock.now();
		const secret = this.#newSecret();
		const record = await this.ctx.em().transactional((tx) =>
			store.insertGiveaway(tx, {
				guildId,
				channelId: input.channelId,
				hostId: input.hostId,
				prize: input.prize,
				description: input.description,
				winnerCount: input.winnerCount,
				createdAt: now,
				endsAt: now + input.durationMs,
				requirements: input.requirements,
				bonus: input.bonus,
				claimSeconds: input.claimSeconds === undefined ? config.defaultClaimSeconds : input.claimSeconds,
				secret,
				commitment: commitmentOf(secret)
			})
		);
		const { t } = await this.ctx.translator(guildId);
		let message: Message;
		try {
			message = await channel.send(giveawayMessage(t, record, 0));
		} catch (error) {
			await store.deleteGiveaway(this.ctx.em(), record.id);
			if (error instanceof DiscordAPIError && (error.code === RESTJSONErrorCodes.MissingPermissions || error.code === RESTJSONErrorCodes.MissingAccess)) {
				throw translatedUserError('giveaways:errors.cannotPost', { channel: `<#${input.channelId}>` });
			}
			throw error;
		}
		const posted = await store.updateGiveaway(this.ctx.em(), record.id, { messageId: message.id });
		await this.#scheduleEnd(posted);
		return posted;
	}

	/** Whether voice levels can be required in a guild: the voice-xp plugin is installed and on there. */
	public async voiceLevelsAvailable(guildId: string): Promise<boolean> {
		const voice = this.ctx.peer('voice-xp');
		return voice !== null && (await voice.isEnabled(guildId));
	}

	/** A text channel of the guild where the bot may post the giveaway. @throws UserError `badChannel`, `cannotPost`. */
	async #postableChannel(guildId: string, channelId: string): Promise<GuildTextBasedChannel> {
		const guild = this.#guild(guildId);
		const channel = guild?.channels.cache.get(channelId);
		if (!guild || !channel || !channel.isTextBased() || channel.isVoiceBased()) {
			throw translatedUserError('giveaways:errors.badChannel', { channel: `<#${channelId}>` });
		}
		const me = guild.members.me;
		const needed = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks;
		if (!me || !channel.permissionsFor(me).has(needed)) throw translatedUserError('giveaways:errors.cannotPost', { channel: `<#${channelId}>` });
		return channel as GuildTextBasedChannel;
	}

	/** 32 random bytes as hex, from the plugin's random source (cryptographic in production, seeded in tests). */
	#newSecret(): string {
		return Array.from({ length: 32 }, () => this.ctx.random.int(0, 255).toString(16).padStart(2, '0')).join('');
	}

	async #scheduleEnd(record: GiveawayRecord): Promise<void> {
		await this.ctx.tasks.schedule(END_TASK, { guildId: record.guildId, at: record.endsAt, key: endKey(record.id), replace: true, payload: { number: record.number } });
	}

	// ------------------------------------------------------------------ entries

	/**
	 * A member pressed Enter: refused with every unmet requirement, or entered once (a second press, in any process,
	 * finds the entry). Schedules the message's count refresh (at most one pending per giveaway).
	 *
	 * Cost per press (the hot path: 10,000 presses in 10 seconds is the target): the giveaway's fixed facts (its row id,
	 * requirements and bonus roles, which never change once started) come from a small in-process cache after the first
	 * press; then one PostgreSQL statement that inserts the entry only while the giveaway is open (store.ts
	 * `insertEntryIfOpen`), and one Redis `SET NX` that lets through one refresh per {@link REFRESH_DELAY_MS}.
	 */
	public async enter(guildId: string, number: number, facts: Omit<EntrantFacts, 'voiceLevel'>): Promise<EnterResult> {
		const fixed = await this.#fixedFacts(guildId, number);
		if (!fixed) return { kind: 'closed' };
		const voiceLevel = fixed.requirements.minVoiceLevel !== null ? await this.#voiceLevel(guildId, facts.userId) : null;
		const now = this.ctx.clock.now();
		const failures = unmetRequirements({ ...facts, voiceLevel }, fixed.requirements, now);
		if (failures.length > 0) {
			// A member who entered before and no longer meets a requirement (a role taken away) is told they are in.
			return (await store.hasEntry(this.ctx.em(), fixed.id, facts.userId)) ? { kind: 'already' } : { kind: 'refused', failures };
		}
		const weight = entryWeight(facts.roleIds, fixed.bonus);
		const { open, inserted } = await store.insertEntryIfOpen(this.ctx.em(), fixed.id, facts.userId, weight, now);
		if (!open) return { kind: 'closed' };
		if (!inserted) return { kind: 'already' };
		await this.#scheduleRefresh(guildId, fixed.id, number);
		return { kind: 'entered', weight };
	}

	/** Cached per (guild, number); at most {@link FIXED_FACTS_CACHE} giveaways, the oldest dropped first. */
	readonly #fixed = new Map<string, { id: number; requirements: GiveawayRequirements; bonus: GiveawayBonus[] }>();

	/** A giveaway's facts that never change once it started, or null when there is no such giveaway. */
	async #fixedFacts(guildId: string, number: number): Promise<{ id: number; requirements: GiveawayRequirements; bonus: GiveawayBonus[] } | null> {
		const key = `${guildId}:${number}`;
		const cached = this.#fixed.get(key);
		if (cached) return cached;
		const record = await store.findGiveaway(this.ctx.em(), guildId, number);
		if (!record) return null;
		const fixed = { id: record.id, requirements: record.requirements, bonus: record.bonus };
		this.#fixed.set(key, fixed);
		if (this.#fixed.size > FIXED_FACTS_CACHE) this.#fixed.delete(this.#fixed.keys().next().value!);
		return fixed;
	}

	/** A member left a giveaway still open. @returns whether they had entered. */
	public async leave(guildId: string, number: number, userId: string): Promise<boolean> {
		const em = this.ctx.em();
		const record = await store.findGiveaway(em, guildId, number);
		if (!record || (record.status !== 'running' && record.status !== 'paused')) return false;
		const left = await store.deleteEntry(em, record.id, userId);
		if (left) await this.#scheduleRefresh(guildId, record.id, record.number);
		return left;
	}

	/** The member's voice level where voice-xp is on, else null. */
	async #voiceLevel(guildId: string, userId: string): Promise<number | null> {
		const voice = this.ctx.peer('voice-xp');
		if (!voice || !(await voice.isEnabled(guildId))) return null;
		return (await voice.service.standing(guildId, userId)).level;
	}

	/**
	 * Schedules the message's count refresh, at most once per {@link REFRESH_DELAY_MS} per giveaway: a Redis `SET NX`
	 * with that expiry lets the first entry of each window through (one round trip, instead of the task queue's look-up
	 * of the keyed job on every entry); the keyed job still refuses a duplicate.
	 */
	async #scheduleRefresh(guildId: string, giveawayId: number, number: number): Promise<void> {
		const gate = await this.ctx.redis.set(this.ctx.redisKey('refresh-gate', giveawayId), '1', 'PX', REFRESH_DELAY_MS, 'NX');
		if (gate !== 'OK') return;
		await this.ctx.tasks.schedule(REFRESH_TASK, { guildId, delayMs: REFRESH_DELAY_MS, key: refreshKey(giveawayId), payload: { number } });
	}

	/** Edits the giveaway message with its current state and entry count (the refresh task; every change of state). */
	public async refreshMessage(guildId: string, number: number): Promise<void> {
		const record = await this.get(guildId, number);
		await this.#editMessage(record);
	}

	async #editMessage(record: GiveawayRecord): Promise<boolean> {
		if (!record.messageId) return false;
		const { t } = await this.ctx.translator(record.guildId);
		const entries = await store.countEntries(this.ctx.em(), record.id);
		try {
			await this.ctx.client.rest.patch(`/channels/${record.channelId}/messages/${record.messageId}`, { body: giveawayMessage(t, record, entries) });
			return true;
		} catch (error) {
			if (isGone(error)) {
				this.ctx.logger.warn(`Giveaway #${record.number} of guild ${record.guildId}: its message ${record.messageId} in channel ${record.channelId} is gone or out of reach; not updated`);
				return false;
			}
			throw error;
		}
	}

	// ------------------------------------------------------------------ the end

	/**
	 * Ends a giveaway: draws round 0 (lib/draw.ts) from every entry, records the winners, then announces them. Exactly
	 * once: under the row lock, only a running or paused giveaway ends; a scheduled end (`early` false) that finds the
	 * end moved later (an edit) does nothing (the moved job ends it); one that finds the giveaway ended but never
	 * announced (the announcement failed, the job is retried) announces it.
	 * @returns what the end did, or null when there was nothing to end.
	 * @throws UserError `giveaways:errors.notRunning` for an early end of a giveaway already ended or cancelled.
	 */
	public async end(guildId: string, number: number, early: boolean): Promise<EndResult | null> {
		const now = this.ctx.clock.now();
		const ended = await this.ctx.em().transactional(async (tx) => {
			const record = await store.findGiveaway(tx, guildId, number, true);
			if (!record) return null;
			if (record.status === 'ended' && record.announcedAt === null && !early) {
				// Ended before, but its announcement failed (a retry of the end job): announce it now.
				return { record, winners: currentWinners(record), entries: await store.countEntries(tx, record.id), announceOnly: true };
			}
			if (record.status !== 'running' && record.status !== 'paused') {
				if (early) throw translatedUserError('giveaways:errors.notRunning', { number });
				return null;
			}
			if (!early && (record.status === 'paused' || record.endsAt > now)) return null;
			const entries = await store.allEntries(tx, record.id);
			const winners = drawWinners({ secret: record.secret, entries, count: record.winnerCount, round: 0, exclude: [] });
			const round: GiveawayRound = { round: 0, count: record.winnerCount, exclude: [], winners, at: new Date(now).toISOString(), reason: 'end' };
			const claims = this.#claimsFor(record, winners, now, true);
			const updated = await store.updateGiveaway(tx, record.id, { status: 'ended', endedAt: now, entriesHash: entriesHash(entries), rounds: [round], claims });
			return { record: updated, winners, entries: entries.length, announceOnly: false };
		});
		if (!ended) return null;
		if (early) await this.ctx.tasks.cancel(END_TASK, guildId, endKey(ended.record.id));
		// A failure here fails the end job, whose retry announces (above); a restart's reconcile does too.
		await this.#announce(ended.record, ended.winners, 'end', ended.entries);
		return { record: ended.record, winners: ended.winners, entries: ended.entries };
	}

	/** Claim deadlines for new winners (none when the giveaway has no claim time). */
	#claimsFor(record: GiveawayRecord, winners: readonly string[], now: number, rerollable: boolean): Record<string, GiveawayClaim> {
		const claims = { ...record.claims };
		if (record.claimSeconds === null) return claims;
		const deadline = new Date(now + record.claimSeconds * 1_000).toISOString();
		for (const userId of winners) claims[userId] = { deadline, claimedAt: null, replaced: false, rerollable };
		return claims;
	}

	/**
	 * Announces winners: a reply to the giveaway message pinging only them, with the draw record (every round so far),
	 * the message edited, claim deadlines scheduled. Where the announcement cannot go (message or channel deleted, no
	 * permission), the log says so; the winners stay recorded. Marks the giveaway announced.
	 */
	async #announce(record: GiveawayRecord, winners: readonly string[], kind: 'end' | 'reroll' | 'claim', entries: number, replaced?: string): Promise<void> {
		const { t } = await this.ctx.translator(record.guildId);
		const mentions = winners.map((id) => `<@${id}>`).join(', ');
		let content: string;
		if (kind === 'end') {
			content =
				winners.length === 0
					? t('giveaways:announce.none', { prize: record.prize })
					: winners.length < record.winnerCount
						? t('giveaways:announce.allEntrantsWin', { winners: mentions, prize: record.prize, count: entries })
						: t('giveaways:announce.winners', { winners: mentions, prize: record.prize });
			content += `\n${t('giveaways:announce.proof', { secret: record.secret, hash: record.entriesHash ?? '' })}`;
		} else if (kind === 'reroll') {
			content = winners.length === 0 ? t('giveaways:announce.rerollNone', { prize: record.prize }) : t('giveaways:announce.reroll', { winners: mentions, prize: record.prize });
		} else {
			content = t('giveaways:announce.claimReplaced', { winners: mentions, replaced: `<@${replaced}>`, prize: record.prize });
		}
		if (record.claimSeconds !== null && winners.length > 0) content += `\n${t('giveaways:announce.claimBy', { deadline: `<t:${Math.floor((this.ctx.clock.now() + record.claimSeconds * 1_000) / 1_000)}:R>` })}`;
		const channel = this.#guild(record.guildId)?.channels.cache.get(record.channelId);
		let announcementId: string | null = null;
		if (channel?.isTextBased()) {
			try {
				// Every announcement carries the draw record with every round so far, so rerolls can be checked too.
				const files = [drawRecordFile(record.number, await this.drawRecord(record))];
				const sent = await (channel as GuildTextBasedChannel).send({
					content: content.slice(0, 2_000),
					allowedMentions: { users: [...winners] },
					files,
					components: record.claimSeconds !== null && winners.length > 0 ? [claimButton(t, record.number)] : [],
					...(record.messageId ? { reply: { messageReference: record.messageId, failIfNotExists: false } } : {})
				});
				announcementId = sent.id;
			} catch (error) {
				if (!isGone(error)) throw error;
				this.ctx.logger.warn(`Giveaway #${record.number} of guild ${record.guildId}: the announcement could not be posted in channel ${record.channelId} (${describe(error)}); winners recorded: ${winners.join(', ') || 'none'}`);
			}
		} else {
			this.ctx.logger.warn(`Giveaway #${record.number} of guild ${record.guildId}: channel ${record.channelId} is gone; winners recorded: ${winners.join(', ') || 'none'}`);
		}
		await this.#editMessage(record);
		if (kind === 'end') await store.updateGiveaway(this.ctx.em(), record.id, { announcedAt: this.ctx.clock.now(), announcementMessageId: announcementId });
		if (record.claimSeconds !== null) {
			for (const userId of winners) {
				const claim = record.claims[userId];
				if (claim) await this.ctx.tasks.schedule(CLAIM_TASK, { guildId: record.guildId, at: Date.parse(claim.deadline), key: claimKey(record.id, userId), replace: true, payload: { number: record.number, userId } });
			}
		}
	}

	/** The published draw record of an ended giveaway (lib/draw.ts `DrawRecord`): secret, entries, every round. */
	public async drawRecord(record: GiveawayRecord): Promise<DrawRecord> {
		const built = buildDrawRecord({
			giveaway: { guildId: record.guildId, id: String(record.number), prize: record.prize },
			secret: record.secret,
			entries: await this.entries(record.id),
			rounds: record.rounds.map((round) => ({ count: round.count, winners: round.winners }))
		});
		// The values published at the start (commitment) and the end (entries hash), as stored: a check of the record
		// then also catches a stored value that no longer matches the secret or the entries.
		return { ...built, commitment: record.commitment, entriesHash: record.entriesHash ?? built.entriesHash };
	}

	/** `/giveaway verify`: recomputes every round from the published data. @throws UserError when not ended yet. */
	public async verify(guildId: string, number: number): Promise<{ record: GiveawayRecord; result: ReturnType<typeof verifyDrawRecord> }> {
		const record = await this.get(guildId, number);
		if (record.status !== 'ended') throw translatedUserError('giveaways:errors.notEnded', { number });
		return { record, result: verifyDrawRecord(await this.drawRecord(record)) };
	}

	/**
	 * Draws `count` more winners of an ended giveaway, never one who won before (round k ≥ 1 excludes every earlier
	 * winner).
	 * @throws UserError `giveaways:errors.notEnded`, `badWinners`.
	 */
	public async reroll(guildId: string, number: number, count: number): Promise<string[]> {
		if (!Number.isInteger(count) || count < 1 || count > MAX_WINNERS) throw translatedUserError('giveaways:errors.badWinners', { max: MAX_WINNERS });
		const result = await this.#drawAgain(guildId, number, count, 'reroll');
		await this.#announce(result.record, result.winners, 'reroll', 0);
		return result.winners;
	}

	async #drawAgain(guildId: string, number: number, count: number, reason: 'reroll' | 'claim', replaces?: string): Promise<{ record: GiveawayRecord; winners: string[] }> {
		const now = this.ctx.clock.now();
		return this.ctx.em().transactional(async (tx) => {
			const record = await store.findGiveaway(tx, guildId, number, true);
			if (!record) throw translatedUserError('giveaways:errors.unknown', { number });
			if (record.status !== 'ended') throw translatedUserError('giveaways:errors.notEnded', { number });
			const exclude = [...new Set(record.rounds.flatMap((round) => round.winners))];
			const entries = await store.allEntries(tx, record.id);
			const round = record.rounds.length;
			const winners = drawWinners({ secret: record.secret, entries, count, round, exclude });
			const entry: GiveawayRound = { round, count, exclude, winners, at: new Date(now).toISOString(), reason, ...(replaces ? { replaces } : {}) };
			const claims = this.#claimsFor(record, winners, now, reason === 'reroll');
			if (replaces && claims[replaces]) claims[replaces] = { ...claims[replaces], replaced: true };
			const updated = await store.updateGiveaway(tx, record.id, { rounds: [...record.rounds, entry], claims });
			return { record: updated, winners };
		});
	}

	/**
	 * A winner pressed Claim before their deadline.
	 * @returns `claimed`, `already`, `late` (deadline passed or replaced), or `notWinner`.
	 */
	public async claim(guildId: string, number: number, userId: string): Promise<'claimed' | 'already' | 'late' | 'notWinner'> {
		const now = this.ctx.clock.now();
		const outcome = await this.ctx.em().transactional(async (tx) => {
			const record = await store.findGiveaway(tx, guildId, number, true);
			const claim = record?.claims[userId];
			if (!record || !claim) return { result: 'notWinner' as const, record };
			if (claim.claimedAt) return { result: 'already' as const, record };
			if (claim.replaced || Date.parse(claim.deadline) < now) return { result: 'late' as const, record };
			await store.updateGiveaway(tx, record.id, { claims: { ...record.claims, [userId]: { ...claim, claimedAt: new Date(now).toISOString() } } });
			return { result: 'claimed' as const, record };
		});
		if (outcome.result === 'claimed' && outcome.record) await this.ctx.tasks.cancel(CLAIM_TASK, guildId, claimKey(outcome.record.id, userId));
		return outcome.result;
	}

	/**
	 * A winner's claim deadline passed (the claim task): if they did not claim and their place may be rerolled, one new
	 * winner is drawn for it (once per place: the replacement's own place is not rerolled again) and announced.
	 * @returns the replacement, or null when nothing was to do.
	 */
	public async expireClaim(guildId: string, number: number, userId: string): Promise<string | null> {
		const record = await store.findGiveaway(this.ctx.em(), guildId, number);
		const claim = record?.claims[userId];
		if (!record || !claim || claim.claimedAt || claim.replaced || !claim.rerollable) return null;
		if (Date.parse(claim.deadline) > this.ctx.clock.now()) return null;
		const result = await this.#drawAgain(guildId, number, 1, 'claim', userId);
		const next = result.record.claims;
		for (const winner of result.winners) if (next[winner]) next[winner] = { ...next[winner], rerollable: false };
		const saved = await store.updateGiveaway(this.ctx.em(), result.record.id, { claims: next });
		await this.#announce(saved, result.winners, 'claim', 0, userId);
		return result.winners[0] ?? null;
	}

	// ------------------------------------------------------------------ changes

	/** Cancels a running or paused giveaway: no winners, the end job removed. @throws UserError `notRunning`. */
	public async cancel(guildId: string, number: number): Promise<GiveawayRecord> {
		const record = await this.#change(guildId, number, (current) => (current.status === 'running' || current.status === 'paused' ? { status: 'cancelled' } : null));
		await this.ctx.tasks.cancel(END_TASK, guildId, endKey(record.id));
		await this.#editMessage(record);
		return record;
	}

	/** Pauses a running giveaway: the time left is kept, the end job removed. @throws UserError `notRunning`. */
	public async pause(guildId: string, number: number): Promise<GiveawayRecord> {
		const now = this.ctx.clock.now();
		const record = await this.#change(guildId, number, (current) => (current.status === 'running' ? { status: 'paused', remainingMs: Math.max(0, current.endsAt - now) } : null));
		await this.ctx.tasks.cancel(END_TASK, guildId, endKey(record.id));
		await this.#editMessage(record);
		return record;
	}

	/** Resumes a paused giveaway: it ends the time left from now. @throws UserError `notPaused`. */
	public async resume(guildId: string, number: number): Promise<GiveawayRecord> {
		const now = this.ctx.clock.now();
		const record = await this.#change(guildId, number, (current) => (current.status === 'paused' ? { status: 'running', endsAt: now + (current.remainingMs ?? 0), remainingMs: null } : null), 'giveaways:errors.notPaused');
		await this.#scheduleEnd(record);
		await this.#editMessage(record);
		return record;
	}

	/**
	 * Edits an open giveaway: prize, winner count, more time (ms, moving the end job).
	 * @throws UserError `notRunning`, `badWinners`, `badDuration` (past the guild's longest giveaway).
	 */
	public async edit(guildId: string, number: number, change: { prize?: string; winnerCount?: number; addMs?: number }): Promise<GiveawayRecord> {
		const config = await this.ctx.config(guildId);
		if (change.winnerCount !== undefined && (!Number.isInteger(change.winnerCount) || change.winnerCount < 1 || change.winnerCount > MAX_WINNERS)) {
			throw translatedUserError('giveaways:errors.badWinners', { max: MAX_WINNERS });
		}
		const record = await this.#change(guildId, number, (current) => {
			if (current.status !== 'running' && current.status !== 'paused') return null;
			const next: store.GiveawayChange = {};
			if (change.prize !== undefined) next.prize = change.prize;
			if (change.winnerCount !== undefined) next.winnerCount = change.winnerCount;
			if (change.addMs) {
				if (current.status === 'paused') next.remainingMs = (current.remainingMs ?? 0) + change.addMs;
				else next.endsAt = current.endsAt + change.addMs;
				const total = (next.endsAt ?? current.endsAt) - current.createdAt;
				if (total > config.maxDurationDays * 86_400_000) throw translatedUserError('giveaways:errors.badDuration', { days: config.maxDurationDays });
			}
			return next;
		});
		if (record.status === 'running' && change.addMs) await this.#scheduleEnd(record);
		await this.#editMessage(record);
		return record;
	}

	/** Applies `change` under the row lock; null from it means the giveaway is not in a state for it. */
	async #change(guildId: string, number: number, change: (current: GiveawayRecord) => store.GiveawayChange | null, refusal: 'giveaways:errors.notRunning' | 'giveaways:errors.notPaused' = 'giveaways:errors.notRunning'): Promise<GiveawayRecord> {
		return this.ctx.em().transactional(async (tx) => {
			const current = await store.findGiveaway(tx, guildId, number, true);
			if (!current) throw translatedUserError('giveaways:errors.unknown', { number });
			const next = change(current);
			if (!next) throw translatedUserError(refusal, { number });
			return Object.keys(next).length > 0 ? store.updateGiveaway(tx, current.id, next) : current;
		});
	}

	// ------------------------------------------------------------------ start-up

	/**
	 * After a restart: every running giveaway's end job is put back (keyed: harmless where it exists; a due end runs
	 * at once), an end committed but never announced is announced, and a giveaway whose message was never posted is
	 * removed. @returns how many giveaways were checked.
	 */
	public async reconcile(): Promise<number> {
		const em = this.ctx.em();
		const running = await store.runningGiveaways(em);
		for (const record of running) {
			if (record.messageId === null && this.ctx.clock.now() - record.createdAt > 60_000) await store.deleteGiveaway(em, record.id);
			else if (record.messageId !== null) await this.#scheduleEnd(record);
		}
		for (const record of await store.unannouncedGiveaways(em)) {
			await this.#announce(record, currentWinners(record), 'end', await store.countEntries(em, record.id));
		}
		return running.length;
	}

	#guild(guildId: string): Guild | undefined {
		return this.ctx.client.guilds.cache.get(guildId);
	}
}

/**
 * Files over this many bytes are attached gzip-compressed: Discord takes at most 10 MiB per file ("Uploading Files"),
 * and a record of 100,000 entries is about 5 MiB of JSON, so past roughly 150,000 entrants it would not fit; compressed
 * it shrinks about sevenfold. `npm run giveaway:verify` reads either.
 */
export const DRAW_FILE_GZIP_ABOVE = 8 * 1024 * 1024;

/** The draw record as an attachment: `giveaway-<n>-draw.json`, or `.json.gz` over {@link DRAW_FILE_GZIP_ABOVE}. */
export function drawRecordFile(number: number, record: DrawRecord): AttachmentBuilder {
	const json = Buffer.from(JSON.stringify(record, null, '\t'));
	return json.length > DRAW_FILE_GZIP_ABOVE
		? new AttachmentBuilder(gzipSync(json), { name: `giveaway-${number}-draw.json.gz` })
		: new AttachmentBuilder(json, { name: `giveaway-${number}-draw.json` });
}

/** Discord's answers meaning the message or channel is gone or out of the bot's reach. */
function isGone(error: unknown): boolean {
	return (
		error instanceof DiscordAPIError &&
		[RESTJSONErrorCodes.UnknownMessage, RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.MissingAccess, RESTJSONErrorCodes.MissingPermissions].includes(error.code as RESTJSONErrorCodes)
	);
}

/** A short description of a Discord error for the log. */
function describe(error: unknown): string {
	return error instanceof DiscordAPIError ? `${error.status} ${error.code} ${error.message}` : String(error);
}

export type { GiveawayRecord } from './store.js';
