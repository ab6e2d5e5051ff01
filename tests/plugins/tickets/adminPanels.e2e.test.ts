/**
 * `/tickets panel ...` (admin/panels.ts, service/panels.ts, views/panel.ts), the real bot on the Discord emulator: a
 * panel is posted with one button per type (name, emoji, custom id `tickets:open:<panel>:<type>`) or, past five
 * types, a select menu (`tickets:open-select:<panel>`, values the type ids); a channel where the bot cannot post is
 * refused naming the missing permissions, with nothing posted or saved; an edit (of the panel or of one of its types)
 * re-renders the message, a message deleted by hand is posted again and its new id saved, a channel that is gone is
 * reported; delete removes the message. Also: the command is refused without Manage Server and where the plugin is
 * off, and ids and type lists are autocompleted.
 */
import { DiscordEmulator, type GuildHandle, type MemberView, type MessageView } from '@hearth/discord-emulator';
import { ButtonStyle, ChannelType, ComponentType, PermissionFlagsBits, type APIMessage } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.js';
import { ticketsPlugin } from '../../../src/plugins/tickets/index.js';
import type { TicketsConfig } from '../../../src/plugins/tickets/lib/config.js';
import type { TicketService } from '../../../src/plugins/tickets/service/TicketService.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { generalChannelId, mutations, START, type CommandOptions } from '../moderation/e2eHelpers.js';
import { enableTickets, ticketsCommand, ticketsService } from './e2eHelpers.js';

const P = PermissionFlagsBits;

let emu: DiscordEmulator;
let bot: TestBot;
let service: TicketService;
let guild: GuildHandle;
let admin: MemberView;
let member: MemberView;
let category: string;
let panels: string;
let locked: string;

const config = (): Promise<TicketsConfig> => service.config(guild.id);

/** `/tickets <path>` as `actor` (default: the admin, who has Manage Server). */
function tickets(path: string, options: CommandOptions = {}, actor: MemberView = admin, extra: { permissionOverride?: boolean } = {}): Promise<MessageView> {
	return ticketsCommand(emu, guild, actor, path, options, extra);
}

/** Runs a refused command and checks the answer (ephemeral, that text) and that neither the config nor Discord changed. */
async function refused(run: () => Promise<MessageView>, expected: string | RegExp): Promise<MessageView> {
	const before = { config: await config(), mutations: mutations(emu) };
	const answer = await run();
	expect(answer.ephemeral).toBe(true);
	if (typeof expected === 'string') expect(answer.content).toBe(expected);
	else expect(answer.content).toMatch(expected);
	expect({ config: await config(), mutations: mutations(emu) }).toEqual(before);
	return answer;
}

/** A panel's message as the emulator holds it now. */
function messageOf(panel: { channelId: string; messageId: string | null }): APIMessage {
	const message = guild.messages(panel.channelId).find((candidate) => candidate.id === panel.messageId);
	if (!message) throw new Error(`no message ${panel.messageId} in ${panel.channelId}`);
	return message;
}

/** The components of a message's first action row, as plain records. */
function firstRow(message: APIMessage): Record<string, unknown>[] {
	return (message.components?.[0] as unknown as { components: Record<string, unknown>[] }).components;
}

/** The panel with this id in the config. */
async function panel(id: string) {
	const found = (await config()).panels.find((candidate) => candidate.id === id);
	if (!found) throw new Error(`no panel ${id}`);
	return found;
}

const link = (channelId: string, messageId: string | null) => `https://discord.com/channels/${guild.id}/${channelId}/${messageId}`;

beforeAll(async () => {
	const clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock });
	guild = emu.world.createGuild({ name: 'Support' });
	const admins = guild.createRole({ name: 'Admins', permissions: P.ManageGuild }).id;
	admin = guild.addMember({ username: 'admin', roles: [admins] });
	member = guild.addMember({ username: 'member' });
	category = guild.createChannel({ name: 'Tickets', type: ChannelType.GuildCategory }).id;
	panels = guild.createChannel({ name: 'panels', type: ChannelType.GuildText }).id;
	locked = guild.createChannel({
		name: 'locked',
		type: ChannelType.GuildText,
		permissionOverwrites: [{ id: guild.botRoleId, type: 0, deny: P.SendMessages | P.EmbedLinks }] as never
	}).id;
	bot = await startTestBot({ emulator: emu, clock, plugins: [ticketsPlugin] });
	service = ticketsService(bot);
	await enableTickets(bot, guild);
	// Types made through the command (admin/types.ts has its own tests).
	await tickets('type add', { id: 'support', name: 'Support', mode: 'channel', category, emoji: '🎫', description: 'Questions about the server' });
	await tickets('type add', { id: 'report', name: 'Report a member', mode: 'channel', category, emoji: '<:flag:123456789012345678>' });
	for (const letter of ['a', 'b', 'c', 'd', 'e', 'f']) await tickets('type add', { id: `type-${letter}`, name: `Type ${letter.toUpperCase()}`, mode: 'channel', description: `About ${letter}` });
	expect((await config()).types).toHaveLength(8);
}, 60_000);

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('/tickets panel create', () => {
	it('posts an embed with one button per type (name, emoji, custom id) and saves the panel with its message id', async () => {
		const answer = await tickets('panel create', { channel: panels, types: 'support, report' });
		const saved = await panel('1');
		expect(answer.ephemeral).toBe(true);
		expect(answer.content).toBe(`Panel \`1\` posted in <#${panels}>: ${link(panels, saved.messageId)}`);
		expect(saved).toEqual({ id: '1', channelId: panels, messageId: expect.stringMatching(/^\d+$/), title: null, description: null, typeIds: ['support', 'report'] });
		const message = messageOf(saved);
		expect(message.author.id).toBe(emu.bot.id);
		expect(message.embeds[0]!.title).toBe('Open a ticket');
		expect(message.embeds[0]!.description).toBe(
			'Choose what you need help with below: a private ticket opens that only you and the staff can see.\n\n🎫 **Support**: Questions about the server'
		);
		expect(message.components).toEqual([
			{
				type: ComponentType.ActionRow,
				components: [
					expect.objectContaining({ type: ComponentType.Button, style: ButtonStyle.Primary, label: 'Support', emoji: expect.objectContaining({ name: '🎫' }), custom_id: 'tickets:open:1:support' }),
					expect.objectContaining({ label: 'Report a member', emoji: expect.objectContaining({ id: '123456789012345678', name: 'flag' }), custom_id: 'tickets:open:1:report' })
				]
			}
		]);
	});

	it('past five types, shows a select menu with the types\' names, descriptions and emoji, and the given title and text', async () => {
		const answer = await tickets('panel create', { channel: panels, types: 'support,type-a,type-b,type-c,type-d,type-e', title: 'Help desk', description: 'Pick one.\\nWe answer fast.' });
		const saved = await panel('2');
		expect(answer.content).toBe(`Panel \`2\` posted in <#${panels}>: ${link(panels, saved.messageId)}`);
		const message = messageOf(saved);
		expect(message.embeds[0]).toMatchObject({ title: 'Help desk', description: 'Pick one.\nWe answer fast.' });
		expect(message.components).toHaveLength(1);
		const select = firstRow(message)[0]!;
		expect(select).toMatchObject({ type: ComponentType.StringSelect, custom_id: 'tickets:open-select:2', placeholder: 'Choose a ticket type', min_values: 1, max_values: 1 });
		expect(select.options).toEqual([
			expect.objectContaining({ label: 'Support', value: 'support', description: 'Questions about the server', emoji: expect.objectContaining({ name: '🎫' }) }),
			...['a', 'b', 'c', 'd', 'e'].map((letter) => expect.objectContaining({ label: `Type ${letter.toUpperCase()}`, value: `type-${letter}`, description: `About ${letter}` }))
		]);
	});

	it('is refused, naming the missing permissions, in a channel where the bot cannot post: nothing posted, nothing saved', async () => {
		await refused(() => tickets('panel create', { channel: locked, types: 'support' }), `I cannot post a panel in <#${locked}>: I need Send Messages, Embed Links there.`);
		expect(guild.messages(locked)).toEqual([]);
	});

	it('two panels created at once: each saved panel has its message, and a refused one leaves no message behind', async () => {
		const race = guild.createChannel({ name: 'race', type: ChannelType.GuildText }).id;
		// The first post is answered 429 once (retried after half a second), so the second create checks the config
		// before the first one is saved: both take panel number 3.
		emu.rateLimits.inject({ route: 'POST /channels/:id/messages', retryAfter: 0.5, count: 1 });
		const answers = await Promise.all([tickets('panel create', { channel: race, types: 'support' }), tickets('panel create', { channel: race, types: 'report' })]);
		const saved = (await config()).panels.filter((candidate) => candidate.channelId === race);
		// Both took the same next number before either was saved: the second save is refused and its message deleted.
		expect(answers.map((answer) => answer.content).sort()).toEqual(
			[`Panel \`3\` posted in <#${race}>: ${link(race, saved[0]?.messageId ?? null)}`, 'Another panel was saved at the same moment, so nothing was posted. Please try again.'].sort()
		);
		expect(saved).toHaveLength(1);
		expect(guild.messages(race).map((message) => message.id)).toEqual([saved[0]!.messageId]);
		await tickets('panel delete', { id: '3' });
		expect(guild.messages(race)).toEqual([]);
	});

	it('refuses an unknown type and an empty list', async () => {
		await refused(() => tickets('panel create', { channel: panels, types: 'support, nope' }), 'There is no ticket type `nope`. See /tickets type list.');
		await refused(() => tickets('panel create', { channel: panels, types: ' , ' }), 'Name at least one ticket type: their ids, separated by commas.');
	});
});

describe('/tickets panel edit', () => {
	it('saves the change and re-renders the message; - goes back to the default title', async () => {
		const before = await panel('1');
		const answer = await tickets('panel edit', { id: '1', title: 'Support desk', types: 'support' });
		expect(answer.content).toBe(`Panel \`1\` saved and updated: ${link(panels, before.messageId)}`);
		const edited = await panel('1');
		expect(edited).toMatchObject({ messageId: before.messageId, title: 'Support desk', typeIds: ['support'] });
		const message = messageOf(edited);
		expect(message.embeds[0]!.title).toBe('Support desk');
		expect(firstRow(message).map((button) => button.custom_id)).toEqual(['tickets:open:1:support']);
		await tickets('panel edit', { id: '1', title: '-', types: 'support, report' });
		expect(messageOf(await panel('1')).embeds[0]!.title).toBe('Open a ticket');
		expect((await panel('1')).title).toBeNull();
	});

	it('posts the message again when it was deleted by hand, and saves its new id', async () => {
		const before = await panel('1');
		emu.channels.deleteMessage({ channelId: panels, messageId: before.messageId!, actorId: guild.ownerId });
		const answer = await tickets('panel edit', { id: '1', description: 'Open one below.' });
		const after = await panel('1');
		expect(after.messageId).not.toBe(before.messageId);
		expect(answer.content).toBe(
			`Panel \`1\` saved and updated: ${link(panels, after.messageId)}\nPanel \`1\`: its message in <#${panels}> had been deleted, so I posted it again.`
		);
		expect(messageOf(after).embeds[0]!.description).toContain('Open one below.');
	});

	it('refuses an unknown panel and an edit without options', async () => {
		await refused(() => tickets('panel edit', { id: '99', title: 'x' }), 'There is no panel `99`. See /tickets panel list.');
		await refused(() => tickets('panel edit', { id: '1' }), 'Nothing to change: give at least one option.');
	});
});

describe('editing a type re-renders its panels', () => {
	it('every panel showing the type gets its new name and emoji', async () => {
		const answer = await tickets('type edit', { id: 'support', name: 'Get help', emoji: '🛟' });
		expect(answer.content).toBe('Ticket type `support` saved.\nPanels updated: 2.');
		const first = messageOf(await panel('1'));
		expect(firstRow(first)[0]).toMatchObject({ label: 'Get help', emoji: expect.objectContaining({ name: '🛟' }), custom_id: 'tickets:open:1:support' });
		const second = messageOf(await panel('2'));
		expect((firstRow(second)[0]!.options as Record<string, unknown>[])[0]).toMatchObject({ label: 'Get help', value: 'support' });
	});

	it('a panel whose channel was deleted by hand is reported, and /tickets panel delete removes it', async () => {
		const doomed = guild.createChannel({ name: 'doomed', type: ChannelType.GuildText }).id;
		await tickets('panel create', { channel: doomed, types: 'report' });
		emu.channels.delete({ channelId: doomed, actorId: guild.ownerId });
		await expect.poll(() => bot.handle.client.channels.cache.has(doomed)).toBe(false);
		const answer = await tickets('type edit', { id: 'report', description: 'Someone broke a rule' });
		expect(answer.content).toBe(`Ticket type \`report\` saved.\nPanels updated: 1.\nPanel \`3\`: its channel <#${doomed}> is gone. Delete the panel with /tickets panel delete.`);
		expect((await tickets('panel delete', { id: '3' })).content).toBe(`Panel \`3\` in <#${doomed}> deleted.`);
		expect((await config()).panels.map((candidate) => candidate.id)).toEqual(['1', '2']);
	});

	it('a type shown on a panel cannot be removed', async () => {
		await refused(() => tickets('type remove', { id: 'support' }), 'Ticket type `support` is shown on the panels `1`, `2`: take it off them first (/tickets panel edit) or delete them.');
	});
});

describe('/tickets panel list and delete', () => {
	it('lists every panel with its channel, title, types and link', async () => {
		const one = await panel('1');
		const two = await panel('2');
		const answer = await tickets('panel list');
		expect(answer.content).toBe(
			[
				'**Panels** (2)',
				`\`1\` in <#${panels}>: **Open a ticket**, types: Get help, Report a member · ${link(panels, one.messageId)}`,
				`\`2\` in <#${panels}>: **Help desk**, types: Get help, Type A, Type B, Type C, Type D, Type E · ${link(panels, two.messageId)}`
			].join('\n')
		);
	});

	it('delete removes the panel and its message', async () => {
		const two = await panel('2');
		const answer = await tickets('panel delete', { id: '2' });
		expect(answer.content).toBe(`Panel \`2\` in <#${panels}> deleted.`);
		expect(guild.messages(panels).some((message) => message.id === two.messageId)).toBe(false);
		expect((await config()).panels.map((candidate) => candidate.id)).toEqual(['1']);
		expect(emu.recorder.calls('DELETE /channels/:id/messages/:id').at(-1)!.path).toContain(two.messageId!);
	});

	it('the next panel takes the next free number', async () => {
		await tickets('panel create', { channel: panels, types: 'type-f' });
		expect((await config()).panels.map((candidate) => candidate.id)).toEqual(['1', '2']);
	});
});

describe('autocomplete', () => {
	const suggest = async (group: string, subcommand: string, focused: string, typed: string, actor: MemberView = admin) => {
		const handle = emu.interactions.autocomplete({ guildId: guild.id, channelId: generalChannelId(guild), userId: actor.id, name: 'tickets', subcommandGroup: group, subcommand, options: { [focused]: typed }, focused });
		await handle.response;
		return handle.choices!;
	};

	it('suggests panel ids, type ids and the next type of a list, to members with Manage Server only', async () => {
		expect((await suggest('panel', 'delete', 'id', '')).map((choice) => choice.value)).toEqual(['1', '2']);
		expect(await suggest('panel', 'create', 'types', 'support, rep')).toEqual([{ name: 'support, report (Report a member)', value: 'support, report' }]);
		expect(await suggest('type', 'remove', 'id', 'help')).toEqual([{ name: 'support · Get help', value: 'support' }]);
		expect(await suggest('question', 'add', 'type', 'type-a')).toEqual([{ name: 'type-a · Type A', value: 'type-a' }]);
		expect(await suggest('panel', 'delete', 'id', '', member)).toEqual([]);
	});
});

describe('access', () => {
	it('a member without Manage Server is refused (the command is declared with Manage Server)', async () => {
		const command = emu.commands.global().find((candidate) => candidate.name === 'tickets');
		expect(command?.default_member_permissions).toBe(String(P.ManageGuild));
		await refused(() => tickets('panel list', {}, member, { permissionOverride: true }), 'You need the following permission(s) to use this command: Manage Server.');
		await refused(() => tickets('type add', { id: 'x', name: 'X', mode: 'channel' }, member, { permissionOverride: true }), /Manage Server/);
	});

	it('every subcommand is refused where the plugin is off', async () => {
		const off = emu.world.createGuild({ name: 'Off' });
		off.addMember({ username: 'admin', userId: admin.id, permissions: P.ManageGuild });
		for (const [path, options] of [
			['config', {}],
			['stats', {}],
			['panel list', {}],
			['type list', {}],
			['blocklist list', {}]
		] as const) {
			const answer = await ticketsCommand(emu, off, admin, path, options);
			expect(answer.ephemeral).toBe(true);
			expect(answer.content).toBe('The **tickets** feature is off in this server. Someone with the Manage Server permission can turn it on with /plugins enable.');
		}
		expect(await service.config(off.id)).toEqual(await service.config(emu.world.createGuild({ name: 'Fresh' }).id));
	});
});
