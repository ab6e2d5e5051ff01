/**
 * The custom id convention of every button, select menu and modal the bot sends (core and plugins):
 *
 *     <plugin>:<action>[:<arg>...]
 *
 * - `plugin`: the plugin's name (`voice-xp`; kebab-case, see PLUGIN_NAME_PATTERN in src/lib/plugins/definePlugin.ts),
 *   or `core` for the core's own components. It tells which plugin an interaction belongs to, so the core can refuse
 *   a component of a plugin that is off without asking every handler.
 * - `action`: what the component does within the plugin, kebab-case (`leaderboard-page`, `plugins-enable`):
 *   lowercase letters, digits and `-`, starting with a letter.
 * - `arg`s: any text (page numbers, plugin names, user ids). The separator `:` and `%` inside an argument are
 *   escaped as `%3A` and `%25`, so an argument may hold any character; an argument may be empty.
 * - The separator is `:`.
 * - The whole id is at most {@link CUSTOM_ID_MAX_LENGTH} characters after escaping (Discord's limit on `custom_id`,
 *   https://discord.com/developers/docs/components/reference), so keep arguments short: ids, numbers, names.
 *
 * Build every custom id with {@link buildCustomId} and read it with {@link parseCustomId};
 * tests/core/customIds.test.ts fails when source under src/ sets a custom id any other way.
 */

/** Discord's limit on a component's or modal's `custom_id`: 100 characters. */
export const CUSTOM_ID_MAX_LENGTH = 100;

/** The separator between the parts of a custom id. */
export const CUSTOM_ID_SEPARATOR = ':';

/** The `plugin` part of the core's own components. */
export const CORE_CUSTOM_ID_OWNER = 'core';

/** A plugin name (or `core`): kebab-case, starting with a letter (same rule as plugin names). */
const OWNER_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** An action: kebab-case, starting with a letter. */
const ACTION_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** A custom id read back: whose component it is, what it does, and its arguments (unescaped). */
export interface ParsedCustomId {
	/** Plugin name, or `core`. */
	plugin: string;
	action: string;
	args: string[];
}

/** Escapes `%` and the separator in an argument (`%` first, so the escapes themselves survive). */
function escapeArg(arg: string): string {
	return arg.replaceAll('%', '%25').replaceAll(CUSTOM_ID_SEPARATOR, '%3A');
}

/** Reverses {@link escapeArg}; null when the argument holds a `%` that is not one of the two escapes. */
function unescapeArg(arg: string): string | null {
	if (/%(?!25|3A)/.test(arg)) return null;
	return arg.replaceAll('%3A', CUSTOM_ID_SEPARATOR).replaceAll('%25', '%');
}

/**
 * Builds a custom id `<plugin>:<action>[:<arg>...]` (rules above).
 * @param plugin the plugin's name, or `core`.
 * @param action what the component does, kebab-case.
 * @param args arguments; numbers are written in decimal. `:` and `%` in them are escaped.
 * @returns the custom id, at most 100 characters.
 * @throws TypeError when `plugin` or `action` is not kebab-case; RangeError when the id would be longer than
 *   {@link CUSTOM_ID_MAX_LENGTH} characters (Discord would refuse the message).
 */
export function buildCustomId(plugin: string, action: string, ...args: readonly (string | number)[]): string {
	if (!OWNER_PATTERN.test(plugin)) throw new TypeError(`Custom id plugin "${plugin}" must be a kebab-case plugin name or "core"`);
	if (!ACTION_PATTERN.test(action)) throw new TypeError(`Custom id action "${action}" must be kebab-case (lowercase letters, digits, -)`);
	const id = [plugin, action, ...args.map((arg) => escapeArg(String(arg)))].join(CUSTOM_ID_SEPARATOR);
	if (id.length > CUSTOM_ID_MAX_LENGTH) {
		throw new RangeError(`Custom id "${id.slice(0, 40)}…" is ${id.length} characters; Discord allows at most ${CUSTOM_ID_MAX_LENGTH}`);
	}
	return id;
}

/**
 * Reads a custom id built by {@link buildCustomId}.
 * @returns its plugin, action and unescaped arguments; null when the id does not follow the convention (too long,
 *   fewer than two parts, a part that is not kebab-case, a stray `%` in an argument), e.g. a component of another
 *   bot version or a forged interaction.
 */
export function parseCustomId(id: string): ParsedCustomId | null {
	if (id.length > CUSTOM_ID_MAX_LENGTH) return null;
	const [plugin, action, ...rawArgs] = id.split(CUSTOM_ID_SEPARATOR);
	if (plugin === undefined || action === undefined || !OWNER_PATTERN.test(plugin) || !ACTION_PATTERN.test(action)) return null;
	const args: string[] = [];
	for (const raw of rawArgs) {
		const arg = unescapeArg(raw);
		if (arg === null) return null;
		args.push(arg);
	}
	return { plugin, action, args };
}

/**
 * The arguments of a custom id when it is `<plugin>:<action>[:...]` for exactly this plugin and action (what an
 * interaction handler's `parse` asks), else null.
 */
export function matchCustomId(id: string, plugin: string, action: string): string[] | null {
	const parsed = parseCustomId(id);
	return parsed && parsed.plugin === plugin && parsed.action === action ? parsed.args : null;
}
