/**
 * Voice XP end to end (issue 4, "Done when"): the real bot on the Discord emulator with a ManualClock. Members earn XP
 * and tier roles while in voice together; a muted one, one alone and one in the AFK channel do not; /rank and
 * /leaderboard show the right figures; admin commands work and are refused to others; a tier above the bot's role is
 * reported and not attempted; a guild where the plugin is off earns nothing.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { voiceXpPlugin } from '../../../src/plugins/voice-xp/index.js';
import { DEFAULT_BOT_PERMISSIONS, DiscordEmulator, type MemberView } from '@hearth/discord-emulator';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { advanceAndFlush, buildVoiceGuild, command, field, MINUTE, SECOND, START, storedStats, waitTracked, type VoiceGuild } from './e2eHelpers.js';

let emu: DiscordEmulator;
let bot: TestBot;
let clock: ManualClock;
let home: VoiceGuild;
/** A Polish guild where the plugin is turned off and on again. */
let quiet: VoiceGuild;
let quietAdmin: MemberView;
let admin: MemberView;
let plain: MemberView;
const people: Record<string, MemberView> = {};
/** Tier roles of the home guild: Regular (2 min), Veteran (3 min), Elder (700 min), Legend (10,000 min, above the bot). */
const tiers: Record<string, string> = {};

const xp = (options: Record<string, string | number | boolean>, subcommand: string, subcommandGroup?: string) =>
	command(emu, home, admin.id, 'xp', { subcommand, ...(subcommandGroup ? { subcommandGroup } : {}), options });
const roleCalls = (roleId: string) => emu.recorder.calls('PUT /guilds/:id/members/:id/roles/:id').filter((call) => call.path.endsWith(`/${roleId}`));

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	home = buildVoiceGuild(emu, 'Voice guild');
	admin = home.guild.addMember({ username: 'admin', permissions: PermissionFlagsBits.ManageGuild });
	plain = home.guild.addMember({ username: 'plain' });
	for (const name of ['alice', 'bob', 'carol', 'erin', 'frank', 'gina', 'hank']) people[name] = home.guild.addMember({ username: name });
	for (const name of ['Regular', 'Veteran', 'Elder']) tiers[name] = home.guild.createRole({ name }).id;
	const botPosition = home.guild.role(home.guild.botRoleId)!.position;
	tiers.Legend = home.guild.createRole({ name: 'Legend', position: botPosition + 1 }).id;
	quiet = buildVoiceGuild(emu, 'Cicha gildia', { preferredLocale: 'pl' });
	quietAdmin = quiet.guild.addMember({ username: 'quiet-admin', permissions: PermissionFlagsBits.ManageGuild });
	for (const name of ['ola', 'piotr']) people[name] = quiet.guild.addMember({ username: name });
	clock = new ManualClock(START);
	bot = await startTestBot({ emulator: emu, plugins: [voiceXpPlugin], clock });
});

afterEach(() => {
	emu.assertNoFailures();
});

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('earning in voice', () => {
	it('members in voice together earn; a muted one, one alone and two in the AFK channel do not', async () => {
		const { guild, loungeId, soloId, afkId } = home;
		const { alice, bob, carol, erin, frank, gina } = people as Record<string, MemberView>;
		emu.voice.join(guild.id, alice!.id, loungeId);
		emu.voice.join(guild.id, bob!.id, loungeId);
		emu.voice.join(guild.id, carol!.id, loungeId, { selfMute: true });
		emu.voice.join(guild.id, erin!.id, soloId);
		emu.voice.join(guild.id, frank!.id, afkId);
		emu.voice.join(guild.id, gina!.id, afkId);
		await waitTracked(guild.id, alice!.id, loungeId, true);
		await waitTracked(guild.id, bob!.id, loungeId, true);
		await waitTracked(guild.id, carol!.id, loungeId, 'muted');
		await waitTracked(guild.id, erin!.id, soloId, 'alone');
		await waitTracked(guild.id, frank!.id, afkId, 'afk');
		await waitTracked(guild.id, gina!.id, afkId, 'afk');

		await advanceAndFlush(clock, MINUTE);
		expect(await storedStats(bot, guild.id, alice!.id)).toMatchObject({ totalXp: 6, voiceSeconds: 60, level: 0 });
		expect(await storedStats(bot, guild.id, bob!.id)).toMatchObject({ totalXp: 6, voiceSeconds: 60 });
		for (const name of ['carol', 'erin', 'frank', 'gina']) expect(await storedStats(bot, guild.id, people[name]!.id), name).toBeNull();

		const rank = await command(emu, home, alice!.id, 'rank');
		const embed = rank.embeds[0];
		expect(embed?.title).toBe('Voice rank of alice');
		expect(field(embed, 'Level')).toBe('0');
		expect(field(embed, 'Total XP')).toBe('6 XP');
		expect(field(embed, 'Progress to level 1')).toBe('░░░░░░░░░░ 6%\n6 / 100 XP');
		expect(field(embed, 'Time in voice')).toBe('0 h 1 min');
		expect(field(embed, 'Right now')).toBe(`🎙️ Earning XP in <#${loungeId}>`);
		// alice and bob tie on XP and time: the smaller user id ranks first.
		const [first] = [alice!.id, bob!.id].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
		expect(field(embed, 'Rank')).toBe(first === alice!.id ? '#1 of 2' : '#2 of 2');

		const muted = await command(emu, home, alice!.id, 'rank', { options: { user: carol!.id } });
		expect(field(muted.embeds[0], 'Right now')).toBe(`⏸️ In <#${loungeId}>, not earning XP: muted`);
		expect(field(muted.embeds[0], 'Rank')).toBe('Not ranked yet');
		const alone = await command(emu, home, erin!.id, 'rank');
		expect(field(alone.embeds[0], 'Right now')).toBe(`⏸️ In <#${soloId}>, not earning XP: alone in the channel (XP needs at least two people)`);
		const musicBot = home.guild.addMember({ username: 'music', bot: true });
		const botRank = await command(emu, home, alice!.id, 'rank', { options: { user: musicBot.id } });
		expect(botRank).toMatchObject({ ephemeral: true, content: 'music is a bot: bots do not earn voice XP.' });
		const afk = await command(emu, home, frank!.id, 'rank');
		expect(field(afk.embeds[0], 'Right now')).toBe(`⏸️ In <#${afkId}>, not earning XP: this is the AFK channel`);
	});
});

describe('storage', () => {
	it('is migrated at start-up into a table tuned for the flush (fillfactor 50)', async () => {
		expect(bot.handle.migrationsApplied).toContain('Migration20261121204346_voice_xp_member_stats');
		const rows = await bot.handle.container.orm.em
			.fork()
			.execute<{ reloptions: string[] | null }[]>("select reloptions from pg_class where relname = 'voice_xp_member_stats'", [], 'all');
		expect(rows[0]?.reloptions).toEqual(['fillfactor=50']);
	});
});

describe('role tiers', () => {
	it('are set with /xp tiers add; one above the bot is accepted with a warning and listed with the reason', async () => {
		const added = await xp({ role: tiers.Regular!, minutes: 2 }, 'add', 'tiers');
		expect(added.ephemeral).toBe(true);
		expect(added.content).toBe(
			`<@&${tiers.Regular}> is now the tier for 2 min of voice time.\nThe tier roles of every member with voice time are being updated now.`
		);
		expect((await xp({ role: tiers.Veteran!, minutes: 3 }, 'add', 'tiers')).content).toContain('is now the tier for 3 min');
		expect((await xp({ role: tiers.Elder!, minutes: 700 }, 'add', 'tiers')).content).toContain('is now the tier for 700 min');
		const legend = await xp({ role: tiers.Legend!, minutes: 10_000 }, 'add', 'tiers');
		expect(legend.content).toBe(
			`<@&${tiers.Legend}> is now the tier for 10,000 min of voice time.\n` +
				'⚠️ I cannot give this role yet: the role is at or above my highest role.\n' +
				'The tier roles of every member with voice time are being updated now.'
		);
		const list = await xp({}, 'list', 'tiers');
		expect(list.content).toBe(
			[
				'Role tiers by voice time (a member holds only the highest one reached):',
				`• <@&${tiers.Regular}>: 2 min`,
				`• <@&${tiers.Veteran}>: 3 min`,
				`• <@&${tiers.Elder}>: 700 min`,
				`• <@&${tiers.Legend}>: 10,000 min. ⚠️ I cannot give it: the role is at or above my highest role`
			].join('\n')
		);
	});

	it('refuses a role or a minimum used twice, and @everyone, changing nothing', async () => {
		const twice = await xp({ role: tiers.Regular!, minutes: 5 }, 'add', 'tiers');
		expect(twice).toMatchObject({ ephemeral: true, content: `<@&${tiers.Regular}> is already the tier for 2 min. Remove it first to change it.` });
		const sameMinimum = await xp({ role: home.guild.createRole({ name: 'Other' }).id, minutes: 3 }, 'add', 'tiers');
		expect(sameMinimum.content).toBe(`<@&${tiers.Veteran}> already uses 3 min; each tier needs its own minimum.`);
		expect((await xp({ role: home.guild.everyoneRoleId, minutes: 9 }, 'add', 'tiers')).content).toBe('@everyone cannot be a tier: everybody has it.');
		expect((await xp({}, 'list', 'tiers')).content?.split('\n')).toHaveLength(5);
	});

	it('members earn a tier role with voice time and move up to the next, losing the previous', async () => {
		const { alice, bob } = people as Record<string, MemberView>;
		await advanceAndFlush(clock, MINUTE);
		expect(await storedStats(bot, home.guild.id, alice!.id)).toMatchObject({ totalXp: 12, voiceSeconds: 120, tierRoleId: tiers.Regular });
		expect(home.guild.hasRole(alice!.id, tiers.Regular!)).toBe(true);
		expect(home.guild.hasRole(bob!.id, tiers.Regular!)).toBe(true);
		await advanceAndFlush(clock, MINUTE);
		expect(home.guild.hasRole(alice!.id, tiers.Veteran!)).toBe(true);
		expect(home.guild.hasRole(alice!.id, tiers.Regular!)).toBe(false);
		expect(await storedStats(bot, home.guild.id, bob!.id)).toMatchObject({ totalXp: 18, voiceSeconds: 180, tierRoleId: tiers.Veteran });
		// Nothing more happens while the tier stays the same.
		const puts = emu.recorder.calls('PUT /guilds/:id/members/:id/roles/:id').length;
		emu.voice.update(home.guild.id, people.carol!.id, { selfMute: false });
		await waitTracked(home.guild.id, people.carol!.id, home.loungeId, true);
		await advanceAndFlush(clock, MINUTE);
		expect(await storedStats(bot, home.guild.id, people.carol!.id)).toMatchObject({ totalXp: 6, voiceSeconds: 60, tierRoleId: null });
		expect(emu.recorder.calls('PUT /guilds/:id/members/:id/roles/:id')).toHaveLength(puts);
	});
});

describe('/xp add and /xp reset', () => {
	it('adds XP with voice time at the guild rate, and a negative amount crosses a level and a tier down', async () => {
		const hank = people.hank!;
		const up = await xp({ user: hank.id, amount: 4_680 }, 'add');
		expect(up.ephemeral).toBe(true);
		expect(up.content).toBe(
			[
				`<@${hank.id}>: +4,680 XP. Now level 10 (5 / 1,100 XP into it), 4,680 XP in total; was level 0.`,
				'Voice time moved by the same amount at 6 XP per minute: now 13 h 0 min.',
				`Tier role: now <@&${tiers.Elder}>.`
			].join('\n')
		);
		expect(home.guild.hasRole(hank.id, tiers.Elder!)).toBe(true);

		const down = await xp({ user: hank.id, amount: -10 }, 'add');
		expect(down.content).toBe(
			[
				`<@${hank.id}>: -10 XP. Now level 9 (950 / 955 XP into it), 4,670 XP in total; was level 10.`,
				'Voice time moved by the same amount at 6 XP per minute: now 12 h 58 min.',
				`Tier role: <@&${tiers.Elder}>, unchanged.`
			].join('\n')
		);
		const demoted = await xp({ user: hank.id, amount: -1_000 }, 'add');
		expect(demoted.content).toContain('Now level 8 (770 / 820 XP into it), 3,670 XP in total; was level 9.');
		expect(demoted.content).toContain(`Tier role: now <@&${tiers.Veteran}>.`);
		expect(home.guild.hasRole(hank.id, tiers.Veteran!)).toBe(true);
		expect(home.guild.hasRole(hank.id, tiers.Elder!)).toBe(false);

		const rank = await command(emu, home, hank.id, 'rank');
		expect(field(rank.embeds[0], 'Level')).toBe('8');
		expect(field(rank.embeds[0], 'Total XP')).toBe('3,670 XP');
		expect(field(rank.embeds[0], 'Progress to level 9')).toBe('█████████░ 93%\n770 / 820 XP');
		expect(field(rank.embeds[0], 'Rank')).toBe('#1 of 4');
		expect(field(rank.embeds[0], 'Right now')).toBe('Not in voice');
	});

	it('does not attempt a tier role above the bot, and says why', async () => {
		const hank = people.hank!;
		const reply = await xp({ user: hank.id, amount: 60_000 }, 'add');
		expect(reply.content).toContain(`Tier role: should change, but I cannot: <@&${tiers.Legend}> (the role is at or above my highest role).`);
		expect(roleCalls(tiers.Legend!)).toHaveLength(0);
		expect(home.guild.hasRole(hank.id, tiers.Veteran!)).toBe(true);
		expect(bot.logs.find(`Tier roles of member ${hank.id} not changed`)[0]).toContain("the role is at or above the bot's highest role");
	});

	it('resets a member to zero and removes their tier role', async () => {
		const hank = people.hank!;
		const reset = await xp({ user: hank.id }, 'reset');
		expect(reset).toMatchObject({ ephemeral: true });
		expect(reset.content).toBe(`<@${hank.id}> now has no voice XP and no voice time (was level 29, 63,670 XP).\nTier role: removed (no tier reached).`);
		expect(home.guild.hasRole(hank.id, tiers.Veteran!)).toBe(false);
		expect(await storedStats(bot, home.guild.id, hank.id)).toMatchObject({ totalXp: 0, voiceSeconds: 0, level: 0, tierRoleId: null });
		const rank = await command(emu, home, hank.id, 'rank');
		expect(field(rank.embeds[0], 'Total XP')).toBe('0 XP');
		expect(field(rank.embeds[0], 'Rank')).toBe('Not ranked yet');
	});

	it('refuses a member without Manage Server, changing nothing', async () => {
		const alice = people.alice!;
		expect(() => emu.interactions.command({ guildId: home.guild.id, channelId: home.generalId, userId: plain.id, name: 'xp', subcommand: 'sync' })).toThrow(
			/hidden from this member/
		);
		const before = await storedStats(bot, home.guild.id, alice.id);
		for (const [subcommand, options] of [
			['add', { user: alice.id, amount: 500 }],
			['reset', { user: alice.id }]
		] as const) {
			const refused = await command(emu, home, plain.id, 'xp', { subcommand, options, permissionOverride: true });
			expect(refused).toMatchObject({ ephemeral: true, content: 'You need the following permission(s) to use this command: Manage Server.' });
		}
		expect(await storedStats(bot, home.guild.id, alice.id)).toEqual(before);
	});
});

describe('/leaderboard', () => {
	it('shows ten members a page with medals for the top three, and pages with its buttons', async () => {
		const extra: MemberView[] = [];
		for (let i = 1; i <= 11; i++) {
			const member = home.guild.addMember({ username: `member${String(i).padStart(2, '0')}` });
			extra.push(member);
			await xp({ user: member.id, amount: 1_010 - i * 10 }, 'add');
		}
		// Ranked: member01..member11 (1,000 … 900 XP), then alice and bob (24 XP: 4 min), carol (6 XP: 1 min): 14 members.
		const board = await command(emu, home, plain.id, 'leaderboard');
		expect(board.ephemeral).toBe(false);
		const embed = board.embeds[0]!;
		expect(embed.title).toBe('Voice leaderboard');
		const lines = embed.description!.split('\n');
		expect(lines).toHaveLength(10);
		expect(lines[0]).toBe(`🥇 <@${extra[0]!.id}>: level 4, 1,000 XP, 2 h 46 min`);
		expect(lines[1]).toBe(`🥈 <@${extra[1]!.id}>: level 4, 990 XP, 2 h 45 min`);
		expect(lines[2]).toBe(`🥉 <@${extra[2]!.id}>: level 4, 980 XP, 2 h 43 min`);
		expect(lines[3]).toBe(`**#4** <@${extra[3]!.id}>: level 4, 970 XP, 2 h 41 min`);
		expect(lines[9]).toBe(`**#10** <@${extra[9]!.id}>: level 4, 910 XP, 2 h 31 min`);
		expect(embed.footer?.text).toBe('Page 1 of 2 · 14 members');
		const buttons = (board.components[0] as { components: { custom_id: string; label: string; disabled?: boolean }[] }).components;
		expect(buttons.map((button) => [button.label, button.disabled ?? false])).toEqual([
			['Previous', true],
			['Next', false]
		]);

		const click = (customId: string, messageId: string) =>
			emu.interactions.button({ guildId: home.guild.id, channelId: home.generalId, userId: plain.id, messageId, customId }).waitForReply();
		const second = await click(buttons[1]!.custom_id, board.id);
		const page2 = second.embeds[0]!;
		const [alice, bob] = [people.alice!, people.bob!].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
		expect(page2.description!.split('\n')).toEqual([
			`**#11** <@${extra[10]!.id}>: level 4, 900 XP, 2 h 30 min`,
			`**#12** <@${alice!.id}>: level 0, 24 XP, 0 h 4 min`,
			`**#13** <@${bob!.id}>: level 0, 24 XP, 0 h 4 min`,
			`**#14** <@${people.carol!.id}>: level 0, 6 XP, 0 h 1 min`
		]);
		expect(page2.footer?.text).toBe('Page 2 of 2 · 14 members');
		const backButtons = (second.components[0] as { components: { custom_id: string; disabled?: boolean }[] }).components;
		expect(backButtons.map((button) => button.disabled ?? false)).toEqual([false, true]);
		const first = await click(backButtons[0]!.custom_id, board.id);
		expect(first.embeds[0]!.description!.split('\n')[0]).toBe(lines[0]);

		const last = await command(emu, home, plain.id, 'leaderboard', { options: { page: 99 } });
		expect(last.embeds[0]!.footer?.text).toBe('Page 2 of 2 · 14 members');
	});
});

describe('/xp config', () => {
	it('shows the rules', async () => {
		const shown = await xp({}, 'show', 'config');
		expect(shown.ephemeral).toBe(true);
		const embed = shown.embeds[0];
		expect(embed?.title).toBe('Voice XP rules');
		expect(field(embed, 'XP per minute')).toBe('6');
		expect(field(embed, 'Saved every')).toBe('60 s');
		expect(field(embed, 'AFK channel')).toBe(`<#${home.afkId}>: earns no XP`);
		expect(field(embed, 'No XP in')).toBe('nowhere');
		expect(field(embed, 'Level-up announcements')).toBe('off (only logged)');
		expect(field(embed, 'Role tiers')).toBe('4 (see /xp tiers list)');
	});

	it('saves every 10 seconds once the flush interval is 10 s, at the new rate', async () => {
		const alice = people.alice!;
		expect((await xp({ seconds: 10 }, 'flush-interval', 'config')).content).toBe('Voice XP is now saved every 10 seconds.');
		expect((await xp({ value: 12 }, 'xp-per-minute', 'config')).content).toBe('Members now earn 12 XP per minute in voice.');
		const before = (await storedStats(bot, home.guild.id, alice.id))!;
		await advanceAndFlush(clock, 10 * SECOND);
		expect(await storedStats(bot, home.guild.id, alice.id)).toMatchObject({ totalXp: before.totalXp + 2, voiceSeconds: before.voiceSeconds + 10 });
		await advanceAndFlush(clock, 10 * SECOND);
		expect(await storedStats(bot, home.guild.id, alice.id)).toMatchObject({ totalXp: before.totalXp + 4, voiceSeconds: before.voiceSeconds + 20 });
	});

	it('excludes a channel from now on, and includes it again', async () => {
		const { alice, bob } = people as Record<string, MemberView>;
		expect((await xp({ channel: home.loungeId }, 'exclude', 'config')).content).toBe(`No more XP in <#${home.loungeId}>.`);
		await waitTracked(home.guild.id, alice!.id, home.loungeId, 'excluded');
		const before = (await storedStats(bot, home.guild.id, bob!.id))!;
		await advanceAndFlush(clock, 10 * SECOND);
		expect(await storedStats(bot, home.guild.id, bob!.id)).toMatchObject({ totalXp: before.totalXp, voiceSeconds: before.voiceSeconds });
		const rank = await command(emu, home, bob!.id, 'rank');
		expect(field(rank.embeds[0], 'Right now')).toBe(`⏸️ In <#${home.loungeId}>, not earning XP: XP is off in this channel`);
		expect((await xp({ channel: home.loungeId }, 'exclude', 'config')).content).toBe(`<#${home.loungeId}> was already excluded; nothing changed.`);

		expect((await xp({ channel: home.loungeId }, 'include', 'config')).content).toBe(`XP counts again in <#${home.loungeId}>.`);
		await waitTracked(home.guild.id, bob!.id, home.loungeId, true);
		await advanceAndFlush(clock, 10 * SECOND);
		expect(await storedStats(bot, home.guild.id, bob!.id)).toMatchObject({ totalXp: before.totalXp + 2, voiceSeconds: before.voiceSeconds + 10 });
	});

	it('announces level-ups in the chosen channel, and refuses channel announcements without a channel', async () => {
		const refused = await xp({ mode: 'channel' }, 'announcements', 'config');
		expect(refused).toMatchObject({ ephemeral: true, content: 'Choose the channel for the announcements (the channel option).' });
		const set = await xp({ mode: 'channel', channel: home.generalId }, 'announcements', 'config');
		expect(set.content).toBe(`Level-ups are now announced in <#${home.generalId}>.`);
		// alice is below 100 XP: 1,200 XP per minute for ten seconds gives her 200 XP, level 1.
		const alice = people.alice!;
		expect((await storedStats(bot, home.guild.id, alice.id))!.level).toBe(0);
		await xp({ value: 1_000 }, 'xp-per-minute', 'config');
		await advanceAndFlush(clock, 10 * SECOND);
		expect((await storedStats(bot, home.guild.id, alice.id))!.level).toBeGreaterThanOrEqual(1);
		const announced = emu.messages.in(home.generalId).filter((message) => message.content.includes(`<@${alice.id}>`));
		expect(announced.map((message) => message.content)).toEqual([`🎉 <@${alice.id}> reached voice level 1!`]);
		expect(bot.logs.find(`Member ${alice.id} reached level 1 (was 0)`)).toHaveLength(1);

		await xp({ mode: 'dm' }, 'announcements', 'config');
		const bob = people.bob!;
		await advanceAndFlush(clock, 10 * SECOND);
		expect(emu.messages.dmsTo(bob.id).map((message) => message.content)).toContain('🎉 You reached voice level 2 in Voice guild!');
		await xp({ mode: 'off' }, 'announcements', 'config');
		await xp({ value: 6 }, 'xp-per-minute', 'config');
		await xp({ seconds: 60 }, 'flush-interval', 'config');
	});

	it('cannot be sent a rate outside the limits (Discord checks the option bounds), and nothing changes', async () => {
		const invalid = await command(emu, home, admin.id, 'xp', { subcommandGroup: 'config', subcommand: 'xp-per-minute', options: { value: 0 } }).catch(
			(error: Error) => error
		);
		// Discord itself refuses a value under the option's minimum: the member cannot send it.
		expect(invalid).toBeInstanceOf(Error);
		expect(field((await xp({}, 'show', 'config')).embeds[0], 'XP per minute')).toBe('6');
	});
});

describe('live sessions', () => {
	it('/xp sync rebuilds them from who is in voice now, counting nothing twice', async () => {
		const { alice } = people as Record<string, MemberView>;
		const before = (await storedStats(bot, home.guild.id, alice!.id))!;
		clock.advance(20 * SECOND);
		const synced = await xp({}, 'sync');
		// alice, bob and carol in Lounge earn; erin alone, frank and gina in the AFK channel do not.
		expect(synced).toMatchObject({
			ephemeral: true,
			content: 'Voice sessions rebuilt from who is in voice now: 6 member(s) in voice, 3 earning XP.\nThe tier roles of every member with voice time are being updated now.'
		});
		await advanceAndFlush(clock, 40 * SECOND);
		expect(await storedStats(bot, home.guild.id, alice!.id)).toMatchObject({ voiceSeconds: before.voiceSeconds + 60 });
	});

	it('lets a streamer earn alone and the AFK channel earn when the guild chooses so', async () => {
		const { erin, frank } = people as Record<string, MemberView>;
		emu.voice.update(home.guild.id, erin!.id, { selfStream: true, selfVideo: false });
		expect((await xp({ enabled: true }, 'streaming-counts-alone', 'config')).content).toBe(
			'Members who stream or have their camera on now earn XP even when alone.'
		);
		expect((await xp({ earns: true }, 'afk-channel', 'config')).content).toBe('The AFK channel now earns XP like any channel.');
		await waitTracked(home.guild.id, erin!.id, home.soloId, true);
		await waitTracked(home.guild.id, frank!.id, home.afkId, true);
		await advanceAndFlush(clock, MINUTE);
		expect(await storedStats(bot, home.guild.id, erin!.id)).toMatchObject({ voiceSeconds: 60, totalXp: 6 });
		expect(await storedStats(bot, home.guild.id, frank!.id)).toMatchObject({ voiceSeconds: 60, totalXp: 6 });

		await xp({ enabled: false }, 'streaming-counts-alone', 'config');
		await xp({ earns: false }, 'afk-channel', 'config');
		await waitTracked(home.guild.id, erin!.id, home.soloId, 'alone');
		await waitTracked(home.guild.id, frank!.id, home.afkId, 'afk');
		await advanceAndFlush(clock, MINUTE);
		expect(await storedStats(bot, home.guild.id, erin!.id)).toMatchObject({ voiceSeconds: 60 });
	});

	it('stops the session of a member who leaves the guild and keeps their stats', async () => {
		const frank = people.frank!;
		const gina = people.gina!;
		// gina earned in the AFK channel with frank while it counted.
		const ginaBefore = await storedStats(bot, home.guild.id, gina.id);
		expect(ginaBefore).toMatchObject({ voiceSeconds: 60 });
		emu.members.leave(home.guild.id, gina.id);
		await waitTracked(home.guild.id, gina.id, null);
		await advanceAndFlush(clock, MINUTE);
		expect(await storedStats(bot, home.guild.id, gina.id)).toEqual(ginaBefore);
		const board = await command(emu, home, plain.id, 'leaderboard', { options: { page: 2 } });
		expect(board.embeds[0]!.description).toContain(`<@${gina.id}>`);
	});

	it('exports its figures on /metrics', async () => {
		const metrics = await bot.handle.metrics.render();
		expect(metrics).toMatch(/^hearth_voice_xp_members_in_voice(\{[^}]*\})? 5$/m);
		expect(metrics).toMatch(/^hearth_voice_xp_members_earning(\{[^}]*\})? 3$/m);
		expect(metrics).toMatch(/^hearth_voice_xp_flushed_members_total(\{[^}]*\})? [1-9]\d*$/m);
	});
});

describe('a guild where the bot lacks Manage Roles', () => {
	it('lists every tier with the reason and never tries to give its roles', async () => {
		const noRoles = buildVoiceGuild(emu, 'No roles guild', { botPermissions: DEFAULT_BOT_PERMISSIONS & ~PermissionFlagsBits.ManageRoles });
		const owner = noRoles.guild.addMember({ username: 'owner-admin', permissions: PermissionFlagsBits.ManageGuild });
		const role = noRoles.guild.createRole({ name: 'Talker' });
		// The bot joins the new guild: GUILD_CREATE.
		await vi.waitFor(() => expect(bot.handle.client.guilds.cache.get(noRoles.guild.id)?.members.me).toBeDefined(), { timeout: 5_000 });
		const asAdmin = (options: Record<string, string | number>, subcommand: string) =>
			command(emu, noRoles, owner.id, 'xp', { subcommandGroup: 'tiers', subcommand, options });
		const added = await asAdmin({ role: role.id, minutes: 1 }, 'add');
		expect(added.content).toContain('⚠️ I cannot give this role yet: I lack the Manage Roles permission.');
		expect((await asAdmin({}, 'list')).content).toContain(`• <@&${role.id}>: 1 min. ⚠️ I cannot give it: I lack the Manage Roles permission`);
		const [a, b] = [noRoles.guild.addMember({ username: 'a' }), noRoles.guild.addMember({ username: 'b' })];
		emu.voice.join(noRoles.guild.id, a.id, noRoles.loungeId);
		emu.voice.join(noRoles.guild.id, b.id, noRoles.loungeId);
		await waitTracked(noRoles.guild.id, b.id, noRoles.loungeId, true);
		await advanceAndFlush(clock, MINUTE);
		expect(await storedStats(bot, noRoles.guild.id, a.id)).toMatchObject({ voiceSeconds: 60, tierRoleId: null });
		expect(roleCalls(role.id)).toHaveLength(0);
		expect(bot.logs.find(`Tier roles of member ${a.id} not changed`)[0]).toContain('the bot lacks the Manage Roles permission');
		emu.voice.leave(noRoles.guild.id, a.id);
		emu.voice.leave(noRoles.guild.id, b.id);
	});
});

describe('a guild where the plugin is off', () => {
	it('earns nothing there; turning it off writes the time earned so far, turning it on starts from who is in voice', async () => {
		const { ola, piotr } = people as Record<string, MemberView>;
		const { guild, loungeId } = quiet;
		emu.voice.join(guild.id, ola!.id, loungeId);
		emu.voice.join(guild.id, piotr!.id, loungeId);
		await waitTracked(guild.id, ola!.id, loungeId, true);
		await waitTracked(guild.id, piotr!.id, loungeId, true);
		clock.advance(30 * SECOND);

		const off = await command(emu, quiet, quietAdmin.id, 'plugins', { subcommand: 'disable', options: { plugin: 'voice-xp' } });
		expect(off.content).toBe('**voice-xp** jest teraz wyłączona na tym serwerze.');
		await waitTracked(guild.id, ola!.id, null);
		expect(await storedStats(bot, guild.id, ola!.id)).toMatchObject({ totalXp: 3, voiceSeconds: 30 });

		emu.voice.update(guild.id, piotr!.id, { selfMute: true });
		emu.voice.update(guild.id, piotr!.id, { selfMute: false });
		await advanceAndFlush(clock, MINUTE);
		await advanceAndFlush(clock, MINUTE);
		expect(await storedStats(bot, guild.id, ola!.id)).toMatchObject({ totalXp: 3, voiceSeconds: 30 });
		expect(await storedStats(bot, guild.id, piotr!.id)).toMatchObject({ totalXp: 3, voiceSeconds: 30 });
		const rank = await command(emu, quiet, ola!.id, 'rank');
		expect(rank.ephemeral).toBe(true);
		expect(rank.content).toContain('Funkcja **voice-xp** jest wyłączona na tym serwerze');

		const on = await command(emu, quiet, quietAdmin.id, 'plugins', { subcommand: 'enable', options: { plugin: 'voice-xp' } });
		expect(on.content).toBe('**voice-xp** jest teraz włączona na tym serwerze.');
		await waitTracked(guild.id, ola!.id, loungeId, true);
		await advanceAndFlush(clock, MINUTE);
		expect(await storedStats(bot, guild.id, ola!.id)).toMatchObject({ totalXp: 9, voiceSeconds: 90 });
	});

	it('answers in the guild\'s language (Polish)', async () => {
		const ola = people.ola!;
		const rank = await command(emu, quiet, ola.id, 'rank');
		const embed = rank.embeds[0];
		expect(embed?.title).toBe('Ranga głosowa: ola');
		expect(field(embed, 'XP łącznie')).toBe('9 XP');
		expect(field(embed, 'Czas na kanałach głosowych')).toBe('0 godz. 1 min');
		expect(field(embed, 'W tej chwili')).toBe(`🎙️ Zdobywa XP na <#${quiet.loungeId}>`);
		const board = await command(emu, quiet, ola.id, 'leaderboard');
		expect(board.embeds[0]?.title).toBe('Ranking głosowy');
		expect(board.embeds[0]?.footer?.text).toBe('Strona 1 z 1 · członków: 2');
		const registered = emu.commands.global().find((candidate) => candidate.name === 'rank');
		expect(registered?.name_localizations).toMatchObject({ pl: 'ranga', fr: 'rang' });
		// Every name, description and choice of the plugin's commands carries en-US, fr and pl localizations.
		type Localized = { name: string; name_localizations?: Record<string, string> | null; description_localizations?: Record<string, string> | null };
		type Item = Localized & { options?: Item[]; choices?: Localized[] };
		const missing: string[] = [];
		const check = (where: string, item: Item, isChoice = false) => {
			if (Object.keys(item.name_localizations ?? {}).sort().join() !== 'en-US,fr,pl') missing.push(`${where} name`);
			if (!isChoice && Object.keys(item.description_localizations ?? {}).sort().join() !== 'en-US,fr,pl') missing.push(`${where} description`);
			for (const option of item.options ?? []) check(`${where} ${option.name}`, option);
			for (const choice of item.choices ?? []) check(`${where} choice ${choice.name}`, choice, true);
		};
		const ours = emu.commands.global().filter((candidate) => ['rank', 'leaderboard', 'xp'].includes(candidate.name));
		expect(ours).toHaveLength(3);
		for (const item of ours) check(`/${item.name}`, item as unknown as Item);
		expect(missing).toEqual([]);
		const xpCommand = ours.find((candidate) => candidate.name === 'xp')!;
		expect(xpCommand.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
	});
});
