import { Events, Listener } from '@sapphire/framework';
import { logFailure } from '../../lib/failures.js';

/** Discord refused the bulk overwrite of the application commands (global, or of one guild): logged. */
export class CommandBulkOverwriteErrorLogListener extends Listener<typeof Events.ApplicationCommandRegistriesBulkOverwriteError> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.ApplicationCommandRegistriesBulkOverwriteError });
	}

	public override run(error: unknown, guildId: string | null) {
		logFailure(error, { what: `Registering the application commands${guildId ? ` of guild ${guildId}` : ''}`, guildId });
	}
}
