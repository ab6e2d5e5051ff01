/**
 * GuildSettingsService.updatePluginConfig (atomic read-modify-write under the guild's row lock) and the immutability of
 * the configs the service hands out.
 */
import { UserError } from '@sapphire/framework';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { translatedUserError } from '../../src/lib/errors.js';
import { GuildSettingsService } from '../../src/lib/settings/GuildSettingsService.js';
import { echoPlugin } from '../fixtures/echo-plugin/index.js';
import { moderationManifest, SettingsHarness, testLocales, testSettingsRegistry } from '../helpers/settingsServices.js';

let harness: SettingsHarness;

beforeAll(async () => {
	harness = await SettingsHarness.create();
});
afterEach(async () => {
	await harness.cleanup();
});
afterAll(async () => {
	await harness?.close();
});

/** A process without any cache: what PostgreSQL holds. */
const stored = (guildId: string) =>
	new GuildSettingsService({
		orm: harness.orm,
		redis: null,
		subscriber: null,
		keyPrefix: 'unused:',
		registry: testSettingsRegistry(),
		locales: testLocales,
		cache: { redisTtlSeconds: 1, memoryTtlSeconds: 1 }
	}).get(guildId);

/** `n` distinct channel snowflakes. */
const channelIds = (n: number) => Array.from({ length: n }, (_, index) => `${100_000_000_000_000_000n + BigInt(index)}`);

describe('updatePluginConfig', () => {
	it('changes a field from its current value and returns the new full config', async () => {
		const { service } = await harness.makeService({ prefix: harness.prefix() });
		const guildId = harness.newGuildId();
		const [first, second] = channelIds(2) as [string, string];
		await service.setPluginConfig(guildId, moderationManifest, { logChannelIds: [first] });

		const seen: unknown[] = [];
		const updated = await service.updatePluginConfig(guildId, moderationManifest, (current) => {
			seen.push(current);
			return { logChannelIds: [...current.logChannelIds, second] };
		});
		expect(seen).toEqual([{ logChannelIds: [first], muteRoleId: null, caseRetention: { days: 365 } }]);
		expect(updated).toEqual({ logChannelIds: [first, second], muteRoleId: null, caseRetention: { days: 365 } });
		expect((await stored(guildId)).pluginConfigs.moderation).toEqual({ logChannelIds: [first, second] });
		expect(await service.getPluginConfig(guildId, moderationManifest)).toEqual(updated);

		// A field set to undefined goes back to its default, as with setPluginConfig.
		expect(await service.updatePluginConfig(guildId, moderationManifest, () => ({ logChannelIds: undefined }))).toMatchObject({ logChannelIds: [] });
	});

	it('keeps both of two concurrent updates from two processes with their own connections', async () => {
		const prefix = harness.prefix();
		const a = await harness.makeService({ prefix });
		const b = await harness.makeService({ prefix, orm: (await harness.countingOrm()).orm });
		const guildId = harness.newGuildId();
		const ids = channelIds(10);
		// Both processes read the (empty) config first, as a command handler would before deciding.
		expect((await a.service.getPluginConfig(guildId, moderationManifest)).logChannelIds).toEqual([]);
		expect((await b.service.getPluginConfig(guildId, moderationManifest)).logChannelIds).toEqual([]);

		const sawBefore: number[] = [];
		const add = (process: typeof a, id: string) =>
			process.service.updatePluginConfig(guildId, moderationManifest, (current) => {
				sawBefore.push(current.logChannelIds.length);
				return { logChannelIds: [...current.logChannelIds, id] };
			});
		await Promise.all(ids.map((id, index) => add(index % 2 ? b : a, id)));

		const final = (await stored(guildId)).pluginConfigs.moderation as { logChannelIds: string[] };
		expect([...final.logChannelIds].sort()).toEqual([...ids].sort());
		// Each update saw every update committed before it: 0, 1, 2, ... 9 entries, whatever the order.
		expect([...sawBefore].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		expect((await a.service.getPluginConfig(guildId, moderationManifest)).logChannelIds).toHaveLength(10);
	});

	it('lets fn refuse with a translated UserError: nothing changes and the error reaches the caller', async () => {
		const { service } = await harness.makeService({ prefix: harness.prefix() });
		const guildId = harness.newGuildId();
		const [only] = channelIds(1) as [string];
		await service.setPluginConfig(guildId, moderationManifest, { logChannelIds: [only] });
		const before = await stored(guildId);

		const error = await service
			.updatePluginConfig(guildId, moderationManifest, (current) => {
				if (current.logChannelIds.includes(only)) throw translatedUserError('core:errors.invalidConfig', { plugin: 'moderation', problems: [] });
				return { logChannelIds: [...current.logChannelIds, only] };
			})
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(UserError);
		expect((error as UserError).identifier).toBe('core:errors.invalidConfig');
		expect(await stored(guildId)).toEqual(before);
		expect(await service.getPluginConfig(guildId, moderationManifest)).toMatchObject({ logChannelIds: [only] });
	});

	it('refuses an invalid result with the same error as setPluginConfig, and unknown fields', async () => {
		const { service } = await harness.makeService({ prefix: harness.prefix() });
		const guildId = harness.newGuildId();
		await service.setPluginConfig(guildId, echoPlugin, { repeat: 2 });
		const before = await stored(guildId);

		const invalid = await service.updatePluginConfig(guildId, echoPlugin, (current) => ({ repeat: current.repeat + 5 })).catch((caught: unknown) => caught);
		expect(invalid).toBeInstanceOf(UserError);
		expect((invalid as UserError).identifier).toBe('core:errors.invalidConfig');
		expect((invalid as UserError).context).toEqual({
			plugin: 'echo',
			problems: [{ field: 'repeat', code: 'too_big', params: { maximum: 3, inclusive: 1, origin: 'number' } }]
		});
		const unknownField = await service.updatePluginConfig(guildId, echoPlugin, () => ({ colour: 'red' }) as never).catch((caught: unknown) => caught);
		expect((unknownField as UserError).context).toEqual({ plugin: 'echo', problems: [{ field: 'colour', code: 'unknown_field', params: {} }] });
		await expect(service.updatePluginConfig(guildId, { ...echoPlugin, name: 'nope' }, () => ({}))).rejects.toMatchObject({
			identifier: 'core:errors.unknownPlugin'
		});
		expect(await stored(guildId)).toEqual(before);
	});

	it('writes nothing when fn returns undefined and returns the current config', async () => {
		const prefix = harness.prefix();
		const a = await harness.makeService({ prefix });
		const b = await harness.makeService({ prefix });
		const guildId = harness.newGuildId();
		await a.service.setPluginConfig(guildId, echoPlugin, { greeting: 'Hello' });
		const version = (await stored(guildId)).version;
		await b.service.getPluginConfig(guildId, echoPlugin); // cached in B

		expect(await a.service.updatePluginConfig(guildId, echoPlugin, () => undefined)).toEqual({ greeting: 'Hello', repeat: 1 });
		expect((await stored(guildId)).version).toBe(version);
		expect(b.service.peek(guildId)?.version).toBe(version); // no invalidation was sent
	});
});

describe('configs handed out are immutable', () => {
	it('getPluginConfig returns a deeply frozen config: mutating it throws and the next read is unchanged', async () => {
		const { service } = await harness.makeService({ prefix: harness.prefix() });
		const guildId = harness.newGuildId();
		const [first] = channelIds(1) as [string];
		await service.setPluginConfig(guildId, moderationManifest, { logChannelIds: [first] });

		const config = await service.getPluginConfig(guildId, moderationManifest);
		expect(Object.isFrozen(config)).toBe(true);
		expect(() => {
			(config as { muteRoleId: string | null }).muteRoleId = '1';
		}).toThrow(TypeError);
		expect(() => (config.logChannelIds as string[]).push('2')).toThrow(TypeError);
		expect(() => {
			(config.caseRetention as { days: number }).days = 1;
		}).toThrow(TypeError);
		expect(await service.getPluginConfig(guildId, moderationManifest)).toEqual({ logChannelIds: [first], muteRoleId: null, caseRetention: { days: 365 } });
	});

	it('updatePluginConfig hands fn a frozen config and returns a frozen one; so does setPluginConfig', async () => {
		const { service } = await harness.makeService({ prefix: harness.prefix() });
		const guildId = harness.newGuildId();
		const updated = await service.updatePluginConfig(guildId, moderationManifest, (current) => {
			expect(() => (current.logChannelIds as string[]).push('1')).toThrow(TypeError);
			return { muteRoleId: '2' };
		});
		expect(() => (updated.logChannelIds as string[]).push('3')).toThrow(TypeError);
		const set = await service.setPluginConfig(guildId, moderationManifest, { muteRoleId: '4' });
		expect(() => {
			(set as { muteRoleId: string | null }).muteRoleId = '5';
		}).toThrow(TypeError);
		expect(await service.getPluginConfig(guildId, moderationManifest)).toEqual({ logChannelIds: [], muteRoleId: '4', caseRetention: { days: 365 } });
	});

	it('snapshots are frozen too', async () => {
		const { service } = await harness.makeService({ prefix: harness.prefix() });
		const guildId = harness.newGuildId();
		await service.setPluginEnabled(guildId, 'echo', true);
		const snapshot = await service.get(guildId);
		expect(() => {
			(snapshot.plugins as Record<string, boolean>).echo = false;
		}).toThrow(TypeError);
		expect(await service.isPluginEnabled(guildId, 'echo')).toBe(true);
	});
});
