/**
 * The moderation service (src/plugins/moderation/service/ModerationService.ts) in the real bot on the Discord
 * emulator: actions through REST with the audit-log reason, cases and their numbers, the mod log, DMs (before kicks and
 * bans; closed DMs), the refusals of issue 8 (nothing changes), escalation, warning decay on a manual clock, temporary
 * bans ended exactly once by the `moderationUnban` task and never after a newer ban, amendments, deletion, pardons,
 * and actions done by hand in Discord recorded as external cases from the audit log.
 */
import { DiscordEmulator, type GuildHandle, type MemberView } from '@hearth/discord-emulator';
import { UserError } from '@sapphire/framework';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { moderationPlugin } from '../../../src/plugins/moderation/index.js';
import type { moderationConfigSchema } from '../../../src/plugins/moderation/lib/config.js';
import type { ModerationService } from '../../../src/plugins/moderation/service/ModerationService.js';
import type { ConfigPatch } from '../../../src/lib/plugins/context.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { DAY, enableModeration, generalChannelId, HOUR, isBanned, memberMaker, MOD_PERMISSIONS, mutations, START, unbanCalls, unbanState } from './e2eHelpers.js';

let emu: DiscordEmulator;
let bot: TestBot;
let clock: ManualClock;
let service: ModerationService;
let guild: GuildHandle;
let modLogId: string;
let generalId: string;
let mod: MemberView;
let senior: MemberView;
let guarded: MemberView;
let boss: MemberView;
let admin: MemberView;
const roles: Record<string, string> = {};

const addMember = memberMaker();
/** A new ordinary member (below the moderator), DMs open unless said otherwise. */
const newMember = (options: { dmsOpen?: boolean } = {}) => addMember(guild, [roles.member!], options);

/** The UserError a call rejects with (fails the test when it resolves or rejects with something else). */
async function refusal(call: Promise<unknown>): Promise<UserError> {
	try {
		await call;
	} catch (error) {
		if (error instanceof UserError) return error;
		throw error;
	}
	throw new Error('expected a UserError');
}

/** Sets the guild's moderation config (through the plugin's atomic update). */
const configure = (patch: ConfigPatch<typeof moderationConfigSchema>) => service.ctx.updateConfig(guild.id, () => patch);

beforeAll(async () => {
	clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock });
	guild = emu.world.createGuild({ name: 'Moderated' });
	// Roles from the bottom up (each new role goes just below the bot's): member < guarded < mods < senior < bot < boss.
	roles.admins = guild.createRole({ name: 'Admins', permissions: PermissionFlagsBits.Administrator }).id;
	roles.member = guild.createRole({ name: 'Member' }).id;
	roles.protected = guild.createRole({ name: 'Protected' }).id;
	roles.mods = guild.createRole({ name: 'Mods', permissions: MOD_PERMISSIONS }).id;
	roles.senior = guild.createRole({ name: 'Senior' }).id;
	roles.boss = guild.createRole({ name: 'Boss', position: guild.role(guild.botRoleId)!.position + 1 }).id;
	mod = guild.addMember({ username: 'moddy', roles: [roles.mods] });
	senior = guild.addMember({ username: 'senior', roles: [roles.senior] });
	guarded = guild.addMember({ username: 'guarded', roles: [roles.member, roles.protected] });
	boss = guild.addMember({ username: 'boss', roles: [roles.boss] });
	admin = guild.addMember({ username: 'admin', roles: [roles.admins] });
	modLogId = guild.createChannel({ name: 'mod-log', type: ChannelType.GuildText }).id;
	generalId = generalChannelId(guild);
	bot = await startTestBot({ emulator: emu, plugins: [moderationPlugin], clock });
	service = bot.handle.pluginHost.service('moderation');
	await configure({ modLogChannelId: modLogId, protectedRoleIds: [roles.protected] });
	// On in the guild, so its audit-log listener runs: the bot's own actions must not come back as external cases.
	await enableModeration(bot, guild);
});

afterEach(() => {
	emu.assertNoFailures();
});

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('warn', () => {
	it('records case 1, posts its embed to the mod log and DMs the member in the guild language', async () => {
		const alice = newMember();
		const result = await service.warn(guild.id, { targetId: alice.id, moderatorId: mod.id, reason: 'spam in #general' });
		expect(result.case).toMatchObject({ number: 1, type: 'warn', targetId: alice.id, moderatorId: mod.id, reason: 'spam in #general', source: 'command' });
		expect(result.case.expiresAt).toBe(START + 90 * DAY);
		expect(result).toMatchObject({ dm: 'sent', activeWarnings: 1, escalation: null });
		const [posted] = emu.messages.in(modLogId);
		expect(posted?.id).toBe(result.case.modLogMessageId);
		expect(posted?.embeds[0]).toMatchObject({ title: 'Case #1 · Warning' });
		expect(posted?.embeds[0]?.fields).toEqual(
			expect.arrayContaining([
				{ name: 'Member', value: `<@${alice.id}> (${alice.id})`, inline: true },
				{ name: 'Moderator', value: `<@${mod.id}> (${mod.id})`, inline: true },
				{ name: 'Reason', value: 'spam in #general' }
			])
		);
		expect(emu.messages.dmsTo(alice.id).map((message) => message.content)).toEqual(['You received a warning in **Moderated**.\nReason: spam in #general']);
		expect(await service.case(guild.id, 1)).toEqual(result.case);
	});

	it('refuses, changing nothing: oneself, the bot, the owner, a protected role, a role at or above the moderator or the bot', async () => {
		const before = { cases: (await service.casesOf(guild.id, mod.id)).total, calls: mutations(emu, { includeAnswers: true }) };
		const identifiers = [];
		for (const targetId of [mod.id, emu.bot.id, guild.ownerId, guarded.id, senior.id, boss.id]) {
			identifiers.push((await refusal(service.warn(guild.id, { targetId, moderatorId: mod.id, reason: 'x' }))).identifier);
		}
		expect(identifiers).toEqual([
			'moderation:errors.targetIsActor',
			'moderation:errors.targetIsBot',
			'moderation:errors.targetIsOwner',
			'moderation:errors.targetProtected',
			'moderation:errors.targetAboveActor',
			'moderation:errors.targetAboveActor' // above the bot too: the moderator's own rank is named first
		]);
		// The owner may act on a member above the moderator, not on one above the bot.
		expect((await service.warn(guild.id, { targetId: senior.id, moderatorId: guild.ownerId, reason: 'owner says' })).case.type).toBe('warn');
		expect((await refusal(service.warn(guild.id, { targetId: boss.id, moderatorId: guild.ownerId }))).identifier).toBe('moderation:errors.targetAboveBot');
		expect(mutations(emu, { includeAnswers: true }) - before.calls).toBe(3); // the owner's warning: its mod-log post, the DM channel and the DM
		expect((await service.casesOf(guild.id, mod.id)).total).toBe(before.cases);
	});

	it('refuses a reason over 512 characters, and a missing reason where the guild requires one', async () => {
		const bob = newMember();
		const tooLong = await refusal(service.warn(guild.id, { targetId: bob.id, moderatorId: mod.id, reason: '😀'.repeat(513) }));
		expect(tooLong.identifier).toBe('moderation:errors.reasonTooLong');
		expect(tooLong.context).toEqual({ length: 513, max: 512 });
		await configure({ requireReason: true });
		try {
			expect((await refusal(service.warn(guild.id, { targetId: bob.id, moderatorId: mod.id, reason: '   ' }))).identifier).toBe('moderation:errors.reasonRequired');
			// Automatic actions are not held to it.
			expect((await service.warn(guild.id, { targetId: bob.id, moderatorId: emu.bot.id, source: 'automod' })).case.reason).toBeNull();
		} finally {
			await configure({ requireReason: undefined });
		}
		expect((await service.warningsOf(guild.id, bob.id)).active).toHaveLength(1);
	});
});

describe('kick and ban', () => {
	it('DMs the member before the kick, and the kick carries the audit-log reason', async () => {
		const carol = newMember();
		const result = await service.kick(guild.id, { targetId: carol.id, moderatorId: mod.id, reason: 'raiding' });
		expect(result).toMatchObject({ dm: 'sent', case: { type: 'kick', targetId: carol.id } });
		expect(guild.member(carol.id)).toBeUndefined();
		const kick = emu.recorder.calls('DELETE /guilds/:id/members/:id').find((call) => call.path.endsWith(`/${carol.id}`))!;
		expect(kick.reason).toBe(`moddy (${mod.id}): raiding`);
		const dm = emu.recorder.rest.find((call) => call.method === 'POST' && call.body !== null && JSON.stringify(call.body).includes('You were kicked from'))!;
		expect(emu.recorder.rest.indexOf(dm)).toBeLessThan(emu.recorder.rest.indexOf(kick));
		expect(emu.messages.dmsTo(carol.id).map((message) => message.content)).toEqual(['You were kicked from **Moderated**.\nReason: raiding']);
	});

	it('cuts a long audit-log reason to the 512 characters Discord accepts (code points, not UTF-16 units)', async () => {
		const member = newMember();
		const reason = '😀'.repeat(512);
		const { case: kicked } = await service.kick(guild.id, { targetId: member.id, moderatorId: mod.id, reason });
		expect(kicked.reason).toBe(reason);
		const kick = emu.recorder.calls('DELETE /guilds/:id/members/:id').find((call) => call.path.endsWith(`/${member.id}`))!;
		expect(kick.status).toBe(204);
		expect([...(kick.reason ?? '')]).toHaveLength(512);
		expect(kick.reason).toMatch(/^moddy \(\d+\): 😀+…$/u);
	});

	it('says "not notified" when DMs are closed, and acts anyway', async () => {
		const closed = newMember({ dmsOpen: false });
		emu.expectFailures((failure) => failure.code === 50007);
		const result = await service.ban(guild.id, { targetId: closed.id, moderatorId: mod.id, reason: 'spam bot' });
		expect(result).toMatchObject({ dm: 'refused', endScheduled: null, case: { type: 'ban', durationMs: null, endsAt: null } });
		expect(isBanned(guild, closed.id)).toBe(true);
	});

	it('bans a user who is not a member, without a DM; refuses a delete window over 7 days', async () => {
		const stranger = emu.world.createUser({ username: 'stranger' });
		expect((await refusal(service.ban(guild.id, { targetId: stranger.id, moderatorId: mod.id, deleteMessageSeconds: 604_801 }))).identifier).toBe('moderation:errors.badDeleteMessages');
		const result = await service.ban(guild.id, { targetId: stranger.id, moderatorId: mod.id, deleteMessageSeconds: 3_600 });
		expect(result.dm).toBe('notMember');
		expect(isBanned(guild, stranger.id)).toBe(true);
		const put = emu.recorder.calls('PUT /guilds/:id/bans/:id').find((call) => call.path.endsWith(`/${stranger.id}`))!;
		expect(put.body).toEqual({ delete_message_seconds: 3_600 });
		expect(put.reason).toBe(`moddy (${mod.id}): no reason given`);
	});

	it('refuses a kick of someone who is not a member and an unban of someone not banned', async () => {
		const stranger = emu.world.createUser({ username: 'stranger2' });
		expect((await refusal(service.kick(guild.id, { targetId: stranger.id, moderatorId: mod.id }))).identifier).toBe('moderation:errors.notMember');
		expect((await refusal(service.unban(guild.id, { targetId: stranger.id, moderatorId: mod.id }))).identifier).toBe('moderation:errors.notBanned');
	});

	it('a softban removes the member and their recent messages, and leaves them unbanned', async () => {
		const dave = newMember();
		emu.messages.send({ guildId: guild.id, channelId: generalId, userId: dave.id, content: 'buy followers' });
		const result = await service.softban(guild.id, { targetId: dave.id, moderatorId: mod.id, reason: 'ads' });
		expect(result.case).toMatchObject({ type: 'softban', endedAt: START });
		expect(guild.member(dave.id)).toBeUndefined();
		expect(isBanned(guild, dave.id)).toBe(false);
		expect(emu.messages.in(generalId).some((message) => message.author.id === dave.id)).toBe(false);
	});
});

describe('timeouts', () => {
	it('times a member out until a time, and lifts it, ending the timeout case', async () => {
		const erin = newMember();
		const timeout = await service.timeout(guild.id, { targetId: erin.id, moderatorId: mod.id, reason: 'cool down', until: START + 2 * HOUR });
		expect(timeout.case).toMatchObject({ type: 'timeout', durationMs: 2 * HOUR, endsAt: START + 2 * HOUR, endedAt: null });
		expect(Date.parse(guild.member(erin.id)?.communication_disabled_until ?? '')).toBe(START + 2 * HOUR);
		expect(emu.messages.dmsTo(erin.id).at(-1)?.content).toBe(
			`You were timed out in **Moderated** for 2 hours, until <t:${(START + 2 * HOUR) / 1_000}:f> (<t:${(START + 2 * HOUR) / 1_000}:R>).\nReason: cool down`
		);
		// Not cached (src/lib/caches.ts: moderation caches no member): the untimeout fetches her, no stale copy to wait for.
		expect(bot.handle.client.guilds.cache.get(guild.id)?.members.cache.has(erin.id)).toBe(false);
		const lifted = await service.untimeout(guild.id, { targetId: erin.id, moderatorId: mod.id });
		expect(lifted.case.type).toBe('untimeout');
		expect(guild.member(erin.id)?.communication_disabled_until ?? null).toBeNull();
		expect((await service.case(guild.id, timeout.case.number))?.endedAt).toBe(START);
		expect((await refusal(service.untimeout(guild.id, { targetId: erin.id, moderatorId: mod.id }))).identifier).toBe('moderation:errors.notTimedOut');
	});

	it('refuses a timeout over 28 days, and of an administrator', async () => {
		const frank = newMember();
		const tooLong = await refusal(service.timeout(guild.id, { targetId: frank.id, moderatorId: mod.id, until: START + 29 * DAY }));
		expect(tooLong.identifier).toBe('moderation:errors.durationOutOfRange');
		expect(tooLong.context).toEqual({ duration: '29 days', min: '1 second', max: '28 days' });
		expect((await refusal(service.timeout(guild.id, { targetId: admin.id, moderatorId: mod.id, until: START + HOUR }))).identifier).toBe('moderation:errors.cannotTimeoutAdmin');
		expect(guild.member(frank.id)?.communication_disabled_until ?? null).toBeNull();
	});
});

describe('temporary bans', () => {
	it('ends a temporary ban once, at its end, and edits its embed', async () => {
		const gina = newMember();
		const result = await service.ban(guild.id, { targetId: gina.id, moderatorId: mod.id, reason: 'cool off', durationMs: HOUR });
		expect(result).toMatchObject({ endScheduled: true, case: { durationMs: HOUR, endsAt: clock.now() + HOUR } });
		expect(emu.messages.dmsTo(gina.id).at(-1)?.content).toContain('You were banned from **Moderated** for 1 hour');
		expect(await unbanState(bot, guild.id, gina.id, result.case.number)).toBe('delayed');
		clock.advance(HOUR - 1_000);
		expect(isBanned(guild, gina.id)).toBe(true);
		clock.advance(1_000);
		await vi.waitFor(async () => expect((await service.case(guild.id, result.case.number))?.endedAt).not.toBeNull(), { timeout: 10_000 });
		expect(isBanned(guild, gina.id)).toBe(false);
		expect(unbanCalls(emu, gina.id)).toHaveLength(1);
		expect(unbanCalls(emu, gina.id)[0]?.reason).toBe(`${emu.bot.username} (${emu.bot.id}): temporary ban ended (case #${result.case.number})`);
		const edited = emu.messages.in(modLogId).find((message) => message.id === result.case.modLogMessageId);
		expect(edited?.embeds[0]?.fields?.some((field) => field.name === 'Ended')).toBe(true);
		clock.advance(DAY);
		expect(await unbanState(bot, guild.id, gina.id, result.case.number)).toBe('completed');
		expect(unbanCalls(emu, gina.id)).toHaveLength(1);
	});

	it('never lifts a permanent ban given after a temporary one', async () => {
		const hank = newMember();
		const temporary = await service.ban(guild.id, { targetId: hank.id, moderatorId: mod.id, durationMs: HOUR });
		const permanent = await service.ban(guild.id, { targetId: hank.id, moderatorId: mod.id, reason: 'for good' });
		expect(permanent.case.number).toBe(temporary.case.number + 1);
		expect(await unbanState(bot, guild.id, hank.id, temporary.case.number)).toBeNull(); // cancelled
		clock.advance(2 * HOUR);
		await bot.handle.taskQueue.promoteDue();
		expect(isBanned(guild, hank.id)).toBe(true);
		expect(unbanCalls(emu, hank.id)).toHaveLength(0);
	});

	it('a stale end that runs anyway finds its ban replaced and does nothing', async () => {
		const ivan = newMember();
		const temporary = await service.ban(guild.id, { targetId: ivan.id, moderatorId: mod.id, durationMs: HOUR });
		await service.ban(guild.id, { targetId: ivan.id, moderatorId: mod.id });
		expect(await service.endTemporaryBan(guild.id, ivan.id, temporary.case.number)).toBe('superseded');
		expect(isBanned(guild, ivan.id)).toBe(true);
		expect(unbanCalls(emu, ivan.id)).toHaveLength(0);
	});

	it('a manual unban cancels the pending end and ends the ban case; deleting a running ban cancels its end', async () => {
		const jill = newMember();
		const ban = await service.ban(guild.id, { targetId: jill.id, moderatorId: mod.id, durationMs: DAY });
		const unban = await service.unban(guild.id, { targetId: jill.id, moderatorId: mod.id, reason: 'appeal accepted' });
		expect(unban.case.type).toBe('unban');
		expect(await unbanState(bot, guild.id, jill.id, ban.case.number)).toBeNull();
		expect((await service.case(guild.id, ban.case.number))?.endedAt).toBe(clock.now());
		expect(await service.endTemporaryBan(guild.id, jill.id, ban.case.number)).toBe('gone');

		const kate = newMember();
		const second = await service.ban(guild.id, { targetId: kate.id, moderatorId: mod.id, durationMs: DAY });
		const hidden = await service.hideCase(guild.id, second.case.number);
		expect(hidden).toMatchObject({ cancelledEnd: true, case: { hidden: true } });
		expect(await unbanState(bot, guild.id, kate.id, second.case.number)).toBeNull();
		expect((await service.casesOf(guild.id, kate.id)).total).toBe(0);
		expect((await refusal(service.hideCase(guild.id, second.case.number))).identifier).toBe('moderation:errors.caseDeleted');
	});

	it('refuses a temporary ban over 365 days', async () => {
		const leo = newMember();
		expect((await refusal(service.ban(guild.id, { targetId: leo.id, moderatorId: mod.id, durationMs: 366 * DAY }))).identifier).toBe('moderation:errors.durationOutOfRange');
		expect(isBanned(guild, leo.id)).toBe(false);
	});
});

describe('escalation and decay', () => {
	it('applies each threshold once, as a case naming the warning; warnings expire on the clock; pardons stop counting', async () => {
		await configure({
			warningLifetimeDays: 1,
			escalation: [
				{ warnings: 3, action: 'kick' },
				{ warnings: 2, action: 'timeout', durationSeconds: 3_600 }
			]
		});
		try {
			const mia = newMember();
			const warn = () => service.warn(guild.id, { targetId: mia.id, moderatorId: mod.id, reason: 'again' });
			const first = await warn();
			expect(first).toMatchObject({ activeWarnings: 1, escalation: null });
			// The first warning expires: the next one is the only one that counts.
			clock.advance(DAY);
			expect(await service.activeWarnings(guild.id, mia.id)).toEqual([]);
			expect(await warn()).toMatchObject({ activeWarnings: 1, escalation: null });
			const second = await warn();
			expect(second.activeWarnings).toBe(2);
			expect(second.escalation).toMatchObject({ status: 'applied', step: { warnings: 2, action: 'timeout' } });
			const timeoutCase = second.escalation?.status === 'applied' ? second.escalation.result.case : null;
			expect(timeoutCase).toMatchObject({
				type: 'timeout',
				source: 'escalation',
				triggeredByCase: second.case.number,
				moderatorId: emu.bot.id,
				reason: `Automatic: 2 active warnings (after warning case #${second.case.number})`,
				endsAt: clock.now() + HOUR
			});
			expect(Date.parse(guild.member(mia.id)?.communication_disabled_until ?? '')).toBe(clock.now() + HOUR);
			// Pardoned: back to 1; the next warning reaches 2 again, a new crossing.
			await service.pardon(guild.id, second.case.number, mod.id);
			expect((await refusal(service.pardon(guild.id, second.case.number, mod.id))).identifier).toBe('moderation:errors.alreadyPardoned');
			expect((await refusal(service.pardon(guild.id, timeoutCase!.number, mod.id))).identifier).toBe('moderation:errors.notAWarning');
			const third = await warn();
			expect(third).toMatchObject({ activeWarnings: 2, escalation: { status: 'applied', step: { action: 'timeout' } } });
			const fourth = await warn();
			expect(fourth).toMatchObject({ activeWarnings: 3, escalation: { status: 'applied', step: { action: 'kick' } } });
			expect(guild.member(mia.id)).toBeUndefined();
			const escalations = (await service.casesOf(guild.id, mia.id)).cases.filter((each) => each.source === 'escalation');
			expect(escalations.map((each) => [each.type, each.triggeredByCase])).toEqual([
				['kick', fourth.case.number],
				['timeout', third.case.number],
				['timeout', second.case.number]
			]);
			expect(await service.warningsOf(guild.id, mia.id)).toMatchObject({ active: { length: 3 }, expired: [{ number: first.case.number }], pardoned: [{ number: second.case.number }] });
		} finally {
			await configure({ warningLifetimeDays: undefined, escalation: undefined });
		}
	});

	it('30 warnings given at once: numbers without gaps, each count reached once, the threshold applied once', async () => {
		await configure({ escalation: [{ warnings: 10, action: 'timeout', durationSeconds: 600 }], dm: { warn: false } });
		try {
			const rita = newMember();
			const results = await Promise.all(Array.from({ length: 30 }, () => service.warn(guild.id, { targetId: rita.id, moderatorId: mod.id, reason: 'flood' })));
			const numbers = results.map((result) => result.case.number).sort((a, b) => a - b);
			expect(results.map((result) => result.activeWarnings).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, index) => index + 1));
			const escalated = results.filter((result) => result.escalation !== null);
			expect(escalated).toHaveLength(1);
			expect(escalated[0]).toMatchObject({ activeWarnings: 10, escalation: { status: 'applied', result: { case: { triggeredByCase: escalated[0]!.case.number } } } });
			// The tenth warning by number is the one that crossed.
			expect(escalated[0]!.case.number).toBe(numbers[9]);
			// With the escalation's timeout, 31 cases numbered one after another (it took its number among the warnings').
			const escalation = escalated[0]!.escalation;
			const all = [...numbers, escalation?.status === 'applied' ? escalation.result.case.number : 0].sort((a, b) => a - b);
			expect(all).toEqual(Array.from({ length: 31 }, (_, index) => all[0]! + index));
		} finally {
			await configure({ escalation: undefined, dm: undefined });
		}
	});

	it('reports an escalation that cannot apply, keeping the warning', async () => {
		await configure({ escalation: [{ warnings: 1, action: 'timeout', durationSeconds: 60 }] });
		try {
			const result = await service.warn(guild.id, { targetId: admin.id, moderatorId: mod.id, reason: 'rude' });
			expect(result.case.type).toBe('warn');
			expect(result.escalation).toMatchObject({ status: 'refused', error: { identifier: 'moderation:errors.cannotTimeoutAdmin' } });
		} finally {
			await configure({ escalation: undefined });
		}
	});
});

describe('cases', () => {
	it('amends a reason keeping its history, and edits the embed', async () => {
		const nora = newMember();
		const { case: warned } = await service.warn(guild.id, { targetId: nora.id, moderatorId: mod.id, reason: 'first' });
		clock.advance(1_000);
		const amended = await service.amendReason(guild.id, warned.number, 'second', guild.ownerId);
		expect(amended.reason).toBe('second');
		expect(amended.reasonHistory).toEqual([
			{ reason: 'first', moderatorId: mod.id, at: new Date(warned.createdAt).toISOString() },
			{ reason: 'second', moderatorId: guild.ownerId, at: new Date(clock.now()).toISOString() }
		]);
		const embed = emu.messages.in(modLogId).find((message) => message.id === warned.modLogMessageId)?.embeds[0];
		expect(embed?.fields?.find((field) => field.name === 'Reason')?.value).toBe('second');
		expect(embed?.footer?.text).toBe('Reason changed 1×');
		expect((await refusal(service.amendReason(guild.id, 99_999, 'x', mod.id))).identifier).toBe('moderation:errors.unknownCase');
		expect((await refusal(service.amendReason(guild.id, warned.number, '  ', mod.id))).identifier).toBe('moderation:errors.emptyReason');
	});

	it('records notes and external cases with the next numbers', async () => {
		const olga = newMember();
		const note = await service.note(guild.id, { targetId: olga.id, moderatorId: mod.id, text: 'watch this one' });
		const external = await service.createCase(guild.id, { type: 'ban', targetId: olga.id, moderatorId: guild.ownerId, reason: 'by hand', source: 'external' });
		expect(external.number).toBe(note.number + 1);
		expect((await service.casesOf(guild.id, olga.id)).cases.map((each) => each.type)).toEqual(['ban', 'note']);
		expect((await refusal(service.note(guild.id, { targetId: olga.id, moderatorId: mod.id, text: ' ' }))).identifier).toBe('moderation:errors.emptyNote');
	});

	it('writes the mod log and DMs in the guild language', async () => {
		await bot.handle.settings.setLanguage(guild.id, 'fr');
		try {
			const paul = newMember();
			const result = await service.warn(guild.id, { targetId: paul.id, moderatorId: mod.id, reason: 'flood' });
			const embed = emu.messages.in(modLogId).find((message) => message.id === result.case.modLogMessageId)?.embeds[0];
			expect(embed?.title).toBe(`Dossier n° ${result.case.number} · Avertissement`);
			expect(emu.messages.dmsTo(paul.id).at(-1)?.content).toBe('Vous avez reçu un avertissement sur **Moderated**.\nRaison : flood');
		} finally {
			await bot.handle.settings.setLanguage(guild.id, null);
		}
	});

	it('keeps the case when the mod log cannot be posted (logged)', async () => {
		await configure({ modLogChannelId: '123456789012345678' });
		try {
			emu.expectFailures((failure) => failure.status === 404);
			const quinn = newMember();
			const result = await service.warn(guild.id, { targetId: quinn.id, moderatorId: mod.id });
			expect(result.case.modLogMessageId).toBeNull();
			expect(await service.case(guild.id, result.case.number)).toMatchObject({ number: result.case.number, modLogMessageId: null });
			expect(bot.logs.find(`Case #${result.case.number} of guild ${guild.id} could not be posted to the mod log`)).toHaveLength(1);
		} finally {
			await configure({ modLogChannelId: modLogId });
		}
	});
});

describe('external cases', () => {
	/** The newest case of a user, once it is there. */
	const waitForCase = (userId: string, type: string) =>
		vi.waitFor(
			async () => {
				const [latest] = (await service.casesOf(guild.id, userId)).cases;
				expect(latest?.type).toBe(type);
				return latest!;
			},
			{ timeout: 10_000 }
		);

	it('records bans, unbans, kicks and timeouts done by hand in Discord, with the moderator and reason Discord recorded', async () => {
		const sam = newMember();
		emu.moderation.timeout(guild.id, { actorId: mod.id, targetId: sam.id, reason: 'by hand', until: clock.now() + HOUR });
		expect(await waitForCase(sam.id, 'timeout')).toMatchObject({ source: 'external', moderatorId: mod.id, reason: 'by hand', endsAt: clock.now() + HOUR, durationMs: HOUR });
		emu.moderation.untimeout(guild.id, { actorId: mod.id, targetId: sam.id });
		expect(await waitForCase(sam.id, 'untimeout')).toMatchObject({ source: 'external', reason: null });
		emu.moderation.kick(guild.id, { actorId: mod.id, targetId: sam.id, reason: 'out' });
		await waitForCase(sam.id, 'kick');
		emu.moderation.ban(guild.id, { actorId: guild.ownerId, targetId: sam.id, reason: 'and stay out' });
		expect(await waitForCase(sam.id, 'ban')).toMatchObject({ source: 'external', moderatorId: guild.ownerId, reason: 'and stay out', endsAt: null });
		// Posted to the mod log once recorded (the post may wait for Discord's rate limit of the channel).
		const banCase = (await service.casesOf(guild.id, sam.id)).cases[0]!;
		const messageId = await vi.waitFor(async () => {
			const id = (await service.case(guild.id, banCase.number))?.modLogMessageId;
			expect(id).toBeTruthy();
			return id!;
		}, { timeout: 10_000 });
		const posted = emu.messages.in(modLogId).find((message) => message.id === messageId)?.embeds[0];
		expect(posted?.title).toBe(`Case #${banCase.number} · Ban`);
		expect(posted?.fields).toEqual(expect.arrayContaining([{ name: 'Source', value: 'Done in Discord', inline: true }]));
		const history = (await service.casesOf(guild.id, sam.id)).cases;
		expect(history.map((each) => each.type)).toEqual(['ban', 'kick', 'untimeout', 'timeout']);
		expect(history[3]?.endedAt).not.toBeNull(); // the untimeout ended it
	});

	it('a ban lifted by hand ends the temporary ban case and cancels its timed end', async () => {
		const tom = newMember();
		const { case: ban } = await service.ban(guild.id, { targetId: tom.id, moderatorId: mod.id, durationMs: DAY });
		emu.moderation.unban(guild.id, { actorId: mod.id, targetId: tom.id, reason: 'forgiven' });
		expect(await waitForCase(tom.id, 'unban')).toMatchObject({ source: 'external', reason: 'forgiven' });
		expect((await service.case(guild.id, ban.number))?.endedAt).toBe(clock.now());
		expect(await unbanState(bot, guild.id, tom.id, ban.number)).toBeNull();
	});

	it('records an audit-log entry once, even when it comes again', async () => {
		const uma = newMember();
		const entry = emu.moderation.kick(guild.id, { actorId: mod.id, targetId: uma.id });
		const first = await waitForCase(uma.id, 'kick');
		const again = await service.recordExternal(guild.id, { type: 'kick', targetId: uma.id, moderatorId: mod.id, reason: null }, entry.id);
		expect(again).toBeNull();
		expect((await service.casesOf(guild.id, uma.id)).cases).toEqual([first]);
	});
});
