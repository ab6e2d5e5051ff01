/**
 * `/plugins` and plugin dependencies end to end: the real bot on the emulator with two test plugins, `shout`
 * (tests/fixtures/shout-plugin), which `dependsOn` `echo` (tests/fixtures/echo-plugin). Enabling shout while echo is off
 * enables nothing and offers a confirmation button (checked again on press); disabling echo names shout, which keeps
 * its switch and comes back with echo; `/plugins list` shows shout switched on but waiting, distinctly.
 */
import { DiscordEmulator, type GuildHandle } from '@hearth/discord-emulator';
import { ButtonStyle, ComponentType, PermissionFlagsBits } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { echoPlugin } from '../fixtures/echo-plugin/index.js';
import { shoutPlugin } from '../fixtures/shout-plugin/index.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

let emu: DiscordEmulator;
let bot: TestBot;
let guild: GuildHandle;
let generalId: string;
let adminId: string;

const ECHO_LINE = 'Test-only feature: repeats what you say.';
const SHOUT_LINE = 'Test-only feature: repeats what you say in capitals (needs echo).';

/** Runs a slash command as a member and returns the message they see. */
async function command(name: string, subcommand?: string, options?: Record<string, string>, userId = adminId) {
	return emu.interactions
		.command({ guildId: guild.id, channelId: generalId, userId, name, ...(subcommand ? { subcommand } : {}), ...(options ? { options } : {}) })
		.waitForReply();
}

/** The only button of a message. */
function buttonOf(message: { components: unknown[] }) {
	const row = message.components[0] as { components: { type: number; custom_id: string; label: string; style: number }[] } | undefined;
	expect(row?.components).toHaveLength(1);
	return row!.components[0]!;
}

/** Presses a button of a message the member sees, and returns what they see then. */
async function press(messageId: string, customId: string, userId = adminId) {
	return emu.interactions.button({ guildId: guild.id, channelId: generalId, userId, messageId, customId }).waitForReply();
}

/** Each plugin's own switch and whether it runs, in the guild. */
async function states() {
	const { settings } = bot.handle;
	return {
		echo: { switchedOn: await settings.isPluginSwitchedOn(guild.id, 'echo'), enabled: await settings.isPluginEnabled(guild.id, 'echo') },
		shout: { switchedOn: await settings.isPluginSwitchedOn(guild.id, 'shout'), enabled: await settings.isPluginEnabled(guild.id, 'shout') }
	};
}

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	guild = emu.world.createGuild({ name: 'Dependencies' });
	generalId = guild.channels.find((channel) => channel.name === 'general')!.id;
	adminId = guild.addMember({ username: 'admin', permissions: PermissionFlagsBits.ManageGuild }).id;
	bot = await startTestBot({ emulator: emu, plugins: [echoPlugin, shoutPlugin] });
});

afterEach(() => {
	emu.assertNoFailures();
});

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('/plugins with dependencies', () => {
	it('enabling a plugin whose dependency is off enables nothing, names the dependency and offers to enable both', async () => {
		const reply = await command('plugins', 'enable', { plugin: 'shout' });
		expect(reply.ephemeral).toBe(true);
		expect(reply.content).toBe('**shout** needs **echo** to be on in this server, so nothing was turned on. Use the button to turn everything on.');
		expect(buttonOf(reply)).toMatchObject({ type: ComponentType.Button, custom_id: 'core:plugins-enable:shout', label: 'Turn on echo and shout', style: ButtonStyle.Primary });
		expect(await states()).toEqual({ echo: { switchedOn: false, enabled: false }, shout: { switchedOn: false, enabled: false } });
		const refused = await command('shout', undefined, { text: 'hi' });
		expect(refused).toMatchObject({ ephemeral: true });
		expect(refused.content).toContain('The **shout** feature is off in this server');
	});

	it('the confirmation is refused to a member who no longer has Manage Server when pressing, and nothing changes', async () => {
		const moderator = guild.addMember({ username: 'moderator', permissions: PermissionFlagsBits.ManageGuild });
		const prompt = await command('plugins', 'enable', { plugin: 'shout' }, moderator.id);
		guild.updateMember(moderator.id, { roles: [] });
		const refused = await press(prompt.id, buttonOf(prompt).custom_id, moderator.id);
		expect(refused.ephemeral).toBe(true);
		expect(refused.content).toBe('You need the following permission(s) to use this command: Manage Server.');
		expect(await states()).toEqual({ echo: { switchedOn: false, enabled: false }, shout: { switchedOn: false, enabled: false } });
	});

	it('the confirmation turns on the dependency, then the plugin, and says so in place of the question', async () => {
		const prompt = await command('plugins', 'enable', { plugin: 'shout' });
		const done = await press(prompt.id, buttonOf(prompt).custom_id);
		expect(done).toMatchObject({ id: prompt.id, ephemeral: true, content: 'Turned on in this server: **echo** and **shout**.', components: [] });
		expect(await states()).toEqual({ echo: { switchedOn: true, enabled: true }, shout: { switchedOn: true, enabled: true } });
		expect((await command('shout', undefined, { text: 'hi' })).content).toBe('HI!');
		expect((await command('plugins', 'enable', { plugin: 'shout' })).content).toBe('**shout** was already on in this server.');
	});

	it('disabling a dependency names the plugins that stop working with it; they keep their switch', async () => {
		const reply = await command('plugins', 'disable', { plugin: 'echo' });
		expect(reply.ephemeral).toBe(true);
		expect(reply.content).toBe(
			'**echo** is now off in this server. These features stop working with it: **shout**. Their own switches stay on: they work again once **echo** is on.'
		);
		expect(await states()).toEqual({ echo: { switchedOn: false, enabled: false }, shout: { switchedOn: true, enabled: false } });
		expect((await command('shout', undefined, { text: 'hi' })).content).toContain('The **shout** feature is off in this server');
		// Switched on but idle: enabling it again still asks before turning echo on.
		const again = await command('plugins', 'enable', { plugin: 'shout' });
		expect(again.content).toBe('**shout** needs **echo** to be on in this server, so nothing was turned on. Use the button to turn everything on.');
		expect((await command('plugins', 'disable', { plugin: 'echo' })).content).toBe('**echo** was already off in this server.');
	});

	it('/plugins list shows a plugin switched on but waiting for a dependency, distinctly from on and off', async () => {
		const list = await command('plugins', 'list');
		expect(list.ephemeral).toBe(true);
		expect(list.content).toBe(
			['Features of this bot in this server:', `⚫ **echo**: off. ${ECHO_LINE}`, `🟡 **shout**: switched on, but waiting for **echo** to be turned on. ${SHOUT_LINE}`].join('\n')
		);
	});

	it('re-enabling the dependency brings the dependent plugin back', async () => {
		expect((await command('plugins', 'enable', { plugin: 'echo' })).content).toBe('**echo** is now on in this server.');
		expect(await states()).toEqual({ echo: { switchedOn: true, enabled: true }, shout: { switchedOn: true, enabled: true } });
		expect((await command('shout', undefined, { text: 'back' })).content).toBe('BACK!');
		const list = await command('plugins', 'list');
		expect(list.content).toBe(['Features of this bot in this server:', `🟢 **echo**: on. ${ECHO_LINE}`, `🟢 **shout**: on. ${SHOUT_LINE}`].join('\n'));
	});

	it('disabling a plugin nothing running depends on says only that it is off', async () => {
		expect((await command('plugins', 'disable', { plugin: 'shout' })).content).toBe('**shout** is now off in this server.');
		expect(await states()).toEqual({ echo: { switchedOn: true, enabled: true }, shout: { switchedOn: false, enabled: false } });
		// echo's dependent is switched off, so nothing stops with echo.
		expect((await command('plugins', 'disable', { plugin: 'echo' })).content).toBe('**echo** is now off in this server.');
	});
});
