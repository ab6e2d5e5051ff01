import { Events, Listener, type AutocompleteInteractionPayload } from '@sapphire/framework';
import { answerFailure } from '../../lib/failures.js';

/** An autocomplete handler threw: logged with an error id; the user gets an empty suggestion list. */
export class AutocompleteErrorLogListener extends Listener<typeof Events.CommandAutocompleteInteractionError> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.CommandAutocompleteInteractionError });
	}

	public override async run(error: unknown, { interaction, command }: AutocompleteInteractionPayload) {
		await answerFailure(interaction, error, { command: command.name, what: `Autocomplete of /${command.name}` });
	}
}
