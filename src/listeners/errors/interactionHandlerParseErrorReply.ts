import { Events, Listener, type InteractionHandlerParseError } from '@sapphire/framework';
import { answerFailure } from '../../lib/failures.js';
import { pluginNameOf } from '../../lib/plugins/pieces.js';

/** A button, menu or modal handler threw while parsing: answered like a failed command. */
export class InteractionHandlerParseErrorReplyListener extends Listener<typeof Events.InteractionHandlerParseError> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.InteractionHandlerParseError });
	}

	public override async run(error: unknown, { interaction, handler }: InteractionHandlerParseError) {
		await answerFailure(interaction, error, {
			what: `Interaction handler ${handler.name} (parse)`,
			plugin: pluginNameOf(handler) ?? undefined
		});
	}
}
