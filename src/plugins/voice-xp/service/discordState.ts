import { PermissionFlagsBits, type Guild, type VoiceState } from 'discord.js';
import type { VoiceXpTier } from '../lib/config.js';
import type { TrackedVoiceState } from '../lib/sessionTracker.js';
import { roleRanks, tierProblems, type TierStatus } from '../lib/tiers.js';

/**
 * Translates discord.js objects (from the gateway caches) into the plain values of the plugin's lib/.
 */

/**
 * A member's voice state as the tracker needs it. Discord's voice state fields: `self_mute`, `self_deaf`, `mute`,
 * `deaf` (server), `self_stream` (Go Live; omitted when false), `self_video`, `channel_id` (null when disconnected).
 * Whether the user is a bot comes from the member (sent with every guild voice state) or the user cache.
 */
export function trackedVoiceState(state: VoiceState): TrackedVoiceState {
	const bot = state.member?.user.bot ?? state.client.users.cache.get(state.id)?.bot ?? false;
	return {
		userId: state.id,
		channelId: state.channelId,
		bot,
		selfMute: state.selfMute === true,
		selfDeaf: state.selfDeaf === true,
		mute: state.serverMute === true,
		deaf: state.serverDeaf === true,
		selfStream: state.streaming === true,
		selfVideo: state.selfVideo === true
	};
}

/** Every voice state of a guild's cache with a channel (the members in voice now, as the gateway reported them). */
export function guildVoiceStates(guild: Guild): TrackedVoiceState[] {
	return [...guild.voiceStates.cache.values()].filter((state) => state.channelId !== null).map(trackedVoiceState);
}

/** Each voice-based channel of the guild (voice and stage) with its parent category (null when none). */
export function voiceChannelParents(guild: Guild): [string, string | null][] {
	return [...guild.channels.cache.values()]
		.filter((channel) => channel.isVoiceBased())
		.map((channel): [string, string | null] => [channel.id, channel.parentId ?? null]);
}

/**
 * What stops the bot from giving or taking each tier role in this guild (lib/tiers.ts `tierProblems`), from the
 * bot's member (Manage Roles, highest role) and the guild's role cache, ordering roles as Discord does.
 * Without the bot's own member in the cache, every tier reports `missing-manage-roles` (nothing can be checked).
 */
export function tierStatuses(guild: Guild, tiers: readonly VoiceXpTier[]): TierStatus[] {
	const me = guild.members.me;
	const ranks = roleRanks(guild.roles.cache.map((role) => ({ id: role.id, position: role.position })));
	const managed = new Set(guild.roles.cache.filter((role) => role.managed).map((role) => role.id));
	if (!me) return tierProblems(tiers, Number.POSITIVE_INFINITY, false, ranks, managed);
	const botRank = ranks.get(me.roles.highest.id) ?? 0;
	return tierProblems(tiers, botRank, me.permissions.has(PermissionFlagsBits.ManageRoles), ranks, managed);
}
