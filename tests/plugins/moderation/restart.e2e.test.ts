/**
 * Temporary bans across restarts (issue 8, "Timed actions"): the end of a temporary ban lives in the task queue
 * (Redis), so a bot that crashed and restarted lifts it exactly once at its time; an end the queue lost is put back at
 * start-up from the cases (onReady, ModerationService.reconcileTemporaryBans); a permanent ban given meanwhile is never
 * undone. The real bot on the emulator, crashed in process (connections cut, nothing flushed) and started again on the
 * same database and Redis prefix.
 */
import { DiscordEmulator, type GuildHandle, type MemberView } from '@hearth/discord-emulator';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { moderationPlugin } from '../../../src/plugins/moderation/index.js';
import { unbanTaskKey, UNBAN_TASK, type ModerationService } from '../../../src/plugins/moderation/service/ModerationService.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { HOUR, isBanned, memberMaker, MINUTE, START, unbanCalls, unbanState } from './e2eHelpers.js';

let emu: DiscordEmulator;
let clock: ManualClock;
let guild: GuildHandle;
let mod: MemberView;
let memberRole: string;
/** The running bot. */
let bot: TestBot;
/** The first bot: it created the database and Redis prefix the restarted bots reuse, and drops them at the end. */
let owner: TestBot;

const service = (): ModerationService => bot.handle.pluginHost.service('moderation');
const addMember = memberMaker();
const newMember = () => addMember(guild, [memberRole]);

/** Drops the running bot without any flush, as if the process died, and starts another on the same database and Redis. */
async function crashAndRestart(downtimeMs: number): Promise<void> {
	await bot.crash();
	if (bot !== owner) await bot.cleanup();
	clock.advance(downtimeMs);
	bot = await startTestBot({ emulator: emu, plugins: [moderationPlugin], clock, database: owner.database, redisPrefix: owner.redisPrefix });
}

beforeAll(async () => {
	clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock, identifyIntervalMs: 0 });
	guild = emu.world.createGuild({ name: 'Restarted' });
	memberRole = guild.createRole({ name: 'Member' }).id;
	mod = guild.addMember({ username: 'moddy', roles: [guild.createRole({ name: 'Mods', permissions: PermissionFlagsBits.BanMembers }).id] });
	bot = await startTestBot({ emulator: emu, plugins: [moderationPlugin], clock });
	owner = bot;
});

afterEach(() => {
	emu.assertNoFailures();
});

afterAll(async () => {
	await bot?.stop();
	if (bot !== owner) await owner?.cleanup();
	await emu?.stop();
});

describe('a temporary ban', () => {
	it('is lifted once, at its time, by the bot that started after a crash', async () => {
		const alice = newMember();
		const { case: ban } = await service().ban(guild.id, { targetId: alice.id, moderatorId: mod.id, durationMs: HOUR });
		await crashAndRestart(10 * MINUTE);
		expect(await unbanState(bot, guild.id, alice.id, ban.number)).toBe('delayed');
		clock.advance(HOUR - 10 * MINUTE - 1_000);
		await bot.handle.taskQueue.promoteDue();
		expect(isBanned(guild, alice.id)).toBe(true);
		clock.advance(1_000);
		await vi.waitFor(async () => expect((await service().case(guild.id, ban.number))?.endedAt).toBe(START + HOUR), { timeout: 10_000 });
		expect(isBanned(guild, alice.id)).toBe(false);
		expect(unbanCalls(emu, alice.id)).toHaveLength(1);
		// Another restart later: nothing runs again.
		await crashAndRestart(MINUTE);
		clock.advance(HOUR);
		await bot.handle.taskQueue.promoteDue();
		expect(unbanCalls(emu, alice.id)).toHaveLength(1);
	});

	it('whose end the task queue lost gets it back when the bot starts', async () => {
		const bob = newMember();
		const { case: ban } = await service().ban(guild.id, { targetId: bob.id, moderatorId: mod.id, durationMs: HOUR });
		// Redis lost the job (a flush, a failover without persistence): the case is all that is left.
		expect(await bot.handle.taskQueue.cancel(UNBAN_TASK, guild.id, unbanTaskKey(bob.id, ban.number))).toBe(true);
		await crashAndRestart(MINUTE);
		await vi.waitFor(async () => expect(await unbanState(bot, guild.id, bob.id, ban.number)).toBe('delayed'), { timeout: 10_000 });
		expect(bot.logs.find('Checked the scheduled end of 1 running temporary ban(s)')).toHaveLength(1);
		clock.advance(HOUR);
		await vi.waitFor(() => expect(isBanned(guild, bob.id)).toBe(false), { timeout: 10_000 });
		expect(unbanCalls(emu, bob.id)).toHaveLength(1);
	});

	it('never undoes a permanent ban given after it by the restarted bot', async () => {
		const carol = newMember();
		const { case: temporary } = await service().ban(guild.id, { targetId: carol.id, moderatorId: mod.id, durationMs: HOUR });
		await crashAndRestart(MINUTE);
		const { case: permanent } = await service().ban(guild.id, { targetId: carol.id, moderatorId: mod.id, reason: 'for good' });
		expect(permanent.endsAt).toBeNull();
		expect(await unbanState(bot, guild.id, carol.id, temporary.number)).toBeNull();
		clock.advance(2 * HOUR);
		await bot.handle.taskQueue.promoteDue();
		expect(isBanned(guild, carol.id)).toBe(true);
		expect(unbanCalls(emu, carol.id)).toHaveLength(0);
		// Even the end itself, run by hand, leaves the newer ban alone.
		expect(await service().endTemporaryBan(guild.id, carol.id, temporary.number)).toBe('superseded');
		expect(isBanned(guild, carol.id)).toBe(true);
	});
});
