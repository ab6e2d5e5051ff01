import type { Command } from '@sapphire/framework';
import { ChannelType, PermissionFlagsBits } from 'discord.js';
import { localizedChoices, localizedCommand, localizedOption } from '../../../lib/commands/localized.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import {
	configAppealText,
	configDm,
	configModLog,
	configRequireReason,
	configShow,
	configWarningLifetime,
	DM_ACTIONS,
	protectedRoleAdd,
	protectedRoleRemove
} from '../admin/config.js';
import { configRun } from '../admin/context.js';
import { escalationAdd, escalationList, escalationRemove } from '../admin/escalation.js';
import { MAX_APPEAL_TEXT } from '../lib/config.js';
import { MAX_DURATION_INPUT } from '../lib/durations.js';

/** Key base of the command's translations (locales/<locale>/moderation.json). */
const KEY = 'moderation:commands.moderation';

/** Channels a mod log can be: text and announcement channels (the bot posts embeds there). */
const MOD_LOG_CHANNELS = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

/** The bounds of `warning-lifetime days` and `escalation add warnings`: the schema's (lib/config.ts). */
const MAX_LIFETIME_DAYS = 3_650;
const MAX_STEP_WARNINGS = 1_000;

/**
 * `/moderation`: the moderation plugin's settings (Manage Server, declared to Discord with
 * `default_member_permissions` and checked by the bot, since admins can override the declaration). Every answer is
 * ephemeral, in the guild's language; every change goes through `ctx.updateConfig` (admin/context.ts).
 *
 * - `/moderation config show | mod-log [channel] | dm action enabled | warning-lifetime days |
 *   require-reason enabled | appeal-text [text]` (admin/config.ts)
 * - `/moderation escalation add warnings action [duration] | remove warnings | list` (admin/escalation.ts)
 * - `/moderation protected-role add role | remove role` (admin/config.ts)
 *
 * Discord allows one level of groups, so escalation and protected roles are groups of their own next to `config`
 * (as `/xp config` and `/xp tiers` are). The mapping uses the names Discord sends (the en-US names of
 * moderation.json); BotCommand checks at registration that they are exactly the declared subcommands.
 */
export class ModerationCommand extends PluginCommand<'moderation'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, {
			...options,
			name: 'moderation',
			plugin: 'moderation',
			memberPermission: PermissionFlagsBits.ManageGuild,
			subcommands: [
				{
					name: 'config',
					type: 'group',
					entries: [
						{ name: 'show', chatInputRun: configRun(configShow) },
						{ name: 'mod-log', chatInputRun: configRun(configModLog) },
						{ name: 'dm', chatInputRun: configRun(configDm) },
						{ name: 'warning-lifetime', chatInputRun: configRun(configWarningLifetime) },
						{ name: 'require-reason', chatInputRun: configRun(configRequireReason) },
						{ name: 'appeal-text', chatInputRun: configRun(configAppealText) }
					]
				},
				{
					name: 'escalation',
					type: 'group',
					entries: [
						{ name: 'add', chatInputRun: configRun(escalationAdd) },
						{ name: 'remove', chatInputRun: configRun(escalationRemove) },
						{ name: 'list', chatInputRun: configRun(escalationList) }
					]
				},
				{
					name: 'protected-role',
					type: 'group',
					entries: [
						{ name: 'add', chatInputRun: configRun(protectedRoleAdd) },
						{ name: 'remove', chatInputRun: configRun(protectedRoleRemove) }
					]
				}
			]
		});
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, KEY, (builder) =>
			builder
				.addSubcommandGroup((group) =>
					localizedCommand(group, `${KEY}.config`)
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.config.show`))
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.config.modLog`).addChannelOption((channel) =>
								localizedOption(channel, `${KEY}.options.channel`).addChannelTypes(...MOD_LOG_CHANNELS)
							)
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.config.dm`)
								.addStringOption((action) =>
									localizedOption(action, `${KEY}.options.action`)
										.setRequired(true)
										.addChoices(...localizedChoices(`${KEY}.choices.dm`, DM_ACTIONS))
								)
								.addBooleanOption((enabled) => localizedOption(enabled, `${KEY}.options.enabled`).setRequired(true))
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.config.warningLifetime`).addIntegerOption((days) =>
								localizedOption(days, `${KEY}.options.days`).setRequired(true).setMinValue(0).setMaxValue(MAX_LIFETIME_DAYS)
							)
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.config.requireReason`).addBooleanOption((enabled) => localizedOption(enabled, `${KEY}.options.enabled`).setRequired(true))
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.config.appealText`).addStringOption((text) =>
								localizedOption(text, `${KEY}.options.appealText`).setMaxLength(MAX_APPEAL_TEXT)
							)
						)
				)
				.addSubcommandGroup((group) =>
					localizedCommand(group, `${KEY}.escalation`)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.escalation.add`)
								.addIntegerOption((warnings) =>
									localizedOption(warnings, `${KEY}.options.warnings`).setRequired(true).setMinValue(1).setMaxValue(MAX_STEP_WARNINGS)
								)
								.addStringOption((action) =>
									localizedOption(action, `${KEY}.options.stepAction`)
										.setRequired(true)
										.addChoices(...localizedChoices(`${KEY}.choices.step`, ['timeout', 'kick', 'ban']))
								)
								.addStringOption((duration) => localizedOption(duration, `${KEY}.options.duration`).setMaxLength(MAX_DURATION_INPUT))
						)
						.addSubcommand((sub) =>
							localizedCommand(sub, `${KEY}.escalation.remove`).addIntegerOption((warnings) =>
								localizedOption(warnings, `${KEY}.options.warnings`).setRequired(true).setMinValue(1).setMaxValue(MAX_STEP_WARNINGS)
							)
						)
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.escalation.list`))
				)
				.addSubcommandGroup((group) =>
					localizedCommand(group, `${KEY}.protectedRole`)
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.protectedRole.add`).addRoleOption((role) => localizedOption(role, `${KEY}.options.role`).setRequired(true)))
						.addSubcommand((sub) => localizedCommand(sub, `${KEY}.protectedRole.remove`).addRoleOption((role) => localizedOption(role, `${KEY}.options.role`).setRequired(true)))
				)
		);
	}
}
