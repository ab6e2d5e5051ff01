import type { Command } from '@sapphire/framework';
import { ChannelType, type AutocompleteInteraction, type SlashCommandIntegerOption, type SlashCommandSubcommandBuilder } from 'discord.js';
import { localizedCommand, localizedOption } from '../../../lib/commands/localized.js';
import { MAX_DURATION_INPUT } from '../../../lib/durations.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import { giveawayConfig } from '../admin/config.js';
import { giveawaysRun } from '../admin/context.js';
import { giveawayCancel, giveawayEdit, giveawayEnd, giveawayPause, giveawayReroll, giveawayResume } from '../admin/manage.js';
import { giveawayStart } from '../admin/start.js';
import { giveawayAutocomplete, giveawayEntrants, giveawayList, giveawayVerify } from '../admin/view.js';
import { MAX_DURATION_DAYS_LIMIT, MAX_WINNERS } from '../lib/config.js';

/** Key base of the command's translations (locales/<locale>/giveaways.json). */
const KEY = 'giveaways:commands.giveaway';

/** Channels a giveaway can be posted in: text and announcement channels. */
const GIVEAWAY_CHANNELS = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

/** Longest prize: an embed title's 256 characters. Longest description: room in the embed's 4,096 with the other lines. */
const MAX_PRIZE = 256;
const MAX_DESCRIPTION = 2_000;
/** Longest role list text: 10 mentions of 23 characters with separators. */
const MAX_ROLE_LIST = 300;
/** Highest voice level that can be required, and most bonus entries (1 + 99 = lib/requirements.ts MAX_WEIGHT). */
const MAX_VOICE_LEVEL = 1_000;
const MAX_BONUS_ENTRIES = 99;

/** The required, autocompleted `id` option: a giveaway's number in the guild. */
const idOption = (option: SlashCommandIntegerOption) => localizedOption(option, `${KEY}.options.id`).setRequired(true).setMinValue(1).setAutocomplete(true);

/** A subcommand whose only option is `id`. */
const withId = (sub: SlashCommandSubcommandBuilder, base: `${typeof KEY}.${'end' | 'cancel' | 'pause' | 'resume' | 'entrants' | 'verify'}`) =>
	localizedCommand(sub, base).addIntegerOption(idOption);

/**
 * `/giveaway`: the giveaways plugin's command. Access: Manage Server or the guild's giveaway manager role
 * (`/giveaway config manager-role`). No `default_member_permissions` is declared (memberPermission unset), since
 * Discord would hide the command from a manager without Manage Server; the bot checks access on every subcommand and
 * every autocomplete instead (admin/context.ts `giveawaysRun`), with a translated refusal naming both ways in. Every
 * answer is ephemeral, translated and pings nobody.
 *
 * - `/giveaway start` (admin/start.ts)
 * - `/giveaway end | reroll | cancel | pause | resume | edit` (admin/manage.ts)
 * - `/giveaway list | entrants | verify` (admin/view.ts; `entrants` and `verify` answer with a file)
 * - `/giveaway config` (admin/config.ts; changes need Manage Server)
 *
 * Every `id` option is autocompleted from the guild's recent giveaways (number and prize). The mapping uses the names
 * Discord sends (the en-US names of giveaways.json); BotCommand checks at registration that they are exactly the
 * declared subcommands.
 */
export class GiveawayCommand extends PluginCommand<'giveaways'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, {
			...options,
			name: 'giveaway',
			plugin: 'giveaways',
			subcommands: [
				{ name: 'start', chatInputRun: giveawaysRun(giveawayStart, { defer: true }) },
				{ name: 'end', chatInputRun: giveawaysRun(giveawayEnd, { defer: true }) },
				{ name: 'reroll', chatInputRun: giveawaysRun(giveawayReroll, { defer: true }) },
				{ name: 'cancel', chatInputRun: giveawaysRun(giveawayCancel, { defer: true }) },
				{ name: 'edit', chatInputRun: giveawaysRun(giveawayEdit, { defer: true }) },
				{ name: 'pause', chatInputRun: giveawaysRun(giveawayPause, { defer: true }) },
				{ name: 'resume', chatInputRun: giveawaysRun(giveawayResume, { defer: true }) },
				{ name: 'list', chatInputRun: giveawaysRun(giveawayList) },
				{ name: 'entrants', chatInputRun: giveawaysRun(giveawayEntrants, { defer: true }) },
				{ name: 'verify', chatInputRun: giveawaysRun(giveawayVerify, { defer: true }) },
				{ name: 'config', chatInputRun: giveawaysRun(giveawayConfig) }
			]
		});
	}

	/** Suggestions for the `id` options: the guild's recent giveaways, for its managers only (admin/view.ts). */
	protected override autocomplete(interaction: AutocompleteInteraction): Promise<unknown> {
		return giveawayAutocomplete(interaction, this.service);
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, KEY, (builder) =>
			builder
				.addSubcommand((sub) =>
					localizedCommand(sub, `${KEY}.start`)
						.addStringOption((option) => localizedOption(option, `${KEY}.options.prize`).setRequired(true).setMaxLength(MAX_PRIZE))
						.addStringOption((option) => localizedOption(option, `${KEY}.options.duration`).setRequired(true).setMaxLength(MAX_DURATION_INPUT))
						.addIntegerOption((option) => localizedOption(option, `${KEY}.options.winners`).setRequired(true).setMinValue(1).setMaxValue(MAX_WINNERS))
						.addChannelOption((option) => localizedOption(option, `${KEY}.options.channel`).addChannelTypes(...GIVEAWAY_CHANNELS))
						.addStringOption((option) => localizedOption(option, `${KEY}.options.description`).setMaxLength(MAX_DESCRIPTION))
						.addStringOption((option) => localizedOption(option, `${KEY}.options.requiredRoles`).setMaxLength(MAX_ROLE_LIST))
						.addBooleanOption((option) => localizedOption(option, `${KEY}.options.requireAllRoles`))
						.addStringOption((option) => localizedOption(option, `${KEY}.options.forbiddenRoles`).setMaxLength(MAX_ROLE_LIST))
						.addIntegerOption((option) => localizedOption(option, `${KEY}.options.minVoiceLevel`).setMinValue(1).setMaxValue(MAX_VOICE_LEVEL))
						.addStringOption((option) => localizedOption(option, `${KEY}.options.minAccountAge`).setMaxLength(MAX_DURATION_INPUT))
						.addStringOption((option) => localizedOption(option, `${KEY}.options.minMemberAge`).setMaxLength(MAX_DURATION_INPUT))
						.addRoleOption((option) => localizedOption(option, `${KEY}.options.bonusRole`))
						.addIntegerOption((option) => localizedOption(option, `${KEY}.options.bonusEntries`).setMinValue(1).setMaxValue(MAX_BONUS_ENTRIES))
						.addStringOption((option) => localizedOption(option, `${KEY}.options.claimTime`).setMaxLength(MAX_DURATION_INPUT))
				)
				.addSubcommand((sub) => withId(sub, `${KEY}.end`))
				.addSubcommand((sub) =>
					localizedCommand(sub, `${KEY}.reroll`)
						.addIntegerOption(idOption)
						.addIntegerOption((option) => localizedOption(option, `${KEY}.options.count`).setMinValue(1).setMaxValue(MAX_WINNERS))
				)
				.addSubcommand((sub) => withId(sub, `${KEY}.cancel`))
				.addSubcommand((sub) =>
					localizedCommand(sub, `${KEY}.edit`)
						.addIntegerOption(idOption)
						.addStringOption((option) => localizedOption(option, `${KEY}.options.newPrize`).setMaxLength(MAX_PRIZE))
						.addIntegerOption((option) => localizedOption(option, `${KEY}.options.newWinners`).setMinValue(1).setMaxValue(MAX_WINNERS))
						.addStringOption((option) => localizedOption(option, `${KEY}.options.addTime`).setMaxLength(MAX_DURATION_INPUT))
				)
				.addSubcommand((sub) => withId(sub, `${KEY}.pause`))
				.addSubcommand((sub) => withId(sub, `${KEY}.resume`))
				.addSubcommand((sub) => localizedCommand(sub, `${KEY}.list`))
				.addSubcommand((sub) => withId(sub, `${KEY}.entrants`))
				.addSubcommand((sub) => withId(sub, `${KEY}.verify`))
				.addSubcommand((sub) =>
					localizedCommand(sub, `${KEY}.config`)
						.addRoleOption((option) => localizedOption(option, `${KEY}.options.managerRole`))
						.addBooleanOption((option) => localizedOption(option, `${KEY}.options.noManagerRole`))
						.addIntegerOption((option) => localizedOption(option, `${KEY}.options.maxDurationDays`).setMinValue(1).setMaxValue(MAX_DURATION_DAYS_LIMIT))
						.addStringOption((option) => localizedOption(option, `${KEY}.options.defaultClaimTime`).setMaxLength(MAX_DURATION_INPUT))
						.addStringOption((option) => localizedOption(option, `${KEY}.options.defaultMinMemberAge`).setMaxLength(MAX_DURATION_INPUT))
				)
		);
	}
}
