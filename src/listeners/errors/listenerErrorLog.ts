import { Events, Listener, type ListenerErrorPayload } from '@sapphire/framework';
import { logFailure } from '../../lib/failures.js';
import { resolveGuildId } from '../../lib/plugins/guards.js';
import { pluginNameOf } from '../../lib/plugins/pieces.js';

/** A listener threw: logged with an error id and its plugin; the bot carries on. */
export class ListenerErrorLogListener extends Listener<typeof Events.ListenerError> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.ListenerError });
	}

	public override run(error: unknown, { piece }: ListenerErrorPayload) {
		logFailure(error, {
			what: `Listener ${piece.name} (${String(piece.event)})`,
			plugin: pluginNameOf(piece) ?? undefined,
			guildId: resolveGuildId([error])
		});
	}
}
