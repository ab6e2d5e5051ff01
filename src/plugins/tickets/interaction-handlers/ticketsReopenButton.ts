import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import type { ButtonInteraction, Interaction } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { reopenAs } from '../admin/closeCommands.js';
import * as store from '../service/store.js';
import { ticketIdOf } from '../views/customIds.js';

/**
 * Reopen under a "closed" notice (`tickets:reopen:<ticket id>`): like `/ticket reopen`, for staff only (a staff role of
 * the ticket's type, or Manage Server); thread mode at any time, channel mode while the channel still exists.
 */
export class TicketsReopenButtonHandler extends PluginInteractionHandler<'tickets'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'tickets', interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public parseInteraction(interaction: Interaction) {
		const ticketId = interaction.isButton() && interaction.guildId ? ticketIdOf(interaction.customId, 'reopen') : null;
		return ticketId === null ? this.none() : this.some({ ticketId });
	}

	public override async run(interaction: ButtonInteraction, { ticketId }: { ticketId: number }) {
		const { t } = await translateInteraction(interaction);
		const ticket = await store.findById(this.service.ctx.em(), ticketId);
		if (!ticket || ticket.guildId !== interaction.guildId) throw translatedUserError('tickets:close.unknownTicket');
		await reopenAs(this.service, interaction, t, ticket);
	}
}
