import { DiscordAPIError, RESTJSONErrorCodes, Routes, type APIChannel, type User } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import { mention } from '../views/common.js';
import type { AdminContext } from './context.js';

/**
 * Checks of `/xp` options against the admin's guild, before anything is stored. A user, channel or role option names
 * an id; Discord's client only offers the guild's own, but a hand-made request can name any (found by generated
 * interactions, issue 12). discord.js does not help here: it adds a resolved channel or role to the interaction's guild
 * cache (with that guild as its guild) whatever guild it belongs to, so the guild's cache cannot answer "is it ours";
 * Discord's REST API can, and is asked unless the client already knows the id belongs to another guild.
 */

/** Discord's "this does not exist (for you)" answers: the id is not the guild's. */
const NOT_THERE = new Set<number | string>([
	RESTJSONErrorCodes.UnknownMember,
	RESTJSONErrorCodes.UnknownUser,
	RESTJSONErrorCodes.UnknownChannel,
	RESTJSONErrorCodes.UnknownRole,
	RESTJSONErrorCodes.MissingAccess
]);

/** Runs a REST read; `null` when Discord answers that the thing is unknown or out of reach (404/403), rethrows else. */
async function restRead<T>(read: () => Promise<unknown>): Promise<T | null> {
	try {
		return (await read()) as T;
	} catch (error) {
		if (error instanceof DiscordAPIError && (NOT_THERE.has(error.code) || error.status === 404 || error.status === 403)) return null;
		throw error;
	}
}

/**
 * Whether `user` is a member of the interaction's guild now: the member Discord resolved with the option (it sends one
 * only for members), else the guild's member cache, else a REST fetch (the member may not be cached).
 */
export async function isGuildMember(context: AdminContext, user: User, option = 'user'): Promise<boolean> {
	const { interaction } = context;
	if (interaction.options.getMember(option)) return true;
	if (interaction.guild?.members.cache.has(user.id)) return true;
	return (await restRead(() => interaction.client.rest.get(Routes.guildMember(interaction.guildId, user.id)))) !== null;
}

/**
 * Refuses (translated `voice-xp:errors.foreignChannel`) a channel that is not one of the interaction's guild: one the
 * client knows in another guild, or one Discord's REST API does not place in this guild.
 * @throws UserError when the channel is not the guild's.
 */
export async function assertGuildChannel(context: AdminContext, channelId: string): Promise<void> {
	const { interaction } = context;
	const known = interaction.client.channels.cache.get(channelId);
	let ours = !(known && 'guildId' in known && known.guildId !== interaction.guildId);
	if (ours) {
		const channel = await restRead<APIChannel>(() => interaction.client.rest.get(Routes.channel(channelId)));
		ours = channel !== null && 'guild_id' in channel && channel.guild_id === interaction.guildId;
	}
	if (!ours) throw translatedUserError('voice-xp:errors.foreignChannel', { channel: mention.channel(channelId) });
}

/**
 * Refuses (translated `voice-xp:errors.foreignRole`) a role that is not one of the interaction's guild: a role of
 * another cached guild, or one Discord's REST API does not know in this guild.
 * @throws UserError when the role is not the guild's.
 */
export async function assertGuildRole(context: AdminContext, roleId: string): Promise<void> {
	const { interaction } = context;
	const elsewhere = interaction.client.guilds.cache.some((guild) => guild.id !== interaction.guildId && guild.roles.cache.has(roleId));
	const ours = !elsewhere && (await restRead(() => interaction.client.rest.get(Routes.guildRole(interaction.guildId, roleId)))) !== null;
	if (!ours) throw translatedUserError('voice-xp:errors.foreignRole', { role: mention.role(roleId) });
}
