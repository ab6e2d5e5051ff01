import { Events, Listener } from '@sapphire/framework';

/** discord.js warnings, at warn level. */
export class ClientWarnLogListener extends Listener<typeof Events.Warn> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.Warn });
	}

	public override run(message: string) {
		this.container.logger.warn(`discord.js: ${message}`);
	}
}
