/**
 * Effective enablement: a plugin is on in a guild only when its own switch is on and so is every plugin it depends on
 * (transitively); toggles of a dependency reach the listeners of its dependents, in every process.
 * Test manifests: moderation (on by default) <- automod <- raid-alerts (tests/helpers/settingsServices.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseBotConfig } from '../../src/lib/config.js';
import { PluginRegistry } from '../../src/lib/plugins/registry.js';
import { PluginEnablement } from '../../src/lib/settings/enablement.js';
import { echoPlugin } from '../fixtures/echo-plugin/index.js';
import { automodManifest, moderationManifest, raidAlertsManifest, SettingsHarness, testSettingsRegistry } from '../helpers/settingsServices.js';

describe('PluginEnablement', () => {
	const enablement = new PluginEnablement(testSettingsRegistry());

	it('applies the defaults and the transitive dependencies', () => {
		expect(enablement.switchedOn({}, 'moderation')).toBe(true); // enabledByDefault
		expect(enablement.switchedOn({}, 'automod')).toBe(false);
		expect(enablement.switchedOn({ automod: true }, 'automod')).toBe(true);
		expect(enablement.switchedOn({ ghost: true }, 'ghost')).toBe(false); // not installed

		expect(enablement.effective({ automod: true }, 'automod')).toBe(true);
		expect(enablement.effective({ automod: true, moderation: false }, 'automod')).toBe(false);
		expect(enablement.effective({ automod: true, 'raid-alerts': true }, 'raid-alerts')).toBe(true);
		expect(enablement.effective({ automod: true, 'raid-alerts': true, moderation: false }, 'raid-alerts')).toBe(false);
		expect(enablement.effective({ 'raid-alerts': true }, 'raid-alerts')).toBe(false); // automod is off by default
		expect(enablement.enabledPlugins({ echo: true, automod: true, 'raid-alerts': true, moderation: false })).toEqual(['echo']);
	});

	it('lists the plugins whose effective state changed, the switched one first', () => {
		const before = { automod: true, 'raid-alerts': true };
		expect(enablement.changes(before, { ...before, moderation: false }, ['moderation'])).toEqual([
			{ plugin: 'moderation', enabled: false },
			{ plugin: 'automod', enabled: false },
			{ plugin: 'raid-alerts', enabled: false }
		]);
		// Switching automod on while moderation is off changes nothing effective.
		expect(enablement.changes({ moderation: false }, { moderation: false, automod: true }, ['automod'])).toEqual([]);
		// A dependent whose own switch is off does not change.
		expect(enablement.changes({}, { moderation: false }, ['moderation'])).toEqual([{ plugin: 'moderation', enabled: false }]);
	});

	it('follows config/defaults.json for the default switches', () => {
		const configured = new PluginEnablement(
			new PluginRegistry([echoPlugin, moderationManifest, automodManifest, raidAlertsManifest], parseBotConfig({ plugins: { moderation: { enabled: false } } }))
		);
		expect(configured.effective({ automod: true }, 'automod')).toBe(false);
		expect(configured.effective({ automod: true, moderation: true }, 'automod')).toBe(true);
	});
});

describe('GuildSettingsService effective enablement', () => {
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

	it('answers the effective state, and the raw switch through isPluginSwitchedOn', async () => {
		const { service } = await harness.makeService({ prefix: harness.prefix() });
		const guildId = harness.newGuildId();
		expect(await service.setPluginEnabled(guildId, 'automod', true)).toBe(true);
		expect(await service.setPluginEnabled(guildId, 'raid-alerts', true)).toBe(true);
		expect(await service.enabledPlugins(guildId)).toEqual(['moderation', 'automod', 'raid-alerts']);

		expect(await service.setPluginEnabled(guildId, 'moderation', false)).toBe(true);
		expect(await service.isPluginEnabled(guildId, 'moderation')).toBe(false);
		expect(await service.isPluginEnabled(guildId, 'automod')).toBe(false);
		expect(await service.isPluginEnabled(guildId, 'raid-alerts')).toBe(false);
		expect(service.peekPluginEnabled(guildId, 'automod')).toBe(false);
		expect(service.peekPluginEnabled(guildId, 'raid-alerts')).toBe(false);
		expect(await service.enabledPlugins(guildId)).toEqual([]);
		// The switches are kept: /plugins shows them, and they come back with moderation.
		expect(await service.isPluginSwitchedOn(guildId, 'automod')).toBe(true);
		expect(await service.isPluginSwitchedOn(guildId, 'moderation')).toBe(false);
		expect(await service.isPluginSwitchedOn(guildId, 'ghost')).toBe(false);
		// Switching a dependent on again while its dependency is off changes the switch only.
		expect(await service.setPluginEnabled(guildId, 'automod', true)).toBe(false);

		await service.setPluginEnabled(guildId, 'moderation', true);
		expect(service.peekPluginEnabled(guildId, 'raid-alerts')).toBe(true);
		expect(await service.enabledPlugins(guildId)).toEqual(['moderation', 'automod', 'raid-alerts']);
	});

	it('tells every process about the dependents whose state changed with a dependency', async () => {
		const prefix = harness.prefix();
		const a = await harness.makeService({ prefix });
		const b = await harness.makeService({ prefix });
		const guildId = harness.newGuildId();
		await a.service.setPluginEnabled(guildId, 'automod', true);
		await vi.waitFor(() => expect(b.toggles).toHaveLength(1), { timeout: 2_000 });
		expect(b.service.peekPluginEnabled(guildId, 'automod')).toBeUndefined(); // the change dropped B's copy
		expect(await b.service.isPluginEnabled(guildId, 'automod')).toBe(true);
		a.toggles.length = 0;
		b.toggles.length = 0;

		await a.service.setPluginEnabled(guildId, 'moderation', false);
		const off = [
			{ guildId, plugin: 'moderation', enabled: false },
			{ guildId, plugin: 'automod', enabled: false }
		];
		expect(a.toggles).toEqual(off); // raid-alerts' switch is off: its state did not change
		await vi.waitFor(() => expect(b.toggles).toEqual(off), { timeout: 2_000 });
		expect(await b.service.isPluginEnabled(guildId, 'automod')).toBe(false);

		// Switching automod off and on while moderation is off: effective state unchanged, nobody hears anything.
		await a.service.setPluginEnabled(guildId, 'automod', false);
		await a.service.setPluginEnabled(guildId, 'automod', true);
		await a.service.setPluginEnabled(guildId, 'moderation', true);
		const on = [
			{ guildId, plugin: 'moderation', enabled: true },
			{ guildId, plugin: 'automod', enabled: true }
		];
		expect(a.toggles).toEqual([...off, ...on]);
		await vi.waitFor(() => expect(b.toggles).toEqual([...off, ...on]), { timeout: 2_000 });
	});
});
