import { GuildMember, MessageFlags, PermissionFlagsBits, type APIInteractionGuildMember, type PermissionsBitField } from 'discord.js';
import { adminRun, answer, currentConfig, saveConfig, type AdminContext, type AdminHandler } from '../../../lib/commands/adminContext.js';
import { translatedUserError } from '../../../lib/errors.js';
import type { GiveawaysConfig } from '../lib/config.js';
import type { GiveawayService } from '../service/GiveawayService.js';

/**
 * What every `/giveaway` subcommand handler (commands/giveaway.ts) gets, `{ interaction, t, locale, logger, service }`
 * (the shared admin-command helper of src/lib/commands/adminContext.ts, typed for the giveaways plugin), and the access
 * rule every one of them applies first: Manage Server, or the guild's giveaway manager role (`managerRoleId`).
 *
 * The command declares no `default_member_permissions` (a manager without Manage Server must see it), so Discord shows
 * it to everyone and the bot checks access on every subcommand and every autocomplete request.
 */

/** What every `/giveaway` subcommand handler gets. */
export type GiveawaysAdminContext = AdminContext<GiveawayService>;

/** A `/giveaway` subcommand handler. */
export type GiveawaysHandler = AdminHandler<GiveawayService>;

/** What the access rule looks at: the member's permissions in the channel and their roles (both from the interaction). */
export interface AccessSubject {
	readonly memberPermissions: Readonly<PermissionsBitField> | null;
	readonly member: GuildMember | APIInteractionGuildMember | null;
}

/**
 * Whether the interaction's member may run giveaways: Manage Server, or the guild's manager role.
 * @param managerRoleId the guild's `managerRoleId` (null: Manage Server only).
 */
export function isGiveawayManager(subject: AccessSubject, managerRoleId: string | null): boolean {
	if (subject.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
	if (managerRoleId === null || !subject.member) return false;
	const { member } = subject;
	return member instanceof GuildMember ? member.roles.cache.has(managerRoleId) : member.roles.includes(managerRoleId);
}

/**
 * Refuses a member who may not run giveaways, naming both ways in (Manage Server, the manager role or how to set one).
 * @throws UserError `giveaways:errors.noAccess` (context: `role`, a mention) or `giveaways:errors.noAccessNoRole`.
 */
export function assertGiveawayManager(subject: AccessSubject, config: GiveawaysConfig): void {
	if (isGiveawayManager(subject, config.managerRoleId)) return;
	if (config.managerRoleId === null) throw translatedUserError('giveaways:errors.noAccessNoRole');
	throw translatedUserError('giveaways:errors.noAccess', { role: `<@&${config.managerRoleId}>` });
}

/** How a handler is run by {@link giveawaysRun}. */
export interface GiveawaysRunOptions {
	/**
	 * Defer the (ephemeral) answer once access is granted: for subcommands that post or edit messages, read every entry
	 * or draw, which may take longer than Discord's 3 seconds. A refusal after deferring is answered as an ephemeral
	 * follow-up (src/lib/replies.ts `replyEphemeral`).
	 */
	defer?: boolean;
}

/**
 * A handler as the `chatInputRun` of a subcommand mapping (src/lib/commands/adminContext.ts `adminRun`), behind the
 * access rule ({@link assertGiveawayManager}): a member without Manage Server or the manager role is refused,
 * translated and ephemeral, and nothing runs.
 */
export function giveawaysRun(handler: GiveawaysHandler, options: GiveawaysRunOptions = {}) {
	return adminRun<GiveawayService>(async (context) => {
		assertGiveawayManager(context.interaction, await currentConfig(context));
		if (options.defer) await context.interaction.deferReply({ flags: MessageFlags.Ephemeral });
		return handler(context);
	});
}

/** Discord's link to a message ("jump link"). */
export function jumpLink(guildId: string, channelId: string, messageId: string | null): string {
	return messageId ? `https://discord.com/channels/${guildId}/${channelId}/${messageId}` : `<#${channelId}>`;
}

/** Discord's relative timestamp markdown for a time in ms ("in 2 hours"), shown in each reader's own time zone. */
export function relativeTime(ms: number): string {
	return `<t:${Math.floor(ms / 1_000)}:R>`;
}

/** Mentions of users, comma-separated (answers never ping: src/lib/replies.ts NO_PINGS). */
export function userMentions(userIds: readonly string[]): string {
	return userIds.map((id) => `<@${id}>`).join(', ');
}

export { answer, currentConfig, saveConfig };
