/**
 * `/tickets type ...`, `/tickets question ...`, `/tickets config` and `/tickets blocklist ...` (admin/types.ts,
 * admin/config.ts, admin/blocklist.ts), the real bot on the Discord emulator. Each change is read back from the
 * plugin's config; each refusal is answered translated and ephemeral and leaves the config exactly as it was: where
 * tickets go (a category the bot cannot manage, top level without Manage Channels, thread mode without a channel or in
 * a channel where the bot cannot make private threads, options of the other mode), ids, roles of another guild or
 * @everyone, emoji, name templates, durations, a sixth question, a shortest answer longer than the longest, a type with
 * open tickets; answers in French and Polish.
 */
import { DEFAULT_BOT_PERMISSIONS, DiscordEmulator, type GuildHandle, type MemberView, type MessageView } from '@hearth/discord-emulator';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { ticketsPlugin } from '../../../src/plugins/tickets/index.js';
import type { TicketsConfig } from '../../../src/plugins/tickets/lib/config.js';
import * as store from '../../../src/plugins/tickets/service/store.js';
import type { TicketService } from '../../../src/plugins/tickets/service/TicketService.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { START, type CommandOptions } from '../moderation/e2eHelpers.js';
import { enableTickets, ticketsCommand, ticketsService } from './e2eHelpers.js';

const P = PermissionFlagsBits;

let emu: DiscordEmulator;
let bot: TestBot;
let service: TicketService;
let guild: GuildHandle;
let admin: MemberView;
let member: MemberView;
const ids = {} as Record<'tickets' | 'closed' | 'support' | 'noThreads' | 'news' | 'staffLog' | 'mute' | 'staff' | 'mods' | 'foreign', string>;

const config = (where: GuildHandle = guild): Promise<TicketsConfig> => service.config(where.id);

/** `/tickets <path>` as `actor` (default: the admin) in `where` (default: the test guild). */
function tickets(path: string, options: CommandOptions = {}, actor: MemberView = admin, where: GuildHandle = guild): Promise<MessageView> {
	return ticketsCommand(emu, where, actor, path, options);
}

/** Runs a refused command and checks the answer (ephemeral, that text) and that the config is exactly as before. */
async function refused(run: () => Promise<MessageView>, expected: string | RegExp, where: GuildHandle = guild): Promise<MessageView> {
	const before = await config(where);
	const answer = await run();
	expect(answer.ephemeral).toBe(true);
	if (typeof expected === 'string') expect(answer.content).toBe(expected);
	else expect(answer.content).toMatch(expected);
	expect(await config(where)).toEqual(before);
	return answer;
}

/** The type with this id in the config. */
async function type(id: string) {
	const found = (await config()).types.find((candidate) => candidate.id === id);
	if (!found) throw new Error(`no type ${id}`);
	return found;
}

beforeAll(async () => {
	const clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock });
	guild = emu.world.createGuild({ name: 'Support' });
	admin = guild.addMember({ username: 'admin', permissions: P.ManageGuild });
	member = guild.addMember({ username: 'member' });
	ids.tickets = guild.createChannel({ name: 'Tickets', type: ChannelType.GuildCategory }).id;
	ids.closed = guild.createChannel({ name: 'Closed', type: ChannelType.GuildCategory, permissionOverwrites: [{ id: guild.botRoleId, type: 0, deny: P.ManageChannels }] as never }).id;
	ids.support = guild.createChannel({ name: 'support', type: ChannelType.GuildText }).id;
	ids.noThreads = guild.createChannel({ name: 'no-threads', type: ChannelType.GuildText, permissionOverwrites: [{ id: guild.botRoleId, type: 0, deny: P.CreatePrivateThreads }] as never }).id;
	ids.news = guild.createChannel({ name: 'news', type: ChannelType.GuildAnnouncement }).id;
	ids.staffLog = guild.createChannel({ name: 'staff-log', type: ChannelType.GuildText }).id;
	ids.mute = guild.createChannel({ name: 'mute', type: ChannelType.GuildText, permissionOverwrites: [{ id: guild.botRoleId, type: 0, deny: P.EmbedLinks }] as never }).id;
	ids.staff = guild.createRole({ name: 'Staff' }).id;
	ids.mods = guild.createRole({ name: 'Mods' }).id;
	ids.foreign = emu.world.createGuild({ name: 'Elsewhere' }).createRole({ name: 'Foreign' }).id;
	bot = await startTestBot({ emulator: emu, clock, plugins: [ticketsPlugin] });
	service = ticketsService(bot);
	await enableTickets(bot, guild);
}, 60_000);

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('/tickets type add', () => {
	it('adds a channel-mode type in a category, with every default', async () => {
		const answer = await tickets('type add', { id: 'Support', name: 'Support', mode: 'channel', category: ids.tickets });
		expect(answer.ephemeral).toBe(true);
		expect(answer.content).toBe(
			`Ticket type \`support\` (**Support**) added: private channels in <#${ids.tickets}>. Put it on a panel with /tickets panel create or /tickets panel edit, and add questions with /tickets question add.`
		);
		expect(await type('support')).toEqual({
			id: 'support',
			name: 'Support',
			emoji: null,
			description: null,
			mode: 'channel',
			categoryId: ids.tickets,
			channelId: null,
			staffRoleIds: [],
			pingRoleIds: [],
			requiredRoleIds: [],
			questions: [],
			nameTemplate: '{number}-{username}',
			maxOpenPerMember: 1,
			maxOpenTotal: null,
			cooldownSeconds: 0,
			claimRestrictsWriting: false
		});
	});

	it('adds a thread-mode type with roles, emoji, template, limits, cooldown and claim locks', async () => {
		const answer = await tickets('type add', {
			id: 'appeal',
			name: 'Ban appeal',
			mode: 'thread',
			channel: ids.support,
			emoji: '⚖️',
			description: 'Appeal a ban',
			'staff-roles': `<@&${ids.staff}> ${ids.mods}`,
			'ping-roles': `<@&${ids.mods}>`,
			'required-roles': `<@&${ids.staff}>,<@&${ids.staff}>`,
			'name-template': 'appeal-{number}',
			'max-open': 2,
			'max-total': 40,
			cooldown: '1d 12h',
			'claim-locks': true
		});
		expect(answer.content).toMatch(/^Ticket type `appeal` \(\*\*Ban appeal\*\*\) added: private threads in <#\d+>\./);
		expect(await type('appeal')).toMatchObject({
			mode: 'thread',
			channelId: ids.support,
			categoryId: null,
			emoji: '⚖️',
			description: 'Appeal a ban',
			staffRoleIds: [ids.staff, ids.mods],
			pingRoleIds: [ids.mods],
			requiredRoleIds: [ids.staff],
			nameTemplate: 'appeal-{number}',
			maxOpenPerMember: 2,
			maxOpenTotal: 40,
			cooldownSeconds: 36 * 3_600,
			claimRestrictsWriting: true
		});
	});

	it('adds a channel-mode type at the top of the channel list when no category is given', async () => {
		await tickets('type add', { id: 'other', name: 'Other', mode: 'channel', emoji: '<:other:123456789012345678>' });
		expect(await type('other')).toMatchObject({ categoryId: null, channelId: null, emoji: '<:other:123456789012345678>' });
	});

	it('refuses where tickets could not be made, naming what is wrong', async () => {
		const add = (options: CommandOptions) => tickets('type add', { id: 'new', name: 'New', ...options });
		await refused(() => add({ mode: 'channel', category: ids.closed }), `I cannot make ticket channels in <#${ids.closed}>: I need Manage Channels there.`);
		await refused(() => add({ mode: 'thread' }), 'Thread mode needs a channel: the text channel where the private threads are made.');
		await refused(() => add({ mode: 'thread', channel: ids.noThreads }), `I cannot make private threads in <#${ids.noThreads}>: I need Create Private Threads there.`);
		await refused(() => add({ mode: 'thread', channel: ids.support, category: ids.tickets }), 'The category option is for channel mode. In thread mode, choose a channel for the private threads.');
		await refused(() => add({ mode: 'channel', channel: ids.support }), 'The channel option is for thread mode (where the private threads go). In channel mode, choose a category.');
	});

	it('refuses a thread channel that is not a text channel, and top level without Manage Channels', async () => {
		await refused(
			() => tickets('type add', { id: 'news', name: 'News', mode: 'thread', channel: ids.news }),
			`<#${ids.news}> is not a text channel of this server: private threads can only be made in text channels.`
		);
		const limited = emu.world.createGuild({ name: 'Limited', botPermissions: DEFAULT_BOT_PERMISSIONS & ~P.ManageChannels & ~P.ManageRoles });
		limited.addMember({ username: 'admin', userId: admin.id, permissions: P.ManageGuild });
		await enableTickets(bot, limited);
		await refused(
			() => tickets('type add', { id: 'top', name: 'Top', mode: 'channel' }, admin, limited),
			'I cannot make ticket channels in this server: I need Manage Channels, Manage Roles. Give them to me, or choose a category where I have them.',
			limited
		);
	});

	it('refuses bad ids, a taken id, roles of another guild or @everyone, bad role lists, emoji, templates and durations', async () => {
		const add = (options: CommandOptions) => tickets('type add', { id: 'new', name: 'New', mode: 'channel', ...options });
		await refused(() => add({ id: 'Bad Id!' }), '`Bad Id!` is not a valid id: use 1 to 32 lower-case letters, digits or dashes, like support or ban-appeal.');
		await refused(() => add({ id: 'support' }), 'There already is a ticket type `support`. Change it with /tickets type edit.');
		await refused(() => add({ 'staff-roles': `<@&${ids.foreign}>` }), `<@&${ids.foreign}> is not a role of this server.`);
		await refused(() => add({ 'ping-roles': `<@&${guild.id}>` }), '@everyone cannot be used here.');
		await refused(() => add({ 'required-roles': 'staff' }), '`staff` is not a role. Mention roles (@Role) or give their ids, separated by spaces or commas.');
		await refused(() => add({ emoji: 'ticket' }), "`ticket` is not an emoji: give one emoji, or one of the server's custom emoji.");
		await refused(() => add({ emoji: '🎫🎫' }), "`🎫🎫` is not an emoji: give one emoji, or one of the server's custom emoji.");
		await refused(() => add({ 'name-template': '{number}-{user}' }), 'A channel name template is 1 to 100 characters long and may only use the placeholders {number} {username} {type}.');
		await refused(() => add({ cooldown: 'soon' }), '`soon` is not a duration. Write it like 30m, 2h, 1d 12h or 1w.');
		await refused(() => add({ cooldown: '60d' }), 'That duration must be between 1 second and 30 days.');
	});
});

describe('/tickets type edit, list, remove', () => {
	it('changes the options given and keeps the others; - clears a text or a role list', async () => {
		const answer = await tickets('type edit', { id: 'appeal', name: 'Appeal', description: '-', 'ping-roles': '-', 'max-total': 0, cooldown: '0' });
		expect(answer.content).toBe('Ticket type `appeal` saved.');
		expect(await type('appeal')).toMatchObject({ name: 'Appeal', description: null, pingRoleIds: [], staffRoleIds: [ids.staff, ids.mods], maxOpenTotal: null, cooldownSeconds: 0, emoji: '⚖️' });
	});

	it('moves a type between modes, checking the new place', async () => {
		await refused(() => tickets('type edit', { id: 'support', mode: 'thread' }), 'Thread mode needs a channel: the text channel where the private threads are made.');
		await tickets('type edit', { id: 'support', mode: 'thread', channel: ids.support });
		expect(await type('support')).toMatchObject({ mode: 'thread', channelId: ids.support, categoryId: null });
		await refused(() => tickets('type edit', { id: 'support', mode: 'channel', category: ids.closed }), `I cannot make ticket channels in <#${ids.closed}>: I need Manage Channels there.`);
		await tickets('type edit', { id: 'support', mode: 'channel', category: ids.tickets });
		expect(await type('support')).toMatchObject({ mode: 'channel', channelId: null, categoryId: ids.tickets });
	});

	it('refuses an unknown type and an edit without options', async () => {
		await refused(() => tickets('type edit', { id: 'nope', name: 'x' }), 'There is no ticket type `nope`. See /tickets type list.');
		await refused(() => tickets('type edit', { id: 'support' }), 'Nothing to change: give at least one option.');
	});

	it('lists the types, and every setting of one', async () => {
		const list = await tickets('type list');
		expect(list.content).toBe(
			[
				'**Ticket types** (3/25)',
				`\`support\`  **Support**: private channels in <#${ids.tickets}> · staff: none · questions: 0`,
				`\`appeal\` ⚖️ **Appeal**: private threads in <#${ids.support}> · staff: <@&${ids.staff}>, <@&${ids.mods}> · questions: 0`,
				'`other` <:other:123456789012345678> **Other**: private channels at the top of the channel list · staff: none · questions: 0'
			].join('\n')
		);
		const details = await tickets('type list', { id: 'appeal' });
		expect(details.content).toBe(
			[
				'**⚖️ Appeal** (`appeal`)',
				'Description: none',
				`Tickets: private threads in <#${ids.support}>`,
				`Staff roles: <@&${ids.staff}>, <@&${ids.mods}>`,
				'Pinged when a ticket opens: none',
				`Who may open one: <@&${ids.staff}>`,
				'Channel name: `appeal-{number}`',
				'Limits: 2 open per member, no limit open in total, time between two tickets of a member: none',
				'While claimed, only the claimer, the opener and admins may write.',
				'On panels: none',
				'No questions: the ticket opens at once.'
			].join('\n')
		);
	});

	it('remove is refused while tickets of the type are open, then removes it', async () => {
		const em = service.ctx.em();
		const ticket = await em.transactional((tx) =>
			store.insertOpening(tx as never, { guildId: guild.id, typeId: 'other', mode: 'channel', parentId: null, openerId: member.id, answers: [], now: START }, { maxOpenPerMember: 1, maxOpenTotal: null, cooldownSeconds: 0 })
		);
		await store.markOpen(service.ctx.em(), ticket.id, '123456789012345670', null);
		await refused(() => tickets('type remove', { id: 'other' }), 'Ticket type `other` still has open tickets (1): close them first.');
		await store.updateTicket(service.ctx.em(), ticket.id, { status: 'closed', closed_at: START + 1_000 });
		expect((await tickets('type remove', { id: 'other' })).content).toBe('Ticket type `other` removed.');
		expect((await config()).types.map((candidate) => candidate.id)).toEqual(['support', 'appeal']);
	});
});

describe('/tickets question', () => {
	it('adds up to five questions with their style, requirement, lengths and placeholder; a sixth is refused', async () => {
		const first = await tickets('question add', { type: 'appeal', label: 'Why were you banned?', style: 'paragraph', min: 20, max: 2_000, placeholder: 'Tell us what happened' });
		expect(first.content).toBe('Question 1 of 5 added to `appeal`:\n1. Why were you banned? (paragraph, required, 20 to 2000 characters)');
		for (const label of ['Your username', 'When?', 'Anything else?']) await tickets('question add', { type: 'appeal', label, required: false });
		const fifth = await tickets('question add', { type: 'appeal', label: 'Proof', min: 5 });
		expect(fifth.content).toBe('Question 5 of 5 added to `appeal`:\n5. Proof (one line, required, 5 to 1000 characters)');
		const questions = (await type('appeal')).questions;
		expect(questions).toHaveLength(5);
		expect(questions[0]).toEqual({ label: 'Why were you banned?', style: 'paragraph', required: true, placeholder: 'Tell us what happened', minLength: 20, maxLength: 2_000 });
		expect(questions[1]).toEqual({ label: 'Your username', style: 'short', required: false, placeholder: null, minLength: 0, maxLength: 1_000 });
		await refused(
			() => tickets('question add', { type: 'appeal', label: 'Sixth' }),
			'Ticket type `appeal` already has 5 questions, the most one Discord form holds. Remove one with /tickets question remove.'
		);
	});

	it('refuses a shortest answer longer than the longest, and an unknown type', async () => {
		await refused(() => tickets('question add', { type: 'support', label: 'Q', min: 50, max: 10 }), 'The shortest answer (50 characters) cannot be longer than the longest (10).');
		await refused(() => tickets('question add', { type: 'nope', label: 'Q' }), 'There is no ticket type `nope`. See /tickets type list.');
	});

	it('removes a question by its number (the next ones move up); an absent number is refused', async () => {
		expect((await tickets('question remove', { type: 'appeal', index: 2 })).content).toBe('Question 2 of `appeal` removed: Your username');
		expect((await type('appeal')).questions.map((question) => question.label)).toEqual(['Why were you banned?', 'When?', 'Anything else?', 'Proof']);
		await refused(() => tickets('question remove', { type: 'appeal', index: 5 }), 'Ticket type `appeal` has no question 5 (it has 4).');
		const details = await tickets('type list', { id: 'appeal' });
		expect(details.content).toContain('Questions (4/5):\n1. Why were you banned? (paragraph, required, 20 to 2000 characters)\n2. When? (one line, optional, 0 to 1000 characters)');
	});
});

describe('/tickets config', () => {
	it('without options shows the settings', async () => {
		const answer = await tickets('config');
		expect(answer.content).toBe(
			[
				'**Ticket settings**',
				'Staff log: none',
				'Transcripts: none',
				'Transcript also sent to the opener by DM: no',
				'Attachments kept per transcript: up to 25 MiB',
				'Auto-close: off',
				'A close request closes the ticket after 1 day (unless /ticket close-request names a delay)',
				'Closed ticket channels are kept, and can be reopened, for 10 minutes',
				'Ask the opener for a rating after close: yes',
				'Ticket types: 2 · panels: 0 · on the blocklist: 0'
			].join('\n')
		);
	});

	it('sets the options given, keeps the others, and shows the result', async () => {
		const answer = await tickets('config', {
			'staff-log': ids.staffLog,
			'transcript-channel': ids.staffLog,
			'dm-transcript': true,
			'attachment-cap-mb': 50,
			'auto-close': '2d',
			'auto-close-warning': '12h',
			'close-request-delay': '6h',
			'reopen-window': '0',
			feedback: false
		});
		expect(answer.content).toBe(
			[
				'Saved. **Ticket settings**',
				`Staff log: <#${ids.staffLog}>`,
				`Transcripts: <#${ids.staffLog}>`,
				'Transcript also sent to the opener by DM: yes',
				'Attachments kept per transcript: up to 50 MiB',
				'Auto-close: a warning after 2 days without a message, then closed 12 hours later unless someone writes',
				'A close request closes the ticket after 6 hours (unless /ticket close-request names a delay)',
				'Closed ticket channels are deleted at once',
				'Ask the opener for a rating after close: no',
				'Ticket types: 2 · panels: 0 · on the blocklist: 0'
			].join('\n')
		);
		expect(await config()).toMatchObject({
			staffLogChannelId: ids.staffLog,
			transcriptChannelId: ids.staffLog,
			dmTranscript: true,
			transcriptAttachmentCapBytes: 50 * 1024 * 1024,
			autoCloseInactiveSeconds: 2 * 86_400,
			autoCloseWarningSeconds: 12 * 3_600,
			closeRequestDelaySeconds: 6 * 3_600,
			reopenWindowSeconds: 0,
			feedback: false
		});
		await tickets('config', { 'auto-close': '0', 'no-staff-log': true });
		expect(await config()).toMatchObject({ autoCloseInactiveSeconds: null, staffLogChannelId: null, transcriptChannelId: ids.staffLog });
	});

	it('refuses a channel where the bot cannot post, conflicting options and durations out of bounds', async () => {
		await refused(() => tickets('config', { 'staff-log': ids.mute }), `I cannot post in <#${ids.mute}>: I need Embed Links there.`);
		await refused(() => tickets('config', { 'transcript-channel': ids.staffLog, 'no-transcript-channel': true }), '`transcript-channel` and `no-transcript-channel` cannot be used together.');
		await refused(() => tickets('config', { 'auto-close': '30s' }), 'That duration must be between 1 minute and 90 days.');
		await refused(() => tickets('config', { 'reopen-window': '8d', feedback: true }), 'That duration must be between 1 second and 7 days.');
		await refused(() => tickets('config', { 'close-request-delay': 'later' }), '`later` is not a duration. Write it like 30m, 2h, 1d 12h or 1w.');
	});
});

describe('/tickets blocklist', () => {
	it('adds and removes members and roles, lists them, and says when nothing changed', async () => {
		expect((await tickets('blocklist list')).content).toBe('The blocklist is empty.');
		expect((await tickets('blocklist add', { 'member-or-role': member.id })).content).toBe(`<@${member.id}> may no longer open tickets.`);
		expect((await tickets('blocklist add', { 'member-or-role': ids.mods })).content).toBe(`<@&${ids.mods}> may no longer open tickets.`);
		expect((await tickets('blocklist add', { 'member-or-role': member.id })).content).toBe(`<@${member.id}> is already on the blocklist.`);
		expect(await config()).toMatchObject({ blockedUserIds: [member.id], blockedRoleIds: [ids.mods] });
		expect((await tickets('blocklist list')).content).toBe(`**Blocklist**\nRoles (1): <@&${ids.mods}>\nMembers (1): <@${member.id}>`);
		expect((await tickets('blocklist remove', { 'member-or-role': ids.mods })).content).toBe(`<@&${ids.mods}> may open tickets again.`);
		expect((await tickets('blocklist remove', { 'member-or-role': ids.mods })).content).toBe(`<@&${ids.mods}> is not on the blocklist.`);
		expect(await config()).toMatchObject({ blockedUserIds: [member.id], blockedRoleIds: [] });
	});

	it('refuses @everyone and bots', async () => {
		await refused(() => tickets('blocklist add', { 'member-or-role': guild.id }), '@everyone cannot be used here.');
		await refused(() => tickets('blocklist add', { 'member-or-role': emu.bot.id }), 'Bots do not open tickets: there is no need to block one.');
	});
});

describe('languages', () => {
	it('answers and refusals in French and Polish', async () => {
		const french = emu.world.createGuild({ name: 'Assistance', preferredLocale: 'fr' });
		const polish = emu.world.createGuild({ name: 'Pomoc', preferredLocale: 'pl' });
		for (const where of [french, polish]) where.addMember({ username: 'admin', userId: admin.id, permissions: P.ManageGuild });
		await enableTickets(bot, french, polish);
		expect((await tickets('type add', { id: 'aide', name: 'Aide', mode: 'channel' }, admin, french)).content).toMatch(/^Type de ticket `aide` \(\*\*Aide\*\*\) ajouté : salons privés en haut de la liste des salons\./);
		await refused(() => tickets('type add', { id: 'x', name: 'X', mode: 'thread' }, admin, french), "Le mode fil a besoin d'un salon : le salon textuel où les fils privés sont créés.", french);
		expect((await tickets('config', {}, admin, polish)).content).toContain('**Ustawienia zgłoszeń**\nLog obsługi: brak');
		await refused(() => tickets('type edit', { id: 'nope', name: 'x' }, admin, polish), 'Nie ma typu zgłoszenia `nope`. Zobacz /zgłoszenia typ lista.', polish);
	});
});
