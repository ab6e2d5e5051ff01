import type { Command } from '@sapphire/framework';
import { MessageFlags, PermissionFlagsBits } from 'discord.js';
import { BotCommand, type GuildChatInputInteraction } from '../lib/commands/BotCommand.js';
import { localizedChoice, localizedCommand, localizedOption } from '../lib/commands/localized.js';
import { dynamicKey, listShippedLocales, translatorFor } from '../lib/i18n.js';

/** The choice value that clears the guild's language (back to its preferred locale). */
const SERVER_DEFAULT = 'default';

/**
 * `/language set language`: the language the bot answers in for this guild, one of the shipped locales, or the
 * guild's own preferred locale. Manage Server, declared to Discord and checked by the bot. The confirmation is in the
 * new language: the one this command wrote, even when another `/language set` finishes at the same moment.
 */
export class LanguageCommand extends BotCommand {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, {
			...options,
			name: 'language',
			memberPermission: PermissionFlagsBits.ManageGuild,
			subcommands: [{ name: 'set', chatInputRun: 'chatInputSet' }]
		});
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		const locales = listShippedLocales(undefined, this.container.botConfig.defaultLocale);
		this.registerChatInput(registry, 'core:commands.language', (builder) =>
			builder.addSubcommand((sub) =>
				localizedCommand(sub, 'core:commands.language.set').addStringOption((option) =>
					localizedOption(option, 'core:commands.language.options.language')
						.setRequired(true)
						.addChoices(
							...locales.map((locale) => localizedChoice(dynamicKey(`core:languages.${locale}`), locale)),
							localizedChoice('core:commands.language.choices.default', SERVER_DEFAULT)
						)
				)
			)
		);
	}

	/** `/language set language`. @throws UserError `core:errors.unknownLanguage` for a locale the bot does not ship. */
	public async chatInputSet(interaction: GuildChatInputInteraction) {
		const choice = interaction.options.getString('language', true);
		const language = choice === SERVER_DEFAULT ? null : choice;
		const settings = this.container.settings;
		await settings.setLanguage(interaction.guildId, language);
		// The language this command wrote, not a re-read: another `/language set` finishing meanwhile must not change
		// which language this one reports (issue 12). Clearing it falls back as `interactionLocale` does.
		const locale = language ?? settings.fallbackLanguage(interaction.guildId, interaction.guildLocale ?? interaction.guild?.preferredLocale);
		const t = translatorFor(locale);
		this.container.botLogger
			.child({ guildId: interaction.guildId, shardId: interaction.guild?.shardId, command: 'language' })
			.info(`Language set to ${language ?? `the guild's preferred locale (${locale})`} by ${interaction.user.id}`);
		return interaction.reply({
			content: t(language ? 'core:commands.language.changed' : 'core:commands.language.reset', { language: t(dynamicKey(`core:languages.${locale}`)) }),
			flags: MessageFlags.Ephemeral
		});
	}
}
