import { DiscordAPIError, RESTJSONErrorCodes, Routes, type APIEmbed, type Client, type Guild, type GuildMember, type PermissionsString } from 'discord.js';
import { z } from 'zod';
import { translatedUserError } from '../../../lib/errors.js';
import type { BotLogger } from '../../../lib/observability/logger.js';
import type { RankedMember } from '../lib/hierarchy.js';

/**
 * The Discord side of the plugin's actions, through REST. A moderation action, a timed unban or an escalation may run
 * in a process that does not hold the guild's shard (a task runs wherever BullMQ hands it), so nothing here relies on
 * the gateway cache being there: the guild comes from the cache when this process holds it, else from REST without
 * being added to the cache (src/plugins/voice-xp/service/tierSweep.ts does the same).
 */

/** Whether an error is Discord's answer with one of these JSON error codes. */
export function isDiscordError(error: unknown, ...codes: RESTJSONErrorCodes[]): error is DiscordAPIError {
	return error instanceof DiscordAPIError && codes.some((code) => error.code === code);
}

/**
 * The guild: this process's cached copy (kept current by the gateway), else fetched through REST without caching it.
 * @throws DiscordAPIError when the bot is not in the guild (or Discord is unreachable).
 */
export async function loadGuild(client: Client, guildId: string): Promise<Guild> {
	return client.guilds.cache.get(guildId) ?? client.guilds.fetch({ guild: guildId, force: true, cache: false, withCounts: false });
}

/** A member of the guild (from the cache, else REST), or null when the user is not a member (or not a user at all). */
export async function fetchMember(guild: Guild, userId: string): Promise<GuildMember | null> {
	try {
		return await guild.members.fetch(userId);
	} catch (error) {
		if (isDiscordError(error, RESTJSONErrorCodes.UnknownMember, RESTJSONErrorCodes.UnknownUser)) return null;
		throw error;
	}
}

/** The bot's own member in the guild. */
export async function fetchBotMember(guild: Guild): Promise<GuildMember> {
	return guild.members.me ?? guild.members.fetchMe();
}

/** A member as lib/hierarchy.ts ranks them. */
export function ranked(member: GuildMember): RankedMember {
	const highest = member.roles.highest;
	return { id: member.id, highestRole: { id: highest.id, position: highest.position }, roleIds: [...member.roles.cache.keys()] };
}

/**
 * Throws when the bot lacks a guild permission an action needs (Administrator counts as all).
 * @throws UserError `moderation:errors.botMissingPermissions` (context: `permissions`, and `missing`, which
 *   src/lib/replies.ts turns into the permissions' translated names).
 */
export function assertBotPermissions(me: GuildMember, needed: readonly PermissionsString[]): void {
	const missing = me.permissions.missing([...needed]);
	if (missing.length) throw translatedUserError('moderation:errors.botMissingPermissions', { permissions: missing.join(', '), missing });
}

/**
 * Discord's refusals of an action that the moderator can understand, as translated errors: 403 Missing Permissions
 * (a permission or role position changed since the checks), Unknown Member, Unknown User, Unknown Ban. Anything else is
 * returned as it was (an unexpected error, answered with an error id).
 */
export function translateDiscordRefusal(error: unknown, targetId: string): unknown {
	const user = `<@${targetId}>`;
	if (isDiscordError(error, RESTJSONErrorCodes.MissingPermissions)) return translatedUserError('moderation:errors.discordRefused');
	if (isDiscordError(error, RESTJSONErrorCodes.UnknownMember)) return translatedUserError('moderation:errors.notMember', { user });
	if (isDiscordError(error, RESTJSONErrorCodes.UnknownUser)) return translatedUserError('moderation:errors.unknownUser', { user: targetId });
	if (isDiscordError(error, RESTJSONErrorCodes.UnknownBan)) return translatedUserError('moderation:errors.notBanned', { user });
	return error;
}

/** Runs a Discord action, turning Discord's refusals into translated errors ({@link translateDiscordRefusal}). */
export async function discordAction<T>(targetId: string, action: () => Promise<T>): Promise<T> {
	try {
		return await action();
	} catch (error) {
		throw translateDiscordRefusal(error, targetId);
	}
}

/** Discord REST calls of the actions; `reason` is the audit-log reason (lib/auditReason.ts). */
export const discordActions = {
	/** `PUT /guilds/{guild}/bans/{user}`: bans (a member or not), deleting their messages of the last `deleteMessageSeconds` (0-604,800). */
	ban: (client: Client, guildId: string, userId: string, deleteMessageSeconds: number, reason: string) =>
		client.rest.put(Routes.guildBan(guildId, userId), { body: { delete_message_seconds: deleteMessageSeconds }, reason }),
	/** `DELETE /guilds/{guild}/bans/{user}`: lifts a ban (404 Unknown Ban when there is none). */
	unban: (client: Client, guildId: string, userId: string, reason: string) => client.rest.delete(Routes.guildBan(guildId, userId), { reason }),
	/** `DELETE /guilds/{guild}/members/{user}`: kicks. */
	kick: (client: Client, guildId: string, userId: string, reason: string) => client.rest.delete(Routes.guildMember(guildId, userId), { reason }),
	/** `PATCH /guilds/{guild}/members/{user}` with `communication_disabled_until`: a timeout until `until` (ms), or none (null). */
	timeout: (client: Client, guildId: string, userId: string, until: number | null, reason: string) =>
		client.rest.patch(Routes.guildMember(guildId, userId), {
			body: { communication_disabled_until: until === null ? null : new Date(until).toISOString() },
			reason
		})
};

/**
 * Whether the user is banned from the guild (`GET /guilds/{guild}/bans/{user}`; 404 Unknown Ban: not banned).
 * @throws DiscordAPIError for other refusals (Missing Permissions without Ban Members).
 */
export async function isBanned(client: Client, guildId: string, userId: string): Promise<boolean> {
	try {
		await client.rest.get(Routes.guildBan(guildId, userId));
		return true;
	} catch (error) {
		if (isDiscordError(error, RESTJSONErrorCodes.UnknownBan)) return false;
		throw error;
	}
}

/** The part of a created message (or channel) the plugin reads: its id. */
const withId = z.object({ id: z.string() });

/**
 * The outcome of a DM to the member:
 * - `sent` (with where, so it can be taken back if the action then fails);
 * - `refused`: Discord answered 50007, the member does not accept DMs from the bot ("not notified");
 * - `failed`: another error (logged);
 * - `off`: the guild's config does not DM for this action;
 * - `notMember`: the user is not in the guild, so the bot shares no server with them and cannot DM them.
 */
export type DmOutcome = { status: 'sent'; channelId: string; messageId: string } | { status: 'refused' | 'failed' | 'off' | 'notMember' };

/**
 * Sends a DM (`POST /users/@me/channels`, then a message in it). Never throws: closed DMs give `refused`, any other
 * failure `failed` (logged as a warning).
 */
export async function sendDm(client: Client, userId: string, content: string, logger: BotLogger): Promise<DmOutcome> {
	try {
		const channel = withId.parse(await client.rest.post(Routes.userChannels(), { body: { recipient_id: userId } }));
		const message = withId.parse(await client.rest.post(Routes.channelMessages(channel.id), { body: { content, allowed_mentions: { parse: [] } } }));
		return { status: 'sent', channelId: channel.id, messageId: message.id };
	} catch (error) {
		if (isDiscordError(error, RESTJSONErrorCodes.CannotSendMessagesToThisUser, RESTJSONErrorCodes.CannotSendMessagesToThisUserDueToHavingNoMutualGuilds)) {
			return { status: 'refused' };
		}
		logger.warn(`DM to ${userId} could not be sent:`, error);
		return { status: 'failed' };
	}
}

/** Takes back a DM whose action did not happen (the ban failed after the member was told). Failures are logged. */
export async function deleteDm(client: Client, dm: DmOutcome, logger: BotLogger): Promise<void> {
	if (dm.status !== 'sent') return;
	try {
		await client.rest.delete(Routes.channelMessage(dm.channelId, dm.messageId));
	} catch (error) {
		logger.warn(`DM ${dm.messageId} about an action that failed could not be deleted:`, error);
	}
}

/**
 * Posts an embed in a channel. @returns the message id.
 * @throws DiscordAPIError when Discord refuses (the caller logs it: a mod log never fails a case).
 */
export async function postEmbed(client: Client, channelId: string, embed: APIEmbed): Promise<string> {
	const message = withId.parse(await client.rest.post(Routes.channelMessages(channelId), { body: { embeds: [embed], allowed_mentions: { parse: [] } } }));
	return message.id;
}

/** Replaces the embed of a message. @throws DiscordAPIError when Discord refuses (the caller logs it). */
export async function editEmbed(client: Client, channelId: string, messageId: string, embed: APIEmbed): Promise<void> {
	await client.rest.patch(Routes.channelMessage(channelId, messageId), { body: { embeds: [embed] } });
}
