import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import type { ButtonInteraction, Interaction } from 'discord.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { slugSchema } from '../lib/config.js';
import { TICKET_ACTIONS, ticketCustomIdArgs } from '../views/customIds.js';
import { openFromPanel } from './_ticketsOpen.js';

/**
 * A panel's button for one ticket type (`tickets:open:<panel id>:<type id>`, views/panel.ts): shows the type's
 * questions modal, or opens the ticket straight away when the type asks nothing (service/opening.ts). Every refusal is
 * answered ephemerally, translated, naming what is wrong.
 */
export class TicketsOpenButtonHandler extends PluginInteractionHandler<'tickets'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'tickets', interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public parseInteraction(interaction: Interaction) {
		if (!interaction.isButton() || !interaction.guildId) return this.none();
		const args = ticketCustomIdArgs(interaction.customId, TICKET_ACTIONS.open);
		if (args?.length !== 2 || !args.every((arg) => slugSchema.safeParse(arg).success)) return this.none();
		return this.some({ panelId: args[0]!, typeId: args[1]! });
	}

	public override run(interaction: ButtonInteraction, { panelId, typeId }: { panelId: string; typeId: string }) {
		return openFromPanel(this.service, interaction, panelId, typeId);
	}
}
