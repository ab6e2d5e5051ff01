/**
 * What a route handler gets: parameters, query, body, and lookups that throw Discord's errors (404 "Unknown ..."
 * codes, 403 Missing Access / Missing Permissions with the hierarchy rules of ../world/permissions.ts).
 */
import { PermissionFlagsBits, type APIAuditLogEntry, type APIMessage } from 'discord-api-types/v10';
import type { EmulatorCore } from '../core.js';
import type { AuditLogEntryInput } from '../world/audit.js';
import type { GuildHandle } from '../world/guild.js';
import {
	canManageMember,
	canManageRole,
	channelPermissions,
	basePermissions,
	permissionNames
} from '../world/permissions.js';
import type { ChannelState, MemberState, RoleState, UserState } from '../world/state.js';
import { ErrorCodes, missingAccess, missingPermissions, unknown } from './errors.js';
import type { UploadedFile } from './uploads.js';

export class RouteContext {
	public constructor(
		public readonly core: EmulatorCore,
		public readonly method: string,
		public readonly route: string,
		public readonly params: Record<string, string>,
		public readonly query: URLSearchParams,
		public readonly body: any,
		/** X-Audit-Log-Reason, decoded. */
		public readonly reason: string | undefined,
		/** The file parts of a multipart body (`files[n]`), in order. */
		public readonly files: readonly UploadedFile[] = []
	) {}

	public get world() {
		return this.core.world;
	}

	public get botId(): string {
		return this.core.bot.id;
	}

	/** Emulator time in ms. */
	public now(): number {
		return this.core.clock.now();
	}

	/** The guild of `guild_id` (or `id`); 404 Unknown Guild when missing or the bot is not in it. */
	public guild(id = this.params.guild_id!): GuildHandle {
		const guild = this.world.findGuild(id);
		if (!guild || !guild.state.members.has(this.botId)) throw unknown(ErrorCodes.UnknownGuild, `guild ${id}`);
		return guild;
	}

	/**
	 * A channel the bot can see; 404 Unknown Channel, or 403 Missing Access (50001) without VIEW_CHANNEL (in the parent,
	 * for a thread) or, for a private thread, when the bot is neither in it nor holds MANAGE_THREADS
	 * (../world/permissions.ts `canViewChannel`).
	 */
	public channel(id = this.params.channel_id!): ChannelState {
		const channel = this.world.channels.get(id);
		if (!channel) throw unknown(ErrorCodes.UnknownChannel, `channel ${id}`);
		if (channel.guildId) {
			const guild = this.guild(channel.guildId);
			const bits = this.channelPermissions(guild, channel);
			if (!(bits & PermissionFlagsBits.ViewChannel)) throw missingAccess(`the bot cannot view channel ${channel.name}`);
			if (!this.world.botCanView(channel)) {
				throw missingAccess(`the bot is not in private thread ${channel.name} and lacks MANAGE_THREADS in its channel`);
			}
		} else if (!channel.recipients?.length) throw unknown(ErrorCodes.UnknownChannel, `channel ${id}`);
		return channel;
	}

	public member(guild: GuildHandle, userId: string): MemberState {
		const member = guild.state.members.get(userId);
		if (!member) throw unknown(ErrorCodes.UnknownMember, `member ${userId} of ${guild.name}`);
		return member;
	}

	public user(userId: string): UserState {
		const user = this.world.users.get(userId);
		if (!user) throw unknown(ErrorCodes.UnknownUser, `user ${userId}`);
		return user;
	}

	public role(guild: GuildHandle, roleId: string): RoleState {
		const role = guild.state.roles.get(roleId);
		if (!role) throw unknown(ErrorCodes.UnknownRole, `role ${roleId} of ${guild.name}`);
		return role;
	}

	public message(channel: ChannelState, messageId: string): APIMessage {
		const message = channel.messages.get(messageId);
		if (!message) throw unknown(ErrorCodes.UnknownMessage, `message ${messageId} in ${channel.name ?? channel.id}`);
		return message;
	}

	/**
	 * Records an audit log entry for an action the bot made through this request: `user_id` is the bot, `reason`
	 * the request's X-Audit-Log-Reason (see ../world/audit.ts).
	 */
	public audit(guild: GuildHandle, input: Omit<AuditLogEntryInput, 'userId' | 'reason'>): APIAuditLogEntry {
		return guild.recordAuditLogEntry({ ...input, userId: this.botId, reason: this.reason });
	}

	/** The bot's permissions in a channel. */
	public channelPermissions(guild: GuildHandle, channel: ChannelState): bigint {
		return channelPermissions(guild.state, guild.botMember, channel, this.world.channels, this.now());
	}

	/** 403 50013 unless the bot has every bit of `bits` in the guild (or in `channel`, with its overwrites). */
	public requirePermissions(guild: GuildHandle, bits: bigint, channel?: ChannelState): void {
		const have = channel ? this.channelPermissions(guild, channel) : basePermissions(guild.state, guild.botMember, this.now());
		const missing = bits & ~have;
		if (missing) {
			throw missingPermissions(
				`the bot lacks ${permissionNames(missing).join(', ')} in ${channel ? `#${channel.name}` : guild.name}`
			);
		}
	}

	/** 403 50013 when the role is at or above the bot's highest role (Discord's role hierarchy). */
	public requireRoleBelowBot(guild: GuildHandle, role: RoleState): void {
		if (!canManageRole(guild.state, guild.botMember, role)) {
			throw missingPermissions(`role ${role.name} (position ${role.position}) is at or above the bot's highest role`);
		}
	}

	/** 403 50013 when the member is the owner or their highest role is at or above the bot's. */
	public requireMemberBelowBot(guild: GuildHandle, target: MemberState): void {
		if (!canManageMember(guild.state, guild.botMember, target)) {
			const user = this.world.users.get(target.userId);
			throw missingPermissions(
				`member ${user?.username ?? target.userId} is the owner or has a role at or above the bot's highest role`
			);
		}
	}
}
