import { Events, Listener, type Command } from '@sapphire/framework';
import { logFailure } from '../../lib/failures.js';
import { pluginNameOf } from '../../lib/plugins/pieces.js';

/** A command's `registerApplicationCommands` threw: logged; the other commands still register. */
export class CommandRegistryErrorLogListener extends Listener<typeof Events.CommandApplicationCommandRegistryError> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.CommandApplicationCommandRegistryError });
	}

	public override run(error: unknown, command: Command) {
		logFailure(error, {
			what: `Registering the application command of ${command.name}`,
			command: command.name,
			plugin: pluginNameOf(command) ?? undefined
		});
	}
}
