import { container } from '@sapphire/framework';
import type { InternationalizationContext, InternationalizationOptions } from '@sapphire/plugin-i18next';
import type { Interaction } from 'discord.js';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidationProblem } from './errors.js';
import type { AnyPluginManifest } from './plugins/definePlugin.js';
import { localesDirectory } from './paths.js';

/** A translation function bound to one locale: `t('core:errors.unexpected', { errorId })`. */
export type Translate = (key: string, values?: Record<string, unknown>) => string;

/**
 * The locales the bot ships: the folders of `locales/` (Discord locale codes such as `en-US`, `pl`, `fr`).
 * The default locale comes first, then the others alphabetically.
 */
export function listShippedLocales(directory: string = localesDirectory, defaultLocale = 'en-US'): string[] {
	const locales = readdirSync(directory).filter((entry) => statSync(join(directory, entry)).isDirectory());
	return locales.sort((a, b) => (a === defaultLocale ? -1 : b === defaultLocale ? 1 : a.localeCompare(b)));
}

/**
 * Options for @sapphire/plugin-i18next: the bot's `locales/` folder plus the folders of plugins that keep their
 * translations elsewhere (`localesDirectory` of the manifest), every plugin name as a namespace, and a language
 * resolver that only ever returns a shipped locale (the plugin throws on others).
 */
export function buildI18nOptions(options: {
	plugins: readonly AnyPluginManifest[];
	defaultLocale: string;
	fetchLanguage: (context: InternationalizationContext) => Promise<string> | string;
}): InternationalizationOptions {
	const extraDirectories = [...new Set(options.plugins.flatMap((plugin) => (plugin.localesDirectory ? [plugin.localesDirectory] : [])))];
	return {
		defaultName: options.defaultLocale,
		defaultLanguageDirectory: localesDirectory,
		// `backend.paths` replaces the plugin's default path list, so the bot's own folder is listed too.
		backend: { paths: [localesDirectory, ...extraDirectories].map((directory) => join(directory, '{{lng}}', '{{ns}}.json')) },
		fetchLanguage: options.fetchLanguage,
		i18next: (namespaces: string[]) => ({
			ns: [...new Set([...namespaces, ...options.plugins.map((plugin) => plugin.name)])],
			defaultNS: 'core',
			fallbackNS: false,
			showSupportNotice: false,
			returnEmptyString: false,
			returnNull: false
		})
	} as InternationalizationOptions;
}

/**
 * The translation function of a locale. Keys missing in that locale fall back to the default locale.
 * @throws ReferenceError (from the i18n plugin) when the locale is not shipped.
 */
export function translatorFor(locale: string): Translate {
	const t = container.i18n.getT(locale);
	return (key, values) => t(key, values ?? {}) as string;
}

/**
 * The locale to answer an interaction in: in a guild, the guild's language (`/language set`, else its preferred
 * locale if shipped, else the default); in DMs, the user's locale if shipped, else the default.
 */
export async function interactionLocale(interaction: Interaction): Promise<string> {
	const settings = container.settings;
	if (interaction.guildId) return settings.getLanguage(interaction.guildId, interaction.guildLocale ?? interaction.guild?.preferredLocale);
	return settings.supportedLanguages.includes(interaction.locale) ? interaction.locale : settings.fallbackLanguage(null);
}

/** {@link interactionLocale} and its translation function together. */
export async function translateInteraction(interaction: Interaction): Promise<{ locale: string; t: Translate }> {
	const locale = await interactionLocale(interaction);
	return { locale, t: translatorFor(locale) };
}

/** Translates config validation problems (see {@link ValidationProblem}) into one line each. */
export function formatValidationProblems(t: Translate, problems: readonly ValidationProblem[]): string {
	return problems
		.map((problem) => {
			let key = problem.code === 'custom' ? 'invalid' : problem.code;
			const origin = String(problem.params.origin ?? '');
			if (problem.code === 'too_small' || problem.code === 'too_big') {
				if (origin === 'string' || origin === 'array') key = `${problem.code}_${origin}`;
				else if (problem.params.inclusive === 0) key = `${problem.code}_exclusive`;
			}
			const known = container.i18n.getT('en-US')(`core:validation.${key}`, { defaultValue: '' });
			const text = t(`core:validation.${known ? key : 'invalid'}`, problem.params);
			return t('core:errors.invalidConfigLine', { field: problem.field, problem: text });
		})
		.join('\n');
}

/** Translated names of permission flags (`ManageGuild` -> "Manage Server"), joined for a sentence. */
export function formatPermissions(t: Translate, permissions: readonly string[]): string {
	return permissions.map((permission) => t(`core:permissions.${permission}`)).join(', ');
}
