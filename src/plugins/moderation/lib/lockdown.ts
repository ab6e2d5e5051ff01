import { ChannelType, PermissionFlagsBits } from 'discord.js';

/**
 * The permission side of `/lockdown` and `/unlock` (service/ChannelTools.ts) as plain functions: what a lockdown
 * denies, the @everyone overwrite it writes, and the exact overwrite an unlock puts back.
 */

/**
 * What a lockdown denies to @everyone (issue 8: "deny Send Messages, and creating and sending in threads"): Send
 * Messages, Send Messages in Threads, Create Public Threads, Create Private Threads. Reading, reactions and voice stay
 * as they were.
 */
export const LOCKDOWN_DENIED_BITS =
	PermissionFlagsBits.SendMessages | PermissionFlagsBits.SendMessagesInThreads | PermissionFlagsBits.CreatePublicThreads | PermissionFlagsBits.CreatePrivateThreads;

/** Channels a lockdown applies to: text and announcement channels (their threads follow their overwrites). */
export const LOCKABLE_CHANNEL_TYPES = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

/** Whether a channel of this type can be locked. */
export function isLockable(type: ChannelType): boolean {
	return (LOCKABLE_CHANNEL_TYPES as readonly ChannelType[]).includes(type);
}

/** A permission overwrite's two bitfields. */
export interface OverwriteBits {
	readonly allow: bigint;
	readonly deny: bigint;
}

/** The @everyone overwrite a channel had before a lockdown, as stored (entities/ModerationLockdown.ts). */
export interface OverwriteSnapshot {
	/** Whether there was one. */
	readonly hadOverwrite: boolean;
	/** Its bits as decimal strings; null when there was none. */
	readonly allow: string | null;
	readonly deny: string | null;
}

/**
 * The @everyone overwrite of a locked channel: the previous one (or none) with {@link LOCKDOWN_DENIED_BITS} moved to
 * `deny`, every other bit kept as it was (an allowed Add Reactions stays allowed, a denied Attach Files stays denied).
 */
export function lockedOverwrite(previous: OverwriteBits | null): OverwriteBits {
	return { allow: (previous?.allow ?? 0n) & ~LOCKDOWN_DENIED_BITS, deny: (previous?.deny ?? 0n) | LOCKDOWN_DENIED_BITS };
}

/** The snapshot of an overwrite (or of its absence), to store before the lockdown changes it. */
export function snapshotOf(previous: OverwriteBits | null): OverwriteSnapshot {
	return previous === null
		? { hadOverwrite: false, allow: null, deny: null }
		: { hadOverwrite: true, allow: previous.allow.toString(), deny: previous.deny.toString() };
}

/**
 * What an unlock puts back: exactly the stored overwrite, or null when the channel had none (the lockdown's overwrite
 * is then deleted).
 * @throws TypeError when a stored bitfield is not a decimal string (a damaged row: better stop than guess).
 */
export function restoredOverwrite(snapshot: OverwriteSnapshot): OverwriteBits | null {
	if (!snapshot.hadOverwrite) return null;
	return { allow: parseBits(snapshot.allow), deny: parseBits(snapshot.deny) };
}

/** A permission bitfield from its decimal string (Discord's API form). @throws TypeError otherwise. */
export function parseBits(value: string | null | undefined): bigint {
	if (typeof value !== 'string' || !/^\d{1,20}$/.test(value)) throw new TypeError(`Not a permission bitfield: ${String(value)}`);
	return BigInt(value);
}
