/**
 * `/moderation` (commands/moderation.ts, admin/): every subcommand as an admin uses it, the real bot on the Discord
 * emulator: `config show | mod-log | dm | warning-lifetime | require-reason | appeal-text`, `escalation add | remove |
 * list`, `protected-role add | remove`. Each change is read back from the plugin's config and seen in what the
 * moderation commands then do (a mod-log post, a DM left out, a reason required, a protected member refused, an
 * escalation step applied by /warn). Refusals (thrown inside `ctx.updateConfig`, or the schema's
 * `core:errors.invalidConfig`) are answered translated and ephemeral, and the config stays exactly as it was.
 */
import { DiscordEmulator, type GuildHandle, type MemberView, type MessageView } from '@hearth/discord-emulator';
import { ApplicationCommandOptionType, ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import type { ModerationConfig } from '../../../src/plugins/moderation/lib/config.js';
import { moderationPlugin } from '../../../src/plugins/moderation/index.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { enableModeration, generalChannelId, HOUR, memberMaker, MOD_PERMISSIONS, slashCommand, START, type CommandOptions } from './e2eHelpers.js';

let emu: DiscordEmulator;
let bot: TestBot;
let clock: ManualClock;
let guild: GuildHandle;
let french: GuildHandle;
let generalId: string;
let admin: MemberView;
let mod: MemberView;
const roles: Record<string, string> = {};

const addMember = memberMaker();
/** A new member of the guild with the Member role and `extraRoles`. */
const newMember = (extraRoles: string[] = []) => addMember(guild, [roles.member!, ...extraRoles]);
const config = (where: GuildHandle = guild): Promise<ModerationConfig> => bot.handle.pluginHost.service('moderation').ctx.config(where.id);

/** `/moderation <group> <subcommand> ...options` as `actor` (default: the admin with Manage Server). */
function moderation(group: string, subcommand: string, options: CommandOptions = {}, actor: MemberView = admin, where: GuildHandle = guild, extra: { permissionOverride?: boolean } = {}): Promise<MessageView> {
	return slashCommand(emu, where, actor, 'moderation', options, { subcommandGroup: group, subcommand, ...extra });
}

/** A moderation slash command (`/warn`, `/kick`, ...) as the moderator. */
function command(name: string, options: CommandOptions): Promise<MessageView> {
	return slashCommand(emu, guild, mod, name, options);
}

/** Runs a refused change and checks the answer and that the config is exactly as before. */
async function refused(run: () => Promise<MessageView>, expected: string | RegExp): Promise<void> {
	const before = await config();
	const answer = await run();
	expect(answer.ephemeral).toBe(true);
	if (typeof expected === 'string') expect(answer.content).toBe(expected);
	else expect(answer.content).toMatch(expected);
	expect(await config()).toEqual(before);
}

beforeAll(async () => {
	clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock });
	guild = emu.world.createGuild({ name: 'Configured' });
	roles.member = guild.createRole({ name: 'Member' }).id;
	roles.vip = guild.createRole({ name: 'VIP' }).id;
	roles.admins = guild.createRole({ name: 'Admins', permissions: PermissionFlagsBits.ManageGuild }).id;
	roles.mods = guild.createRole({ name: 'Mods', permissions: MOD_PERMISSIONS }).id;
	admin = guild.addMember({ username: 'admin', roles: [roles.admins] });
	mod = guild.addMember({ username: 'moddy', roles: [roles.mods] });
	generalId = generalChannelId(guild);
	french = emu.world.createGuild({ name: 'Configuré', preferredLocale: 'fr' });
	french.addMember({ username: 'admin', userId: admin.id, permissions: PermissionFlagsBits.ManageGuild });
	bot = await startTestBot({ emulator: emu, plugins: [moderationPlugin], clock });
	await enableModeration(bot, guild, french);
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('/moderation config', () => {
	it('show lists every setting, translated (the defaults)', async () => {
		const answer = await moderation('config', 'show');
		expect(answer.ephemeral).toBe(true);
		const embed = answer.embeds[0]!;
		expect(embed.title).toBe('Moderation settings');
		expect(Object.fromEntries(embed.fields!.map((field) => [field.name, field.value]))).toEqual({
			'Mod log': 'Off',
			'Reason required': 'No',
			'Warnings count for': '90 days',
			'DM the member about': 'Warning: on\nTimeout: on\nKick (and softban): on\nBan: on',
			Escalation: 'None',
			'Protected roles': 'None',
			'Appeal text (ban DMs)': 'None'
		});
	});

	it('mod-log channel sets the channel (new cases are posted there); without a channel it turns the mod log off', async () => {
		const modLog = guild.createChannel({ name: 'mod-log', type: ChannelType.GuildText });
		expect((await moderation('config', 'mod-log', { channel: modLog.id })).content).toBe(`The mod log is now <#${modLog.id}>: each new case is posted there.`);
		expect((await config()).modLogChannelId).toBe(modLog.id);
		const target = newMember();
		await command('warn', { member: target.id, reason: 'logged' });
		await vi.waitFor(() => expect(emu.messages.in(modLog.id).some((message) => message.embeds[0]?.title?.endsWith('· Warning'))).toBe(true), { timeout: 10_000 });

		const hidden = guild.createChannel({
			name: 'hidden',
			type: ChannelType.GuildText,
			permissionOverwrites: [{ id: guild.botRoleId, type: 0, deny: PermissionFlagsBits.ViewChannel }]
		});
		expect((await moderation('config', 'mod-log', { channel: hidden.id })).content).toBe(
			`The mod log is now <#${hidden.id}>: each new case is posted there.\nI cannot post in <#${hidden.id}> yet: give me View Channel, Send Messages and Embed Links there.`
		);
		expect((await moderation('config', 'mod-log')).content).toBe('The mod log is off: cases are recorded but posted nowhere.');
		expect((await config()).modLogChannelId).toBeNull();
	});

	it('dm action on|off: a warning is no longer DMed, the others still are', async () => {
		expect((await moderation('config', 'dm', { action: 'warn', enabled: false })).content).toBe('Members are no longer told by DM about their warnings.');
		expect((await config()).dm).toEqual({ warn: false, timeout: true, kick: true, ban: true });
		const target = newMember();
		const warned = await command('warn', { member: target.id, reason: 'quiet' });
		expect(warned.content).toMatch(/was warned/);
		expect(emu.dms.sent(target.id)).toEqual([]);
		await command('timeout', { member: target.id, duration: '1h' });
		expect(emu.dms.sent(target.id).map((dm) => dm.content)).toEqual([expect.stringContaining('You were timed out')]);
		expect((await moderation('config', 'dm', { action: 'kick', enabled: false })).content).toBe('Members are no longer told by DM about their kicks and softbans.');
		expect((await moderation('config', 'dm', { action: 'warn', enabled: true })).content).toBe('Members are now told by DM about their warnings.');
		expect((await config()).dm).toEqual({ warn: true, timeout: true, kick: false, ban: true });
	});

	it('warning-lifetime days: new warnings expire after it; 0 = never', async () => {
		expect((await moderation('config', 'warning-lifetime', { days: 30 })).content).toBe('Warnings now count for 30 days. This applies to warnings given from now on.');
		const target = newMember();
		await command('warn', { member: target.id });
		const [warning] = await bot.handle.pluginHost.service('moderation').activeWarnings(guild.id, target.id);
		expect(warning!.expiresAt).toBe(clock.now() + 30 * 24 * HOUR);
		expect((await moderation('config', 'warning-lifetime', { days: 0 })).content).toBe('Warnings now never expire. This applies to warnings given from now on.');
		expect((await config()).warningLifetimeDays).toBe(0);
		await command('warn', { member: target.id });
		const warnings = await bot.handle.pluginHost.service('moderation').activeWarnings(guild.id, target.id);
		expect(warnings.map((each) => each.expiresAt).sort()).toEqual([clock.now() + 30 * 24 * HOUR, null].sort());
		const show = await moderation('config', 'show');
		expect(show.embeds[0]!.fields!.find((field) => field.name === 'Warnings count for')!.value).toBe('Forever (they never expire)');
	});

	it('require-reason on|off: an action without a reason is refused while it is on', async () => {
		expect((await moderation('config', 'require-reason', { enabled: true })).content).toBe('Every moderation action now needs a reason.');
		const target = newMember();
		expect((await command('warn', { member: target.id })).content).toBe('This server requires a reason for every moderation action.');
		expect(await bot.handle.pluginHost.service('moderation').activeWarnings(guild.id, target.id)).toEqual([]);
		expect((await command('warn', { member: target.id, reason: 'given' })).content).toMatch(/was warned/);
		expect((await moderation('config', 'require-reason', { enabled: false })).content).toBe('A reason is now optional.');
		expect((await config()).requireReason).toBe(false);
	});

	it('appeal-text [text]: added to ban DMs; empty clears it; a text over 1,000 characters is refused by the schema', async () => {
		expect((await moderation('config', 'appeal-text', { text: '  Write to appeals@example.org  ' })).content).toBe('Ban DMs now end with: Write to appeals@example.org');
		expect((await config()).appealText).toBe('Write to appeals@example.org');
		const target = newMember();
		await command('ban', { user: target.id, reason: 'raid' });
		expect(emu.dms.sent(target.id).at(-1)!.content).toContain('To appeal: Write to appeals@example.org');

		// Discord's client enforces the option's max length; a forged request still meets the schema (lib/config.ts).
		await refused(async () => {
			const handle = emu.interactions.forgedCommand({
				guildId: guild.id,
				channelId: generalId,
				userId: admin.id,
				name: 'moderation',
				options: [
					{
						type: ApplicationCommandOptionType.SubcommandGroup,
						name: 'config',
						options: [{ type: ApplicationCommandOptionType.Subcommand, name: 'appeal-text', options: [{ type: ApplicationCommandOptionType.String, name: 'text', value: 'x'.repeat(1_001) }] }]
					}
				]
			});
			return handle.waitForReply();
		}, /^Nothing was saved: the \*\*moderation\*\* settings are not valid\.\n• \*\*appealText\*\* /);
		expect((await moderation('config', 'appeal-text', { text: '   ' })).content).toBe('Ban DMs no longer carry an appeal text.');
		expect((await moderation('config', 'appeal-text')).content).toBe('Ban DMs no longer carry an appeal text.');
		expect((await config()).appealText).toBeNull();
	});

	it('is refused to a member without Manage Server, and changes nothing', async () => {
		await refused(
			() => moderation('config', 'require-reason', { enabled: true }, mod, guild, { permissionOverride: true }),
			'You need the following permission(s) to use this command: Manage Server.'
		);
	});

	it('answers a French guild in French', async () => {
		const show = await moderation('config', 'show', {}, admin, french);
		expect(show.embeds[0]!.title).toBe('Réglages de la modération');
		expect((await moderation('escalation', 'add', { warnings: 3, action: 'timeout', duration: '1h' }, admin, french)).content).toBe(
			"Palier d'escalade ajouté : 3 avertissements → exclusion pendant 1\u00a0heure\nPaliers d'escalade (1 sur 10) :\n• 3 avertissements → exclusion pendant 1\u00a0heure"
		);
	});
});

describe('/moderation escalation', () => {
	it('add, list and remove steps; the list stays sorted by warning count', async () => {
		expect((await moderation('escalation', 'list')).content).toBe('No escalation steps: warnings never trigger anything by themselves.');
		expect((await moderation('escalation', 'add', { warnings: 5, action: 'kick' })).content).toBe(
			'Escalation step added: 5 warnings → kick\nEscalation steps (1 of 10):\n• 5 warnings → kick'
		);
		await moderation('escalation', 'add', { warnings: 7, action: 'ban', duration: '7d' });
		await moderation('escalation', 'add', { warnings: 9, action: 'ban' });
		await moderation('escalation', 'add', { warnings: 3, action: 'timeout', duration: '1h 30m' });
		expect((await moderation('escalation', 'list')).content).toBe(
			[
				'Escalation steps (4 of 10):',
				'• 3 warnings → timeout for 1 hour, 30 minutes',
				'• 5 warnings → kick',
				'• 7 warnings → ban for 7 days',
				'• 9 warnings → permanent ban'
			].join('\n')
		);
		expect((await config()).escalation).toEqual([
			{ warnings: 3, action: 'timeout', durationSeconds: 5_400 },
			{ warnings: 5, action: 'kick' },
			{ warnings: 7, action: 'ban', durationSeconds: 604_800 },
			{ warnings: 9, action: 'ban' }
		]);
		expect((await moderation('escalation', 'remove', { warnings: 9 })).content).toMatch(/^Escalation step removed: 9 warnings → permanent ban\nEscalation steps \(3 of 10\):/);
		const show = await moderation('config', 'show');
		expect(show.embeds[0]!.fields!.find((field) => field.name === 'Escalation')!.value).toBe(
			'• 3 warnings → timeout for 1 hour, 30 minutes\n• 5 warnings → kick\n• 7 warnings → ban for 7 days'
		);
		for (const warnings of [3, 5, 7]) await moderation('escalation', 'remove', { warnings });
		expect((await config()).escalation).toEqual([]);
	});

	it('refuses a duplicate count, a timeout without a duration, a kick with one, a duration out of range, an unknown step, an 11th step; nothing changes', async () => {
		await moderation('escalation', 'add', { warnings: 2, action: 'kick' });
		await refused(() => moderation('escalation', 'add', { warnings: 2, action: 'ban' }), 'There is already a step at 2 warnings: remove it first.');
		await refused(() => moderation('escalation', 'add', { warnings: 4, action: 'timeout' }), 'A timeout step needs a duration (at most 28 days).');
		await refused(() => moderation('escalation', 'add', { warnings: 4, action: 'kick', duration: '1h' }), 'A kick step takes no duration.');
		await refused(() => moderation('escalation', 'add', { warnings: 4, action: 'timeout', duration: '30d' }), /^30 days is out of range here: it must be between 1 second and 28 days\.$/);
		await refused(() => moderation('escalation', 'add', { warnings: 4, action: 'ban', duration: 'soon' }), '“soon” is not a duration. Write it like 1d 2h, 90m, 2w or 1h30m.');
		await refused(() => moderation('escalation', 'remove', { warnings: 4 }), 'There is no escalation step at 4 warnings.');
		for (let warnings = 3; warnings <= 11; warnings++) await moderation('escalation', 'add', { warnings, action: 'kick' });
		expect((await config()).escalation).toHaveLength(10);
		await refused(() => moderation('escalation', 'add', { warnings: 12, action: 'kick' }), 'There can be at most 10 escalation steps: remove one first.');
		for (let warnings = 2; warnings <= 11; warnings++) await moderation('escalation', 'remove', { warnings });
		expect((await config()).escalation).toEqual([]);
	});

	it('a step configured by command is applied by /warn when a member reaches it, once', async () => {
		await moderation('escalation', 'add', { warnings: 2, action: 'timeout', duration: '1h' });
		const target = newMember();
		expect((await command('warn', { member: target.id, reason: 'one' })).content).not.toContain('Escalation');
		const second = await command('warn', { member: target.id, reason: 'two' });
		const escalated = /Escalation: 2 warnings counting, so case #(\d+) \(Timeout\) was applied\./.exec(second.content);
		expect(escalated, second.content).not.toBeNull();
		expect(Date.parse(guild.requireMember(target.id).communicationDisabledUntil!)).toBe(clock.now() + HOUR);
		const escalationCase = await bot.handle.pluginHost.service('moderation').case(guild.id, Number(escalated![1]));
		expect(escalationCase).toMatchObject({ type: 'timeout', source: 'escalation', targetId: target.id, durationMs: HOUR });
		expect((await command('warn', { member: target.id, reason: 'three' })).content).not.toContain('Escalation');
		await moderation('escalation', 'remove', { warnings: 2 });
	});
});

describe('/moderation protected-role', () => {
	it('add protects a role (actions on its members are refused), remove lifts it; @everyone and unknown removals are refused', async () => {
		expect((await moderation('protected-role', 'add', { role: roles.vip! })).content).toBe(`<@&${roles.vip}> is now protected: no moderation action can target its members.`);
		expect((await moderation('protected-role', 'add', { role: roles.vip! })).content).toBe(`<@&${roles.vip}> is already protected.`);
		expect((await config()).protectedRoleIds).toEqual([roles.vip]);
		const vip = newMember([roles.vip!]);
		expect((await command('warn', { member: vip.id, reason: 'no' })).content).toBe(`<@${vip.id}> has a protected role.`);
		const show = await moderation('config', 'show');
		expect(show.embeds[0]!.fields!.find((field) => field.name === 'Protected roles')!.value).toBe(`<@&${roles.vip}>`);

		await refused(() => moderation('protected-role', 'add', { role: guild.id }), '@everyone cannot be protected: no one could be moderated any more.');
		await refused(() => moderation('protected-role', 'remove', { role: roles.member! }), `<@&${roles.member}> is not a protected role.`);
		expect((await moderation('protected-role', 'remove', { role: roles.vip! })).content).toBe(`<@&${roles.vip}> is no longer protected.`);
		expect((await config()).protectedRoleIds).toEqual([]);
		expect((await command('warn', { member: vip.id, reason: 'now yes' })).content).toMatch(/was warned/);
	});

	it('refuses a 51st protected role inside the config write, changing nothing', async () => {
		const many = Array.from({ length: 50 }, (_, index) => guild.createRole({ name: `Protected ${index}` }).id);
		await bot.handle.pluginHost.service('moderation').ctx.updateConfig(guild.id, () => ({ protectedRoleIds: many }));
		await refused(() => moderation('protected-role', 'add', { role: roles.vip! }), 'At most 50 roles can be protected.');
		await bot.handle.pluginHost.service('moderation').ctx.updateConfig(guild.id, () => ({ protectedRoleIds: [] }));
	});
});
