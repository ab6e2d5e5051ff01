import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import { MessageFlags, type ButtonInteraction, type Interaction } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { NO_PINGS } from '../../../lib/replies.js';
import { formatTicketNumber } from '../lib/naming.js';
import * as store from '../service/store.js';
import { TICKET_ACTIONS, ticketIdOf } from '../views/customIds.js';
import { actorOf } from './_ticketsOpen.js';

/**
 * The Claim button of a ticket's welcome message (`tickets:claim:<ticket id>`): as `/ticket claim` (staff only; a
 * second claimer is told who holds it; service/opening.ts `claim`), answered ephemerally.
 */
export class TicketsClaimButtonHandler extends PluginInteractionHandler<'tickets'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'tickets', interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public parseInteraction(interaction: Interaction) {
		const ticketId = interaction.isButton() && interaction.guildId ? ticketIdOf(interaction.customId, TICKET_ACTIONS.claim) : null;
		return ticketId === null ? this.none() : this.some(ticketId);
	}

	public override async run(interaction: ButtonInteraction, ticketId: number) {
		const ticket = await store.findById(this.service.ctx.em(), ticketId);
		if (!ticket || ticket.guildId !== interaction.guildId) throw translatedUserError('tickets:errors.ticketGone');
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		const claimed = await this.service.opening.claim(ticket, actorOf(interaction));
		const { t } = await translateInteraction(interaction);
		return interaction.editReply({ content: t('tickets:inside.replies.claimed', { number: formatTicketNumber(claimed.number) }), ...NO_PINGS });
	}
}
