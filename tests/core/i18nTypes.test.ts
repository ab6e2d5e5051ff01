/**
 * Typed translation keys (src/lib/i18n/keys.ts): the lines marked `@ts-expect-error` below must stay compile errors,
 * so `npx tsc --noEmit` fails the day a wrong key or a missing interpolation value compiles again (an unused
 * `@ts-expect-error` is itself an error). At run time: the generated key types are up to date with the en-US files,
 * the generator refuses what the types cannot express, and keys that are data fall back to a generic text when the
 * default locale has none (`formatValidationProblems`, `translateUserError`).
 */
import { container, UserError } from '@sapphire/framework';
import { InternationalizationHandler } from '@sapphire/plugin-i18next';
import { SlashCommandBuilder } from 'discord.js';
import i18next from 'i18next';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedTranslationKeyFiles, readPlaceholders } from '../../tools/translationKeys.js';
import { localizedChoices, localizedCommand } from '../../src/lib/commands/localized.js';
import { translatedUserError, type ValidationProblem } from '../../src/lib/errors.js';
import { buildI18nOptions, dynamicKey, formatValidationProblems, hasTranslation, translatorFor, type Translate } from '../../src/lib/i18n.js';
import { projectRoot } from '../../src/lib/paths.js';
import { translateUserError } from '../../src/lib/replies.js';

/** Never called: only compiled. Each `@ts-expect-error` names the mistake it proves is caught. */
export function compileTimeChecks(t: Translate, mode: 'off' | 'channel' | 'dm', pluginName: string): string[] {
	return [
		t('voice-xp:rank.title', { name: 'Ada' }),
		t('voice-xp:rank.level'),
		t(`voice-xp:config.show.announcements_${mode}`),
		t(`voice-xp:config.announcements_${mode}`, { channel: '#general' }),
		t('echo:commands.echo.reply', { greeting: 'Hi', text: 'there' }),
		t(dynamicKey(`${pluginName}:plugin.description`)),
		t(dynamicKey(`core:validation.${pluginName}`, 'core:validation.invalid'), { anything: 1 }),
		// @ts-expect-error a key no en-US file has (typo)
		t('voice-xp:rank.titel', { name: 'Ada' }),
		// @ts-expect-error a key no en-US file has, without values
		t('voice-xp:rank.titel'),
		// @ts-expect-error a key built from a plain string is not a key (use dynamicKey for data)
		t(`${pluginName}:plugin.description`),
		// @ts-expect-error the text uses {{name}}: the values are missing
		t('voice-xp:rank.title'),
		// @ts-expect-error the text uses {{name}}: this value is missing
		t('voice-xp:rank.title', {}),
		// @ts-expect-error misspelt value name
		t('voice-xp:rank.title', { nam: 'Ada' }),
		// @ts-expect-error a value the text does not use
		t('voice-xp:rank.title', { name: 'Ada', extra: 1 }),
		// @ts-expect-error the text has no placeholders
		t('voice-xp:rank.level', { level: 3 }),
		// @ts-expect-error one key of the union ("announcements_channel") needs {{channel}}
		t(`voice-xp:config.announcements_${mode}`),
		// @ts-expect-error a value must be text or a number
		t('voice-xp:rank.title', { name: { first: 'Ada' } }),
		// @ts-expect-error a fixture key needs its values too
		t('shout:commands.shout.reply'),
		// @ts-expect-error a fallback must be a text without placeholders
		t(dynamicKey(`core:validation.${pluginName}`, 'core:errors.unexpected'))
	];
}

/** Never called: only compiled. Keys of UserErrors and command builders are checked the same way. */
export function compileTimeChecksOfErrorsAndBuilders(): unknown[] {
	return [
		translatedUserError('core:errors.unknownPlugin', { plugin: 'nope' }),
		translatedUserError('core:errors.invalidConfig', { plugin: 'voice-xp', problems: [] }),
		translatedUserError('core:errors.unknownSubcommand', { command: 'xp', group: null, subcommand: 'nope' }),
		// @ts-expect-error a key no en-US file has
		translatedUserError('core:errors.unknownPlugn', { plugin: 'nope' }),
		// @ts-expect-error the text uses {{plugin}}
		translatedUserError('core:errors.unknownPlugin'),
		// @ts-expect-error `problems` is the list of validation problems, not text
		translatedUserError('core:errors.invalidConfig', { plugin: 'voice-xp', problems: 'too small' }),
		localizedCommand(new SlashCommandBuilder(), 'voice-xp:commands.xp'),
		// @ts-expect-error no `name` and `description` under this base
		localizedCommand(new SlashCommandBuilder(), 'voice-xp:commands.xp.choices'),
		localizedChoices('voice-xp:commands.xp.choices', ['off', 'channel', 'dm']),
		// @ts-expect-error no text for "everywhere" under this base
		localizedChoices('voice-xp:commands.xp.choices', ['off', 'everywhere'])
	];
}

describe('generated key types', () => {
	it('are up to date with the en-US files (else run `npx tsx tools/translationKeys.ts`)', () => {
		const files = generatedTranslationKeyFiles();
		expect(files.map((file) => file.path)).toEqual(
			expect.arrayContaining([
				'src/lib/i18n/keys.generated.ts',
				'tests/fixtures/echo-plugin/translationKeys.generated.ts',
				'tests/fixtures/shout-plugin/translationKeys.generated.ts'
			])
		);
		for (const file of files) expect(readFileSync(join(projectRoot, file.path), 'utf8'), `${file.path} is out of date: run npx tsx tools/translationKeys.ts`).toBe(file.content);
	});

	it('map each key to the placeholders of its en-US text', () => {
		const keys = readPlaceholders(join(projectRoot, 'locales'));
		expect(keys.get('voice-xp:rank.title')).toEqual(['name']);
		expect(keys.get('voice-xp:rank.progressValue')).toEqual(['bar', 'into', 'needed', 'percent']);
		expect(keys.get('core:commands.plugins.name')).toEqual([]);
	});

	describe('refuse what the types cannot express', () => {
		let root: string;
		beforeAll(() => {
			root = mkdtempSync(join(tmpdir(), 'hearth-keys-'));
		});
		afterAll(() => rmSync(root, { recursive: true, force: true }));

		it.each([
			['a formatted placeholder', { a: 'Total {{xp, number}}' }, /a has a placeholder other than \{\{name\}\}/],
			['a nested key', { a: 'See $t(core:b)' }, /a nests another key/],
			['a plural key', { a_one: 'One item' }, /a_one is a plural key/],
			['a list', { a: ['x'] }, /a is neither a text nor an object/]
		])('%s', (_title, content, message) => {
			const folder = mkdtempSync(join(root, 'locales-'));
			mkdirSync(join(folder, 'en-US'));
			writeFileSync(join(folder, 'en-US', 'sample.json'), JSON.stringify(content));
			expect(() => readPlaceholders(folder)).toThrow(message);
		});
	});
});

describe('keys that are data', () => {
	beforeAll(async () => {
		const i18n = new InternationalizationHandler(buildI18nOptions({ plugins: [], defaultLocale: 'en-US', fetchLanguage: () => 'en-US' }));
		await i18n.init();
		container.i18n = i18n;
	});

	it('exist only as texts of the default locale', () => {
		expect(hasTranslation('core:validation.invalid')).toBe(true);
		expect(hasTranslation('core:validation')).toBe(false);
		expect(hasTranslation('core:validation.brand_new_code')).toBe(false);
		expect(hasTranslation('validation.invalid')).toBe(false);
		expect(dynamicKey('core:validation.brand_new_code', 'core:validation.invalid')).toBe('core:validation.invalid');
		expect(dynamicKey('core:validation.too_big', 'core:validation.invalid')).toBe('core:validation.too_big');
	});

	it('an unknown validation code falls back to the generic text, in the guild language', () => {
		const problems: ValidationProblem[] = [
			{ field: 'xpPerMinute', code: 'too_small', params: { minimum: 1, inclusive: 1, origin: 'number' } },
			{ field: 'tiers', code: 'brand_new_code', params: {} }
		];
		expect(formatValidationProblems(translatorFor('en-US'), problems)).toBe('• **xpPerMinute** must be at least 1\n• **tiers** is not valid');
		const french = translatorFor('fr');
		expect(formatValidationProblems(french, problems.slice(1))).toBe(`• **tiers** ${french('core:validation.invalid')}`);
		expect(french('core:validation.invalid')).not.toBe('is not valid');
	});

	it("a locale's own texts are used, and a key it lacks falls back to the default locale's text", () => {
		// A namespace of this test only: fr has one of its two keys.
		i18next.addResourceBundle('en-US', 'fallbackprobe', { both: 'English {{name}}', only: 'English only, {{count}} item', only_other: 'English only, {{count}} items' });
		i18next.addResourceBundle('fr', 'fallbackprobe', { both: 'Français {{name}}' });
		try {
			const french = translatorFor('fr');
			expect(french(dynamicKey('fallbackprobe:both'), { name: 'Ada' })).toBe('Français Ada');
			expect(french(dynamicKey('fallbackprobe:only'), { count: 2 })).toBe('English only, 2 items');
			expect(french(dynamicKey('fallbackprobe:only'), { count: 1 })).toBe('English only, 1 item');
			expect(translatorFor('en-US')(dynamicKey('fallbackprobe:both'), { name: 'Ada' })).toBe('English Ada');
		} finally {
			i18next.removeResourceBundle('en-US', 'fallbackprobe');
			i18next.removeResourceBundle('fr', 'fallbackprobe');
		}
	});

	it('a UserError with a key the locales do not have answers with the generic refusal', () => {
		const t = translatorFor('en-US');
		expect(translateUserError(t, new UserError({ identifier: 'preconditionBrandNew', message: 'x' }))).toBe('You cannot use this command here.');
		expect(translateUserError(t, new UserError({ identifier: 'core:errors.nope', message: 'x' }))).toBe('You cannot use this command here.');
		expect(translateUserError(t, new UserError({ identifier: 'preconditionCooldown', message: 'x', context: { remaining: 2_500 } }))).toBe(
			'Not so fast: you can use this command again in 3 s.'
		);
		expect(translateUserError(t, translatedUserError('core:errors.unknownPlugin', { plugin: 'nope' }))).toBe(
			'There is no feature called **nope**. Use /plugins list to see them.'
		);
	});
});
