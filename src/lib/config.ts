import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { configDirectory } from './paths.js';

const pluginDefaultsSchema = z.strictObject({
	/** Overrides the plugin's `enabledByDefault` for guilds that never enabled or disabled it themselves. */
	enabled: z.boolean().optional(),
	/** Bot-wide default values of the plugin's config fields; a guild's own values win. */
	config: z.record(z.string(), z.unknown()).default({})
});

/** Schema of `config/defaults.json`. */
export const botConfigSchema = z.strictObject({
	/** Language used when a guild chose none and its preferred locale is not shipped. A folder of `locales/`. */
	defaultLocale: z.string().default('en-US'),
	/** Per plugin name. */
	plugins: z.record(z.string(), pluginDefaultsSchema).default({}),
	settingsCache: z
		.strictObject({
			/** Seconds a guild's settings live in Redis (writes replace them at once). */
			redisTtlSeconds: z.number().int().positive().default(3600),
			/** Seconds a guild's settings live in a process's memory (writes anywhere invalidate them at once). */
			memoryTtlSeconds: z.number().int().positive().default(600),
			/**
			 * Seconds a guild's settings live in a process's memory while the Redis change channel is down (writes in other
			 * processes are then seen within this time; PostgreSQL gets at most one read per guild per this time).
			 */
			outageMemoryTtlSeconds: z.number().int().positive().default(5)
		})
		.default({ redisTtlSeconds: 3600, memoryTtlSeconds: 600, outageMemoryTtlSeconds: 5 })
});

/** Bot-wide defaults, from `config/defaults.json`. */
export type BotConfig = z.output<typeof botConfigSchema>;

/** JSON has no comments: `"$comment"` keys hold notes at any depth; they are dropped before validation. */
function withoutComments(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(withoutComments);
	if (value === null || typeof value !== 'object') return value;
	return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '$comment').map(([key, child]) => [key, withoutComments(child)]));
}

/** Thrown when `config/defaults.json` cannot be read or does not match {@link botConfigSchema}. */
export class BotConfigError extends Error {
	public constructor(message: string, options?: ErrorOptions) {
		super(message, options);
		this.name = 'BotConfigError';
	}
}

/**
 * Reads and validates the bot-wide defaults.
 * @param path JSON file to read (default `config/defaults.json` at the project root).
 * @throws BotConfigError naming the file and every invalid field.
 */
export function loadBotConfig(path: string = join(configDirectory, 'defaults.json')): BotConfig {
	let raw: unknown;
	try {
		raw = JSON.parse(readFileSync(path, 'utf8'));
	} catch (error) {
		throw new BotConfigError(`Cannot read the bot configuration ${path}: ${(error as Error).message}`, { cause: error });
	}
	return parseBotConfig(raw, path);
}

/**
 * Validates bot-wide defaults given as a value (tests, or overrides merged in code).
 * @param source where the value came from, for the error message.
 * @throws BotConfigError naming every invalid field.
 */
export function parseBotConfig(raw: unknown, source = 'bot configuration'): BotConfig {
	const result = botConfigSchema.safeParse(withoutComments(raw));
	if (result.success) return result.data;
	throw new BotConfigError(`Invalid ${source}:\n${z.prettifyError(result.error)}`);
}
