import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import type { ButtonInteraction, Interaction } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { NO_PINGS } from '../../../lib/replies.js';
import { requireBotPermissions, requireOpenerOrStaff } from '../admin/closeCommands.js';
import * as store from '../service/store.js';
import { ticketIdOf } from '../views/customIds.js';
import { formatTicketNumber } from '../lib/naming.js';

/**
 * Close on a close confirmation (`tickets:close-confirm:<ticket id>`): closes the ticket (service/closing.ts `close`,
 * a compare-and-set, so a second confirmation, in any process, is told the ticket is closed already) with the reason
 * held for this member, and turns the confirmation into "Closing…". The transcript, lock and notice follow in the
 * ticket's finishing job. The member is checked again (opener or staff): a confirmation can be forged.
 */
export class TicketsCloseConfirmButtonHandler extends PluginInteractionHandler<'tickets'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'tickets', interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public parseInteraction(interaction: Interaction) {
		const ticketId = interaction.isButton() && interaction.guildId ? ticketIdOf(interaction.customId, 'close-confirm') : null;
		return ticketId === null ? this.none() : this.some({ ticketId });
	}

	public override async run(interaction: ButtonInteraction, { ticketId }: { ticketId: number }) {
		const { t } = await translateInteraction(interaction);
		const ticket = await store.findById(this.service.ctx.em(), ticketId);
		if (!ticket || ticket.guildId !== interaction.guildId) throw translatedUserError('tickets:close.unknownTicket');
		await requireOpenerOrStaff(this.service, interaction, ticket);
		if (ticket.status === 'open') requireBotPermissions(this.service, t, ticket);
		const reason = await this.service.closing.takeReason(ticketId, interaction.user.id);
		const result = await this.service.closing.close(ticket.guildId, ticketId, interaction.user.id, reason);
		const content =
			result.kind === 'closed'
				? t('tickets:close.closing', { number: formatTicketNumber(ticket.number) })
				: result.kind === 'already'
					? t('tickets:close.alreadyClosed', { number: formatTicketNumber(ticket.number) })
					: t('tickets:close.notOpen', { number: formatTicketNumber(ticket.number) });
		await interaction.update({ content, components: [], ...NO_PINGS });
	}
}
