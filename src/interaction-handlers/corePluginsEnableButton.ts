import { InteractionHandler, InteractionHandlerTypes } from '@sapphire/framework';
import { MessageFlags, PermissionFlagsBits, type ButtonInteraction } from 'discord.js';
import { enableWithDependencies, formatPluginList, parseEnableWithDependenciesButton } from '../lib/commands/pluginSwitches.js';
import { formatPermissions, translateInteraction } from '../lib/i18n.js';

/**
 * The "Turn on <dependencies> and <plugin>" button under a `/plugins enable` whose dependencies are off (custom id
 * `core:plugins-enable:<plugin>`, built in src/lib/commands/pluginSwitches.ts). Checks Manage Server again on press
 * (the member may have lost it, or the button may be pressed by someone else in a shared view), switches on the
 * dependencies that are still off and then the plugin, and replaces the question with what it did. Errors (an unknown
 * plugin from a stale or forged button) are answered by the core's interaction handler error listener.
 */
export class CorePluginsEnableButtonHandler extends InteractionHandler {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public override parse(interaction: ButtonInteraction) {
		const plugin = interaction.inGuild() ? parseEnableWithDependenciesButton(interaction.customId) : null;
		return plugin === null ? this.none() : this.some(plugin);
	}

	public override async run(interaction: ButtonInteraction<'cached' | 'raw'>, plugin: string) {
		const { locale, t } = await translateInteraction(interaction);
		if (!interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild)) {
			return interaction.reply({
				content: t('core:preconditions.preconditionUserPermissions', { permissions: formatPermissions(t, ['ManageGuild']) }),
				flags: MessageFlags.Ephemeral
			});
		}
		const turnedOn = await enableWithDependencies(interaction.guildId, plugin);
		this.container.botLogger
			.child({ guildId: interaction.guildId, shardId: interaction.guild?.shardId, plugin })
			.info(`Plugin ${plugin} enabled with its dependencies by ${interaction.user.id}: switched on ${turnedOn.join(', ') || 'nothing (already on)'}`);
		const content = turnedOn.length
			? t('core:commands.plugins.enabledWithDependencies', { plugins: formatPluginList(locale, turnedOn) })
			: t('core:commands.plugins.alreadyEnabled', { name: plugin });
		return interaction.update({ content, components: [] });
	}
}
