import { Events, Listener, type ChatInputCommandErrorPayload } from '@sapphire/framework';
import { answerFailure } from '../../lib/failures.js';

/**
 * A slash command threw: a UserError is answered with its translated message; anything else with the translated
 * "something went wrong" and an error id, logged with the guild, command and stack. Always ephemeral.
 */
export class CommandErrorReplyListener extends Listener<typeof Events.ChatInputCommandError> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.ChatInputCommandError });
	}

	public override async run(error: unknown, { interaction, command }: ChatInputCommandErrorPayload) {
		await answerFailure(interaction, error, { command: command.name, what: `Command /${command.name}` });
	}
}
