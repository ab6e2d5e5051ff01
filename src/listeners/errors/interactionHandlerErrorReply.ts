import { Events, Listener, type InteractionHandlerError } from '@sapphire/framework';
import { answerFailure } from '../../lib/failures.js';
import { pluginNameOf } from '../../lib/plugins/pieces.js';

/** A button, menu or modal handler threw while running: answered like a failed command. */
export class InteractionHandlerErrorReplyListener extends Listener<typeof Events.InteractionHandlerError> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.InteractionHandlerError });
	}

	public override async run(error: unknown, { interaction, handler }: InteractionHandlerError) {
		await answerFailure(interaction, error, {
			what: `Interaction handler ${handler.name}`,
			plugin: pluginNameOf(handler) ?? undefined
		});
	}
}
