import { CommandOptionsRunTypeEnum, container, type ApplicationCommandRegistryRegisterOptions, type Args, type ChatInputCommand, type Command } from '@sapphire/framework';
import { getLocalizedData } from '@sapphire/plugin-i18next';
import { Subcommand, type SubcommandMapping, type SubcommandMappingMethod } from '@sapphire/plugin-subcommands';
import {
	ApplicationCommandOptionType,
	ApplicationCommandType,
	InteractionContextType,
	type ChatInputCommandInteraction,
	type RESTPostAPIChatInputApplicationCommandsJSONBody,
	type SlashCommandBuilder,
	type SlashCommandOptionsOnlyBuilder,
	type SlashCommandSubcommandsOnlyBuilder
} from 'discord.js';
import { translatedUserError } from '../errors.js';
import type { CommandKeyBase, PlainTranslationKey } from '../i18n.js';
import { localizedCommand } from './localized.js';

/** The interaction every bot command gets: always in a guild (BotCommands are guild-only). */
export type GuildChatInputInteraction = ChatInputCommandInteraction<'cached' | 'raw'>;

/** Discord's bounds on a USER or MESSAGE context menu command's name, in characters: 1 to 32 (spaces and capitals allowed). */
export const CONTEXT_MENU_NAME_LENGTH = { min: 1, max: 32 } as const;

/** What a command's builder callback may return once options or subcommands were added. */
export type ChatInputBuilderResult = SlashCommandBuilder | SlashCommandSubcommandsOnlyBuilder | SlashCommandOptionsOnlyBuilder;

/**
 * Options of a {@link BotCommand}: Sapphire's command options (`Command.Options`), the subcommand mapping of
 * @sapphire/plugin-subcommands (`subcommands`), and the one member permission of an admin command. Extend this
 * interface for more specific command kinds.
 */
export interface BotCommandOptions extends Subcommand.Options {
	/**
	 * A `PermissionFlagsBits` value (e.g. `ManageGuild`, "Manage Server") a member needs to use the command. Declared to
	 * Discord as `default_member_permissions` (Discord hides the command from members without it) AND checked by the
	 * bot through Sapphire's `requiredUserPermissions`, because server admins can override the declaration per role or
	 * channel in their integration settings (Discord's documented behaviour); a refusal is answered with the translated
	 * `preconditionUserPermissions` notice. Omit it for commands everyone may use.
	 */
	memberPermission?: bigint;
}

/** What happened to one interaction inside the subcommand plugin's routing. */
interface SubcommandRun {
	/** A mapped handler was called (false: no mapping matched the names in the interaction). */
	ran: boolean;
	/** What the handler threw, if it threw. */
	failure?: { error: unknown };
}

/**
 * The base of every slash command of the bot, core and plugins: a guild-only `Subcommand` of
 * @sapphire/plugin-subcommands, with
 *
 * - **subcommands through the plugin's mapping** (`subcommands: [{ name: 'list', chatInputRun: 'chatInputList' },
 *   { name: 'config', type: 'group', entries: [...] }]`), matched on the default-locale names Discord sends; a
 *   mapping's `chatInputRun` is a method name or a function, called with the command as `this`. A
 *   subcommand or group name that matches no mapping (a stale registration, a forged payload, `constructor`,
 *   `__proto__`) runs nothing and is answered with the translated, ephemeral `core:errors.unknownSubcommand`;
 *   the names are logged at warn level. A command without subcommands implements {@link runCommand} instead, and a
 *   subcommand sent to it is refused the same way.
 * - **errors flowing like any Sapphire command's**: what a subcommand handler throws is rethrown from
 *   {@link chatInputRun}, so the core's `chatInputCommandError` listener answers it (translated UserError, or
 *   "something went wrong" with an error id) and the command metrics count it as an error. (The plugin would
 *   otherwise only emit `chatInputSubcommandError`, which nothing answers.)
 * - **one access declaration**: {@link registerChatInput} names and describes the command from the locale files
 *   (src/lib/commands/localized.ts), makes it guild-only, declares {@link BotCommandOptions.memberPermission} as
 *   `default_member_permissions`, and checks that the declared subcommands and the mapping agree (a subcommand
 *   without a handler, or a handler for a name Discord never sends, fails at registration).
 * - **user context menus** declared the same way: {@link registerUserContextMenu} (named from the locale files,
 *   guild-only, the member permission declared and checked); the command implements Sapphire's `contextMenuRun`.
 *
 * `chatInputRun` belongs to this class: do not override it.
 */
export abstract class BotCommand<Options extends BotCommandOptions = BotCommandOptions> extends Subcommand<Args, Options> {
	/** The permission a member needs (`PermissionFlagsBits` value), or null when everyone may use the command. */
	public readonly memberPermission: bigint | null;
	/** Interactions being routed right now, and what their handler did. Per command instance, cleared after each run. */
	readonly #runs = new WeakMap<ChatInputCommandInteraction, SubcommandRun>();
	/** Mapping entries already wrapped by {@link #trackMethod}. */
	readonly #tracked = new WeakSet<SubcommandMappingMethod>();

	/**
	 * @throws TypeError when a mapping's `chatInputRun` names a method the class does not have, or a mapping carries
	 *   its own preconditions (see {@link assertNoSubcommandPreconditions}).
	 */
	protected constructor(context: Command.LoaderContext, options: Options) {
		assertNoSubcommandPreconditions(options.name ?? context.name, options.subcommands ?? []);
		super(context, withAccessOptions(options));
		this.memberPermission = options.memberPermission ?? null;
		this.parsedSubcommandMappings = this.parsedSubcommandMappings.map((mapping) => this.#track(mapping));
	}

	/** Keeps the error and match tracking when a subclass supplies its mapping as a `subcommandMappings` field. */
	public override onLoad() {
		super.onLoad();
		this.parsedSubcommandMappings = this.parsedSubcommandMappings.map((mapping) => this.#track(mapping));
	}

	/** Whether the command can answer slash commands: a command without subcommands needs {@link runCommand}. */
	public override supportsChatInputCommands(): this is ChatInputCommand {
		return this.parsedSubcommandMappings.length === 0 ? typeof this.runCommand === 'function' : super.supportsChatInputCommands();
	}

	/**
	 * The run of a command without subcommands (`/ping`, `/rank`). Commands with subcommands map them instead.
	 * @param interaction the slash command, always in a guild.
	 */
	protected runCommand?(interaction: GuildChatInputInteraction, context: ChatInputCommand.RunContext): Promise<unknown>;

	/**
	 * Routes the interaction through the plugin's subcommand mapping (or to {@link runCommand}), refusing unknown
	 * subcommand and group names.
	 * @throws UserError `core:errors.unknownSubcommand` (context: `command`, `group`, `subcommand`) when no mapping
	 *   matches; whatever the matched handler threw.
	 */
	public override async chatInputRun(interaction: ChatInputCommand.Interaction, context: ChatInputCommand.RunContext): Promise<void> {
		const group = interaction.options.getSubcommandGroup(false);
		const subcommand = interaction.options.getSubcommand(false);
		if (this.parsedSubcommandMappings.length === 0) {
			if (group !== null || subcommand !== null || !this.runCommand) throw this.#unknownSubcommand(interaction, group, subcommand);
			await this.runCommand(interaction as GuildChatInputInteraction, context);
			return;
		}
		const run: SubcommandRun = { ran: false };
		this.#runs.set(interaction, run);
		try {
			await super.chatInputRun(interaction, context);
		} finally {
			this.#runs.delete(interaction);
		}
		if (run.failure) throw run.failure.error;
		if (!run.ran) throw this.#unknownSubcommand(interaction, group, subcommand);
	}

	/**
	 * Registers the slash command: its name and description from `<base>.name|description` in the locale files (with
	 * every shipped locale as a Discord localization), guild-only, with `default_member_permissions` when the command
	 * has a {@link BotCommandOptions.memberPermission}; then `build` adds options or subcommands.
	 * @param base key base of the command, e.g. `core:commands.plugins` or `voice-xp:commands.xp`.
	 * @param build adds the command's options or subcommands (use `localizedCommand`/`localizedOption` for them).
	 * @param options Sapphire's registration options (guild ids, id hints).
	 * @throws Error when the subcommands declared by `build` and the `subcommands` mapping differ, or a key is missing
	 *   (Sapphire logs it as a registry error and the command is not registered).
	 */
	protected registerChatInput(
		registry: Command.Registry,
		base: CommandKeyBase,
		build: (builder: SlashCommandBuilder) => ChatInputBuilderResult = (builder) => builder,
		options?: ApplicationCommandRegistryRegisterOptions
	): void {
		registry.registerChatInputCommand((builder) => {
			localizedCommand(builder, base).setContexts(InteractionContextType.Guild);
			if (this.memberPermission !== null) builder.setDefaultMemberPermissions(this.memberPermission);
			const built = build(builder);
			this.#assertMappingMatches(built.toJSON());
			return built;
		}, options);
	}

	/**
	 * Registers a **user context menu command** (Discord's "Apps" menu on a member) handled by this command's
	 * `contextMenuRun`: its name from the text at `key` in the locale files, with every shipped locale as a Discord
	 * localization (context menu names may hold spaces and capitals: "Moderation history"), guild-only, and with
	 * `default_member_permissions` when the command has a {@link BotCommandOptions.memberPermission}; that permission
	 * is also checked by the bot (Sapphire's `requiredUserPermissions` runs for context menus too), and a refusal is
	 * answered by the core's `contextMenuDeniedReply` listener.
	 *
	 * Keep the name's text outside a `.name` key: tests/core/contracts.test.ts holds every `*.name` text to the slash
	 * command rules (lowercase, no spaces). A command may register both a slash command and a context menu.
	 * @param key a text without placeholders, e.g. `moderation:menus.history`.
	 * @param options Sapphire's registration options (guild ids, id hints).
	 * @throws Error when the default locale has no text at `key`, or a locale's text is not 1 to 32 characters
	 *   (Discord's rule for USER and MESSAGE command names; Sapphire logs it as a registry error and the command is
	 *   not registered).
	 */
	protected registerUserContextMenu(registry: Command.Registry, key: PlainTranslationKey, options?: ApplicationCommandRegistryRegisterOptions): void {
		registry.registerContextMenuCommand((builder) => {
			const { value, localizations } = contextMenuName(key);
			builder.setType(ApplicationCommandType.User).setName(value).setNameLocalizations(localizations).setContexts(InteractionContextType.Guild);
			if (this.memberPermission !== null) builder.setDefaultMemberPermissions(this.memberPermission);
			return builder;
		}, options);
	}

	/** The mapping entry with its `chatInputRun` wrapped so the routing result reaches {@link chatInputRun}. */
	#track(mapping: SubcommandMapping): SubcommandMapping {
		if (mapping.type === 'group') return { ...mapping, entries: mapping.entries.map((entry) => this.#trackMethod(entry)) };
		return this.#trackMethod(mapping);
	}

	#trackMethod(mapping: SubcommandMappingMethod): SubcommandMappingMethod {
		const handler = mapping.chatInputRun;
		if (handler === undefined || this.#tracked.has(mapping)) return mapping;
		if (typeof handler === 'string' && typeof Reflect.get(this, handler) !== 'function') {
			throw new TypeError(`/${this.name}: subcommand "${mapping.name}" maps to ${handler}(), which ${this.constructor.name} does not have`);
		}
		const tracked: SubcommandMappingMethod = {
			...mapping,
			chatInputRun: async (interaction, context) => {
				const run = this.#runs.get(interaction);
				const method = (typeof handler === 'string' ? Reflect.get(this, handler) : handler) as NonNullable<Command['chatInputRun']>;
				if (!run) return method.call(this, interaction, context);
				run.ran = true;
				try {
					return await method.call(this, interaction, context);
				} catch (error) {
					run.failure = { error };
					return undefined;
				}
			}
		};
		this.#tracked.add(tracked);
		return tracked;
	}

	/** Compares the subcommands a registration declares with the mapping. @throws Error naming every difference. */
	#assertMappingMatches(json: RESTPostAPIChatInputApplicationCommandsJSONBody): void {
		const declared = new Set<string>();
		for (const option of json.options ?? []) {
			if (option.type === ApplicationCommandOptionType.Subcommand) declared.add(option.name);
			if (option.type === ApplicationCommandOptionType.SubcommandGroup) {
				for (const entry of option.options ?? []) declared.add(`${option.name} ${entry.name}`);
			}
		}
		const mapped = new Set<string>();
		for (const mapping of this.parsedSubcommandMappings) {
			if (mapping.type === 'group') for (const entry of mapping.entries) mapped.add(`${mapping.name} ${entry.name}`);
			else if (mapping.chatInputRun !== undefined) mapped.add(mapping.name);
		}
		const unmapped = [...declared].filter((name) => !mapped.has(name));
		const undeclared = [...mapped].filter((name) => !declared.has(name));
		if (unmapped.length || undeclared.length) {
			throw new Error(
				`/${json.name}: declared subcommands without a handler in the mapping: [${unmapped.join(', ')}]; ` +
					`mapped subcommands Discord never sends: [${undeclared.join(', ')}]`
			);
		}
	}

	/** Logs a subcommand name no mapping knows and builds the user's translated refusal. */
	#unknownSubcommand(interaction: ChatInputCommand.Interaction, group: string | null, subcommand: string | null) {
		this.container.logger.warn(
			`/${this.name}: refused unknown subcommand ${JSON.stringify([group, subcommand].filter((name) => name !== null).join(' '))} ` +
				`from ${interaction.user.id} in guild ${interaction.guildId ?? '-'} (stale registration or forged interaction)`
		);
		return translatedUserError('core:errors.unknownSubcommand', { command: this.name, group, subcommand });
	}
}

/**
 * A context menu command's name and its localizations from the locale files.
 * @throws Error when the default locale has no text at `key`, or any locale's text is not 1 to 32 characters long.
 */
export function contextMenuName(key: PlainTranslationKey): { value: string; localizations: Record<string, string> } {
	const defaultT = container.i18n.getT(container.i18n.options.defaultName ?? 'en-US');
	const missing = '\u0000missing';
	if (defaultT(key, { defaultValue: missing }) === missing) throw new Error(`Missing translation "${key}" in the default locale (locales/<locale>/<namespace>.json)`);
	const { value, localizations } = getLocalizedData(key as never);
	const texts = Object.fromEntries(Object.entries(localizations).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
	for (const [locale, text] of [['default', value] as const, ...Object.entries(texts)]) {
		const length = [...text].length;
		if (length < CONTEXT_MENU_NAME_LENGTH.min || length > CONTEXT_MENU_NAME_LENGTH.max) {
			throw new Error(`Context menu name "${key}" in ${locale} is ${length} characters; Discord allows ${CONTEXT_MENU_NAME_LENGTH.min} to ${CONTEXT_MENU_NAME_LENGTH.max}`);
		}
	}
	return { value, localizations: texts };
}

/** Sapphire options that make a command guild-only and, with a member permission, checked by the bot. */
function withAccessOptions<Options extends BotCommandOptions>(options: Options): Options {
	const { memberPermission } = options;
	return {
		...options,
		runIn: CommandOptionsRunTypeEnum.GuildAny,
		...(memberPermission === undefined
			? {}
			: { requiredUserPermissions: options.requiredUserPermissions ? [options.requiredUserPermissions, memberPermission] : [memberPermission] })
	};
}

/** Options of a subcommand mapping entry that add preconditions to that one subcommand. */
const SUBCOMMAND_PRECONDITION_OPTIONS = [
	'preconditions',
	'runIn',
	'nsfw',
	'cooldownLimit',
	'cooldownDelay',
	'cooldownScope',
	'cooldownFilteredUsers',
	'requiredClientPermissions',
	'requiredUserPermissions'
] as const;

/**
 * Refuses per-subcommand preconditions in a mapping: the subcommand plugin reports their refusal only as a
 * `chatInputSubcommandDenied` event, which the core does not answer, so the user would see nothing. Put
 * preconditions on the command, or check in the handler and throw a `translatedUserError`.
 * @throws TypeError naming the command, the subcommand and the option.
 */
function assertNoSubcommandPreconditions(command: string, mappings: readonly SubcommandMapping[]): void {
	const entries = mappings.flatMap((mapping) =>
		mapping.type === 'group' ? mapping.entries.map((entry) => ({ name: `${mapping.name} ${entry.name}`, entry })) : [{ name: mapping.name, entry: mapping }]
	);
	for (const { name, entry } of entries) {
		const option = SUBCOMMAND_PRECONDITION_OPTIONS.find((key) => entry[key] !== undefined);
		if (option) throw new TypeError(`/${command} ${name}: per-subcommand "${option}" is not supported by BotCommand; set it on the command`);
	}
}
