import { container } from '@sapphire/framework';
import { applyLocalizedBuilder, createLocalizedChoice, type BuilderWithNameAndDescription } from '@sapphire/plugin-i18next';
import type { APIApplicationCommandOptionChoice } from 'discord.js';
import type { ChoiceKeyBase, CommandKeyBase, DynamicTranslationKey, PlainTranslationKey } from '../i18n.js';

/**
 * Localized slash command declarations from the locale files: the one way the core and every plugin name and describe
 * their commands, subcommands, groups, options and choices. A *key base* is a translation key without its last part
 * (`voice-xp:commands.xp`), under which the locale files hold `name` and `description`:
 *
 * ```json
 * { "commands": { "xp": { "name": "xp", "description": "Manage voice XP", "add": { "name": "add", ... },
 *   "options": { "user": { "name": "user", "description": "The member" } }, "choices": { "off": "Nowhere" } } } }
 * ```
 *
 * The default locale's text is what Discord shows by default and what interactions carry (subcommand names are matched
 * on it); every shipped locale is added as a Discord localization. Built on @sapphire/plugin-i18next's
 * `applyLocalizedBuilder` and `createLocalizedChoice`, so the i18n plugin must be initialized (it is when Sapphire
 * calls `registerApplicationCommands`). Key bases and keys are typed (src/lib/i18n/keys.ts): a base without `name` and
 * `description`, or a choice key that does not exist, fails `tsc`; the run-time check below still catches generated
 * key types that are out of date and keys from `dynamicKey()`.
 */

/** Returned by i18next for a missing key instead of the key itself (an empty default counts as missing there too). */
const MISSING = '\u0000missing';

/**
 * Checks that the default locale has a key.
 * @throws Error naming the key when the default locale has no such key (i18next would answer with the key itself,
 *   which Discord would show, or refuse as a name).
 */
function requireKey(key: string): void {
	const t = container.i18n.getT(container.i18n.options.defaultName ?? 'en-US');
	if (t(key, { defaultValue: MISSING }) === MISSING) {
		throw new Error(`Missing translation "${key}" in the default locale (locales/<locale>/<namespace>.json)`);
	}
}

/**
 * Sets a command's, subcommand's or subcommand group's name and description from `<base>.name` and
 * `<base>.description`, with Discord localizations for every shipped locale.
 * @param builder a SlashCommandBuilder, SlashCommandSubcommandBuilder or SlashCommandSubcommandGroupBuilder.
 * @param base key base, e.g. `voice-xp:commands.xp` or `voice-xp:commands.xp.config.show`.
 * @returns the same builder, for chaining.
 * @throws Error when `<base>.name` or `<base>.description` is missing in the default locale.
 */
export function localizedCommand<T extends BuilderWithNameAndDescription>(builder: T, base: CommandKeyBase): T {
	requireKey(`${base}.name`);
	requireKey(`${base}.description`);
	return applyLocalizedBuilder(builder, `${base}.name`, `${base}.description`);
}

/**
 * Sets an option's name and description from `<base>.name` and `<base>.description` (same rule as
 * {@link localizedCommand}), e.g. `localizedOption(option, 'voice-xp:commands.xp.options.user').setRequired(true)`.
 * @returns the same option builder, for chaining.
 * @throws Error when a key is missing in the default locale.
 */
export function localizedOption<T extends BuilderWithNameAndDescription>(option: T, base: CommandKeyBase): T {
	return localizedCommand(option, base);
}

/**
 * One choice of a string or integer option, its name from `key` in every shipped locale.
 * @param key the full key of the choice's name, e.g. `core:commands.language.choices.default` (a text without
 *   placeholders), or a `dynamicKey()` for a name that is data (`core:languages.<shipped locale>`).
 * @param value what the bot receives when the choice is picked.
 * @throws Error when the key is missing in the default locale.
 */
export function localizedChoice<V extends string | number>(key: PlainTranslationKey | DynamicTranslationKey, value: V): APIApplicationCommandOptionChoice<V> {
	return checkedChoice(key, value);
}

/** {@link localizedChoice} once the key's type is checked by the caller (a literal key, or a base and a value). */
function checkedChoice<V extends string | number>(key: string, value: V): APIApplicationCommandOptionChoice<V> {
	requireKey(key);
	return createLocalizedChoice<V>(key, { value });
}

/**
 * Choices whose names live side by side under one key base, one key per value: `<base>.<value>`.
 * `localizedChoices('voice-xp:commands.xp.choices', ['off', 'channel', 'dm'])` reads
 * `voice-xp:commands.xp.choices.off`, `.channel` and `.dm`.
 * @param base a key base with a text for every value ({@link ChoiceKeyBase}).
 * @returns the choices in the order of `values`.
 * @throws Error when a key is missing in the default locale.
 */
export function localizedChoices<const V extends string | number>(base: NoInfer<ChoiceKeyBase<V>>, values: readonly V[]): APIApplicationCommandOptionChoice<V>[] {
	return values.map((value) => checkedChoice(`${base}.${value}`, value));
}
