import { container, UserError } from '@sapphire/framework';
import {
	ApplicationCommandOptionType,
	ApplicationCommandType,
	DiscordjsErrorCodes,
	type APIApplicationCommandOption,
	type ChatInputCommandInteraction,
	type CommandInteractionOption,
	type Interaction
} from 'discord.js';
import { newErrorId } from './errors.js';
import { translateInteraction } from './i18n.js';
import { dependencyOutageOf } from './outages.js';
import { replyEphemeral, replyUserError } from './replies.js';
import { pluginNameOf } from './plugins/pieces.js';

/** Where a failure happened, for its log line. */
export interface FailureContext {
	guildId?: string | null;
	shardId?: number;
	command?: string;
	plugin?: string;
	/** What failed, e.g. "Command /plugins" or "Listener voiceXpStateUpdate". */
	what: string;
}

/**
 * Logs an unexpected error with a new error id, the guild, shard, command or plugin, and its stack: at error level, or
 * at warn for the outage of a dependency (`level`), which is not a bug of the bot.
 * @returns the error id, to show the user.
 */
export function logFailure(error: unknown, context: FailureContext, level: 'error' | 'warn' = 'error'): string {
	const errorId = newErrorId();
	const logger = container.botLogger ?? container.logger;
	const scoped =
		'child' in logger
			? logger.child({
					errorId,
					guildId: context.guildId ?? undefined,
					shardId: context.shardId,
					command: context.command,
					plugin: context.plugin
				})
			: logger;
	scoped[level](`${context.what} failed (error id ${errorId}):`, error instanceof Error ? error : new Error(String(error)));
	return errorId;
}

/**
 * Answers a failed interaction: a UserError with its translated message (no error id: the user can fix it); a slash
 * command whose options do not match what it declared ({@link badOptionOf}) with `core:errors.badOption` naming the
 * option (logged at debug, no error id); a failure caused by PostgreSQL or Redis being unreachable (src/lib/outages.ts)
 * with `core:errors.temporarilyUnavailable` naming the dependency, and an error id logged at warn; anything else with
 * the translated "something went wrong" and a fresh error id that is also logged with the stack.
 * Always ephemeral, in the guild's language. Never throws.
 */
export async function answerFailure(interaction: Interaction, error: unknown, context: Omit<FailureContext, 'guildId' | 'shardId'>): Promise<void> {
	try {
		if (error instanceof UserError) {
			container.logger.debug(`${context.what} refused: ${error.identifier}`);
			if (interaction.isRepliable()) await replyUserError(interaction, error);
			return;
		}
		const option = interaction.isChatInputCommand() ? badOptionOf(interaction, error) : null;
		if (option !== null && interaction.isChatInputCommand()) {
			// A value Discord's client would not send (a forged or stale request): the user's side, so no error id.
			container.logger.debug(`${context.what} refused: bad value for option "${option}"`, error);
			const { t } = await translateInteraction(interaction);
			await replyEphemeral(interaction, t('core:errors.badOption', { option }));
			return;
		}
		const plugin = context.plugin ?? (context.command ? pluginOfCommand(context.command) : undefined);
		const outage = dependencyOutageOf(error);
		const errorId = logFailure(error, { ...context, plugin, guildId: interaction.guildId, shardId: interaction.guild?.shardId }, outage ? 'warn' : 'error');
		if (interaction.isRepliable()) {
			const { t } = await translateInteraction(interaction);
			await replyEphemeral(
				interaction,
				outage
					? t('core:errors.temporarilyUnavailable', { errorId, dependency: t(`core:errors.dependencies.${outage}`) })
					: t('core:errors.unexpected', { errorId })
			);
		} else if (interaction.isAutocomplete() && !interaction.responded) {
			await interaction.respond([]).catch(() => undefined);
		}
	} catch (secondary) {
		container.logger.error('Could not answer a failed interaction:', secondary);
	}
}

function pluginOfCommand(name: string): string | undefined {
	const command = container.stores.get('commands').get(name);
	return command ? pluginNameOf(command) ?? undefined : undefined;
}

/** discord.js errors of `interaction.options.get*(name, true)` about one option (its name is in their message). */
const OPTION_ERROR_CODES: ReadonlySet<string> = new Set([
	DiscordjsErrorCodes.CommandInteractionOptionNotFound,
	DiscordjsErrorCodes.CommandInteractionOptionType,
	DiscordjsErrorCodes.CommandInteractionOptionEmpty,
	// In discord.js's codes but not (yet) in its typed enum.
	'CommandInteractionOptionInvalidChannelType'
]);

/**
 * The option to blame when a slash command failed, or null when its options are not the cause.
 * - discord.js threw about an option (`getInteger(name, true)` on a string, `getRole(name, true)` with no resolved role,
 *   a missing required option): that option, read from the error's message.
 * - otherwise, the first option whose value breaks the command's own declaration (type, required, min/max value,
 *   min/max length, choices, a user/role/channel Discord did not resolve): Discord's client never sends such a value,
 *   so the command was not written for it (an out-of-range `/xp add amount` made a RangeError deep in a service).
 * Unknown (undeclared) options are ignored here: subcommand names are refused by BotCommand before running.
 */
export function badOptionOf(interaction: ChatInputCommandInteraction, error: unknown): string | null {
	if (error instanceof Error && 'code' in error && OPTION_ERROR_CODES.has(String(error.code))) {
		return /"([^"]+)"/.exec(error.message)?.[1] ?? invalidOption(interaction) ?? '?';
	}
	return invalidOption(interaction);
}

/** The options the command registered with Discord (Sapphire's registry keeps the JSON it sent), or null. */
function declaredOptions(commandName: string): readonly APIApplicationCommandOption[] | null {
	const registry = container.stores.get('commands').get(commandName)?.applicationCommandRegistry as
		| { apiCalls?: readonly { builtData: { name: string; type?: number; options?: APIApplicationCommandOption[] } }[] }
		| undefined;
	const call = registry?.apiCalls?.find(
		({ builtData }) => builtData.name === commandName && (builtData.type ?? ApplicationCommandType.ChatInput) === ApplicationCommandType.ChatInput
	);
	return call ? (call.builtData.options ?? []) : null;
}

/** The first option of the interaction that breaks the command's declaration ({@link badOptionOf}), or null. */
function invalidOption(interaction: ChatInputCommandInteraction): string | null {
	const declared = declaredOptions(interaction.commandName);
	return declared ? checkOptions(interaction.options.data, declared) : null;
}

function checkOptions(given: readonly CommandInteractionOption[], declared: readonly APIApplicationCommandOption[]): string | null {
	for (const option of given) {
		const declaration = declared.find((candidate) => candidate.name === option.name);
		if (!declaration) continue;
		const problem = checkOption(option, declaration);
		if (problem !== null) return problem;
	}
	// Subcommands and groups hold their own options; a plain option list must hold every required option.
	if (given.some((option) => isContainer(option.type))) return null;
	for (const declaration of declared) {
		if ('required' in declaration && declaration.required && !given.some((option) => option.name === declaration.name)) return declaration.name;
	}
	return null;
}

function isContainer(type: ApplicationCommandOptionType): boolean {
	return type === ApplicationCommandOptionType.Subcommand || type === ApplicationCommandOptionType.SubcommandGroup;
}

/** The option's name when its value breaks its declaration, else null (a subcommand is checked through its options). */
function checkOption(option: CommandInteractionOption, declaration: APIApplicationCommandOption): string | null {
	if (option.type !== declaration.type) return option.name;
	if (isContainer(option.type)) {
		const inner = 'options' in declaration ? ((declaration.options ?? []) as APIApplicationCommandOption[]) : [];
		return checkOptions(option.options ?? [], inner);
	}
	const spec = declaration as {
		min_value?: number;
		max_value?: number;
		min_length?: number;
		max_length?: number;
		choices?: readonly { value: string | number }[];
	};
	const { value } = option;
	const withinChoices = (candidate: unknown) => !spec.choices?.length || spec.choices.some((choice) => choice.value === candidate);
	switch (option.type) {
		case ApplicationCommandOptionType.Integer:
		case ApplicationCommandOptionType.Number: {
			const ok =
				typeof value === 'number' &&
				(option.type === ApplicationCommandOptionType.Integer ? Number.isSafeInteger(value) : Number.isFinite(value)) &&
				(spec.min_value === undefined || value >= spec.min_value) &&
				(spec.max_value === undefined || value <= spec.max_value) &&
				withinChoices(value);
			return ok ? null : option.name;
		}
		case ApplicationCommandOptionType.String: {
			const ok =
				typeof value === 'string' &&
				(spec.min_length === undefined || value.length >= spec.min_length) &&
				(spec.max_length === undefined || value.length <= spec.max_length) &&
				withinChoices(value);
			return ok ? null : option.name;
		}
		case ApplicationCommandOptionType.Boolean:
			return typeof value === 'boolean' ? null : option.name;
		case ApplicationCommandOptionType.User:
			return option.user ? null : option.name;
		case ApplicationCommandOptionType.Role:
			return option.role ? null : option.name;
		case ApplicationCommandOptionType.Channel:
			return option.channel ? null : option.name;
		case ApplicationCommandOptionType.Mentionable:
			return option.user || option.role ? null : option.name;
		case ApplicationCommandOptionType.Attachment:
			return option.attachment ? null : option.name;
		default:
			return null;
	}
}
