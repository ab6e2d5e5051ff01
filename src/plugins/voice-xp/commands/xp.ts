import type { Command } from '@sapphire/framework';
import { GuildPermissionCommand } from '../../../lib/guildPermissionCommand.js';
import { applyLocalizedBuilder, createLocalizedChoice } from '@sapphire/plugin-i18next';
import {
	ChannelType,
	PermissionFlagsBits,
	type ChatInputCommandInteraction,
	type SlashCommandBuilder,
	type SlashCommandSubcommandBuilder,
	type SlashCommandSubcommandGroupBuilder
} from 'discord.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { XP_CONFIG_HANDLERS } from '../admin/config.js';
import { xpAdd, xpReset, xpSync } from '../admin/members.js';
import { XP_TIERS_HANDLERS } from '../admin/tiers.js';
import type { AdminContext } from '../admin/context.js';
import { MAX_FLUSH_INTERVAL_SECONDS } from '../lib/config.js';
import { MAX_XP_ADJUSTMENT } from '../lib/stats.js';

type Localizable = SlashCommandBuilder | SlashCommandSubcommandBuilder | SlashCommandSubcommandGroupBuilder;

/**
 * Name and description of a builder from `voice-xp:commands.xp[.<path>].name|description`, with Discord
 * localizations for every shipped locale.
 */
function localized<T extends Localizable>(builder: T, path?: string): T {
	const base = path ? `voice-xp:commands.xp.${path}` : 'voice-xp:commands.xp';
	return applyLocalizedBuilder(builder, `${base}.name`, `${base}.description`) as T;
}

/** An option's localized name and description (`voice-xp:commands.xp.options.<key>`). */
function option<T extends Parameters<typeof applyLocalizedBuilder>[0]>(builder: T, key: string): T {
	return applyLocalizedBuilder(builder, `voice-xp:commands.xp.options.${key}.name`, `voice-xp:commands.xp.options.${key}.description`) as T;
}

/** Voice-based channels and categories: what `/xp config exclude|include` accept. */
const EXCLUDABLE_CHANNELS = [ChannelType.GuildVoice, ChannelType.GuildStageVoice, ChannelType.GuildCategory] as const;

/** Channels a level-up announcement can go to. */
const ANNOUNCEMENT_CHANNELS = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

/** Longest tier minimum accepted (the config schema's bound: 10,000,000 minutes, about 19 years). */
const MAX_TIER_MINUTES = 10_000_000;

/**
 * `/xp`: voice XP administration (Manage Server, declared to Discord with `default_member_permissions` and checked by
 * the bot, since admins can override the declaration). Every answer is ephemeral, in the guild's language.
 *
 * - `/xp add user amount` (negative allowed), `/xp reset user`, `/xp sync` (admin/members.ts)
 * - `/xp config show | xp-per-minute | exclude | include | streaming-counts-alone | afk-channel | announcements |
 *   flush-interval` (admin/config.ts)
 * - `/xp tiers add | remove | list` (admin/tiers.ts)
 */
export class XpCommand extends GuildPermissionCommand {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'xp', memberPermission: PermissionFlagsBits.ManageGuild });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		registry.registerChatInputCommand((builder) =>
			localized(this.declare(builder))
				.addSubcommand((sub) =>
					localized(sub, 'add')
						.addUserOption((user) => option(user, 'user').setRequired(true))
						.addIntegerOption((amount) => option(amount, 'amount').setRequired(true).setMinValue(-MAX_XP_ADJUSTMENT).setMaxValue(MAX_XP_ADJUSTMENT))
				)
				.addSubcommand((sub) => localized(sub, 'reset').addUserOption((user) => option(user, 'user').setRequired(true)))
				.addSubcommand((sub) => localized(sub, 'sync'))
				.addSubcommandGroup((group) =>
					localized(group, 'config')
						.addSubcommand((sub) => localized(sub, 'config.show'))
						.addSubcommand((sub) =>
							localized(sub, 'config.xpPerMinute').addIntegerOption((value) => option(value, 'xpPerMinute').setRequired(true).setMinValue(1).setMaxValue(1_000))
						)
						.addSubcommand((sub) =>
							localized(sub, 'config.exclude').addChannelOption((channel) => option(channel, 'channel').setRequired(true).addChannelTypes(...EXCLUDABLE_CHANNELS))
						)
						.addSubcommand((sub) =>
							localized(sub, 'config.include').addChannelOption((channel) => option(channel, 'channel').setRequired(true).addChannelTypes(...EXCLUDABLE_CHANNELS))
						)
						.addSubcommand((sub) => localized(sub, 'config.streaming').addBooleanOption((enabled) => option(enabled, 'enabled').setRequired(true)))
						.addSubcommand((sub) => localized(sub, 'config.afk').addBooleanOption((earns) => option(earns, 'earns').setRequired(true)))
						.addSubcommand((sub) =>
							localized(sub, 'config.announcements')
								.addStringOption((mode) =>
									option(mode, 'mode')
										.setRequired(true)
										.addChoices(
											createLocalizedChoice('voice-xp:commands.xp.choices.off', { value: 'off' }),
											createLocalizedChoice('voice-xp:commands.xp.choices.channel', { value: 'channel' }),
											createLocalizedChoice('voice-xp:commands.xp.choices.dm', { value: 'dm' })
										)
								)
								.addChannelOption((channel) => option(channel, 'announcementChannel').addChannelTypes(...ANNOUNCEMENT_CHANNELS))
						)
						.addSubcommand((sub) =>
							localized(sub, 'config.flushInterval').addIntegerOption((seconds) =>
								option(seconds, 'seconds').setRequired(true).setMinValue(10).setMaxValue(MAX_FLUSH_INTERVAL_SECONDS)
							)
						)
				)
				.addSubcommandGroup((group) =>
					localized(group, 'tiers')
						.addSubcommand((sub) =>
							localized(sub, 'tiers.add')
								.addRoleOption((role) => option(role, 'role').setRequired(true))
								.addIntegerOption((minutes) => option(minutes, 'minutes').setRequired(true).setMinValue(0).setMaxValue(MAX_TIER_MINUTES))
						)
						.addSubcommand((sub) => localized(sub, 'tiers.remove').addRoleOption((role) => option(role, 'role').setRequired(true)))
						.addSubcommand((sub) => localized(sub, 'tiers.list'))
				)
		);
	}

	public override async chatInputRun(interaction: ChatInputCommandInteraction<'cached' | 'raw'>) {
		const { locale, t } = await translateInteraction(interaction);
		const context: AdminContext = { interaction, t, locale, logger: this.container.botLogger.child({ guildId: interaction.guildId, command: 'xp', plugin: 'voice-xp' }) };
		const group = interaction.options.getSubcommandGroup();
		const subcommand = interaction.options.getSubcommand(true);
		if (group === 'config') return XP_CONFIG_HANDLERS[subcommand]!(context);
		if (group === 'tiers') return XP_TIERS_HANDLERS[subcommand]!(context);
		if (subcommand === 'add') return xpAdd(context);
		if (subcommand === 'reset') return xpReset(context);
		return xpSync(context);
	}
}
