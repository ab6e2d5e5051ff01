/**
 * Helpers of the giveaways plugin's end-to-end tests: the real bot (startTestBot, ManualClock) on the Discord emulator.
 * A test file's emulator, guild, members and bot are its own (made in its beforeAll), so each helper takes the ones it
 * acts on.
 */
import type { DiscordEmulator, GuildHandle, MessageView } from '@hearth/discord-emulator';
import type { APIMessage } from 'discord-api-types/v10';
import { vi } from 'vitest';
import type { GiveawayStatus } from '../../../src/plugins/giveaways/entities/Giveaway.js';
import type { GiveawayRecord, GiveawayService } from '../../../src/plugins/giveaways/service/GiveawayService.js';
import type { TestBot } from '../../helpers/testBot.js';
import { slashCommand, type CommandOptions } from '../moderation/e2eHelpers.js';

/** The giveaways plugin's service of a test bot. */
export function giveawayService(bot: TestBot): GiveawayService {
	return bot.handle.pluginHost.service('giveaways');
}

/** Turns the giveaways plugin on in each guild, one after the other. */
export async function enableGiveaways(bot: TestBot, ...guilds: GuildHandle[]): Promise<void> {
	for (const where of guilds) await bot.handle.settings.setPluginEnabled(where.id, 'giveaways', true);
}

/**
 * `/giveaway <subcommand> ...options` as `actor` in `where` (in `channelId`, default #general), and what the actor
 * finally sees: the reply, the edit of a deferred answer, or the ephemeral follow-up of a refusal after deferring.
 */
export function giveawayCommand(
	emu: DiscordEmulator,
	where: GuildHandle,
	actor: { id: string },
	subcommand: string,
	options: CommandOptions = {},
	channelId?: string
): Promise<MessageView> {
	return slashCommand(emu, where, actor, 'giveaway', options, { subcommand, ...(channelId ? { channelId } : {}) });
}

/** The giveaway number an answer of `/giveaway start` names ("Giveaway #3 for ..."). */
export function numberIn(answer: MessageView): number {
	const match = /#(\d+)/.exec(answer.content);
	if (!match) throw new Error(`no giveaway number in "${answer.content}"`);
	return Number(match[1]);
}

/** The giveaway's message as the emulator holds it now (embed, Enter button). */
export function giveawayMessageOf(where: GuildHandle, record: GiveawayRecord): APIMessage {
	const message = where.messages(record.channelId).find((candidate) => candidate.id === record.messageId);
	if (!message) throw new Error(`giveaway #${record.number}: message ${record.messageId} not found in channel ${record.channelId}`);
	return message;
}

/** The bot's messages replying to the giveaway's message (its announcements: end, rerolls, replaced claims), oldest first. */
export function announcementsOf(where: GuildHandle, record: GiveawayRecord): APIMessage[] {
	return where.messages(record.channelId).filter((message) => message.message_reference?.message_id === record.messageId);
}

/** A member presses the Enter button of a giveaway's message; resolves to the ephemeral answer they see. */
export async function pressEnter(emu: DiscordEmulator, record: GiveawayRecord, userId: string): Promise<MessageView> {
	const handle = emu.interactions.button({ guildId: record.guildId, channelId: record.channelId, userId, messageId: record.messageId!, customId: `giveaways:enter:${record.number}` });
	return handle.waitForReply();
}

/** Waits until a giveaway has `status` (a scheduled end runs as a task after the clock moves); returns it then. */
export function waitForStatus(service: GiveawayService, guildId: string, number: number, status: GiveawayStatus, timeoutMs = 10_000): Promise<GiveawayRecord> {
	return vi.waitFor(
		async () => {
			const record = await service.get(guildId, number);
			if (record.status !== status) throw new Error(`giveaway #${number} is ${record.status}, not ${status}`);
			return record;
		},
		{ timeout: timeoutMs, interval: 20 }
	);
}
