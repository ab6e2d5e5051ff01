import { Events, Listener, type ContextMenuCommandDeniedPayload, type UserError } from '@sapphire/framework';
import type { MessageContextMenuCommandInteraction, UserContextMenuCommandInteraction } from 'discord.js';
import { replyUserError } from '../../lib/replies.js';

/** A precondition refused a context menu command: answer with the translated reason, ephemeral. */
export class ContextMenuDeniedReplyListener extends Listener<typeof Events.ContextMenuCommandDenied> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.ContextMenuCommandDenied });
	}

	public override async run(error: UserError, { interaction, command }: ContextMenuCommandDeniedPayload) {
		this.container.metrics.recordCommand(command.name, 'denied', 0);
		await replyUserError(interaction as MessageContextMenuCommandInteraction | UserContextMenuCommandInteraction, error);
	}
}
