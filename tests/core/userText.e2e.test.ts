/**
 * Issue 12, found by generated interactions, end to end through the real bot on the Discord emulator:
 * - member text echoed through a translation is shown literally (`{{name}}`, `$t(...)` are not translation markup):
 *   src/lib/i18n.ts `valueEscapingOptions`, for every translation of the bot;
 * - two `/language set` at the same moment each answer in the language they wrote;
 * - option values Discord's client would not send (forged payloads) get the translated `core:errors.badOption` naming
 *   the option, without an error id, and change nothing (src/lib/failures.ts `badOptionOf`).
 */
import { DiscordEmulator, type GuildHandle } from '@hearth/discord-emulator';
import { ApplicationCommandOptionType, PermissionFlagsBits, type APIApplicationCommandInteractionDataOption } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { escapeValue, unescapeValues } from '../../src/lib/i18n.js';
import { voiceXpPlugin } from '../../src/plugins/voice-xp/index.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { storedStats } from '../plugins/voice-xp/e2eHelpers.js';

let emu: DiscordEmulator;
let bot: TestBot;
let english: GuildHandle;
let polish: GuildHandle;
let adminId: string;
let polishAdminId: string;
let memberId: string;

const O = ApplicationCommandOptionType;
const generalOf = (guild: GuildHandle) => guild.channels.find((channel) => channel.name === 'general')!.id;

/** A slash command as Discord's client sends it, by the English guild's admin unless told. */
async function command(guild: GuildHandle, name: string, subcommand: string, options: Record<string, string | number>, userId = adminId) {
	return emu.interactions.command({ guildId: guild.id, channelId: generalOf(guild), userId, name, subcommand, options }).waitForReply();
}

/**
 * A forged `/name` with raw options and, when given, the `resolved` data a hand-made request carries (forgedCommand
 * sends `data.options` only, so it is added to the dispatched payload). `deferred`: the command defers before it
 * fails, so its answer is a follow-up.
 */
async function forged(name: string, options: APIApplicationCommandInteractionDataOption[], resolved?: Record<string, unknown>, deferred = false) {
	const world = emu.world as unknown as { dispatch: (event: string, data: unknown, guildId: string | null) => void };
	const original = world.dispatch.bind(world);
	if (resolved) {
		world.dispatch = (event, data, guildId) => {
			if (event === 'INTERACTION_CREATE') (data as { data: Record<string, unknown> }).data.resolved = resolved;
			original(event, data, guildId);
		};
	}
	try {
		const handle = emu.interactions.forgedCommand({ guildId: english.id, channelId: generalOf(english), userId: adminId, name, options });
		// A command that deferred gets its refusal as a follow-up (the "thinking…" reply is removed first).
		return deferred ? (await handle.waitForFollowUps(1))[0]! : await handle.waitForReply();
	} finally {
		if (resolved) delete (world as { dispatch?: unknown }).dispatch;
	}
}

const sub = (name: string, options: unknown[]) => ({ type: O.Subcommand, name, options }) as unknown as APIApplicationCommandInteractionDataOption;
const group = (name: string, subcommand: APIApplicationCommandInteractionDataOption) =>
	({ type: O.SubcommandGroup, name, options: [subcommand] }) as unknown as APIApplicationCommandInteractionDataOption;
const userResolved = (id: string) => ({ users: { [id]: { id, username: 'member', discriminator: '0', global_name: null, avatar: null } } });

const BAD_OPTION = (option: string) =>
	`The option **${option}** got a value Discord would not send (it may be showing an outdated version of this command). Nothing was done.`;

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	english = emu.world.createGuild({ name: 'English guild' });
	polish = emu.world.createGuild({ name: 'Polska gildia', preferredLocale: 'pl' });
	adminId = english.addMember({ username: 'admin', permissions: PermissionFlagsBits.ManageGuild }).id;
	polishAdminId = polish.addMember({ username: 'admin-pl', permissions: PermissionFlagsBits.ManageGuild }).id;
	memberId = english.addMember({ username: 'member' }).id;
	bot = await startTestBot({ emulator: emu, plugins: [voiceXpPlugin] });
});

afterEach(() => {
	emu.assertNoFailures();
});

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('escaping of values', () => {
	it('is lossless, the escape character included', () => {
		for (const text of ['{{name}}', '$t(core:errors.unexpected)', '\uE0000 {a} $$ }}{{', 'plain']) {
			expect(escapeValue(text)).not.toMatch(/[{}$]/);
			expect(unescapeValues(escapeValue(text))).toBe(text);
		}
	});
});

describe('member text is never translation markup', () => {
	it.each(['{{name}}', '$t(core:errors.unexpected)', '{{plugin}} $t(core:errors.unknownplugin, {"plugin": "x"})'])(
		'/plugins enable plugin:%s answers the unknown-plugin refusal with the text as typed',
		async (typed) => {
			const reply = await command(english, 'plugins', 'enable', { plugin: typed });
			expect(reply).toMatchObject({ ephemeral: true, content: `There is no feature called **${typed}**. Use /plugins list to see them.` });
		}
	);

	it('a value naming a later placeholder of the same text stays where it was typed (/language set language:{{supported}})', async () => {
		const reply = await forged('language', [sub('set', [{ type: O.String, name: 'language', value: '{{supported}}' }])]);
		expect(reply.content).toBe('I do not speak **{{supported}}**. Available: en-US, fr, pl.');
		expect(await bot.handle.settings.getChosenLanguage(english.id)).toBeNull();
	});
});

describe('two /language set at the same moment', () => {
	it('each answer in the language that command wrote', async () => {
		for (let round = 0; round < 5; round++) {
			const [french, polishAnswer] = await Promise.all([
				command(polish, 'language', 'set', { language: 'fr' }, polishAdminId),
				command(polish, 'language', 'set', { language: 'pl' }, polishAdminId)
			]);
			expect(french.content).toBe('Désormais, je réponds en Français sur ce serveur.');
			expect(polishAnswer.content).toMatch(/^Od teraz odpowiadam na tym serwerze w języku: /);
		}
	});
});

describe('malformed option values (forged payloads)', () => {
	it('/xp add amount sent as a string is refused naming amount, no error id, nothing stored', async () => {
		const reply = await forged(
			'xp',
			[sub('add', [{ type: O.User, name: 'user', value: memberId }, { type: O.String, name: 'amount', value: '500' }])],
			userResolved(memberId)
		);
		expect(reply).toMatchObject({ ephemeral: true, content: BAD_OPTION('amount') });
		expect(await storedStats(bot, english.id, memberId)).toBeNull();
	});

	it('/xp add amount out of range is refused naming amount, nothing stored', async () => {
		const reply = await forged(
			'xp',
			[sub('add', [{ type: O.User, name: 'user', value: memberId }, { type: O.Integer, name: 'amount', value: 5_000_000_000 }])],
			userResolved(memberId),
			true
		);
		expect(reply).toMatchObject({ ephemeral: true, content: BAD_OPTION('amount') });
		expect(reply.content).not.toContain('E-');
		expect(await storedStats(bot, english.id, memberId)).toBeNull();
		// Not logged as an unexpected failure (that line carries an error id).
		expect(bot.logs.find('Command /xp failed (error id')).toEqual([]);
	});

	it('/xp tiers add with an empty role is refused naming role, no tier added', async () => {
		const before = await bot.handle.settings.getPluginConfig(english.id, voiceXpPlugin);
		const reply = await forged('xp', [group('tiers', sub('add', [{ type: O.Role, name: 'role', value: '' }, { type: O.Integer, name: 'minutes', value: 60 }]))]);
		expect(reply).toMatchObject({ ephemeral: true, content: BAD_OPTION('role') });
		expect(await bot.handle.settings.getPluginConfig(english.id, voiceXpPlugin)).toEqual(before);
	});
});
