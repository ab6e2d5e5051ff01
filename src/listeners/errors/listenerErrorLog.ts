import { Events, Listener, type ListenerErrorPayload } from '@sapphire/framework';
import { logFailure } from '../../lib/failures.js';
import { resolveGuildId } from '../../lib/plugins/guards.js';

/** A listener threw: logged with an error id and its plugin; the bot carries on. */
export class ListenerErrorLogListener extends Listener<typeof Events.ListenerError> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.ListenerError });
	}

	public override run(error: unknown, { piece }: ListenerErrorPayload) {
		logFailure(error, {
			what: `Listener ${piece.name} (${String(piece.event)})`,
			plugin: this.container.plugins.pluginOfPath(piece.location.full)?.name,
			guildId: resolveGuildId([error])
		});
	}
}
