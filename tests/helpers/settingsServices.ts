import { GatewayIntentBits } from 'discord.js';
import { vi } from 'vitest';
import { z } from 'zod';
import type { Clock } from '../../src/lib/clock.js';
import { parseBotConfig } from '../../src/lib/config.js';
import { createOrm, runMigrations, type BotOrm } from '../../src/lib/database.js';
import { definePlugin } from '../../src/lib/plugins/definePlugin.js';
import { PluginRegistry } from '../../src/lib/plugins/registry.js';
import { closeRedisClient, createRedisClient } from '../../src/lib/redis.js';
import { GuildSettingsService, type PluginToggle } from '../../src/lib/settings/GuildSettingsService.js';
import { echoPlugin } from '../fixtures/echo-plugin/index.js';
import { testRedisUrl } from '../../tools/infra.js';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from './infra.js';
import { deleteRedisKeys } from '../../tools/redisKeys.js';

/**
 * Test manifests for the settings service's tests (tests/core/settings*.test.ts): plugins that exist only as
 * manifests (no pieces, no entities), shaped like the bot's coming ones.
 * - `moderation`: on by default, keeps a list of channels (`logChannelIds`) to test read-modify-write of a list;
 * - `automod` depends on `moderation`; `raid-alerts` depends on `automod` (so, transitively, on `moderation`).
 */
export const moderationManifest = definePlugin({
	name: 'moderation',
	configSchema: z.object({
		logChannelIds: z.array(z.string().regex(/^\d{17,20}$/)).max(25).default([]),
		muteRoleId: z.string().nullable().default(null),
		caseRetention: z.object({ days: z.number().int().min(1).max(3650).default(365) }).default({ days: 365 })
	}),
	entities: [],
	enabledByDefault: true,
	directory: '/test-plugins/moderation',
	intents: [GatewayIntentBits.GuildModeration],
	permissions: []
});

export const automodManifest = definePlugin({
	name: 'automod',
	configSchema: z.object({ maxMentions: z.number().int().min(1).max(50).default(5) }),
	dependsOn: ['moderation'] as never[],
	entities: [],
	enabledByDefault: false,
	directory: '/test-plugins/automod',
	intents: [],
	permissions: []
});

export const raidAlertsManifest = definePlugin({
	name: 'raid-alerts',
	configSchema: z.object({}),
	dependsOn: ['automod'] as never[],
	entities: [],
	enabledByDefault: false,
	directory: '/test-plugins/raid-alerts',
	intents: [],
	permissions: []
});

/** The echo fixture plus the three manifests above. */
export function testSettingsRegistry(): PluginRegistry {
	return new PluginRegistry([echoPlugin, moderationManifest, automodManifest, raidAlertsManifest], parseBotConfig({}));
}

export const testLocales = { supported: ['en-US', 'fr', 'pl'], fallback: 'en-US' };

/** A statement of the PostgreSQL query log (ANSI colours removed). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** An ORM whose reads of `guild_settings` (not the `for update` of a write) are counted. */
export interface CountingOrm {
	orm: BotOrm;
	/** Reads of guild_settings so far (`select … from "guild_settings"` without `for update`), per guild id seen in them. */
	reads(guildId?: string): number;
}

/** Options of {@link SettingsHarness.makeService}. */
export interface MakeServiceOptions {
	prefix: string;
	/** Redis to use (default: the machine's test Redis). */
	redisUrl?: string;
	registry?: PluginRegistry;
	/** ORM of this "process" (default: the harness's). */
	orm?: BotOrm;
	clock?: Clock;
	outageMemoryTtlSeconds?: number;
	/** Wait until subscribed (default true). */
	waitForBus?: boolean;
}

/** One "process": a settings service with its own Redis clients, and what its toggle listeners heard. */
export interface TestSettingsProcess {
	service: GuildSettingsService;
	redis: ReturnType<typeof createRedisClient>;
	subscriber: ReturnType<typeof createRedisClient>;
	toggles: PluginToggle[];
}

/**
 * A database (fresh, migrated) and a factory of settings services that behave like bot processes sharing PostgreSQL
 * and Redis. Call {@link cleanup} after each test and {@link close} after all.
 */
export class SettingsHarness {
	readonly #cleanups: (() => Promise<void>)[] = [];
	readonly #orms: BotOrm[] = [];
	#guildCounter = 0;

	private constructor(
		public readonly database: TestDatabase,
		public readonly orm: BotOrm
	) {}

	/** Creates the database and runs the migrations. */
	public static async create(): Promise<SettingsHarness> {
		const database = await createTestDatabase();
		const orm = await createOrm({ databaseUrl: database.url, plugins: [echoPlugin] });
		await runMigrations(orm);
		return new SettingsHarness(database, orm);
	}

	/** A new guild snowflake, unique in this run. */
	public newGuildId(): string {
		return `${BigInt(Date.now()) * 4_194_304n + BigInt(++this.#guildCounter)}`;
	}

	/** Another ORM on the same database (another process's connection pool), logging its queries to count reads. */
	public async countingOrm(): Promise<CountingOrm> {
		const lines: string[] = [];
		const orm = await createOrm({ databaseUrl: this.database.url, plugins: [echoPlugin], debug: true, log: (line) => lines.push(line.replace(ANSI, '')) });
		this.#orms.push(orm);
		return {
			orm,
			reads: (guildId) =>
				lines.filter((line) => /\bfrom "guild_settings"/.test(line) && !/for update/.test(line) && (guildId === undefined || line.includes(`'${guildId}'`))).length
		};
	}

	/** A service like one bot process has (own Redis clients, shared PostgreSQL and key prefix), started. */
	public async makeService(options: MakeServiceOptions): Promise<TestSettingsProcess> {
		const redisUrl = options.redisUrl ?? testRedisUrl;
		const redis = createRedisClient(redisUrl, { connectionName: 'test:cache' });
		const subscriber = createRedisClient(redisUrl, { connectionName: 'test:pubsub', offlineQueue: true });
		await vi.waitFor(() => {
			if (redis.status !== 'ready') throw new Error('Redis not ready');
		});
		const service = new GuildSettingsService({
			orm: options.orm ?? this.orm,
			redis,
			subscriber,
			keyPrefix: options.prefix,
			registry: options.registry ?? testSettingsRegistry(),
			locales: testLocales,
			cache: {
				redisTtlSeconds: 60,
				memoryTtlSeconds: 60,
				...(options.outageMemoryTtlSeconds ? { outageMemoryTtlSeconds: options.outageMemoryTtlSeconds } : {})
			},
			...(options.clock ? { clock: options.clock } : {})
		});
		const toggles: PluginToggle[] = [];
		service.onPluginToggle((toggle) => {
			toggles.push(toggle);
		});
		await service.start();
		if (options.waitForBus ?? true) await vi.waitFor(() => expect(service.memoryCacheActive), { timeout: 5_000 });
		this.#cleanups.push(async () => {
			await service.close();
			await closeRedisClient(redis);
			await closeRedisClient(subscriber);
			await deleteRedisKeys(redisUrl, options.prefix);
		});
		return { service, redis, subscriber, toggles };
	}

	/** A fresh Redis prefix (one "bot"). */
	public prefix(): string {
		return uniqueRedisPrefix();
	}

	/** Closes the services made since the last call. */
	public async cleanup(): Promise<void> {
		for (const cleanup of this.#cleanups.splice(0).reverse()) await cleanup();
	}

	/** Closes everything and drops the database. */
	public async close(): Promise<void> {
		await this.cleanup();
		for (const orm of this.#orms.splice(0)) await orm.close(true);
		await this.orm.close(true);
		await this.database.drop();
	}
}

/** Throws unless the condition holds (for `vi.waitFor`). */
function expect(condition: boolean): void {
	if (!condition) throw new Error('condition not met yet');
}
