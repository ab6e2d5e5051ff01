/**
 * Moderation across two bot processes sharing PostgreSQL and Redis (issue 8, "Done when"): 200 warnings given at once
 * through both processes get cases 1 to 200, none twice; a temporary ban given by a process that is then killed with
 * SIGKILL is lifted once, at its time, by the other; a permanent ban given meanwhile is never undone. The child process
 * holds the other shard, so it acts on the guild through REST only.
 */
import { DiscordEmulator, type GuildHandle, type MemberView } from '@hearth/discord-emulator';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { moderationPlugin } from '../../../src/plugins/moderation/index.js';
import type { ModerationService } from '../../../src/plugins/moderation/service/ModerationService.js';
import { startChildBot, type ChildBot, type ChildPluginSpec } from '../../helpers/childBot.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { enableModeration, isBanned, unbanCalls } from './e2eHelpers.js';

const moderationSpec: ChildPluginSpec = { module: new URL('../../../src/plugins/moderation/index.ts', import.meta.url).href, exports: ['moderationPlugin'] };

let emu: DiscordEmulator;
let bot: TestBot;
let child: ChildBot | undefined;
let service: ModerationService;
let guild: GuildHandle;
let mod: MemberView;
const members: MemberView[] = [];

beforeAll(async () => {
	emu = await DiscordEmulator.start({ shardCount: 2 });
	guild = emu.world.createGuild({ name: 'Busy', shard: [0, 2] });
	mod = guild.addMember({ username: 'moddy', permissions: PermissionFlagsBits.BanMembers | PermissionFlagsBits.ModerateMembers });
	for (let index = 0; index < 20; index++) members.push(guild.addMember({ username: `member${index}` }));
	bot = await startTestBot({ emulator: emu, plugins: [moderationPlugin], env: { SHARD_COUNT: '2', SHARD_IDS: '0' } });
	service = bot.handle.pluginHost.service('moderation');
	await enableModeration(bot, guild);
	// No DMs for warnings: 200 of them would only slow the test down.
	await service.ctx.updateConfig(guild.id, () => ({ dm: { warn: false, timeout: true, kick: true, ban: true } }));
	child = await startChildBot({ emulator: emu, database: bot.database, redisPrefix: bot.redisPrefix, plugins: [moderationSpec], env: { SHARD_COUNT: '2', SHARD_IDS: '1' } });
}, 120_000);

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await child?.kill();
	await bot?.stop();
	await emu?.stop();
});

describe('two processes', () => {
	it('200 warnings given at once through both processes are cases 1 to 200, none twice', async () => {
		const warn = (index: number) => {
			const options = { targetId: members[index % members.length]!.id, moderatorId: mod.id, reason: `warning ${index}` };
			return index % 2 === 0 ? service.warn(guild.id, options).then((result) => result.case.number) : child!.call('moderation', 'warn', guild.id, options).then((result) => (result as { case: { number: number } }).case.number);
		};
		const numbers = await Promise.all(Array.from({ length: 200 }, (_, index) => warn(index)));
		expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
		const stored = await Promise.all(members.map((member) => service.activeWarnings(guild.id, member.id)));
		expect(stored.map((warnings) => warnings.length)).toEqual(members.map(() => 10));
	}, 120_000);

	it('a temporary ban survives a SIGKILL of the process that gave it: lifted once, at its time, by the other; a permanent ban given meanwhile stays', async () => {
		const [temporary, madePermanent] = [members[0]!, members[1]!];
		const started = Date.now();
		for (const member of [temporary, madePermanent]) {
			await child!.call('moderation', 'ban', guild.id, { targetId: member.id, moderatorId: mod.id, reason: 'cool off', durationMs: 2_000 });
		}
		expect(isBanned(guild, temporary.id) && isBanned(guild, madePermanent.id)).toBe(true);
		await child!.kill();
		child = undefined;
		// Through the surviving process, before the temporary ban ends: a permanent ban replaces it.
		await service.ban(guild.id, { targetId: madePermanent.id, moderatorId: mod.id, reason: 'for good' });

		await vi.waitFor(() => expect(isBanned(guild, temporary.id)).toBe(false), { timeout: 15_000, interval: 100 });
		const lifted = unbanCalls(emu, temporary.id);
		expect(lifted).toHaveLength(1);
		expect(lifted[0]!.at).toBeGreaterThanOrEqual(started + 2_000);
		// Both ends have come due by now (they were given a moment apart): the replaced one did nothing.
		await vi.waitFor(async () => expect(await bot.handle.taskQueue.queue.getDelayedCount()).toBe(0), { timeout: 10_000 });
		await vi.waitFor(async () => expect(await bot.handle.taskQueue.queue.getActiveCount()).toBe(0));
		expect(isBanned(guild, madePermanent.id)).toBe(true);
		expect(unbanCalls(emu, madePermanent.id)).toHaveLength(0);
		expect(unbanCalls(emu, temporary.id)).toHaveLength(1);
	}, 60_000);
});
