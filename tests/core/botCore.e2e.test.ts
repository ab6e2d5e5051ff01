/**
 * The bot core end to end: the real bot (startBot, from src/) against the Discord emulator, with the test-only `echo`
 * plugin. Covers issue 3's "Done when": ready on two shards, per-guild enablement (commands, listeners, tasks), Polish
 * answers and command localizations, Manage Server enforced by the bot, error replies with error ids, and the
 * health/metrics endpoint. Two processes and Redis outages have their own files.
 */
import { ChannelType, MessageFlags, PermissionFlagsBits, type APIApplicationCommand } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { listShippedLocales } from '../../src/lib/i18n.js';
import type { GuardDropListener } from '../../src/lib/plugins/guards.js';
import { DiscordEmulator, type GuildHandle } from '@hearth/discord-emulator';
import { echoPlugin } from '../fixtures/echo-plugin/index.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

let emu: DiscordEmulator;
let bot: TestBot;
/** Guild on shard 0, English. */
let english: GuildHandle;
/** Guild on shard 1, preferred locale Polish. */
let polish: GuildHandle;
const admins = new Map<string, string>();
let plainMemberId: string;
const drops: Parameters<GuardDropListener>[0][] = [];

const generalOf = (guild: GuildHandle) => guild.channels.find((channel) => channel.name === 'general')!.id;

/** Invokes a slash command as a member and returns what they see. */
async function command(
	guild: GuildHandle,
	name: string,
	subcommand?: string,
	options?: Record<string, string | number>,
	userId?: string,
	extra: { permissionOverride?: boolean } = {}
) {
	const handle = emu.interactions.command({
		guildId: guild.id,
		channelId: generalOf(guild),
		userId: userId ?? admins.get(guild.id)!,
		name,
		...extra,
		...(subcommand ? { subcommand } : {}),
		...(options ? { options } : {})
	});
	return handle.waitForReply();
}

beforeAll(async () => {
	emu = await DiscordEmulator.start({ shardCount: 2 });
	english = emu.world.createGuild({ name: 'English guild', shard: [0, 2] });
	polish = emu.world.createGuild({ name: 'Polska gildia', preferredLocale: 'pl', shard: [1, 2] });
	for (const guild of [english, polish]) {
		admins.set(guild.id, guild.addMember({ username: `admin-${guild.id}`, permissions: PermissionFlagsBits.ManageGuild }).id);
	}
	plainMemberId = english.addMember({ username: 'plain member' }).id;
	bot = await startTestBot({ emulator: emu, plugins: [echoPlugin], http: true, onGuardDrop: (drop) => drops.push(drop) });
});

afterEach(() => {
	emu.assertNoFailures();
});

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('start-up', () => {
	it('is ready on two shards (Discord recommended two), each guild on its shard', () => {
		const client = bot.handle.client;
		expect([...client.ws.shards.keys()].sort()).toEqual([0, 1]);
		expect(client.options.shardCount).toBe(2);
		expect(emu.gateway.sessions).toHaveLength(2);
		expect(client.guilds.cache.get(english.id)?.shardId).toBe(0);
		expect(client.guilds.cache.get(polish.id)?.shardId).toBe(1);
		expect(bot.handle.migrationsApplied).toContain('Migration20261121000000_core_guild_settings');
	});

	it('prints an invite URL with the bot and applications.commands scopes', () => {
		const url = bot.handle.inviteUrl();
		expect(url).toBe(
			`https://discord.com/oauth2/authorize?client_id=${emu.bot.applicationId}&scope=bot%20applications.commands&permissions=0`
		);
		expect(bot.logs.find(`Invite URL: ${url}`)).toHaveLength(1);
	});

	it('registers every command with Discord localizations for every shipped locale', () => {
		const locales = listShippedLocales();
		expect(locales).toEqual(['en-US', 'fr', 'pl']);
		const commands = emu.commands.global();
		expect(commands.map((command) => command.name).sort()).toEqual(['echo', 'language', 'ping', 'plugins']);
		const check = (where: string, item: { name: string; name_localizations?: Record<string, string> | null; description?: string; description_localizations?: Record<string, string> | null; options?: unknown[] }) => {
			expect(Object.keys(item.name_localizations ?? {}).sort(), `${where} name`).toEqual(locales);
			expect(Object.keys(item.description_localizations ?? {}).sort(), `${where} description`).toEqual(locales);
			for (const option of (item.options ?? []) as (typeof item)[]) check(`${where} ${option.name}`, option);
		};
		for (const registered of commands) check(`/${registered.name}`, registered as APIApplicationCommand & Parameters<typeof check>[1]);
		const plugins = commands.find((registered) => registered.name === 'plugins')!;
		expect(plugins.name_localizations).toMatchObject({ pl: 'wtyczki', fr: 'modules' });
		expect(plugins.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
		const language = commands.find((registered) => registered.name === 'language')!;
		expect(language.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
	});
});

describe('per-guild plugins', () => {
	it("answers a plugin's commands only in the guilds where it is enabled", async () => {
		const off = await command(english, 'echo', 'say', { text: 'hello' });
		expect(off.ephemeral).toBe(true);
		expect(off.content).toContain('The **echo** feature is off in this server');

		const enabled = await command(english, 'plugins', 'enable', { plugin: 'echo' });
		expect(enabled).toMatchObject({ ephemeral: true, content: '**echo** is now on in this server.' });
		expect((await command(english, 'echo', 'say', { text: 'hello' })).content).toBe('Echo: hello');

		const elsewhere = await command(polish, 'echo', 'say', { text: 'cześć' });
		expect(elsewhere.ephemeral).toBe(true);
		expect(elsewhere.content).toContain('Funkcja **echo** jest wyłączona na tym serwerze');

		const list = await command(english, 'plugins', 'list');
		expect(list.content).toBe('Features of this bot in this server:\n🟢 **echo**: on. Test-only feature: repeats what you say.');
		expect((await command(english, 'plugins', 'enable', { plugin: 'echo' })).content).toBe('**echo** was already on in this server.');
	});

	it('runs plugin listeners only for events of guilds where the plugin is enabled', async () => {
		const echoState = bot.handle.pluginHost.service('echo');
		expect(await bot.handle.settings.isPluginEnabled(english.id, 'echo')).toBe(true);
		const before = drops.length;
		polish.createChannel({ name: 'nowy', type: ChannelType.GuildText });
		english.createChannel({ name: 'new', type: ChannelType.GuildText });
		await vi.waitFor(() => expect(echoState.channelCreates).toContain(english.id), { timeout: 5_000 });
		await vi.waitFor(() => expect(drops.slice(before)).toContainEqual({ plugin: 'echo', guildId: polish.id, store: 'listeners', piece: 'echoChannelCreate' }));
		expect(echoState.channelCreates).not.toContain(polish.id);
	});

	it('runs plugin scheduled tasks only for guilds where the plugin is enabled', async () => {
		const echoState = bot.handle.pluginHost.service('echo');
		const { taskQueue } = bot.handle;
		await taskQueue.schedule('echoReminder', { guildId: polish.id, payload: { note: 'polish' } });
		await taskQueue.schedule('echoReminder', { guildId: english.id, payload: { note: 'english' } });
		await vi.waitFor(() => expect(echoState.notes('echoReminder', english.id)).toEqual(['english']), { timeout: 5_000 });
		await vi.waitFor(() => expect(drops).toContainEqual({ plugin: 'echo', guildId: polish.id, store: 'scheduled-tasks', piece: 'echoReminder' }));
		expect(echoState.notes('echoReminder', polish.id)).toEqual([]);
	});

	it('suggests plugins in /plugins autocomplete, with their description', async () => {
		const handle = emu.interactions.autocomplete({
			guildId: polish.id,
			channelId: generalOf(polish),
			userId: admins.get(polish.id)!,
			name: 'plugins',
			subcommand: 'enable',
			options: { plugin: 'ec' },
			focused: 'plugin'
		});
		await handle.response;
		expect(handle.choices).toEqual([{ name: 'echo: Funkcja testowa: powtarza to, co mówisz.', value: 'echo' }]);
	});

	it('refuses /plugins to a member without Manage Server, changing nothing', async () => {
		// Discord hides the command from them (default_member_permissions)...
		expect(() => emu.interactions.command({ guildId: english.id, channelId: generalOf(english), userId: plainMemberId, name: 'plugins', subcommand: 'list' })).toThrow(
			/hidden from this member/
		);
		// ...and when a server's integration settings show it anyway, the bot itself refuses.
		const override = { permissionOverride: true };
		const refused = await command(english, 'plugins', 'disable', { plugin: 'echo' }, plainMemberId, override);
		expect(refused.ephemeral).toBe(true);
		expect(refused.content).toBe('You need the following permission(s) to use this command: Manage Server.');
		expect(await bot.handle.settings.isPluginEnabled(english.id, 'echo')).toBe(true);
		const language = await command(english, 'language', 'set', { language: 'pl' }, plainMemberId, override);
		expect(language.content).toBe('You need the following permission(s) to use this command: Manage Server.');
		expect(await bot.handle.settings.getChosenLanguage(english.id)).toBeNull();
	});

	it('answers an invalid config value with a translated error and changes nothing', async () => {
		expect((await command(english, 'echo', 'repeat', { times: 2 })).content).toBe('From now on I repeat 2 time(s).');
		const invalid = await command(english, 'echo', 'repeat', { times: 9 });
		expect(invalid.ephemeral).toBe(true);
		expect(invalid.content).toBe('Nothing was saved: the **echo** settings are not valid.\n• **repeat** must be at most 3');
		expect(await bot.handle.settings.getPluginConfig(english.id, echoPlugin)).toEqual({ greeting: 'Echo', repeat: 2 });
		expect((await command(english, 'echo', 'say', { text: 'x' })).content).toBe('Echo: x\nEcho: x');
	});
	it("handles a plugin's buttons only where the plugin is enabled, answering the notice elsewhere", async () => {
		const said = await command(english, 'echo', 'say', { text: 'ping' });
		const button = (said.components[0] as { components: { custom_id: string; label: string }[] }).components[0]!;
		expect(button).toMatchObject({ custom_id: 'echo:again:ping', label: 'Again' });
		const click = () =>
			emu.interactions.button({ guildId: english.id, channelId: generalOf(english), userId: admins.get(english.id)!, messageId: said.id, customId: button.custom_id }).waitForReply();
		expect((await click()).content).toBe('Again: ping');

		expect((await command(english, 'plugins', 'disable', { plugin: 'echo' })).content).toBe('**echo** is now off in this server.');
		const refused = await click();
		expect(refused.ephemeral).toBe(true);
		expect(refused.content).toContain('The **echo** feature is off in this server');
		expect(drops).toContainEqual({ plugin: 'echo', guildId: english.id, store: 'interaction-handlers', piece: 'echoAgainButton' });
		expect((await command(english, 'plugins', 'enable', { plugin: 'echo' })).content).toBe('**echo** is now on in this server.');
	});
});

describe('languages', () => {
	it('answers a Polish guild in Polish (its preferred locale)', async () => {
		const list = await command(polish, 'plugins', 'list');
		expect(list.content).toBe('Funkcje bota na tym serwerze:\n⚫ **echo**: wyłączona. Funkcja testowa: powtarza to, co mówisz.');
		expect((await command(polish, 'plugins', 'enable', { plugin: 'echo' })).content).toBe('**echo** jest teraz włączona na tym serwerze.');
		expect((await command(polish, 'echo', 'say', { text: 'cześć' })).content).toBe('Echo: cześć');
	});

	it('/language set picks the language of the answers, and "server default" goes back to the preferred locale', async () => {
		expect((await command(english, 'language', 'set', { language: 'fr' })).content).toBe('Désormais, je réponds en Français sur ce serveur.');
		expect((await command(english, 'plugins', 'list')).content).toMatch(/^Fonctions du bot sur ce serveur :\n🟢 \*\*echo\*\* : active\./);
		expect((await command(english, 'language', 'set', { language: 'default' })).content).toBe(
			"From now on I answer in the server's preferred locale (English)."
		);
		expect(await bot.handle.settings.getChosenLanguage(english.id)).toBeNull();
		expect((await command(polish, 'language', 'set', { language: 'en-US' })).content).toBe('From now on I answer in English in this server.');
		expect((await command(polish, 'language', 'set', { language: 'default' })).content).toBe(
			'Od teraz odpowiadam w preferowanym języku serwera (Polski).'
		);
	});
});

describe('failures and operations', () => {
	it('answers an unexpected failure with a translated message and an error id logged with guild, command and stack', async () => {
		const reply = await command(polish, 'echo', 'fail');
		expect(reply.ephemeral).toBe(true);
		const errorId = /`(E-[0-9A-Z]{8})`/.exec(reply.content)?.[1];
		expect(reply.content).toContain('Coś poszło nie tak po mojej stronie');
		expect(errorId).toBeDefined();
		const [line] = bot.logs.find(`errorId=${errorId}`);
		expect(line).toMatch(/ ERROR /);
		expect(line).toContain(`guild=${polish.id}`);
		expect(line).toContain('command=echo');
		expect(line).toContain('shard=1');
		expect(line).toContain('stack="Error: echo fail on purpose\\n    at EchoCommand.chatInputFail');
	});

	it('/ping answers with the shard of the guild', async () => {
		const reply = await command(polish, 'ping');
		expect(reply.ephemeral).toBe(true);
		expect(reply.content).toMatch(/^Pong! Puls bramy -?\d+ ms, ten shard: 1\.$/);
	});

	it('serves /healthz (ready: gateway, PostgreSQL, Redis) and /metrics with command counts and gateway events', async () => {
		const base = `http://127.0.0.1:${bot.handle.httpPort}`;
		const health = await fetch(`${base}/healthz`);
		expect(health.status).toBe(200);
		expect(await health.json()).toEqual({ status: 'ready', checks: { gateway: true, postgres: true, redis: true } });
		const metrics = await (await fetch(`${base}/metrics`)).text();
		expect(metrics).toMatch(/^hearth_commands_total\{command="plugins",outcome="success"\} [1-9]\d*$/m);
		expect(metrics).toMatch(/^hearth_commands_total\{command="plugins",outcome="denied"\} 1$/m);
		expect(metrics).toMatch(/^hearth_commands_total\{command="echo",outcome="error"\} [1-9]\d*$/m);
		expect(metrics).toMatch(/^hearth_command_duration_seconds_count\{command="echo"\} [1-9]\d*$/m);
		expect(metrics).toMatch(/^hearth_gateway_events_total\{event="GUILD_CREATE"\} 2$/m);
		expect(metrics).toMatch(/^hearth_gateway_events_total\{event="INTERACTION_CREATE"\} [1-9]\d*$/m);
		expect(metrics).toMatch(/^hearth_shard_ping_milliseconds\{shard="1"\} -?\d+$/m);
	});

	it('refuses new commands with a translated notice once shutdown has begun', async () => {
		const lifecycle = bot.handle.container.lifecycle;
		lifecycle.shuttingDown = true;
		try {
			const reply = await command(polish, 'plugins', 'list');
			expect(reply).toMatchObject({ ephemeral: true, content: 'Właśnie się restartuję. Spróbuj ponownie za chwilę.' });
		} finally {
			lifecycle.shuttingDown = false;
		}
	});

	it('ephemeral answers carry the ephemeral flag', async () => {
		const reply = await command(english, 'plugins', 'list');
		expect(reply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
	});
});
