import { Events, Listener, type ContextMenuCommandErrorPayload } from '@sapphire/framework';
import type { MessageContextMenuCommandInteraction, UserContextMenuCommandInteraction } from 'discord.js';
import { answerFailure } from '../../lib/failures.js';

/** A context menu command threw: answered like a slash command failure (translated, ephemeral, error id). */
export class ContextMenuErrorReplyListener extends Listener<typeof Events.ContextMenuCommandError> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.ContextMenuCommandError });
	}

	public override async run(error: unknown, { interaction, command }: ContextMenuCommandErrorPayload) {
		await answerFailure(interaction as MessageContextMenuCommandInteraction | UserContextMenuCommandInteraction, error, { command: command.name, what: `Context menu command ${command.name}` });
	}
}
