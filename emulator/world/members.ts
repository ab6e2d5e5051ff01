/**
 * Members, bans and voice states of a guild (base class of GuildHandle). Events follow Discord's gateway:
 * GUILD_MEMBER_ADD / UPDATE / REMOVE, GUILD_BAN_ADD / REMOVE (only to a bot with BAN_MEMBERS or VIEW_AUDIT_LOG,
 * "Guild Ban Add" in the gateway events docs), VOICE_STATE_UPDATE (with `member`), GUILD_DELETE when the bot itself
 * leaves.
 */
import { randomBytes } from 'node:crypto';
import { ChannelType, PermissionFlagsBits, type APIGuildMember, type APIRole, type APIVoiceState } from 'discord-api-types/v10';
import type { AddMemberOptions, CreateRoleOptions, VoiceFlags, VoiceUpdate } from '../types.js';
import { memberPayload, userPayload, voiceStatePayload } from './payloads.js';
import { basePermissions } from './permissions.js';
import type { BanState, GuildState, MemberState, RoleState, VoiceStateState } from './state.js';
import type { World } from './world.js';

/** A member as tests read it: the API guild member object plus `id` (the user id). */
export type MemberView = APIGuildMember & { id: string };

/** Fields of a member that GUILD_MEMBER_UPDATE reports. */
export type MemberChanges = Partial<
	Pick<MemberState, 'nick' | 'roles' | 'deaf' | 'mute' | 'communicationDisabledUntil' | 'flags' | 'pending'>
>;

export abstract class GuildMembers {
	public constructor(
		public readonly world: World,
		public readonly state: GuildState
	) {}

	public abstract get id(): string;
	public abstract insertRole(options: CreateRoleOptions & { position: number }, emit?: boolean): RoleState;
	public abstract createRole(options: CreateRoleOptions): APIRole;

	/**
	 * Adds a member (creating the user unless `userId` is given) and sends GUILD_MEMBER_ADD. With `permissions`,
	 * the member also gets a new role carrying them. Returns the member.
	 */
	public addMember(options: AddMemberOptions): MemberView {
		const member = this.insertMember(options, true);
		return this.view(member);
	}

	public insertMember(options: AddMemberOptions, emit: boolean): MemberState {
		const { world, state } = this;
		let user = options.userId ? world.users.get(options.userId) : undefined;
		if (options.userId && !user) throw new Error(`emulator: no user ${options.userId}`);
		user ??= world.createUser({
			username: options.username,
			bot: options.bot,
			globalName: options.globalName,
			locale: options.locale,
			dmsOpen: options.dmsOpen
		});
		if (state.members.has(user.id)) throw new Error(`emulator: ${user.username} is already a member of ${state.name}`);
		if (state.bans.has(user.id)) throw new Error(`emulator: ${user.username} is banned from ${state.name}`);
		const roles = [...(options.roles ?? [])];
		for (const roleId of roles) {
			if (!state.roles.has(roleId) || roleId === state.id) throw new Error(`emulator: no assignable role ${roleId}`);
		}
		if (options.permissions !== undefined) {
			roles.push(this.createRole({ name: `${user.username} permissions`, permissions: options.permissions }).id);
		}
		const member: MemberState = {
			userId: user.id,
			guildId: state.id,
			nick: options.nick ?? null,
			roles,
			joinedAt: options.joinedAt ?? world.timestamp(),
			premiumSince: null,
			deaf: false,
			mute: false,
			pending: false,
			flags: 0,
			communicationDisabledUntil: options.communicationDisabledUntil ?? null,
			locale: options.locale ?? user.locale
		};
		state.members.set(user.id, member);
		if (emit) {
			world.dispatch('GUILD_MEMBER_ADD', { ...memberPayload(world, member), guild_id: state.id }, state.id);
		}
		return member;
	}

	/** Applies changes to a member and sends GUILD_MEMBER_UPDATE. */
	public updateMember(userId: string, changes: MemberChanges): MemberView {
		const member = this.requireMember(userId);
		Object.assign(member, changes);
		const { world, state } = this;
		world.dispatch(
			'GUILD_MEMBER_UPDATE',
			{ guild_id: state.id, ...memberPayload(world, member), avatar_decoration_data: null },
			state.id
		);
		return this.view(member);
	}

	/**
	 * Removes a member (leave or kick): disconnects them from voice (VOICE_STATE_UPDATE) and sends
	 * GUILD_MEMBER_REMOVE; when the member is the bot, sends GUILD_DELETE instead.
	 */
	public removeMember(userId: string): void {
		const { world, state } = this;
		this.requireMember(userId);
		if (state.voiceStates.has(userId)) this.leaveVoice(userId);
		state.members.delete(userId);
		if (userId === world.context.bot.id) {
			state.botJoinedAt = null;
			world.dispatch('GUILD_DELETE', { id: state.id }, state.id);
			return;
		}
		world.dispatch(
			'GUILD_MEMBER_REMOVE',
			{ guild_id: state.id, user: userPayload(world.users.get(userId)!) },
			state.id
		);
	}

	/**
	 * Bans a user (GUILD_BAN_ADD), removing them if they are a member (GUILD_MEMBER_REMOVE). No audit log entry: use
	 * `emu.moderation.ban` for a ban made by a member, or the REST route for one made by the bot.
	 */
	public ban(userId: string, reason: string | null = null): void {
		const { world, state } = this;
		const user = world.users.get(userId);
		if (!user) throw new Error(`emulator: no user ${userId}`);
		state.bans.set(userId, { userId, reason });
		if (this.botSeesBans()) world.dispatch('GUILD_BAN_ADD', { guild_id: state.id, user: userPayload(user) }, state.id);
		if (state.members.has(userId)) this.removeMember(userId);
	}

	/** Lifts a ban (GUILD_BAN_REMOVE). No audit log entry (see {@link ban}). */
	public unban(userId: string): void {
		const { world, state } = this;
		if (!state.bans.delete(userId)) throw new Error(`emulator: ${userId} is not banned`);
		if (this.botSeesBans()) {
			world.dispatch('GUILD_BAN_REMOVE', { guild_id: state.id, user: userPayload(world.users.get(userId)!) }, state.id);
		}
	}

	/** GUILD_BAN_ADD / REMOVE go only to a bot with BAN_MEMBERS or VIEW_AUDIT_LOG (gateway events, "Guild Ban Add"). */
	protected botSeesBans(): boolean {
		const bot = this.state.members.get(this.world.context.bot.id);
		if (!bot) return false;
		const bits = basePermissions(this.state, bot, this.world.context.clock.now());
		return (bits & (PermissionFlagsBits.BanMembers | PermissionFlagsBits.ViewAuditLog)) !== 0n;
	}

	// ----- voice -----

	/** A member joins a voice channel (or moves, if already connected). Sends VOICE_STATE_UPDATE. */
	public joinVoice(userId: string, channelId: string, flags: VoiceFlags = {}): APIVoiceState {
		this.requireMember(userId);
		this.requireVoiceChannel(channelId);
		const existing = this.state.voiceStates.get(userId);
		const state: VoiceStateState = {
			userId,
			guildId: this.state.id,
			channelId,
			sessionId: existing?.sessionId ?? randomBytes(16).toString('hex'),
			selfMute: flags.selfMute ?? existing?.selfMute ?? false,
			selfDeaf: flags.selfDeaf ?? existing?.selfDeaf ?? false,
			mute: flags.mute ?? existing?.mute ?? this.state.members.get(userId)!.mute,
			deaf: flags.deaf ?? existing?.deaf ?? this.state.members.get(userId)!.deaf,
			selfStream: flags.selfStream ?? false,
			selfVideo: flags.selfVideo ?? false,
			suppress: flags.suppress ?? false,
			requestToSpeakTimestamp: null
		};
		this.state.voiceStates.set(userId, state);
		return this.voiceUpdated(state);
	}

	/** Changes a connected member's voice flags or channel. Throws when the member is not in voice. */
	public updateVoice(userId: string, update: VoiceUpdate): APIVoiceState {
		const current = this.state.voiceStates.get(userId);
		if (!current) throw new Error(`emulator: ${userId} is not in a voice channel of ${this.state.name}`);
		const { channelId, ...flags } = update;
		if (channelId) this.requireVoiceChannel(channelId);
		const next: VoiceStateState = { ...current, ...definedOnly(flags), channelId: channelId ?? current.channelId };
		if (flags.selfStream === undefined && channelId) next.selfStream = false;
		this.state.voiceStates.set(userId, next);
		return this.voiceUpdated(next);
	}

	/** A member disconnects from voice: VOICE_STATE_UPDATE with `channel_id: null`. */
	public leaveVoice(userId: string): APIVoiceState {
		const current = this.state.voiceStates.get(userId);
		if (!current) throw new Error(`emulator: ${userId} is not in a voice channel of ${this.state.name}`);
		this.state.voiceStates.delete(userId);
		const member = this.state.members.get(userId);
		const payload = {
			...voiceStatePayload(this.world, current, { guildId: true, member }),
			channel_id: null,
			self_stream: false,
			self_video: false
		} as APIVoiceState;
		this.world.dispatch('VOICE_STATE_UPDATE', payload, this.state.id);
		return payload;
	}

	protected voiceUpdated(state: VoiceStateState): APIVoiceState {
		const member = this.state.members.get(state.userId);
		const payload = voiceStatePayload(this.world, state, { guildId: true, member });
		this.world.dispatch('VOICE_STATE_UPDATE', payload, this.state.id);
		return payload;
	}

	protected requireVoiceChannel(channelId: string): void {
		const channel = this.world.channels.get(channelId);
		if (!channel || channel.guildId !== this.state.id) throw new Error(`emulator: no channel ${channelId} here`);
		if (channel.type !== ChannelType.GuildVoice && channel.type !== ChannelType.GuildStageVoice) {
			throw new Error(`emulator: channel ${channel.name} is not a voice channel`);
		}
	}

	// ----- readers -----

	public member(userId: string): MemberView | undefined {
		const member = this.state.members.get(userId);
		return member && this.view(member);
	}

	public get members(): MemberView[] {
		return [...this.state.members.values()].map((member) => this.view(member));
	}

	public requireMember(userId: string): MemberState {
		const member = this.state.members.get(userId);
		if (!member) throw new Error(`emulator: ${userId} is not a member of guild ${this.state.name}`);
		return member;
	}

	/** True when the member holds the role. */
	public hasRole(userId: string, roleId: string): boolean {
		return this.state.members.get(userId)?.roles.includes(roleId) ?? false;
	}

	public get bans(): { user: ReturnType<typeof userPayload>; reason: string | null }[] {
		return [...this.state.bans.values()].map((ban: BanState) => ({
			user: userPayload(this.world.users.get(ban.userId)!),
			reason: ban.reason
		}));
	}

	public voiceState(userId: string): APIVoiceState | undefined {
		const state = this.state.voiceStates.get(userId);
		return state && voiceStatePayload(this.world, state, { guildId: true });
	}

	public get voiceStates(): APIVoiceState[] {
		return [...this.state.voiceStates.values()].map((state) => voiceStatePayload(this.world, state, { guildId: true }));
	}

	protected view(member: MemberState): MemberView {
		return { id: member.userId, ...memberPayload(this.world, member) } as MemberView;
	}
}

function definedOnly<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
