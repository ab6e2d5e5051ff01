import { container } from '@sapphire/framework';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import { buildCustomId, CORE_CUSTOM_ID_OWNER, matchCustomId } from '../customId.js';
import { translatedUserError } from '../errors.js';
import type { Translate } from '../i18n.js';

/**
 * What `/plugins` and its confirmation button do with a plugin's switch and its dependencies (`dependsOn` in a
 * manifest, src/lib/plugins/definePlugin.ts). A plugin's *switch* is what `/plugins enable|disable` set
 * (`settings.isPluginSwitchedOn`); it is *on* (`settings.isPluginEnabled`) only while the switch of every plugin it
 * depends on is on too. Nothing here turns a dependency on without the admin's confirmation.
 */

/** Custom id action of the "turn on the dependencies and the plugin" button: `core:plugins-enable:<plugin>`. */
export const PLUGINS_ENABLE_ACTION = 'plugins-enable';

/** Discord's limit on a button label: 80 characters. */
const BUTTON_LABEL_LIMIT = 80;

/** A plugin's state in a guild, for `/plugins list`. */
export interface PluginSwitchState {
	name: string;
	/** Its own switch. */
	switchedOn: boolean;
	/** Whether it runs: switched on and every dependency switched on. */
	enabled: boolean;
	/** Its dependencies (transitively) whose switch is off, nearest first. */
	missing: string[];
}

/** @throws UserError `core:errors.unknownPlugin` (context: `plugin`) when no such plugin is installed. */
export function assertInstalled(name: string): void {
	if (!container.plugins.has(name)) throw translatedUserError('core:errors.unknownPlugin', { plugin: name });
}

/** The plugins `name` depends on (transitively) whose switch is off in the guild, nearest first. */
export async function missingDependencies(guildId: string, name: string): Promise<string[]> {
	const { plugins, settings } = container;
	const dependencies = plugins.dependenciesOf(name);
	const switches = await Promise.all(dependencies.map((dependency) => settings.isPluginSwitchedOn(guildId, dependency)));
	return dependencies.filter((_, index) => !switches[index]);
}

/** Every installed plugin's state in the guild, in plugin-list order. */
export async function pluginStates(guildId: string): Promise<PluginSwitchState[]> {
	const { plugins, settings } = container;
	return Promise.all(
		plugins.names.map(async (name) => {
			const [switchedOn, enabled, missing] = await Promise.all([
				settings.isPluginSwitchedOn(guildId, name),
				settings.isPluginEnabled(guildId, name),
				missingDependencies(guildId, name)
			]);
			return { name, switchedOn, enabled, missing };
		})
	);
}

/**
 * The plugins that run now and depend on `name` (directly or through another plugin): what stops working when `name`
 * is switched off. In plugin-list order.
 */
export async function runningDependents(guildId: string, name: string): Promise<string[]> {
	const dependents = container.plugins.dependentsOf(name);
	const running = await Promise.all(dependents.map((dependent) => container.settings.isPluginEnabled(guildId, dependent)));
	return dependents.filter((_, index) => running[index]);
}

/**
 * Switches on every dependency of `name` that is off (the farthest first), then `name`.
 * @returns the plugins whose switch changed, in the order they were switched on.
 * @throws UserError `core:errors.unknownPlugin` when `name` is not installed.
 */
export async function enableWithDependencies(guildId: string, name: string): Promise<string[]> {
	assertInstalled(name);
	const turnedOn: string[] = [];
	for (const plugin of [...(await missingDependencies(guildId, name))].reverse().concat(name)) {
		if (await container.settings.setPluginEnabled(guildId, plugin, true)) turnedOn.push(plugin);
	}
	return turnedOn;
}

/** Plugin names in bold, joined the way the locale lists things ("**a**, **b** and **c**"). */
export function formatPluginList(locale: string, names: readonly string[]): string {
	return new Intl.ListFormat(locale, { type: 'conjunction' }).format(names.map((name) => `**${name}**`));
}

/**
 * The confirmation button under a `/plugins enable` that needs dependencies: "Turn on <dependencies> and <plugin>",
 * custom id `core:plugins-enable:<plugin>` (handled by src/interaction-handlers/corePluginsEnableButton.ts).
 */
export function enableWithDependenciesButton(t: Translate, locale: string, name: string, missing: readonly string[]): ActionRowBuilder<ButtonBuilder> {
	const plugins = new Intl.ListFormat(locale, { type: 'conjunction' }).format([...missing, name]);
	const label = t('core:commands.plugins.enableWithDependenciesButton', { plugins });
	const button = new ButtonBuilder()
		.setCustomId(buildCustomId(CORE_CUSTOM_ID_OWNER, PLUGINS_ENABLE_ACTION, name))
		.setLabel(label.length <= BUTTON_LABEL_LIMIT ? label : `${label.slice(0, BUTTON_LABEL_LIMIT - 1)}…`)
		.setStyle(ButtonStyle.Primary);
	return new ActionRowBuilder<ButtonBuilder>().addComponents(button);
}

/** The plugin a confirmation button names, or null when the custom id is not such a button. */
export function parseEnableWithDependenciesButton(customId: string): string | null {
	const args = matchCustomId(customId, CORE_CUSTOM_ID_OWNER, PLUGINS_ENABLE_ACTION);
	return args?.length === 1 ? args[0]! : null;
}
