import type { Command } from '@sapphire/framework';
import { ChannelType, PermissionFlagsBits } from 'discord.js';
import { localizedChoices, localizedCommand, localizedOption } from '../../../lib/commands/localized.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import {
	configAfk,
	configAnnouncements,
	configExclude,
	configFlushInterval,
	configInclude,
	configShow,
	configStreaming,
	configXpPerMinute
} from '../admin/config.js';
import { adminRun } from '../admin/context.js';
import { xpAdd, xpReset, xpSync } from '../admin/members.js';
import { tiersAdd, tiersList, tiersRemove } from '../admin/tiers.js';
import { MAX_FLUSH_INTERVAL_SECONDS } from '../lib/config.js';
import { MAX_XP_ADJUSTMENT } from '../lib/stats.js';

/** Key base of the command's translations (locales/<locale>/voice-xp.json). */
const KEY = 'voice-xp:commands.xp';

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
 *
 * The mapping below uses the names Discord sends (the en-US names of voice-xp.json); BotCommand checks at registration
 * that they are exactly the declared subcommands.
 */
export class XpCommand extends PluginCommand<'voice-xp'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, {
			...options,
			name: 'xp',
			plugin: 'voice-xp',
			memberPermission: PermissionFlagsBits.ManageGuild,
			subcommands: [
				{ name: 'add', chatInputRun: adminRun(xpAdd) },
				{ name: 'reset', chatInputRun: adminRun(xpReset) },
				{ name: 'sync', chatInputRun: adminRun(xpSync) },
				{
					name: 'config',
					type: 'group',
					entries: [
						{ name: 'show', chatInputRun: adminRun(configShow) },
						{ name: 'xp-per-minute', chatInputRun: adminRun(configXpPerMinute) },
						{ name: 'exclude', chatInputRun: adminRun(configExclude) },
						{ name: 'include', chatInputRun: adminRun(configInclude) },
						{ name: 'streaming-counts-alone', chatInputRun: adminRun(configStreaming) },
						{ name: 'afk-channel', chatInputRun: adminRun(configAfk) },
						{ name: 'announcements', chatInputRun: adminRun(configAnnouncements) },
						{ name: 'flush-interval', chatInputRun: adminRun(configFlushInterval) }
					]
				},
				{
					name: 'tiers',
					type: 'group',
					entries: [
						{ name: 'add', chatInputRun: adminRun(tiersAdd) },
						{ name: 'remove', chatInputRun: adminRun(tiersRemove) },
						{ name: 'list', chatInputRun: adminRun(tiersList) }
					]
				}
			]
		});
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, KEY, (builder) =>
			builder
				.addSubcommand((sub) =>
					localizedCommand(sub, `${KEY}.add`)
						.addUserOption((user) => localizedOption(user, `${KEY}.options.user`).setRequired(true))
						.addIntegerOption((amount) =>
							localizedOption(amount, `${KEY}.options.amount`).setRequired(true).setMinValue(-MAX_XP_ADJUSTMENT).setMaxValue(MAX_XP_ADJUSTMENT)
						)
				)
				.addSubcommand((sub) => localizedCommand(sub, `${KEY}.reset`).addUserOption((user) => localizedOption(user, `${KEY}.options.user`).setRequired(true)))
				.addSubcommand((sub) => localizedCommand(sub, `${KEY}.sync`))
				.addSubcommandGroup((group) =>
					localizedCommand(group, `${KEY}.config`)
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.config.show`))
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.config.xpPerMinute`).addIntegerOption((value) =>
								localizedOption(value, `${KEY}.options.xpPerMinute`).setRequired(true).setMinValue(1).setMaxValue(1_000)
							)
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.config.exclude`).addChannelOption((channel) =>
								localizedOption(channel, `${KEY}.options.channel`).setRequired(true).addChannelTypes(...EXCLUDABLE_CHANNELS)
							)
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.config.include`).addChannelOption((channel) =>
								localizedOption(channel, `${KEY}.options.channel`).setRequired(true).addChannelTypes(...EXCLUDABLE_CHANNELS)
							)
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.config.streaming`).addBooleanOption((enabled) => localizedOption(enabled, `${KEY}.options.enabled`).setRequired(true))
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.config.afk`).addBooleanOption((earns) => localizedOption(earns, `${KEY}.options.earns`).setRequired(true))
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.config.announcements`)
								.addStringOption((mode) =>
									localizedOption(mode, `${KEY}.options.mode`)
										.setRequired(true)
										.addChoices(...localizedChoices(`${KEY}.choices`, ['off', 'channel', 'dm']))
								)
								.addChannelOption((channel) => localizedOption(channel, `${KEY}.options.announcementChannel`).addChannelTypes(...ANNOUNCEMENT_CHANNELS))
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.config.flushInterval`).addIntegerOption((seconds) =>
								localizedOption(seconds, `${KEY}.options.seconds`).setRequired(true).setMinValue(10).setMaxValue(MAX_FLUSH_INTERVAL_SECONDS)
							)
						)
				)
				.addSubcommandGroup((group) =>
					localizedCommand(group, `${KEY}.tiers`)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.tiers.add`)
								.addRoleOption((role) => localizedOption(role, `${KEY}.options.role`).setRequired(true))
								.addIntegerOption((minutes) =>
									localizedOption(minutes, `${KEY}.options.minutes`).setRequired(true).setMinValue(0).setMaxValue(MAX_TIER_MINUTES)
								)
						)
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.tiers.remove`).addRoleOption((role) => localizedOption(role, `${KEY}.options.role`).setRequired(true)))
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.tiers.list`))
				)
		);
	}
}
