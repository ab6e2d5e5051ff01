import { z } from 'zod';
import { parseShardIds } from './sharding.js';

/** Log levels accepted in `LOG_LEVEL` (the levels of the bot logger, lowest first). */
export const ENV_LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
/** Log formats accepted in `LOG_FORMAT`: one human-readable line, or one JSON object per line. */
export const ENV_LOG_FORMATS = ['text', 'json'] as const;

/** Docker's `env_file` and shells pass unset values as empty strings: treat those as missing. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const required = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema);

const missing = { error: (issue: { input: unknown }) => (issue.input === undefined ? 'is missing' : undefined) };

const envShape = z.object({
	DISCORD_TOKEN: required(z.string(missing).min(1)),
	DATABASE_URL: required(
		z.string(missing).regex(/^postgres(ql)?:\/\/\S+$/, 'must be a PostgreSQL URL like postgres://user@host:5432/db')
	),
	REDIS_URL: required(z.string(missing).regex(/^rediss?:\/\/\S+$/, 'must be a Redis URL like redis://host:6379')),
	REDIS_PREFIX: optional(
		z.string().regex(/^[A-Za-z0-9_.-]+:$/, 'must be letters, digits, _ . - ending in a colon, like hearth:')
	),
	DISCORD_REST_URL: optional(
		z.url({ protocol: /^https?$/, error: 'must be an http(s) URL like http://127.0.0.1:3000/api (without /v10)' })
	),
	SHARD_COUNT: optional(
		z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(10_000)
	),
	SHARD_IDS: optional(
		z.string().transform((value, ctx) => {
			try {
				return parseShardIds(value);
			} catch (error) {
				ctx.addIssue({ code: 'custom', message: `must look like 0,1 or 0-3: ${(error as Error).message}` });
				return z.NEVER;
			}
		})
	),
	LOG_LEVEL: z.preprocess(
		(value) => (value === '' || value === undefined ? 'info' : String(value).trim().toLowerCase()),
		z.enum(ENV_LOG_LEVELS, { error: `must be one of ${ENV_LOG_LEVELS.join(', ')}` })
	),
	LOG_FORMAT: z.preprocess(
		(value) => (value === '' || value === undefined ? 'text' : String(value).trim().toLowerCase()),
		z.enum(ENV_LOG_FORMATS, { error: `must be one of ${ENV_LOG_FORMATS.join(', ')}` })
	),
	HTTP_PORT: z.preprocess(
		(value) => (value === '' || value === undefined ? 8080 : value),
		z.coerce.number({ error: 'must be a port number' }).int('must be a port number').min(0, 'must be 0-65535').max(65_535, 'must be 0-65535')
	)
});

/** Checks between variables (run even when other variables are invalid, so every problem is reported at once). */
function crossCheck(input: Record<string, unknown>): { variable: string; problem: string }[] {
	const count = envShape.shape.SHARD_COUNT.safeParse(input.SHARD_COUNT);
	const ids = envShape.shape.SHARD_IDS.safeParse(input.SHARD_IDS);
	if (!ids.success || !ids.data || !count.success) return [];
	if (count.data === undefined) {
		return [{ variable: 'SHARD_IDS', problem: 'needs SHARD_COUNT (the total number of shards of the bot)' }];
	}
	const total = count.data;
	const outside = ids.data.filter((id) => id >= total);
	if (!outside.length) return [];
	return [{ variable: 'SHARD_IDS', problem: `lists shard ${outside.join(', ')} but SHARD_COUNT is ${total} (ids run 0-${total - 1})` }];
}

/**
 * The validated environment of the bot.
 * - `DISCORD_TOKEN`: bot token. `DATABASE_URL`: PostgreSQL URL. `REDIS_URL`: Redis URL. `REDIS_PREFIX`: prefix of every
 *   Redis key, pub/sub channel and the task queue (default `hearth:`), for two bots sharing one Redis.
 * - `DISCORD_REST_URL`: REST base without `/v10` (a proxy or the emulator); the gateway URL then comes from its `/gateway/bot`.
 * - `SHARD_COUNT`: total shards of the whole bot (default: Discord's recommendation). `SHARD_IDS`: this process's shards.
 * - `LOG_LEVEL` (default `info`), `LOG_FORMAT` (default `text`), `HTTP_PORT` (default 8080; 0 picks a free port).
 */
export type Env = z.output<typeof envShape>;

/** The environment variable names the bot reads, in the order they are reported. */
export const ENV_VARIABLES = Object.keys(envShape.shape) as (keyof Env)[];

/** Thrown by {@link parseEnv}: one message naming every missing or invalid variable (values are never echoed). */
export class EnvError extends Error {
	/** One entry per offending variable. */
	public readonly problems: readonly { variable: string; problem: string }[];

	public constructor(problems: readonly { variable: string; problem: string }[]) {
		super(
			`Invalid environment (${problems.length} problem${problems.length === 1 ? '' : 's'}); see .env.example:\n` +
				problems.map(({ variable, problem }) => `  - ${variable} ${problem}`).join('\n')
		);
		this.name = 'EnvError';
		this.problems = problems;
	}
}

/**
 * Validates the bot's environment variables.
 * @param source variables to read (default `process.env`); only the names in {@link ENV_VARIABLES} are looked at.
 * @returns the typed, defaulted values.
 * @throws EnvError naming every missing or invalid variable at once.
 */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
	const input = Object.fromEntries(ENV_VARIABLES.map((name) => [name, source[name]]));
	const result = envShape.safeParse(input);
	const problems = new Map<string, string[]>();
	const add = (variable: string, problem: string) => {
		const list = problems.get(variable) ?? [];
		if (!list.includes(problem)) list.push(problem);
		problems.set(variable, list);
	};
	if (!result.success) {
		for (const issue of result.error.issues) add(String(issue.path[0] ?? 'environment'), issue.message);
	}
	for (const { variable, problem } of crossCheck(input)) add(variable, problem);
	if (result.success && problems.size === 0) return result.data;
	const ordered = [...problems.entries()].sort(
		([a], [b]) => ENV_VARIABLES.indexOf(a as keyof Env) - ENV_VARIABLES.indexOf(b as keyof Env)
	);
	throw new EnvError(ordered.map(([variable, list]) => ({ variable, problem: list.join('; ') })));
}

/**
 * Validates only what the database scripts need (`DATABASE_URL`), for `npm run migrate`.
 * @throws EnvError when it is missing or not a PostgreSQL URL.
 */
export function parseDatabaseEnv(source: Record<string, string | undefined> = process.env): Pick<Env, 'DATABASE_URL'> {
	const result = envShape.shape.DATABASE_URL.safeParse(source.DATABASE_URL);
	if (result.success) return { DATABASE_URL: result.data };
	throw new EnvError(result.error.issues.map((issue) => ({ variable: 'DATABASE_URL', problem: issue.message })));
}
