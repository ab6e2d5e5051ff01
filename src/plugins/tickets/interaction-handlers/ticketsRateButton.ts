import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import { MessageFlags, type ButtonInteraction, type Interaction } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { NO_PINGS } from '../../../lib/replies.js';
import { feedbackRows } from '../views/closing.js';
import { ticketCustomIdArgs } from '../views/customIds.js';
import { formatTicketNumber } from '../lib/naming.js';

/**
 * A rating button of the feedback prompt (`tickets:rate:<ticket id>:<1..5>`), in the opener's DMs or, when their DMs
 * were closed, in the ticket: only the opener, only while the ticket is closed; a second press changes the rating
 * (the last press counts). The prompt then shows the rating chosen and an "Add a comment" button. Answered in the
 * ticket's guild's language (a DM has no guild).
 */
export class TicketsRateButtonHandler extends PluginInteractionHandler<'tickets'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'tickets', interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public parseInteraction(interaction: Interaction) {
		const args = interaction.isButton() ? ticketCustomIdArgs(interaction.customId, 'rate') : null;
		if (!args || args.length !== 2 || !/^\d{1,15}$/.test(args[0]!) || !/^[1-5]$/.test(args[1]!)) return this.none();
		return this.some({ ticketId: Number(args[0]), rating: Number(args[1]) });
	}

	public override async run(interaction: ButtonInteraction, { ticketId, rating }: { ticketId: number; rating: number }) {
		const result = await this.service.closing.rate(ticketId, interaction.user.id, rating);
		if (result.kind === 'unknown') throw translatedUserError('tickets:close.unknownTicket');
		const { t } = await this.service.ctx.translator(result.ticket.guildId);
		const number = formatTicketNumber(result.ticket.number);
		if (result.kind === 'rated') {
			return interaction.update({ content: t('tickets:feedback.rated', { number, rating }), components: feedbackRows(t, ticketId, rating), ...NO_PINGS });
		}
		const content = result.kind === 'not-opener' ? t('tickets:feedback.notOpener', { number }) : t('tickets:feedback.notClosed', { number });
		return interaction.reply({ content, flags: MessageFlags.Ephemeral, ...NO_PINGS });
	}
}
