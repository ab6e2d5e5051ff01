/**
 * The automod's filters as members meet them, the real bot on the Discord emulator (issue 9, "Done when"): every
 * filter fires on a message that breaks it and not on a near miss; every exemption; strikes escalate into a moderation
 * case; a filter's own punishment is a case; alerts with working moderator buttons; notices deleted by their task on
 * a ManualClock advance; DMs; stricter actions for new accounts; nothing at all where the plugin is off.
 */
import { DiscordEmulator, type GuildHandle, type MemberView } from '@hearth/discord-emulator';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { automodPlugin } from '../../../src/plugins/automod/index.js';
import type { AutomodService, CheckedMessage } from '../../../src/plugins/automod/service/AutomodService.js';
import { moderationPlugin } from '../../../src/plugins/moderation/index.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { DAY, enableModeration, generalChannelId, MINUTE, START } from '../moderation/e2eHelpers.js';
import { CheckedMessages, firedOf, onlyFilters, replaceConfig, type AutomodPatch } from './e2eHelpers.js';

/** Replaces the test guild's automod config (e2eHelpers.ts `replaceConfig`). */
const configure = (patch: AutomodPatch = {}) => replaceConfig(service, guild.id, patch);

const P = PermissionFlagsBits;

let emu: DiscordEmulator;
let bot: TestBot;
let clock: ManualClock;
let service: AutomodService;
let guild: GuildHandle;
let general: string;
let alerts: string;
let quiet: string;
let categorized: string;
let category: string;
let mod: MemberView;
let trustedRole: string;
let seq = 0;

/** Every message the automod checked (filled by the service's observer). */
let checked: CheckedMessages;

/** A new member of the test guild (fresh, so no strikes or spam windows carry over between tests). */
const newMember = (options: { roles?: string[]; bot?: boolean } = {}) => guild.addMember({ username: `member${++seq}`, roles: options.roles ?? [], ...(options.bot ? { bot: true } : {}) });

/** Sends a message as `author` and waits for the automod's decision and its actions; returns the check. */
async function send(author: MemberView, content: string, channelId = general): Promise<CheckedMessage & { id: string }> {
	const message = emu.messages.send({ channelId, userId: author.id, content });
	return { ...(await checked.of(message.id)), id: message.id };
}

/** Whether a message is still in its channel. */
const present = (channelId: string, messageId: string) => emu.messages.in(channelId).some((message) => message.id === messageId);

beforeAll(async () => {
	clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock });
	// Members may not mention everyone here (Discord's default @everyone role may; many servers turn it off).
	const everyonePermissions = P.ViewChannel | P.SendMessages | P.ReadMessageHistory | P.EmbedLinks | P.AttachFiles | P.AddReactions | P.Connect | P.Speak;
	guild = emu.world.createGuild({ name: 'Automod', everyonePermissions });
	general = generalChannelId(guild);
	alerts = guild.createChannel({ name: 'alerts', type: ChannelType.GuildText }).id;
	quiet = guild.createChannel({ name: 'quiet', type: ChannelType.GuildText }).id;
	category = guild.createChannel({ name: 'Staff', type: ChannelType.GuildCategory }).id;
	categorized = guild.createChannel({ name: 'staff-chat', type: ChannelType.GuildText, parentId: category }).id;
	const mods = guild.createRole({ name: 'Mods', permissions: P.ManageMessages | P.ModerateMembers | P.BanMembers | P.MentionEveryone }).id;
	trustedRole = guild.createRole({ name: 'Trusted' }).id;
	mod = guild.addMember({ username: 'moddy', roles: [mods] });
	bot = await startTestBot({ emulator: emu, clock, plugins: [moderationPlugin, automodPlugin] });
	await enableModeration(bot, guild);
	await bot.handle.settings.setPluginEnabled(guild.id, 'automod', true);
	service = bot.handle.pluginHost.service('automod');
	checked = new CheckedMessages(service);
}, 60_000);

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('content filters fire on what breaks them, not on near misses', () => {
	it('words: look-alike letters, accents, zero-width characters and wildcards are caught; a longer word is not a whole-word match', async () => {
		await configure({ words: ['badword', 'scam*', '*coin', '*grift*'], filters: onlyFilters({ words: {} }) });
		const alice = newMember();
		for (const text of ['this is a BАDWORD', 'bádwórd!', 'bad\u200bword', 'scammer here', 'buy bitcoin', 'pure grifting']) {
			const event = await send(alice, text);
			expect(firedOf(event), text).toEqual(['words']);
			expect(present(general, event.id), text).toBe(false);
		}
		for (const text of ['badwords are fine', 'noscam', 'coinage', 'hello there']) {
			expect(firedOf(await send(alice, text)), text).toEqual([]);
		}
	});

	it('regex: RE2 patterns match case-insensitively; a near miss does not', async () => {
		await configure({ regexes: ['fo+bar', '\\d{3}-\\d{4}'], filters: onlyFilters({ regex: {} }) });
		const bob = newMember();
		expect(firedOf(await send(bob, 'FOOOBAR!'))).toEqual(['regex']);
		expect(firedOf(await send(bob, 'call 555-1234'))).toEqual(['regex']);
		expect(firedOf(await send(bob, 'fbar and 55-1234'))).toEqual([]);
	});

	it('links: denied domains and their subdomains; allow mode blocks every other domain', async () => {
		await configure({ filters: onlyFilters({ links: { mode: 'deny', deny: ['evil.com'], allow: [] } }) });
		const carol = newMember();
		expect(firedOf(await send(carol, 'see https://sub.evil.com/x'))).toEqual(['links']);
		expect(firedOf(await send(carol, 'see evil.com'))).toEqual(['links']);
		expect(firedOf(await send(carol, 'see https://notevil.com'))).toEqual([]);
		await configure({ filters: onlyFilters({ links: { mode: 'allow', allow: ['good.org'], deny: [] } }) });
		expect(firedOf(await send(carol, 'docs at https://www.good.org/page'))).toEqual([]);
		expect(firedOf(await send(carol, 'docs at https://other.net/page'))).toEqual(['links']);
	});

	it('mentions: more distinct users and roles than the limit', async () => {
		await configure({ filters: onlyFilters({ mentions: { limit: 2 } }) });
		const dave = newMember();
		const [a, b, c] = [newMember(), newMember(), newMember()];
		expect(firedOf(await send(dave, `<@${a.id}> <@${b.id}> <@&${trustedRole}>`))).toEqual(['mentions']);
		expect(firedOf(await send(dave, `<@${a.id}> <@${b.id}> <@${a.id}>`))).toEqual([]);
		void c;
	});

	it('@everyone: members without Mention Everyone are stopped, moderators are not', async () => {
		await configure({ exempt: { permission: null }, filters: onlyFilters({ everyone: {} }) });
		const erin = newMember();
		expect(firedOf(await send(erin, '@everyone free stuff'))).toEqual(['everyone']);
		expect(firedOf(await send(erin, 'email me at everyone@here.example'))).toEqual([]);
		expect(firedOf(await send(mod, '@here meeting now'))).toEqual([]);
	});

	it('caps, lines and emoji above their limits', async () => {
		await configure({ filters: onlyFilters({ caps: { percent: 70, minLetters: 10 }, lines: { max: 3 }, emoji: { max: 3 } }) });
		const frank = newMember();
		expect(firedOf(await send(frank, 'WHY IS NOBODY ANSWERING ME'))).toEqual(['caps']);
		expect(firedOf(await send(frank, 'OK FINE'))).toEqual([]);
		expect(firedOf(await send(frank, 'Normal Sentence With Some Caps'))).toEqual([]);
		expect(firedOf(await send(frank, 'a\nb\nc\nd'))).toEqual(['lines']);
		expect(firedOf(await send(frank, 'a\nb\nc'))).toEqual([]);
		expect(firedOf(await send(frank, '😀😀😀 <:blob:123456789012345678>'))).toEqual(['emoji']);
		expect(firedOf(await send(frank, '😀😀😀'))).toEqual([]);
	});

	it('invites: a Discord invite in any disguise; allowlisted codes pass', async () => {
		await configure({ filters: onlyFilters({ invites: { allow: ['friends'] } }) });
		const gina = newMember();
		for (const text of ['join discord.gg/abcdef', 'discord . gg / abcdef', 'https://discord.com/invite/abcdef']) {
			expect(firedOf(await send(gina, text)), text).toEqual(['invites']);
		}
		expect(firedOf(await send(gina, 'join discord.gg/friends'))).toEqual([]);
		expect(firedOf(await send(gina, 'see https://discord.com/channels/1/2'))).toEqual([]);
	});

	it('invites: a raid posting one new invite at once is resolved by one lookup, then from Redis', async () => {
		await configure({ filters: onlyFilters({ invites: {} }) });
		const code = `raid${Date.now().toString(36)}`;
		const lookups = () => emu.recorder.rest.filter((call) => call.method === 'GET' && call.path.endsWith(`/invites/${code}`)).length;
		const raiders = Array.from({ length: 8 }, () => newMember());
		const sent = raiders.map((raider) => emu.messages.send({ channelId: general, userId: raider.id, content: `join us discord.gg/${code}` }));
		const checks = await Promise.all(sent.map((message) => checked.of(message.id)));
		expect(checks.map(firedOf)).toEqual(raiders.map(() => ['invites']));
		expect(lookups()).toBe(1);
		expect(firedOf(await send(newMember(), `discord.gg/${code} again`))).toEqual(['invites']);
		expect(lookups()).toBe(1);
	});
});

describe('spam windows in Redis', () => {
	it('rate: the message over the limit in the window fires; after the window it counts from zero', async () => {
		await configure({ filters: onlyFilters({ rate: { messages: 3, seconds: 5, scope: 'guild' } }) });
		const hank = newMember();
		const results: string[][] = [];
		for (let i = 0; i < 4; i++) results.push(firedOf(await send(hank, `message ${i}`, i % 2 ? general : quiet)));
		expect(results).toEqual([[], [], [], ['rate']]);
		clock.advance(6_000);
		expect(firedOf(await send(hank, 'later'))).toEqual([]);
	});

	it('duplicates: the same message repeated across channels', async () => {
		await configure({ filters: onlyFilters({ duplicates: { count: 3, seconds: 60 } }) });
		const ivy = newMember();
		expect(firedOf(await send(ivy, 'Buy my stuff', general))).toEqual([]);
		expect(firedOf(await send(ivy, 'buy  MY stuff', quiet))).toEqual([]);
		expect(firedOf(await send(ivy, 'something else', quiet))).toEqual([]);
		expect(firedOf(await send(ivy, 'buy my stuff', categorized))).toEqual(['duplicates']);
	});
});

describe('exemptions', () => {
	it('global: roles, channels, categories, the Manage Messages permission, bots; per filter: its own list only', async () => {
		await configure({ words: ['forbidden'], exempt: { roleIds: [trustedRole], channelIds: [quiet, category] }, filters: onlyFilters({ words: {}, caps: { minLetters: 5 } }) });
		const trusted = newMember({ roles: [trustedRole] });
		const plain = newMember();
		const robot = newMember({ bot: true });
		expect(firedOf(await send(trusted, 'forbidden'))).toEqual([]);
		expect(firedOf(await send(plain, 'forbidden', quiet))).toEqual([]);
		expect(firedOf(await send(plain, 'forbidden', categorized))).toEqual([]);
		expect(firedOf(await send(mod, 'forbidden'))).toEqual([]);
		expect(firedOf(await send(robot, 'forbidden'))).toEqual([]);
		expect(firedOf(await send(plain, 'forbidden'))).toEqual(['words']);
		await configure({ words: ['forbidden'], filters: onlyFilters({ words: { exempt: { roleIds: [trustedRole] } }, caps: { minLetters: 5 } }), exempt: { permission: null } });
		expect(firedOf(await send(trusted, 'FORBIDDEN'))).toEqual(['caps']);
		expect(firedOf(await send(mod, 'forbidden'))).toEqual(['words']);
	});
});

describe('actions', () => {
	it('a notice mentions the member and is deleted by its task when the clock passes noticeSeconds', async () => {
		await configure({ words: ['noticeme'], noticeSeconds: 5, filters: onlyFilters({ words: {} }) });
		const jack = newMember();
		const event = await send(jack, 'noticeme please');
		const outcome = await event.outcome;
		expect(outcome).toMatchObject({ deleted: true, notified: 'notice' });
		const notice = emu.messages.in(general).find((message) => message.author.id === emu.bot.id && message.content.includes(`<@${jack.id}>`));
		expect(notice?.content).toContain('word filter');
		clock.advance(5_000);
		await vi.waitFor(() => expect(present(general, notice!.id)).toBe(false), { timeout: 10_000 });
	});

	it('a DM instead of a notice; a filter that only alerts keeps the message and posts an alert whose timeout button works', async () => {
		await configure({
			words: ['dmword', 'alertword'],
			alertChannelId: alerts,
			filters: onlyFilters({ words: { actions: { delete: false, notify: 'dm', alert: true, points: 0 } } })
		});
		const kate = newMember();
		const event = await send(kate, 'an alertword here');
		expect(await event.outcome).toMatchObject({ deleted: false, notified: 'dm', alerted: true });
		expect(present(general, event.id)).toBe(true);
		expect(emu.dms.sent(kate.id).at(-1)?.content).toContain('alertword');
		const alert = emu.messages.in(alerts).at(-1)!;
		expect(alert.embeds[0]?.description).toBe('an alertword here');
		const buttons = (alert.components![0] as { components: { custom_id?: string; url?: string }[] }).components;
		expect(buttons.some((button) => button.url?.includes(event.id))).toBe(true);
		const timeoutButton = buttons.find((button) => button.custom_id?.includes(':timeout:'))!;
		// A member without Moderate Members is refused and nothing happens.
		const refused = emu.interactions.button({ guildId: guild.id, channelId: alerts, userId: kate.id, messageId: alert.id, customId: timeoutButton.custom_id! });
		expect((await refused.waitForReply()).ephemeral).toBe(true);
		expect(guild.member(kate.id)?.communication_disabled_until ?? null).toBeNull();
		const pressed = emu.interactions.button({ guildId: guild.id, channelId: alerts, userId: mod.id, messageId: alert.id, customId: timeoutButton.custom_id! });
		await vi.waitFor(() => expect(pressed.edits.length + pressed.followUps.length).toBeGreaterThan(0), { timeout: 10_000 });
		expect(guild.member(kate.id)?.communication_disabled_until).toBeTruthy();
		const cases = await service.moderation.casesOf(guild.id, kate.id);
		expect(cases.cases[0]).toMatchObject({ type: 'timeout', moderatorId: mod.id });
		await vi.waitFor(() => {
			const edited = emu.messages.in(alerts).find((message) => message.id === alert.id)!;
			expect(edited.embeds[0]?.fields?.at(-1)?.value).toContain(`<@${mod.id}>`);
			expect((edited.components?.[0] as { components: unknown[] } | undefined)?.components.length ?? 0).toBe(1);
		});
	});

	it("a filter's own punishment is a moderation case of source automod", async () => {
		await configure({ words: ['warnme'], filters: onlyFilters({ words: { actions: { punish: 'warn', notify: 'none' } } }) });
		const liam = newMember();
		const outcome = await (await send(liam, 'warnme now')).outcome;
		expect(outcome?.punishmentCase).toBeGreaterThan(0);
		const cases = await service.moderation.casesOf(guild.id, liam.id);
		expect(cases.cases[0]).toMatchObject({ type: 'warn', source: 'automod', moderatorId: emu.bot.id });
		expect(cases.cases[0]?.reason).toContain('warnme');
	});

	it('strikes: points within the window escalate once into a timeout case; points outside it do not count', async () => {
		await configure({
			words: ['strike'],
			strikes: [{ points: 3, windowSeconds: 600, action: 'timeout', durationSeconds: 600 }],
			filters: onlyFilters({ words: { actions: { points: 1, notify: 'none' } } })
		});
		const mia = newMember();
		await send(mia, 'strike one');
		clock.advance(11 * MINUTE);
		await send(mia, 'strike two');
		const second = await (await send(mia, 'strike three')).outcome;
		expect(second).toMatchObject({ strikePoints: 2, strikeCase: null });
		expect(guild.member(mia.id)?.communication_disabled_until ?? null).toBeNull();
		const third = await (await send(mia, 'strike four')).outcome;
		expect(third?.strikePoints).toBe(3);
		expect(third?.strikeCase).toBeGreaterThan(0);
		expect(guild.member(mia.id)?.communication_disabled_until).toBeTruthy();
		const cases = await service.moderation.casesOf(guild.id, mia.id);
		expect(cases.cases.map((record) => [record.type, record.source])).toEqual([['timeout', 'automod']]);
		expect(cases.cases[0]?.reason).toContain('3');
		// Above the threshold already: the next strike does not time them out again.
		const fourth = await (await send(mia, 'strike five')).outcome;
		expect(fourth).toMatchObject({ strikePoints: 4, strikeCase: null });
	});

	it('new accounts get the stricter actions', async () => {
		const veteran = newMember();
		clock.advance(30 * DAY);
		const newcomer = newMember();
		await configure({ newAccountDays: 7, words: ['spamword'], filters: onlyFilters({ words: { actions: { notify: 'none' }, newAccountActions: { punish: 'warn', notify: 'none' } } }) });
		const old = await send(veteran, 'spamword');
		expect(old.decision?.newAccount).toBe(false);
		expect((await old.outcome)?.punishmentCase).toBeNull();
		const fresh = await send(newcomer, 'spamword');
		expect(fresh.decision?.newAccount).toBe(true);
		expect((await fresh.outcome)?.punishmentCase).toBeGreaterThan(0);
	});
});

describe('where the plugin is off', () => {
	it('nothing is checked, deleted or sent', async () => {
		await configure({ words: ['offword'], filters: onlyFilters({ words: {} }) });
		const other = emu.world.createGuild({ name: 'No automod' });
		const member = other.addMember({ username: 'nora' });
		const before = emu.recorder.rest.length;
		const message = emu.messages.send({ channelId: generalChannelId(other), userId: member.id, content: 'offword' });
		// A message the plugin checks in the other guild proves the first one was dispatched and skipped.
		const canary = newMember();
		await send(canary, 'offword');
		expect(checked.has(message.id)).toBe(false);
		expect(present(generalChannelId(other), message.id)).toBe(true);
		expect(emu.recorder.rest.slice(before).some((call) => call.path.includes(generalChannelId(other)))).toBe(false);
	});
});
