import type { Command } from '@sapphire/framework';
import { GuildPermissionCommand } from '../lib/guildPermissionCommand.js';
import { applyLocalizedBuilder, createLocalizedChoice } from '@sapphire/plugin-i18next';
import { MessageFlags, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import { listShippedLocales, translateInteraction } from '../lib/i18n.js';

/** The choice value that clears the guild's language (back to its preferred locale). */
const SERVER_DEFAULT = 'default';

/**
 * `/language set language`: the language the bot answers in for this guild, one of the shipped locales, or the
 * guild's own preferred locale. Manage Server, declared to Discord and checked by the bot. The confirmation is in the
 * new language.
 */
export class LanguageCommand extends GuildPermissionCommand {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'language', memberPermission: PermissionFlagsBits.ManageGuild });
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		const locales = listShippedLocales(undefined, this.container.botConfig.defaultLocale);
		registry.registerChatInputCommand((builder) =>
			applyLocalizedBuilder(this.declare(builder), 'core:commands.language.name', 'core:commands.language.description')
				.addSubcommand((sub) =>
					applyLocalizedBuilder(sub, 'core:commands.language.set.name', 'core:commands.language.set.description').addStringOption((option) =>
						applyLocalizedBuilder(option, 'core:commands.language.options.language.name', 'core:commands.language.options.language.description')
							.setRequired(true)
							.addChoices(
								...locales.map((locale) => createLocalizedChoice(`core:languages.${locale}`, { value: locale })),
								createLocalizedChoice('core:commands.language.choices.default', { value: SERVER_DEFAULT })
							)
					)
				)
		);
	}

	public override async chatInputRun(interaction: ChatInputCommandInteraction<'cached' | 'raw'>) {
		const choice = interaction.options.getString('language', true);
		const language = choice === SERVER_DEFAULT ? null : choice;
		await this.container.settings.setLanguage(interaction.guildId, language);
		const { locale, t } = await translateInteraction(interaction);
		this.container.botLogger
			.child({ guildId: interaction.guildId, shardId: interaction.guild?.shardId, command: 'language' })
			.info(`Language set to ${language ?? `the guild's preferred locale (${locale})`} by ${interaction.user.id}`);
		return interaction.reply({
			content: t(language ? 'core:commands.language.changed' : 'core:commands.language.reset', { language: t(`core:languages.${locale}`) }),
			flags: MessageFlags.Ephemeral
		});
	}
}
