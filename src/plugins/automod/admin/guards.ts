import { isGuildChannel, isGuildRole } from '../../../lib/commands/adminContext.js';
import { translatedUserError } from '../../../lib/errors.js';
import type { AutomodAdminContext } from './context.js';
import { mention } from './format.js';

/**
 * Checks of `/automod` options against the admin's guild, before anything is stored: Discord's client only offers the
 * guild's own channels and roles, but a hand-made request can name another guild's (src/lib/commands/adminContext.ts
 * explains why the interaction's caches cannot tell, and asks Discord's REST API).
 */

/**
 * Refuses a channel that is not one of the interaction's guild.
 * @throws UserError `automod:errors.foreignChannel` (context: `channel`, a mention).
 */
export async function assertOwnChannel(context: AutomodAdminContext, channelId: string): Promise<void> {
	if (!(await isGuildChannel(context.interaction, channelId))) throw translatedUserError('automod:errors.foreignChannel', { channel: mention.channel(channelId) });
}

/**
 * Refuses a role that is not one of the interaction's guild, and the guild's @everyone role (exempting it would turn
 * the filters off for everyone: use `/automod filter off` for that).
 * @throws UserError `automod:errors.everyoneRole`, `automod:errors.foreignRole` (context: `role`, a mention).
 */
export async function assertOwnRole(context: AutomodAdminContext, roleId: string): Promise<void> {
	if (roleId === context.interaction.guildId) throw translatedUserError('automod:errors.everyoneRole');
	if (!(await isGuildRole(context.interaction, roleId))) throw translatedUserError('automod:errors.foreignRole', { role: mention.role(roleId) });
}
