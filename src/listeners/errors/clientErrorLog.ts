import { Events, Listener } from '@sapphire/framework';
import { logFailure } from '../../lib/failures.js';

/** discord.js reported an error (its 'error' event): logged with an error id instead of crashing the process. */
export class ClientErrorLogListener extends Listener<typeof Events.Error> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.Error });
	}

	public override run(error: Error) {
		logFailure(error, { what: 'Discord client' });
	}
}
