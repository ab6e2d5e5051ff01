import { UserError } from '@sapphire/framework';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock, type Clock } from '../../src/lib/clock.js';
import { parseBotConfig } from '../../src/lib/config.js';
import { createOrm, runMigrations, type BotOrm } from '../../src/lib/database.js';
import { PluginRegistry } from '../../src/lib/plugins/registry.js';
import { closeRedisClient, createRedisClient } from '../../src/lib/redis.js';
import { GuildSettingsService, type PluginToggle } from '../../src/lib/settings/GuildSettingsService.js';
import { echoPlugin } from '../fixtures/echo-plugin/index.js';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '../helpers/infra.js';
import { startTestRedisServer, type TestRedisServer } from '../helpers/redisServer.js';
import { testRedisUrl } from '../../tools/infra.js';
import { deleteRedisKeys } from '../../tools/redisKeys.js';

const registry = new PluginRegistry([echoPlugin], parseBotConfig({}));
const locales = { supported: ['en-US', 'fr', 'pl'], fallback: 'en-US' };

let database: TestDatabase;
let orm: BotOrm;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
	database = await createTestDatabase();
	orm = await createOrm({ databaseUrl: database.url, plugins: [echoPlugin] });
	await runMigrations(orm);
});

afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
	await orm?.close(true);
	await database?.drop();
});

let guildCounter = 0;
const newGuildId = () => `${BigInt(Date.now()) * 4_194_304n + BigInt(++guildCounter)}`;

/** A service like one bot process has: its own Redis clients, sharing PostgreSQL and a key prefix with its peers. */
async function makeService(options: { prefix: string; redisUrl?: string; preferredLocale?: string | null; clock?: Clock }) {
	const redisUrl = options.redisUrl ?? testRedisUrl;
	const redis = createRedisClient(redisUrl, { connectionName: 'test:cache' });
	const subscriber = createRedisClient(redisUrl, { connectionName: 'test:pubsub', offlineQueue: true });
	await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));
	const service = new GuildSettingsService({
		orm,
		redis,
		subscriber,
		keyPrefix: options.prefix,
		registry,
		locales,
		preferredLocaleOf: () => options.preferredLocale,
		cache: { redisTtlSeconds: 60, memoryTtlSeconds: 60, outageMemoryTtlSeconds: 5 },
		...(options.clock ? { clock: options.clock } : {})
	});
	await service.start();
	await vi.waitFor(() => expect(service.memoryCacheActive).toBe(true), { timeout: 5_000 });
	cleanups.push(async () => {
		await service.close();
		await closeRedisClient(redis);
		await closeRedisClient(subscriber);
		await deleteRedisKeys(redisUrl, options.prefix);
	});
	return { service, redis, subscriber };
}

describe('GuildSettingsService defaults', () => {
	it('reads a guild without a row as all defaults', async () => {
		const { service } = await makeService({ prefix: uniqueRedisPrefix() });
		const guildId = newGuildId();
		expect(await service.isPluginEnabled(guildId, 'echo')).toBe(false);
		expect(await service.isPluginEnabled(guildId, 'no-such-plugin')).toBe(false);
		expect(await service.getPluginConfig(guildId, echoPlugin)).toEqual({ greeting: 'Echo', repeat: 1 });
		expect(await service.getChosenLanguage(guildId)).toBeNull();
		expect(await service.getLanguage(guildId)).toBe('en-US');
	});

	it("uses the guild's preferred locale only when it is shipped", async () => {
		const polish = await makeService({ prefix: uniqueRedisPrefix(), preferredLocale: 'pl' });
		expect(await polish.service.getLanguage(newGuildId())).toBe('pl');
		const german = await makeService({ prefix: uniqueRedisPrefix(), preferredLocale: 'de' });
		expect(await german.service.getLanguage(newGuildId())).toBe('en-US');
	});

	it('applies bot-wide defaults from config/defaults.json under the guild values', async () => {
		const configured = new PluginRegistry([echoPlugin], parseBotConfig({ plugins: { echo: { enabled: true, config: { greeting: 'Hi' } } } }));
		const service = new GuildSettingsService({
			orm,
			redis: null,
			subscriber: null,
			keyPrefix: uniqueRedisPrefix(),
			registry: configured,
			locales,
			cache: { redisTtlSeconds: 60, memoryTtlSeconds: 60 }
		});
		const guildId = newGuildId();
		expect(await service.isPluginEnabled(guildId, 'echo')).toBe(true);
		expect(await service.getPluginConfig(guildId, echoPlugin)).toEqual({ greeting: 'Hi', repeat: 1 });
		expect(await service.setPluginConfig(guildId, echoPlugin, { repeat: 2 })).toEqual({ greeting: 'Hi', repeat: 2 });
	});

	it('rejects a bot-wide default config that the schema refuses, at start-up', () => {
		expect(() => new PluginRegistry([echoPlugin], parseBotConfig({ plugins: { echo: { config: { repeat: 10 } } } }))).toThrow(
			/plugins\.echo\.config is invalid/
		);
	});
});

describe('GuildSettingsService writes', () => {
	it('persists enablement, config and language in PostgreSQL', async () => {
		const prefix = uniqueRedisPrefix();
		const { service } = await makeService({ prefix });
		const guildId = newGuildId();
		expect(await service.setPluginEnabled(guildId, 'echo', true)).toBe(true);
		expect(await service.setPluginEnabled(guildId, 'echo', true)).toBe(false);
		expect(await service.setPluginConfig(guildId, echoPlugin, { greeting: 'Salut' })).toEqual({ greeting: 'Salut', repeat: 1 });
		await service.setLanguage(guildId, 'fr');

		// A process without any cache sees the same, straight from PostgreSQL.
		const cold = new GuildSettingsService({ orm, redis: null, subscriber: null, keyPrefix: prefix, registry, locales, cache: { redisTtlSeconds: 1, memoryTtlSeconds: 1 } });
		expect(await cold.isPluginEnabled(guildId, 'echo')).toBe(true);
		expect(await cold.getPluginConfig(guildId, echoPlugin)).toEqual({ greeting: 'Salut', repeat: 1 });
		expect(await cold.getLanguage(guildId)).toBe('fr');

		// Setting a field to undefined returns it to its default.
		expect(await service.setPluginConfig(guildId, echoPlugin, { greeting: undefined })).toEqual({ greeting: 'Echo', repeat: 1 });
		await service.setLanguage(guildId, null);
		expect(await cold.getChosenLanguage(guildId)).toBeNull();
	});

	it('refuses an invalid config value with a translatable error and changes nothing', async () => {
		const { service } = await makeService({ prefix: uniqueRedisPrefix() });
		const guildId = newGuildId();
		await service.setPluginConfig(guildId, echoPlugin, { repeat: 2 });
		const version = (await service.get(guildId)).version;

		const error = await service.setPluginConfig(guildId, echoPlugin, { repeat: 9, greeting: 'Yo' }).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(UserError);
		expect((error as UserError).identifier).toBe('core:errors.invalidConfig');
		expect((error as UserError).context).toEqual({
			plugin: 'echo',
			problems: [{ field: 'repeat', code: 'too_big', params: { maximum: 3, inclusive: 1, origin: 'number' } }]
		});
		expect(await service.getPluginConfig(guildId, echoPlugin)).toEqual({ greeting: 'Echo', repeat: 2 });
		expect((await service.get(guildId)).version).toBe(version);

		const unknownField = await service.setPluginConfig(guildId, echoPlugin, { colour: 'red' } as never).catch((caught: unknown) => caught);
		expect((unknownField as UserError).context).toEqual({ plugin: 'echo', problems: [{ field: 'colour', code: 'unknown_field', params: {} }] });
	});

	it('refuses unknown plugins and languages', async () => {
		const { service } = await makeService({ prefix: uniqueRedisPrefix() });
		const guildId = newGuildId();
		await expect(service.setPluginEnabled(guildId, 'nope', true)).rejects.toMatchObject({ identifier: 'core:errors.unknownPlugin', context: { plugin: 'nope' } });
		await expect(service.setLanguage(guildId, 'de')).rejects.toMatchObject({ identifier: 'core:errors.unknownLanguage' });
		expect(await service.getChosenLanguage(guildId)).toBeNull();
	});

	it('serializes concurrent writes to one guild without losing any', async () => {
		const { service } = await makeService({ prefix: uniqueRedisPrefix() });
		const other = await makeService({ prefix: uniqueRedisPrefix() });
		const guildId = newGuildId();
		await Promise.all([
			service.setPluginConfig(guildId, echoPlugin, { repeat: 3 }),
			other.service.setPluginConfig(guildId, echoPlugin, { greeting: 'Both' }),
			service.setLanguage(guildId, 'pl'),
			other.service.setPluginEnabled(guildId, 'echo', true)
		]);
		const snapshot = await new GuildSettingsService({ orm, redis: null, subscriber: null, keyPrefix: 'x', registry, locales, cache: { redisTtlSeconds: 1, memoryTtlSeconds: 1 } }).get(guildId);
		expect(snapshot).toMatchObject({ language: 'pl', plugins: { echo: true }, pluginConfigs: { echo: { repeat: 3, greeting: 'Both' } } });
	});
});

describe('GuildSettingsService caching across processes', () => {
	it('a write in one process is seen at once by another that had the old value cached', async () => {
		const prefix = uniqueRedisPrefix();
		const a = await makeService({ prefix });
		const b = await makeService({ prefix });
		const guildId = newGuildId();
		const toggles: PluginToggle[] = [];
		b.service.onPluginToggle((toggle) => {
			toggles.push(toggle);
		});

		expect(await b.service.isPluginEnabled(guildId, 'echo')).toBe(false);
		expect(b.service.peekPluginEnabled(guildId, 'echo')).toBe(false); // cached in B's memory

		await a.service.setPluginEnabled(guildId, 'echo', true);
		await vi.waitFor(() => expect(b.service.peek(guildId)).toBeUndefined(), { timeout: 1_000, interval: 5 });
		expect(await b.service.isPluginEnabled(guildId, 'echo')).toBe(true);
		expect(toggles).toEqual([{ guildId, plugin: 'echo', enabled: true }]);

		await a.service.setPluginConfig(guildId, echoPlugin, { greeting: 'Ahoy' });
		await vi.waitFor(async () => expect(await b.service.getPluginConfig(guildId, echoPlugin)).toEqual({ greeting: 'Ahoy', repeat: 1 }), {
			timeout: 1_000,
			interval: 5
		});
	});

	it('keeps the newest copy in Redis and reads it without PostgreSQL', async () => {
		const prefix = uniqueRedisPrefix();
		const a = await makeService({ prefix });
		const guildId = newGuildId();
		await a.service.setLanguage(guildId, 'pl');
		const cached = await a.redis.get(a.service.cacheKey(guildId));
		expect(cached).toMatch(/^\d+\|/);
		expect(JSON.parse(cached!.slice(cached!.indexOf('|') + 1))).toMatchObject({ guildId, language: 'pl' });

		// Prove the read comes from Redis: change the row behind the service's back; a fresh process still sees Redis.
		await orm.em.fork().getConnection().execute(`update guild_settings set language = 'fr' where guild_id = ?`, [guildId]);
		const b = await makeService({ prefix });
		expect(await b.service.getChosenLanguage(guildId)).toBe('pl');
		await a.redis.del(a.service.cacheKey(guildId));
		const c = await makeService({ prefix });
		expect(await c.service.getChosenLanguage(guildId)).toBe('fr');
	});
});

describe('GuildSettingsService.peekPluginConfig (the hot paths\' synchronous read)', () => {
	it('answers only a config already read in this process, never one another process has changed since, nor after the memory copy expired', async () => {
		const prefix = uniqueRedisPrefix();
		const clock = new ManualClock();
		const a = await makeService({ prefix, clock });
		const b = await makeService({ prefix });
		const guildId = newGuildId();

		expect(a.service.peekPluginConfig(guildId, echoPlugin)).toBeUndefined(); // not read yet: no I/O, no answer
		const first = await a.service.getPluginConfig(guildId, echoPlugin);
		expect(a.service.peekPluginConfig(guildId, echoPlugin)).toBe(first);
		expect(await a.service.getPluginConfig(guildId, echoPlugin)).toBe(first); // the same frozen object, parsed once

		await b.service.setPluginConfig(guildId, echoPlugin, { greeting: 'Ahoy' });
		await vi.waitFor(() => expect(a.service.peekPluginConfig(guildId, echoPlugin)).toBeUndefined(), { timeout: 1_000, interval: 5 });
		expect(await a.service.getPluginConfig(guildId, echoPlugin)).toEqual({ greeting: 'Ahoy', repeat: 1 });
		expect(a.service.peekPluginConfig(guildId, echoPlugin)).toEqual({ greeting: 'Ahoy', repeat: 1 });

		clock.advance(61_000); // past the memory copy's 60 s
		expect(a.service.peekPluginConfig(guildId, echoPlugin)).toBeUndefined();
	});
});

describe('GuildSettingsService: parsed configs kept across changes that leave them as stored', () => {
	it('hands out the same parsed config after a switch, a language change, a change in another process and an expiry, and a new one when its values change', async () => {
		const prefix = uniqueRedisPrefix();
		const clock = new ManualClock();
		const a = await makeService({ prefix, clock });
		const b = await makeService({ prefix });
		const guildId = newGuildId();
		const first = await a.service.getPluginConfig(guildId, echoPlugin);
		const firstInB = await b.service.getPluginConfig(guildId, echoPlugin);

		// This process's own writes: the guild's copy is replaced, the config (not stored differently) is not parsed again.
		await a.service.setPluginEnabled(guildId, 'echo', true);
		expect(a.service.peekPluginConfig(guildId, echoPlugin)).toBe(first);
		await a.service.setLanguage(guildId, 'pl');
		expect(a.service.peekPluginConfig(guildId, echoPlugin)).toBe(first);

		// Another process hears of the change, drops its copy, reads the new one: its parsed config comes along.
		await vi.waitFor(async () => expect((await b.service.get(guildId)).language).toBe('pl'), { timeout: 1_000, interval: 5 });
		expect(await b.service.getPluginConfig(guildId, echoPlugin)).toBe(firstInB);

		// The memory copy expires and is read again: the same.
		clock.advance(61_000);
		expect(a.service.peekPluginConfig(guildId, echoPlugin)).toBeUndefined();
		expect(await a.service.getPluginConfig(guildId, echoPlugin)).toBe(first);

		// Its own values change: parsed anew.
		await a.service.setPluginConfig(guildId, echoPlugin, { greeting: 'Ahoy' });
		const changed = await a.service.getPluginConfig(guildId, echoPlugin);
		expect(changed).toEqual({ greeting: 'Ahoy', repeat: 1 });
		expect(changed).not.toBe(first);
		await vi.waitFor(async () => expect(await b.service.getPluginConfig(guildId, echoPlugin)).toEqual({ greeting: 'Ahoy', repeat: 1 }), { timeout: 1_000, interval: 5 });
	});
});

describe('GuildSettingsService with Redis down', () => {
	let server: TestRedisServer;
	beforeAll(async () => {
		server = await startTestRedisServer();
	});
	afterAll(async () => {
		await server?.stop();
	});

	it('falls back to PostgreSQL for reads and writes, then recovers', async () => {
		const prefix = uniqueRedisPrefix();
		const clock = new ManualClock();
		const a = await makeService({ prefix, redisUrl: server.url, clock });
		const b = await makeService({ prefix, redisUrl: server.url, clock });
		const guildId = newGuildId();
		await a.service.setPluginEnabled(guildId, 'echo', true);
		expect(await b.service.isPluginEnabled(guildId, 'echo')).toBe(true);

		await server.stop();
		await vi.waitFor(() => expect(a.redis.status).not.toBe('ready'), { timeout: 2_000 });
		await vi.waitFor(() => expect(b.service.memoryCacheActive).toBe(false), { timeout: 2_000 });

		// Writes go to PostgreSQL; the other process dropped its memory copies when the channel went down, reads
		// PostgreSQL, and keeps what it read for outageMemoryTtlSeconds (5 s): it sees a newer write after that.
		const started = performance.now();
		await a.service.setPluginEnabled(guildId, 'echo', false);
		expect(await b.service.isPluginEnabled(guildId, 'echo')).toBe(false);
		await a.service.setLanguage(guildId, 'fr');
		expect(await b.service.getLanguage(guildId)).toBe('en-US');
		clock.advance(5_000);
		expect(await b.service.getLanguage(guildId)).toBe('fr');
		expect(performance.now() - started).toBeLessThan(3_000); // no waiting on Redis timeouts

		await server.start();
		await vi.waitFor(() => expect(a.service.memoryCacheActive && b.service.memoryCacheActive).toBe(true), { timeout: 5_000 });
		expect(await b.service.isPluginEnabled(guildId, 'echo')).toBe(false);
		await a.service.setPluginEnabled(guildId, 'echo', true);
		await vi.waitFor(async () => expect(await b.service.isPluginEnabled(guildId, 'echo')).toBe(true), { timeout: 1_000 });
	});
});

