import { container } from '@sapphire/framework';
import type { InternationalizationContext, InternationalizationOptions } from '@sapphire/plugin-i18next';
import type { Interaction, PermissionsString } from 'discord.js';
import i18next from 'i18next';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidationProblem } from './errors.js';
import type { AnyPluginManifest } from './plugins/definePlugin.js';
import type { DynamicTranslationKey, PlainTranslationKey, TranslationArguments, TranslationKey } from './i18n/keys.js';
import { localesDirectory } from './paths.js';

export type * from './i18n/keys.js';

/**
 * A translation function bound to one locale: `t('core:errors.unexpected', { errorId })`. The key must exist in the
 * en-US files and the values must name every placeholder of its en-US text, no more (types in src/lib/i18n/keys.ts);
 * a text without placeholders takes no values. A key built from a union is checked for every member
 * (`` t(`voice-xp:config.show.announcements_${mode}`) ``). A key that is data rather than code goes through
 * {@link dynamicKey}, and its values are not checked.
 */
export type Translate = <const Key extends string>(
	key: [Key] extends [DynamicTranslationKey] ? Key : [Key] extends [TranslationKey] ? Key : TranslationKey,
	...values: [Key] extends [DynamicTranslationKey]
		? [values?: Readonly<Record<string, unknown>>]
		: [Key] extends [TranslationKey]
			? TranslationArguments<Key>
			: [values?: Readonly<Record<string, unknown>>]
) => string;

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
		i18next: (namespaces: string[]) => {
			// Runs just before the plugin's i18next.init: the post-processor named in `postProcess` must be known by then.
			registerValueUnescaper();
			return {
				ns: [...new Set([...namespaces, ...options.plugins.map((plugin) => plugin.name)])],
				defaultNS: 'core',
				fallbackNS: false,
				showSupportNotice: false,
				returnEmptyString: false,
				returnNull: false,
				...valueEscapingOptions
			};
		}
	} as InternationalizationOptions;
}

/**
 * The character that starts an escaped character of a value (a private-use code point, never in a locale file). Each
 * character of {@link ESCAPED} becomes this character followed by its index in {@link ESCAPED}.
 */
const ESCAPE = '\uE000';
/** What a value may not bring into a text: interpolation (`{{x}}`), nesting (`$t(...)`), and {@link ESCAPE} itself. */
const ESCAPED = ['{', '}', '$', ESCAPE] as const;
const ESCAPE_PATTERN = /[{}$\uE000]/g;
const UNESCAPE_PATTERN = /\uE000([0-3])/g;
/** Name of the i18next post-processor that turns escaped values back into their text ({@link unescapeValues}). */
const UNESCAPE_PROCESSOR = 'hearthUnescapeValues';

/**
 * Replaces, in a value given to `t`, every character that i18next could read as markup (`{`, `}`, `$`) by an escape
 * sequence of private-use characters, so member text such as `{{name}}` or `$t(core:errors.unexpected)` is neither
 * interpolated again nor nested; {@link unescapeValues} restores it once the translation is complete.
 * Lossless: the escape character itself is escaped too.
 */
export function escapeValue(value: string): string {
	return value.replace(ESCAPE_PATTERN, (character) => `${ESCAPE}${ESCAPED.indexOf(character as (typeof ESCAPED)[number])}`);
}

/** The inverse of {@link escapeValue}, applied to a finished translation (locale texts never hold {@link ESCAPE}). */
export function unescapeValues(text: string): string {
	return text.replace(UNESCAPE_PATTERN, (_, index: string) => ESCAPED[Number(index)] ?? '');
}

/**
 * The i18next options that make every interpolated value plain text, for the whole bot (issue 12: member text was read
 * as translation markup). i18next escapes values with `interpolation.escape` (when `escapeValue` is on) before putting
 * them into the text, then nests `$t(...)` over the result, then runs the post-processors: values are escaped by
 * {@link escapeValue}, so no `{{` or `$t(` of theirs is left for the interpolation or nesting passes (and none can
 * make i18next's `str.replace` of a later placeholder land inside an earlier value), and the post-processor
 * {@link UNESCAPE_PROCESSOR} restores them in the final text. `skipOnVariables` (which @sapphire/plugin-i18next turns
 * off by default) also keeps i18next from scanning inserted values again and turns nesting off for a text whose
 * values added a `$t(`, as a second line of defence.
 */
export const valueEscapingOptions = {
	interpolation: { escapeValue: true, escape: (value: unknown) => escapeValue(String(value)), skipOnVariables: true },
	postProcess: [UNESCAPE_PROCESSOR]
} as const;

/** Registers the post-processor of {@link valueEscapingOptions} with i18next (again is harmless: same name, same function). */
export function registerValueUnescaper(): void {
	i18next.use({ type: 'postProcessor', name: UNESCAPE_PROCESSOR, process: (value: string) => unescapeValues(value) });
}

/**
 * The translation function of a locale. Keys missing in that locale fall back to the default locale.
 *
 * i18next works out a locale's chain of languages to look keys up in (`en-US`, `en`; `pl`, `en-US`) on every call,
 * through `Intl.getCanonicalLocales`: about a third of a call's cost, and a fifth of the bot's CPU under `/rank` (13
 * calls an answer, 35 for a leaderboard page; bench:rank's CPU profile). The chain is worked out here once per
 * translator, by i18next's own `languageUtils`, and handed to each call as i18next's `lngs` option (the languages to
 * use), so the lookups are the same.
 * @throws ReferenceError (from the i18n plugin) when the locale is not shipped.
 */
export function translatorFor(locale: string): Translate {
	const t = container.i18n.getT(locale);
	const lngs: readonly string[] = i18next.services.languageUtils.toResolveHierarchy(locale);
	return (key: string, values?: Readonly<Record<string, unknown>>) => t(key, values ? { ...values, lngs } : { lngs }) as string;
}

/** The locale every key must exist in (en-US): the i18n plugin's `defaultName`. */
function referenceLocale(): string {
	return container.i18n.options.defaultName ?? 'en-US';
}

/**
 * Whether the default locale has a text (not a group of keys) at `key` (`namespace:dotted.path`). Other locales fall
 * back to it for missing keys, so this is whether a translation of `key` shows text rather than the key.
 */
export function hasTranslation(key: string): boolean {
	const separator = key.indexOf(':');
	if (separator <= 0) return false;
	return typeof i18next.getResource(referenceLocale(), key.slice(0, separator), key.slice(separator + 1)) === 'string';
}

/**
 * The escape hatch for a key that is data rather than code, so the compiler cannot check it: a plugin's
 * `<name>:plugin.description` (plugin names come from the manifests), a precondition's identifier
 * (`core:preconditions.<identifier>`, from Sapphire), the key of a UserError (kept as a string on the error), a zod issue
 * code (`core:validation.<code>`), a shipped locale's name (`core:languages.<locale>`, locales are the folders of
 * `locales/`). Every other key is a literal or a union that {@link Translate} checks. The key is checked here at run
 * time instead, against the default locale; the values given with it are not checked at all.
 * @param key `namespace:dotted.path`, computed at run time (without a namespace, it never has a text).
 * @param fallback key used when the default locale has no text at `key` (a text without placeholders, since the values
 *   were meant for another text); without one, a missing key is translated as i18next does (it shows the key).
 * @returns `key` or `fallback`, branded so {@link Translate} and src/lib/commands/localized.ts accept it.
 */
export function dynamicKey(key: string, fallback?: PlainTranslationKey): DynamicTranslationKey {
	// The one place a string becomes a key: the brand only exists at compile time.
	return (fallback === undefined || hasTranslation(key) ? key : fallback) as DynamicTranslationKey;
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

/**
 * Translates config validation problems (see {@link ValidationProblem}) into one line each: the text of
 * `core:validation.<code>` (`too_small` and `too_big` have variants per origin and for exclusive bounds), or the generic
 * `core:validation.invalid` for a code without a text there.
 */
export function formatValidationProblems(t: Translate, problems: readonly ValidationProblem[]): string {
	return problems
		.map((problem) => {
			let key = problem.code === 'custom' ? 'invalid' : problem.code;
			const origin = String(problem.params.origin ?? '');
			if (problem.code === 'too_small' || problem.code === 'too_big') {
				if (origin === 'string' || origin === 'array') key = `${problem.code}_${origin}`;
				else if (problem.params.inclusive === 0) key = `${problem.code}_exclusive`;
			}
			// i18next answers a missing key with the key itself even when given `defaultValue: ''` (returnEmptyString is off),
			// so the fallback is decided by looking the key up.
			const text = t(dynamicKey(`core:validation.${key}`, 'core:validation.invalid'), problem.params);
			return t('core:errors.invalidConfigLine', { field: problem.field, problem: text });
		})
		.join('\n');
}

/**
 * Translated names of permission flags (`ManageGuild` -> "Manage Server"), joined for a sentence. The compiler checks
 * that `core:permissions` has a name for every permission discord.js knows.
 */
export function formatPermissions(t: Translate, permissions: readonly PermissionsString[]): string {
	return permissions.map((permission) => t(`core:permissions.${permission}`)).join(', ');
}
