import type { VoiceXpConfig } from './config.js';

/**
 * Who in a voice channel earns voice XP right now (issue 4, "Not eligible: …").
 *
 * The rules, and the reason reported for the first one that applies, in this order:
 * 1. `bot`: bots never earn.
 * 2. `afk`: the channel is the guild's AFK channel (when `config.afkChannelIneligible`, the default).
 * 3. `excluded`: the channel, or its parent category, is in `excludedChannelIds` / `excludedCategoryIds`.
 * 4. `deafened`: self- or server-deafened. Checked before muted because Discord self-mutes whoever self-deafens.
 * 5. `muted`: self- or server-muted.
 * 6. `alone`: fewer than two non-bot members in the channel.
 * 7. `bots`: at least as many bots as non-bot members in the channel.
 *
 * Who counts as a non-bot member for rules 6 and 7: every non-bot member present in the channel, whatever their
 * own state. A muted or deafened human still counts as company (as in the usual XP bots: they are in the call and
 * can hear or be heard, and the rule is about not sitting alone), and makes the others eligible; they themselves
 * earn nothing because of rule 4 or 5.
 *
 * With `config.streamingCountsAlone`, a member who streams (Go Live) or has the camera on is exempt from rules 6
 * and 7 (alone, or with bots only, is the same situation for a streamer); rules 1 to 5 still apply.
 */

/** Why a member in voice earns nothing; see the module description for the order in which they are checked. */
export type IneligibilityReason = 'bot' | 'afk' | 'excluded' | 'muted' | 'deafened' | 'alone' | 'bots';

/** A member in a voice channel, as far as eligibility is concerned (fields of Discord's voice state object). */
export interface VoiceOccupant {
	/** The member's user id (snowflake). */
	userId: string;
	/** Whether the user is a bot account. */
	bot: boolean;
	/** Muted by themselves (`self_mute`). */
	selfMute: boolean;
	/** Deafened by themselves (`self_deaf`). */
	selfDeaf: boolean;
	/** Muted by the server (`mute`). */
	mute: boolean;
	/** Deafened by the server (`deaf`). */
	deaf: boolean;
	/** Streaming with Go Live (`self_stream`; Discord omits it when false). */
	selfStream: boolean;
	/** Camera on (`self_video`). */
	selfVideo: boolean;
}

/** The channel and guild facts the rules need. */
export interface ChannelEligibilityContext {
	/** The voice channel's id. */
	channelId: string;
	/** The channel's parent category id, or null when it has none. */
	parentId: string | null;
	/** The guild's AFK channel id (`afk_channel_id`), or null when the guild has none. */
	afkChannelId: string | null;
	/** The guild's plugin configuration (only the eligibility fields are read). */
	config: Pick<
		VoiceXpConfig,
		'afkChannelIneligible' | 'excludedChannelIds' | 'excludedCategoryIds' | 'streamingCountsAlone'
	>;
}

/** The outcome for one occupant. */
export interface Eligibility {
	/** True when the member earns XP and voice time right now. */
	eligible: boolean;
	/** Present exactly when `eligible` is false. */
	reason?: IneligibilityReason;
}

/** The outcome for one occupant, with the occupant's user id. */
export interface OccupantEligibility extends Eligibility {
	/** The occupant's user id. */
	userId: string;
}

/** Whether the whole channel earns nothing, whoever is in it: the reason, or null when members may earn. */
export function channelIneligibility(context: ChannelEligibilityContext): 'afk' | 'excluded' | null {
	const { channelId, parentId, afkChannelId, config } = context;
	if (config.afkChannelIneligible && afkChannelId !== null && channelId === afkChannelId) return 'afk';
	if (config.excludedChannelIds.includes(channelId)) return 'excluded';
	if (parentId !== null && config.excludedCategoryIds.includes(parentId)) return 'excluded';
	return null;
}

/**
 * Decides, for each occupant of one voice channel, whether they earn XP right now and, if not, why.
 * Pure and O(occupants + excluded ids); the session tracker calls it for one channel on every change in it.
 *
 * @param occupants everyone in the channel, bots included (order kept in the result)
 * @param context the channel, its category, the guild's AFK channel and the guild's configuration
 * @returns one entry per occupant, in the same order
 */
export function evaluateChannel(
	occupants: readonly VoiceOccupant[],
	context: ChannelEligibilityContext
): OccupantEligibility[] {
	const channelReason = channelIneligibility(context);
	let humans = 0;
	let bots = 0;
	for (const occupant of occupants) {
		if (occupant.bot) bots++;
		else humans++;
	}
	const companyReason: 'alone' | 'bots' | null = humans < 2 ? 'alone' : bots >= humans ? 'bots' : null;

	return occupants.map((occupant): OccupantEligibility => {
		const { userId } = occupant;
		if (occupant.bot) return { userId, eligible: false, reason: 'bot' };
		if (channelReason !== null) return { userId, eligible: false, reason: channelReason };
		if (occupant.selfDeaf || occupant.deaf) return { userId, eligible: false, reason: 'deafened' };
		if (occupant.selfMute || occupant.mute) return { userId, eligible: false, reason: 'muted' };
		if (companyReason !== null) {
			const streaming = occupant.selfStream || occupant.selfVideo;
			if (!(context.config.streamingCountsAlone && streaming)) return { userId, eligible: false, reason: companyReason };
		}
		return { userId, eligible: true };
	});
}
