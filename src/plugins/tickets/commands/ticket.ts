import type { Command } from '@sapphire/framework';
import { localizedCommand, localizedOption } from '../../../lib/commands/localized.js';
import { MAX_DURATION_INPUT } from '../../../lib/durations.js';
import { PluginCommand } from '../../../lib/plugins/pieces.js';
import { ticketClose, ticketCloseRequest, ticketReopen } from '../admin/closeCommands.js';
import { insideTicket, insideTicketOnly, ticketAdd, ticketClaim, ticketRemove, ticketRename, ticketTopic, ticketUnclaim } from '../admin/ticketCommands.js';
import { CHANNEL_NAME_MAX } from '../lib/config.js';

/** Key base of the command's translations (locales/<locale>/tickets.json). */
const KEY = 'tickets:commands.ticket';

/** A channel topic: at most 1,024 characters (Discord). A close reason: at most 1,000 (ours: a staff log field holds 1,024). */
const TOPIC_MAX = 1_024;
const REASON_MAX = 1_000;

/**
 * `/ticket`: what members and staff do inside a ticket channel or thread. No `default_member_permissions`: openers
 * use `close`, and staff are whoever holds a staff role of the ticket's type, which Discord cannot know; each
 * subcommand checks who may use it, and used outside a ticket answers "use this inside a ticket" (translated,
 * ephemeral).
 *
 * - `claim`, `unclaim`, `add member-or-role`, `remove member`, `rename name`, `topic text`: staff
 *   (admin/ticketCommands.ts, service/opening.ts).
 * - `close [reason]`, `close-request [delay] [reason]`, `reopen`: admin/closeCommands.ts (service/closing.ts).
 *
 * The mapping uses the names Discord sends (the en-US names of tickets.json); BotCommand checks at registration that
 * they are exactly the declared subcommands.
 */
export class TicketCommand extends PluginCommand<'tickets'> {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, {
			...options,
			name: 'ticket',
			plugin: 'tickets',
			subcommands: [
				{ name: 'claim', chatInputRun: insideTicket(ticketClaim) },
				{ name: 'unclaim', chatInputRun: insideTicket(ticketUnclaim) },
				{ name: 'add', chatInputRun: insideTicket(ticketAdd) },
				{ name: 'remove', chatInputRun: insideTicket(ticketRemove) },
				{ name: 'rename', chatInputRun: insideTicket(ticketRename) },
				{ name: 'topic', chatInputRun: insideTicket(ticketTopic) },
				{ name: 'close', chatInputRun: insideTicketOnly(ticketClose) },
				{ name: 'close-request', chatInputRun: insideTicketOnly(ticketCloseRequest) },
				{ name: 'reopen', chatInputRun: insideTicketOnly(ticketReopen) }
			]
		});
	}

	public override registerApplicationCommands(registry: Command.Registry) {
		this.registerChatInput(registry, KEY, (builder) =>
			builder
				.addSubcommand((sub) => localizedCommand(sub, `${KEY}.claim`))
				.addSubcommand((sub) => localizedCommand(sub, `${KEY}.unclaim`))
				.addSubcommand((sub) => localizedCommand(sub, `${KEY}.add`).addMentionableOption((option) => localizedOption(option, `${KEY}.options.target`).setRequired(true)))
				.addSubcommand((sub) => localizedCommand(sub, `${KEY}.remove`).addUserOption((option) => localizedOption(option, `${KEY}.options.member`).setRequired(true)))
				.addSubcommand((sub) =>
					localizedCommand(sub, `${KEY}.rename`).addStringOption((option) => localizedOption(option, `${KEY}.options.name`).setRequired(true).setMaxLength(CHANNEL_NAME_MAX))
				)
				.addSubcommand((sub) => localizedCommand(sub, `${KEY}.topic`).addStringOption((option) => localizedOption(option, `${KEY}.options.text`).setRequired(true).setMaxLength(TOPIC_MAX)))
				.addSubcommand((sub) => localizedCommand(sub, `${KEY}.close`).addStringOption((option) => localizedOption(option, `${KEY}.options.reason`).setMaxLength(REASON_MAX)))
				.addSubcommand((sub) =>
					localizedCommand(sub, `${KEY}.closeRequest`)
						.addStringOption((option) => localizedOption(option, `${KEY}.options.delay`).setMaxLength(MAX_DURATION_INPUT))
						.addStringOption((option) => localizedOption(option, `${KEY}.options.reason`).setMaxLength(REASON_MAX))
				)
				.addSubcommand((sub) => localizedCommand(sub, `${KEY}.reopen`))
		);
	}
}
