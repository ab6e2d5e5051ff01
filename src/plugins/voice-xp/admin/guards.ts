import type { User } from 'discord.js';
import { isGuildChannel, isGuildMember as isMemberOfGuild, isGuildRole } from '../../../lib/commands/adminContext.js';
import { translatedUserError } from '../../../lib/errors.js';
import { mention } from '../views/common.js';
import type { AdminContext } from './context.js';

/**
 * Checks of `/xp` options against the admin's guild, before anything is stored. A user, channel or role option names
 * an id; Discord's client only offers the guild's own, but a hand-made request can name any (found by generated
 * interactions, issue 12). discord.js does not help here: it adds a resolved channel or role to the interaction's guild
 * cache (with that guild as its guild) whatever guild it belongs to, so the guild's cache cannot answer "is it ours";
 * Discord's REST API can, and is asked unless the client already knows the id belongs to another guild (the checks
 * themselves are the core's: src/lib/commands/adminContext.ts).
 */

/**
 * Whether `user` is a member of the interaction's guild now: the member Discord resolved with the option (it sends one
 * only for members), else the guild's member cache, else a REST fetch (the member may not be cached).
 */
export async function isGuildMember(context: AdminContext, user: User, option = 'user'): Promise<boolean> {
	return isMemberOfGuild(context.interaction, user.id, option);
}

/**
 * Refuses (translated `voice-xp:errors.foreignChannel`) a channel that is not one of the interaction's guild: one the
 * client knows in another guild, or one Discord's REST API does not place in this guild.
 * @throws UserError when the channel is not the guild's.
 */
export async function assertGuildChannel(context: AdminContext, channelId: string): Promise<void> {
	if (!(await isGuildChannel(context.interaction, channelId))) throw translatedUserError('voice-xp:errors.foreignChannel', { channel: mention.channel(channelId) });
}

/**
 * Refuses (translated `voice-xp:errors.foreignRole`) a role that is not one of the interaction's guild: a role of
 * another cached guild, or one Discord's REST API does not know in this guild.
 * @throws UserError when the role is not the guild's.
 */
export async function assertGuildRole(context: AdminContext, roleId: string): Promise<void> {
	if (!(await isGuildRole(context.interaction, roleId))) throw translatedUserError('voice-xp:errors.foreignRole', { role: mention.role(roleId) });
}
