/**
 * `/giveaway` (commands/giveaway.ts, admin/): the command surface as managers use it, the real bot on the Discord
 * emulator with a ManualClock (ends are driven by `clock.advance`). Start posts the message with its Enter button,
 * commitment and every requirement; each refusal is answered translated and ephemeral and changes nothing (no giveaway,
 * no config change, no message); end, reroll, cancel, pause/resume, edit, list, entrants (a file), verify (and a
 * tampered draw reported by code), config and the `id` autocomplete. Entering, requirement refusals on entry, claims
 * and restarts are tests/plugins/giveaways/lifecycle.e2e.test.ts.
 */
import { DiscordEmulator, type GuildHandle, type MemberView, type MessageView } from '@hearth/discord-emulator';
import { ApplicationCommandOptionType, ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { SeededRandom } from '../../../src/lib/random.js';
import { giveawaysPlugin } from '../../../src/plugins/giveaways/index.js';
import { END_TASK, endKey, type GiveawayService } from '../../../src/plugins/giveaways/service/GiveawayService.js';
import * as store from '../../../src/plugins/giveaways/service/store.js';
import { voiceXpPlugin } from '../../../src/plugins/voice-xp/index.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { finalAnswer, generalChannelId, HOUR, MINUTE, mutations, START, type CommandOptions } from '../moderation/e2eHelpers.js';
import { announcementsOf, enableGiveaways, giveawayCommand, giveawayMessageOf, giveawayService, numberIn, pressEnter, waitForStatus } from './e2eHelpers.js';

const P = PermissionFlagsBits;
const O = ApplicationCommandOptionType;
const DAY = 24 * HOUR;

let emu: DiscordEmulator;
let bot: TestBot;
let clock: ManualClock;
let service: GiveawayService;
let guild: GuildHandle;
let elsewhere: GuildHandle;
let admin: MemberView;
let manager: MemberView;
let member: MemberView;
let entrants: MemberView[];
let general: string;
let giveawaysChannel: string;
const roles = {} as Record<'admins' | 'team' | 'vip' | 'veteran' | 'muted' | 'booster' | 'foreign', string>;

/** `/giveaway <subcommand>` as `actor` (default: the admin, who has Manage Server) in #general. */
function giveaway(subcommand: string, options: CommandOptions = {}, actor: MemberView = admin, channelId?: string): Promise<MessageView> {
	return giveawayCommand(emu, guild, actor, subcommand, options, channelId);
}

/** `/giveaway start` with raw options, as a hand-made request would send them (values Discord's client refuses). */
function forgedStart(options: { name: string; type: ApplicationCommandOptionType; value: string | number }[]): Promise<MessageView> {
	const handle = emu.interactions.forgedCommand({ guildId: guild.id, channelId: general, userId: admin.id, name: 'giveaway', options: [{ type: O.Subcommand, name: 'start', options } as never] });
	return finalAnswer(handle, 'forged /giveaway start');
}

/** Everything a refusal must leave as it was: the guild's giveaways, the plugin's config, the bot's changes on Discord. */
async function state() {
	return { giveaways: await service.recent(guild.id), config: await service.ctx.config(guild.id), mutations: mutations(emu) };
}

/** Runs a refused command and checks the answer (ephemeral, that text) and that nothing changed. */
async function refused(run: () => Promise<MessageView>, expected: string | RegExp): Promise<MessageView> {
	const before = await state();
	const answer = await run();
	expect(answer.ephemeral).toBe(true);
	if (typeof expected === 'string') expect(answer.content).toBe(expected);
	else expect(answer.content).toMatch(expected);
	expect(await state()).toEqual(before);
	return answer;
}

/** `/giveaway start` (7 days, 1 winner, in #giveaways unless told) and the recorded giveaway. */
async function start(options: CommandOptions = {}, actor: MemberView = admin) {
	const answer = await giveaway('start', { prize: 'Nitro', duration: '7d', winners: 1, channel: giveawaysChannel, ...options }, actor);
	expect(answer.ephemeral).toBe(true);
	const record = await service.get(guild.id, numberIn(answer));
	return { answer, record };
}

/**
 * Moves the clock and waits until the bot's work it made due is done (ends, message refreshes): no new change on
 * Discord for 200 ms.
 */
async function advance(ms: number): Promise<void> {
	clock.advance(ms);
	let seen = -1;
	while (seen !== mutations(emu)) {
		seen = mutations(emu);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** Discord's link to a giveaway's message. */
const link = (record: { channelId: string; messageId: string | null }) => `https://discord.com/channels/${guild.id}/${record.channelId}/${record.messageId}`;

/** The bytes of the last file the bot uploaded with that name, as text. */
function uploaded(filename: string): string {
	const file = emu.attachments.uploadedBy().filter((attachment) => attachment.filename === filename).at(-1);
	if (!file) throw new Error(`the bot uploaded no ${filename}`);
	return file.bytes.toString('utf8');
}

beforeAll(async () => {
	clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock });
	guild = emu.world.createGuild({ name: 'Giveaways' });
	general = generalChannelId(guild);
	giveawaysChannel = guild.createChannel({ name: 'giveaways', type: ChannelType.GuildText }).id;
	roles.admins = guild.createRole({ name: 'Admins', permissions: P.ManageGuild }).id;
	roles.team = guild.createRole({ name: 'Giveaway team' }).id;
	roles.vip = guild.createRole({ name: 'VIP' }).id;
	roles.veteran = guild.createRole({ name: 'Veteran' }).id;
	roles.muted = guild.createRole({ name: 'Muted' }).id;
	roles.booster = guild.createRole({ name: 'Booster' }).id;
	admin = guild.addMember({ username: 'admin', roles: [roles.admins] });
	manager = guild.addMember({ username: 'manager', roles: [roles.team] });
	member = guild.addMember({ username: 'member' });
	entrants = [guild.addMember({ username: 'ann', roles: [roles.booster] }), guild.addMember({ username: 'bob' }), guild.addMember({ username: 'cid' })];
	elsewhere = emu.world.createGuild({ name: 'Elsewhere' });
	roles.foreign = elsewhere.createRole({ name: 'Foreign' }).id;
	bot = await startTestBot({ emulator: emu, clock, random: new SeededRandom(11), plugins: [voiceXpPlugin, giveawaysPlugin] });
	service = giveawayService(bot);
	await enableGiveaways(bot, guild);
}, 60_000);

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('/giveaway start', () => {
	it('posts the message with its Enter button and commitment in the current channel, and answers the number and a jump link', async () => {
		const answer = await giveaway('start', { prize: 'Nitro Classic', duration: '2d', winners: 2 });
		const record = await service.get(guild.id, numberIn(answer));
		expect(answer.ephemeral).toBe(true);
		expect(answer.content).toBe(`🎉 Giveaway #${record.number} for **Nitro Classic** started in <#${general}>; it ends <t:${(START + 2 * DAY) / 1_000}:R>. ${link(record)}`);
		expect(record).toMatchObject({ channelId: general, hostId: admin.id, winnerCount: 2, status: 'running', endsAt: START + 2 * DAY, claimSeconds: null });
		const message = giveawayMessageOf(guild, record);
		expect(message.author.id).toBe(emu.bot.id);
		expect(message.embeds[0]!.title).toBe('Nitro Classic');
		expect(message.embeds[0]!.footer!.text).toBe(`Giveaway #${record.number} · commitment ${record.commitment}`);
		expect(message.embeds[0]!.description).toContain('Winners: 2');
		expect(message.components).toEqual([
			expect.objectContaining({ components: [expect.objectContaining({ custom_id: `giveaways:enter:${record.number}`, label: 'Enter' })] })
		]);
		expect(await bot.handle.taskQueue.stateOf(END_TASK, guild.id, endKey(record.id))).toBe('delayed');
	});

	it('shows every requirement, the bonus entries, and keeps the claim time', async () => {
		const { answer, record } = await start({
			prize: 'Steam key',
			description: 'A key for a game of your choice',
			'required-roles': `<@&${roles.vip}> ${roles.veteran}`,
			'require-all-roles': true,
			'forbidden-roles': `<@&${roles.muted}>`,
			'min-account-age': '30d',
			'min-member-age': '1w',
			'bonus-role': roles.booster,
			'bonus-entries': 3,
			'claim-time': '1d'
		});
		expect(answer.content).toContain(`started in <#${giveawaysChannel}>`);
		expect(record.requirements).toEqual({
			requiredRoleIds: [roles.vip, roles.veteran],
			requireAllRoles: true,
			forbiddenRoleIds: [roles.muted],
			minVoiceLevel: null,
			minAccountAgeSeconds: 30 * 86_400,
			minMemberAgeSeconds: 7 * 86_400
		});
		expect(record.bonus).toEqual([{ roleId: roles.booster, entries: 3 }]);
		expect(record.claimSeconds).toBe(86_400);
		const description = giveawayMessageOf(guild, record).embeds[0]!.description!;
		expect(description.split('\n')).toEqual(
			expect.arrayContaining([
				'A key for a game of your choice',
				'To enter:',
				`• every one of these roles: <@&${roles.vip}>, <@&${roles.veteran}>`,
				`• none of these roles: <@&${roles.muted}>`,
				'• an account at least 30 days old',
				'• a member here for at least 7 days',
				`• <@&${roles.booster}>: 3 extra entries`
			])
		);
	});

	it('a voice level is refused where voice-xp is off, and shown where it is on', async () => {
		await bot.handle.settings.setPluginEnabled(guild.id, 'voice-xp', false);
		try {
			await refused(() => giveaway('start', { prize: 'Mic', duration: '1d', winners: 1, 'min-voice-level': 5 }), 'A voice level can only be required where the voice XP plugin is on.');
		} finally {
			await bot.handle.settings.setPluginEnabled(guild.id, 'voice-xp', true);
		}
		const { record } = await start({ prize: 'Mic', 'min-voice-level': 5 });
		expect(record.requirements.minVoiceLevel).toBe(5);
		expect(giveawayMessageOf(guild, record).embeds[0]!.description).toContain('• voice level 5 or more');
	});

	it('bad input is refused, translated, and changes nothing', async () => {
		const base = { prize: 'Nitro', duration: '1d', winners: 1 };
		await refused(() => giveaway('start', { ...base, duration: 'soon' }), '`soon` is not a duration: write it like 30m, 2h, 3d or 1w 2d. Nothing was changed.');
		await refused(() => giveaway('start', { ...base, duration: '1d oops' }), /^`1d oops` is not a duration/);
		await refused(() => giveaway('start', { ...base, duration: '61d' }), 'A giveaway lasts from 10 seconds to 60 days; nothing was changed.');
		await refused(() => giveaway('start', { ...base, duration: '5s' }), 'A giveaway lasts from 10 seconds to 60 days; nothing was changed.');
		// Discord's client keeps winners within 1 to 50; a hand-made request is refused by the bot.
		for (const winners of [0, 51]) {
			await refused(
				() =>
					forgedStart([
						{ name: 'prize', type: O.String, value: 'Nitro' },
						{ name: 'duration', type: O.String, value: '1d' },
						{ name: 'winners', type: O.Integer, value: winners }
					]),
				'A giveaway has 1 to 50 winners; nothing was changed.'
			);
		}
		await refused(() => giveaway('start', { ...base, prize: '   ' }), 'The prize cannot be empty. Nothing was changed.');
		await refused(() => giveaway('start', { ...base, 'required-roles': 'VIP' }), '`VIP` is not a role: give role mentions (@Role) or role ids, separated by spaces. Nothing was changed.');
		await refused(() => giveaway('start', { ...base, 'required-roles': `<@&${roles.foreign}>` }), `<@&${roles.foreign}> is not a role of this server. Nothing was changed.`);
		await refused(() => giveaway('start', { ...base, 'forbidden-roles': guild.id }), 'The @everyone role cannot be used here. Nothing was changed.');
		await refused(
			() => giveaway('start', { ...base, 'required-roles': `<@&${roles.vip}>`, 'forbidden-roles': roles.vip }),
			`<@&${roles.vip}> cannot be both required and forbidden. Nothing was changed.`
		);
		await refused(() => giveaway('start', { ...base, 'bonus-role': roles.booster }), 'Bonus entries need both a bonus role and a number of bonus entries. Nothing was changed.');
		await refused(() => giveaway('start', { ...base, 'min-account-age': '400d' }), 'An age requirement is at most 365 days. Nothing was changed.');
		await refused(() => giveaway('start', { ...base, 'claim-time': '30s' }), 'A claim time is from 1 minute to 7 days (0: winners need not claim). Nothing was changed.');
	});
});

describe('access', () => {
	it('a member without Manage Server or the manager role is refused on every subcommand, naming both ways in', async () => {
		const { record } = await start({ prize: 'Access test' });
		const noRole = 'Only members with Manage Server can use /giveaway here: this server has no giveaway manager role (set one with /giveaway config manager-role).';
		await refused(() => giveaway('start', { prize: 'Mine', duration: '1d', winners: 1 }, member), noRole);
		await refused(() => giveaway('end', { id: record.number }, member), noRole);
		await refused(() => giveaway('list', {}, member), noRole);
		await refused(() => giveaway('config', {}, member), noRole);
		await refused(() => giveaway('start', { prize: 'Mine', duration: '1d', winners: 1 }, manager), noRole);
		// Without default_member_permissions, Discord shows the command to everyone: the bot is the gate.
		const declared = emu.commands.global().find((command) => command.name === 'giveaway') ?? emu.commands.guild(guild.id).find((command) => command.name === 'giveaway');
		expect(declared?.default_member_permissions ?? null).toBeNull();
	});

	it('the manager role set by an admin may run giveaways and see the settings, but not change them', async () => {
		expect((await giveaway('config', { 'manager-role': roles.team })).content).toContain(`Manager role: <@&${roles.team}>`);
		const { record } = await start({ prize: 'Manager prize' }, manager);
		expect(record.hostId).toBe(manager.id);
		expect((await giveaway('cancel', { id: record.number }, manager)).content).toBe(`Giveaway #${record.number} is cancelled: nobody wins. ${link(record)}`);
		expect((await giveaway('config', {}, manager)).content).toContain('**Giveaway settings**');
		await refused(
			() => giveaway('config', { 'max-duration-days': 5 }, manager),
			'Changing the giveaway settings needs Manage Server; the manager role may only look at them. Nothing was changed.'
		);
		await refused(() => giveaway('list', {}, member), `Only members with Manage Server or the giveaway manager role <@&${roles.team}> can use /giveaway.`);
	});
});

describe('/giveaway end and reroll', () => {
	it('end draws among the entrants and announces the winners with the draw record; a second end is refused', async () => {
		const { record } = await start({ prize: 'Headset' });
		for (const entrant of entrants) expect((await pressEnter(emu, record, entrant.id)).ephemeral).toBe(true);
		expect(await service.entryCount(record.id)).toBe(3);

		const answer = await giveaway('end', { id: record.number });
		const ended = await service.get(guild.id, record.number);
		const [winner] = ended.rounds[0]!.winners;
		expect(entrants.map((entrant) => entrant.id)).toContain(winner);
		expect(answer.content).toBe(`Giveaway #${record.number} ended. Winners: <@${winner}>. ${link(record)}`);
		expect(ended.status).toBe('ended');
		expect(await bot.handle.taskQueue.stateOf(END_TASK, guild.id, endKey(record.id))).toBeNull();

		const [announcement] = announcementsOf(guild, record);
		expect(announcement!.content).toContain(`🎉 Congratulations <@${winner}>! You won **Headset**.`);
		expect(announcement!.content).toContain(`Draw secret: \`${ended.secret}\``);
		expect(announcement!.attachments.map((file) => file.filename)).toEqual([`giveaway-${record.number}-draw.json`]);
		expect(JSON.parse(uploaded(`giveaway-${record.number}-draw.json`))).toMatchObject({ secret: ended.secret, rounds: [{ round: 0, winners: [winner] }] });
		const message = giveawayMessageOf(guild, record);
		expect(message.embeds[0]!.description).toContain(`🏆 Winners: <@${winner}>`);
		expect(message.components).toEqual([]);

		await refused(() => giveaway('end', { id: record.number }), `Giveaway #${record.number} is not open (it has ended or was cancelled).`);
		await refused(() => giveaway('end', { id: 999 }), 'There is no giveaway #999 here.');
		await refused(() => giveaway('reroll', { id: 999 }), 'There is no giveaway #999 here.');
	});

	it('reroll never draws an earlier winner; with nobody left it says so', async () => {
		const { record } = await start({ prize: 'Keyboard' });
		for (const entrant of entrants) await pressEnter(emu, record, entrant.id);
		await refused(() => giveaway('reroll', { id: record.number }), `Giveaway #${record.number} has not ended yet.`);
		await giveaway('end', { id: record.number });
		const first = (await service.get(guild.id, record.number)).rounds[0]!.winners;

		const answer = await giveaway('reroll', { id: record.number, count: 2 });
		const second = (await service.get(guild.id, record.number)).rounds[1]!.winners;
		expect(second).toHaveLength(2);
		expect(second).not.toContain(first[0]);
		expect([...first, ...second].sort()).toEqual(entrants.map((entrant) => entrant.id).sort());
		expect(answer.content).toBe(`New winners of giveaway #${record.number}: ${second.map((id) => `<@${id}>`).join(', ')}. ${link(record)}`);
		expect(announcementsOf(guild, record).at(-1)!.content).toBe(`🎉 New winners of **Keyboard**: ${second.map((id) => `<@${id}>`).join(', ')}!`);

		expect((await giveaway('reroll', { id: record.number })).content).toBe(`Giveaway #${record.number}: no one else can win, every entrant has won already. ${link(record)}`);
	});
});

describe('/giveaway cancel, pause, resume, edit', () => {
	it('cancel: nobody wins, the end is removed, the message says so; a second cancel is refused', async () => {
		const { record } = await start({ prize: 'Mouse' });
		await pressEnter(emu, record, entrants[0]!.id);
		await giveaway('cancel', { id: record.number });
		expect((await service.get(guild.id, record.number)).status).toBe('cancelled');
		expect(await bot.handle.taskQueue.stateOf(END_TASK, guild.id, endKey(record.id))).toBeNull();
		const message = giveawayMessageOf(guild, record);
		expect(message.embeds[0]!.description).toContain('❌ Cancelled.');
		expect(message.components).toEqual([]);
		await refused(() => giveaway('cancel', { id: record.number }), `Giveaway #${record.number} is not open (it has ended or was cancelled).`);
		await refused(() => giveaway('pause', { id: record.number }), `Giveaway #${record.number} is not open (it has ended or was cancelled).`);
	});

	it('pause keeps the time left: past the original end nothing happens; resume ends it the time left later', async () => {
		const { record } = await start({ prize: 'Monitor', duration: '1h' });
		await pressEnter(emu, record, entrants[1]!.id);
		await advance(10 * MINUTE);
		const paused = await giveaway('pause', { id: record.number });
		expect(paused.content).toBe(`Giveaway #${record.number} is paused with 50 minutes left: entries stay open, the end waits for /giveaway resume. ${link(record)}`);
		await refused(() => giveaway('pause', { id: record.number }), `Giveaway #${record.number} is not open (it has ended or was cancelled).`);
		expect(giveawayMessageOf(guild, record).embeds[0]!.description).toContain('⏸️ Paused');

		await advance(2 * HOUR);
		expect((await service.get(guild.id, record.number)).status).toBe('paused');
		expect(announcementsOf(guild, record)).toEqual([]);

		const resumed = await giveaway('resume', { id: record.number });
		const endsAt = clock.now() + 50 * MINUTE;
		expect(resumed.content).toBe(`Giveaway #${record.number} is running again; it ends <t:${Math.floor(endsAt / 1_000)}:R>. ${link(record)}`);
		expect((await service.get(guild.id, record.number)).endsAt).toBe(endsAt);
		await refused(() => giveaway('resume', { id: record.number }), `Giveaway #${record.number} is not paused.`);

		await advance(49 * MINUTE);
		expect((await service.get(guild.id, record.number)).status).toBe('running');
		await advance(2 * MINUTE);
		const ended = await waitForStatus(service, guild.id, record.number, 'ended');
		expect(ended.rounds[0]!.winners).toEqual([entrants[1]!.id]);
	});

	it('edit changes the prize and winners and moves the end by add-time; past the longest giveaway it is refused', async () => {
		const { record } = await start({ prize: 'Chair', duration: '1h' });
		await refused(() => giveaway('edit', { id: record.number }), 'Nothing to change: give a prize, a number of winners or more time.');
		await refused(() => giveaway('edit', { id: record.number, 'add-time': 'later' }), '`later` is not a duration: write it like 30m, 2h, 3d or 1w 2d. Nothing was changed.');
		await refused(() => giveaway('edit', { id: record.number, 'add-time': '60d' }), 'A giveaway lasts from 10 seconds to 60 days; nothing was changed.');
		const answer = await giveaway('edit', { id: record.number, prize: 'Gaming chair', winners: 2, 'add-time': '30m' });
		const endsAt = record.endsAt + 30 * MINUTE;
		expect(answer.content).toBe(`Giveaway #${record.number} updated: **Gaming chair**, winners: 2, ends <t:${Math.floor(endsAt / 1_000)}:R>. ${link(record)}`);
		expect(await service.get(guild.id, record.number)).toMatchObject({ prize: 'Gaming chair', winnerCount: 2, endsAt });
		expect(giveawayMessageOf(guild, record).embeds[0]!.title).toBe('Gaming chair');

		await advance(endsAt - 60_000 - clock.now());
		expect((await service.get(guild.id, record.number)).status).toBe('running');
		await advance(2 * MINUTE);
		await waitForStatus(service, guild.id, record.number, 'ended');
		expect(announcementsOf(guild, record)[0]!.content).toContain('Nobody entered the giveaway for **Gaming chair**');
	});
});

describe('/giveaway list, entrants, verify', () => {
	it('list shows the running and paused giveaways with their state, entries and jump links', async () => {
		const running = (await start({ prize: 'Listed running', duration: '3d', winners: 3 })).record;
		const paused = (await start({ prize: 'Listed paused', duration: '2d' })).record;
		await pressEnter(emu, running, entrants[0]!.id);
		await giveaway('pause', { id: paused.number });
		const answer = await giveaway('list');
		expect(answer.ephemeral).toBe(true);
		const lines = answer.content.split('\n');
		expect(lines[0]).toBe('**Running and paused giveaways**');
		expect(lines).toContain(`#${paused.number} **Listed paused** · paused with 2 days left · winners: 1 · entries: 0 · ${link(paused)}`);
		expect(lines).toContain(`#${running.number} **Listed running** · ends <t:${Math.floor(running.endsAt / 1_000)}:R> · winners: 3 · entries: 1 · ${link(running)}`);
		expect(answer.content).not.toContain('Headset'); // ended
		expect(answer.content).not.toContain('Mouse'); // cancelled
	});

	it('entrants answers the count with a file of one line per entrant: user id and entries (bonus included)', async () => {
		const { record } = await start({ prize: 'Bonus prize', 'bonus-role': roles.booster, 'bonus-entries': 3 });
		expect((await giveaway('entrants', { id: record.number })).content).toBe(`Nobody has entered giveaway #${record.number} yet.`);
		for (const entrant of entrants) await pressEnter(emu, record, entrant.id);
		const answer = await giveaway('entrants', { id: record.number });
		expect(answer.ephemeral).toBe(true);
		expect(answer.content).toBe(
			`Giveaway #${record.number}: 3 entrants, 6 entries in all (bonus entries included). The file lists one entrant per line: user id, then entries.`
		);
		expect(answer.raw.attachments.map((file) => file.filename)).toEqual([`giveaway-${record.number}-entrants.txt`]);
		const sorted = [...entrants].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
		expect(uploaded(`giveaway-${record.number}-entrants.txt`)).toBe(sorted.map((entrant) => `${entrant.id} ${entrant.id === entrants[0]!.id ? 4 : 1}\n`).join(''));
		await refused(() => giveaway('entrants', { id: 999 }), 'There is no giveaway #999 here.');
	});

	it('verify recomputes every round (OK) with the draw record attached, and reports a tampered draw by code', async () => {
		const { record } = await start({ prize: 'Verified' });
		await refused(() => giveaway('verify', { id: record.number }), `Giveaway #${record.number} has not ended yet.`);
		for (const entrant of entrants) await pressEnter(emu, record, entrant.id);
		await giveaway('end', { id: record.number });
		await giveaway('reroll', { id: record.number });
		const ended = await service.get(guild.id, record.number);
		const [first, second] = ended.rounds.map((round) => round.winners[0]!);

		const answer = await giveaway('verify', { id: record.number });
		expect(answer.content.split('\n')).toEqual([
			`**The draw of giveaway #${record.number}** (commitment \`${ended.commitment}\`)`,
			`Round 0 (the end): <@${first}>`,
			`Round 1 (a reroll): <@${second}>`,
			"✅ Recomputed from the secret and the entry list: every round's winners are the ones announced. The attached draw record lets anyone check it again."
		]);
		expect(answer.raw.attachments.map((file) => file.filename)).toEqual([`giveaway-${record.number}-draw.json`]);
		expect(JSON.parse(uploaded(`giveaway-${record.number}-draw.json`)).rounds).toHaveLength(2);

		// Someone changes the stored winners of round 0 (an entrant who did not win).
		const other = entrants.map((entrant) => entrant.id).find((id) => id !== first && id !== second)!;
		await store.updateGiveaway(service.ctx.em(), ended.id, { rounds: [{ ...ended.rounds[0]!, winners: [other] }, ended.rounds[1]!] });
		const tampered = await giveaway('verify', { id: record.number });
		expect(tampered.content).toContain('❌ The draw does not check out:');
		expect(tampered.content).toContain(`• round 0: the recomputed winners are <@${first}>, the published ones <@${other}>`);
		expect(tampered.content).toContain(`• round 1: it excludes <@${other}>, but the earlier winners are <@${first}>`);
	});

	it('the id option suggests the guild\'s giveaways in a state for the subcommand, to managers only', async () => {
		const suggest = async (subcommand: string, typed: string, actor: MemberView = admin) => {
			const handle = emu.interactions.autocomplete({ guildId: guild.id, channelId: general, userId: actor.id, name: 'giveaway', subcommand, options: { id: typed }, focused: 'id' });
			await handle.response;
			return handle.choices!;
		};
		const verified = (await service.recent(guild.id)).find((record) => record.prize === 'Verified')!;
		expect(await suggest('reroll', 'verif')).toEqual([{ name: `#${verified.number} Verified (ended)`, value: verified.number }]);
		const resumable = await suggest('resume', '');
		expect(resumable.map((choice) => choice.name)).toEqual([expect.stringMatching(/^#\d+ Listed paused \(paused\)$/)]);
		expect(await suggest('reroll', '', member)).toEqual([]);
	});
});

describe('languages', () => {
	it('answers, the message and refusals are in the guild\'s language (French, Polish)', async () => {
		const french = emu.world.createGuild({ name: 'Concours', preferredLocale: 'fr' });
		const polish = emu.world.createGuild({ name: 'Losowania', preferredLocale: 'pl' });
		for (const where of [french, polish]) where.addMember({ username: 'admin', userId: admin.id, permissions: P.ManageGuild });
		await enableGiveaways(bot, french, polish);
		const started = await giveawayCommand(emu, french, admin, 'start', { prize: 'Nitro', duration: '1d', winners: 1 });
		expect(started.content).toMatch(/^🎉 Concours n° 1 pour \*\*Nitro\*\* lancé dans <#\d+> ; il se termine <t:\d+:R>\. https:/);
		const record = await service.get(french.id, 1);
		expect(giveawayMessageOf(french, record).embeds[0]!.footer!.text).toBe(`Concours n° 1 · engagement ${record.commitment}`);
		expect((await giveawayCommand(emu, french, admin, 'start', { prize: 'Nitro', duration: 'bientôt', winners: 1 })).content).toBe(
			"`bientôt` n'est pas une durée : écrivez-la comme 30m, 2h, 3d ou 1w 2d. Rien n'a été modifié."
		);
		expect((await giveawayCommand(emu, polish, admin, 'list')).content).toBe('Żadne losowanie nie trwa ani nie jest wstrzymane. Rozpocznij je poleceniem /losowanie start.');
		const someone = polish.addMember({ username: 'someone' });
		expect((await giveawayCommand(emu, polish, someone, 'list')).content).toMatch(/^Tutaj polecenia \/losowanie mogą używać tylko członkowie z uprawnieniem Zarządzanie serwerem/);
	});
});

describe('/giveaway config', () => {
	it('shows the settings, changes the ones given, and refuses bad values without changing anything', async () => {
		expect((await giveaway('config')).content.split('\n')).toEqual([
			'**Giveaway settings**',
			`Manager role: <@&${roles.team}> (its members may use /giveaway without Manage Server)`,
			'Longest giveaway: 60 days',
			'Claim time when /giveaway start names none: none (winners need not claim)',
			'Time in the server needed to enter when /giveaway start names none: none'
		]);
		const saved = await giveaway('config', { 'max-duration-days': 14, 'default-claim-time': '2h', 'default-min-member-age': '1d' });
		expect(saved.content.split('\n').slice(0, 1)).toEqual(['Saved. **Giveaway settings**']);
		expect(saved.content).toContain('Claim time when /giveaway start names none: 2 hours');
		expect(await service.ctx.config(guild.id)).toMatchObject({ managerRoleId: roles.team, maxDurationDays: 14, defaultClaimSeconds: 7_200, defaultMinMemberAgeSeconds: 86_400 });

		const { record } = await start({ prize: 'Defaults' });
		expect(record.claimSeconds).toBe(7_200);
		expect(record.requirements.minMemberAgeSeconds).toBe(86_400);
		await refused(() => giveaway('start', { prize: 'Too long', duration: '15d', winners: 1 }), 'A giveaway lasts from 10 seconds to 14 days; nothing was changed.');

		await refused(() => giveaway('config', { 'manager-role': roles.vip, 'no-manager-role': true }), 'Give either a manager role or no-manager-role, not both. Nothing was changed.');
		await refused(() => giveaway('config', { 'default-claim-time': '10s' }), 'A claim time is from 1 minute to 7 days (0: winners need not claim). Nothing was changed.');
		await refused(() => giveaway('config', { 'default-min-member-age': 'a while' }), '`a while` is not a duration: write it like 30m, 2h, 3d or 1w 2d. Nothing was changed.');
		await refused(() => giveaway('config', { 'manager-role': guild.id }), 'The @everyone role cannot be used here. Nothing was changed.');

		await giveaway('config', { 'no-manager-role': true, 'max-duration-days': 60, 'default-claim-time': '0', 'default-min-member-age': '0' });
		expect(await service.ctx.config(guild.id)).toMatchObject({ managerRoleId: null, maxDurationDays: 60, defaultClaimSeconds: null, defaultMinMemberAgeSeconds: 0 });
		await refused(() => giveaway('list', {}, manager), /^Only members with Manage Server can use \/giveaway here/);
	});
});
