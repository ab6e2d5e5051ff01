import type { PluginRegistry } from '../plugins/registry.js';
import type { PluginState } from './types.js';

/**
 * Which plugins are on in a guild, from the guild's own switches (`guild_settings.plugins`), the bot-wide defaults and
 * the plugins' dependencies (`dependsOn` in a manifest, src/lib/plugins/definePlugin.ts).
 *
 * - The *switch* of a plugin is the guild's own choice (`/plugins enable|disable`), else the bot-wide default
 *   (`config/defaults.json`, else the manifest's `enabledByDefault`).
 * - The *effective* state is what the bot acts on: a plugin is on only when its own switch is on AND the switch of every
 *   plugin it depends on, directly or through another plugin, is on too (automod needs moderation). A plugin that is
 *   not installed is off.
 *
 * Pure and synchronous (no I/O): the guards call it for every gateway event.
 */
export class PluginEnablement {
	readonly #registry: PluginRegistry;
	/** Transitive dependencies per plugin (the registry never changes after start-up). */
	readonly #dependencies = new Map<string, readonly string[]>();

	public constructor(registry: PluginRegistry) {
		this.#registry = registry;
	}

	/** The guild's switch of a plugin: its own choice, else the bot-wide default. False when not installed. */
	public switchedOn(switches: Readonly<Record<string, boolean>>, name: string): boolean {
		if (!this.#registry.has(name)) return false;
		return switches[name] ?? this.#registry.isEnabledByDefault(name);
	}

	/** Whether the plugin is effectively on: its switch and the switch of every plugin it depends on (transitively). */
	public effective(switches: Readonly<Record<string, boolean>>, name: string): boolean {
		return this.switchedOn(switches, name) && this.dependenciesOf(name).every((dependency) => this.switchedOn(switches, dependency));
	}

	/** Names of the effectively enabled plugins, in plugin-list order. */
	public enabledPlugins(switches: Readonly<Record<string, boolean>>): string[] {
		return this.#registry.names.filter((name) => this.effective(switches, name));
	}

	/**
	 * The plugins whose effective state differs between two sets of switches, with their new state: the plugins in
	 * `first` (the one switched by hand) come first, then the others in plugin-list order.
	 * @param first names to list before the others when they changed (e.g. the plugin `/plugins` switched).
	 */
	public changes(before: Readonly<Record<string, boolean>>, after: Readonly<Record<string, boolean>>, first: readonly string[] = []): PluginState[] {
		const names = [...first.filter((name) => this.#registry.has(name)), ...this.#registry.names.filter((name) => !first.includes(name))];
		const changes: PluginState[] = [];
		for (const name of names) {
			const enabled = this.effective(after, name);
			if (enabled !== this.effective(before, name)) changes.push({ plugin: name, enabled });
		}
		return changes;
	}

	/** The plugins `name` depends on, transitively (memoized {@link PluginRegistry.dependenciesOf}). */
	public dependenciesOf(name: string): readonly string[] {
		let dependencies = this.#dependencies.get(name);
		if (!dependencies) {
			dependencies = Object.freeze(this.#registry.dependenciesOf(name));
			this.#dependencies.set(name, dependencies);
		}
		return dependencies;
	}
}
