/**
 * PostgreSQL goes away while the bot runs (issue 12, fault suite): a private PostgreSQL server this test starts and
 * stops (the machine's shared one is never touched). Commands that need the database answer, within Discord's 3 s,
 * with a translated "temporarily unavailable" naming the database and an error id that is in the log (at warn: an
 * outage is not a bug); commands that do not need it keep answering from the settings in memory; /healthz says that
 * PostgreSQL is the one down; when it is back, the same bot answers again without a restart.
 * Voice XP during a PostgreSQL outage (kept, then written once) is tests/plugins/voice-xp/postgresOutage.e2e.test.ts.
 */
import { DiscordEmulator, type GuildHandle } from '@hearth/discord-emulator';
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDatabase } from '../../src/lib/database.js';
import { echoPlugin } from '../fixtures/echo-plugin/index.js';
import { startTestPostgresServer, type TestPostgresServer } from '../helpers/postgresServer.js';
import { adminSays, healthOf } from '../helpers/outage.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

let emu: DiscordEmulator;
let postgres: TestPostgresServer;
let bot: TestBot;
let english: GuildHandle;
let french: GuildHandle;
const admins = new Map<string, string>();

beforeAll(async () => {
	postgres = await startTestPostgresServer();
	const url = postgres.url.replace(/\/postgres$/, '/hearth');
	await createDatabase(url);
	emu = await DiscordEmulator.start();
	english = emu.world.createGuild({ name: 'English' });
	french = emu.world.createGuild({ name: 'Français' });
	for (const guild of [english, french]) admins.set(guild.id, guild.addMember({ username: 'admin', permissions: PermissionFlagsBits.ManageGuild }).id);
	// The database is the private server's; dropping it is dropping the server (destroy below).
	bot = await startTestBot({ emulator: emu, plugins: [echoPlugin], database: { url, name: 'hearth', drop: async () => {} }, http: true });
});

afterEach(() => {
	emu.assertNoFailures();
});

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
	await postgres?.destroy();
});

/** A slash command by the guild's admin in #general, and the content of the answer the admin sees. */
const say = (guild: GuildHandle, name: string, subcommand?: string, options?: Record<string, string | number>) =>
	adminSays(emu, guild, admins.get(guild.id)!)(name, subcommand, options);
const health = () => healthOf(bot);

describe('PostgreSQL down', () => {
	it('answers "temporarily unavailable" with an error id where the database is needed, keeps answering elsewhere, and recovers', async () => {
		expect(await say(english, 'plugins', 'enable', { plugin: 'echo' })).toBe('**echo** is now on in this server.');
		expect(await say(french, 'language', 'set', { language: 'fr' })).toBe('Désormais, je réponds en Français sur ce serveur.');
		expect(await say(french, 'plugins', 'enable', { plugin: 'echo' })).toBe('**echo** est maintenant active sur ce serveur.');
		expect((await health()).status).toBe(200);

		await postgres.stop();
		await vi.waitFor(async () => expect((await health()).body.checks).toEqual({ gateway: true, postgres: false, redis: true }), { timeout: 10_000 });
		expect((await health()).status).toBe(503);

		// Settings are in memory: a command of an enabled plugin still answers.
		expect(await say(english, 'echo', 'say', { text: 'during' })).toBe('Echo: during');

		// A settings write needs the database: a translated refusal naming it, with an error id that is logged.
		const started = performance.now();
		const answer = await say(english, 'plugins', 'disable', { plugin: 'echo' });
		expect(performance.now() - started).toBeLessThan(3_000);
		const errorId = /^I can't reach my database for a moment, so nothing was changed\. Try again in a minute; if it lasts, give this error id to the bot's owner: `([^`]+)`$/.exec(answer)?.[1];
		expect(errorId, `${answer}\n${bot.logs.lines.slice(-15).join("\n")}`).toBeDefined();
		expect(bot.logs.find(new RegExp(`WARN.*failed \\(error id ${errorId}\\)`))).toHaveLength(1);
		expect(bot.logs.find(new RegExp(`ERROR.*error id ${errorId}`))).toEqual([]);

		const inFrench = await say(french, 'plugins', 'disable', { plugin: 'echo' });
		expect(inFrench).toMatch(/^Je ne peux pas joindre ma base de données pour le moment, donc rien n'a été modifié\. .*`[^`]+`$/);

		// Nothing was changed: echo is still on in both guilds.
		expect(await say(english, 'echo', 'say', { text: 'still on' })).toBe('Echo: still on');

		await postgres.start();
		await vi.waitFor(async () => expect((await health()).status).toBe(200), { timeout: 15_000 });
		await vi.waitFor(async () => expect(await say(english, 'plugins', 'disable', { plugin: 'echo' })).toBe('**echo** is now off in this server.'), {
			timeout: 10_000,
			interval: 500
		});
		expect(await say(french, 'plugins', 'disable', { plugin: 'echo' })).toBe('**echo** est maintenant inactive sur ce serveur.');
	});
});
