import { Events, Listener, type ChatInputCommandDeniedPayload, type UserError } from '@sapphire/framework';
import { replyUserError } from '../../lib/replies.js';

/**
 * A precondition refused a slash command (plugin off here, missing permission, shutting down): answer with the
 * translated reason, ephemeral, and count it as `denied`.
 */
export class CommandDeniedReplyListener extends Listener<typeof Events.ChatInputCommandDenied> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.ChatInputCommandDenied });
	}

	public override async run(error: UserError, { interaction, command }: ChatInputCommandDeniedPayload) {
		this.container.metrics.recordCommand(command.name, 'denied', 0);
		this.container.logger.debug(`/${command.name} denied in guild ${interaction.guildId ?? '-'}: ${error.identifier}`);
		await replyUserError(interaction, error);
	}
}
