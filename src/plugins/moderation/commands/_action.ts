import type { Command } from '@sapphire/framework';
import { MessageFlags, type SlashCommandBuilder } from 'discord.js';
import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { localizedOption } from '../../../lib/commands/localized.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import { MAX_REASON_LENGTH, type ActionResult } from '../service/ModerationService.js';
import { actionAnswer, NO_PINGS } from '../views/answers.js';

/** How an action command is declared: its name (also its key base), permission, and target option. */
export interface ActionCommandSpec {
	name: 'warn' | 'timeout' | 'untimeout' | 'kick' | 'ban' | 'softban' | 'unban';
	/** The PermissionFlagsBits value a moderator needs (declared to Discord and checked by the bot). */
	memberPermission: bigint;
	/** `member` (must be in the guild: the option lists members) or `user` (any user id: bans and unbans). */
	target: 'member' | 'user';
}

/**
 * The shape of the moderation action commands (`/warn`, `/timeout`, `/kick`, `/ban`, ...): a target option, the
 * command's own options, then an optional reason (at most 512 characters, Discord's audit-log limit; required by the
 * service when the guild's `requireReason` is on). The service does every check and the action; the moderator gets an
 * ephemeral answer with the case number (the mod log is the public record). Files starting with `_` are not loaded as
 * pieces.
 */
export abstract class ModerationActionCommand extends PluginCommand<'moderation'> {
	protected constructor(context: Command.LoaderContext, options: Command.Options, readonly spec: ActionCommandSpec) {
		super(context, { ...options, name: spec.name, plugin: 'moderation', memberPermission: spec.memberPermission });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, `moderation:commands.${this.spec.name}`, (builder) => {
			builder.addUserOption((option) => localizedOption(option, `moderation:options.${this.spec.target}`).setRequired(true));
			this.addOptions(builder);
			return builder.addStringOption((option) => localizedOption(option, 'moderation:options.reason').setMaxLength(MAX_REASON_LENGTH));
		});
	}

	/** Adds the command's own options between the target and the reason (none by default). */
	protected addOptions(_builder: SlashCommandBuilder): void {}

	/** Runs the action through the service. @throws the service's translated UserErrors (refusals, bad input). */
	protected abstract act(interaction: GuildChatInputInteraction, target: { id: string }, reason: string | null, locale: string): Promise<ActionResult>;

	protected override async runCommand(interaction: GuildChatInputInteraction) {
		const { locale, t } = await translateInteraction(interaction);
		const target = interaction.options.getUser(this.spec.target, true);
		// The service calls Discord, sends DMs and writes PostgreSQL: more than Discord's 3 seconds to answer.
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		const result = await this.act(interaction, target, interaction.options.getString('reason'), locale);
		return interaction.editReply({ content: actionAnswer(t, locale, result), ...NO_PINGS });
	}
}
