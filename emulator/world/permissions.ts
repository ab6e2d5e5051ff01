/**
 * Discord's permission rules ("Permissions" topic of the developer docs): base permissions from @everyone and the
 * member's roles, owner and ADMINISTRATOR get everything, then channel overwrites (@everyone, roles, member), and a
 * timed-out member keeps only VIEW_CHANNEL and READ_MESSAGE_HISTORY. Role hierarchy compares role positions, ties
 * broken by id (the older role, with the smaller id, is higher), as Discord and discord.js order roles.
 */
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { ChannelState, GuildState, MemberState, RoleState } from './state.js';

/** Every permission bit Discord defines (the union of PermissionFlagsBits). */
export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** Reads a permission bitfield given as bigint, decimal string or number. Throws on anything else. */
export function toBits(value: bigint | string | number | undefined | null, fallback = 0n): bigint {
	if (value === undefined || value === null) return fallback;
	if (typeof value === 'bigint') return value;
	if (typeof value === 'number') return BigInt(value);
	if (!/^\d+$/.test(value)) throw new TypeError(`not a permission bitfield: ${value}`);
	return BigInt(value);
}

/** Names of the permission bits set in `bits` (for messages), e.g. ['ManageRoles']. */
export function permissionNames(bits: bigint): string[] {
	return Object.entries(PermissionFlagsBits)
		.filter(([, bit]) => (bits & bit) === bit)
		.map(([name]) => name);
}

/** Base (guild-level) permissions of a member. */
export function basePermissions(guild: GuildState, member: MemberState, now = Date.now()): bigint {
	if (guild.ownerId === member.userId) return ALL_PERMISSIONS;
	let bits = guild.roles.get(guild.id)?.permissions ?? 0n;
	for (const roleId of member.roles) bits |= guild.roles.get(roleId)?.permissions ?? 0n;
	if (bits & PermissionFlagsBits.Administrator) return ALL_PERMISSIONS;
	return applyTimeout(member, bits, now);
}

/** Permissions of a member in a channel (threads use their parent's overwrites). */
export function channelPermissions(
	guild: GuildState,
	member: MemberState,
	channel: ChannelState,
	channels: ReadonlyMap<string, ChannelState>,
	now = Date.now()
): bigint {
	if (guild.ownerId === member.userId) return ALL_PERMISSIONS;
	let bits = guild.roles.get(guild.id)?.permissions ?? 0n;
	for (const roleId of member.roles) bits |= guild.roles.get(roleId)?.permissions ?? 0n;
	if (bits & PermissionFlagsBits.Administrator) return ALL_PERMISSIONS;
	const source = isThread(channel.type) && channel.parentId ? (channels.get(channel.parentId) ?? channel) : channel;
	const everyoneOverwrite = source.overwrites.get(guild.id);
	if (everyoneOverwrite) bits = (bits & ~everyoneOverwrite.deny) | everyoneOverwrite.allow;
	let allow = 0n;
	let deny = 0n;
	for (const roleId of member.roles) {
		const overwrite = source.overwrites.get(roleId);
		if (overwrite?.type === 0) {
			allow |= overwrite.allow;
			deny |= overwrite.deny;
		}
	}
	bits = (bits & ~deny) | allow;
	const own = source.overwrites.get(member.userId);
	if (own?.type === 1) bits = (bits & ~own.deny) | own.allow;
	return applyTimeout(member, bits, now);
}

/**
 * Whether a member can see a channel: VIEW_CHANNEL there (a thread: in its parent, "Users must have the VIEW_CHANNEL
 * permission to view any threads in the channel, even if they are directly mentioned or added to the thread",
 * Permissions topic). A private thread is seen only by its members and by moderators: "You must be invited to the
 * thread to be able to view or participate in it, or be a moderator (MANAGE_THREADS permission)" (Threads topic);
 * MANAGE_THREADS counts in the parent channel (ADMINISTRATOR and the owner hold it).
 */
export function canViewChannel(
	guild: GuildState,
	member: MemberState,
	channel: ChannelState,
	channels: ReadonlyMap<string, ChannelState>,
	now = Date.now()
): boolean {
	const bits = channelPermissions(guild, member, channel, channels, now);
	if (!(bits & PermissionFlagsBits.ViewChannel)) return false;
	if (channel.type !== ChannelType.PrivateThread) return true;
	return (channel.threadMembers?.has(member.userId) ?? false) || (bits & PermissionFlagsBits.ManageThreads) !== 0n;
}

/** A timed-out member (communication_disabled_until in the future) keeps only VIEW_CHANNEL and READ_MESSAGE_HISTORY. */
function applyTimeout(member: MemberState, bits: bigint, now: number): bigint {
	if (!member.communicationDisabledUntil) return bits;
	if (Date.parse(member.communicationDisabledUntil) <= now) return bits;
	return bits & (PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ReadMessageHistory);
}

export function isThread(type: ChannelType): boolean {
	return (
		type === ChannelType.PublicThread || type === ChannelType.PrivateThread || type === ChannelType.AnnouncementThread
	);
}

/** Orders roles as Discord does: by position, then the smaller (older) id higher. Positive when `a` is above `b`. */
export function compareRoles(a: RoleState, b: RoleState): number {
	if (a.position !== b.position) return a.position - b.position;
	const ida = BigInt(a.id);
	const idb = BigInt(b.id);
	return ida === idb ? 0 : ida < idb ? 1 : -1;
}

/** A member's highest role (@everyone when they have none). */
export function highestRole(guild: GuildState, member: MemberState): RoleState {
	let top = guild.roles.get(guild.id)!;
	for (const roleId of member.roles) {
		const role = guild.roles.get(roleId);
		if (role && compareRoles(role, top) > 0) top = role;
	}
	return top;
}

/** True when `actor` may act on `role` by hierarchy: owner, or role strictly below the actor's highest role. */
export function canManageRole(guild: GuildState, actor: MemberState, role: RoleState): boolean {
	if (guild.ownerId === actor.userId) return true;
	return compareRoles(highestRole(guild, actor), role) > 0;
}

/** True when `actor` may moderate `target` by hierarchy: never the owner; the owner may act on anyone else;
 * otherwise the actor's highest role must be strictly above the target's. */
export function canManageMember(guild: GuildState, actor: MemberState, target: MemberState): boolean {
	if (target.userId === guild.ownerId) return false;
	if (actor.userId === guild.ownerId) return true;
	return compareRoles(highestRole(guild, actor), highestRole(guild, target)) > 0;
}
