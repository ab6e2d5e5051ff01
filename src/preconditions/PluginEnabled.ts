import { AllFlowsPrecondition, type Command } from '@sapphire/framework';
import type { ChatInputCommandInteraction, ContextMenuCommandInteraction, Message } from 'discord.js';
import { pluginNameOf } from '../lib/plugins/pieces.js';

/**
 * Global precondition: a plugin's command runs in a guild only when the plugin is on there. The denial carries the
 * translation key `core:preconditions.pluginDisabled`, answered ephemerally by the core's denial listener.
 * A command belongs to a plugin by extending its PluginCommand (src/lib/plugins/pieces.ts); the core's own commands
 * are always allowed.
 */
export class PluginEnabledPrecondition extends AllFlowsPrecondition {
	public constructor(context: AllFlowsPrecondition.LoaderContext, options: AllFlowsPrecondition.Options) {
		super(context, { ...options, name: 'PluginEnabled', position: 20 });
	}

	public override chatInputRun(interaction: ChatInputCommandInteraction, command: Command) {
		return this.check(interaction.guildId, command);
	}

	public override contextMenuRun(interaction: ContextMenuCommandInteraction, command: Command) {
		return this.check(interaction.guildId, command);
	}

	public override messageRun(message: Message, command: Command) {
		return this.check(message.guildId, command);
	}

	private async check(guildId: string | null, command: Command) {
		const plugin = pluginNameOf(command);
		if (!plugin || !guildId) return this.ok();
		if (await this.container.settings.isPluginEnabled(guildId, plugin)) return this.ok();
		return this.error({ identifier: 'core:preconditions.pluginDisabled', message: `${plugin} is off`, context: { plugin } });
	}
}

declare module '@sapphire/framework' {
	interface Preconditions {
		PluginEnabled: never;
	}
}
