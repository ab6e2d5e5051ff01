import { Command, CommandOptionsRunTypeEnum } from '@sapphire/framework';
import { InteractionContextType, type SlashCommandBuilder } from 'discord.js';

/** Options of a {@link GuildPermissionCommand}: Sapphire's command options plus the one permission it requires. */
export interface GuildPermissionCommandOptions extends Command.Options {
	/** A `PermissionFlagsBits` value (for example `ManageGuild`, "Manage Server") that a member needs. */
	memberPermission: bigint;
}

/**
 * A guild-only slash command reserved to members holding one permission, declared to Discord AND checked by the bot,
 * from a single value so the two cannot drift apart:
 * - {@link declare} sets `default_member_permissions` (Discord hides the command from members without it) and the
 *   guild context on the command's builder;
 * - the constructor sets Sapphire's `requiredUserPermissions`, because server admins can override the declaration
 *   per role or channel in their integration settings (Discord's documented behaviour), so the bot checks again and
 *   answers a refusal with the translated `preconditionUserPermissions` notice.
 * Use it for every admin command (`/plugins`, `/language`, a plugin's `/xp`, and later `/mod`, `/tickets`, ...).
 */
export abstract class GuildPermissionCommand extends Command {
	/** The permission a member needs (`PermissionFlagsBits` value). */
	public readonly memberPermission: bigint;

	protected constructor(context: Command.LoaderContext, options: GuildPermissionCommandOptions) {
		super(context, { ...options, requiredUserPermissions: [options.memberPermission], runIn: CommandOptionsRunTypeEnum.GuildAny });
		this.memberPermission = options.memberPermission;
	}

	/**
	 * Declares the permission and the guild-only context on the command's builder.
	 * @returns the same builder, for chaining subcommands.
	 */
	protected declare<T extends SlashCommandBuilder>(builder: T): T {
		builder.setDefaultMemberPermissions(this.memberPermission).setContexts(InteractionContextType.Guild);
		return builder;
	}
}
