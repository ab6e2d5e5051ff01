import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import { MessageFlags, type ButtonInteraction, type Interaction } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { NO_PINGS } from '../../../lib/replies.js';
import * as store from '../service/store.js';
import { commentModal } from '../views/closing.js';
import { ticketIdOf } from '../views/customIds.js';
import { formatTicketNumber } from '../lib/naming.js';

/**
 * "Add a comment" under a rating (`tickets:comment:<ticket id>`): opens the comment modal (one paragraph, at most 1,000
 * characters, the last comment filled in) for the opener; anyone else is told it is not theirs.
 */
export class TicketsCommentButtonHandler extends PluginInteractionHandler<'tickets'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'tickets', interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public parseInteraction(interaction: Interaction) {
		const ticketId = interaction.isButton() ? ticketIdOf(interaction.customId, 'comment') : null;
		return ticketId === null ? this.none() : this.some({ ticketId });
	}

	public override async run(interaction: ButtonInteraction, { ticketId }: { ticketId: number }) {
		const ticket = await store.findById(this.service.ctx.em(), ticketId);
		if (!ticket) throw translatedUserError('tickets:close.unknownTicket');
		const { t } = await this.service.ctx.translator(ticket.guildId);
		if (ticket.openerId !== interaction.user.id) {
			return interaction.reply({ content: t('tickets:feedback.notOpener', { number: formatTicketNumber(ticket.number) }), flags: MessageFlags.Ephemeral, ...NO_PINGS });
		}
		return interaction.showModal(commentModal(t, ticket, ticket.feedbackComment));
	}
}
