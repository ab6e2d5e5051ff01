/**
 * A giveaway's life as members and the clock see it, the real bot on the Discord emulator (issue 11, "Done when"):
 * Enter and Leave with the buttons, a refused entry per requirement with its reason, bonus entries weighing in the
 * draw, the end at its time on a ManualClock with the winners announced (pinging only them) and the draw record
 * attached and verifiable, fewer entrants than winners, a claim that is not made in time rerolled once, and the end
 * surviving a SIGKILL of the process that started it, happening once while two processes run.
 */
import { DiscordEmulator, type GuildHandle, type MemberView } from '@hearth/discord-emulator';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { giveawaysPlugin } from '../../../src/plugins/giveaways/index.js';
import { verifyDrawRecord, drawRecordSchema } from '../../../src/plugins/giveaways/lib/draw.js';
import { CLAIM_TASK, claimKey, type GiveawayService, type StartInput } from '../../../src/plugins/giveaways/service/GiveawayService.js';
import { voiceXpPlugin } from '../../../src/plugins/voice-xp/index.js';
import { startChildBot } from '../../helpers/childBot.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { DAY, generalChannelId, HOUR, MINUTE, START } from '../moderation/e2eHelpers.js';

let emu: DiscordEmulator;
let clock: ManualClock;
let bot: TestBot;
let guild: GuildHandle;
let general: string;
let host: MemberView;
let vipRole: string;
let bannedRole: string;
let seq = 0;

const service = (): GiveawayService => bot.handle.pluginHost.service('giveaways');
const newMember = (roles: string[] = []) => guild.addMember({ username: `entrant${++seq}`, roles });

/** No requirements. */
const OPEN = { requiredRoleIds: [], requireAllRoles: false, forbiddenRoleIds: [], minVoiceLevel: null, minAccountAgeSeconds: 0, minMemberAgeSeconds: 0 };

/** Starts a giveaway in #general through the service (the command is tested in commands.e2e.test.ts). */
function start(overrides: Partial<StartInput> = {}) {
	return service().start(guild.id, { channelId: general, hostId: host.id, prize: 'A prize', description: null, winnerCount: 1, durationMs: HOUR, requirements: OPEN, bonus: [], ...overrides });
}

/** Presses a giveaway's Enter button as a member; returns the ephemeral answer. */
async function enter(messageId: string, member: MemberView, number: number) {
	const press = emu.interactions.button({ guildId: guild.id, channelId: general, userId: member.id, messageId, customId: `giveaways:enter:${number}` });
	return press.waitForReply();
}

/** The bot's messages in #general that reply to a giveaway message (its announcements), oldest first. */
const announcements = (messageId: string) => emu.messages.in(general).filter((message) => message.author.id === emu.bot.id && message.message_reference?.message_id === messageId);

beforeAll(async () => {
	clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock, identifyIntervalMs: 0 });
	guild = emu.world.createGuild({ name: 'Giveaways' });
	general = generalChannelId(guild);
	vipRole = guild.createRole({ name: 'VIP' }).id;
	bannedRole = guild.createRole({ name: 'No giveaways' }).id;
	host = guild.addMember({ username: 'host' });
	bot = await startTestBot({ emulator: emu, clock, plugins: [voiceXpPlugin, giveawaysPlugin] });
	await bot.handle.settings.setPluginEnabled(guild.id, 'giveaways', true);
}, 60_000);

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('entering', () => {
	it('Enter once, a second press offers Leave, Leave removes the entry; the count on the message follows in one edit', async () => {
		const giveaway = await start();
		const alice = newMember();
		expect((await enter(giveaway.messageId!, alice, giveaway.number)).content).toContain('You are in');
		const again = await enter(giveaway.messageId!, alice, giveaway.number);
		expect(again.content).toContain('already entered');
		expect(await service().entryCount(giveaway.id)).toBe(1);
		const leave = emu.interactions.button({ guildId: guild.id, channelId: general, userId: alice.id, messageId: again.id, customId: `giveaways:leave:${giveaway.number}` });
		await vi.waitFor(() => expect(leave.edits.length + (leave.original ? 1 : 0)).toBeGreaterThan(0));
		expect(await service().entryCount(giveaway.id)).toBe(0);
		const bob = newMember();
		await enter(giveaway.messageId!, bob, giveaway.number);
		const edits = () => emu.recorder.calls('PATCH /channels/:id/messages/:id').filter((call) => call.path.endsWith(giveaway.messageId!));
		const before = edits().length;
		clock.advance(5_000);
		await vi.waitFor(() => expect(edits().length).toBe(before + 1), { timeout: 10_000 });
		expect(emu.messages.in(general).find((message) => message.id === giveaway.messageId)?.embeds[0]?.description).toContain('Entries: 1');
		await service().cancel(guild.id, giveaway.number);
	});

	it('each requirement refuses with its reason; a member who meets them all enters', async () => {
		const giveaway = await start({
			durationMs: 40 * DAY,
			requirements: { ...OPEN, requiredRoleIds: [vipRole], forbiddenRoleIds: [bannedRole], minAccountAgeSeconds: 30 * 86_400, minMemberAgeSeconds: 7 * 86_400 }
		});
		const outsider = newMember();
		const refused = await enter(giveaway.messageId!, outsider, giveaway.number);
		expect(refused.content).toContain('cannot enter');
		expect(refused.content).toContain(`<@&${vipRole}>`);
		expect(refused.content).toMatch(/account must be at least 30 days old/);
		expect(refused.content).toMatch(/member for at least 7 days/);
		const excluded = newMember([vipRole, bannedRole]);
		expect((await enter(giveaway.messageId!, excluded, giveaway.number)).content).toContain(`members with <@&${bannedRole}> cannot enter`);
		const veteran = newMember([vipRole]);
		clock.advance(31 * DAY);
		expect((await enter(giveaway.messageId!, veteran, giveaway.number)).content).toContain('You are in');
		expect(await service().entryCount(giveaway.id)).toBe(1);
		await service().cancel(guild.id, giveaway.number);
	});

	it('a voice level cannot be required where voice-xp is off', async () => {
		await bot.handle.settings.setPluginEnabled(guild.id, 'voice-xp', false);
		await expect(start({ requirements: { ...OPEN, minVoiceLevel: 3 } })).rejects.toMatchObject({ identifier: 'giveaways:errors.voiceLevelUnavailable' });
		await bot.handle.settings.setPluginEnabled(guild.id, 'voice-xp', true);
		const giveaway = await start({ requirements: { ...OPEN, minVoiceLevel: 3 } });
		const quiet = newMember();
		expect((await enter(giveaway.messageId!, quiet, giveaway.number)).content).toContain('you need voice level 3 (you are level 0)');
		await service().cancel(guild.id, giveaway.number);
	});
});

describe('the end', () => {
	it('at its time: winners announced pinging only them, the message edited, the draw record attached and verifiable; bonus entries weigh', async () => {
		const startedAt = clock.now();
		const giveaway = await start({ winnerCount: 2, bonus: [{ roleId: vipRole, entries: 4 }] });
		const vip = newMember([vipRole]);
		const others = [newMember(), newMember(), newMember()];
		expect((await enter(giveaway.messageId!, vip, giveaway.number)).content).toContain('5 entries');
		for (const member of others) await enter(giveaway.messageId!, member, giveaway.number);
		clock.advance(HOUR - 1_000);
		await bot.handle.taskQueue.promoteDue();
		expect((await service().get(guild.id, giveaway.number)).status).toBe('running');
		clock.advance(1_000);
		const ended = await vi.waitFor(async () => {
			const record = await service().get(guild.id, giveaway.number);
			if (record.announcedAt === null) throw new Error('not announced yet');
			return record;
		}, { timeout: 10_000 });
		expect(ended.endedAt).toBe(startedAt + HOUR);
		const winners = ended.rounds[0]!.winners;
		expect(winners).toHaveLength(2);
		const [announcement] = announcements(giveaway.messageId!);
		expect(announcement?.content).toContain(`<@${winners[0]}>`);
		expect(announcement?.content).toContain(ended.secret);
		const sent = emu.recorder.calls('POST /channels/:id/messages').find((call) => call.response && (call.response as { id?: string }).id === announcement!.id);
		expect((sent?.body as { allowed_mentions?: { users?: string[] } }).allowed_mentions?.users?.sort()).toEqual([...winners].sort());
		// The attached record verifies, and names the VIP with weight 5.
		const file = announcement!.attachments[0]!;
		const record = drawRecordSchema.parse(JSON.parse(Buffer.from(await (await fetch(file.url)).arrayBuffer()).toString('utf8')));
		expect(verifyDrawRecord(record)).toEqual({ ok: true });
		expect(record.entries.find((entry) => entry.userId === vip.id)?.weight).toBe(5);
		expect(emu.messages.in(general).find((message) => message.id === giveaway.messageId)?.components ?? []).toHaveLength(0);
	});

	it('with fewer entrants than winners every entrant wins, and the announcement says so; with none it says that', async () => {
		const few = await start({ winnerCount: 3 });
		const solo = newMember();
		await enter(few.messageId!, solo, few.number);
		const empty = await start({ winnerCount: 1 });
		await service().end(guild.id, few.number, true);
		await service().end(guild.id, empty.number, true);
		expect(announcements(few.messageId!)[0]?.content).toContain('every entrant wins');
		expect(announcements(empty.messageId!)[0]?.content).toContain('Nobody entered');
	});

	it('a winner who does not claim in time is replaced once; the replacement is not rerolled again', async () => {
		const giveaway = await start({ claimSeconds: 600 });
		const members = [newMember(), newMember(), newMember()];
		for (const member of members) await enter(giveaway.messageId!, member, giveaway.number);
		const ended = (await service().end(guild.id, giveaway.number, true))!;
		const [first] = ended.winners;
		expect(await bot.handle.taskQueue.stateOf(CLAIM_TASK, guild.id, claimKey(ended.record.id, first!))).toBe('delayed');
		clock.advance(601_000);
		const replaced = await vi.waitFor(async () => {
			const record = await service().get(guild.id, giveaway.number);
			if (record.rounds.length < 2) throw new Error('not rerolled yet');
			return record;
		}, { timeout: 10_000 });
		const second = replaced.rounds[1]!;
		expect(second).toMatchObject({ reason: 'claim', replaces: first, exclude: [first] });
		expect(second.winners[0]).not.toBe(first);
		expect(replaced.claims[first!]?.replaced).toBe(true);
		clock.advance(601_000);
		await bot.handle.taskQueue.promoteDue();
		expect((await service().get(guild.id, giveaway.number)).rounds).toHaveLength(2);
	});

	it('a winner who claims in time keeps the prize', async () => {
		const giveaway = await start({ claimSeconds: 600 });
		const winner = newMember();
		await enter(giveaway.messageId!, winner, giveaway.number);
		await service().end(guild.id, giveaway.number, true);
		const [announcement] = announcements(giveaway.messageId!);
		const claim = emu.interactions.button({ guildId: guild.id, channelId: general, userId: winner.id, messageId: announcement!.id, customId: `giveaways:claim:${giveaway.number}` });
		expect((await claim.waitForReply()).content).toContain('Claimed');
		clock.advance(601_000);
		await bot.handle.taskQueue.promoteDue();
		const record = await service().get(guild.id, giveaway.number);
		expect(record.rounds).toHaveLength(1);
		expect(record.claims[winner.id]?.claimedAt).not.toBeNull();
	});
});

describe('when the announcement cannot go out', () => {
	it('a channel deleted by hand: the giveaway still ends, winners drawn and recorded, the log says where', async () => {
		const room = guild.createChannel({ name: 'doomed', type: ChannelType.GuildText }).id;
		await vi.waitFor(() => expect(bot.handle.client.channels.cache.has(room)).toBe(true));
		const giveaway = await start({ channelId: room });
		const entrant = newMember();
		const press = emu.interactions.button({ guildId: guild.id, channelId: room, userId: entrant.id, messageId: giveaway.messageId!, customId: `giveaways:enter:${giveaway.number}` });
		await press.waitForReply();
		guild.deleteChannel(room);
		await vi.waitFor(() => expect(bot.handle.client.channels.cache.has(room)).toBe(false));
		const ended = await service().end(guild.id, giveaway.number, true);
		expect(ended?.winners).toEqual([entrant.id]);
		const record = await service().get(guild.id, giveaway.number);
		expect(record).toMatchObject({ status: 'ended', announcementMessageId: null });
		expect(record.announcedAt).not.toBeNull();
		expect(bot.logs.find(new RegExp(`Giveaway #${giveaway.number} .*channel ${room} is gone; winners recorded: ${entrant.id}`))).toHaveLength(1);
	});

	it("the bot lost Send Messages there: the same, with Discord's refusal in the log", async () => {
		const room = guild.createChannel({ name: 'locked', type: ChannelType.GuildText }).id;
		await vi.waitFor(() => expect(bot.handle.client.channels.cache.has(room)).toBe(true));
		const giveaway = await start({ channelId: room });
		const entrant = newMember();
		const press = emu.interactions.button({ guildId: guild.id, channelId: room, userId: entrant.id, messageId: giveaway.messageId!, customId: `giveaways:enter:${giveaway.number}` });
		await press.waitForReply();
		// Sending comes from the bot's role and @everyone: both lose it.
		const roles = [guild.botRoleId, guild.everyoneRoleId];
		const before = roles.map((id) => BigInt(guild.role(id)!.permissions));
		emu.expectFailures((failure) => failure.code === 50013);
		roles.forEach((id, index) => guild.editRole(id, { permissions: before[index]! & ~PermissionFlagsBits.SendMessages }));
		try {
			await vi.waitFor(() => expect(bot.handle.client.guilds.cache.get(guild.id)?.members.me?.permissions.has(PermissionFlagsBits.SendMessages)).toBe(false));
			const ended = await service().end(guild.id, giveaway.number, true);
			expect(ended?.winners).toEqual([entrant.id]);
			expect((await service().get(guild.id, giveaway.number)).status).toBe('ended');
			expect(bot.logs.find(new RegExp(`Giveaway #${giveaway.number} .*announcement could not be posted in channel ${room}`))).toHaveLength(1);
		} finally {
			roles.forEach((id, index) => guild.editRole(id, { permissions: before[index]! }));
		}
	});
});

describe('across processes', () => {
	it('the end survives a SIGKILL of the process that started it, and happens once with two processes running', async () => {
		const child = await startChildBot({ emulator: emu, database: bot.database, redisPrefix: bot.redisPrefix, clockStartMs: clock.now(), plugins: [{ module: new URL('../../../src/plugins/giveaways/index.ts', import.meta.url).href, exports: ['giveawaysPlugin'] }] });
		const started = (await child.call('giveaways', 'start', guild.id, { channelId: general, hostId: host.id, prize: 'Crash prize', description: null, winnerCount: 1, durationMs: 10 * MINUTE, requirements: OPEN, bonus: [] })) as { number: number; messageId: string };
		const entrant = newMember();
		await enter(started.messageId, entrant, started.number);
		await child.kill();
		// A second process joins: the in-process bot, and a fresh child on the same database and Redis.
		const twin = await startChildBot({ emulator: emu, database: bot.database, redisPrefix: bot.redisPrefix, clockStartMs: clock.now(), plugins: [{ module: new URL('../../../src/plugins/giveaways/index.ts', import.meta.url).href, exports: ['giveawaysPlugin'] }] });
		try {
			clock.advance(10 * MINUTE);
			await twin.clock!.advance(10 * MINUTE);
			await vi.waitFor(async () => expect((await service().get(guild.id, started.number)).announcedAt).not.toBeNull(), { timeout: 15_000 });
			await bot.handle.taskQueue.promoteDue();
			expect(announcements(started.messageId)).toHaveLength(1);
			expect((await service().get(guild.id, started.number)).rounds[0]?.winners).toEqual([entrant.id]);
		} finally {
			await twin.stop();
		}
	}, 60_000);
});
