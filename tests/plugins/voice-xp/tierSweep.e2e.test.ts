/**
 * Tier changes reach every member at once (issue 4, "Role tiers": a member holds exactly the highest tier reached):
 * `/xp tiers add`, `/xp tiers remove` and `/xp sync` queue the `voiceXpTierSweep` task, which brings every stored
 * member of the guild to the rule through REST, members not in voice included. The real bot on the Discord emulator.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { voiceXpPlugin } from '../../../src/plugins/voice-xp/index.js';
import { DiscordEmulator, type MemberView } from '@hearth/discord-emulator';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { setTierRoleId } from '../../../src/plugins/voice-xp/lib/stats.js';
import { buildVoiceGuild, command, START, storedStats, type VoiceGuild } from './e2eHelpers.js';

let emu: DiscordEmulator;
let bot: TestBot;
let home: VoiceGuild;
let admin: MemberView;
const people: Record<string, MemberView> = {};
/** Tier roles: Bronze, Silver, Gold below the bot's role; Legend above it. */
const roles: Record<string, string> = {};
const drops: { plugin: string; guildId: string; store: string; piece: string }[] = [];
/** Stored voice minutes given with /xp add before any tier exists (none of them is ever in voice). */
const MINUTES = { ann: 30, ben: 12, cat: 3, dan: 600, eve: 12 } as const;

const UPDATING = 'The tier roles of every member with voice time are being updated now.';
const xp = (options: Record<string, string | number | boolean>, subcommand: string, subcommandGroup?: string) =>
	command(emu, home, admin.id, 'xp', { subcommand, ...(subcommandGroup ? { subcommandGroup } : {}), options });
const rolePuts = (roleId: string) => emu.recorder.calls('PUT /guilds/:id/members/:id/roles/:id').filter((call) => call.path.endsWith(`/${roleId}`));
const roleDeletes = () => emu.recorder.calls('DELETE /guilds/:id/members/:id/roles/:id');
const sweepLines = () => bot.logs.find('Tier sweep done');
const has = (name: keyof typeof MINUTES, role: string) => home.guild.hasRole(people[name]!.id, roles[role]!);
/** Ids of the members the bot holds in its cache for the test guild. */
const cachedMembers = () => [...(bot.handle.client.guilds.cache.get(home.guild.id)?.members.cache.keys() ?? [])];

/** Runs an admin action and waits until the sweep it queued is done; returns the action's result and the sweep's log line. */
async function withSweep<T>(action: () => Promise<T>): Promise<{ result: T; sweep: string }> {
	const before = sweepLines().length;
	const result = await action();
	await vi.waitFor(() => expect(sweepLines().length).toBeGreaterThan(before), { timeout: 10_000, interval: 20 });
	return { result, sweep: sweepLines()[before]! };
}

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	home = buildVoiceGuild(emu, 'Sweep guild');
	admin = home.guild.addMember({ username: 'admin', permissions: PermissionFlagsBits.ManageGuild });
	for (const name of Object.keys(MINUTES)) people[name] = home.guild.addMember({ username: name });
	for (const name of ['Bronze', 'Silver', 'Gold']) roles[name] = home.guild.createRole({ name }).id;
	roles.Legend = home.guild.createRole({ name: 'Legend', position: home.guild.role(home.guild.botRoleId)!.position + 1 }).id;
	bot = await startTestBot({ emulator: emu, plugins: [voiceXpPlugin], clock: new ManualClock(START), onGuardDrop: (drop) => drops.push(drop) });
	// Stored voice time at 6 XP per minute: /xp add moves it by amount ÷ 6 minutes. No tier exists yet: no roles.
	for (const [name, minutes] of Object.entries(MINUTES)) await xp({ user: people[name]!.id, amount: minutes * 6 }, 'add');
	emu.members.leave(home.guild.id, people.eve!.id);
	// The bot caches members in voice only (src/lib/caches.ts): nobody here is cached, every tier change fetches its member.
	expect(cachedMembers()).toEqual([bot.handle.client.user!.id]);
});

afterEach(() => {
	emu.assertNoFailures();
});

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('/xp tiers add', () => {
	it('gives a new tier to every stored member who reaches it, though none is in voice; a member who left is skipped', async () => {
		expect(await storedStats(bot, home.guild.id, people.ann!.id)).toMatchObject({ voiceSeconds: 30 * 60, tierRoleId: null });
		const { result, sweep } = await withSweep(() => xp({ role: roles.Bronze!, minutes: 5 }, 'add', 'tiers'));
		expect(result).toMatchObject({ ephemeral: true, content: `<@&${roles.Bronze}> is now the tier for 5 min of voice time.\n${UPDATING}` });
		expect(sweep).toContain('5 member(s) checked, 3 changed, 1 unchanged, 0 blocked, 1 skipped');
		expect([has('ann', 'Bronze'), has('ben', 'Bronze'), has('dan', 'Bronze'), has('cat', 'Bronze')]).toEqual([true, true, true, false]);
		expect(await storedStats(bot, home.guild.id, people.ann!.id)).toMatchObject({ tierRoleId: roles.Bronze });
		expect(await storedStats(bot, home.guild.id, people.cat!.id)).toMatchObject({ tierRoleId: null });
		expect(await storedStats(bot, home.guild.id, people.eve!.id)).toMatchObject({ tierRoleId: null });
	});

	it('moves the members who reach a higher new tier up to it, taking the previous one', async () => {
		const { sweep } = await withSweep(() => xp({ role: roles.Silver!, minutes: 10 }, 'add', 'tiers'));
		expect(sweep).toContain('3 changed');
		for (const name of ['ann', 'ben', 'dan'] as const) {
			expect([has(name, 'Silver'), has(name, 'Bronze')], name).toEqual([true, false]);
			expect(await storedStats(bot, home.guild.id, people[name]!.id), name).toMatchObject({ tierRoleId: roles.Silver });
		}
		expect(has('cat', 'Silver')).toBe(false);
	});

	it('does not attempt a tier above the bot\'s role: the member keeps their tier, and the reason is logged once', async () => {
		const putsBefore = emu.recorder.calls('PUT /guilds/:id/members/:id/roles/:id').length;
		const { result, sweep } = await withSweep(() => xp({ role: roles.Legend!, minutes: 500 }, 'add', 'tiers'));
		expect(result.content).toBe(
			`<@&${roles.Legend}> is now the tier for 500 min of voice time.\n⚠️ I cannot give this role yet: the role is at or above my highest role.\n${UPDATING}`
		);
		expect(sweep).toContain('0 changed, 3 unchanged, 1 blocked, 1 skipped');
		expect(rolePuts(roles.Legend!)).toHaveLength(0);
		expect(emu.recorder.calls('PUT /guilds/:id/members/:id/roles/:id')).toHaveLength(putsBefore);
		expect([has('dan', 'Silver'), has('dan', 'Legend')]).toEqual([true, false]);
		expect(await storedStats(bot, home.guild.id, people.dan!.id)).toMatchObject({ tierRoleId: roles.Silver });
		const warnings = bot.logs.find('Tier sweep: roles of');
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toContain(`roles of 1 member(s) not changed: role ${roles.Legend}: the role is at or above the bot's highest role`);
	});
});

describe('/xp tiers remove', () => {
	it('takes a removed tier from its holders and gives them the next lower tier they reach', async () => {
		await withSweep(() => xp({ role: roles.Legend! }, 'remove', 'tiers'));
		const deletesBefore = roleDeletes().length;
		const { result, sweep } = await withSweep(() => xp({ role: roles.Silver! }, 'remove', 'tiers'));
		expect(result).toMatchObject({
			ephemeral: true,
			content: `<@&${roles.Silver}> is no longer a tier: members who have it lose it and get the next lower tier they reach.\n${UPDATING}`
		});
		expect(sweep).toContain('3 changed');
		for (const name of ['ann', 'ben', 'dan'] as const) {
			expect([has(name, 'Silver'), has(name, 'Bronze')], name).toEqual([false, true]);
			expect(await storedStats(bot, home.guild.id, people[name]!.id), name).toMatchObject({ tierRoleId: roles.Bronze });
		}
		expect(roleDeletes().slice(deletesBefore).map((call) => call.path.split('/').pop())).toEqual([roles.Silver, roles.Silver, roles.Silver]);
		expect((await xp({}, 'list', 'tiers')).content).toBe(
			['Role tiers by voice time (a member holds only the highest one reached):', `• <@&${roles.Bronze}>: 5 min`].join('\n')
		);
	});

	it('takes the last tier from everyone who holds it', async () => {
		const { sweep } = await withSweep(() => xp({ role: roles.Bronze! }, 'remove', 'tiers'));
		expect(sweep).toContain('3 changed');
		for (const name of ['ann', 'ben', 'dan', 'cat'] as const) {
			expect(has(name, 'Bronze'), name).toBe(false);
			expect(await storedStats(bot, home.guild.id, people[name]!.id), name).toMatchObject({ tierRoleId: null });
		}
	});

	it('refuses a role that is not a tier, queueing nothing', async () => {
		const before = sweepLines().length;
		const refused = await xp({ role: roles.Gold! }, 'remove', 'tiers');
		expect(refused).toMatchObject({ ephemeral: true });
		expect(refused.content).toContain(`<@&${roles.Gold}>`);
		expect(sweepLines()).toHaveLength(before);
	});
});

describe('/xp sync', () => {
	it('brings back a tier role whose stored record an admin made wrong', async () => {
		await withSweep(() => xp({ role: roles.Gold!, minutes: 20 }, 'add', 'tiers'));
		expect([has('ann', 'Gold'), has('ben', 'Gold')]).toEqual([true, false]);
		// Someone takes ann's tier role by hand: nothing earns, so no flush would notice it.
		emu.members.update(home.guild.id, people.ann!.id, { roles: [] });
		expect(cachedMembers()).not.toContain(people.ann!.id); // no stale copy: the sweep fetches her
		const { result, sweep } = await withSweep(() => xp({}, 'sync'));
		expect(result.content).toBe(`Voice sessions rebuilt from who is in voice now: 0 member(s) in voice, 0 earning XP.\n${UPDATING}`);
		expect(sweep).toContain('1 changed');
		expect(has('ann', 'Gold')).toBe(true);
	});
});

describe('a removed tier reached before its sweep', () => {
	it('is taken by /xp add too (its stored record says the bot gave it)', async () => {
		// As just after `/xp tiers remove Silver`, before the sweep: ann holds Silver and her row says the bot gave it.
		emu.members.update(home.guild.id, people.ann!.id, { roles: [roles.Silver!] });
		expect(cachedMembers()).not.toContain(people.ann!.id); // no stale copy: /xp add fetches her
		await setTierRoleId(bot.handle.container.orm.em.fork(), home.guild.id, people.ann!.id, roles.Silver!);
		const added = await xp({ user: people.ann!.id, amount: 6 }, 'add');
		expect(added.content).toContain(`Tier role: now <@&${roles.Gold}>.`);
		expect([has('ann', 'Silver'), has('ann', 'Gold')]).toEqual([false, true]);
		expect(await storedStats(bot, home.guild.id, people.ann!.id)).toMatchObject({ tierRoleId: roles.Gold });
	});
});

describe('a guild where the plugin is off', () => {
	it('runs no sweep there', async () => {
		const off = await command(emu, home, admin.id, 'plugins', { subcommand: 'disable', options: { plugin: 'voice-xp' } });
		expect(off.content).toBe('**voice-xp** is now off in this server.');
		// Tiers changed behind the plugin's back (no command can while it is off), then a sweep is due.
		await bot.handle.container.settings.setPluginConfig(home.guild.id, voiceXpPlugin, { tiers: [] });
		const sweepsBefore = sweepLines().length;
		const deletesBefore = roleDeletes().length;
		await bot.handle.taskQueue.schedule('voiceXpTierSweep', { guildId: home.guild.id, payload: {} });
		await vi.waitFor(() => expect(drops).toContainEqual({ plugin: 'voice-xp', guildId: home.guild.id, store: 'scheduled-tasks', piece: 'voiceXpTierSweep' }), {
			timeout: 10_000
		});
		expect(sweepLines()).toHaveLength(sweepsBefore);
		expect(roleDeletes()).toHaveLength(deletesBefore);
		expect(has('ann', 'Gold')).toBe(true);
		expect(await storedStats(bot, home.guild.id, people.ann!.id)).toMatchObject({ tierRoleId: roles.Gold });
	});
});
