import type { Command } from '@sapphire/framework';
import { GuildPermissionCommand } from '../lib/guildPermissionCommand.js';
import { applyLocalizedBuilder } from '@sapphire/plugin-i18next';
import { MessageFlags, PermissionFlagsBits, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { translateInteraction, type Translate } from '../lib/i18n.js';
import { fitContent } from '../lib/replies.js';

/** Discord's limits on autocomplete: at most 25 choices, each name at most 100 characters. */
const AUTOCOMPLETE_CHOICES = 25;
const CHOICE_NAME_LIMIT = 100;

/**
 * `/plugins list | enable plugin | disable plugin`: shows and switches the bot's features per guild.
 * Needs Manage Server: declared to Discord (`default_member_permissions`) and checked by the bot
 * (`requiredUserPermissions`), since server admins can override the declaration per role or channel.
 * Answers are ephemeral, in the guild's language.
 */
export class PluginsCommand extends GuildPermissionCommand {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'plugins', memberPermission: PermissionFlagsBits.ManageGuild });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		registry.registerChatInputCommand((builder) =>
			applyLocalizedBuilder(this.declare(builder), 'core:commands.plugins.name', 'core:commands.plugins.description')
				.addSubcommand((sub) => applyLocalizedBuilder(sub, 'core:commands.plugins.list.name', 'core:commands.plugins.list.description'))
				.addSubcommand((sub) =>
					applyLocalizedBuilder(sub, 'core:commands.plugins.enable.name', 'core:commands.plugins.enable.description').addStringOption(
						(option) =>
							applyLocalizedBuilder(option, 'core:commands.plugins.options.plugin.name', 'core:commands.plugins.options.plugin.description')
								.setRequired(true)
								.setAutocomplete(true)
					)
				)
				.addSubcommand((sub) =>
					applyLocalizedBuilder(sub, 'core:commands.plugins.disable.name', 'core:commands.plugins.disable.description').addStringOption(
						(option) =>
							applyLocalizedBuilder(option, 'core:commands.plugins.options.plugin.name', 'core:commands.plugins.options.plugin.description')
								.setRequired(true)
								.setAutocomplete(true)
					)
				)
		);
	}

	public override async chatInputRun(interaction: ChatInputCommandInteraction<'cached' | 'raw'>) {
		const subcommand = interaction.options.getSubcommand(true);
		if (subcommand === 'list') return this.list(interaction);
		const name = interaction.options.getString('plugin', true).trim().toLowerCase();
		const enabled = subcommand === 'enable';
		const changed = await this.container.settings.setPluginEnabled(interaction.guildId, name, enabled);
		const { t } = await translateInteraction(interaction);
		const key = enabled ? (changed ? 'enabled' : 'alreadyEnabled') : changed ? 'disabled' : 'alreadyDisabled';
		this.container.botLogger
			.child({ guildId: interaction.guildId, shardId: interaction.guild?.shardId, command: 'plugins', plugin: name })
			.info(`Plugin ${name} ${enabled ? 'enabled' : 'disabled'} by ${interaction.user.id}${changed ? '' : ' (no change)'}`);
		return interaction.reply({ content: t(`core:commands.plugins.${key}`, { name }), flags: MessageFlags.Ephemeral });
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

	private async list(interaction: ChatInputCommandInteraction<'cached' | 'raw'>) {
		const { t } = await translateInteraction(interaction);
		const { settings, plugins } = this.container;
		if (plugins.names.length === 0) return interaction.reply({ content: t('core:commands.plugins.none'), flags: MessageFlags.Ephemeral });
		const enabled = new Set(await settings.enabledPlugins(interaction.guildId));
		const lines = plugins.names.map((name) =>
			t(enabled.has(name) ? 'core:commands.plugins.lineOn' : 'core:commands.plugins.lineOff', { name, description: describe(t, name) })
		);
		return interaction.reply({ content: fitContent([t('core:commands.plugins.listHeader'), ...lines].join('\n')), flags: MessageFlags.Ephemeral });
	}
}

/** One line about a plugin, from its namespace (`<name>:plugin.description`). */
function describe(t: Translate, name: string): string {
	return t(`${name}:plugin.description`);
}
