import { UserError } from '@sapphire/framework';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { TranslationKey, TranslationPlaceholders, TranslationValue } from './i18n/keys.js';

/** Crockford base32 without ambiguous letters, for ids people read out loud. */
const ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A short id shown to the user with an unexpected error and written to the log line of that error, so a report can
 * be matched to its stack trace. Format: `E-` and 8 characters (40 random bits).
 */
export function newErrorId(): string {
	const bytes = randomBytes(5);
	let value = 0n;
	for (const byte of bytes) value = (value << 8n) | BigInt(byte);
	let id = '';
	for (let i = 0; i < 8; i++) {
		id = ID_ALPHABET[Number(value & 31n)] + id;
		value >>= 5n;
	}
	return `E-${id}`;
}

/**
 * The context of a translated UserError: a value for every placeholder of the key's en-US text (`problems` as the
 * {@link ValidationProblem}s themselves: src/lib/replies.ts turns them into lines), plus any other data worth keeping
 * on the error (`core:errors.unknownSubcommand` keeps the names it refused).
 */
export type UserErrorContext<Key extends TranslationKey> = {
	readonly [Name in TranslationPlaceholders[Key]]: Name extends 'problems' ? readonly ValidationProblem[] : TranslationValue;
} & Readonly<Record<string, unknown>>;

/**
 * An error meant for the user, carrying a translation key instead of text. Thrown by services (invalid config,
 * unknown plugin) and answered by the core's command error listener, translated and ephemeral, without an error id.
 *
 * @param key translation key, e.g. `core:errors.unknownPlugin` (namespace `core` = locales/<lng>/core.json); checked
 *   by the compiler like the keys of `Translate` (src/lib/i18n.ts).
 * @param context interpolation values for the key ({@link UserErrorContext}): required when its text has placeholders.
 */
export function translatedUserError<const Key extends TranslationKey>(
	key: Key,
	...context: [TranslationPlaceholders[Key]] extends [never] ? [context?: Readonly<Record<string, unknown>>] : [context: UserErrorContext<Key>]
): UserError {
	return new UserError({ identifier: key, context: context[0] ?? {}, message: key });
}

/** One validation problem of a config write, in a form that can be translated (`core:validation.<code>`). */
export interface ValidationProblem {
	/** Dotted path of the field, e.g. `xpPerMinute` or `tiers.0.roleId`. */
	field: string;
	/** zod issue code (`too_small`, `invalid_type`, ...) or `unknown_field`. */
	code: string;
	/** Values for the message: `minimum`, `maximum`, `expected`, `values`, `format`, `message`. */
	params: Record<string, string | number>;
}

/** Turns zod issues into translatable problems (zod's own messages are English only). */
export function describeZodIssues(issues: readonly z.core.$ZodIssue[]): ValidationProblem[] {
	return issues.map((issue) => {
		const field = issue.path.map(String).join('.') || '(config)';
		const params: Record<string, string | number> = {};
		switch (issue.code) {
			case 'too_small':
				params.minimum = Number(issue.minimum);
				params.inclusive = issue.inclusive === false ? 0 : 1;
				params.origin = issue.origin;
				break;
			case 'too_big':
				params.maximum = Number(issue.maximum);
				params.inclusive = issue.inclusive === false ? 0 : 1;
				params.origin = issue.origin;
				break;
			case 'invalid_type':
				params.expected = issue.expected;
				break;
			case 'invalid_value':
				params.values = issue.values.map(String).join(', ');
				break;
			case 'invalid_format':
				params.format = issue.format;
				break;
			case 'unrecognized_keys':
				params.keys = issue.keys.join(', ');
				break;
			case 'not_multiple_of':
				params.divisor = Number(issue.divisor);
				break;
			case 'custom':
				params.message = issue.message;
				break;
			default:
				break;
		}
		return { field, code: issue.code, params };
	});
}
