/**
 * The moderation plugin's channel tools as moderators use them, the real bot on the Discord emulator:
 * `/purge` (member, text and bots filters; messages older than 14 days left and counted; more than 100 messages in
 * batches, a lone last message by the single-delete route), `/slowmode` (set, off, out of range), `/lockdown` and
 * `/unlock` of a channel restoring its exact previous @everyone overwrite (or none), a timed lockdown ended by the
 * `moderationLockdownEnd` task on a ManualClock advance and a manual unlock cancelling it, `/lockdown server` and
 * `/unlock server`, and every refusal (permission, already locked, not locked, bad duration, bad count) changing
 * nothing (src/plugins/moderation/service/ChannelTools.ts).
 */
import { DiscordEmulator, type GuildHandle, type MemberView, type MessageView } from '@hearth/discord-emulator';
import { ApplicationCommandOptionType, ChannelType, PermissionFlagsBits, type APIGuildTextChannel, type GuildTextChannelType } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { moderationPlugin } from '../../../src/plugins/moderation/index.js';
import { LOCKDOWN_DENIED_BITS } from '../../../src/plugins/moderation/lib/lockdown.js';
import { LOCKDOWN_END_TASK, lockdownTaskKey } from '../../../src/plugins/moderation/service/ChannelTools.js';
import type { ModerationService } from '../../../src/plugins/moderation/service/ModerationService.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { DAY, enableModeration, finalAnswer, generalChannelId, HOUR, MINUTE, mutations, slashCommand, START, type CommandOptions, type SlashCommandRun } from './e2eHelpers.js';

const P = PermissionFlagsBits;

let emu: DiscordEmulator;
let bot: TestBot;
let clock: ManualClock;
let service: ModerationService;
let guild: GuildHandle;
let modLogId: string;
let mod: MemberView;
let helper: MemberView;
let alice: MemberView;
let bob: MemberView;
let botty: MemberView;
let channelSeq = 0;

/** A new text channel of the test guild (optionally with overwrites), by id. */
const newChannel = (options: { type?: ChannelType.GuildText | ChannelType.GuildAnnouncement; permissionOverwrites?: { id: string; type: 0 | 1; allow?: bigint; deny?: bigint }[] } = {}, where: GuildHandle = guild) =>
	where.createChannel({ name: `channel-${++channelSeq}`, type: options.type ?? ChannelType.GuildText, permissionOverwrites: options.permissionOverwrites as never }).id;

/** A guild channel as the emulator holds it (overwrites, slowmode). */
const channelOf = (channelId: string, where: GuildHandle = guild) => where.channel(channelId) as APIGuildTextChannel<GuildTextChannelType>;

/** The channel's @everyone overwrite as Discord holds it (bits as strings), or undefined when it has none. */
const everyoneOverwrite = (channelId: string, where: GuildHandle = guild) => {
	const overwrite = channelOf(channelId, where).permission_overwrites?.find((candidate) => candidate.id === where.everyoneRoleId);
	return overwrite && { allow: overwrite.allow, deny: overwrite.deny };
};

/** Every overwrite of every channel of a guild, to compare before and after. */
const allOverwrites = (where: GuildHandle) => Object.fromEntries(where.channels.map((channel) => [channel.id, channelOf(channel.id, where).permission_overwrites ?? []]));

/** Ids of the messages left in a channel, oldest first. */
const messageIds = (channelId: string) => emu.messages.in(channelId).map((message) => message.id);

/** Posts `count` messages from `author`, optionally dated in the past; returns their ids, oldest first. */
function post(channelId: string, author: MemberView, count: number, content = 'hello', at?: number): string[] {
	return Array.from({ length: count }, (_, index) => emu.messages.send({ channelId, userId: author.id, content: `${content} ${index}`, ...(at === undefined ? {} : { at }) }).id);
}

/** How long this file waits for the answer to a deferred command (the helpers' default is 10 s). */
const ANSWER_TIMEOUT_MS = 20_000;

/** Runs a slash command as `actor` in a channel of `where` (default #general of the guild). */
function command(name: string, options: CommandOptions, actor: MemberView = mod, extra: Pick<SlashCommandRun, 'subcommand' | 'channelId' | 'permissionOverride'> & { where?: GuildHandle } = {}): Promise<MessageView> {
	const { where = guild, ...run } = extra;
	return slashCommand(emu, where, actor, name, options, { ...run, timeoutMs: ANSWER_TIMEOUT_MS });
}

beforeAll(async () => {
	clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock });
	guild = emu.world.createGuild({ name: 'Channels' });
	const mods = guild.createRole({ name: 'Mods', permissions: P.ManageMessages | P.ManageChannels }).id;
	const helpers = guild.createRole({ name: 'Helpers', permissions: P.ModerateMembers }).id;
	mod = guild.addMember({ username: 'moddy', roles: [mods] });
	helper = guild.addMember({ username: 'helper', roles: [helpers] });
	alice = guild.addMember({ username: 'alice' });
	bob = guild.addMember({ username: 'bob' });
	botty = guild.addMember({ username: 'botty', bot: true });
	modLogId = guild.createChannel({ name: 'mod-log', type: ChannelType.GuildText }).id;
	bot = await startTestBot({ emulator: emu, plugins: [moderationPlugin], clock });
	service = bot.handle.pluginHost.service('moderation');
	await service.ctx.updateConfig(guild.id, () => ({ modLogChannelId: modLogId }));
	await enableModeration(bot, guild);
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('/purge', () => {
	it('deletes the latest messages of a member, with a text, or of bots, and leaves the others', async () => {
		const channelId = newChannel();
		const aliceSpam = post(channelId, alice, 3, 'buy SPAM now');
		const bobHello = post(channelId, bob, 2, 'hello');
		const bottyBeep = post(channelId, botty, 2, 'beep');
		const aliceNice = post(channelId, alice, 1, 'nice');
		const bobSpam = post(channelId, bob, 1, 'spam again');

		const byAlice = await command('purge', { count: 10, member: alice.id }, mod, { channelId });
		expect(byAlice.ephemeral).toBe(true);
		expect(byAlice.content).toBe('Deleted 4 message(s).');
		expect(messageIds(channelId)).toEqual([...bobHello, ...bottyBeep, ...bobSpam]);

		const withText = await command('purge', { count: 10, contains: 'Spam' }, mod, { channelId });
		expect(withText.content).toBe('Deleted 1 message(s).');
		expect(messageIds(channelId)).toEqual([...bobHello, ...bottyBeep]);

		const bots = await command('purge', { count: 10, 'bots-only': true }, mod, { channelId });
		expect(bots.content).toBe('Deleted 2 message(s).');
		expect(messageIds(channelId)).toEqual(bobHello);
		expect(aliceSpam.concat(aliceNice).every((id) => !messageIds(channelId).includes(id))).toBe(true);

		// The count bounds the deletion: the latest one of the two left goes.
		expect((await command('purge', { count: 1 }, mod, { channelId })).content).toBe('Deleted 1 message(s).');
		expect(messageIds(channelId)).toEqual([bobHello[0]]);
		// No purge is a case; the audit log names the moderator.
		expect((await service.casesOf(guild.id, channelId)).total).toBe(0);
		expect(emu.recorder.calls('POST /channels/:id/messages/bulk-delete').at(-1)?.reason).toBe(`moddy (${mod.id}): purge of 2 message(s)`);
	});

	it('leaves messages older than 14 days and says how many; a lone recent one goes by the single-delete route', async () => {
		const channelId = newChannel();
		const old = post(channelId, alice, 3, 'old', clock.now() - 15 * DAY);
		const [recent] = post(channelId, alice, 1, 'recent');
		const bulkBefore = emu.recorder.calls('POST /channels/:id/messages/bulk-delete').length;
		const answer = await command('purge', { count: 10 }, mod, { channelId });
		expect(answer.content).toBe(
			'Deleted 1 message(s).\n3 matching message(s) older than 14 days were left: Discord does not let bots delete those in bulk.'
		);
		expect(messageIds(channelId)).toEqual(old);
		expect(emu.recorder.calls('POST /channels/:id/messages/bulk-delete')).toHaveLength(bulkBefore);
		expect(emu.recorder.calls('DELETE /channels/:id/messages/:id').at(-1)?.path).toContain(`/messages/${recent}`);
	});

	it('deletes more than 100 messages in batches of 100, newest first, and a last lone one alone', async () => {
		const channelId = newChannel();
		const ids = post(channelId, bob, 260, 'flood');
		const bulkBefore = emu.recorder.calls('POST /channels/:id/messages/bulk-delete').length;
		const singleBefore = emu.recorder.calls('DELETE /channels/:id/messages/:id').length;
		expect((await command('purge', { count: 201 }, mod, { channelId })).content).toBe('Deleted 201 message(s).');
		const bulk = emu.recorder.calls('POST /channels/:id/messages/bulk-delete').slice(bulkBefore);
		expect(bulk.map((call) => (call.body as { messages: string[] }).messages.length)).toEqual([100, 100]);
		expect(emu.recorder.calls('DELETE /channels/:id/messages/:id').length - singleBefore).toBe(1);
		// The 59 oldest are left.
		expect(messageIds(channelId)).toEqual(ids.slice(0, 59));
	});

	it('looks through at most the latest 5,000 messages and says so', async () => {
		const channelId = newChannel();
		post(channelId, bob, 5_050, 'chatter');
		const pagesBefore = emu.recorder.calls('GET /channels/:id/messages').length;
		const answer = await command('purge', { count: 5, member: alice.id }, mod, { channelId });
		expect(answer.content).toBe('Deleted 0 message(s).\nOnly the latest 5000 messages were looked through.');
		expect(emu.recorder.calls('GET /channels/:id/messages').length - pagesBefore).toBe(50);
		expect(emu.messages.in(channelId)).toHaveLength(5_050);
	});

	it('refuses, deleting nothing: a count outside 1 to 1,000, a member without Manage Messages', async () => {
		const channelId = newChannel();
		const ids = post(channelId, alice, 3);
		const before = mutations(emu);
		// Discord's client refuses a count outside the option's bounds...
		for (const count of [0, 1_001]) {
			expect(() => emu.interactions.command({ guildId: guild.id, channelId, userId: mod.id, name: 'purge', options: { count } })).toThrow(/count/);
		}
		// ...and the bot checks it again when a request bypasses them.
		const forged = emu.interactions.forgedCommand({
			guildId: guild.id,
			channelId,
			userId: mod.id,
			name: 'purge',
			options: [{ name: 'count', type: ApplicationCommandOptionType.Integer, value: 1_001 }]
		});
		expect((await finalAnswer(forged, '/purge', ANSWER_TIMEOUT_MS)).content).toBe('The number of messages must be a whole number from 1 to 1000; 1001 is not.');
		const refused = await command('purge', { count: 2 }, helper, { channelId, permissionOverride: true });
		expect(refused.ephemeral).toBe(true);
		expect(refused.content).toBe('You need the following permission(s) to use this command: Manage Messages.');
		expect(messageIds(channelId)).toEqual(ids);
		expect(mutations(emu)).toBe(before);
	});
});

describe('/slowmode', () => {
	it('sets a slowmode the way people type it, turns it off, and refuses more than 6 hours', async () => {
		const channelId = newChannel();
		const rate = () => channelOf(channelId).rate_limit_per_user;
		expect((await command('slowmode', { duration: '1m 30s', channel: channelId })).content).toBe(`Slowmode in <#${channelId}> is now 1 minute, 30 seconds.`);
		expect(rate()).toBe(90);
		expect((await command('slowmode', { duration: '6h', channel: channelId })).content).toBe(`Slowmode in <#${channelId}> is now 6 hours.`);
		expect(rate()).toBe(21_600);
		expect((await command('slowmode', { duration: 'off', channel: channelId })).content).toBe(`Slowmode in <#${channelId}> is off.`);
		expect(rate()).toBe(0);
		// In the channel the command is used in, by default.
		expect((await command('slowmode', { duration: '5s' }, mod, { channelId })).content).toBe(`Slowmode in <#${channelId}> is now 5 seconds.`);
		expect((await command('slowmode', { duration: '0' }, mod, { channelId })).content).toBe(`Slowmode in <#${channelId}> is off.`);

		const before = mutations(emu);
		expect((await command('slowmode', { duration: '7h', channel: channelId })).content).toBe('7 hours is out of range here: it must be between 0 seconds and 6 hours.');
		expect((await command('slowmode', { duration: 'soon', channel: channelId })).content).toBe('“soon” is not a duration. Write it like 1d 2h, 90m, 2w or 1h30m.');
		expect((await command('slowmode', { duration: '10s', channel: channelId }, helper, { permissionOverride: true })).content).toBe(
			'You need the following permission(s) to use this command: Manage Channels.'
		);
		expect(rate()).toBe(0);
		expect(mutations(emu)).toBe(before);
	});
});

describe('/lockdown channel and /unlock channel', () => {
	it('locks keeping the other bits, and restores the exact previous overwrite (Add Reactions allowed, Attach Files denied)', async () => {
		const channelId = newChannel({ permissionOverwrites: [{ id: guild.everyoneRoleId, type: 0, allow: P.AddReactions, deny: P.AttachFiles }] });
		const locked = await command('lockdown', { channel: channelId, reason: 'raid' }, mod, { subcommand: 'channel' });
		expect(locked.ephemeral).toBe(true);
		expect(locked.content).toMatch(new RegExp(`^Case #(\\d+): <#${channelId}> is locked: members cannot write or start threads there\\.\\nReason: raid$`));
		const number = Number(/#(\d+)/.exec(locked.content)![1]);
		expect(everyoneOverwrite(channelId)).toEqual({ allow: P.AddReactions.toString(), deny: (P.AttachFiles | LOCKDOWN_DENIED_BITS).toString() });
		expect(guild.permissionsOf(alice.id, channelId) & P.SendMessages).toBe(0n);
		expect(guild.permissionsOf(alice.id, channelId) & P.AddReactions).toBe(P.AddReactions);
		expect(await service.case(guild.id, number)).toMatchObject({ type: 'lockdown', targetId: channelId, moderatorId: mod.id, reason: 'raid', endsAt: null });
		expect(await service.channels.lockdownOf(guild.id, channelId)).toMatchObject({
			hadOverwrite: true,
			previousAllow: P.AddReactions.toString(),
			previousDeny: P.AttachFiles.toString(),
			caseNumber: number
		});
		expect(emu.recorder.calls('PUT /channels/:id/permissions/:id').at(-1)?.reason).toBe(`moddy (${mod.id}): raid`);

		const unlocked = await command('unlock', {}, mod, { subcommand: 'channel', channelId });
		expect(unlocked.content).toBe(`Case #${number + 1}: <#${channelId}> is unlocked; its permissions are back as they were.`);
		expect(everyoneOverwrite(channelId)).toEqual({ allow: P.AddReactions.toString(), deny: P.AttachFiles.toString() });
		expect(guild.permissionsOf(alice.id, channelId) & P.SendMessages).toBe(P.SendMessages);
		expect(await service.case(guild.id, number + 1)).toMatchObject({ type: 'unlock', targetId: channelId, moderatorId: mod.id });
		expect(await service.channels.lockdownOf(guild.id, channelId)).toBeNull();
		// The lockdown's mod-log embed now says when it ended.
		const lockdownCase = await service.case(guild.id, number);
		expect(lockdownCase?.endedAt).toBe(clock.now());
		const embed = emu.messages.in(modLogId).find((message) => message.id === lockdownCase?.modLogMessageId)?.embeds[0];
		expect(embed?.title).toBe(`Case #${number} · Lockdown`);
		expect(embed?.fields?.map((field) => field.name)).toContain('Ended');
	});

	it('a channel without an @everyone overwrite comes back without one', async () => {
		const channelId = newChannel();
		expect(everyoneOverwrite(channelId)).toBeUndefined();
		await command('lockdown', {}, mod, { subcommand: 'channel', channelId });
		expect(everyoneOverwrite(channelId)).toEqual({ allow: '0', deny: LOCKDOWN_DENIED_BITS.toString() });
		await command('unlock', { channel: channelId }, mod, { subcommand: 'channel' });
		expect(everyoneOverwrite(channelId)).toBeUndefined();
		expect(channelOf(channelId).permission_overwrites).toEqual([]);
	});

	it('refuses, changing nothing: already locked, not locked, a bad duration, a member without Manage Channels, a voice channel', async () => {
		const channelId = newChannel({ permissionOverwrites: [{ id: guild.everyoneRoleId, type: 0, allow: P.EmbedLinks }] });
		const unlockedChannel = newChannel();
		await command('lockdown', { channel: channelId }, mod, { subcommand: 'channel' });
		const overwritesBefore = allOverwrites(guild);
		const cases = (await service.casesOf(guild.id, channelId)).total;
		const before = mutations(emu);
		expect((await command('lockdown', { channel: channelId }, mod, { subcommand: 'channel' })).content).toBe(
			`<#${channelId}> is already locked. Lift the lockdown with /unlock channel first.`
		);
		expect((await command('unlock', { channel: unlockedChannel }, mod, { subcommand: 'channel' })).content).toBe(
			`<#${unlockedChannel}> is not locked (only a lockdown made with /lockdown can be lifted with /unlock).`
		);
		expect((await command('lockdown', { channel: unlockedChannel, duration: 'soon' }, mod, { subcommand: 'channel' })).content).toBe(
			'“soon” is not a duration. Write it like 1d 2h, 90m, 2w or 1h30m.'
		);
		expect((await command('lockdown', { channel: unlockedChannel, duration: '400d' }, mod, { subcommand: 'channel' })).content).toBe(
			'400 days is out of range here: it must be between 1 second and 365 days.'
		);
		for (const [name, channel] of [['lockdown', unlockedChannel], ['unlock', channelId]] as const) {
			const refused = await command(name, { channel }, helper, { subcommand: 'channel', permissionOverride: true });
			expect(refused.content).toBe('You need the following permission(s) to use this command: Manage Channels.');
		}
		const voiceId = guild.channels.find((channel) => channel.type === ChannelType.GuildVoice)!.id;
		expect((await command('lockdown', {}, mod, { subcommand: 'channel', channelId: voiceId })).content).toBe(
			`<#${voiceId}> cannot be locked: only text and announcement channels can.`
		);
		expect(mutations(emu)).toBe(before);
		expect(allOverwrites(guild)).toEqual(overwritesBefore);
		expect((await service.casesOf(guild.id, channelId)).total).toBe(cases);
		expect(await service.channels.lockdownOf(guild.id, unlockedChannel)).toBeNull();
		await command('unlock', { channel: channelId }, mod, { subcommand: 'channel' });
		expect(everyoneOverwrite(channelId)).toEqual({ allow: P.EmbedLinks.toString(), deny: '0' });
	});

	it('a Discord refusal keeps no snapshot: the channel does not count as locked', async () => {
		// @everyone's overwrite allows Manage Webhooks, which the bot does not hold: Discord refuses to write it back
		// with the lockdown's bits (50013), so nothing changes and no lockdown is left behind.
		const channelId = newChannel({ permissionOverwrites: [{ id: guild.everyoneRoleId, type: 0, allow: P.ManageWebhooks }] });
		emu.expectFailures((failure) => failure.code === 50013);
		const refused = await command('lockdown', { channel: channelId }, mod, { subcommand: 'channel' });
		expect(refused.content).toBe(
			`Discord refused to change <#${channelId}>: I lack a permission there, or its @everyone overwrite holds a permission I do not have.`
		);
		expect(await service.channels.lockdownOf(guild.id, channelId)).toBeNull();
		expect(everyoneOverwrite(channelId)).toEqual({ allow: P.ManageWebhooks.toString(), deny: '0' });
		expect((await service.casesOf(guild.id, channelId)).total).toBe(0);
	});
});

describe('timed lockdowns', () => {
	it('ends by itself at its time, restoring the channel, as a case of the bot', async () => {
		const channelId = newChannel({ permissionOverwrites: [{ id: guild.everyoneRoleId, type: 0, allow: P.AddReactions, deny: P.AttachFiles }] });
		const answer = await command('lockdown', { channel: channelId, duration: '30m', reason: 'cool down' }, mod, { subcommand: 'channel' });
		const endsAt = clock.now() + 30 * MINUTE;
		expect(answer.content).toContain(`It unlocks by itself in 30 minutes, <t:${endsAt / 1_000}:f> (<t:${endsAt / 1_000}:R>).`);
		const lockdown = (await service.channels.lockdownOf(guild.id, channelId))!;
		expect(lockdown.endsAt).toBe(endsAt);
		expect(await bot.handle.taskQueue.stateOf(LOCKDOWN_END_TASK, guild.id, lockdownTaskKey(channelId, lockdown.id))).toBe('delayed');

		clock.advance(29 * MINUTE);
		// Nothing happens before its time (given the bot a moment to act wrongly).
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(await bot.handle.taskQueue.stateOf(LOCKDOWN_END_TASK, guild.id, lockdownTaskKey(channelId, lockdown.id))).toBe('delayed');
		expect(everyoneOverwrite(channelId)?.deny).toBe((P.AttachFiles | LOCKDOWN_DENIED_BITS).toString());

		clock.advance(MINUTE);
		await vi.waitFor(() => expect(everyoneOverwrite(channelId)).toEqual({ allow: P.AddReactions.toString(), deny: P.AttachFiles.toString() }), { timeout: 10_000 });
		await vi.waitFor(async () => expect(await service.channels.lockdownOf(guild.id, channelId)).toBeNull(), { timeout: 10_000 });
		const history = await vi.waitFor(
			async () => {
				const page = await service.casesOf(guild.id, channelId);
				expect(page.total).toBe(2);
				return page;
			},
			{ timeout: 10_000 }
		);
		const [unlock, locked] = history.cases;
		expect(unlock).toMatchObject({ type: 'unlock', moderatorId: emu.bot.id, reason: `timed lockdown ended (case #${locked!.number})` });
		expect(locked).toMatchObject({ type: 'lockdown', durationMs: 30 * MINUTE, endsAt, endedAt: endsAt });
		expect(emu.recorder.calls('PUT /channels/:id/permissions/:id').at(-1)?.reason).toBe(`${emu.bot.username} (${emu.bot.id}): timed lockdown ended (case #${locked!.number})`);
	});

	it('a manual unlock cancels the timed end; a new lockdown afterwards has its own end', async () => {
		const channelId = newChannel();
		await command('lockdown', { channel: channelId, duration: '1h' }, mod, { subcommand: 'channel' });
		const first = (await service.channels.lockdownOf(guild.id, channelId))!;
		await command('unlock', { channel: channelId }, mod, { subcommand: 'channel' });
		expect(await bot.handle.taskQueue.stateOf(LOCKDOWN_END_TASK, guild.id, lockdownTaskKey(channelId, first.id))).toBeNull();

		await command('lockdown', { channel: channelId, duration: '2h' }, mod, { subcommand: 'channel' });
		const second = (await service.channels.lockdownOf(guild.id, channelId))!;
		clock.advance(HOUR);
		await new Promise((resolve) => setTimeout(resolve, 300));
		// The first lockdown's hour passed: the second one stands.
		expect(everyoneOverwrite(channelId)?.deny).toBe(LOCKDOWN_DENIED_BITS.toString());
		expect((await service.channels.lockdownOf(guild.id, channelId))?.id).toBe(second.id);
		clock.advance(HOUR);
		await vi.waitFor(() => expect(everyoneOverwrite(channelId)).toBeUndefined(), { timeout: 10_000 });
		await vi.waitFor(async () => expect((await service.casesOf(guild.id, channelId)).total).toBe(4), { timeout: 10_000 });
	});

	it('ends even where the plugin was turned off meanwhile', async () => {
		const elsewhere = emu.world.createGuild({ name: 'Turned off later' });
		elsewhere.addMember({ username: 'moddy', userId: mod.id, permissions: P.ManageChannels });
		await enableModeration(bot, elsewhere);
		const channelId = newChannel({}, elsewhere);
		await command('lockdown', { channel: channelId, duration: '5m' }, mod, { subcommand: 'channel', where: elsewhere });
		await bot.handle.settings.setPluginEnabled(elsewhere.id, 'moderation', false);
		clock.advance(5 * MINUTE);
		await vi.waitFor(() => expect(everyoneOverwrite(channelId, elsewhere)).toBeUndefined(), { timeout: 10_000 });
		await vi.waitFor(async () => expect(await service.channels.lockdownsOf(elsewhere.id)).toEqual([]), { timeout: 10_000 });
	});

	it('an end the task queue lost is queued again by reconcileLockdownEnds', async () => {
		const channelId = newChannel();
		await command('lockdown', { channel: channelId, duration: '10m' }, mod, { subcommand: 'channel' });
		const lockdown = (await service.channels.lockdownOf(guild.id, channelId))!;
		expect(await bot.handle.taskQueue.cancel(LOCKDOWN_END_TASK, guild.id, lockdownTaskKey(channelId, lockdown.id))).toBe(true);
		expect(await service.channels.reconcileLockdownEnds()).toBeGreaterThanOrEqual(1);
		expect(await bot.handle.taskQueue.stateOf(LOCKDOWN_END_TASK, guild.id, lockdownTaskKey(channelId, lockdown.id))).toBe('delayed');
		clock.advance(10 * MINUTE);
		await vi.waitFor(() => expect(everyoneOverwrite(channelId)).toBeUndefined(), { timeout: 10_000 });
	});
});

describe('/lockdown server and /unlock server', () => {
	it('locks every text and announcement channel the bot can manage, says which it could not, and unlocks them exactly', async () => {
		const server = emu.world.createGuild({ name: 'Server lockdown' });
		server.addMember({ username: 'moddy', userId: mod.id, permissions: P.ManageChannels });
		await enableModeration(bot, server);
		const generalId = generalChannelId(server);
		const news = newChannel({ type: ChannelType.GuildAnnouncement, permissionOverwrites: [{ id: server.everyoneRoleId, type: 0, allow: P.AddReactions, deny: P.AttachFiles }] }, server);
		const hidden = newChannel({ permissionOverwrites: [{ id: server.everyoneRoleId, type: 0, deny: P.ViewChannel }] }, server);
		const refused = newChannel({ permissionOverwrites: [{ id: server.botRoleId, type: 0, deny: P.ManageRoles }] }, server);
		const early = newChannel({}, server);
		await command('lockdown', { channel: early }, mod, { subcommand: 'channel', where: server });
		const earlyOverwrite = everyoneOverwrite(early, server);
		const original = allOverwrites(server);

		const answer = await command('lockdown', { duration: '1h', reason: 'raid' }, mod, { subcommand: 'server', where: server });
		const endsAt = clock.now() + HOUR;
		expect(answer.content).toBe(
			[
				'Locked 2 channel(s).',
				`They unlock by themselves in 1 hour, <t:${endsAt / 1_000}:f> (<t:${endsAt / 1_000}:R>).`,
				`Already locked, left as they are: <#${early}>`,
				`Left out, as @everyone cannot see them: <#${hidden}>`,
				`Could not lock: <#${refused}>`
			].join('\n')
		);
		expect(everyoneOverwrite(generalId, server)).toEqual({ allow: '0', deny: LOCKDOWN_DENIED_BITS.toString() });
		expect(everyoneOverwrite(news, server)).toEqual({ allow: P.AddReactions.toString(), deny: (P.AttachFiles | LOCKDOWN_DENIED_BITS).toString() });
		expect(everyoneOverwrite(hidden, server)).toEqual({ allow: '0', deny: P.ViewChannel.toString() });
		expect(everyoneOverwrite(refused, server)).toBeUndefined();
		expect(everyoneOverwrite(early, server)).toEqual(earlyOverwrite);
		const lockdowns = await service.channels.lockdownsOf(server.id);
		expect(lockdowns.map((lockdown) => lockdown.channelId).sort()).toEqual([early, generalId, news].sort());
		// One case per locked channel, with the same end.
		for (const channelId of [generalId, news]) {
			expect((await service.casesOf(server.id, channelId)).cases[0]).toMatchObject({ type: 'lockdown', reason: 'raid', endsAt });
		}
		// Again: nothing new to lock. (The channel the bot cannot manage is named again while it exists.)
		server.deleteChannel(refused);
		const before = mutations(emu);
		expect((await command('lockdown', {}, mod, { subcommand: 'server', where: server })).content).toBe('Every channel I can lock is already locked.');
		expect(mutations(emu)).toBe(before);

		const unlocked = await command('unlock', {}, mod, { subcommand: 'server', where: server });
		expect(unlocked.content).toBe('Unlocked 3 channel(s); their permissions are back as they were.');
		// Everything exactly as before the server lockdown, the channel locked before it included; no end left pending.
		expect(everyoneOverwrite(early, server)).toBeUndefined();
		const { [refused]: _deleted, ...rest } = original;
		expect({ ...allOverwrites(server), [early]: [] }).toEqual({ ...rest, [early]: [] });
		for (const lockdown of lockdowns) {
			expect(await bot.handle.taskQueue.stateOf(LOCKDOWN_END_TASK, server.id, lockdownTaskKey(lockdown.channelId, lockdown.id))).toBeNull();
		}
		expect(await service.channels.lockdownsOf(server.id)).toEqual([]);
		expect((await command('unlock', {}, mod, { subcommand: 'server', where: server })).content).toBe('No channel of this server is locked.');
	});
});

describe('at once', () => {
	it('two lockdowns of one channel at once: one locks, the other is refused, one case', async () => {
		const channelId = newChannel({ permissionOverwrites: [{ id: guild.everyoneRoleId, type: 0, allow: P.AddReactions }] });
		const results = await Promise.allSettled([0, 1].map(() => service.channels.lock(guild.id, { channelId, moderatorId: mod.id })));
		expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
		const [refusal] = results.filter((result) => result.status === 'rejected');
		expect((refusal as PromiseRejectedResult).reason).toMatchObject({ identifier: 'moderation:errors.alreadyLocked' });
		expect((await service.casesOf(guild.id, channelId)).total).toBe(1);
		await service.channels.unlock(guild.id, { channelId, moderatorId: mod.id });
		expect(everyoneOverwrite(channelId)).toEqual({ allow: P.AddReactions.toString(), deny: '0' });
	});

	it('a timed server lockdown of twelve channels ends everywhere at its time', async () => {
		const big = emu.world.createGuild({ name: 'Twelve channels' });
		big.addMember({ username: 'moddy', userId: mod.id, permissions: P.ManageChannels });
		await enableModeration(bot, big);
		for (let index = 0; index < 11; index++) newChannel({}, big);
		const texts = big.channels.filter((channel) => channel.type === ChannelType.GuildText).map((channel) => channel.id);
		expect(texts).toHaveLength(12);
		expect((await command('lockdown', { duration: '1m' }, mod, { subcommand: 'server', where: big })).content).toMatch(/^Locked 12 channel\(s\)\./);
		expect(texts.every((id) => everyoneOverwrite(id, big)?.deny === LOCKDOWN_DENIED_BITS.toString())).toBe(true);
		clock.advance(MINUTE);
		await vi.waitFor(async () => expect(await service.channels.lockdownsOf(big.id)).toEqual([]), { timeout: 20_000 });
		expect(texts.map((id) => everyoneOverwrite(id, big))).toEqual(texts.map(() => undefined));
	});
});

describe('languages', () => {
	it('answers a French guild in French', async () => {
		const french = emu.world.createGuild({ name: 'Salons', preferredLocale: 'fr' });
		french.addMember({ username: 'moddy', userId: mod.id, permissions: P.ManageChannels | P.ManageMessages });
		await enableModeration(bot, french);
		const channelId = newChannel({}, french);
		const locked = await command('lockdown', { channel: channelId }, mod, { subcommand: 'channel', where: french });
		expect(locked.content).toMatch(new RegExp(`^Dossier n° 1 : <#${channelId}> est verrouillé : les membres ne peuvent plus y écrire ni y créer de fils\\.`));
		expect((await command('slowmode', { duration: 'désactivé', channel: channelId }, mod, { where: french })).content).toBe(`Le mode lent de <#${channelId}> est désactivé.`);
	});
});
