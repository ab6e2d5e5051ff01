import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import type { ButtonInteraction, Interaction } from 'discord.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { NO_PINGS } from '../../../lib/replies.js';
import { parseGiveawayButton } from '../views/giveawayMessage.js';

/** The Leave button offered to an entrant who pressed Enter again: removes their entry while the giveaway is open. */
export class GiveawayLeaveButtonHandler extends PluginInteractionHandler<'giveaways'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'giveaways', interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public parseInteraction(interaction: Interaction) {
		const parsed = interaction.isButton() && interaction.guildId ? parseGiveawayButton(interaction.customId, 'leave') : null;
		return parsed ? this.some(parsed) : this.none();
	}

	public override async run(interaction: ButtonInteraction, { number }: { number: number }) {
		const { t } = await translateInteraction(interaction);
		const left = await this.service.leave(interaction.guildId!, number, interaction.user.id);
		return interaction.update({ content: left ? t('giveaways:enter.left') : t('giveaways:enter.notEntered'), components: [], ...NO_PINGS });
	}
}
