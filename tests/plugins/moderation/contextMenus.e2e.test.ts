/**
 * The user context menus of the moderation plugin, the real bot on the Discord emulator: "Moderation history"
 * (commands/moderationHistory.ts: page 1 of the member's cases, ephemeral, with the page buttons of `/cases`) and
 * "Warn" (commands/moderationWarnMenu.ts: a modal asking for the reason; its submission, handled by
 * interaction-handlers/moderationWarnModal.ts, warns through the service and answers like `/warn`, escalation
 * included). Their registration (USER type, localized names, Moderate Members, guild-only), the permission checked by
 * the bot, a permission lost between opening and submitting the modal, the service's refusals, `requireReason`, a
 * guild where the plugin is off, and French.
 */
import { DiscordEmulator, type GuildHandle, type MemberView, type MessageView } from '@hearth/discord-emulator';
import { ApplicationCommandType, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { moderationPlugin } from '../../../src/plugins/moderation/index.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { enableModeration, finalAnswer, generalChannelId, HOUR, memberMaker, MOD_PERMISSIONS, mutations, START } from './e2eHelpers.js';

let emu: DiscordEmulator;
let bot: TestBot;
let clock: ManualClock;
let guild: GuildHandle;
let french: GuildHandle;
let off: GuildHandle;
let mod: MemberView;
let helper: MemberView;
const roles: Record<string, string> = {};

const addMember = memberMaker();
/** A new member of `where` (of the main guild: with the Member role). */
const newMember = (where: GuildHandle = guild) => addMember(where, where === guild ? [roles.member!] : []);
const service = () => bot.handle.pluginHost.service('moderation');

/** A user context menu command on `target`, as `actor`. */
function menu(name: string, target: { id: string }, actor: MemberView = mod, where: GuildHandle = guild, extra: { permissionOverride?: boolean } = {}) {
	return emu.interactions.command({ guildId: where.id, channelId: generalChannelId(where), userId: actor.id, name, commandType: ApplicationCommandType.User, targetId: target.id, ...extra });
}

/** Opens "Warn" on `target` and submits its modal with `reason`; returns what the actor finally sees. */
async function warnByMenu(target: { id: string }, reason: string, actor: MemberView = mod, where: GuildHandle = guild, menuName = 'Warn'): Promise<MessageView> {
	const opened = menu(menuName, target, actor, where);
	await opened.response;
	const modal = opened.modal as { custom_id: string } | undefined;
	if (!modal) return opened.waitForReply();
	return submit(modal.custom_id, reason, actor, where);
}

/** Submits an opened warn modal; returns the edit of the deferred answer, or the ephemeral refusal. */
async function submit(customId: string, reason: string, actor: MemberView = mod, where: GuildHandle = guild): Promise<MessageView> {
	const handle = emu.interactions.modalSubmit({ guildId: where.id, channelId: generalChannelId(where), userId: actor.id, customId, fields: { 'moderation:warn-reason': reason } });
	return finalAnswer(handle, 'warn modal');
}

beforeAll(async () => {
	clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock });
	guild = emu.world.createGuild({ name: 'Moderated' });
	roles.member = guild.createRole({ name: 'Member' }).id;
	roles.helpers = guild.createRole({ name: 'Helpers', permissions: PermissionFlagsBits.ManageMessages }).id;
	roles.mods = guild.createRole({ name: 'Mods', permissions: MOD_PERMISSIONS }).id;
	mod = guild.addMember({ username: 'moddy', roles: [roles.mods] });
	helper = guild.addMember({ username: 'helper', roles: [roles.helpers] });
	french = emu.world.createGuild({ name: 'Modéré', preferredLocale: 'fr' });
	french.addMember({ username: 'moddy', userId: mod.id, permissions: PermissionFlagsBits.ModerateMembers });
	off = emu.world.createGuild({ name: 'Not moderated' });
	off.addMember({ username: 'moddy', userId: mod.id, permissions: PermissionFlagsBits.ModerateMembers });
	bot = await startTestBot({ emulator: emu, plugins: [moderationPlugin], clock });
	await enableModeration(bot, guild, french);
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('registration', () => {
	it('declares two USER commands with localized names, Moderate Members, guild-only', () => {
		const commands = [...emu.commands.global(), ...emu.commands.guild(guild.id)].filter((command) => command.type === ApplicationCommandType.User);
		const byName = Object.fromEntries(commands.map((command) => [command.name, command]));
		expect(Object.keys(byName).sort()).toEqual(['Moderation history', 'Warn']);
		expect(byName['Moderation history']).toMatchObject({
			name_localizations: { 'en-US': 'Moderation history', fr: 'Historique de modération', pl: 'Historia moderacji' },
			default_member_permissions: String(PermissionFlagsBits.ModerateMembers),
			contexts: [0]
		});
		expect(byName.Warn).toMatchObject({ name_localizations: { 'en-US': 'Warn', fr: 'Avertir', pl: 'Ostrzeż' }, default_member_permissions: String(PermissionFlagsBits.ModerateMembers) });
	});
});

describe('"Moderation history"', () => {
	it("shows page 1 of the member's cases, ephemeral, and its buttons page through the rest", async () => {
		const target = newMember();
		for (let index = 1; index <= 11; index++) {
			clock.advance(1_000);
			await service().note(guild.id, { targetId: target.id, moderatorId: mod.id, text: `note ${index}` });
		}
		const first = await menu('Moderation history', target).waitForReply();
		expect(first.ephemeral).toBe(true);
		expect(first.embeds[0]!.title).toBe('Moderation history (11 case(s))');
		expect(first.embeds[0]!.description).toContain(`<@${target.id}>`);
		expect(first.embeds[0]!.description).toContain('note 11');
		expect(first.embeds[0]!.footer?.text).toBe('Page 1 of 2');
		const next = (first.components[0] as { components: { custom_id: string }[] }).components[1]!;
		expect(next.custom_id).toBe(`moderation:cases-page:${target.id}:2:next`);
		const second = await emu.interactions.button({ guildId: guild.id, channelId: generalChannelId(guild), userId: mod.id, messageId: first.id, customId: next.custom_id }).waitForReply();
		expect(second.embeds[0]!.footer?.text).toBe('Page 2 of 2');
		expect(second.embeds[0]!.description).toMatch(/· note 1$/m);
	});

	it('a member without history gets an empty first page, no buttons', async () => {
		const answer = await menu('Moderation history', newMember()).waitForReply();
		expect(answer.embeds[0]!.title).toBe('Moderation history (0 case(s))');
		expect(answer.components).toEqual([]);
	});

	it('is hidden from members without Moderate Members, and refused by the bot where the server shows it all the same', async () => {
		const target = newMember();
		expect(() => menu('Moderation history', target, helper)).toThrow(/hidden from this member/);
		const answer = await menu('Moderation history', target, helper, guild, { permissionOverride: true }).waitForReply();
		expect(answer.ephemeral).toBe(true);
		expect(answer.content).toBe('You need the following permission(s) to use this command: Timeout Members.');
	});

	it('is refused where the plugin is off', async () => {
		const answer = await menu('Moderation history', newMember(off), mod, off).waitForReply();
		expect(answer.ephemeral).toBe(true);
		expect(answer.content).toContain('moderation');
	});
});

describe('"Warn"', () => {
	it('opens a modal for the reason; submitting it warns like /warn (case, DM, ephemeral answer without pings)', async () => {
		const target = newMember();
		const opened = menu('Warn', target);
		await opened.response;
		expect(opened.modal).toMatchObject({
			custom_id: `moderation:warn-modal:${target.id}`,
			title: `Warn ${target.user!.username}`,
			components: [{ type: 18, label: 'Reason', component: { custom_id: 'moderation:warn-reason', style: 2, max_length: 512, required: false } }]
		});
		const answer = await submit(`moderation:warn-modal:${target.id}`, 'spam in #general');
		expect(answer.ephemeral).toBe(true);
		expect(answer.content).toMatch(new RegExp(`^Case #\\d+: <@${target.id}> was warned \\(1 warning\\(s\\) counting now\\)\\.\\nReason: spam in #general$`));
		const [warning] = await service().activeWarnings(guild.id, target.id);
		expect(warning).toMatchObject({ type: 'warn', moderatorId: mod.id, reason: 'spam in #general', source: 'command' });
		expect(emu.dms.sent(target.id).map((dm) => dm.content)).toEqual([expect.stringContaining('You received a warning in **Moderated**.')]);
	});

	it('a blank reason is none; the escalation step the warning crosses is applied and told', async () => {
		await service().ctx.updateConfig(guild.id, () => ({ escalation: [{ warnings: 2, action: 'timeout', durationSeconds: 3_600 }] }));
		const target = newMember();
		expect((await warnByMenu(target, '   ')).content).toMatch(/\(1 warning\(s\) counting now\)\.\nReason: No reason given$/);
		const second = await warnByMenu(target, 'again');
		expect(second.content).toMatch(/Escalation: 2 warnings counting, so case #\d+ \(Timeout\) was applied\./);
		expect(Date.parse(guild.requireMember(target.id).communicationDisabledUntil!)).toBe(clock.now() + HOUR);
		await service().ctx.updateConfig(guild.id, () => ({ escalation: [] }));
	});

	it("with the guild's requireReason on, the field is required and a blank submission is refused, nothing recorded", async () => {
		await service().ctx.updateConfig(guild.id, () => ({ requireReason: true }));
		const target = newMember();
		const opened = menu('Warn', target);
		await opened.response;
		expect((opened.modal as { components: { component: { required: boolean } }[] }).components[0]!.component.required).toBe(true);
		const before = mutations(emu);
		const answer = await submit(`moderation:warn-modal:${target.id}`, '');
		expect(answer.ephemeral).toBe(true);
		expect(answer.content).toBe('This server requires a reason for every moderation action.');
		expect(await service().activeWarnings(guild.id, target.id)).toEqual([]);
		expect(mutations(emu)).toBe(before);
		await service().ctx.updateConfig(guild.id, () => ({ requireReason: false }));
	});

	it("the service's refusals are answered translated: warning yourself", async () => {
		const answer = await warnByMenu(mod, 'me');
		expect(answer.content).toBe('You cannot use this on yourself.');
		expect(await service().activeWarnings(guild.id, mod.id)).toEqual([]);
	});

	it('a moderator who lost Moderate Members after opening the modal is refused at submission; nothing happens', async () => {
		const target = newMember();
		const demoted = guild.addMember({ username: 'demoted', roles: [roles.mods!] });
		const opened = menu('Warn', target, demoted);
		await opened.response;
		expect(opened.modal).toBeDefined();
		guild.updateMember(demoted.id, { roles: [] });
		const before = mutations(emu);
		const answer = await submit(`moderation:warn-modal:${target.id}`, 'too late', demoted);
		expect(answer.ephemeral).toBe(true);
		expect(answer.content).toBe('You need the following permission(s) to use this command: Timeout Members.');
		expect(await service().activeWarnings(guild.id, target.id)).toEqual([]);
		expect(mutations(emu)).toBe(before);
	});

	it('is hidden from, and refused to, members without Moderate Members (no modal)', async () => {
		const target = newMember();
		expect(() => menu('Warn', target, helper)).toThrow(/hidden from this member/);
		const opened = menu('Warn', target, helper, guild, { permissionOverride: true });
		const answer = await opened.waitForReply();
		expect(opened.modal).toBeUndefined();
		expect(answer.content).toBe('You need the following permission(s) to use this command: Timeout Members.');
	});

	it('speaks French in a French guild', async () => {
		const target = newMember(french);
		const opened = menu('Warn', target, mod, french);
		await opened.response;
		expect(opened.modal).toMatchObject({ title: `Avertir ${target.user!.username}`, components: [{ label: 'Raison' }] });
		const answer = await submit(`moderation:warn-modal:${target.id}`, 'spam', mod, french);
		expect(answer.content).toBe(`Dossier n° 1 : <@${target.id}> a été averti (1 avertissement(s) en cours).\nRaison : spam`);
	});
});
