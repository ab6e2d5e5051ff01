/**
 * Types of the translation keys: a key that no en-US file has, or a missing interpolation value, fails
 * `npx tsc --noEmit` (the translation functions of src/lib/i18n.ts take these types).
 *
 * Where they come from: tools/translationKeys.ts reads every en-US file and writes, for each key, the names of the
 * placeholders of its text (`src/lib/i18n/keys.generated.ts` for `locales/`, a `translationKeys.generated.ts` next to
 * each plugin's or test fixture's own `locales/` folder). Run `npx tsx tools/translationKeys.ts` after adding,
 * removing or renaming a key or a placeholder; tests/core/i18nTypes.test.ts fails while a generated file is stale.
 *
 * Why generated rather than `typeof import('locales/en-US/core.json')`: TypeScript types every string of an imported
 * JSON file as `string`, never as its text, so placeholders cannot be read from it. Why not i18next's
 * `CustomTypeOptions`: @sapphire/plugin-i18next 8.0.0 types `getT()` as `TFunction<"translation">` (a namespace the
 * bot does not have, so it checks nothing) and its builders (`applyLocalizedBuilder`, `createLocalizedChoice`) with
 * `ParseKeys<DefaultNamespace>`, which has no `namespace:` keys at all; and i18next 25's typed interpolation makes the
 * values object optional (`t('core:errors.unexpected')` compiles) and every value a `string` (numbers are refused).
 */
import type { BotTranslationPlaceholders } from './keys.generated.js';

/**
 * Every translation key (`namespace:dotted.path` to a text) mapped to the placeholder names of its en-US text:
 * `'voice-xp:rank.title': 'name'` for "Voice rank of {{name}}", `never` for a text without placeholders.
 * Plugins and test fixtures with their own `locales/` folder add their keys by augmenting this interface from a
 * generated file in their own folder (tests/fixtures/echo-plugin/translationKeys.generated.ts).
 */
export interface TranslationPlaceholders extends BotTranslationPlaceholders {}

/** A key of a text in the locale files: `core:errors.unexpected`, `voice-xp:commands.xp.name`. */
export type TranslationKey = keyof TranslationPlaceholders & string;

type NamespaceOf<Key> = Key extends `${infer Namespace}:${string}` ? Namespace : never;

/** A translation namespace: `core` and one per plugin (the file name in `locales/<locale>/`). */
export type TranslationNamespace = NamespaceOf<TranslationKey>;

/** A value for a placeholder: i18next turns it into text with `String()`. */
export type TranslationValue = string | number;

/**
 * The values a key needs: one per placeholder of its en-US text. For a union of keys (a key built from a union,
 * `` `voice-xp:config.show.announcements_${mode}` ``), the placeholders of all of them.
 */
export type TranslationValues<Key extends TranslationKey> = { readonly [Name in TranslationPlaceholders[Key]]: TranslationValue };

/** The arguments after the key: none for a text without placeholders, else its {@link TranslationValues}. */
export type TranslationArguments<Key extends TranslationKey> = [TranslationPlaceholders[Key]] extends [never] ? [] : [values: TranslationValues<Key>];

declare const dynamicKeyBrand: unique symbol;

/**
 * A key that is data rather than code (a plugin's `<name>:plugin.description`, a precondition's identifier, a zod
 * issue code, a shipped locale's name), checked at run time instead: made only by `dynamicKey()` in
 * src/lib/i18n.ts, which returns a fallback key when the default locale has no text there. Its values are not checked.
 */
export type DynamicTranslationKey = string & { readonly [dynamicKeyBrand]: true };

/** A key whose text has no placeholders (a fallback that can be used with any values). */
export type PlainTranslationKey = { [Key in TranslationKey]: [TranslationPlaceholders[Key]] extends [never] ? Key : never }[TranslationKey];

type BaseBefore<Key, Last extends string> = Key extends `${infer Base}.${Last}` ? Base : never;

/**
 * A key base with a `name` and a `description` under it (`voice-xp:commands.xp`, `core:commands.plugins.options.plugin`):
 * what src/lib/commands/localized.ts names commands, subcommands and options from.
 */
export type CommandKeyBase = {
	[Base in BaseBefore<TranslationKey, 'name'>]: `${Base}.description` extends TranslationKey ? Base : never;
}[BaseBefore<TranslationKey, 'name'>];

/**
 * A key base with a text without placeholders under it for every one of `Values`: `voice-xp:commands.xp.choices` for
 * `'off' | 'channel' | 'dm'` (src/lib/commands/localized.ts builds option choices from it).
 */
export type ChoiceKeyBase<Values extends string | number> = {
	[Base in BaseBefore<TranslationKey, `${Values}`>]: [`${Base}.${Values}`] extends [PlainTranslationKey] ? Base : never;
}[BaseBefore<TranslationKey, `${Values}`>];
