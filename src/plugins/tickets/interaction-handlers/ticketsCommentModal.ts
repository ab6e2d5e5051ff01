import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import { MessageFlags, type Interaction, type ModalSubmitInteraction } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { NO_PINGS } from '../../../lib/replies.js';
import { COMMENT_FIELD, FEEDBACK_COMMENT_MAX } from '../views/closing.js';
import { ticketIdOf } from '../views/customIds.js';
import { formatTicketNumber } from '../lib/naming.js';

/**
 * The comment modal's submission (`tickets:comment-modal:<ticket id>`): stores the opener's comment (at most 1,000
 * characters; a new one replaces the last) on the closed ticket, and thanks them; anyone else, or a ticket open again,
 * is told so and nothing is stored.
 */
export class TicketsCommentModalHandler extends PluginInteractionHandler<'tickets'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'tickets', interactionHandlerType: InteractionHandlerTypes.ModalSubmit });
	}

	public parseInteraction(interaction: Interaction) {
		const ticketId = interaction.isModalSubmit() ? ticketIdOf(interaction.customId, 'comment-modal') : null;
		return ticketId === null ? this.none() : this.some({ ticketId });
	}

	public override async run(interaction: ModalSubmitInteraction, { ticketId }: { ticketId: number }) {
		const text = interaction.fields.getTextInputValue(COMMENT_FIELD).trim().slice(0, FEEDBACK_COMMENT_MAX);
		const result = await this.service.closing.comment(ticketId, interaction.user.id, text);
		if (result.kind === 'unknown') throw translatedUserError('tickets:close.unknownTicket');
		const { t } = await this.service.ctx.translator(result.ticket.guildId);
		const number = formatTicketNumber(result.ticket.number);
		const content =
			result.kind === 'commented'
				? t('tickets:feedback.commented', { number })
				: result.kind === 'not-opener'
					? t('tickets:feedback.notOpener', { number })
					: t('tickets:feedback.notClosed', { number });
		return interaction.reply({ content, flags: MessageFlags.Ephemeral, ...NO_PINGS });
	}
}
