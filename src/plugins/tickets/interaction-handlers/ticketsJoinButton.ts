import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import { MessageFlags, type ButtonInteraction, type Interaction } from 'discord.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { NO_PINGS } from '../../../lib/replies.js';
import { TICKET_ACTIONS, ticketIdOf } from '../views/customIds.js';
import { actorOf } from './_ticketsOpen.js';

/**
 * The Join button of a thread-mode ticket's entry in the staff log (`tickets:join:<ticket id>`): adds the member to
 * the ticket's private thread if they hold a staff role of its type or Manage Server (service/opening.ts `join`);
 * answered ephemerally with a link to the thread.
 */
export class TicketsJoinButtonHandler extends PluginInteractionHandler<'tickets'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'tickets', interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public parseInteraction(interaction: Interaction) {
		const ticketId = interaction.isButton() && interaction.guildId ? ticketIdOf(interaction.customId, TICKET_ACTIONS.join) : null;
		return ticketId === null ? this.none() : this.some(ticketId);
	}

	public override async run(interaction: ButtonInteraction, ticketId: number) {
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		const threadId = await this.service.opening.join(interaction.guildId!, ticketId, actorOf(interaction));
		const { t } = await translateInteraction(interaction);
		return interaction.editReply({ content: t('tickets:inside.replies.joined', { channel: `<#${threadId}>` }), ...NO_PINGS });
	}
}
