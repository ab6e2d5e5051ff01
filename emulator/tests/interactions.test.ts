/**
 * Interactions end to end with a bare discord.js client: commands registered by bulk overwrite (with
 * localizations), options resolved against them, every callback type, follow-ups and @original edits, components
 * and modals, and Discord's deadlines (3 s to answer, one answer, 15 min token) on the emulator clock.
 */
import { once } from 'node:events';
import {
	ActionRowBuilder,
	ButtonBuilder,
	ButtonStyle,
	Client,
	GatewayIntentBits,
	type ClientOptions,
	MessageFlags,
	ModalBuilder,
	PermissionFlagsBits,
	SlashCommandBuilder,
	TextInputBuilder,
	TextInputStyle,
	type Interaction
} from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DiscordEmulator, type GuildHandle } from '../index.js';

let emu: DiscordEmulator;
let client: Client;
let guild: GuildHandle;
let channelId: string;
let userId: string;
/** What the bot under test does with the next interaction; set per test. */
let onInteraction: (interaction: Interaction) => Promise<void> = async () => {};

const commands = [
	new SlashCommandBuilder()
		.setName('plugins')
		.setDescription('Manage plugins')
		.setNameLocalizations({ pl: 'wtyczki', fr: 'modules' })
		.setDescriptionLocalizations({ pl: 'Zarządzaj wtyczkami' })
		.setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
		.addSubcommand((sub) =>
			sub
				.setName('enable')
				.setDescription('Enable a plugin')
				.addStringOption((option) => option.setName('plugin').setDescription('Plugin').setRequired(true).setAutocomplete(true))
		),
	new SlashCommandBuilder()
		.setName('xp')
		.setDescription('XP admin')
		.addSubcommandGroup((group) =>
			group
				.setName('tiers')
				.setDescription('Tiers')
				.addSubcommand((sub) =>
					sub
						.setName('add')
						.setDescription('Add a tier')
						.addRoleOption((option) => option.setName('role').setDescription('Role').setRequired(true))
						.addIntegerOption((option) => option.setName('minutes').setDescription('Minutes').setRequired(true).setMinValue(1))
				)
		),
	new SlashCommandBuilder()
		.setName('rank')
		.setDescription('Show rank')
		.addUserOption((option) => option.setName('user').setDescription('Member'))
		.addBooleanOption((option) => option.setName('public').setDescription('Show to everyone'))
].map((builder) => builder.toJSON());

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	guild = emu.world.createGuild({ name: 'Interactions', preferredLocale: 'pl' });
	channelId = guild.channels.find((channel) => channel.name === 'general')!.id;
	userId = guild.addMember({ username: 'admin', permissions: PermissionFlagsBits.ManageGuild, locale: 'fr' }).id;
	// The bot's @sapphire/plugin-scheduled-tasks augments ClientOptions with a required `tasks`; a bare client has none.
	const options = { intents: [GatewayIntentBits.Guilds], rest: { api: emu.restUrl } } satisfies Omit<ClientOptions, 'tasks'>;
	client = new Client(options as unknown as ClientOptions);
	client.on('interactionCreate', (interaction) => void onInteraction(interaction));
	const ready = once(client, 'clientReady');
	await client.login(emu.bot.token);
	await ready;
	await client.application!.commands.set(commands);
});

afterEach(() => {
	onInteraction = async () => {};
	emu.clock.unfreeze();
	emu.assertNoFailures();
});

afterAll(async () => {
	await client?.destroy();
	await emu?.stop();
});

describe('commands', () => {
	test('bulk overwrite stores the commands with their localizations and keeps ids on a second overwrite', async () => {
		const registered = emu.commands.global();
		expect(registered.map((command) => command.name)).toEqual(['plugins', 'xp', 'rank']);
		const plugins = registered.find((command) => command.name === 'plugins')!;
		expect(plugins.name_localizations).toEqual({ pl: 'wtyczki', fr: 'modules' });
		expect(plugins.default_member_permissions).toBe(PermissionFlagsBits.ManageGuild.toString());
		const again = await client.application!.commands.set(commands);
		expect(again.get(plugins.id)?.name).toBe('plugins');
	});

	test('an invalid command name is refused with 50035 and Discord\'s errors tree', async () => {
		emu.expectFailures((failure) => failure.kind === 'invalid-body');
		const error = await client.application!.commands
			.set([{ name: 'Bad Name', description: 'x' }])
			.catch((caught: { code: number; rawError: unknown }) => caught);
		expect((error as { code: number }).code).toBe(50035);
		expect((error as { rawError: { errors: unknown } }).rawError.errors).toMatchObject({
			'0': { name: { _errors: [{ code: 'APPLICATION_COMMAND_INVALID_NAME' }] } }
		});
	});

	test('a slash command reaches the bot with typed, resolved options and the user\'s locale', async () => {
		const role = guild.createRole({ name: 'Veteran' });
		let seen: { role?: string; minutes?: number | null; group?: string | null; locale?: string; guildLocale?: string | null } = {};
		onInteraction = async (interaction) => {
			if (!interaction.isChatInputCommand()) return;
			seen = {
				role: interaction.options.getRole('role', true).name,
				minutes: interaction.options.getInteger('minutes'),
				group: interaction.options.getSubcommandGroup(),
				locale: interaction.locale,
				guildLocale: interaction.guildLocale
			};
			await interaction.reply({ content: 'Tier added', flags: MessageFlags.Ephemeral });
		};
		const handle = emu.interactions.command({
			guildId: guild.id,
			channelId,
			userId,
			name: 'xp',
			subcommandGroup: 'tiers',
			subcommand: 'add',
			options: { role: role.id, minutes: 90 }
		});
		const reply = await handle.waitForReply();
		expect(reply.content).toBe('Tier added');
		expect(reply.ephemeral).toBe(true);
		expect(seen).toEqual({ role: 'Veteran', minutes: 90, group: 'tiers', locale: 'fr', guildLocale: 'pl' });
		expect(guild.messages(channelId).some((message) => message.id === reply.id)).toBe(false);
	});

	test('options are checked against the registered command, and hidden commands cannot be run', () => {
		const member = guild.addMember({ username: 'regular' });
		expect(() =>
			emu.interactions.command({ guildId: guild.id, channelId, userId, name: 'xp', subcommandGroup: 'tiers', subcommand: 'add', options: { role: '1', minutes: 0 } })
		).toThrow(/role|below 1/);
		expect(() => emu.interactions.command({ guildId: guild.id, channelId, userId, name: 'nope' })).toThrow(/registered no command/);
		expect(() =>
			emu.interactions.command({ guildId: guild.id, channelId, userId: member.id, name: 'plugins', subcommand: 'enable', options: { plugin: 'voice-xp' } })
		).toThrow(/default_member_permissions/);
	});

	test('deferred reply then editReply: waitForReply resolves to the edited message, follow-ups are collected', async () => {
		onInteraction = async (interaction) => {
			if (!interaction.isChatInputCommand()) return;
			await interaction.deferReply();
			await interaction.editReply({ embeds: [{ title: 'Rank', description: 'Level 3' }] });
			await interaction.followUp({ content: 'psst', flags: MessageFlags.Ephemeral });
		};
		const handle = emu.interactions.command({ guildId: guild.id, channelId, userId, name: 'rank', options: { user: userId, public: true } });
		const reply = await handle.waitForReply();
		expect(handle.deferred).toBe(true);
		expect(reply.embeds[0]?.title).toBe('Rank');
		expect(reply.ephemeral).toBe(false);
		const [followUp] = await handle.waitForFollowUps(1);
		expect(followUp?.content).toBe('psst');
		expect(followUp?.ephemeral).toBe(true);
		// The public reply is in the channel, with the interaction's metadata.
		const stored = guild.messages(channelId).find((message) => message.id === reply.id);
		expect(stored?.interaction_metadata?.id).toBe(handle.id);
		expect(stored?.webhook_id).toBe(emu.bot.applicationId);
	});

	test('autocomplete gets the focused option and the bot\'s choices come back', async () => {
		onInteraction = async (interaction) => {
			if (!interaction.isAutocomplete()) return;
			const typed = interaction.options.getFocused();
			await interaction.respond([{ name: `voice-xp (${typed})`, value: 'voice-xp' }]);
		};
		const handle = emu.interactions.autocomplete({
			guildId: guild.id,
			channelId,
			userId,
			name: 'plugins',
			subcommand: 'enable',
			options: { plugin: 'vo' },
			focused: 'plugin'
		});
		await handle.response;
		expect(handle.choices).toEqual([{ name: 'voice-xp (vo)', value: 'voice-xp' }]);
	});
});

describe('components and modals', () => {
	test('a button click updates the message; a modal opened from a command is submitted back', async () => {
		onInteraction = async (interaction) => {
			if (interaction.isChatInputCommand()) {
				const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
					new ButtonBuilder().setCustomId('page:2').setLabel('Next').setStyle(ButtonStyle.Primary)
				);
				await interaction.reply({ content: 'Page 1', components: [row] });
			} else if (interaction.isButton()) {
				const modal = new ModalBuilder()
					.setCustomId('jump')
					.setTitle('Jump to page')
					.addComponents(
						new ActionRowBuilder<TextInputBuilder>().addComponents(
							new TextInputBuilder().setCustomId('page').setLabel('Page').setStyle(TextInputStyle.Short)
						)
					);
				await interaction.showModal(modal);
			} else if (interaction.isModalSubmit()) {
				await interaction.reply({ content: `Jumped to ${interaction.fields.getTextInputValue('page')}` });
			}
		};
		const command = emu.interactions.command({ guildId: guild.id, channelId, userId, name: 'rank' });
		const page = await command.waitForReply();
		const click = emu.interactions.button({ guildId: guild.id, channelId, userId, messageId: page.id, customId: 'page:2' });
		await click.response;
		expect(click.modal).toMatchObject({ custom_id: 'jump', title: 'Jump to page' });
		const submit = emu.interactions.modalSubmit({ guildId: guild.id, channelId, userId, customId: 'jump', fields: { page: '7' } });
		expect((await submit.waitForReply()).content).toBe('Jumped to 7');
		expect(() => emu.interactions.button({ guildId: guild.id, channelId, userId, messageId: page.id, customId: 'page:9' })).toThrow(/no component/);
	});

	test('a select menu choice reaches the bot and a deferred update edits the message', async () => {
		onInteraction = async (interaction) => {
			if (interaction.isChatInputCommand()) {
				await interaction.reply({
					content: 'Pick a plugin',
					components: [
						{
							type: 1,
							components: [
								{
									type: 3,
									custom_id: 'plugin-picker',
									options: [
										{ label: 'Voice XP', value: 'voice-xp' },
										{ label: 'Tickets', value: 'tickets' }
									]
								}
							]
						}
					]
				});
			} else if (interaction.isStringSelectMenu()) {
				await interaction.deferUpdate();
				await interaction.editReply({ content: `Enabled ${interaction.values.join(', ')}`, components: [] });
			}
		};
		const prompt = await emu.interactions.command({ guildId: guild.id, channelId, userId, name: 'rank' }).waitForReply();
		expect(() =>
			emu.interactions.selectMenu({ guildId: guild.id, channelId, userId, messageId: prompt.id, customId: 'plugin-picker', values: ['giveaways'] })
		).toThrow(/not among the options/);
		const pick = emu.interactions.selectMenu({ guildId: guild.id, channelId, userId, messageId: prompt.id, customId: 'plugin-picker', values: ['tickets'] });
		const updated = await pick.waitForReply();
		expect(pick.deferred).toBe(true);
		expect(updated.id).toBe(prompt.id);
		expect(updated.content).toBe('Enabled tickets');
		expect(updated.components).toEqual([]);
		expect(guild.messages(channelId).find((message) => message.id === prompt.id)?.content).toBe('Enabled tickets');
	});

	test('a component message with a custom_id over 100 characters is refused with 50035', async () => {
		emu.expectFailures((failure) => failure.kind === 'invalid-body');
		let error: { code?: number; rawError?: unknown } | undefined;
		onInteraction = async (interaction) => {
			if (!interaction.isChatInputCommand()) return;
			// discord.js builders refuse this already; send the raw body as a bot without builders would.
			const body = {
				type: 4,
				data: { components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Too long', custom_id: 'x'.repeat(101) }] }] }
			};
			error = await interaction.client.rest
				.post(`/interactions/${interaction.id}/${interaction.token}/callback`, { body, auth: false })
				.then(() => undefined, (caught) => caught);
		};
		const handle = emu.interactions.command({ guildId: guild.id, channelId, userId, name: 'rank' });
		await emu.recorder.waitForRest((call) => call.route.endsWith('/callback') && call.status === 400);
		await expect.poll(() => error).toBeDefined();
		expect(error?.code).toBe(50035);
		expect(JSON.stringify(error?.rawError)).toContain('BASE_TYPE_MAX_LENGTH');
		expect(handle.original).toBeUndefined();
	});
});

describe('deadlines and acknowledgement', () => {
	test('an answer after 3 seconds is refused with 10062 and recorded', async () => {
		const clock = emu.clock;
		clock.freeze();
		emu.expectFailures((failure) => failure.code === 10062);
		let code: number | undefined;
		onInteraction = async (interaction) => {
			if (!interaction.isChatInputCommand()) return;
			clock.advance(3_001);
			code = await interaction.reply('late').then(() => undefined, (caught: { code: number }) => caught.code);
		};
		emu.interactions.command({ guildId: guild.id, channelId, userId, name: 'rank' });
		await expect.poll(() => code).toBe(10062);
		expect(emu.failures.some((failure) => failure.kind === 'interaction' && /3000 ms/.test(failure.message))).toBe(true);
	});

	test('a second callback is refused with 40060', async () => {
		emu.expectFailures((failure) => failure.code === 40060);
		let code: number | undefined;
		onInteraction = async (interaction) => {
			if (!interaction.isChatInputCommand()) return;
			await interaction.reply('first');
			const rest = interaction.client.rest;
			code = await rest
				.post(`/interactions/${interaction.id}/${interaction.token}/callback`, { body: { type: 4, data: { content: 'again' } }, auth: false })
				.then(() => undefined, (caught: { code: number }) => caught.code);
		};
		emu.interactions.command({ guildId: guild.id, channelId, userId, name: 'rank' });
		await expect.poll(() => code).toBe(40060);
	});

	test('the token stops working after 15 minutes (50027) and this is recorded', async () => {
		const clock = emu.clock;
		clock.freeze();
		emu.expectFailures((failure) => failure.code === 50027);
		let code: number | undefined;
		onInteraction = async (interaction) => {
			if (!interaction.isChatInputCommand()) return;
			await interaction.deferReply();
			clock.advance(15 * 60_000 + 1);
			code = await interaction.editReply('too late').then(() => undefined, (caught: { code: number }) => caught.code);
		};
		const handle = emu.interactions.command({ guildId: guild.id, channelId, userId, name: 'rank' });
		await expect.poll(() => code).toBe(50027);
		expect(handle.edits).toHaveLength(0);
	});

	test('with_response returns the interaction callback resource', async () => {
		let resource: { messageId?: string; ephemeral?: boolean } = {};
		onInteraction = async (interaction) => {
			if (!interaction.isChatInputCommand()) return;
			const response = await interaction.reply({ content: 'with response', withResponse: true });
			resource = { messageId: response.resource?.message?.id, ephemeral: response.interaction.responseMessageEphemeral ?? undefined };
		};
		const handle = emu.interactions.command({ guildId: guild.id, channelId, userId, name: 'rank' });
		const reply = await handle.waitForReply();
		await expect.poll(() => resource.messageId).toBe(reply.id);
		expect(resource.ephemeral).toBe(false);
	});
});
