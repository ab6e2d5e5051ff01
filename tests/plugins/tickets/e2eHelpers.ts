/**
 * Helpers of the tickets plugin's end-to-end tests: the real bot (startTestBot) on the Discord emulator. A test file's
 * emulator, guilds, members and bot are its own (made in its beforeAll), so each helper takes the ones it acts on.
 */
import type { DiscordEmulator, GuildHandle, MessageView } from '@hearth/discord-emulator';
import type { TicketService } from '../../../src/plugins/tickets/service/TicketService.js';
import type { TestBot } from '../../helpers/testBot.js';
import { slashCommand, type CommandOptions, type SlashCommandRun } from '../moderation/e2eHelpers.js';

/** The tickets plugin's service of a test bot. */
export function ticketsService(bot: TestBot): TicketService {
	return bot.handle.pluginHost.service('tickets');
}

/** Turns the tickets plugin on in each guild, one after the other. */
export async function enableTickets(bot: TestBot, ...guilds: GuildHandle[]): Promise<void> {
	for (const where of guilds) await bot.handle.settings.setPluginEnabled(where.id, 'tickets', true);
}

/**
 * `/tickets <group> <subcommand>` or `/tickets <subcommand>` (`subcommandPath`: `'panel create'`, `'config'`) as
 * `actor` in `where` (in #general unless `run.channelId`), and what the actor finally sees: the reply, the edit of a
 * deferred answer, or the ephemeral follow-up of a refusal after deferring (tests/plugins/moderation/e2eHelpers.ts).
 */
export function ticketsCommand(
	emu: DiscordEmulator,
	where: GuildHandle,
	actor: { id: string },
	subcommandPath: string,
	options: CommandOptions = {},
	run: Omit<SlashCommandRun, 'subcommand' | 'subcommandGroup'> = {}
): Promise<MessageView> {
	const [first, second] = subcommandPath.split(' ');
	const path = second ? { subcommandGroup: first!, subcommand: second } : { subcommand: first! };
	return slashCommand(emu, where, actor, 'tickets', options, { ...run, ...path });
}
