import { ChannelType } from 'discord.js';
import { parseDuration, SLOWMODE_BOUNDS } from './durations.js';

/** What `/slowmode` reads and which channels have a slowmode (service/ChannelTools.ts `setSlowmode`). */

/**
 * Channels with a `rate_limit_per_user` (Discord's "Channel Object"): text, voice and stage chats, forums, and
 * threads. Announcement channels have none. (Media channels have one too, but the command option's `channel_types`
 * in Discord's OpenAPI description, which the emulator checks, does not list their type yet.)
 */
export const SLOWMODE_CHANNEL_TYPES = [
	ChannelType.GuildText,
	ChannelType.GuildVoice,
	ChannelType.GuildStageVoice,
	ChannelType.GuildForum,
	ChannelType.PublicThread,
	ChannelType.PrivateThread,
	ChannelType.AnnouncementThread
] as const;

/** Whether a channel of this type has a slowmode. */
export function hasSlowmode(type: ChannelType): boolean {
	return (SLOWMODE_CHANNEL_TYPES as readonly ChannelType[]).includes(type);
}

/**
 * The slowmode a moderator typed, in whole seconds: "off" (in English or in the words of the guild's language), "0",
 * or a duration of lib/durations.ts ("10s", "5m", "1h 30m") from 0 to 6 hours, Discord's limit (21,600 s).
 * @param offWords the guild language's words for "off" (lowercase), besides "off" itself.
 * @throws UserError `moderation:errors.badDuration` / `moderation:errors.durationOutOfRange`.
 */
export function parseSlowmode(input: string, locale: string, offWords: readonly string[] = []): number {
	const word = input.trim().toLocaleLowerCase(locale);
	if (word === 'off' || offWords.includes(word)) return 0;
	return parseDuration(input, SLOWMODE_BOUNDS, locale) / 1_000;
}
