/**
 * Subcommand names Discord's client would never send (a stale registration, a hand-made request), end to end: the real
 * bot with its own plugins on the emulator, fed raw interaction options through `emu.interactions.forgedCommand`.
 * Before BotCommand (src/lib/commands/BotCommand.ts), `/plugins nope plugin:voice-xp` turned voice XP off,
 * `/language constructor` set the language, `/xp toString` ran `/xp sync`, and `/xp config __proto__` reached the
 * prototype of a handler map and was never answered. Each is now refused, translated and ephemeral, and changes nothing.
 */
import { DiscordEmulator, type GuildHandle } from '@hearth/discord-emulator';
import { ApplicationCommandOptionType, PermissionFlagsBits, type APIApplicationCommandInteractionDataOption } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { voiceXpPlugin } from '../../src/plugins/voice-xp/index.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

let emu: DiscordEmulator;
let bot: TestBot;
let english: GuildHandle;
let polish: GuildHandle;
const admins = new Map<string, string>();

const REFUSED_EN = 'This command has no such subcommand (Discord may be showing an outdated version of it). Nothing was done.';
const REFUSED_PL = 'To polecenie nie ma takiej podkomendy (Discord może pokazywać jego nieaktualną wersję). Nic nie zostało zrobione.';

const generalOf = (guild: GuildHandle) => guild.channels.find((channel) => channel.name === 'general')!.id;

/** A subcommand option as sent in `data.options`, with its own options. */
const sub = (name: string, options: APIApplicationCommandInteractionDataOption[] = []): APIApplicationCommandInteractionDataOption => ({
	type: ApplicationCommandOptionType.Subcommand,
	name,
	options
}) as APIApplicationCommandInteractionDataOption;

/** A subcommand group holding one subcommand. */
const group = (name: string, subcommand: APIApplicationCommandInteractionDataOption): APIApplicationCommandInteractionDataOption => ({
	type: ApplicationCommandOptionType.SubcommandGroup,
	name,
	options: [subcommand]
}) as APIApplicationCommandInteractionDataOption;

const text = (name: string, value: string) => ({ type: ApplicationCommandOptionType.String, name, value }) as APIApplicationCommandInteractionDataOption;

/** Sends a forged `/name` with raw options as the guild's admin and returns what they see. */
async function forged(guild: GuildHandle, name: string, options: APIApplicationCommandInteractionDataOption[]) {
	return emu.interactions.forgedCommand({ guildId: guild.id, channelId: generalOf(guild), userId: admins.get(guild.id)!, name, options }).waitForReply();
}

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	english = emu.world.createGuild({ name: 'English guild' });
	polish = emu.world.createGuild({ name: 'Polska gildia', preferredLocale: 'pl' });
	for (const guild of [english, polish]) {
		admins.set(guild.id, guild.addMember({ username: `admin-${guild.id}`, permissions: PermissionFlagsBits.ManageGuild }).id);
	}
	bot = await startTestBot({ emulator: emu });
});

afterEach(() => {
	emu.assertNoFailures();
});

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('forged subcommand names', () => {
	it('reach the bot as sent: a forged payload with a real subcommand runs it', async () => {
		const list = await forged(english, 'plugins', [sub('list')]);
		expect(list.content).toMatch(/^Features of this bot in this server:\n🟢 \*\*voice-xp\*\*: on\./);
	});

	it('/plugins nope plugin:voice-xp is refused and does not turn voice XP off', async () => {
		const reply = await forged(english, 'plugins', [sub('nope', [text('plugin', 'voice-xp')])]);
		expect(reply).toMatchObject({ ephemeral: true, content: REFUSED_EN });
		expect(await bot.handle.settings.isPluginSwitchedOn(english.id, 'voice-xp')).toBe(true);
		expect(bot.logs.find('/plugins: refused unknown subcommand "nope"')).toHaveLength(1);
	});

	it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'chatInputList'])('/plugins %s is refused', async (name) => {
		const reply = await forged(english, 'plugins', [sub(name, [text('plugin', 'voice-xp')])]);
		expect(reply).toMatchObject({ ephemeral: true, content: REFUSED_EN });
		expect(await bot.handle.settings.isPluginSwitchedOn(english.id, 'voice-xp')).toBe(true);
	});

	it('/language constructor language:fr is refused and does not set the language (answered in the guild language)', async () => {
		const reply = await forged(polish, 'language', [sub('constructor', [text('language', 'fr')])]);
		expect(reply).toMatchObject({ ephemeral: true, content: REFUSED_PL });
		expect(await bot.handle.settings.getChosenLanguage(polish.id)).toBeNull();
	});

	it('/xp toString is refused and does not run /xp sync', async () => {
		const reply = await forged(english, 'xp', [sub('toString')]);
		expect(reply).toMatchObject({ ephemeral: true, content: REFUSED_EN });
		expect(bot.logs.find('/xp sync by')).toEqual([]);
	});

	it.each([
		['config', '__proto__'],
		['config', 'constructor'],
		['config', 'toString'],
		['tiers', '__proto__'],
		['tiers', 'valueOf'],
		['nope', 'show'],
		['add', 'show']
	])('/xp %s %s is answered with the refusal and changes no config', async (groupName, name) => {
		const before = await bot.handle.settings.getPluginConfig(english.id, voiceXpPlugin);
		const reply = await forged(english, 'xp', [group(groupName, sub(name, [text('value', '5')]))]);
		expect(reply).toMatchObject({ ephemeral: true, content: REFUSED_EN });
		expect(await bot.handle.settings.getPluginConfig(english.id, voiceXpPlugin)).toEqual(before);
	});

	it('a subcommand sent to a command without subcommands is refused too (/ping, /rank)', async () => {
		expect(await forged(english, 'ping', [sub('constructor')])).toMatchObject({ ephemeral: true, content: REFUSED_EN });
		expect(await forged(polish, 'rank', [sub('__proto__')])).toMatchObject({ ephemeral: true, content: REFUSED_PL });
	});
});
