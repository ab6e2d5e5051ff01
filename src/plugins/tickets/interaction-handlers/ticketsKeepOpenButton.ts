import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import { MessageFlags, type ButtonInteraction, type Interaction } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { NO_PINGS } from '../../../lib/replies.js';
import * as store from '../service/store.js';
import { ticketIdOf } from '../views/customIds.js';
import { formatTicketNumber } from '../lib/naming.js';

/**
 * Keep open under a close request (`tickets:keep-open:<ticket id>`): only the ticket's opener; withdraws the pending
 * request and cancels its job (service/closing.ts `keepOpen`), and the request message says who kept it open (its
 * button removed). Anyone else, or a request no longer pending, is told so ephemerally.
 */
export class TicketsKeepOpenButtonHandler extends PluginInteractionHandler<'tickets'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'tickets', interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public parseInteraction(interaction: Interaction) {
		const ticketId = interaction.isButton() && interaction.guildId ? ticketIdOf(interaction.customId, 'keep-open') : null;
		return ticketId === null ? this.none() : this.some({ ticketId });
	}

	public override async run(interaction: ButtonInteraction, { ticketId }: { ticketId: number }) {
		const { t } = await translateInteraction(interaction);
		const ticket = await store.findById(this.service.ctx.em(), ticketId);
		if (!ticket || ticket.guildId !== interaction.guildId) throw translatedUserError('tickets:close.unknownTicket');
		if (ticket.openerId !== interaction.user.id) throw translatedUserError('tickets:closeRequest.notOpener', { opener: `<@${ticket.openerId}>` });
		const result = await this.service.closing.keepOpen(ticket.guildId, ticketId);
		if (result !== 'kept') {
			return interaction.reply({ content: t('tickets:closeRequest.none', { number: formatTicketNumber(ticket.number) }), flags: MessageFlags.Ephemeral, ...NO_PINGS });
		}
		return interaction.update({ content: t('tickets:closeRequest.kept', { opener: `<@${ticket.openerId}>` }), components: [], ...NO_PINGS });
	}
}
