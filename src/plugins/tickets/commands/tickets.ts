import type { Command } from '@sapphire/framework';
import {
	ChannelType,
	PermissionFlagsBits,
	type AutocompleteInteraction,
	type SlashCommandStringOption,
	type SlashCommandSubcommandBuilder
} from 'discord.js';
import { localizedChoices, localizedCommand, localizedOption } from '../../../lib/commands/localized.js';
import { MAX_DURATION_INPUT } from '../../../lib/durations.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import { blocklistAdd, blocklistList, blocklistRemove } from '../admin/blocklist.js';
import { LOG_CHANNEL_TYPES, ticketsConfig } from '../admin/config.js';
import { hasManageGuild, ticketsRun } from '../admin/inputs.js';
import { panelChoices, panelCreate, panelDelete, panelEdit, panelList, typeListChoices } from '../admin/panels.js';
import { ticketsStats } from '../admin/stats.js';
import { questionAdd, questionRemove, typeAdd, typeChoices, typeEdit, typeList, typeRemove } from '../admin/types.js';
import { ANSWER_MAX, MAX_QUESTIONS, QUESTION_LABEL_MAX } from '../lib/config.js';
import { PANEL_CHANNEL_TYPES } from '../service/panels.js';

/** Key base of the command's translations (locales/<locale>/tickets.json). */
const KEY = 'tickets:commands.tickets';

/** Longest texts the options take (the bot checks the content itself, so an admin gets its translated answer). */
const MAX_ID = 32;
const MAX_TYPE_LIST = 300;
const MAX_ROLE_LIST = 500;
/** An embed title's 256 characters; a panel description up to 4,000 (under the embed's 4,096 with the types' lines). */
const MAX_TITLE = 256;
const MAX_PANEL_DESCRIPTION = 4_000;
/** A button label's 80 characters (the type's name), a select option description's 100 (the type's description). */
const MAX_TYPE_NAME = 80;
const MAX_TYPE_DESCRIPTION = 100;
const MAX_EMOJI = 64;
const MAX_TEMPLATE = 100;
const MAX_PLACEHOLDER = 100;

/** A required `id` of a panel or type, autocompleted. */
const idOption = (option: SlashCommandStringOption) => localizedOption(option, `${KEY}.options.id`).setRequired(true).setMaxLength(MAX_ID).setAutocomplete(true);

/** The `types` option of a panel: type ids separated by commas, autocompleted one after the other. */
const typesOption = (option: SlashCommandStringOption) => localizedOption(option, `${KEY}.options.types`).setMaxLength(MAX_TYPE_LIST).setAutocomplete(true);

/** The options `type add` and `type edit` share after `mode` (all optional). */
const typeFields = (sub: SlashCommandSubcommandBuilder) =>
	sub
		.addChannelOption((option) => localizedOption(option, `${KEY}.options.category`).addChannelTypes(ChannelType.GuildCategory))
		.addChannelOption((option) => localizedOption(option, `${KEY}.options.threadChannel`).addChannelTypes(ChannelType.GuildText))
		.addStringOption((option) => localizedOption(option, `${KEY}.options.emoji`).setMaxLength(MAX_EMOJI))
		.addStringOption((option) => localizedOption(option, `${KEY}.options.typeDescription`).setMaxLength(MAX_TYPE_DESCRIPTION))
		.addStringOption((option) => localizedOption(option, `${KEY}.options.staffRoles`).setMaxLength(MAX_ROLE_LIST))
		.addStringOption((option) => localizedOption(option, `${KEY}.options.pingRoles`).setMaxLength(MAX_ROLE_LIST))
		.addStringOption((option) => localizedOption(option, `${KEY}.options.requiredRoles`).setMaxLength(MAX_ROLE_LIST))
		.addStringOption((option) => localizedOption(option, `${KEY}.options.nameTemplate`).setMaxLength(MAX_TEMPLATE))
		.addIntegerOption((option) => localizedOption(option, `${KEY}.options.maxOpen`).setMinValue(1).setMaxValue(50))
		.addIntegerOption((option) => localizedOption(option, `${KEY}.options.maxTotal`).setMinValue(0).setMaxValue(10_000))
		.addStringOption((option) => localizedOption(option, `${KEY}.options.cooldown`).setMaxLength(MAX_DURATION_INPUT))
		.addBooleanOption((option) => localizedOption(option, `${KEY}.options.claimLocks`));

/** The `mode` option of a type, with its translated choices. */
const modeOption = (option: SlashCommandStringOption) => localizedOption(option, `${KEY}.options.mode`).addChoices(...localizedChoices(`${KEY}.choices.mode`, ['channel', 'thread']));

/**
 * `/tickets`: the tickets plugin's set-up (Manage Server, declared to Discord with `default_member_permissions` like
 * /automod and checked by the bot; refused where the plugin is off by the core's PluginEnabled precondition). Every
 * answer is ephemeral, translated and pings nobody; every change goes through `saveConfig` (atomic, a refusal changes
 * nothing).
 *
 * - `/tickets panel create | edit | delete | list` (admin/panels.ts, service/panels.ts)
 * - `/tickets type add | edit | remove | list` (admin/types.ts)
 * - `/tickets question add | remove` (admin/types.ts): a type's questions. Discord allows one level of subcommand
 *   groups, so the questions are a group of their own rather than `type question ...`.
 * - `/tickets blocklist add | remove | list` (admin/blocklist.ts)
 * - `/tickets config` (admin/config.ts), `/tickets stats` (admin/stats.ts, service/stats.ts)
 *
 * Panel ids, type ids and the `types` list are autocompleted (for members with Manage Server only). The mapping uses
 * the names Discord sends (the en-US names of tickets.json); BotCommand checks at registration that they are exactly
 * the declared subcommands. Discord's limits: 25 subcommands or groups (6 here), 25 options each (15 at most here), a
 * whole command of at most 8,000 characters of names, descriptions and choices in its longest localization.
 */
export class TicketsCommand extends PluginCommand<'tickets'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, {
			...options,
			name: 'tickets',
			plugin: 'tickets',
			memberPermission: PermissionFlagsBits.ManageGuild,
			subcommands: [
				{
					name: 'panel',
					type: 'group',
					entries: [
						{ name: 'create', chatInputRun: ticketsRun(panelCreate, { defer: true }) },
						{ name: 'edit', chatInputRun: ticketsRun(panelEdit, { defer: true }) },
						{ name: 'delete', chatInputRun: ticketsRun(panelDelete, { defer: true }) },
						{ name: 'list', chatInputRun: ticketsRun(panelList) }
					]
				},
				{
					name: 'type',
					type: 'group',
					entries: [
						{ name: 'add', chatInputRun: ticketsRun(typeAdd) },
						{ name: 'edit', chatInputRun: ticketsRun(typeEdit, { defer: true }) },
						{ name: 'remove', chatInputRun: ticketsRun(typeRemove) },
						{ name: 'list', chatInputRun: ticketsRun(typeList) }
					]
				},
				{
					name: 'question',
					type: 'group',
					entries: [
						{ name: 'add', chatInputRun: ticketsRun(questionAdd) },
						{ name: 'remove', chatInputRun: ticketsRun(questionRemove) }
					]
				},
				{
					name: 'blocklist',
					type: 'group',
					entries: [
						{ name: 'add', chatInputRun: ticketsRun(blocklistAdd) },
						{ name: 'remove', chatInputRun: ticketsRun(blocklistRemove) },
						{ name: 'list', chatInputRun: ticketsRun(blocklistList) }
					]
				},
				{ name: 'config', chatInputRun: ticketsRun(ticketsConfig) },
				{ name: 'stats', chatInputRun: ticketsRun(ticketsStats, { defer: true }) }
			]
		});
	}

	/** Suggestions for panel ids, type ids and the `types` list: the guild's own, for members with Manage Server. */
	protected override async autocomplete(interaction: AutocompleteInteraction): Promise<unknown> {
		if (!interaction.guildId || !hasManageGuild(interaction.memberPermissions)) return interaction.respond([]);
		const config = await this.service.config(interaction.guildId);
		const focused = interaction.options.getFocused(true);
		const group = interaction.options.getSubcommandGroup(false);
		const typed = String(focused.value);
		if (focused.name === 'types') return interaction.respond(typeListChoices(config, typed));
		if (group === 'panel' && focused.name === 'id') return interaction.respond(panelChoices(interaction, config, typed));
		if ((group === 'type' && focused.name === 'id') || (group === 'question' && focused.name === 'type')) return interaction.respond(typeChoices(config, typed));
		return interaction.respond([]);
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, KEY, (builder) =>
			builder
				.addSubcommandGroup((group) =>
					localizedCommand(group, `${KEY}.panel`)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.panel.create`)
								.addChannelOption((option) => localizedOption(option, `${KEY}.options.channel`).setRequired(true).addChannelTypes(...PANEL_CHANNEL_TYPES))
								.addStringOption((option) => typesOption(option).setRequired(true))
								.addStringOption((option) => localizedOption(option, `${KEY}.options.title`).setMaxLength(MAX_TITLE))
								.addStringOption((option) => localizedOption(option, `${KEY}.options.panelDescription`).setMaxLength(MAX_PANEL_DESCRIPTION))
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.panel.edit`)
								.addStringOption(idOption)
								.addStringOption((option) => localizedOption(option, `${KEY}.options.title`).setMaxLength(MAX_TITLE))
								.addStringOption((option) => localizedOption(option, `${KEY}.options.panelDescription`).setMaxLength(MAX_PANEL_DESCRIPTION))
								.addStringOption(typesOption)
						)
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.panel.delete`).addStringOption(idOption))
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.panel.list`))
				)
				.addSubcommandGroup((group) =>
					localizedCommand(group, `${KEY}.type`)
						.addSubcommand((sub) =>
							typeFields(
								localizedCommand(sub, `${KEY}.type.add`)
									.addStringOption((option) => localizedOption(option, `${KEY}.options.newId`).setRequired(true).setMaxLength(MAX_ID))
									.addStringOption((option) => localizedOption(option, `${KEY}.options.name`).setRequired(true).setMaxLength(MAX_TYPE_NAME))
									.addStringOption((option) => modeOption(option).setRequired(true))
							)
						)
						.addSubcommand((sub) =>
							typeFields(
								localizedCommand(sub, `${KEY}.type.edit`)
									.addStringOption(idOption)
									.addStringOption((option) => localizedOption(option, `${KEY}.options.name`).setMaxLength(MAX_TYPE_NAME))
									.addStringOption(modeOption)
							)
						)
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.type.remove`).addStringOption(idOption))
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.type.list`).addStringOption((option) => idOption(option).setRequired(false)))
				)
				.addSubcommandGroup((group) =>
					localizedCommand(group, `${KEY}.question`)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.question.add`)
								.addStringOption((option) => localizedOption(option, `${KEY}.options.type`).setRequired(true).setMaxLength(MAX_ID).setAutocomplete(true))
								.addStringOption((option) => localizedOption(option, `${KEY}.options.label`).setRequired(true).setMaxLength(QUESTION_LABEL_MAX))
								.addStringOption((option) => localizedOption(option, `${KEY}.options.style`).addChoices(...localizedChoices(`${KEY}.choices.style`, ['short', 'paragraph'])))
								.addBooleanOption((option) => localizedOption(option, `${KEY}.options.required`))
								.addIntegerOption((option) => localizedOption(option, `${KEY}.options.min`).setMinValue(0).setMaxValue(ANSWER_MAX))
								.addIntegerOption((option) => localizedOption(option, `${KEY}.options.max`).setMinValue(1).setMaxValue(ANSWER_MAX))
								.addStringOption((option) => localizedOption(option, `${KEY}.options.placeholder`).setMaxLength(MAX_PLACEHOLDER))
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.question.remove`)
								.addStringOption((option) => localizedOption(option, `${KEY}.options.type`).setRequired(true).setMaxLength(MAX_ID).setAutocomplete(true))
								.addIntegerOption((option) => localizedOption(option, `${KEY}.options.index`).setRequired(true).setMinValue(1).setMaxValue(MAX_QUESTIONS))
						)
				)
				.addSubcommandGroup((group) =>
					localizedCommand(group, `${KEY}.blocklist`)
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.blocklist.add`).addMentionableOption((option) => localizedOption(option, `${KEY}.options.target`).setRequired(true)))
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.blocklist.remove`).addMentionableOption((option) => localizedOption(option, `${KEY}.options.target`).setRequired(true)))
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.blocklist.list`))
				)
				.addSubcommand((sub) =>
					localizedCommand(sub, `${KEY}.config`)
						.addChannelOption((option) => localizedOption(option, `${KEY}.options.staffLog`).addChannelTypes(...LOG_CHANNEL_TYPES))
						.addBooleanOption((option) => localizedOption(option, `${KEY}.options.noStaffLog`))
						.addChannelOption((option) => localizedOption(option, `${KEY}.options.transcriptChannel`).addChannelTypes(...LOG_CHANNEL_TYPES))
						.addBooleanOption((option) => localizedOption(option, `${KEY}.options.noTranscriptChannel`))
						.addBooleanOption((option) => localizedOption(option, `${KEY}.options.dmTranscript`))
						.addIntegerOption((option) => localizedOption(option, `${KEY}.options.attachmentCapMb`).setMinValue(0).setMaxValue(500))
						.addStringOption((option) => localizedOption(option, `${KEY}.options.autoClose`).setMaxLength(MAX_DURATION_INPUT))
						.addStringOption((option) => localizedOption(option, `${KEY}.options.autoCloseWarning`).setMaxLength(MAX_DURATION_INPUT))
						.addStringOption((option) => localizedOption(option, `${KEY}.options.closeRequestDelay`).setMaxLength(MAX_DURATION_INPUT))
						.addStringOption((option) => localizedOption(option, `${KEY}.options.reopenWindow`).setMaxLength(MAX_DURATION_INPUT))
						.addBooleanOption((option) => localizedOption(option, `${KEY}.options.feedback`))
				)
				.addSubcommand((sub) => localizedCommand(sub, `${KEY}.stats`).addStringOption((option) => localizedOption(option, `${KEY}.options.period`).setMaxLength(MAX_DURATION_INPUT)))
		);
	}
}
