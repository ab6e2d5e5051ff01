import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import { MessageFlags, type ButtonInteraction, type Interaction } from 'discord.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { NO_PINGS } from '../../../lib/replies.js';
import { parseGiveawayButton } from '../views/giveawayMessage.js';

/**
 * The Claim button of an announcement: a winner claims their prize before the deadline (which cancels their place's
 * reroll); anyone else, or a winner too late, is told so, ephemerally.
 */
export class GiveawayClaimButtonHandler extends PluginInteractionHandler<'giveaways'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'giveaways', interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public parseInteraction(interaction: Interaction) {
		const parsed = interaction.isButton() && interaction.guildId ? parseGiveawayButton(interaction.customId, 'claim') : null;
		return parsed ? this.some(parsed) : this.none();
	}

	public override async run(interaction: ButtonInteraction, { number }: { number: number }) {
		const { t } = await translateInteraction(interaction);
		const result = await this.service.claim(interaction.guildId!, number, interaction.user.id);
		return interaction.reply({ content: t(`giveaways:claim.${result}`), flags: MessageFlags.Ephemeral, ...NO_PINGS });
	}
}
