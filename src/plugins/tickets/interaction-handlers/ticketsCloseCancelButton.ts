import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import type { ButtonInteraction, Interaction } from 'discord.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { NO_PINGS } from '../../../lib/replies.js';
import * as store from '../service/store.js';
import { ticketIdOf } from '../views/customIds.js';
import { formatTicketNumber } from '../lib/naming.js';

/**
 * Cancel on a close confirmation (`tickets:close-cancel:<ticket id>`): the confirmation becomes "stays open", its
 * buttons go, the reason held for it is dropped. Nothing else changes.
 */
export class TicketsCloseCancelButtonHandler extends PluginInteractionHandler<'tickets'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'tickets', interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public parseInteraction(interaction: Interaction) {
		const ticketId = interaction.isButton() && interaction.guildId ? ticketIdOf(interaction.customId, 'close-cancel') : null;
		return ticketId === null ? this.none() : this.some({ ticketId });
	}

	public override async run(interaction: ButtonInteraction, { ticketId }: { ticketId: number }) {
		const { t } = await translateInteraction(interaction);
		await this.service.closing.takeReason(ticketId, interaction.user.id);
		const ticket = await store.findById(this.service.ctx.em(), ticketId);
		const number = formatTicketNumber(ticket && ticket.guildId === interaction.guildId ? ticket.number : ticketId);
		await interaction.update({ content: t('tickets:close.cancelled', { number }), components: [], ...NO_PINGS });
	}
}
