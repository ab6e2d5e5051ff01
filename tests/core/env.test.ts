import { describe, expect, it } from 'vitest';
import { shardingOptions } from '../../src/lib/bot.js';
import { BotConfigError, loadBotConfig, parseBotConfig } from '../../src/lib/config.js';
import { EnvError, parseEnv } from '../../src/lib/env.js';
import { parseShardIds, shardIdForGuild } from '../../src/lib/sharding.js';

const valid = { DISCORD_TOKEN: 'token', DATABASE_URL: 'postgres://bot@db:5432/bot', REDIS_URL: 'redis://cache:6379' };

function problemsOf(source: Record<string, string | undefined>): { variable: string; problem: string }[] {
	try {
		parseEnv(source);
	} catch (error) {
		expect(error).toBeInstanceOf(EnvError);
		return [...(error as EnvError).problems];
	}
	throw new Error('parseEnv accepted it');
}

describe('environment validation', () => {
	it('names every missing required variable in one message', () => {
		expect(() => parseEnv({})).toThrow(
			'Invalid environment (3 problems); see .env.example:\n  - DISCORD_TOKEN is missing\n  - DATABASE_URL is missing\n  - REDIS_URL is missing'
		);
	});

	it('treats empty values (docker env_file `X=`) as missing', () => {
		expect(problemsOf({ ...valid, DISCORD_TOKEN: '' })).toEqual([{ variable: 'DISCORD_TOKEN', problem: 'is missing' }]);
	});

	it('names every invalid variable at once, never echoing a value', () => {
		const problems = problemsOf({
			DISCORD_TOKEN: 'secret-token-value',
			DATABASE_URL: 'mysql://x',
			REDIS_URL: 'http://cache',
			REDIS_PREFIX: 'has spaces',
			DISCORD_REST_URL: 'ftp://proxy',
			SHARD_COUNT: 'two',
			SHARD_IDS: '0-3',
			LOG_LEVEL: 'loud',
			LOG_FORMAT: 'xml',
			HTTP_PORT: '70000'
		});
		expect(problems.map((problem) => problem.variable)).toEqual([
			'DATABASE_URL',
			'REDIS_URL',
			'REDIS_PREFIX',
			'DISCORD_REST_URL',
			'SHARD_COUNT',
			'LOG_LEVEL',
			'LOG_FORMAT',
			'HTTP_PORT'
		]);
		expect(JSON.stringify(problems)).not.toContain('secret-token-value');
		expect(problems.find((problem) => problem.variable === 'LOG_LEVEL')?.problem).toBe('must be one of trace, debug, info, warn, error, fatal');
	});

	it('checks SHARD_IDS against SHARD_COUNT, even when other variables are wrong', () => {
		expect(problemsOf({ ...valid, SHARD_IDS: '0,1' })).toEqual([{ variable: 'SHARD_IDS', problem: 'needs SHARD_COUNT (the total number of shards of the bot)' }]);
		expect(problemsOf({ ...valid, SHARD_COUNT: '2', SHARD_IDS: '1-3' })).toEqual([
			{ variable: 'SHARD_IDS', problem: 'lists shard 2, 3 but SHARD_COUNT is 2 (ids run 0-1)' }
		]);
		expect(problemsOf({ DISCORD_TOKEN: 't', DATABASE_URL: 'x', REDIS_URL: 'redis://r', SHARD_IDS: '0' }).map((problem) => problem.variable)).toEqual([
			'DATABASE_URL',
			'SHARD_IDS'
		]);
		expect(problemsOf({ ...valid, SHARD_COUNT: '2', SHARD_IDS: '0,x' })[0]?.problem).toMatch(/must look like 0,1 or 0-3/);
	});

	it('applies defaults and parses values', () => {
		expect(parseEnv(valid)).toEqual({ ...valid, LOG_LEVEL: 'info', LOG_FORMAT: 'text', HTTP_PORT: 8080 });
		expect(
			parseEnv({ ...valid, REDIS_PREFIX: 'bot-b:', DISCORD_REST_URL: 'http://127.0.0.1:3000/api', SHARD_COUNT: '4', SHARD_IDS: '2-3', LOG_LEVEL: 'DEBUG', LOG_FORMAT: 'json', HTTP_PORT: '0' })
		).toMatchObject({ REDIS_PREFIX: 'bot-b:', DISCORD_REST_URL: 'http://127.0.0.1:3000/api', SHARD_COUNT: 4, SHARD_IDS: [2, 3], LOG_LEVEL: 'debug', LOG_FORMAT: 'json', HTTP_PORT: 0 });
	});
});

describe('sharding', () => {
	it('parses shard id lists and ranges', () => {
		expect(parseShardIds('0,1')).toEqual([0, 1]);
		expect(parseShardIds('0-3')).toEqual([0, 1, 2, 3]);
		expect(parseShardIds(' 6-7, 0 ,2,2 ')).toEqual([0, 2, 6, 7]);
		expect(() => parseShardIds('3-1')).toThrow(/backwards/);
		expect(() => parseShardIds('a')).toThrow(/"a" is neither/);
		expect(() => parseShardIds('')).toThrow(/neither/);
	});

	it('defaults to Discord’s recommended count, else holds the given share of SHARD_COUNT', () => {
		expect(shardingOptions({})).toEqual({ shards: 'auto' });
		expect(shardingOptions({ SHARD_COUNT: 3 })).toEqual({ shards: [0, 1, 2], shardCount: 3 });
		expect(shardingOptions({ SHARD_COUNT: 4, SHARD_IDS: [2, 3] })).toEqual({ shards: [2, 3], shardCount: 4 });
	});

	it("routes a guild with Discord's formula (guild_id >> 22) % shard_count", () => {
		const guildId = String((123n << 22n) | 999n);
		expect(shardIdForGuild(guildId, 4)).toBe(3);
		expect(shardIdForGuild(guildId, 1)).toBe(0);
	});
});

describe('bot configuration', () => {
	it('reads the committed config/defaults.json', () => {
		const config = loadBotConfig();
		expect(config.defaultLocale).toBe('en-US');
		expect(config.settingsCache).toEqual({ redisTtlSeconds: 3600, memoryTtlSeconds: 600, outageMemoryTtlSeconds: 5 });
	});

	it('fills defaults and rejects unknown or invalid fields, naming them', () => {
		expect(parseBotConfig({})).toEqual({ defaultLocale: 'en-US', plugins: {}, settingsCache: { redisTtlSeconds: 3600, memoryTtlSeconds: 600, outageMemoryTtlSeconds: 5 } });
		expect(() => parseBotConfig({ defaultLocal: 'pl' })).toThrow(BotConfigError);
		expect(() => parseBotConfig({ settingsCache: { redisTtlSeconds: -1 } })).toThrow(/settingsCache\.redisTtlSeconds/);
		expect(() => loadBotConfig('/nonexistent/defaults.json')).toThrow(/Cannot read the bot configuration/);
	});
});
