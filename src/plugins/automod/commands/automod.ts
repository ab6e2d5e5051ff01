import type { Command } from '@sapphire/framework';
import { ChannelType, PermissionFlagsBits, type AutocompleteInteraction, type SlashCommandStringOption, type SlashCommandSubcommandBuilder } from 'discord.js';
import { localizedChoice, localizedChoices, localizedCommand, localizedOption } from '../../../lib/commands/localized.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import { MAX_DURATION_INPUT } from '../../moderation/lib/durations.js';
import { automodRun } from '../admin/context.js';
import { EXEMPT_PERMISSIONS, exemptAdd, exemptList, exemptPermission, exemptRemove } from '../admin/exempt.js';
import { automodStatus, filterActions, filterOff, filterOn, filterSettings, NOTIFY_MODES, PUNISHMENTS } from '../admin/filters.js';
import {
	invitesAllow,
	invitesList,
	invitesRemove,
	linksAllow,
	linksDeny,
	linksList,
	linksRemove,
	listAutocomplete,
	regexAdd,
	regexList,
	regexRemove,
	wordsAdd,
	wordsList,
	wordsRemove
} from '../admin/lists.js';
import { nativeStatus, nativeSync } from '../admin/native.js';
import { automodSettings, automodTest } from '../admin/settings.js';
import { STRIKE_ACTIONS, strikesAdd, strikesClear, strikesList, strikesRemove, strikesShow } from '../admin/strikes.js';
import { FILTER_NAMES } from '../lib/config.js';

/** Key base of the command's translations (locales/<locale>/automod.json). */
const KEY = 'automod:commands.automod';

/** Channels an alert can go to: text and announcement channels (the bot posts embeds with buttons there). */
const ALERT_CHANNELS = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

/** Channels that can be exempt: text, voice (their text chat), categories (every channel in them), forums, announcements. */
const EXEMPT_CHANNELS = [ChannelType.GuildText, ChannelType.GuildVoice, ChannelType.GuildCategory, ChannelType.GuildForum, ChannelType.GuildAnnouncement] as const;

/** Longest text an option takes where the bot checks the length itself (so an admin gets its translated answer). */
const MAX_ENTRY_INPUT = 100;
const MAX_PATTERN_INPUT = 300;
const MAX_DOMAIN_OPTION = 300;
const MAX_TEST_TEXT = 2_000;

/** The required `name` option naming a filter, with its translated choices. */
const filterOption = (option: SlashCommandStringOption) =>
	localizedOption(option, `${KEY}.options.filter`)
		.setRequired(true)
		.addChoices(...localizedChoices(`${KEY}.choices.filters`, FILTER_NAMES));

/** The optional `filter` option of `/automod exempt` (empty: every filter). */
const exemptFilterOption = (option: SlashCommandStringOption) => localizedOption(option, `${KEY}.options.exemptFilter`).addChoices(...localizedChoices(`${KEY}.choices.filters`, FILTER_NAMES));

/** The optional role and channel options of `/automod exempt add | remove`. */
const exemptTargets = (sub: SlashCommandSubcommandBuilder) =>
	sub
		.addRoleOption((role) => localizedOption(role, `${KEY}.options.role`))
		.addChannelOption((channel) => localizedOption(channel, `${KEY}.options.channel`).addChannelTypes(...EXEMPT_CHANNELS))
		.addStringOption(exemptFilterOption);

/**
 * `/automod`: the automod plugin's settings (Manage Server, declared to Discord with `default_member_permissions` and
 * checked by the bot). Every answer is ephemeral, translated and pings nobody; every change goes through
 * `ctx.updateConfig` (admin/context.ts), so a refusal changes nothing.
 *
 * - `/automod status` (admin/filters.ts)
 * - `/automod filter on | off | actions | settings` (admin/filters.ts)
 * - `/automod words add | remove | list`, `regex add | remove | list`, `links allow | deny | remove | list`,
 *   `invites allow | remove | list` (admin/lists.ts; the `remove` subcommands are autocompleted)
 * - `/automod exempt add | remove | permission | list` (admin/exempt.ts)
 * - `/automod strikes add | remove | list | show | clear` (admin/strikes.ts)
 * - `/automod settings`, `/automod test` (admin/settings.ts)
 * - `/automod native sync | status` (admin/native.ts)
 *
 * The mapping uses the names Discord sends (the en-US names of automod.json); BotCommand checks at registration that
 * they are exactly the declared subcommands. Discord's limits: 25 subcommands or groups (11 here), 25 options each, a
 * whole command of at most 8,000 characters of names, descriptions and choices (its longest localization counted).
 */
export class AutomodCommand extends PluginCommand<'automod'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, {
			...options,
			name: 'automod',
			plugin: 'automod',
			memberPermission: PermissionFlagsBits.ManageGuild,
			subcommands: [
				{ name: 'status', chatInputRun: automodRun(automodStatus) },
				{
					name: 'filter',
					type: 'group',
					entries: [
						{ name: 'on', chatInputRun: automodRun(filterOn) },
						{ name: 'off', chatInputRun: automodRun(filterOff) },
						{ name: 'actions', chatInputRun: automodRun(filterActions) },
						{ name: 'settings', chatInputRun: automodRun(filterSettings) }
					]
				},
				{
					name: 'words',
					type: 'group',
					entries: [
						{ name: 'add', chatInputRun: automodRun(wordsAdd) },
						{ name: 'remove', chatInputRun: automodRun(wordsRemove) },
						{ name: 'list', chatInputRun: automodRun(wordsList) }
					]
				},
				{
					name: 'regex',
					type: 'group',
					entries: [
						{ name: 'add', chatInputRun: automodRun(regexAdd) },
						{ name: 'remove', chatInputRun: automodRun(regexRemove) },
						{ name: 'list', chatInputRun: automodRun(regexList) }
					]
				},
				{
					name: 'links',
					type: 'group',
					entries: [
						{ name: 'allow', chatInputRun: automodRun(linksAllow) },
						{ name: 'deny', chatInputRun: automodRun(linksDeny) },
						{ name: 'remove', chatInputRun: automodRun(linksRemove) },
						{ name: 'list', chatInputRun: automodRun(linksList) }
					]
				},
				{
					name: 'invites',
					type: 'group',
					entries: [
						{ name: 'allow', chatInputRun: automodRun(invitesAllow) },
						{ name: 'remove', chatInputRun: automodRun(invitesRemove) },
						{ name: 'list', chatInputRun: automodRun(invitesList) }
					]
				},
				{
					name: 'exempt',
					type: 'group',
					entries: [
						{ name: 'add', chatInputRun: automodRun(exemptAdd) },
						{ name: 'remove', chatInputRun: automodRun(exemptRemove) },
						{ name: 'permission', chatInputRun: automodRun(exemptPermission) },
						{ name: 'list', chatInputRun: automodRun(exemptList) }
					]
				},
				{
					name: 'strikes',
					type: 'group',
					entries: [
						{ name: 'add', chatInputRun: automodRun(strikesAdd) },
						{ name: 'remove', chatInputRun: automodRun(strikesRemove) },
						{ name: 'list', chatInputRun: automodRun(strikesList) },
						{ name: 'show', chatInputRun: automodRun(strikesShow) },
						{ name: 'clear', chatInputRun: automodRun(strikesClear) }
					]
				},
				{ name: 'settings', chatInputRun: automodRun(automodSettings) },
				{ name: 'test', chatInputRun: automodRun(automodTest) },
				{
					name: 'native',
					type: 'group',
					entries: [
						{ name: 'sync', chatInputRun: automodRun(nativeSync) },
						{ name: 'status', chatInputRun: automodRun(nativeStatus) }
					]
				}
			]
		});
	}

	/** Suggestions for the `remove` subcommands' entry options: the guild's own entries (admin/lists.ts). */
	protected override async autocomplete(interaction: AutocompleteInteraction): Promise<unknown> {
		if (!interaction.guildId) return interaction.respond([]);
		return listAutocomplete(interaction, await this.service.ctx.config(interaction.guildId));
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, KEY, (builder) =>
			builder
				.addSubcommand((sub) => localizedCommand(sub, `${KEY}.status`))
				.addSubcommandGroup((group) =>
					localizedCommand(group, `${KEY}.filter`)
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.filter.on`).addStringOption(filterOption))
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.filter.off`).addStringOption(filterOption))
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.filter.actions`)
								.addStringOption(filterOption)
								.addBooleanOption((option) => localizedOption(option, `${KEY}.options.newAccounts`))
								.addBooleanOption((option) => localizedOption(option, `${KEY}.options.delete`))
								.addIntegerOption((option) => localizedOption(option, `${KEY}.options.points`).setMinValue(0).setMaxValue(100))
								.addStringOption((option) => localizedOption(option, `${KEY}.options.punish`).addChoices(...localizedChoices(`${KEY}.choices.punish`, PUNISHMENTS)))
								.addStringOption((option) => localizedOption(option, `${KEY}.options.duration`).setMaxLength(MAX_DURATION_INPUT))
								.addBooleanOption((option) => localizedOption(option, `${KEY}.options.alert`))
								.addStringOption((option) => localizedOption(option, `${KEY}.options.notify`).addChoices(...localizedChoices(`${KEY}.choices.notify`, NOTIFY_MODES)))
								.addBooleanOption((option) => localizedOption(option, `${KEY}.options.reset`))
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.filter.settings`)
								.addStringOption(filterOption)
								.addIntegerOption((option) => localizedOption(option, `${KEY}.options.limit`).setMinValue(1).setMaxValue(200))
								.addIntegerOption((option) => localizedOption(option, `${KEY}.options.seconds`).setMinValue(1).setMaxValue(3_600))
								.addStringOption((option) => localizedOption(option, `${KEY}.options.scope`).addChoices(...localizedChoices(`${KEY}.choices.scope`, ['channel', 'guild'])))
								.addIntegerOption((option) => localizedOption(option, `${KEY}.options.percent`).setMinValue(1).setMaxValue(100))
								.addIntegerOption((option) => localizedOption(option, `${KEY}.options.minLetters`).setMinValue(1).setMaxValue(2_000))
								.addStringOption((option) => localizedOption(option, `${KEY}.options.mode`).addChoices(...localizedChoices(`${KEY}.choices.mode`, ['deny', 'allow'])))
						)
				)
				.addSubcommandGroup((group) =>
					localizedCommand(group, `${KEY}.words`)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.words.add`).addStringOption((option) => localizedOption(option, `${KEY}.options.entry`).setRequired(true).setMaxLength(MAX_ENTRY_INPUT))
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.words.remove`).addStringOption((option) =>
								localizedOption(option, `${KEY}.options.entryRemove`).setRequired(true).setMaxLength(MAX_ENTRY_INPUT).setAutocomplete(true)
							)
						)
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.words.list`).addIntegerOption((option) => localizedOption(option, `${KEY}.options.page`).setMinValue(1).setMaxValue(1_000)))
				)
				.addSubcommandGroup((group) =>
					localizedCommand(group, `${KEY}.regex`)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.regex.add`).addStringOption((option) => localizedOption(option, `${KEY}.options.pattern`).setRequired(true).setMaxLength(MAX_PATTERN_INPUT))
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.regex.remove`).addStringOption((option) =>
								localizedOption(option, `${KEY}.options.patternRemove`).setRequired(true).setMaxLength(MAX_PATTERN_INPUT).setAutocomplete(true)
							)
						)
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.regex.list`))
				)
				.addSubcommandGroup((group) =>
					localizedCommand(group, `${KEY}.links`)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.links.allow`).addStringOption((option) => localizedOption(option, `${KEY}.options.domain`).setRequired(true).setMaxLength(MAX_DOMAIN_OPTION))
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.links.deny`).addStringOption((option) => localizedOption(option, `${KEY}.options.domain`).setRequired(true).setMaxLength(MAX_DOMAIN_OPTION))
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.links.remove`).addStringOption((option) =>
								localizedOption(option, `${KEY}.options.domainRemove`).setRequired(true).setMaxLength(MAX_DOMAIN_OPTION).setAutocomplete(true)
							)
						)
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.links.list`))
				)
				.addSubcommandGroup((group) =>
					localizedCommand(group, `${KEY}.invites`)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.invites.allow`).addStringOption((option) => localizedOption(option, `${KEY}.options.target`).setRequired(true).setMaxLength(MAX_ENTRY_INPUT))
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.invites.remove`).addStringOption((option) =>
								localizedOption(option, `${KEY}.options.targetRemove`).setRequired(true).setMaxLength(MAX_ENTRY_INPUT).setAutocomplete(true)
							)
						)
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.invites.list`))
				)
				.addSubcommandGroup((group) =>
					localizedCommand(group, `${KEY}.exempt`)
						.addSubcommand((sub) => exemptTargets(localizedCommand(sub, `${KEY}.exempt.add`)))
						.addSubcommand((sub) => exemptTargets(localizedCommand(sub, `${KEY}.exempt.remove`)))
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.exempt.permission`)
								.addStringOption((option) =>
									localizedOption(option, `${KEY}.options.permission`).addChoices(
										localizedChoice(`${KEY}.choices.noPermission`, 'none'),
										...localizedChoices('core:permissions', EXEMPT_PERMISSIONS)
									)
								)
								.addStringOption(exemptFilterOption)
						)
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.exempt.list`).addStringOption(exemptFilterOption))
				)
				.addSubcommandGroup((group) =>
					localizedCommand(group, `${KEY}.strikes`)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.strikes.add`)
								.addIntegerOption((option) => localizedOption(option, `${KEY}.options.strikePoints`).setRequired(true).setMinValue(1).setMaxValue(1_000))
								.addStringOption((option) => localizedOption(option, `${KEY}.options.window`).setRequired(true).setMaxLength(MAX_DURATION_INPUT))
								.addStringOption((option) =>
									localizedOption(option, `${KEY}.options.strikeAction`)
										.setRequired(true)
										.addChoices(...localizedChoices(`${KEY}.choices.punish`, STRIKE_ACTIONS))
								)
								.addStringOption((option) => localizedOption(option, `${KEY}.options.strikeDuration`).setMaxLength(MAX_DURATION_INPUT))
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.strikes.remove`)
								.addIntegerOption((option) => localizedOption(option, `${KEY}.options.strikePoints`).setRequired(true).setMinValue(1).setMaxValue(1_000))
								.addStringOption((option) => localizedOption(option, `${KEY}.options.window`).setRequired(true).setMaxLength(MAX_DURATION_INPUT))
						)
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.strikes.list`))
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.strikes.show`).addUserOption((option) => localizedOption(option, `${KEY}.options.member`).setRequired(true)))
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.strikes.clear`).addUserOption((option) => localizedOption(option, `${KEY}.options.member`).setRequired(true)))
				)
				.addSubcommand((sub) =>
					localizedCommand(sub, `${KEY}.settings`)
						.addChannelOption((option) => localizedOption(option, `${KEY}.options.alertChannel`).addChannelTypes(...ALERT_CHANNELS))
						.addBooleanOption((option) => localizedOption(option, `${KEY}.options.alertsOff`))
						.addIntegerOption((option) => localizedOption(option, `${KEY}.options.newAccountDays`).setMinValue(0).setMaxValue(365))
						.addIntegerOption((option) => localizedOption(option, `${KEY}.options.noticeSeconds`).setMinValue(3).setMaxValue(60))
						.addIntegerOption((option) => localizedOption(option, `${KEY}.options.nativePoints`).setMinValue(0).setMaxValue(100))
						.addBooleanOption((option) => localizedOption(option, `${KEY}.options.nativeCases`))
				)
				.addSubcommand((sub) =>
					localizedCommand(sub, `${KEY}.test`).addStringOption((option) => localizedOption(option, `${KEY}.options.text`).setRequired(true).setMaxLength(MAX_TEST_TEXT))
				)
				.addSubcommandGroup((group) =>
					localizedCommand(group, `${KEY}.native`)
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.native.sync`))
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.native.status`))
				)
		);
	}
}
