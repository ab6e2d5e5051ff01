/**
 * A guild of the world: builders for tests (roles, channels, members), readers for assertions, and the mutations the
 * REST routes and test controls share. Each mutation reports the gateway event Discord sends for it.
 */
import {
	ChannelType,
	PermissionFlagsBits,
	type APIAuditLogEntry,
	type APIAutoModerationRule,
	type APIChannel,
	type APIRole,
	type APIThreadMember
} from 'discord-api-types/v10';
import type {
	CreateChannelOptions,
	CreateGuildOptions,
	CreateRoleOptions,
	OverwriteOptions
} from '../types.js';
import { recordAuditLogEntry, retainedEntries, type AuditLogEntryInput } from './audit.js';
import { rulePayload } from './autoModeration.js';
import { createInvite, invitePayload, type CreateInviteOptions } from './invites.js';
import { categoryIsFull, guildChannelCount, MAX_CHANNELS_PER_CATEGORY, MAX_GUILD_CHANNELS } from './channels.js';
import { channelPermissions, basePermissions, isThread, toBits } from './permissions.js';
import { channelPayload, guildCreatePayload, guildPayload, memberPayload, rolePayload, userPayload } from './payloads.js';
import type { ChannelState, GuildState, MemberState, RoleState } from './state.js';
import { threadMemberPayload } from './threads.js';
import { newChannelState, type World } from './world.js';
import { GuildMembers, type MemberView } from './members.js';

const P = PermissionFlagsBits;

/** @everyone's permissions in a new guild (Discord's defaults for a server created in the client). */
export const DEFAULT_EVERYONE_PERMISSIONS =
	P.ViewChannel | P.CreateInstantInvite | P.ChangeNickname | P.SendMessages | P.SendMessagesInThreads |
	P.CreatePublicThreads | P.CreatePrivateThreads | P.EmbedLinks | P.AttachFiles | P.AddReactions |
	P.UseExternalEmojis | P.UseExternalStickers | P.MentionEveryone | P.ReadMessageHistory |
	P.UseApplicationCommands | P.Connect | P.Speak | P.Stream | P.UseVAD | P.RequestToSpeak |
	P.UseEmbeddedActivities | P.UseSoundboard | P.UseExternalSounds | P.SendVoiceMessages | P.SendPolls |
	P.UseExternalApps;

/** The bot role's permissions unless `botPermissions` is given: a moderation bot's invite set, no ADMINISTRATOR. */
export const DEFAULT_BOT_PERMISSIONS =
	P.ViewChannel | P.SendMessages | P.SendMessagesInThreads | P.EmbedLinks | P.AttachFiles | P.ReadMessageHistory |
	P.AddReactions | P.UseExternalEmojis | P.ManageRoles | P.ManageChannels | P.ManageMessages | P.ManageThreads |
	P.CreatePublicThreads | P.CreatePrivateThreads | P.KickMembers | P.BanMembers | P.ModerateMembers |
	P.ManageNicknames | P.MoveMembers | P.MuteMembers | P.DeafenMembers | P.Connect | P.Speak | P.ViewAuditLog |
	P.UseApplicationCommands;

export class GuildHandle extends GuildMembers {
	public everyoneRoleId = '';
	public botRoleId = '';

	public constructor(world: World, state: GuildState) {
		super(world, state);
	}

	public get id(): string {
		return this.state.id;
	}

	public get name(): string {
		return this.state.name;
	}

	public get ownerId(): string {
		return this.state.ownerId;
	}

	/** Called once by World.createGuild. */
	public initialize(options: CreateGuildOptions): void {
		const { state, world } = this;
		this.everyoneRoleId = state.id;
		state.roles.set(state.id, {
			id: state.id,
			guildId: state.id,
			name: '@everyone',
			color: 0,
			hoist: false,
			position: 0,
			permissions: toBits(options.everyonePermissions, DEFAULT_EVERYONE_PERMISSIONS),
			managed: false,
			mentionable: false
		});
		if (options.ownerId) {
			if (!world.users.has(options.ownerId)) throw new Error(`emulator: owner ${options.ownerId} is not a user`);
			this.insertMember({ username: '', userId: options.ownerId }, false);
			state.ownerId = options.ownerId;
		} else {
			state.ownerId = this.insertMember({ username: `${options.name} owner` }, false).userId;
		}
		if (options.defaultChannels ?? true) {
			const general = this.createChannel({ name: 'general', type: ChannelType.GuildText });
			this.createChannel({ name: 'General', type: ChannelType.GuildVoice });
			state.systemChannelId = general.id;
		}
		if (options.botMember ?? true) this.addBot(options);
	}

	/** Adds the bot with its managed 'Bot' role; sends GUILD_CREATE to its shard (the bot joined a guild). */
	public addBot(options: Pick<CreateGuildOptions, 'botPermissions' | 'botRolePosition'> = {}): void {
		const { state, world } = this;
		const bot = world.context.bot;
		if (state.members.has(bot.id)) return;
		const role = this.insertRole({
			name: bot.username,
			permissions: toBits(options.botPermissions, DEFAULT_BOT_PERMISSIONS),
			position: options.botRolePosition ?? this.topPosition() + 1,
			managed: true
		});
		role.botId = bot.id;
		this.botRoleId = role.id;
		this.insertMember({ username: bot.username, userId: bot.id, roles: [role.id] }, false);
		state.botJoinedAt = world.timestamp();
		world.dispatch(
			'GUILD_CREATE',
			(session: { intents: number; largeThreshold: number }) =>
				guildCreatePayload(world, state, bot.id, session.intents, session.largeThreshold),
			state.id
		);
	}

	// ----- roles -----

	/** Highest role position in use. */
	public topPosition(): number {
		return Math.max(0, ...[...this.state.roles.values()].map((role) => role.position));
	}

	/**
	 * Creates a role. `position` inserts it there and moves roles at or above that position up by one; the default
	 * is just below the bot's role (or on top when the bot is not a member). Sends GUILD_ROLE_CREATE (and
	 * GUILD_ROLE_UPDATE for the roles that moved).
	 */
	public createRole(options: CreateRoleOptions): APIRole {
		const botRole = this.state.roles.get(this.botRoleId);
		const position = options.position ?? (botRole ? botRole.position : this.topPosition() + 1);
		return rolePayload(this.insertRole({ ...options, position }, true));
	}

	/** Inserts a role (shifting the ones at or above its position); with `emit`, sends the gateway events. */
	public insertRole(options: CreateRoleOptions & { position: number }, emit = false): RoleState {
		const { state, world } = this;
		if (options.position < 1) throw new RangeError('emulator: role position must be at least 1 (@everyone is 0)');
		const moved: RoleState[] = [];
		for (const role of state.roles.values()) {
			if (role.id !== state.id && role.position >= options.position) {
				role.position++;
				moved.push(role);
			}
		}
		const role: RoleState = {
			id: world.context.ids.next(),
			guildId: state.id,
			name: options.name,
			color: options.color ?? 0,
			hoist: options.hoist ?? false,
			position: options.position,
			permissions: toBits(options.permissions),
			managed: options.managed ?? false,
			mentionable: options.mentionable ?? false
		};
		state.roles.set(role.id, role);
		if (emit) {
			world.dispatch('GUILD_ROLE_CREATE', { guild_id: state.id, role: rolePayload(role) }, state.id);
			for (const other of moved) {
				world.dispatch('GUILD_ROLE_UPDATE', { guild_id: state.id, role: rolePayload(other) }, state.id);
			}
		}
		return role;
	}

	/** Changes a role and sends GUILD_ROLE_UPDATE. */
	public editRole(roleId: string, changes: Partial<Omit<RoleState, 'id' | 'guildId'>>): APIRole {
		const role = this.requireRole(roleId);
		Object.assign(role, changes);
		this.world.dispatch('GUILD_ROLE_UPDATE', { guild_id: this.id, role: rolePayload(role) }, this.id);
		return rolePayload(role);
	}

	/** Deletes a role (members lose it) and sends GUILD_ROLE_DELETE. */
	public deleteRole(roleId: string): void {
		this.requireRole(roleId);
		this.state.roles.delete(roleId);
		for (const member of this.state.members.values()) member.roles = member.roles.filter((id) => id !== roleId);
		this.world.dispatch('GUILD_ROLE_DELETE', { guild_id: this.id, role_id: roleId }, this.id);
	}

	public role(roleId: string): APIRole | undefined {
		const role = this.state.roles.get(roleId);
		return role && rolePayload(role);
	}

	/** Roles ordered from the lowest (@everyone) to the highest. */
	public get roles(): APIRole[] {
		return [...this.state.roles.values()].sort((a, b) => a.position - b.position).map(rolePayload);
	}

	public requireRole(roleId: string): RoleState {
		const role = this.state.roles.get(roleId);
		if (!role) throw new Error(`emulator: no role ${roleId} in guild ${this.id}`);
		return role;
	}

	// ----- channels -----

	/** Creates a channel (or thread) and sends CHANNEL_CREATE (THREAD_CREATE for threads). */
	public createChannel(options: CreateChannelOptions): APIChannel {
		return channelPayload(this.world, this.insertChannel(options));
	}

	/** Inserts a channel (with a given id for a thread started from a message) and sends the create event. */
	public insertChannel(options: CreateChannelOptions, id?: string): ChannelState {
		const { state, world } = this;
		if (options.parentId && !world.channels.has(options.parentId)) {
			throw new Error(`emulator: parent channel ${options.parentId} does not exist`);
		}
		if (!isThread(options.type)) {
			if (guildChannelCount(state, world.channels) >= MAX_GUILD_CHANNELS) {
				throw new Error(`emulator: ${state.name} already has ${MAX_GUILD_CHANNELS} channels (Discord's limit; threads do not count)`);
			}
			if (options.parentId && categoryIsFull(state, world.channels, options.parentId)) {
				throw new Error(`emulator: category ${world.channels.get(options.parentId)!.name} already holds ${MAX_CHANNELS_PER_CATEGORY} channels (Discord's limit)`);
			}
		}
		const channel = newChannelState(id ?? world.context.ids.next(), options.type, state.id, options.name);
		channel.parentId = options.parentId ?? null;
		channel.topic = options.topic ?? null;
		channel.nsfw = options.nsfw ?? false;
		channel.rateLimitPerUser = options.rateLimitPerUser ?? 0;
		channel.bitrate = options.bitrate ?? 64000;
		channel.userLimit = options.userLimit ?? 0;
		channel.position =
			options.position ??
			[...state.channelIds].filter((id) => world.channels.get(id)?.type === options.type).length;
		for (const overwrite of options.permissionOverwrites ?? []) this.putOverwrite(channel, overwrite);
		if (isThread(options.type)) {
			if (!channel.parentId) throw new Error('emulator: a thread needs parentId');
			const now = world.timestamp();
			channel.ownerId = options.ownerId ?? state.ownerId;
			channel.thread = {
				archived: false,
				autoArchiveDuration: options.autoArchiveDuration ?? 1440,
				archiveTimestamp: now,
				locked: false,
				createTimestamp: now,
				...(options.type === ChannelType.PrivateThread ? { invitable: options.invitable ?? true } : {})
			};
			channel.threadMembers = new Map([[channel.ownerId, now]]);
			channel.messageCount = 0;
			channel.totalMessageSent = 0;
		}
		world.channels.set(channel.id, channel);
		state.channelIds.add(channel.id);
		const payload = channelPayload(world, channel);
		if (isThread(channel.type)) world.dispatch('THREAD_CREATE', { ...payload, newly_created: true }, state.id);
		else world.dispatch('CHANNEL_CREATE', payload, state.id);
		return channel;
	}

	/** Applies a permission overwrite to a channel record (no event; callers send CHANNEL_UPDATE). */
	public putOverwrite(channel: ChannelState, overwrite: OverwriteOptions): void {
		channel.overwrites.set(overwrite.id, {
			id: overwrite.id,
			type: overwrite.type,
			allow: toBits(overwrite.allow),
			deny: toBits(overwrite.deny)
		});
	}

	/** Sends CHANNEL_UPDATE (THREAD_UPDATE for threads) with the channel's current state. */
	public channelUpdated(channel: ChannelState): APIChannel {
		const payload = channelPayload(this.world, channel);
		this.world.dispatch(isThread(channel.type) ? 'THREAD_UPDATE' : 'CHANNEL_UPDATE', payload, this.id);
		return payload;
	}

	/**
	 * Deletes a channel and sends CHANNEL_DELETE (THREAD_DELETE for a thread). Its threads are deleted with it; a
	 * category's channels are not: "they will have their parent_id removed and a Channel Update Gateway event will
	 * fire for each of them" (Delete/Close Channel), sent after the CHANNEL_DELETE.
	 */
	public deleteChannel(channelId: string): APIChannel {
		const channel = this.requireChannel(channelId);
		const payload = channelPayload(this.world, channel);
		const children: ChannelState[] = [];
		for (const other of [...this.state.channelIds]) {
			const child = this.world.channels.get(other);
			if (!child || child.parentId !== channelId) continue;
			if (isThread(child.type)) this.deleteChannel(other);
			else children.push(child);
		}
		if (isThread(channel.type)) {
			// Sent while the thread still exists, so the dispatcher can tell whether the bot could see it.
			this.world.dispatch(
				'THREAD_DELETE',
				{ id: channel.id, guild_id: this.id, parent_id: channel.parentId, type: channel.type },
				this.id
			);
		}
		this.world.channels.delete(channelId);
		this.state.channelIds.delete(channelId);
		if (this.state.afkChannelId === channelId) this.state.afkChannelId = null;
		if (!isThread(channel.type)) this.world.dispatch('CHANNEL_DELETE', payload, this.id);
		for (const child of children) {
			child.parentId = null;
			this.channelUpdated(child);
		}
		return payload;
	}

	public channel(channelId: string): APIChannel | undefined {
		const channel = this.world.channels.get(channelId);
		return channel && channel.guildId === this.id ? channelPayload(this.world, channel) : undefined;
	}

	public get channels(): APIChannel[] {
		return [...this.state.channelIds].map((id) => channelPayload(this.world, this.world.channels.get(id)!));
	}

	public requireChannel(channelId: string): ChannelState {
		const channel = this.world.channels.get(channelId);
		if (!channel || channel.guildId !== this.id) throw new Error(`emulator: no channel ${channelId} in guild ${this.id}`);
		return channel;
	}

	/**
	 * The members of a thread as thread member objects (`id`, `user_id`, `join_timestamp`, `flags`), in the order they
	 * joined (its creator first). Throws for a channel that is not a thread of this guild.
	 */
	public threadMembers(threadId: string): APIThreadMember[] {
		const thread = this.requireChannel(threadId);
		if (!thread.threadMembers) throw new Error(`emulator: channel ${thread.name} is not a thread`);
		return [...thread.threadMembers.keys()].map((userId) => threadMemberPayload(this.world, thread, userId));
	}

	/**
	 * Whether a member can see a channel now: VIEW_CHANNEL there (in the parent, for a thread) and, for a private
	 * thread, being in it or holding MANAGE_THREADS (./permissions.ts `canViewChannel`). False for a non-member.
	 */
	public canView(userId: string, channelId: string): boolean {
		return this.world.memberCanView(this.requireChannel(channelId), userId);
	}

	/** Messages of a channel, oldest first (ephemeral ones excluded). */
	public messages(channelId: string) {
		return [...this.requireChannel(channelId).messages.values()];
	}

	// ----- guild settings -----

	/** Sets the AFK channel (and timeout in seconds) and sends GUILD_UPDATE. */
	public setAfkChannel(channelId: string | null, timeoutSeconds?: number): void {
		if (channelId) {
			const channel = this.requireChannel(channelId);
			if (channel.type !== ChannelType.GuildVoice) throw new Error('emulator: the AFK channel must be a voice channel');
		}
		this.state.afkChannelId = channelId;
		if (timeoutSeconds !== undefined) this.state.afkTimeout = timeoutSeconds;
		this.guildUpdated();
	}

	/** Changes the preferred locale and sends GUILD_UPDATE. */
	public setPreferredLocale(locale: GuildState['preferredLocale']): void {
		this.state.preferredLocale = locale;
		this.guildUpdated();
	}

	/** Sends GUILD_UPDATE with the guild's current state. */
	public guildUpdated(): void {
		this.world.dispatch('GUILD_UPDATE', guildPayload(this.state), this.id);
	}

	// ----- invites -----

	/**
	 * Someone creates an invite in Discord's client (see ./invites.ts): `code` (default: 8 random letters and digits),
	 * `channelId` (default: the system channel, else the first text channel), `inviterId` (default: the owner), `maxAge`
	 * seconds and `maxUses` (0 = unlimited), `temporary`. Sends INVITE_CREATE to a bot with MANAGE_CHANNELS in the
	 * channel. Returns the code, which `GET /invites/{code}` resolves to this guild. Throws for a taken code.
	 */
	public createInvite(options: CreateInviteOptions = {}): string {
		return createInvite(this, options);
	}

	/** The guild's invites as `GET /invites/{code}?with_counts=true` shows them, oldest first (expired ones too). */
	public get invites(): Record<string, unknown>[] {
		return [...this.world.invites.values()]
			.filter((invite) => invite.guildId === this.id)
			.map((invite) => invitePayload(this.world, invite, true));
	}

	// ----- auto moderation -----

	/** The guild's AutoMod rules as `GET /guilds/{guild_id}/auto-moderation/rules` lists them (creation order). */
	public get autoModerationRules(): APIAutoModerationRule[] {
		return [...this.state.autoModerationRules.values()].map(rulePayload);
	}

	// ----- audit log -----

	/**
	 * Adds an audit log entry and sends GUILD_AUDIT_LOG_ENTRY_CREATE when the bot holds VIEW_AUDIT_LOG (see
	 * ./audit.ts). The REST routes and `emu.moderation` call it; tests may too, for an action the emulator does not
	 * perform (an automod timeout, a prune).
	 */
	public recordAuditLogEntry(input: AuditLogEntryInput): APIAuditLogEntry {
		return recordAuditLogEntry(this.world, this.state, input);
	}

	/** The audit log entries still kept (45 days on the emulator clock), oldest first. */
	public get auditLog(): APIAuditLogEntry[] {
		return retainedEntries(this.state, this.world.context.clock.now());
	}

	// ----- permissions -----

	/** A member's permissions, in a channel when `channelId` is given, on the emulator clock. */
	public permissionsOf(userId: string, channelId?: string): bigint {
		const member = this.requireMember(userId);
		const now = this.world.context.clock.now();
		if (!channelId) return basePermissions(this.state, member, now);
		return channelPermissions(this.state, member, this.requireChannel(channelId), this.world.channels, now);
	}

	/** The bot's member record. Throws when the bot is not in the guild. */
	public get botMember(): MemberState {
		return this.requireMember(this.world.context.bot.id);
	}

	/** Payload helpers used by routes. */
	public memberPayload(member: MemberState): MemberView {
		return { id: member.userId, ...memberPayload(this.world, member) } as MemberView;
	}

	public userPayload(userId: string) {
		return userPayload(this.world.users.get(userId)!);
	}
}
