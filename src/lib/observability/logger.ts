import { LogLevel, type ILogger } from '@sapphire/framework';
import { formatWithOptions } from 'node:util';
import { levels, pino, stdSerializers, stdTimeFunctions, type Logger as PinoLogger } from 'pino';

/** Log level names, lowest first. Numbers match both pino's and Sapphire's `LogLevel` (trace 10 ... fatal 60). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
/** A log level name, as accepted in `LOG_LEVEL`. */
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Output formats: `text` (one human-readable line per event) or `json` (JSON lines). */
export const LOG_FORMATS = ['text', 'json'] as const;
/** An output format name, as accepted in `LOG_FORMAT`. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Context carried by every line of a logger made with {@link BotLogger.child}. */
export interface LogContext {
	/** Discord gateway shard id. Printed as `shard=` in text format. */
	shardId?: number;
	/** Discord guild (server) snowflake. Printed as `guild=` in text format. */
	guildId?: string;
	/** Command name, e.g. `plugins`. */
	command?: string;
	/** Plugin name, e.g. `voice-xp`. */
	plugin?: string;
	/** Error id shown to the user, so a report can be matched to its log line. */
	errorId?: string;
	[key: string]: unknown;
}

/** Options of {@link BotLogger}. */
export interface BotLoggerOptions {
	/** Lowest level written; lower levels are dropped. */
	level: LogLevelName;
	/** `text` for people, `json` for log collectors (one JSON object per line). */
	format: LogFormat;
	/** Where lines go. Default `process.stdout`. */
	stream?: NodeJS.WritableStream;
}

const SAPPHIRE_TO_NAME: ReadonlyMap<LogLevel, LogLevelName> = new Map([
	[LogLevel.Trace, 'trace'],
	[LogLevel.Debug, 'debug'],
	[LogLevel.Info, 'info'],
	[LogLevel.Warn, 'warn'],
	[LogLevel.Error, 'error'],
	[LogLevel.Fatal, 'fatal'],
	// Sapphire's "unknown or uncategorized" level: written as info.
	[LogLevel.None, 'info']
]);

/**
 * Parses a log level name (case-insensitive, surrounding spaces ignored), e.g. from `LOG_LEVEL`.
 * @throws {RangeError} when `value` is not one of {@link LOG_LEVELS}; the message lists the accepted names.
 */
export function parseLogLevel(value: string): LogLevelName {
	const name = value.trim().toLowerCase();
	if ((LOG_LEVELS as readonly string[]).includes(name)) return name as LogLevelName;
	throw new RangeError(`Invalid log level "${value}": expected one of ${LOG_LEVELS.join(', ')}`);
}

/**
 * Parses a log format name (case-insensitive), e.g. from `LOG_FORMAT`.
 * @throws {RangeError} when `value` is neither `text` nor `json`.
 */
export function parseLogFormat(value: string): LogFormat {
	const name = value.trim().toLowerCase();
	if ((LOG_FORMATS as readonly string[]).includes(name)) return name as LogFormat;
	throw new RangeError(`Invalid log format "${value}": expected one of ${LOG_FORMATS.join(', ')}`);
}

/** Converts a level name to Sapphire's numeric {@link LogLevel} (for `ClientOptions.logger.level`). */
export function toSapphireLogLevel(name: LogLevelName): LogLevel {
	return levels.values[name] as LogLevel;
}

/**
 * The bot's logger: a Sapphire {@link ILogger} backed by pino, so it can be passed as
 * `new SapphireClient({ logger: { instance: logger } })` and used directly by the core and plugins.
 *
 * Every event is exactly one line (multi-line messages and stacks are escaped), carrying the time (ISO 8601, UTC),
 * the level and the context (shard, guild, command, ...) set with {@link BotLogger.child}.
 *
 * - `json`: one object per line: `{"level":"error","time":"2026-11-18T10:00:00.000Z","shardId":0,"guildId":"1",
 *   "msg":"Command failed","err":{"type":"Error","message":"boom","stack":"Error: boom\n    at ..."}}`.
 * - `text`: `2026-11-18T10:00:00.000Z ERROR shard=0 guild=1 Command failed err="boom" stack="Error: boom\n    at ..."`.
 *
 * The first `Error` among the logged values becomes `err` (type, message, stack, cause); the other values are joined
 * like `console.log` (objects inspected on one line). If only an Error is logged, its message is the line's `msg`.
 */
export class BotLogger implements ILogger {
	/** The underlying pino logger, for libraries that want one. */
	public readonly pino: PinoLogger;
	/** Output format of this logger and its children. */
	public readonly format: LogFormat;

	/** Creates a logger. See {@link BotLoggerOptions}. */
	public constructor(options: BotLoggerOptions);
	/** @internal used by {@link BotLogger.child}. */
	public constructor(options: BotLoggerOptions, pinoLogger: PinoLogger);
	public constructor(options: BotLoggerOptions, pinoLogger?: PinoLogger) {
		this.format = options.format;
		if (pinoLogger) {
			this.pino = pinoLogger;
			return;
		}
		const target = options.stream ?? process.stdout;
		const destination = options.format === 'json' ? target : { write: (line: string) => target.write(formatTextLine(line)) };
		this.pino = pino(
			{
				level: options.level,
				base: null,
				messageKey: 'msg',
				errorKey: 'err',
				timestamp: stdTimeFunctions.isoTime,
				formatters: { level: (label) => ({ level: label }) },
				serializers: { err: stdSerializers.errWithCause }
			},
			destination
		);
	}

	/** Lowest level written, as a name. */
	public get level(): LogLevelName {
		return this.pino.level as LogLevelName;
	}

	/** Whether a line at Sapphire level `level` would be written. `LogLevel.None` counts as info. */
	public has(level: LogLevel): boolean {
		const name = SAPPHIRE_TO_NAME.get(level);
		return name !== undefined && this.pino.isLevelEnabled(name);
	}

	/** Writes `values` at trace level. */
	public trace(...values: readonly unknown[]): void {
		this.emit('trace', values);
	}

	/** Writes `values` at debug level. */
	public debug(...values: readonly unknown[]): void {
		this.emit('debug', values);
	}

	/** Writes `values` at info level. */
	public info(...values: readonly unknown[]): void {
		this.emit('info', values);
	}

	/** Writes `values` at warn level. */
	public warn(...values: readonly unknown[]): void {
		this.emit('warn', values);
	}

	/** Writes `values` at error level. Pass the Error itself (not only its message) to get its stack in the line. */
	public error(...values: readonly unknown[]): void {
		this.emit('error', values);
	}

	/** Writes `values` at fatal level. */
	public fatal(...values: readonly unknown[]): void {
		this.emit('fatal', values);
	}

	/** Writes `values` at Sapphire level `level` (`LogLevel.None` is written as info). Unknown numbers are dropped. */
	public write(level: LogLevel, ...values: readonly unknown[]): void {
		const name = SAPPHIRE_TO_NAME.get(level);
		if (name) this.emit(name, values);
	}

	/**
	 * Returns a logger whose every line also carries `context` (merged over this logger's own context).
	 * Keys whose value is `undefined` are left out, so `child({ shardId: interaction.guild?.shardId })` is safe.
	 */
	public child(context: LogContext): BotLogger {
		const bindings = Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined));
		return new BotLogger({ level: this.level, format: this.format }, this.pino.child(bindings));
	}

	private emit(level: LogLevelName, values: readonly unknown[]): void {
		if (!this.pino.isLevelEnabled(level)) return;
		const errorIndex = values.findIndex((value) => value instanceof Error);
		const rest = errorIndex === -1 ? values : values.filter((_, index) => index !== errorIndex);
		let msg = rest.length > 0 ? formatWithOptions({ breakLength: Infinity, compact: true }, ...rest) : '';
		if (errorIndex === -1) {
			this.pino[level](msg);
			return;
		}
		const err = values[errorIndex] as Error;
		if (msg === '') msg = err.message;
		this.pino[level]({ err }, msg);
	}
}

const TEXT_CONTEXT_ORDER: readonly (readonly [key: string, label: string])[] = [
	['shardId', 'shard'],
	['guildId', 'guild'],
	['plugin', 'plugin'],
	['command', 'command'],
	['errorId', 'errorId']
];

function textValue(value: unknown): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	if (text === undefined) return String(value);
	return /^[^\s"=\\]+$/.test(text) ? text : JSON.stringify(text);
}

/** Turns one pino JSON line into one text line: `<time> <LEVEL> <context key=value...> <msg> [err=".." stack=".." cause=".."]`. */
function formatTextLine(jsonLine: string): string {
	const record = JSON.parse(jsonLine) as Record<string, unknown>;
	const { time, level, msg, err, ...fields } = record;
	const parts = [String(time), String(level).toUpperCase().padEnd(5)];
	for (const [key, label] of TEXT_CONTEXT_ORDER) {
		if (key in fields) {
			parts.push(`${label}=${textValue(fields[key])}`);
			delete fields[key];
		}
	}
	for (const [key, value] of Object.entries(fields)) parts.push(`${key}=${textValue(value)}`);
	if (typeof msg === 'string' && msg !== '') parts.push(msg.replaceAll('\r', '\\r').replaceAll('\n', '\\n'));
	if (err && typeof err === 'object') {
		const { message, stack, cause } = err as { message?: unknown; stack?: unknown; cause?: { message?: unknown } };
		parts.push(`err=${JSON.stringify(String(message ?? ''))}`);
		if (typeof stack === 'string') parts.push(`stack=${JSON.stringify(stack)}`);
		if (cause && typeof cause === 'object') parts.push(`cause=${JSON.stringify(String(cause.message ?? ''))}`);
	}
	return `${parts.join(' ')}\n`;
}
