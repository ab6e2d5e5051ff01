import { LogLevel } from '@sapphire/framework';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BotLogger, parseLogFormat, parseLogLevel, toSapphireLogLevel, type BotLoggerOptions } from '../../../src/lib/observability/index.js';

/** A logger writing into an array of lines. */
function capture(options: Omit<BotLoggerOptions, 'stream'>): { logger: BotLogger; lines: string[] } {
	let buffer = '';
	const lines: string[] = [];
	const stream = new Writable({
		write(chunk: Buffer | string, _encoding, callback) {
			buffer += chunk.toString();
			let newline: number;
			while ((newline = buffer.indexOf('\n')) !== -1) {
				lines.push(buffer.slice(0, newline));
				buffer = buffer.slice(newline + 1);
			}
			callback();
		}
	});
	return { logger: new BotLogger({ ...options, stream }), lines };
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('BotLogger json format', () => {
	it('writes one JSON object per line with ISO time, level name and message', () => {
		const { logger, lines } = capture({ level: 'info', format: 'json' });
		logger.info('Logged in as', 'VoiceBot#0001');
		logger.warn('Shard', 1, 'reconnecting');
		expect(lines).toHaveLength(2);
		const first = JSON.parse(lines[0]!) as Record<string, unknown>;
		expect(first).toEqual({ level: 'info', time: expect.stringMatching(ISO_TIME), msg: 'Logged in as VoiceBot#0001' });
		expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'warn', msg: 'Shard 1 reconnecting' });
	});

	it('carries child context, merged across nested children', () => {
		const { logger, lines } = capture({ level: 'info', format: 'json' });
		const shard = logger.child({ shardId: 1 });
		shard.child({ guildId: '123456789012345678', command: 'plugins', plugin: undefined }).info('Plugin enabled');
		shard.info('Heartbeat');
		const [withGuild, shardOnly] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
		expect(withGuild).toMatchObject({ shardId: 1, guildId: '123456789012345678', command: 'plugins', msg: 'Plugin enabled' });
		expect(withGuild).not.toHaveProperty('plugin');
		expect(shardOnly).toMatchObject({ shardId: 1, msg: 'Heartbeat' });
		expect(shardOnly).not.toHaveProperty('guildId');
	});

	it('puts a logged Error under err with its message and stack, on a single line', () => {
		const { logger, lines } = capture({ level: 'info', format: 'json' });
		const failure = new TypeError('Cannot read properties of undefined');
		logger.child({ errorId: 'E-7F3A', guildId: '42' }).error('Command failed', failure);
		logger.error(new Error('bare failure'));
		expect(lines).toHaveLength(2);
		const record = JSON.parse(lines[0]!) as { msg: string; errorId: string; err: { type: string; message: string; stack: string } };
		expect(record.msg).toBe('Command failed');
		expect(record.errorId).toBe('E-7F3A');
		expect(record.err.type).toBe('TypeError');
		expect(record.err.message).toBe('Cannot read properties of undefined');
		expect(record.err.stack).toBe(failure.stack);
		expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'error', msg: 'bare failure', err: { message: 'bare failure' } });
	});

	it('inspects objects on one line', () => {
		const { logger, lines } = capture({ level: 'info', format: 'json' });
		logger.info('Settings', { language: 'pl', plugins: ['voice-xp', 'moderation', 'tickets', 'giveaways', 'automod', 'x'.repeat(60)] });
		expect(lines).toHaveLength(1);
		expect((JSON.parse(lines[0]!) as { msg: string }).msg).toContain("language: 'pl'");
	});
});

describe('BotLogger text format', () => {
	it('writes time, level, shard and guild first, then the message', () => {
		const { logger, lines } = capture({ level: 'debug', format: 'text' });
		logger.child({ shardId: 0, guildId: '987' }).child({ command: 'ping' }).debug('Replied');
		expect(lines).toHaveLength(1);
		const [time, ...rest] = lines[0]!.split(' ');
		expect(time).toMatch(ISO_TIME);
		expect(rest.join(' ')).toBe('DEBUG shard=0 guild=987 command=ping Replied');
	});

	it('keeps an error with its stack on the same line', () => {
		const { logger, lines } = capture({ level: 'info', format: 'text' });
		const failure = new Error('database "bot" does not exist', { cause: new Error('ECONNREFUSED') });
		logger.child({ errorId: 'E-1' }).error('Migration failed\nretrying', failure);
		expect(lines).toHaveLength(1);
		const line = lines[0]!;
		expect(line).toContain('ERROR errorId=E-1 Migration failed\\nretrying');
		expect(line).toContain(`err=${JSON.stringify(failure.message)}`);
		expect(line).toContain(`stack=${JSON.stringify(failure.stack)}`);
		expect(line).toMatch(/ cause="ECONNREFUSED"$/);
	});

	it('quotes context values with spaces', () => {
		const { logger, lines } = capture({ level: 'info', format: 'text' });
		logger.child({ guildName: 'My Guild' }).info('Joined');
		expect(lines[0]).toMatch(/ INFO  guildName="My Guild" Joined$/);
	});
});

describe('level filtering', () => {
	it('drops lines below the configured level, for children too', () => {
		const { logger, lines } = capture({ level: 'warn', format: 'json' });
		const child = logger.child({ shardId: 2 });
		logger.trace('t');
		logger.debug('d');
		child.info('i');
		child.warn('w');
		logger.error('e');
		logger.fatal('f');
		expect(lines.map((line) => (JSON.parse(line) as { level: string }).level)).toEqual(['warn', 'error', 'fatal']);
	});

	it('answers has() and write() with Sapphire levels', () => {
		const { logger, lines } = capture({ level: 'info', format: 'json' });
		expect(logger.has(LogLevel.Debug)).toBe(false);
		expect(logger.has(LogLevel.Info)).toBe(true);
		expect(logger.has(LogLevel.Fatal)).toBe(true);
		logger.write(LogLevel.Debug, 'hidden');
		logger.write(LogLevel.Error, 'shown');
		expect(lines.map((line) => JSON.parse(line) as { level: string; msg: string })).toEqual([
			expect.objectContaining({ level: 'error', msg: 'shown' })
		]);
	});

	it('parses level and format names and rejects others', () => {
		expect(parseLogLevel(' DEBUG ')).toBe('debug');
		expect(toSapphireLogLevel('warn')).toBe(LogLevel.Warn);
		expect(() => parseLogLevel('verbose')).toThrow(/Invalid log level "verbose": expected one of trace, debug/);
		expect(parseLogFormat('JSON')).toBe('json');
		expect(() => parseLogFormat('pretty')).toThrow(RangeError);
	});
});
