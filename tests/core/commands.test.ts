/**
 * The command conventions without Discord: the localized builder helpers (src/lib/commands/localized.ts) read names,
 * descriptions and choices from the real locale files, and BotCommand (src/lib/commands/BotCommand.ts) declares access
 * from one permission, routes subcommands only through its mapping, refuses unknown names (prototype names included)
 * and lets handler errors reach Sapphire's error path. The same behaviour end to end: commandsForged.e2e.test.ts.
 */
import { container, UserError, type ChatInputCommand, type Command } from '@sapphire/framework';
import { InternationalizationHandler } from '@sapphire/plugin-i18next';
import {
	ApplicationCommandOptionType,
	PermissionFlagsBits,
	SlashCommandBuilder,
	type ChatInputCommandInteraction,
	type RESTPostAPIChatInputApplicationCommandsJSONBody
} from 'discord.js';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BotCommand, type BotCommandOptions, type ChatInputBuilderResult, type GuildChatInputInteraction } from '../../src/lib/commands/BotCommand.js';
import { localizedChoice, localizedChoices, localizedCommand, localizedOption } from '../../src/lib/commands/localized.js';
import { buildI18nOptions } from '../../src/lib/i18n.js';

beforeAll(async () => {
	const i18n = new InternationalizationHandler(buildI18nOptions({ plugins: [], defaultLocale: 'en-US', fetchLanguage: () => 'en-US' }));
	await i18n.init();
	container.i18n = i18n;
	// What a Sapphire command reads from the client while it is constructed and run.
	container.client = { options: {}, emit: () => true } as unknown as typeof container.client;
	container.logger = { warn: vi.fn(), debug: () => undefined, info: () => undefined, error: () => undefined } as unknown as typeof container.logger;
});

describe('localized builders', () => {
	it('name and describe a command, subcommand and option from a key base, with every shipped locale', () => {
		const json = localizedCommand(new SlashCommandBuilder(), 'core:commands.plugins')
			.addSubcommand((sub) =>
				localizedCommand(sub, 'core:commands.plugins.enable').addStringOption((option) => localizedOption(option, 'core:commands.plugins.options.plugin'))
			)
			.toJSON();
		expect(json).toMatchObject({
			name: 'plugins',
			name_localizations: { 'en-US': 'plugins', pl: 'wtyczki', fr: 'modules' },
			description: "Turn the bot's features on or off in this server",
			description_localizations: { pl: 'Włącz lub wyłącz funkcje bota na tym serwerze' }
		});
		const enable = json.options![0] as { name: string; name_localizations: Record<string, string>; options: { name: string; name_localizations: Record<string, string> }[] };
		expect(enable.name_localizations).toEqual({ 'en-US': 'enable', fr: 'activer', pl: 'włącz' });
		expect(enable.options[0]).toMatchObject({ name: 'plugin', name_localizations: { fr: 'module', pl: 'wtyczka' } });
	});

	it('build choices from one key each, or from a key base and the values', () => {
		expect(localizedChoice('core:languages.pl', 'pl')).toEqual({
			name: 'Polski (Polish)',
			name_localizations: { 'en-US': 'Polski (Polish)', fr: 'Polski (polonais)', pl: 'Polski' },
			value: 'pl'
		});
		const choices = localizedChoices('voice-xp:commands.xp.choices', ['off', 'channel', 'dm']);
		expect(choices.map((choice) => [choice.value, choice.name])).toEqual([
			['off', 'Nowhere (level-ups are only logged)'],
			['channel', 'In a channel'],
			['dm', "In the member's direct messages"]
		]);
		expect(Object.keys(choices[0]!.name_localizations!).sort()).toEqual(['en-US', 'fr', 'pl']);
	});

	it('refuse a key the default locale does not have (Discord would show the key itself)', () => {
		// The compiler refuses these keys too (src/lib/i18n/keys.ts); the run-time check still guards stale generated key
		// types and dynamicKey(), so it is tested with keys that get past the types.
		// @ts-expect-error no such key base
		expect(() => localizedCommand(new SlashCommandBuilder(), 'core:commands.nope')).toThrow('Missing translation "core:commands.nope.name"');
		// @ts-expect-error no such key
		expect(() => localizedChoice('voice-xp:commands.xp.choices.everywhere', 'everywhere')).toThrow(/voice-xp:commands\.xp\.choices\.everywhere/);
	});
});

/** A fake slash command interaction carrying a group and subcommand name, as discord.js parses them. */
function interaction(group: string | null, subcommand: string | null) {
	return {
		user: { id: '1' },
		guildId: '2',
		options: { getSubcommandGroup: () => group, getSubcommand: () => subcommand }
	} as unknown as ChatInputCommandInteraction;
}

const loaderContext = (name: string) => ({ name, path: import.meta.filename, root: import.meta.dirname, store: null }) as unknown as Command.LoaderContext;

/** What a test command's handlers saw. */
const ran: string[] = [];

class SettingsCommand extends BotCommand {
	public constructor(options: Partial<BotCommandOptions> = {}) {
		super(loaderContext('settings'), {
			name: 'settings',
			memberPermission: PermissionFlagsBits.ManageGuild,
			subcommands: [
				{ name: 'show', chatInputRun: 'chatInputShow' },
				{ name: 'fail', chatInputRun: 'chatInputFail' },
				{
					name: 'rules',
					type: 'group',
					entries: [
						{
							name: 'add',
							// A function handler is called with the command as `this`.
							chatInputRun(this: SettingsCommand, i: ChatInputCommandInteraction) {
								ran.push(`rules add by ${i.user.id} in /${this.name}`);
							}
						}
					]
				}
			],
			...options
		});
	}

	public async chatInputShow() {
		ran.push('show');
	}

	public async chatInputFail(): Promise<never> {
		throw new UserError({ identifier: 'core:errors.unknownPlugin', message: 'on purpose' });
	}

	/** What `registerApplicationCommands` would register, with `build` adding the subcommands. */
	public registration(build: (builder: SlashCommandBuilder) => ChatInputBuilderResult): RESTPostAPIChatInputApplicationCommandsJSONBody {
		let json: RESTPostAPIChatInputApplicationCommandsJSONBody | undefined;
		const registry = { registerChatInputCommand: (callback: (builder: SlashCommandBuilder) => ChatInputBuilderResult) => (json = callback(new SlashCommandBuilder()).toJSON()) };
		this.registerChatInput(registry as unknown as Command.Registry, 'core:commands.plugins', build);
		return json!;
	}
}

class PingLikeCommand extends BotCommand {
	public constructor() {
		super(loaderContext('pinglike'), { name: 'pinglike' });
	}

	protected override async runCommand(interaction: GuildChatInputInteraction) {
		ran.push(`pinglike in ${interaction.guildId}`);
	}
}

const runContext = {} as ChatInputCommand.RunContext;

/** The translation key of the UserError `promise` rejects with. */
async function refusal(promise: Promise<unknown>): Promise<string> {
	const error = await promise.then(
		() => null,
		(thrown: unknown) => thrown
	);
	expect(error).toBeInstanceOf(UserError);
	return (error as UserError).identifier;
}

describe('BotCommand', () => {
	it('declares its one member permission to Discord and makes the bot check it, guild-only', () => {
		const command = new SettingsCommand();
		expect(command.memberPermission).toBe(PermissionFlagsBits.ManageGuild);
		expect(command.options.requiredUserPermissions).toEqual([PermissionFlagsBits.ManageGuild]);
		expect(command.options.runIn).toBe('GUILD_ANY');
		const json = command.registration((builder) =>
			builder
				.addSubcommand((sub) => sub.setName('show').setDescription('-'))
				.addSubcommand((sub) => sub.setName('fail').setDescription('-'))
				.addSubcommandGroup((group) => group.setName('rules').setDescription('-').addSubcommand((sub) => sub.setName('add').setDescription('-')))
		);
		expect(json).toMatchObject({ name: 'plugins', default_member_permissions: String(PermissionFlagsBits.ManageGuild), contexts: [0] });
		expect(new PingLikeCommand().options.requiredUserPermissions).toBeUndefined();
	});

	it('routes known subcommands and groups through the mapping (function handlers get the command as this)', async () => {
		ran.length = 0;
		const command = new SettingsCommand();
		await command.chatInputRun(interaction(null, 'show'), runContext);
		await command.chatInputRun(interaction('rules', 'add'), runContext);
		expect(ran).toEqual(['show', 'rules add by 1 in /settings']);
	});

	it.each([
		[null, 'nope'],
		[null, 'constructor'],
		[null, 'toString'],
		[null, '__proto__'],
		[null, 'chatInputShow'],
		['rules', 'constructor'],
		['rules', '__proto__'],
		['nope', 'add'],
		['show', 'add'],
		['rules', null],
		[null, null]
	])('refuses group %j subcommand %j with core:errors.unknownSubcommand and runs nothing', async (group, subcommand) => {
		ran.length = 0;
		const command = new SettingsCommand();
		expect(await refusal(command.chatInputRun(interaction(group, subcommand), runContext))).toBe('core:errors.unknownSubcommand');
		expect(ran).toEqual([]);
		expect(container.logger.warn).toHaveBeenLastCalledWith(expect.stringContaining('/settings: refused unknown subcommand'));
	});

	it("rethrows a handler's error so Sapphire's chatInputCommandError path answers it", async () => {
		expect(await refusal(new SettingsCommand().chatInputRun(interaction(null, 'fail'), runContext))).toBe('core:errors.unknownPlugin');
	});

	it('runs a command without subcommands, and refuses a subcommand sent to it', async () => {
		ran.length = 0;
		const command = new PingLikeCommand();
		await command.chatInputRun(interaction(null, null), runContext);
		expect(ran).toEqual(['pinglike in 2']);
		expect(await refusal(command.chatInputRun(interaction(null, 'toString'), runContext))).toBe('core:errors.unknownSubcommand');
		expect(ran).toEqual(['pinglike in 2']);
	});

	it('fails at registration when declared subcommands and the mapping differ', () => {
		const command = new SettingsCommand();
		expect(() =>
			command.registration((builder) =>
				builder.addSubcommand((sub) => sub.setName('show').setDescription('-')).addSubcommand((sub) => sub.setName('hide').setDescription('-'))
			)
		).toThrow('/plugins: declared subcommands without a handler in the mapping: [hide]; mapped subcommands Discord never sends: [fail, rules add]');
	});

	it('refuses a mapping to a missing method, and per-subcommand preconditions nobody would answer', () => {
		expect(() => new SettingsCommand({ subcommands: [{ name: 'show', chatInputRun: 'chatInputMissing' }] })).toThrow(/chatInputMissing\(\), which SettingsCommand does not have/);
		expect(() => new SettingsCommand({ subcommands: [{ name: 'show', chatInputRun: 'chatInputShow', requiredUserPermissions: ['BanMembers'] }] })).toThrow(
			/\/settings show: per-subcommand "requiredUserPermissions" is not supported/
		);
	});

	it('declares subcommands as Discord option types the check understands', () => {
		// Guards the assumption of the mapping check: groups hold subcommands, both typed as Discord sends them.
		const json = new SlashCommandBuilder()
			.setName('x')
			.setDescription('-')
			.addSubcommandGroup((group) => group.setName('g').setDescription('-').addSubcommand((sub) => sub.setName('s').setDescription('-')))
			.toJSON();
		expect(json.options?.[0]).toMatchObject({ type: ApplicationCommandOptionType.SubcommandGroup, options: [{ type: ApplicationCommandOptionType.Subcommand }] });
	});
});
