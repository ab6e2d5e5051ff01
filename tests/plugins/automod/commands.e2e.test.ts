/**
 * `/automod` (commands/automod.ts, admin/): every subcommand as an admin uses it, the real bot on the Discord emulator.
 * Each change is read back from the plugin's config (`service.ctx.config`); each refusal is answered translated and
 * ephemeral, and leaves the config exactly as it was (an invalid regex with RE2's reason, a bad word entry, a bad
 * domain, an option a filter does not take, a timeout without a duration, a role or channel of another guild, a member
 * without Manage Server). `/automod test` names the filter and what matched; `/automod status` is shown in French; the
 * native sync creates the rules the emulator then holds, and reports what did not fit.
 */
import { DiscordEmulator, type GuildHandle, type MemberView, type MessageView } from '@hearth/discord-emulator';
import { ApplicationCommandOptionType, ChannelType, PermissionFlagsBits, type APIApplicationCommandInteractionDataOption } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { automodPlugin } from '../../../src/plugins/automod/index.js';
import type { AutomodConfig } from '../../../src/plugins/automod/lib/config.js';
import type { AutomodService } from '../../../src/plugins/automod/service/AutomodService.js';
import { moderationPlugin } from '../../../src/plugins/moderation/index.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { enableModeration, finalAnswer, generalChannelId, slashCommand, START, type CommandOptions } from '../moderation/e2eHelpers.js';

const P = PermissionFlagsBits;
const O = ApplicationCommandOptionType;

/** What the bot may do in the guilds of the native tests: moderation's set plus Manage Server (native rules). */
const BOT_WITH_MANAGE_GUILD = P.ViewChannel | P.SendMessages | P.EmbedLinks | P.ReadMessageHistory | P.ManageMessages | P.ModerateMembers | P.KickMembers | P.BanMembers | P.ManageGuild;

let emu: DiscordEmulator;
let bot: TestBot;
let service: AutomodService;
let guild: GuildHandle;
let elsewhere: GuildHandle;
let french: GuildHandle;
let admin: MemberView;
let alerts: string;
let staff: string;
const roles: Record<string, string> = {};

const config = (where: GuildHandle = guild): Promise<AutomodConfig> => service.ctx.config(where.id);

/** `/automod [group] subcommand ...options` as `actor` (default: the admin, who has Manage Server). */
function automod(path: string, options: CommandOptions = {}, actor: MemberView = admin, where: GuildHandle = guild, extra: { permissionOverride?: boolean } = {}): Promise<MessageView> {
	const [first, second] = path.split(' ');
	const run = second ? { subcommandGroup: first!, subcommand: second } : { subcommand: first! };
	return slashCommand(emu, where, actor, 'automod', options, { ...run, ...extra });
}

/** Runs a refused change and checks the answer (ephemeral) and that the config is exactly as before. */
async function refused(run: () => Promise<MessageView>, expected: string | RegExp, where: GuildHandle = guild): Promise<MessageView> {
	const before = await config(where);
	const answer = await run();
	expect(answer.ephemeral).toBe(true);
	if (typeof expected === 'string') expect(answer.content).toBe(expected);
	else expect(answer.content).toMatch(expected);
	expect(await config(where)).toEqual(before);
	return answer;
}

/** `/automod group subcommand` with raw options and the `resolved` data a hand-made request carries (see tests/plugins/voice-xp/foreignOptions.e2e.test.ts). */
async function forged(group: string, subcommand: string, options: APIApplicationCommandInteractionDataOption[], resolved: Record<string, unknown>): Promise<MessageView> {
	const nested = [{ type: O.SubcommandGroup, name: group, options: [{ type: O.Subcommand, name: subcommand, options } as never] }] as APIApplicationCommandInteractionDataOption[];
	const world = emu.world as unknown as { dispatch: (event: string, data: unknown, guildId: string | null) => void };
	const original = world.dispatch.bind(world);
	world.dispatch = (event, data, guildId) => {
		if (event === 'INTERACTION_CREATE') (data as { data: Record<string, unknown> }).data.resolved = resolved;
		original(event, data, guildId);
	};
	try {
		return await finalAnswer(emu.interactions.forgedCommand({ guildId: guild.id, channelId: generalChannelId(guild), userId: admin.id, name: 'automod', options: nested }), 'forged');
	} finally {
		delete (world as { dispatch?: unknown }).dispatch;
	}
}

const channelResolved = (id: string, name: string, type: ChannelType) => ({ channels: { [id]: { id, name, type, parent_id: null, permissions: '0' } } });
const roleResolved = (id: string, name: string) => ({
	roles: { [id]: { id, name, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, icon: null, unicode_emoji: null, position: 1, permissions: '0', managed: false, mentionable: false, flags: 0 } }
});

/** Every field of the config back to its default (each test starts from the defaults). */
async function resetConfig(where: GuildHandle = guild): Promise<void> {
	await service.ctx.updateConfig(where.id, () => ({
		alertChannelId: undefined,
		newAccountDays: undefined,
		noticeSeconds: undefined,
		words: undefined,
		regexes: undefined,
		filters: undefined,
		exempt: undefined,
		strikes: undefined,
		native: undefined
	}));
}

/** A guild with an admin (Manage Server) where moderation and automod are on. */
async function adminGuild(name: string, options: Omit<Parameters<DiscordEmulator['world']['createGuild']>[0], 'name'> = {}): Promise<GuildHandle> {
	const where = emu.world.createGuild({ name, ...options });
	where.addMember({ username: 'admin', userId: admin.id, permissions: P.ManageGuild | P.ModerateMembers });
	await enableModeration(bot, where);
	await bot.handle.settings.setPluginEnabled(where.id, 'automod', true);
	return where;
}

beforeAll(async () => {
	const clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock });
	guild = emu.world.createGuild({ name: 'Automod' });
	roles.admins = guild.createRole({ name: 'Admins', permissions: P.ManageGuild }).id;
	roles.trusted = guild.createRole({ name: 'Trusted' }).id;
	admin = guild.addMember({ username: 'admin', roles: [roles.admins] });
	alerts = guild.createChannel({ name: 'alerts', type: ChannelType.GuildText }).id;
	staff = guild.createChannel({ name: 'Staff', type: ChannelType.GuildCategory }).id;
	elsewhere = emu.world.createGuild({ name: 'Elsewhere' });
	bot = await startTestBot({ emulator: emu, clock, plugins: [moderationPlugin, automodPlugin] });
	service = bot.handle.pluginHost.service('automod');
	await enableModeration(bot, guild);
	await bot.handle.settings.setPluginEnabled(guild.id, 'automod', true);
	french = await adminGuild('Automodéré', { preferredLocale: 'fr' });
}, 60_000);

beforeEach(() => resetConfig());

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('/automod status', () => {
	it('lists each filter on or off with its actions, the alert channel, new accounts, notices, strikes and native rules', async () => {
		await automod('filter actions', { name: 'mentions', 'new-accounts': true, punish: 'timeout', duration: '1h' });
		const answer = await automod('status');
		expect(answer.ephemeral).toBe(true);
		expect(answer.content.split('\n')).toEqual([
			'**Automod**',
			'• word filter: on — delete, points: 1, notice',
			'• regex filter: on — delete, points: 1, notice',
			'• invite filter: on — delete, points: 1, notice',
			'• link filter: off',
			'• mention filter: on — delete, points: 2, notice (new accounts: delete, points: 2, timeout 1 hour, notice)',
			'• @everyone filter: on — delete, points: 1, notice',
			'• caps filter: off',
			'• line filter: off',
			'• emoji filter: off',
			'• attachment filter: off',
			'• message rate filter: on — delete, points: 1, notice',
			'• repeated message filter: on — delete, points: 1, notice',
			'Alert channel: none: alerts are skipped',
			'New accounts: younger than 7 days',
			'Notices in the channel stay 5 s',
			'Strike thresholds: 1 (/automod strikes list)',
			'Our Discord AutoMod rules: keywords none, mentions none'
		]);
	});

	it('speaks the guild language (French)', async () => {
		await resetConfig(french);
		const answer = await automod('status', {}, admin, french);
		const lines = answer.content.split('\n');
		expect(lines).toContain('• filtre de mots : activé — suppression, points : 1, avis');
		expect(lines).toContain('• filtre de liens : désactivé');
		expect(lines).toContain('Salon des alertes : aucun, les alertes sont ignorées');
		expect(lines).toContain('Nouveaux comptes : créés il y a moins de 7 jours');
		expect(lines).toContain('Nos règles AutoMod de Discord : mots-clés aucun, mentions aucun');
	});

	it('warns when the bot cannot read message content (status, turning a content filter on, test)', async () => {
		const warning =
			"⚠️ I cannot read message content: the Message Content intent is off; word, regex, invite, link, caps, lines and emoji filters see nothing; Discord's native AutoMod still works — use /automod native sync.";
		const blind = vi.spyOn(service, 'canReadContent', 'get').mockReturnValue(false);
		try {
			expect((await automod('status')).content.split('\n').slice(0, 2)).toEqual(['**Automod**', warning]);
			expect((await automod('filter on', { name: 'caps' })).content).toBe(`The caps filter is on.\n${warning}`);
			expect((await automod('filter on', { name: 'attachments' })).content).toBe('The attachment filter is on.');
			expect((await automod('test', { text: 'hello' })).content.split('\n').at(-1)).toBe(warning);
		} finally {
			blind.mockRestore();
		}
		expect((await automod('status')).content).not.toContain('⚠️');
	});

	it('is refused to a member without Manage Server (allowed by the server to see it), changing nothing', async () => {
		const member = guild.addMember({ username: 'member' });
		await refused(() => automod('filter off', { name: 'words' }, member, guild, { permissionOverride: true }), /Manage Server/);
	});
});

describe('/automod filter', () => {
	it('on and off switch a filter', async () => {
		expect((await automod('filter on', { name: 'links' })).content).toBe('The link filter is on.');
		expect((await config()).filters.links.enabled).toBe(true);
		expect((await automod('filter off', { name: 'words' })).content).toBe('The word filter is off.');
		expect((await config()).filters.words.enabled).toBe(false);
	});

	it('actions sets the options given and keeps the others; new-accounts edits the stricter set, reset clears it', async () => {
		const set = await automod('filter actions', { name: 'words', punish: 'timeout', duration: '10m', alert: true, notify: 'dm' });
		expect(set.content).toBe('The word filter now does: delete, points: 1, timeout 10 minutes, alert, DM');
		expect((await config()).filters.words.actions).toEqual({ delete: true, points: 1, punish: 'timeout', durationSeconds: 600, alert: true, notify: 'dm' });

		// The timeout keeps its duration when only the points change.
		await automod('filter actions', { name: 'words', points: 4 });
		expect((await config()).filters.words.actions).toMatchObject({ points: 4, punish: 'timeout', durationSeconds: 600 });

		const stricter = await automod('filter actions', { name: 'words', 'new-accounts': true, punish: 'ban', duration: '7d' });
		expect(stricter.content).toBe('For new accounts, the word filter now does: delete, points: 4, ban 7 days, alert, DM');
		expect((await config()).filters.words.newAccountActions).toEqual({ delete: true, points: 4, punish: 'ban', durationSeconds: 7 * 86_400, alert: true, notify: 'dm' });
		// "0" makes the ban permanent.
		await automod('filter actions', { name: 'words', 'new-accounts': true, duration: '0' });
		expect((await config()).filters.words.newAccountActions).toMatchObject({ punish: 'ban', durationSeconds: null });

		const shown = await automod('filter actions', { name: 'words' });
		expect(shown.content).toBe('Actions of the word filter: delete, points: 4, timeout 10 minutes, alert, DM\nFor new accounts: delete, points: 4, ban, alert, DM');
		expect((await automod('filter actions', { name: 'words', reset: true })).content).toBe('New accounts now get the same actions from the word filter as everyone.');
		expect((await config()).filters.words.newAccountActions).toBeNull();
		expect((await automod('filter actions', { name: 'words', delete: false, punish: 'none', points: 0, alert: false, notify: 'none' })).content).toBe(
			'The word filter now does: nothing (only counted)'
		);
	});

	it('actions refuses a timeout without a duration, a duration for a kick, a timeout over 28 days and reset with actions', async () => {
		await refused(() => automod('filter actions', { name: 'regex', punish: 'timeout' }), 'A timeout needs a duration (for example 10m or 1h); nothing was changed.');
		await refused(() => automod('filter actions', { name: 'regex', punish: 'kick', duration: '1h' }), 'A duration only applies to a timeout or a ban, not to “kick”; nothing was changed.');
		await refused(() => automod('filter actions', { name: 'regex', punish: 'timeout', duration: '30d' }), /28 days/);
		await refused(() => automod('filter actions', { name: 'regex', punish: 'timeout', duration: 'soon' }), /soon/);
		await refused(() => automod('filter actions', { name: 'regex', reset: true, points: 3 }), 'reset clears the new-account actions: use it without other action options; nothing was changed.');
	});

	it("settings maps the options onto each filter's own settings and shows them", async () => {
		expect((await automod('filter settings', { name: 'rate', limit: 10, seconds: 20, scope: 'channel' })).content).toBe(
			'The message rate filter now acts on: more than 10 messages in 20 seconds, counted per channel'
		);
		expect((await config()).filters.rate).toMatchObject({ messages: 10, seconds: 20, scope: 'channel' });
		await automod('filter settings', { name: 'caps', percent: 80, 'min-letters': 20 });
		await automod('filter settings', { name: 'links', mode: 'allow' });
		await automod('filter settings', { name: 'mentions', limit: 8 });
		await automod('filter settings', { name: 'lines', limit: 30 });
		await automod('filter settings', { name: 'duplicates', limit: 4, seconds: 120 });
		const after = await config();
		expect(after.filters.caps).toMatchObject({ percent: 80, minLetters: 20 });
		expect(after.filters.links.mode).toBe('allow');
		expect(after.filters.mentions.limit).toBe(8);
		expect(after.filters.lines.max).toBe(30);
		expect(after.filters.duplicates).toMatchObject({ count: 4, seconds: 120 });
		expect((await automod('filter settings', { name: 'caps' })).content).toBe('Settings of the caps filter: more than 80% capitals, in messages of at least 20 letters');
	});

	it('settings refuses an option the filter does not take (naming those it takes), a filter without settings, a value out of its bounds', async () => {
		await refused(() => automod('filter settings', { name: 'mentions', seconds: 5 }), 'The mention filter does not take seconds: it takes limit. Nothing was changed.');
		await refused(() => automod('filter settings', { name: 'rate', percent: 50 }), 'The message rate filter does not take percent: it takes limit, seconds, scope. Nothing was changed.');
		await refused(() => automod('filter settings', { name: 'words', limit: 3 }), 'The word filter has no settings of its own (only on/off, actions and exemptions).');
		await refused(() => automod('filter settings', { name: 'attachments', limit: 50 }), 'limit of the attachment filter must be between 1 and 10; nothing was changed.');
	});
});

describe('/automod words', () => {
	it('add, list, autocomplete and remove; bad entries and duplicates are refused', async () => {
		expect((await automod('words add', { entry: 'badword' })).content).toBe('Added `badword` to the word list (1 of 1000).');
		await automod('words add', { entry: ' *scam* ' });
		expect((await config()).words).toEqual(['badword', '*scam*']);
		await refused(() => automod('words add', { entry: 'bad*word' }), '`bad*word` has a * inside: a * may only start or end an entry (word*, *word, *word*). Nothing was changed.');
		await refused(() => automod('words add', { entry: '**' }), 'This entry has no word in it; nothing was changed.');
		await refused(() => automod('words add', { entry: 'x'.repeat(61) }), 'An entry has at most 60 characters; nothing was changed.');
		await refused(() => automod('words add', { entry: 'BADWORD' }), '`badword` is already on the word list.');
		expect((await automod('words list')).content).toBe('Word list (2 of 1000), page 1 of 1:\n`badword`, `*scam*`');

		const typing = emu.interactions.autocomplete({
			guildId: guild.id,
			channelId: generalChannelId(guild),
			userId: admin.id,
			name: 'automod',
			subcommandGroup: 'words',
			subcommand: 'remove',
			options: { entry: 'sc' },
			focused: 'entry'
		});
		await typing.response;
		expect(typing.choices).toEqual([{ name: '*scam*', value: '*scam*' }]);

		expect((await automod('words remove', { entry: '*scam*' })).content).toBe('Removed `*scam*` from the word list (1 of 1000).');
		expect((await config()).words).toEqual(['badword']);
		await refused(() => automod('words remove', { entry: 'nothere' }), '`nothere` is not on the word list.');
	});

	it('list pages a long list within 2,000 characters', async () => {
		const words = Array.from({ length: 300 }, (_, index) => `word${String(index).padStart(3, '0')}${'x'.repeat(12)}`);
		await service.ctx.updateConfig(guild.id, () => ({ words }));
		const first = await automod('words list');
		const pages = Number(/page 1 of (\d+):/.exec(first.content)![1]);
		expect(pages).toBeGreaterThan(1);
		const seen: string[] = [];
		for (let page = 1; page <= pages; page++) {
			const answer = page === 1 ? first : await automod('words list', { page });
			expect(answer.content.length).toBeLessThanOrEqual(2_000);
			seen.push(...answer.content.split('\n')[1]!.split(', ').map((entry) => entry.replaceAll('`', '').replace(/,$/, '')));
		}
		expect(seen).toEqual(words);
		await refused(() => automod('words list', { page: pages + 1 }), `There is no page ${pages + 1}: there are ${pages}.`);
	});
});

describe('/automod regex', () => {
	it("add, list and remove (by number); RE2's reason and the offending part for an invalid pattern", async () => {
		expect((await automod('regex add', { pattern: 'fo+bar' })).content).toBe('Added the pattern `fo+bar` (1 of 10).');
		await automod('regex add', { pattern: '\\d{3}-\\d{4}' });
		expect((await config()).regexes).toEqual(['fo+bar', '\\d{3}-\\d{4}']);
		await refused(() => automod('regex add', { pattern: '(a' }), 'This pattern is not valid: missing closing ) at `(a`. Nothing was changed.');
		const lookahead = await refused(() => automod('regex add', { pattern: 'foo(?=bar)' }), /^This pattern is not valid: invalid or unsupported Perl syntax at `\(\?=`\. /);
		expect(lookahead.content).toContain('RE2, which has no lookarounds');
		await refused(() => automod('regex add', { pattern: '(a)\\1' }), /invalid escape sequence at `\\1`.*no backreferences/);
		await refused(() => automod('regex add', { pattern: 'fo+bar' }), '`fo+bar` is already on the list.');
		expect((await automod('regex list')).content).toBe('Regular expressions (2 of 10):\n1. `fo+bar`\n2. `\\d{3}-\\d{4}`');
		expect((await automod('regex remove', { pattern: '#1' })).content).toBe('Removed the pattern `fo+bar` (1 of 10).');
		expect((await config()).regexes).toEqual(['\\d{3}-\\d{4}']);
		await refused(() => automod('regex remove', { pattern: 'nope' }), '`nope` is not on the list.');
	});
});

describe('/automod links', () => {
	it('deny and allow normalize the domain and move it between the lists; remove and list', async () => {
		expect((await automod('links deny', { domain: 'https://Evil.Example.com/path?x=1' })).content).toBe(
			'`evil.example.com` and its subdomains are now denied.\nThe link filter is off: /automod filter on links.'
		);
		expect((await config()).filters.links.deny).toEqual(['evil.example.com']);
		const moved = await automod('links allow', { domain: 'evil.example.com' });
		expect(moved.content.split('\n')[0]).toBe('`evil.example.com` moved from the denied to the allowed domains.');
		expect((await config()).filters.links).toMatchObject({ allow: ['evil.example.com'], deny: [] });
		await automod('links deny', { domain: 'scam.test' });
		expect((await automod('links list')).content).toBe(
			'Mode deny: links to denied domains are blocked.\nAllowed (1 of 200): `evil.example.com`\nDenied (1 of 200): `scam.test`'
		);
		expect((await automod('links remove', { domain: 'evil.example.com' })).content).toBe('`evil.example.com` is on neither list now.');
		expect((await config()).filters.links).toMatchObject({ allow: [], deny: ['scam.test'] });
	});

	it('refuses what is not a domain, and removing a domain on neither list', async () => {
		await refused(() => automod('links deny', { domain: 'not a domain' }), '`not a domain` is not a domain (for example example.com); nothing was changed.');
		await refused(() => automod('links allow', { domain: 'localhost' }), /^`localhost` is not a domain/);
		await refused(() => automod('links remove', { domain: 'nowhere.test' }), '`nowhere.test` is on neither list.');
	});
});

describe('/automod invites', () => {
	it('allow takes a code, an invite link or a server id; remove and list; junk is refused', async () => {
		expect((await automod('invites allow', { target: 'https://discord.gg/AbC12' })).content).toBe('Invites to `AbC12` are now allowed.');
		await automod('invites allow', { target: elsewhere.id });
		expect((await config()).filters.invites.allow).toEqual(['AbC12', elsewhere.id]);
		expect((await automod('invites allow', { target: 'AbC12' })).content).toBe('`AbC12` is already allowed.');
		expect((await automod('invites list')).content).toBe(`Allowed invites and servers (2 of 100):\n\`AbC12\`, \`${elsewhere.id}\``);
		await refused(() => automod('invites allow', { target: 'not an invite!' }), '`not an invite!` is neither an invite (code or link) nor a server id; nothing was changed.');
		expect((await automod('invites remove', { target: 'AbC12' })).content).toBe('`AbC12` is no longer allowed.');
		expect((await config()).filters.invites.allow).toEqual([elsewhere.id]);
		await refused(() => automod('invites remove', { target: 'gone' }), '`gone` is not on the invite allowlist.');
	});
});

describe('/automod exempt', () => {
	it('add and remove a role and a channel, globally or for one filter; permission; list', async () => {
		expect((await automod('exempt add', { role: roles.trusted!, channel: staff })).content).toBe(`<@&${roles.trusted}>, <#${staff}>: exempt from all filters.`);
		expect((await config()).exempt).toMatchObject({ roleIds: [roles.trusted], channelIds: [staff] });
		expect((await automod('exempt add', { role: roles.trusted!, filter: 'caps' })).content).toBe(`<@&${roles.trusted}>: exempt from the caps filter.`);
		expect((await config()).filters.caps.exempt.roleIds).toEqual([roles.trusted]);
		expect((await automod('exempt permission', { name: 'ModerateMembers', filter: 'links' })).content).toBe(
			'Members with Timeout Members are now exempt from the link filter (Administrator always is).'
		);
		expect((await config()).filters.links.exempt.permission).toBe('ModerateMembers');
		expect((await automod('exempt permission', { name: 'none' })).content).toBe('No permission exempts from all filters now (Administrator still does).');
		expect((await config()).exempt.permission).toBeNull();
		expect((await automod('exempt list')).content).toBe(
			[
				'Exempt from all filters:',
				`Roles: <@&${roles.trusted}>`,
				`Channels and categories: <#${staff}>`,
				'Members with the permission: none (Administrator always)',
				'Bots: exempt',
				'Webhooks: exempt'
			].join('\n')
		);
		expect((await automod('exempt remove', { channel: staff })).content).toBe(`<#${staff}>: no longer exempt from all filters.`);
		expect((await config()).exempt).toMatchObject({ roleIds: [roles.trusted], channelIds: [] });
		await refused(() => automod('exempt remove', { channel: staff }), `<#${staff}>: not exempt from all filters; nothing was changed.`);
		await refused(() => automod('exempt add', { filter: 'words' }), 'Name a role, a channel, or both; nothing was changed.');
		await refused(() => automod('exempt add', { role: guild.id }), /^@everyone cannot be exempt/);
	});

	it('refuses a role or a channel of another guild (a hand-made request); nothing is stored', async () => {
		const foreignRole = elsewhere.createRole({ name: 'Foreign' }).id;
		await refused(
			() => forged('exempt', 'add', [{ type: O.Role, name: 'role', value: foreignRole }], roleResolved(foreignRole, 'Foreign')),
			`<@&${foreignRole}> is not a role of this server; nothing was changed.`
		);
		const foreignChannel = generalChannelId(elsewhere);
		await refused(
			() => forged('exempt', 'add', [{ type: O.Channel, name: 'channel', value: foreignChannel }], channelResolved(foreignChannel, 'general', ChannelType.GuildText)),
			`<#${foreignChannel}> is not a channel of this server; nothing was changed.`
		);
		// The guild's own channel still goes through the same path.
		const own = await forged('exempt', 'add', [{ type: O.Channel, name: 'channel', value: staff }], channelResolved(staff, 'Staff', ChannelType.GuildCategory));
		expect(own.content).toBe(`<#${staff}>: exempt from all filters.`);
	});
});

describe('/automod strikes', () => {
	it('add, list and remove thresholds; show and clear a member', async () => {
		const added = await automod('strikes add', { points: 5, window: '1h', action: 'ban', duration: '7d' });
		expect(added.content).toBe(
			'Added: 5 points within 1 hour → ban 7 days.\nStrike thresholds (2 of 10):\n• 3 points within 10 minutes → timeout 10 minutes\n• 5 points within 1 hour → ban 7 days'
		);
		expect((await config()).strikes).toEqual([
			{ points: 3, windowSeconds: 600, action: 'timeout', durationSeconds: 600 },
			{ points: 5, windowSeconds: 3_600, action: 'ban', durationSeconds: 7 * 86_400 }
		]);
		await refused(() => automod('strikes add', { points: 4, window: '1h', action: 'timeout' }), 'A timeout needs a duration (for example 10m or 1h); nothing was changed.');
		await refused(() => automod('strikes add', { points: 4, window: '8d', action: 'kick' }), /7 days/);
		await refused(() => automod('strikes add', { points: 4, window: '1h', action: 'warn', duration: '1h' }), 'A duration only applies to a timeout or a ban, not to “warn”; nothing was changed.');
		await refused(() => automod('strikes add', { points: 5, window: '60m', action: 'kick' }), 'There is already a threshold at 5 points within 1 hour.');
		expect((await automod('strikes remove', { points: 3, window: '10m' })).content).toBe(
			'Removed: 3 points within 10 minutes → timeout 10 minutes.\nStrike thresholds (1 of 10):\n• 5 points within 1 hour → ban 7 days'
		);
		await refused(() => automod('strikes remove', { points: 3, window: '10m' }), 'There is no threshold at 3 points within 10 minutes.');
		expect((await automod('strikes list')).content).toBe('Strike thresholds (1 of 10):\n• 5 points within 1 hour → ban 7 days');

		const member = guild.addMember({ username: 'striker' });
		await service.strike(guild.id, member.id, { entryId: 'm1', points: 2 });
		expect((await automod('strikes show', { member: member.id })).content).toBe(`<@${member.id}> has 2 strike points within the last 1 hour.`);
		expect((await automod('strikes clear', { member: member.id })).content).toBe(`<@${member.id}>'s strike points were cleared.`);
		expect(await service.strikePoints(guild.id, member.id)).toBe(0);
		expect((await automod('strikes clear', { member: member.id })).content).toBe(`<@${member.id}> had no strike points.`);
	});
});

describe('/automod settings', () => {
	it('sets the options given, shows them all; without options only shows', async () => {
		const saved = await automod('settings', { 'alert-channel': alerts, 'new-account-days': 3, 'notice-seconds': 10, 'native-points': 2, 'native-cases': false });
		expect(saved.content).toBe(
			[
				'Saved. Automod settings:',
				`Alert channel: <#${alerts}>`,
				'New accounts: younger than 3 days',
				'Notices in the channel stay 10 s',
				'Strike points per Discord AutoMod action: 2',
				'Discord AutoMod actions are not recorded as cases.'
			].join('\n')
		);
		expect(await config()).toMatchObject({ alertChannelId: alerts, newAccountDays: 3, noticeSeconds: 10, native: { points: 2, recordCases: false } });
		expect((await automod('settings')).content.split('\n')[0]).toBe('Automod settings:');
		await automod('settings', { 'alerts-off': true, 'new-account-days': 0 });
		expect(await config()).toMatchObject({ alertChannelId: null, newAccountDays: 0 });
	});

	it('refuses an alert channel of another guild, and a channel with alerts-off', async () => {
		await refused(() => automod('settings', { 'alert-channel': alerts, 'alerts-off': true }), 'Give either an alert channel or alerts-off, not both; nothing was changed.');
		const foreign = generalChannelId(elsewhere);
		const world = emu.world as unknown as { dispatch: (event: string, data: unknown, guildId: string | null) => void };
		const original = world.dispatch.bind(world);
		world.dispatch = (event, data, guildId) => {
			if (event === 'INTERACTION_CREATE') (data as { data: Record<string, unknown> }).data.resolved = channelResolved(foreign, 'general', ChannelType.GuildText);
			original(event, data, guildId);
		};
		try {
			await refused(
				() =>
					finalAnswer(
						emu.interactions.forgedCommand({
							guildId: guild.id,
							channelId: generalChannelId(guild),
							userId: admin.id,
							name: 'automod',
							options: [{ type: O.Subcommand, name: 'settings', options: [{ type: O.Channel, name: 'alert-channel', value: foreign }] }]
						}),
						'forged settings'
					),
				`<#${foreign}> is not a channel of this server; nothing was changed.`
			);
		} finally {
			delete (world as { dispatch?: unknown }).dispatch;
		}
	});
});

describe('/automod test', () => {
	it('names each filter that would act and what matched; or says none would', async () => {
		await service.ctx.updateConfig(guild.id, () => ({ words: ['badword'], regexes: ['fo+bar'] }));
		const hit = await automod('test', { text: 'this has a bádword and FOOOBAR' });
		expect(hit.content.split('\n')).toEqual([
			'These filters would act on this text:',
			'• word filter: “badword” matches badword',
			'• regex filter: “FOOOBAR” matches fo+bar',
			'Not tested: message rate and repeated messages (they count recent messages). The author is taken as a member without exemptions.'
		]);
		expect((await automod('test', { text: 'all good here' })).content.split('\n')[0]).toBe('No filter would act on this.');
	});
});

describe('/automod native', () => {
	it('sync creates our keyword and mention rules in Discord, updates them on a second sync, and status lists them', async () => {
		const native = await adminGuild('Native', { botPermissions: BOT_WITH_MANAGE_GUILD });
		await resetConfig(native);
		await service.ctx.updateConfig(native.id, () => ({ words: ['badword', 'scam*'], regexes: ['fo+bar'] }));
		const synced = await automod('native sync', {}, admin, native);
		expect(synced.content).toBe(["Discord's AutoMod is synced:", 'Keyword rule created (2 words, 1 regexes).', 'Mention rule created (limit 5).'].join('\n'));
		const rules = emu.autoModeration.rules(native.id);
		expect(rules.map((rule) => [rule.name, rule.trigger_type])).toEqual([
			['Hearth automod: words', 1],
			['Hearth automod: mentions', 5]
		]);
		expect(rules[0]!.trigger_metadata.keyword_filter).toEqual(['badword', 'scam*']);
		expect(rules[0]!.trigger_metadata.regex_patterns).toEqual(['fo+bar']);
		expect((await config(native)).native).toMatchObject({ keywordRuleId: rules[0]!.id, mentionRuleId: rules[1]!.id });

		await service.ctx.updateConfig(native.id, (current) => ({ words: [...current.words, 'another'] }));
		expect((await automod('native sync', {}, admin, native)).content).toBe(
			["Discord's AutoMod is synced:", 'Keyword rule updated (3 words, 1 regexes).', 'Mention rule updated (limit 5).'].join('\n')
		);
		expect(emu.autoModeration.rules(native.id)).toHaveLength(2);

		const status = await automod('native status', {}, admin, native);
		expect(status.content).toBe(
			[
				"Discord's AutoMod rules in this server:",
				'• Hearth automod: words (keywords, on) · ours · 3 keywords, 1 regexes',
				'• Hearth automod: mentions (mention spam, on) · ours',
				'Slots used: keyword rules 1/6, mention rules 1/1.'
			].join('\n')
		);
	});

	it('reports every item that did not fit: 6 hand-made keyword rules leave no room for our words', async () => {
		const full = await adminGuild('Full', { botPermissions: BOT_WITH_MANAGE_GUILD });
		await resetConfig(full);
		for (let index = 1; index <= 6; index++) {
			emu.autoModeration.createRule(full.id, {
				creatorId: admin.id,
				name: `Hand-made ${index}`,
				event_type: 1,
				trigger_type: 1,
				trigger_metadata: { keyword_filter: [`hand${index}`] },
				actions: [{ type: 1 }],
				enabled: true
			});
		}
		await service.ctx.updateConfig(full.id, () => ({ words: ['badword', 'scam*'], regexes: ['fo+bar'] }));
		const synced = await automod('native sync', {}, admin, full);
		expect(synced.content).toBe(
			[
				"Discord's AutoMod is synced:",
				'No keyword rule (nothing to put in it, or no room: see below).',
				'Mention rule created (limit 5).',
				'Not synced (3):',
				'• no room: the server already has 6 keyword rules: `badword`, `scam*`, `fo+bar`'
			].join('\n')
		);
		expect(emu.autoModeration.rules(full.id).filter((rule) => rule.trigger_type === 1)).toHaveLength(6);
		expect((await config(full)).native.keywordRuleId).toBeNull();
		const status = await automod('native status', {}, admin, full);
		expect(status.content.split('\n')).toContain('• Hand-made 1 (keywords, on) · 1 keywords, 0 regexes');
		expect(status.content.split('\n').at(-1)).toBe('Slots used: keyword rules 6/6, mention rules 1/1.');
	});

	it('says the bot needs Manage Server when it lacks it, after deferring', async () => {
		const answer = await automod('native sync');
		expect(answer.ephemeral).toBe(true);
		expect(answer.content).toBe("I need the Manage Server permission to read and change Discord's AutoMod rules.");
		expect(emu.autoModeration.rules(guild.id)).toEqual([]);
	});
});
