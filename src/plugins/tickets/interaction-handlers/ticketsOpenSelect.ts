import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import type { Interaction, StringSelectMenuInteraction } from 'discord.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { slugSchema } from '../lib/config.js';
import { TICKET_ACTIONS, ticketCustomIdArgs } from '../views/customIds.js';
import { openFromPanel } from './_ticketsOpen.js';

/**
 * A panel's select menu (panels of more than five types: `tickets:open-select:<panel id>`, the chosen value a type
 * id): as the panel's buttons (ticketsOpenButton.ts).
 */
export class TicketsOpenSelectHandler extends PluginInteractionHandler<'tickets'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'tickets', interactionHandlerType: InteractionHandlerTypes.SelectMenu });
	}

	public parseInteraction(interaction: Interaction) {
		if (!interaction.isStringSelectMenu() || !interaction.guildId) return this.none();
		const args = ticketCustomIdArgs(interaction.customId, TICKET_ACTIONS.openSelect);
		const typeId = interaction.values[0];
		if (args?.length !== 1 || !slugSchema.safeParse(args[0]).success || typeId === undefined || !slugSchema.safeParse(typeId).success) return this.none();
		return this.some({ panelId: args[0]!, typeId });
	}

	public override run(interaction: StringSelectMenuInteraction, { panelId, typeId }: { panelId: string; typeId: string }) {
		return openFromPanel(this.service, interaction, panelId, typeId);
	}
}
