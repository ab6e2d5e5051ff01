import { Guild, GatewayIntentBits, PermissionFlagsBits } from 'discord.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../src/lib/clock.js';
import { parseBotConfig } from '../../src/lib/config.js';
import { definePlugin } from '../../src/lib/plugins/definePlugin.js';
import { resolveGuildId, runIfEnabled, type EnablementSource } from '../../src/lib/plugins/guards.js';
import { inviteUrl, PluginRegistry } from '../../src/lib/plugins/registry.js';
import { echoPlugin } from '../fixtures/echo-plugin/index.js';

const voiceLike = definePlugin({
	name: 'voice-like',
	configSchema: z.object({ rate: z.number().default(6) }),
	entities: [],
	enabledByDefault: true,
	directory: '/plugins/voice-like',
	intents: [GatewayIntentBits.GuildVoiceStates, GatewayIntentBits.Guilds],
	permissions: [PermissionFlagsBits.ManageRoles, PermissionFlagsBits.SendMessages]
});

describe('plugin registry', () => {
	const registry = new PluginRegistry([echoPlugin, voiceLike], parseBotConfig({ plugins: { echo: { enabled: true } } }));

	it('asks for the union of the core and plugin intents only', () => {
		expect(new PluginRegistry([], parseBotConfig({})).intents()).toEqual([GatewayIntentBits.Guilds]);
		expect(registry.intents()).toEqual([GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates]);
	});

	it('builds the invite URL from the permissions plugins need', () => {
		expect(registry.permissions()).toBe(PermissionFlagsBits.ManageRoles | PermissionFlagsBits.SendMessages);
		expect(inviteUrl('123', registry.permissions())).toBe(
			`https://discord.com/oauth2/authorize?client_id=123&scope=bot%20applications.commands&permissions=${PermissionFlagsBits.ManageRoles | PermissionFlagsBits.SendMessages}`
		);
	});

	it('lets config/defaults.json override which plugins start enabled', () => {
		expect(registry.isEnabledByDefault('echo')).toBe(true); // manifest says false, config says true
		expect(registry.isEnabledByDefault('voice-like')).toBe(true);
		expect(registry.isEnabledByDefault('missing')).toBe(false);
	});

	it('finds the plugin a piece file belongs to', () => {
		expect(registry.pluginOfPath(join(echoPlugin.directory, 'commands', 'echo.ts'))?.name).toBe('echo');
		expect(registry.pluginOfPath('/plugins/voice-like/listeners/deep/x.ts')?.name).toBe('voice-like');
		expect(registry.pluginOfPath('/plugins/voice-like-other/x.ts')).toBeNull();
		expect(registry.pluginOfPath('/plugins/voice-like')).toBeNull();
		expect(registry.pluginOfPath('/src/commands/plugins.ts')).toBeNull();
	});
});

describe('plugin guards', () => {
	it('finds the guild of events, task payloads and raw packets', () => {
		const guild = Object.assign(Object.create(Guild.prototype) as Guild, { id: '10' });
		expect(resolveGuildId([guild])).toBe('10');
		expect(resolveGuildId([{ guildId: '11' }])).toBe('11'); // messages, channels, interactions, task payloads
		expect(resolveGuildId([{ guild }, { guild }])).toBe('10'); // members, voice states (old, new)
		expect(resolveGuildId([{ message: { guildId: '12' } }, { id: 'user' }])).toBe('12'); // reactions
		expect(resolveGuildId([{ t: 'X', d: { guild_id: '13' } }])).toBe('13'); // raw packets
		expect(resolveGuildId([{ guildId: null }, undefined, 5])).toBeNull(); // DMs, ready
		expect(resolveGuildId([])).toBeNull();
	});

	const source = (cached: Record<string, boolean | undefined>, stored: Record<string, boolean>): EnablementSource => ({
		peekPluginEnabled: (guildId) => cached[guildId],
		isPluginEnabled: async (guildId) => stored[guildId] ?? false
	});

	it('runs synchronously when the setting is cached, so events keep their order', () => {
		const ran: string[] = [];
		const drops: string[] = [];
		const settings = source({ on: true, off: false }, {});
		expect(runIfEnabled(settings, 'p', 'on', () => ran.push('on'))).toBe(1);
		expect(runIfEnabled(settings, 'p', 'off', () => ran.push('off'), (id) => drops.push(id))).toBeUndefined();
		expect(runIfEnabled(settings, 'p', null, () => ran.push('bot-wide'))).toBe(2);
		expect(ran).toEqual(['on', 'bot-wide']);
		expect(drops).toEqual(['off']);
	});

	it('asks the settings when nothing is cached', async () => {
		const ran: string[] = [];
		const settings = source({}, { on: true });
		await runIfEnabled(settings, 'p', 'on', () => ran.push('on'));
		await runIfEnabled(settings, 'p', 'off', () => ran.push('off'));
		expect(ran).toEqual(['on']);
	});
});

describe('ManualClock', () => {
	it('moves only when told, never backwards', () => {
		const clock = new ManualClock(1_000);
		expect(clock.now()).toBe(1_000);
		clock.advance(60_000);
		expect(clock.now()).toBe(61_000);
		clock.set(100_000);
		expect(clock.now()).toBe(100_000);
		expect(() => clock.set(99_999)).toThrow(RangeError);
		expect(() => clock.advance(-1)).toThrow(RangeError);
		expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
	});
});
