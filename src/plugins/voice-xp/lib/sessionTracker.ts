import { defaultVoiceXpConfig, type VoiceXpConfig } from './config.js';
import { evaluateChannel, type Eligibility, type VoiceOccupant } from './eligibility.js';

/**
 * Live voice sessions and the eligible time they accrue, in memory, per guild (issue 4, "Correctness").
 *
 * The tracker holds each member's current voice state. Any change in a channel (join, leave, move, mute, deafen,
 * stream, a bot joining, a change of the guild's AFK channel, categories or config) re-evaluates eligibility for
 * everyone in the affected channel(s) from that moment: a member who becomes ineligible stops accruing at `now`,
 * one who becomes eligible starts at `now`. Work per change is proportional to the size of the affected channel(s)
 * only, never to the guild or the whole bot.
 *
 * Eligible time accrues per (guild, member) as milliseconds and as XP units (ms × the guild's `xpPerMinute` in force
 * during that time, see accrual.ts), until {@link VoiceSessionTracker.drain} hands it to the batched flush. Sessions
 * still open at a drain keep accruing from the drain's `to`, so no time is lost and none is handed out twice.
 *
 * All times are milliseconds on the caller's clock (`Date.now()` in production, a fake clock in tests); the
 * tracker never reads the time itself. A `now` earlier than a session's start counts as zero time.
 */

/** A member's voice state as the tracker needs it: eligibility fields plus the channel (null = not in voice). */
export interface TrackedVoiceState extends VoiceOccupant {
	/** The voice channel the member is in, or null when they are not in voice (left, or disconnected). */
	channelId: string | null;
}

/** The guild facts eligibility depends on. */
export interface GuildVoiceContext {
	/** The guild's AFK channel id, or null. */
	afkChannelId: string | null;
	/** Each voice channel's parent category id (null when none); channels not listed count as having no category. */
	channelParents: ReadonlyMap<string, string | null>;
	/** The guild's plugin configuration. */
	config: VoiceXpConfig;
}

/** A change to a guild's context: fields left out stay as they are. */
export interface GuildVoiceContextUpdate {
	/** The guild's new AFK channel id (null for none). */
	afkChannelId?: string | null;
	/**
	 * Channel → parent category entries to set (merged into what is known, so a CHANNEL_UPDATE can pass one entry);
	 * a null parent means the channel has no category.
	 */
	channelParents?: Iterable<readonly [string, string | null]>;
	/** The guild's new configuration. */
	config?: VoiceXpConfig;
}

/** Eligible time accrued by one member of one guild over the half-open window [from, to). */
export interface VoiceXpDelta {
	/** The guild id. */
	guildId: string;
	/** The member's user id. */
	userId: string;
	/** Eligible milliseconds accrued in the window (integer > 0). */
	eligibleMs: number;
	/** The same time weighted by the XP rate in force: XP units in XP·ms/minute (60,000 units = 1 XP). */
	xpUnits: number;
	/** Start of the window, ms: the previous drain for a continuing session, else when eligible time began. */
	from: number;
	/** End of the window, ms: the drain's `now`. */
	to: number;
}

/** What `/rank` says about a member's live session. */
export type VoiceSessionExplanation =
	| { inVoice: false }
	| {
			inVoice: true;
			/** The voice channel they are in. */
			channelId: string;
			/** Whether they earn right now, and why not. */
			eligibility: Eligibility;
			/** Since when (ms) they have been earning without interruption, or null when they are not earning. */
			eligibleSince: number | null;
	  };

interface MemberSession {
	state: TrackedVoiceState & { channelId: string };
	eligibility: Eligibility;
	/** When the current uninterrupted eligible stretch began; null when not earning. */
	eligibleSince: number | null;
	/** Up to when the current stretch has been moved into the pending accrual (its start, or the last drain). */
	accruedUntil: number;
}

interface PendingAccrual {
	eligibleMs: number;
	xpUnits: number;
	from: number;
}

interface GuildSessions {
	context: GuildVoiceContext;
	/** Everyone in voice, by user id. */
	members: Map<string, MemberSession>;
	/** Occupants of each voice channel that has any, by channel id then user id. */
	channels: Map<string, Map<string, MemberSession>>;
	/** Sessions currently earning. */
	open: Set<MemberSession>;
	/** Time accrued since the last drain, by user id (including members who have since left). */
	pending: Map<string, PendingAccrual>;
	/** Set by removeGuild: forget the guild once its pending time is drained. */
	removed: boolean;
}

const STATE_FIELDS = ['channelId', 'bot', 'selfMute', 'selfDeaf', 'mute', 'deaf', 'selfStream', 'selfVideo'] as const;

function sameState(a: TrackedVoiceState, b: TrackedVoiceState): boolean {
	return STATE_FIELDS.every((field) => a[field] === b[field]);
}

/**
 * The live voice sessions of every guild this process holds. Not thread-shared state: one instance per process,
 * fed by the plugin's listeners, drained by its flush task. See the module description for the accrual rules.
 */
export class VoiceSessionTracker {
	readonly #guilds = new Map<string, GuildSessions>();

	/**
	 * Records a member's new voice state (a VOICE_STATE_UPDATE): join (`channelId` set), leave (`channelId` null),
	 * move, or a change of mute/deafen/stream/camera. Re-evaluates the old and the new channel from `now`.
	 * A state identical to the one held is ignored (a replayed event changes nothing).
	 *
	 * @param guildId the guild id
	 * @param state the member's full current voice state
	 * @param now the time of the change, ms
	 */
	applyVoiceState(guildId: string, state: TrackedVoiceState, now: number): void {
		const previous = this.#guilds.get(guildId)?.members.get(state.userId);
		if (previous === undefined && state.channelId === null) return;
		if (previous !== undefined && sameState(previous.state, state)) return;
		const guild = this.#guild(guildId);

		if (previous !== undefined && state.channelId === previous.state.channelId) {
			// Same channel (mute, deafen, stream, camera): the session goes on; only eligibility may change.
			previous.state = { ...state, channelId: previous.state.channelId };
			this.#evaluate(guild, previous.state.channelId, now);
			return;
		}
		if (previous !== undefined) {
			this.#remove(guild, previous, now);
			this.#evaluate(guild, previous.state.channelId, now);
		}
		if (state.channelId !== null) {
			this.#place(guild, state, state.channelId);
			this.#evaluate(guild, state.channelId, now);
		}
	}

	/**
	 * Ends a member's session (they left the guild, or were disconnected from voice without a state): their
	 * accrued time is kept for the next drain and the others in their channel are re-evaluated from `now`.
	 */
	removeMember(guildId: string, userId: string, now: number): void {
		const guild = this.#guilds.get(guildId);
		const session = guild?.members.get(userId);
		if (guild === undefined || session === undefined) return;
		this.#remove(guild, session, now);
		this.#evaluate(guild, session.state.channelId, now);
	}

	/**
	 * Replaces a guild's live sessions with the voice states Discord reports now (the `voice_states` of a GUILD_CREATE,
	 * or `/xp sync`). Sessions already held end at `now` (their accrued time is kept for the next drain); the given
	 * states start at `now`. States with a null channel are ignored. The guild's context is kept.
	 */
	resetGuild(guildId: string, states: Iterable<TrackedVoiceState>, now: number): void {
		const guild = this.#guild(guildId);
		this.#closeAll(guild, now);
		guild.members.clear();
		guild.channels.clear();
		for (const state of states) {
			if (state.channelId === null) continue;
			// A user listed twice keeps the last state given.
			const previous = guild.members.get(state.userId);
			if (previous !== undefined) this.#remove(guild, previous, now);
			this.#place(guild, state, state.channelId);
		}
		for (const channelId of guild.channels.keys()) this.#evaluate(guild, channelId, now);
	}

	/**
	 * Stops tracking a guild (the bot left it, or the plugin was disabled there): every session ends at `now`; the time
	 * already accrued is still handed out by the next drain, after which the guild is forgotten (context included).
	 */
	removeGuild(guildId: string, now: number): void {
		const guild = this.#guilds.get(guildId);
		if (guild === undefined) return;
		this.#closeAll(guild, now);
		guild.members.clear();
		guild.channels.clear();
		guild.removed = true;
		if (guild.pending.size === 0) this.#guilds.delete(guildId);
	}

	/**
	 * Changes what eligibility depends on in a guild (its AFK channel, channel categories, plugin config) and
	 * re-evaluates every channel of the guild from `now`. Time accrued before `now` keeps the XP rate that was in force.
	 * Guilds never given a context use no AFK channel, no categories and the default configuration.
	 */
	updateGuildContext(guildId: string, update: GuildVoiceContextUpdate, now: number): void {
		const guild = this.#guild(guildId);
		// Checkpoint open sessions so that time before `now` is weighted by the rate in force until now.
		for (const session of guild.open) this.#checkpoint(guild, session, now);
		const channelParents = new Map(guild.context.channelParents);
		for (const [channelId, parentId] of update.channelParents ?? []) channelParents.set(channelId, parentId);
		guild.context = {
			afkChannelId: update.afkChannelId !== undefined ? update.afkChannelId : guild.context.afkChannelId,
			channelParents,
			config: update.config ?? guild.context.config
		};
		for (const channelId of guild.channels.keys()) this.#evaluate(guild, channelId, now);
	}

	/** The context the tracker applies to a guild (defaults when never set). */
	guildContext(guildId: string): GuildVoiceContext {
		return this.#guilds.get(guildId)?.context ?? VoiceSessionTracker.#defaultContext();
	}

	/**
	 * Hands out the time accrued since the previous drain and resets it: one delta per (guild, member) with eligible
	 * time, covering [from, now). Open sessions keep accruing from `now`. O(earning members + members with pending time)
	 * of the guilds drained.
	 *
	 * @param now the drain time, ms (the deltas' `to`)
	 * @param guildIds drain only these guilds (each guild may have its own flush interval); default every guild
	 * @returns the deltas, at most one per (guild, member), none with zero time
	 */
	drain(now: number, guildIds?: Iterable<string>): VoiceXpDelta[] {
		const deltas: VoiceXpDelta[] = [];
		const selected: Iterable<[string, GuildSessions]> =
			guildIds === undefined
				? [...this.#guilds]
				: [...new Set(guildIds)].flatMap((guildId): [string, GuildSessions][] => {
						const guild = this.#guilds.get(guildId);
						return guild === undefined ? [] : [[guildId, guild]];
					});
		for (const [guildId, guild] of selected) {
			for (const session of guild.open) this.#checkpoint(guild, session, now);
			for (const [userId, pending] of guild.pending) {
				if (pending.eligibleMs > 0) {
					deltas.push({
						guildId,
						userId,
						eligibleMs: pending.eligibleMs,
						xpUnits: pending.xpUnits,
						from: pending.from,
						to: Math.max(now, pending.from)
					});
				}
			}
			guild.pending.clear();
			for (const session of guild.open) guild.pending.set(session.state.userId, { eligibleMs: 0, xpUnits: 0, from: now });
			if (guild.removed && guild.members.size === 0) this.#guilds.delete(guildId);
		}
		return deltas;
	}

	/**
	 * Forgets the time a member accrued since the last drain (an admin's `/xp reset`: what was earned before the reset
	 * must not be written after it). A session still earning goes on accruing from `now`.
	 */
	discardPending(guildId: string, userId: string, now: number): void {
		const guild = this.#guilds.get(guildId);
		if (guild === undefined) return;
		guild.pending.delete(userId);
		const session = guild.members.get(userId);
		if (session?.eligibleSince != null) {
			session.accruedUntil = Math.max(now, session.accruedUntil);
			guild.pending.set(userId, { eligibleMs: 0, xpUnits: 0, from: session.accruedUntil });
		}
	}

	/** Whether the tracker holds the guild (its context was set, or it has sessions or undrained time). */
	tracks(guildId: string): boolean {
		const guild = this.#guilds.get(guildId);
		return guild !== undefined && !guild.removed;
	}

	/** The guilds the tracker holds (not those being removed). */
	trackedGuildIds(): string[] {
		return [...this.#guilds].filter(([, guild]) => !guild.removed).map(([guildId]) => guildId);
	}

	/**
	 * The time a member has accrued since the last drain, not yet written (for `/rank` to add to stored figures).
	 * Does not change anything.
	 *
	 * @returns eligible milliseconds and XP units (XP·ms/minute) up to `now`
	 */
	unflushed(guildId: string, userId: string, now: number): { eligibleMs: number; xpUnits: number } {
		const guild = this.#guilds.get(guildId);
		const pending = guild?.pending.get(userId);
		let eligibleMs = pending?.eligibleMs ?? 0;
		let xpUnits = pending?.xpUnits ?? 0;
		const session = guild?.members.get(userId);
		if (guild !== undefined && session?.eligibleSince != null) {
			const duration = Math.max(0, now - session.accruedUntil);
			eligibleMs += duration;
			xpUnits += duration * guild.context.config.xpPerMinute;
		}
		return { eligibleMs, xpUnits };
	}

	/** Whether a member is in voice in a guild, and whether (and since when) they earn, or why not. */
	explain(guildId: string, userId: string): VoiceSessionExplanation {
		const session = this.#guilds.get(guildId)?.members.get(userId);
		if (session === undefined) return { inVoice: false };
		return {
			inVoice: true,
			channelId: session.state.channelId,
			eligibility: { ...session.eligibility },
			eligibleSince: session.eligibleSince
		};
	}

	/** Counts for metrics and benchmarks: guilds tracked, members in voice, members earning now. */
	counts(): { guilds: number; members: number; earning: number } {
		let members = 0;
		let earning = 0;
		for (const guild of this.#guilds.values()) {
			members += guild.members.size;
			earning += guild.open.size;
		}
		return { guilds: this.#guilds.size, members, earning };
	}

	static #defaultContext(): GuildVoiceContext {
		return { afkChannelId: null, channelParents: new Map(), config: { ...defaultVoiceXpConfig } };
	}

	/** The guild's sessions, created on first use (and tracked again if it was being removed). */
	#guild(guildId: string): GuildSessions {
		let guild = this.#guilds.get(guildId);
		if (guild === undefined) {
			guild = {
				context: VoiceSessionTracker.#defaultContext(),
				members: new Map(),
				channels: new Map(),
				open: new Set(),
				pending: new Map(),
				removed: false
			};
			this.#guilds.set(guildId, guild);
		}
		guild.removed = false;
		return guild;
	}

	/** Puts a new, not yet evaluated, session for `state` in its channel. */
	#place(guild: GuildSessions, state: TrackedVoiceState, channelId: string): void {
		const session: MemberSession = {
			state: { ...state, channelId },
			eligibility: { eligible: false },
			eligibleSince: null,
			accruedUntil: 0
		};
		guild.members.set(state.userId, session);
		let channel = guild.channels.get(channelId);
		if (channel === undefined) {
			channel = new Map();
			guild.channels.set(channelId, channel);
		}
		channel.set(state.userId, session);
	}

	/** Takes a session out of its channel and the guild, ending its accrual at `now`. */
	#remove(guild: GuildSessions, session: MemberSession, now: number): void {
		this.#close(guild, session, now);
		guild.members.delete(session.state.userId);
		const channel = guild.channels.get(session.state.channelId);
		channel?.delete(session.state.userId);
		if (channel?.size === 0) guild.channels.delete(session.state.channelId);
	}

	#closeAll(guild: GuildSessions, now: number): void {
		for (const session of [...guild.open]) this.#close(guild, session, now);
	}

	/** Re-evaluates everyone in one channel from `now`, opening and closing accruals where eligibility changed. */
	#evaluate(guild: GuildSessions, channelId: string, now: number): void {
		const channel = guild.channels.get(channelId);
		if (channel === undefined) return;
		const sessions = [...channel.values()];
		const results = evaluateChannel(
			sessions.map((session) => session.state),
			{
				channelId,
				parentId: guild.context.channelParents.get(channelId) ?? null,
				afkChannelId: guild.context.afkChannelId,
				config: guild.context.config
			}
		);
		results.forEach((result, index) => {
			const session = sessions[index]!;
			session.eligibility = result.reason === undefined ? { eligible: result.eligible } : { eligible: result.eligible, reason: result.reason };
			if (result.eligible && session.eligibleSince === null) this.#open(guild, session, now);
			else if (!result.eligible && session.eligibleSince !== null) this.#close(guild, session, now);
		});
	}

	#open(guild: GuildSessions, session: MemberSession, now: number): void {
		session.eligibleSince = now;
		session.accruedUntil = now;
		guild.open.add(session);
		if (!guild.pending.has(session.state.userId)) {
			guild.pending.set(session.state.userId, { eligibleMs: 0, xpUnits: 0, from: now });
		}
	}

	/** Moves the time since `accruedUntil` into the pending accrual; the session keeps earning from `now`. */
	#checkpoint(guild: GuildSessions, session: MemberSession, now: number): void {
		if (session.eligibleSince === null) return;
		const duration = Math.max(0, now - session.accruedUntil);
		let pending = guild.pending.get(session.state.userId);
		if (pending === undefined) {
			pending = { eligibleMs: 0, xpUnits: 0, from: session.accruedUntil };
			guild.pending.set(session.state.userId, pending);
		}
		pending.eligibleMs += duration;
		pending.xpUnits += duration * guild.context.config.xpPerMinute;
		session.accruedUntil = Math.max(now, session.accruedUntil);
	}

	#close(guild: GuildSessions, session: MemberSession, now: number): void {
		if (session.eligibleSince === null) return;
		this.#checkpoint(guild, session, now);
		session.eligibleSince = null;
		guild.open.delete(session);
	}
}
