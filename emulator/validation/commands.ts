/**
 * Application command rules (interactions/application-commands in Discord's docs) that the OpenAPI description
 * does not carry: CHAT_INPUT names and option names match `^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$` (unicode)
 * and use lowercase where a letter has one; USER / MESSAGE names are 1–32 characters and may hold spaces and
 * capitals, with an empty description; CHAT_INPUT descriptions 1–100; up to 25 options and 25 choices (name 1–100,
 * string value up to 100); required options before optional ones; subcommand groups hold only subcommands;
 * localization keys are Discord locales; names unique per type; 100 CHAT_INPUT, 15 USER and 15 MESSAGE commands per
 * scope; at most 8,000 characters of names, descriptions and choice values per command (the longest localization
 * of each field counted).
 */
import { ApplicationCommandOptionType as O, ApplicationCommandType, Locale } from 'discord-api-types/v10';
import { at, IssueList, type BodyIssue } from './issues.js';

type Json = Record<string, any>;

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const LOCALES = new Set<string>(Object.values(Locale));
const LIMITS: Record<number, number> = {
	[ApplicationCommandType.ChatInput]: 100,
	[ApplicationCommandType.User]: 15,
	[ApplicationCommandType.Message]: 15,
	[ApplicationCommandType.PrimaryEntryPoint]: 1
};

/** Checks one command body (POST / PATCH, or one element of a bulk overwrite). `partial` for PATCH. */
export function checkCommand(command: Json, prefix = '', partial = false): BodyIssue[] {
	const list = new IssueList();
	if (!command || typeof command !== 'object') return list.issues;
	const type = (command.type as number | undefined) ?? ApplicationCommandType.ChatInput;
	const chatInput = type === ApplicationCommandType.ChatInput;
	if (!partial || command.name !== undefined) checkName(list, command.name, at(prefix, 'name'), chatInput);
	checkLocalizations(list, command.name_localizations, at(prefix, 'name_localizations'), (value, path) =>
		checkName(list, value, path, chatInput)
	);
	if (chatInput) {
		if (!partial || command.description !== undefined) {
			if (list.required(at(prefix, 'description'), command.description)) {
				list.length(at(prefix, 'description'), command.description, 1, 100);
			}
		}
	} else if (command.description) {
		list.add(at(prefix, 'description'), 'APPLICATION_COMMAND_DESCRIPTION_MUST_BE_EMPTY', 'Description must be empty for this command type');
	}
	checkLocalizations(list, command.description_localizations, at(prefix, 'description_localizations'), (value, path) =>
		list.length(path, value, 1, 100)
	);
	if (Array.isArray(command.options)) {
		if (!chatInput && command.options.length) {
			list.add(at(prefix, 'options'), 'APPLICATION_COMMAND_OPTIONS_NOT_ALLOWED', 'Options are only allowed on CHAT_INPUT commands');
		}
		checkOptions(list, command.options, at(prefix, 'options'), 0);
	}
	if (chatInput && commandSize(command) > 8000) {
		list.add(prefix, 'APPLICATION_COMMAND_TOO_LARGE', 'Command exceeds maximum size (8000)');
	}
	return list.issues;
}

/** Checks a bulk overwrite body: each command, unique names per type, and the per-type count limits. */
export function checkCommandList(commands: unknown): BodyIssue[] {
	if (!Array.isArray(commands)) return [];
	const issues: BodyIssue[] = commands.flatMap((command, index) => checkCommand(command as Json, String(index)));
	const seen = new Map<string, number>();
	const counts = new Map<number, number>();
	commands.forEach((command: Json, index) => {
		const type = (command?.type as number | undefined) ?? 1;
		counts.set(type, (counts.get(type) ?? 0) + 1);
		const key = `${type}:${String(command?.name)}`;
		if (seen.has(key)) {
			issues.push({ path: at(String(index), 'name'), code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: `Application command names must be unique` });
		}
		seen.set(key, index);
	});
	for (const [type, count] of counts) {
		if (LIMITS[type] !== undefined && count > LIMITS[type]) {
			issues.push({ path: '', code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS[type]} or fewer in length.` });
		}
	}
	return issues;
}

function checkName(list: IssueList, name: unknown, path: string, chatInput: boolean): void {
	if (!list.required(path, name) || typeof name !== 'string') return;
	if (!chatInput) {
		list.length(path, name, 1, 32);
		return;
	}
	if (!NAME.test(name)) {
		list.add(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
	} else if (name !== name.toLowerCase()) {
		list.add(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name must be lowercase');
	}
}

function checkLocalizations(
	list: IssueList,
	localizations: unknown,
	path: string,
	check: (value: unknown, path: string) => void
): void {
	if (!localizations || typeof localizations !== 'object') return;
	for (const [locale, value] of Object.entries(localizations)) {
		if (!LOCALES.has(locale)) list.add(at(path, locale), 'LOCALE_INVALID', `Invalid locale "${locale}"`);
		else if (value !== null) check(value, at(path, locale));
	}
}

function checkOptions(list: IssueList, options: Json[], path: string, depth: number): void {
	list.length(path, options, 0, 25);
	const names = new Set<string>();
	let optionalSeen = false;
	const kinds = new Set<string>();
	options.forEach((option, index) => {
		const p = at(path, index);
		if (!option || typeof option !== 'object') return;
		checkName(list, option.name, at(p, 'name'), true);
		checkLocalizations(list, option.name_localizations, at(p, 'name_localizations'), (value, lp) =>
			checkName(list, value, lp, true)
		);
		if (names.has(option.name)) list.add(at(p, 'name'), 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS', 'Option names must be unique');
		names.add(option.name);
		if (list.required(at(p, 'description'), option.description)) list.length(at(p, 'description'), option.description, 1, 100);
		checkLocalizations(list, option.description_localizations, at(p, 'description_localizations'), (value, lp) =>
			list.length(lp, value, 1, 100)
		);
		const type = option.type as number;
		const isSub = type === O.Subcommand || type === O.SubcommandGroup;
		kinds.add(isSub ? 'sub' : 'value');
		if (isSub) {
			if (type === O.SubcommandGroup && depth > 0) list.add(at(p, 'type'), 'APPLICATION_COMMAND_OPTION_INVALID_TYPE', 'Subcommand groups can only be top-level options');
			if (type === O.Subcommand && depth > 1) list.add(at(p, 'type'), 'APPLICATION_COMMAND_OPTION_INVALID_TYPE', 'Subcommands cannot be nested this deep');
			const children: Json[] = Array.isArray(option.options) ? option.options : [];
			if (type === O.SubcommandGroup && children.some((child) => child?.type !== O.Subcommand)) {
				list.add(at(p, 'options'), 'APPLICATION_COMMAND_OPTION_INVALID_TYPE', 'Subcommand groups may only contain subcommands');
			}
			if (type === O.Subcommand && children.some((child) => child?.type === O.Subcommand || child?.type === O.SubcommandGroup)) {
				list.add(at(p, 'options'), 'APPLICATION_COMMAND_OPTION_INVALID_TYPE', 'Subcommands cannot contain subcommands');
			}
			checkOptions(list, children, at(p, 'options'), depth + 1);
			return;
		}
		if (option.required) {
			if (optionalSeen) list.add(at(p, 'required'), 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
		} else optionalSeen = true;
		if (Array.isArray(option.choices)) {
			if (option.autocomplete) list.add(at(p, 'autocomplete'), 'APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES_CONFLICT', 'Autocomplete cannot be set with choices');
			list.length(at(p, 'choices'), option.choices, 0, 25);
			option.choices.forEach((choice: Json, choiceIndex: number) => {
				const cp = at(at(p, 'choices'), choiceIndex);
				if (list.required(at(cp, 'name'), choice?.name)) list.length(at(cp, 'name'), choice.name, 1, 100);
				if (typeof choice?.value === 'string') list.length(at(cp, 'value'), choice.value, 1, 100);
				checkLocalizations(list, choice?.name_localizations, at(cp, 'name_localizations'), (value, lp) =>
					list.length(lp, value, 1, 100)
				);
			});
		}
		if (option.min_length !== undefined && (option.min_length < 0 || option.min_length > 6000)) {
			list.add(at(p, 'min_length'), 'NUMBER_TYPE_MAX', 'int value should be between 0 and 6000.');
		}
		if (option.max_length !== undefined && (option.max_length < 1 || option.max_length > 6000)) {
			list.add(at(p, 'max_length'), 'NUMBER_TYPE_MAX', 'int value should be between 1 and 6000.');
		}
	});
	if (kinds.size > 1) {
		list.add(path, 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Subcommands and groups cannot be mixed with other options');
	}
}

/** Characters counted towards the 8,000 limit: the longest variant (default or localization) of each field. */
function commandSize(command: Json): number {
	const longest = (value: unknown, localizations: unknown) =>
		Math.max(
			typeof value === 'string' ? value.length : 0,
			...Object.values((localizations as Record<string, string | null>) ?? {}).map((v) => v?.length ?? 0)
		);
	const options = (list: Json[] | undefined): number =>
		(list ?? []).reduce(
			(sum, option) =>
				sum +
				longest(option?.name, option?.name_localizations) +
				longest(option?.description, option?.description_localizations) +
				(option?.choices ?? []).reduce(
					(s: number, choice: Json) => s + longest(choice?.name, choice?.name_localizations) + String(choice?.value ?? '').length,
					0
				) +
				options(option?.options),
			0
		);
	return (
		longest(command.name, command.name_localizations) +
		longest(command.description, command.description_localizations) +
		options(command.options)
	);
}
