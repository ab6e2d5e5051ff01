import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import type { ButtonInteraction, Interaction } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { askCloseConfirmation } from '../admin/closeCommands.js';
import * as store from '../service/store.js';
import { ticketIdOf } from '../views/customIds.js';

/**
 * The welcome message's Close button (`tickets:close:<ticket id>`): like `/ticket close` without a reason, the opener
 * or staff get a confirmation (Close / Cancel) only they see; anyone else, or a ticket closed already, is told so.
 */
export class TicketsCloseButtonHandler extends PluginInteractionHandler<'tickets'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'tickets', interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public parseInteraction(interaction: Interaction) {
		const ticketId = interaction.isButton() && interaction.guildId ? ticketIdOf(interaction.customId, 'close') : null;
		return ticketId === null ? this.none() : this.some({ ticketId });
	}

	public override async run(interaction: ButtonInteraction, { ticketId }: { ticketId: number }) {
		const { t } = await translateInteraction(interaction);
		const ticket = await store.findById(this.service.ctx.em(), ticketId);
		if (!ticket || ticket.guildId !== interaction.guildId) throw translatedUserError('tickets:close.unknownTicket');
		await askCloseConfirmation(this.service, interaction, t, ticket, null);
	}
}
