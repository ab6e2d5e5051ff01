import type { Command } from '@sapphire/framework';
import { MessageFlags, PermissionFlagsBits, type AutocompleteInteraction, type SlashCommandStringOption } from 'discord.js';
import { BotCommand, type GuildChatInputInteraction } from '../lib/commands/BotCommand.js';
import { localizedCommand, localizedOption } from '../lib/commands/localized.js';
import {
	assertInstalled,
	enableWithDependenciesButton,
	formatPluginList,
	missingDependencies,
	pluginStates,
	runningDependents,
	type PluginSwitchState
} from '../lib/commands/pluginSwitches.js';
import { dynamicKey, translateInteraction, type Translate } from '../lib/i18n.js';
import { fitContent } from '../lib/replies.js';

/** Discord's limits on autocomplete: at most 25 choices, each name at most 100 characters. */
const AUTOCOMPLETE_CHOICES = 25;
const CHOICE_NAME_LIMIT = 100;

/**
 * `/plugins list | enable plugin | disable plugin`: shows and switches the bot's features per guild.
 * Needs Manage Server: declared to Discord (`default_member_permissions`) and checked by the bot
 * (`requiredUserPermissions`), since server admins can override the declaration per role or channel.
 * Answers are ephemeral, in the guild's language.
 *
 * Dependencies (`dependsOn`): `enable` never turns a dependency on by itself; when one is off it names them and offers
 * a button that turns on the dependencies and the plugin (src/interaction-handlers/corePluginsEnableButton.ts).
 * `disable` names the plugins that stop working with it (they keep their switch). `list` shows a plugin switched on
 * but idle because a dependency is off.
 */
export class PluginsCommand extends BotCommand {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, {
			...options,
			name: 'plugins',
			memberPermission: PermissionFlagsBits.ManageGuild,
			subcommands: [
				{ name: 'list', chatInputRun: 'chatInputList' },
				{ name: 'enable', chatInputRun: 'chatInputEnable' },
				{ name: 'disable', chatInputRun: 'chatInputDisable' }
			]
		});
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		const pluginOption = (option: SlashCommandStringOption) =>
			localizedOption(option, 'core:commands.plugins.options.plugin').setRequired(true).setAutocomplete(true);
		this.registerChatInput(registry, 'core:commands.plugins', (builder) =>
			builder
				.addSubcommand((sub) => localizedCommand(sub, 'core:commands.plugins.list'))
				.addSubcommand((sub) => localizedCommand(sub, 'core:commands.plugins.enable').addStringOption(pluginOption))
				.addSubcommand((sub) => localizedCommand(sub, 'core:commands.plugins.disable').addStringOption(pluginOption))
		);
	}

	/** `/plugins list`: every plugin, on, off, or switched on but waiting for a dependency. */
	public async chatInputList(interaction: GuildChatInputInteraction) {
		const { locale, t } = await translateInteraction(interaction);
		const states = await pluginStates(interaction.guildId);
		if (states.length === 0) return interaction.reply({ content: t('core:commands.plugins.none'), flags: MessageFlags.Ephemeral });
		const lines = states.map((state) => listLine(t, locale, state));
		return interaction.reply({ content: fitContent([t('core:commands.plugins.listHeader'), ...lines].join('\n')), flags: MessageFlags.Ephemeral });
	}

	/**
	 * `/plugins enable plugin`: switches it on, unless a plugin it depends on is off: then nothing changes and the
	 * answer offers the confirmation button.
	 * @throws UserError `core:errors.unknownPlugin` for a name that is not installed.
	 */
	public async chatInputEnable(interaction: GuildChatInputInteraction) {
		const name = pluginName(interaction);
		assertInstalled(name);
		const { locale, t } = await translateInteraction(interaction);
		const missing = await missingDependencies(interaction.guildId, name);
		if (missing.length) {
			this.#log(interaction, name).info(`Plugin ${name} not enabled by ${interaction.user.id}: needs ${missing.join(', ')} (confirmation offered)`);
			return interaction.reply({
				content: t('core:commands.plugins.needsDependencies', { name, dependencies: formatPluginList(locale, missing) }),
				components: [enableWithDependenciesButton(t, locale, name, missing)],
				flags: MessageFlags.Ephemeral
			});
		}
		const changed = await this.container.settings.setPluginEnabled(interaction.guildId, name, true);
		this.#log(interaction, name).info(`Plugin ${name} enabled by ${interaction.user.id}${changed ? '' : ' (no change)'}`);
		return interaction.reply({ content: t(changed ? 'core:commands.plugins.enabled' : 'core:commands.plugins.alreadyEnabled', { name }), flags: MessageFlags.Ephemeral });
	}

	/**
	 * `/plugins disable plugin`: switches it off, naming the running plugins that depend on it (they stop with it and
	 * come back when it is on again).
	 * @throws UserError `core:errors.unknownPlugin` for a name that is not installed.
	 */
	public async chatInputDisable(interaction: GuildChatInputInteraction) {
		const name = pluginName(interaction);
		assertInstalled(name);
		const dependents = await runningDependents(interaction.guildId, name);
		const changed = await this.container.settings.setPluginEnabled(interaction.guildId, name, false);
		const { locale, t } = await translateInteraction(interaction);
		this.#log(interaction, name).info(
			`Plugin ${name} disabled by ${interaction.user.id}${changed ? '' : ' (no change)'}${changed && dependents.length ? `; stopped with it: ${dependents.join(', ')}` : ''}`
		);
		const key = !changed ? 'alreadyDisabled' : dependents.length ? 'disabledWithDependents' : 'disabled';
		return interaction.reply({
			content: t(`core:commands.plugins.${key}`, { name, dependents: formatPluginList(locale, dependents) }),
			flags: MessageFlags.Ephemeral
		});
	}

	public override async autocompleteRun(interaction: AutocompleteInteraction) {
		const typed = interaction.options.getFocused().trim().toLowerCase();
		const { t } = await translateInteraction(interaction);
		const choices = this.container.plugins.names
			.filter((name) => name.includes(typed))
			.slice(0, AUTOCOMPLETE_CHOICES)
			.map((name) => ({ name: fitContent(`${name}: ${describe(t, name)}`, CHOICE_NAME_LIMIT), value: name }));
		return interaction.respond(choices);
	}

	#log(interaction: GuildChatInputInteraction, plugin: string) {
		return this.container.botLogger.child({ guildId: interaction.guildId, shardId: interaction.guild?.shardId, command: 'plugins', plugin });
	}
}

/** The `plugin` option, as typed (plugin names are lowercase). */
function pluginName(interaction: GuildChatInputInteraction): string {
	return interaction.options.getString('plugin', true).trim().toLowerCase();
}

/** One line of `/plugins list`. */
function listLine(t: Translate, locale: string, state: PluginSwitchState): string {
	const values = { name: state.name, description: describe(t, state.name) };
	if (state.enabled) return t('core:commands.plugins.lineOn', values);
	if (state.switchedOn) return t('core:commands.plugins.lineIdle', { ...values, missing: formatPluginList(locale, state.missing) });
	return t('core:commands.plugins.lineOff', values);
}

/** One line about a plugin, from its namespace (`<name>:plugin.description`; plugin names are data, hence `dynamicKey`). */
function describe(t: Translate, name: string): string {
	return t(dynamicKey(`${name}:plugin.description`));
}
