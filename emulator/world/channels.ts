/**
 * Channel rules shared by the REST routes (the bot acts) and the test controls (a member acts in Discord's client):
 * the channel limits of a guild and of a category, and which permission bits an actor may put in an overwrite.
 * Limits: "each parent category can contain up to 50 channels" (resources/channel, Channel Object `parent_id`; a
 * GUILD_CATEGORY "contains up to 50 channels"), and 500 channels per guild (JSON error 30013 "Maximum number of guild
 * channels reached (500)"); threads count towards neither ("Threads do not count against the max-channels limit",
 * topics/threads).
 */
import { AuditLogEvent, ChannelType, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { auditChanges, overwriteValue, type AuditLogChange, type AuditLogEntryInput } from './audit.js';
import { ALL_PERMISSIONS, basePermissions, channelPermissions, isThread } from './permissions.js';
import type { ChannelState, GuildState, MemberState, OverwriteState } from './state.js';

/** Channels a category holds at most. */
export const MAX_CHANNELS_PER_CATEGORY = 50;
/** Channels (threads excluded) a guild holds at most. */
export const MAX_GUILD_CHANNELS = 500;

/**
 * Discord's answer to a channel created in, or moved into, a full category: 400 Invalid Form Body (50035) with this
 * error under `parent_id`. Discord documents the limit, not the answer; this is the answer library users quote
 * (discord-api-docs pull request #1289: "CHANNEL_PARENT_MAX_CHANNELS in parent_id : Maximum number of channels in
 * category reached (50)"), for a create and for an edit of `parent_id`.
 */
export const CATEGORY_FULL = {
	code: 'CHANNEL_PARENT_MAX_CHANNELS',
	message: `Maximum number of channels in category reached (${MAX_CHANNELS_PER_CATEGORY})`
} as const;

/** Channels of a guild that count towards its 500 (every channel but threads). */
export function guildChannelCount(guild: GuildState, channels: ReadonlyMap<string, ChannelState>): number {
	let count = 0;
	for (const id of guild.channelIds) {
		const channel = channels.get(id);
		if (channel && !isThread(channel.type)) count++;
	}
	return count;
}

/** Channels whose parent is the category (threads have text channels as parents, so they never count). */
export function categoryChildren(guild: GuildState, channels: ReadonlyMap<string, ChannelState>, categoryId: string): ChannelState[] {
	const children: ChannelState[] = [];
	for (const id of guild.channelIds) {
		const channel = channels.get(id);
		if (channel && channel.parentId === categoryId && !isThread(channel.type)) children.push(channel);
	}
	return children;
}

/** True when `categoryId` is a category that already holds 50 channels (so `channel`, if not in it yet, cannot join). */
export function categoryIsFull(
	guild: GuildState,
	channels: ReadonlyMap<string, ChannelState>,
	categoryId: string,
	channel?: ChannelState
): boolean {
	const category = channels.get(categoryId);
	if (!category || category.type !== ChannelType.GuildCategory) return false;
	if (channel && channel.parentId === categoryId) return false;
	return categoryChildren(guild, channels, categoryId).length >= MAX_CHANNELS_PER_CATEGORY;
}

/**
 * The bits of an overwrite (`allow | deny`) that `actor` may not grant in `channel` (null when creating one): "Only
 * permissions your bot has in the guild or parent channel (if applicable) can be allowed/denied (unless your bot has
 * a MANAGE_ROLES overwrite in the channel)" (Edit Channel Permissions). Discord's client applies the same rule to a
 * member. An administrator (or the owner) may grant anything. 0n when every bit is allowed.
 */
export function overwriteBitsBeyond(
	guild: GuildState,
	actor: MemberState,
	channel: ChannelState | null,
	channels: ReadonlyMap<string, ChannelState>,
	allow: bigint,
	deny: bigint,
	now: number
): bigint {
	const base = basePermissions(guild, actor, now);
	if (base === ALL_PERMISSIONS) return 0n;
	if (channel && [actor.userId, ...actor.roles].some((id) => ((channel.overwrites.get(id)?.allow ?? 0n) & P.ManageRoles) !== 0n)) return 0n;
	const parent = channel?.parentId ? channels.get(channel.parentId) : undefined;
	const have = parent ? channelPermissions(guild, actor, parent, channels, now) : base;
	return (allow | deny) & ~have;
}

/**
 * The entry of an overwrite added (`before` undefined), changed or removed (`after` undefined), without its actor:
 * CHANNEL_OVERWRITE_CREATE / UPDATE / DELETE (13–15) targeting the channel, `changes` of `id`, `type`, `allow`, `deny`
 * (`allow` and `deny` only for an update), options `id`, `type` ("0" role, "1" member) and `role_name` ("Audit Log
 * Events", Optional Audit Entry Info). Null when nothing changed.
 */
export function overwriteAuditInput(
	guild: GuildState,
	channel: ChannelState,
	before: OverwriteState | undefined,
	after: OverwriteState | undefined
): Omit<AuditLogEntryInput, 'userId' | 'reason'> | null {
	const overwrite = (after ?? before)!;
	const old = before && overwriteValue(before);
	const next = after && overwriteValue(after);
	const actionType = !before
		? AuditLogEvent.ChannelOverwriteCreate
		: !after
			? AuditLogEvent.ChannelOverwriteDelete
			: AuditLogEvent.ChannelOverwriteUpdate;
	const keys = actionType === AuditLogEvent.ChannelOverwriteUpdate ? (['allow', 'deny'] as const) : (['id', 'type', 'allow', 'deny'] as const);
	const changes = auditChanges(keys.map((key) => [key, old?.[key], next?.[key]]));
	if (!changes.length) return null;
	const roleName = overwrite.type === 0 ? guild.roles.get(overwrite.id)?.name : undefined;
	return {
		actionType,
		targetId: channel.id,
		changes,
		options: { id: overwrite.id, type: String(overwrite.type), ...(roleName === undefined ? {} : { role_name: roleName }) }
	};
}

/** The changes of a CHANNEL_CREATE (new values) or CHANNEL_DELETE (old values) entry. */
export function channelSnapshot(channel: ChannelState, deleted: boolean): AuditLogChange[] {
	const values: [string, unknown][] = [
		['name', channel.name],
		['type', channel.type],
		['permission_overwrites', [...channel.overwrites.values()].map(overwriteValue)],
		['nsfw', channel.nsfw],
		['rate_limit_per_user', channel.rateLimitPerUser],
		['flags', channel.flags]
	];
	return auditChanges(values.map(([key, value]) => (deleted ? [key, value, undefined] : [key, undefined, value])));
}
