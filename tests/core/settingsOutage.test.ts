/**
 * The settings service while the Redis change channel is down (a private redis-server this file stops; the machine's
 * shared Redis is never touched): memory copies live `outageMemoryTtlSeconds`, so PostgreSQL sees at most one read per
 * guild per that time; plugin toggles made during the outage reach the other processes' listeners once Redis is back,
 * including a process whose subscription comes back after the writer announced them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { echoPlugin } from '../fixtures/echo-plugin/index.js';
import { startTestRedisServer, type TestRedisServer } from '../helpers/redisServer.js';
import { SettingsHarness, type TestSettingsProcess } from '../helpers/settingsServices.js';

let harness: SettingsHarness;
let server: TestRedisServer;
/** Whether the private Redis runs (a failed test may leave it stopped; the next one starts it again). */
let serverUp = false;

beforeAll(async () => {
	harness = await SettingsHarness.create();
	server = await startTestRedisServer();
	serverUp = true;
});
afterEach(async () => {
	await harness.cleanup();
	if (!serverUp) {
		await server.start();
		serverUp = true;
	}
});
afterAll(async () => {
	await harness?.close();
	await server?.stop();
});

/** Stops the private Redis and waits until every given process has noticed (its change channel is down). */
async function stopRedis(...processes: TestSettingsProcess[]): Promise<void> {
	await server.stop();
	serverUp = false;
	await vi.waitFor(
		() => {
			for (const process of processes) {
				expect(process.redis.status).not.toBe('ready');
				expect(process.service.memoryCacheActive).toBe(false);
			}
		},
		{ timeout: 5_000 }
	);
}

/** Starts it again and waits until every given process is subscribed and has told the others what it changed. */
async function startRedis(...processes: TestSettingsProcess[]): Promise<void> {
	await server.start();
	serverUp = true;
	await vi.waitFor(
		() => {
			for (const process of processes) {
				expect(process.service.memoryCacheActive).toBe(true);
				expect(process.service.pendingAnnouncements).toBe(0);
			}
		},
		{ timeout: 10_000 }
	);
}

describe('reads during an outage', () => {
	it('serve memory copies for outageMemoryTtlSeconds: one PostgreSQL read per guild per TTL', async () => {
		const prefix = harness.prefix();
		const clock = new ManualClock();
		const counting = await harness.countingOrm();
		const a = await harness.makeService({ prefix, redisUrl: server.url, clock });
		const b = await harness.makeService({ prefix, redisUrl: server.url, clock, orm: counting.orm, outageMemoryTtlSeconds: 5 });
		const guildId = harness.newGuildId();
		const otherGuildId = harness.newGuildId();
		await a.service.setPluginEnabled(guildId, 'echo', true);
		expect(await b.service.isPluginEnabled(guildId, 'echo')).toBe(true); // from Redis
		expect(counting.reads()).toBe(0);

		await stopRedis(a, b);
		expect(b.service.peek(guildId)).toBeUndefined(); // copies that may have missed a change were dropped

		// What every guarded gateway event of two busy guilds would ask, many times, some concurrently.
		const burst = async () => {
			for (let round = 0; round < 20; round++) {
				await Promise.all([
					b.service.isPluginEnabled(guildId, 'echo'),
					b.service.isPluginEnabled(guildId, 'echo'),
					b.service.getPluginConfig(guildId, echoPlugin),
					b.service.getLanguage(guildId),
					b.service.isPluginEnabled(otherGuildId, 'echo')
				]);
			}
		};
		await burst();
		expect(counting.reads(guildId)).toBe(1);
		expect(counting.reads(otherGuildId)).toBe(1);
		expect(b.service.peekPluginEnabled(guildId, 'echo')).toBe(true); // the guards answer synchronously
		expect(b.service.peek(otherGuildId)?.version).toBe(0);

		// Another process's write is seen once the copy expires, not before.
		await a.service.setPluginEnabled(guildId, 'echo', false);
		expect(a.service.peekPluginEnabled(guildId, 'echo')).toBe(false); // the writer's own copy is fresh at once
		clock.advance(4_999);
		expect(b.service.peekPluginEnabled(guildId, 'echo')).toBe(true);
		await burst();
		expect(counting.reads(guildId)).toBe(1);
		clock.advance(1);
		expect(b.service.peekPluginEnabled(guildId, 'echo')).toBeUndefined();
		await burst();
		expect(await b.service.isPluginEnabled(guildId, 'echo')).toBe(false);
		expect(counting.reads(guildId)).toBe(2);
		expect(counting.reads(otherGuildId)).toBe(2);

		// Back to normal: copies live memoryTtlSeconds (60 s here) again.
		await startRedis(a, b);
		expect(await b.service.isPluginEnabled(guildId, 'echo')).toBe(false);
		const afterRecovery = counting.reads(guildId);
		clock.advance(30_000);
		await burst();
		expect(counting.reads(guildId)).toBe(afterRecovery);
	});
});

describe('toggles made during an outage', () => {
	it('reach the other processes when Redis is back, with the final state per plugin and the dependents', async () => {
		const prefix = harness.prefix();
		const a = await harness.makeService({ prefix, redisUrl: server.url });
		const b = await harness.makeService({ prefix, redisUrl: server.url });
		const guildId = harness.newGuildId();
		await a.service.setPluginEnabled(guildId, 'echo', true);
		await a.service.setPluginEnabled(guildId, 'automod', true);
		await vi.waitFor(() => expect(b.toggles).toHaveLength(2), { timeout: 2_000 });
		a.toggles.length = 0;
		b.toggles.length = 0;

		await stopRedis(a, b);
		await a.service.setPluginEnabled(guildId, 'echo', false);
		await a.service.setPluginEnabled(guildId, 'echo', true);
		await a.service.setPluginEnabled(guildId, 'echo', false);
		await a.service.setPluginEnabled(guildId, 'moderation', false);
		expect(a.toggles.map(({ plugin, enabled }) => `${plugin}=${enabled}`)).toEqual(['echo=false', 'echo=true', 'echo=false', 'moderation=false', 'automod=false']);
		expect(a.service.pendingAnnouncements).toBe(1);
		expect(b.toggles).toEqual([]);

		await startRedis(a, b);
		const replayed = [
			{ guildId, plugin: 'echo', enabled: false },
			{ guildId, plugin: 'moderation', enabled: false },
			{ guildId, plugin: 'automod', enabled: false }
		];
		await vi.waitFor(() => expect(b.toggles).toHaveLength(3), { timeout: 5_000 });
		expect(b.toggles).toEqual(expect.arrayContaining(replayed));
		expect(await b.service.isPluginEnabled(guildId, 'echo')).toBe(false);
		expect(await b.service.isPluginEnabled(guildId, 'automod')).toBe(false);

		// Delivered once: a later toggle arrives right after them, with nothing repeated in between.
		await a.service.setPluginEnabled(guildId, 'echo', true);
		await vi.waitFor(() => expect(b.toggles).toHaveLength(4), { timeout: 2_000 });
		expect(b.toggles[3]).toEqual({ guildId, plugin: 'echo', enabled: true });
		expect(a.toggles).toHaveLength(6); // the writer's own listeners heard each change once, when it was made
	});

	it('reach a process whose subscription comes back after the writer announced them', async () => {
		const prefix = harness.prefix();
		const a = await harness.makeService({ prefix, redisUrl: server.url });
		const b = await harness.makeService({ prefix, redisUrl: server.url });
		const guildId = harness.newGuildId();
		await a.service.setPluginEnabled(guildId, 'echo', true);
		await vi.waitFor(() => expect(b.toggles).toHaveLength(1), { timeout: 2_000 });
		b.toggles.length = 0;

		await stopRedis(a, b);
		b.subscriber.disconnect(); // B's subscriber stays away until the test reconnects it
		await a.service.setPluginEnabled(guildId, 'echo', false);
		await startRedis(a);
		await vi.waitFor(() => expect(b.redis.status).toBe('ready'), { timeout: 5_000 });
		expect(b.service.memoryCacheActive).toBe(false);
		expect(b.toggles).toEqual([]);

		await b.subscriber.connect();
		await vi.waitFor(() => expect(b.toggles).toEqual([{ guildId, plugin: 'echo', enabled: false }]), { timeout: 5_000 });
		expect(b.service.memoryCacheActive).toBe(true);
		expect(await b.service.isPluginEnabled(guildId, 'echo')).toBe(false);
	});

	it('reach a process that lost only its own subscription while Redis stayed up', async () => {
		const prefix = harness.prefix();
		const a = await harness.makeService({ prefix, redisUrl: server.url });
		const b = await harness.makeService({ prefix, redisUrl: server.url });
		const guildId = harness.newGuildId();
		await a.service.setPluginEnabled(guildId, 'echo', true);
		await vi.waitFor(() => expect(b.toggles).toHaveLength(1), { timeout: 2_000 });
		b.toggles.length = 0;

		b.subscriber.disconnect();
		await vi.waitFor(() => expect(b.service.memoryCacheActive).toBe(false), { timeout: 2_000 });
		await a.service.setPluginEnabled(guildId, 'echo', false); // published normally; B is not listening
		await a.service.setPluginEnabled(guildId, 'automod', true);
		expect(a.service.pendingAnnouncements).toBe(0);
		expect(b.toggles).toEqual([]);

		await b.subscriber.connect();
		await vi.waitFor(
			() =>
				expect(b.toggles).toEqual([
					{ guildId, plugin: 'echo', enabled: false },
					{ guildId, plugin: 'automod', enabled: true }
				]),
			{ timeout: 5_000 }
		);
	});
});
