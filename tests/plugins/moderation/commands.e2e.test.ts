/**
 * The moderation slash commands as a moderator uses them, the real bot on the Discord emulator: `/warn`, `/timeout`,
 * `/untimeout`, `/kick`, `/ban` (temporary, with message deletion, of a non-member), `/softban`, `/unban`, `/note`,
 * `/case view|reason|delete`, `/cases` with its page buttons, `/warnings`, `/pardon`; the refusals answered translated
 * and ephemeral with nothing changed (permission, hierarchy, bad duration, unknown case); French answers; commands
 * refused where the plugin is off.
 */
import { DiscordEmulator, type GuildHandle, type MemberView, type MessageView } from '@hearth/discord-emulator';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { moderationPlugin } from '../../../src/plugins/moderation/index.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { DAY, enableModeration, generalChannelId, HOUR, isBanned, memberMaker, MOD_PERMISSIONS, mutations, slashCommand, START, type CommandOptions } from './e2eHelpers.js';

let emu: DiscordEmulator;
let bot: TestBot;
let clock: ManualClock;
let guild: GuildHandle;
let french: GuildHandle;
let off: GuildHandle;
let generalId: string;
let mod: MemberView;
let helper: MemberView;
let boss: MemberView;
const roles: Record<string, string> = {};

const addMember = memberMaker();
/** A new member of `where` (of the main guild: with the Member role). */
const newMember = (where: GuildHandle = guild) => addMember(where, where === guild ? [roles.member!] : []);

/** Runs a slash command as `actor` (default the moderator) in #general of `where` (default the main guild). */
function command(name: string, options: CommandOptions, actor: MemberView = mod, extra: { subcommand?: string; where?: GuildHandle; permissionOverride?: boolean } = {}): Promise<MessageView> {
	const { where = guild, ...run } = extra;
	return slashCommand(emu, where, actor, name, options, run);
}

beforeAll(async () => {
	clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock });
	guild = emu.world.createGuild({ name: 'Moderated' });
	roles.member = guild.createRole({ name: 'Member' }).id;
	roles.helpers = guild.createRole({ name: 'Helpers', permissions: PermissionFlagsBits.ModerateMembers }).id;
	roles.mods = guild.createRole({ name: 'Mods', permissions: MOD_PERMISSIONS }).id;
	roles.boss = guild.createRole({ name: 'Boss', position: guild.role(guild.botRoleId)!.position + 1 }).id;
	mod = guild.addMember({ username: 'moddy', roles: [roles.mods] });
	helper = guild.addMember({ username: 'helper', roles: [roles.helpers] });
	boss = guild.addMember({ username: 'boss', roles: [roles.boss] });
	generalId = generalChannelId(guild);
	french = emu.world.createGuild({ name: 'Modéré', preferredLocale: 'fr' });
	french.addMember({ username: 'moddy', userId: mod.id, permissions: PermissionFlagsBits.BanMembers | PermissionFlagsBits.ModerateMembers });
	off = emu.world.createGuild({ name: 'Not moderated' });
	off.addMember({ username: 'moddy', userId: mod.id, permissions: PermissionFlagsBits.ModerateMembers });
	bot = await startTestBot({ emulator: emu, plugins: [moderationPlugin], clock });
	await enableModeration(bot, guild, french);
	guild.createChannel({ name: 'mod-log', type: ChannelType.GuildText });
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('actions', () => {
	it('/warn records a case and answers the moderator privately, without pinging', async () => {
		const target = newMember();
		const answer = await command('warn', { member: target.id, reason: 'spam in #general' });
		expect(answer.ephemeral).toBe(true);
		expect(answer.content).toBe(`Case #1: <@${target.id}> was warned (1 warning(s) counting now).\nReason: spam in #general`);
		expect(emu.dms.sent(target.id).map((dm) => dm.content)).toEqual([expect.stringContaining('You received a warning in **Moderated**.')]);
	});

	it('/timeout parses the duration people type, and /untimeout lifts it', async () => {
		const target = newMember();
		const answer = await command('timeout', { member: target.id, duration: '2h 30m', reason: 'cool down' });
		expect(answer.content).toMatch(new RegExp(`^Case #2: <@${target.id}> is timed out for 2 hours(,| and) 30 minutes, until <t:${(START + 2.5 * HOUR) / 1_000}:f>`));
		expect(Date.parse(guild.requireMember(target.id).communicationDisabledUntil!)).toBe(START + 2.5 * HOUR);
		const lifted = await command('untimeout', { member: target.id }, mod);
		expect(lifted.content).toBe(`Case #3: <@${target.id}>'s timeout was lifted.\nReason: No reason given`);
	});

	it('/ban with a duration ends once at its time; delete-messages is a choice; a user who is not a member can be banned', async () => {
		const target = newMember();
		const answer = await command('ban', { user: target.id, duration: '1d', 'delete-messages': 86_400, reason: 'raid' });
		expect(answer.content).toBe(`Case #4: <@${target.id}> was banned for 1 day, until <t:${(START + DAY) / 1_000}:f> (<t:${(START + DAY) / 1_000}:R>).\nReason: raid`);
		expect(isBanned(guild, target.id)).toBe(true);
		const stranger = emu.world.createUser({ username: 'stranger' });
		expect((await command('ban', { user: stranger.id })).content).toBe(`Case #5: <@${stranger.id}> was banned.\nReason: No reason given`);
		expect(isBanned(guild, stranger.id)).toBe(true);
		clock.advance(DAY);
		await vi.waitFor(() => expect(isBanned(guild, target.id)).toBe(false), { timeout: 10_000 });
		expect(isBanned(guild, stranger.id)).toBe(true);
	});

	it('/kick, /softban, /unban and /note', async () => {
		const kicked = newMember();
		expect((await command('kick', { member: kicked.id, reason: 'bye' })).content).toBe(`Case #6: <@${kicked.id}> was kicked.\nReason: bye`);
		expect(guild.member(kicked.id)).toBeUndefined();
		const softbanned = newMember();
		expect((await command('softban', { member: softbanned.id })).content).toContain(`Case #7: <@${softbanned.id}> was softbanned`);
		expect(isBanned(guild, softbanned.id)).toBe(false);
		const banned = emu.world.createUser({ username: 'banned' });
		await command('ban', { user: banned.id });
		expect((await command('unban', { user: banned.id, reason: 'appeal accepted' })).content).toBe(`Case #9: <@${banned.id}> was unbanned.\nReason: appeal accepted`);
		const noted = newMember();
		expect((await command('note', { member: noted.id, text: 'asked for help' }, helper)).content).toBe(`Case #10: note added to <@${noted.id}>'s history.`);
	});
});

describe('refusals: a translated, ephemeral answer, and nothing changes', () => {
	it('a member without the permission (where the server settings show them the command all the same)', async () => {
		const target = newMember();
		const before = mutations(emu);
		const answer = await command('ban', { user: target.id }, helper, { permissionOverride: true });
		expect(answer.ephemeral).toBe(true);
		expect(answer.content).toBe('You need the following permission(s) to use this command: Ban Members.');
		expect(mutations(emu)).toBe(before);
	});

	it('a target above the bot, the actor, a bad duration, an unknown case', async () => {
		const before = mutations(emu);
		expect((await command('kick', { member: boss.id })).content).toBe(`<@${boss.id}>'s highest role is at or above yours.`);
		expect((await command('warn', { member: mod.id })).content).toBe('You cannot use this on yourself.');
		expect((await command('timeout', { member: newMember().id, duration: 'soon' })).content).toBe('“soon” is not a duration. Write it like 1d 2h, 90m, 2w or 1h30m.');
		expect((await command('timeout', { member: newMember().id, duration: '30d' })).content).toMatch(/^30 days is out of range here/);
		expect((await command('case', { number: 999 }, mod, { subcommand: 'view' })).content).toBe('There is no case #999 in this server.');
		expect(mutations(emu)).toBe(before);
	});

	it('where the plugin is off, its commands are refused', async () => {
		const answer = await command('warn', { member: mod.id }, mod, { where: off });
		expect(answer.ephemeral).toBe(true);
		expect(answer.content).toContain('moderation');
	});
});

describe('cases', () => {
	it('/case view shows the case; /case reason amends it, keeping the history; /case delete hides it', async () => {
		const target = newMember();
		await command('warn', { member: target.id, reason: 'first' });
		const number = 11;
		const view = await command('case', { number }, mod, { subcommand: 'view' });
		expect(view.embeds[0]!.title).toBe(`Case #${number} · Warning`);
		expect((await command('case', { number, reason: 'spam, twice' }, mod, { subcommand: 'reason' })).content).toBe(`Case #${number}'s reason is now: spam, twice`);
		const amended = await command('case', { number }, mod, { subcommand: 'view' });
		expect(amended.embeds[0]!.fields!.find((field) => field.name === 'Reason')!.value).toBe('spam, twice');
		expect((await command('case', { number }, mod, { subcommand: 'delete' })).content).toBe(
			`Case #${number} was deleted. It is kept for the record but no longer listed or counted.`
		);
		expect((await command('cases', { user: target.id })).embeds[0]!.title).toBe('Moderation history (0 case(s))');
	});

	it('/cases pages ten at a time with buttons; /warnings and /pardon', async () => {
		const target = newMember();
		for (let index = 1; index <= 12; index++) {
			clock.advance(1_000);
			await command('note', { member: target.id, text: `note ${index}` });
		}
		await command('warn', { member: target.id, reason: 'counted' });
		const first = await command('cases', { user: target.id });
		expect(first.embeds[0]!.title).toBe('Moderation history (13 case(s))');
		expect(first.embeds[0]!.description).toContain('· Warning ·');
		const next = (first.components[0] as { components: { custom_id: string; disabled?: boolean }[] }).components[1]!;
		expect(next.custom_id).toBe(`moderation:cases-page:${target.id}:2:next`);
		const second = await emu.interactions.button({ guildId: guild.id, channelId: generalId, userId: mod.id, messageId: first.id, customId: next.custom_id }).waitForReply();
		expect(second.embeds[0]!.footer?.text).toBe('Page 2 of 2');
		const warnings = await command('warnings', { member: target.id });
		expect(warnings.embeds[0]!.title).toBe('Warnings: 1 counting');
		const warningNumber = Number(/\*\*#(\d+)\*\* · Warning/.exec(warnings.embeds[0]!.description!)![1]);
		expect((await command('pardon', { case: warningNumber })).content).toBe(`Warning #${warningNumber} no longer counts.`);
		expect((await command('warnings', { member: target.id })).embeds[0]!.title).toBe('Warnings: 0 counting');
		expect((await command('pardon', { case: warningNumber })).content).toBe(`Warning #${warningNumber} is already pardoned.`);
	});
});

describe('languages', () => {
	it('answers a French guild in French', async () => {
		const target = newMember(french);
		const answer = await command('warn', { member: target.id, reason: 'spam' }, mod, { where: french });
		expect(answer.content).toBe(`Dossier n° 1 : <@${target.id}> a été averti (1 avertissement(s) en cours).\nRaison : spam`);
	});
});
