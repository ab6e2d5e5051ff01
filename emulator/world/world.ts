/**
 * The in-memory world: users, guilds, channels (guild channels, threads and DMs) and application commands. Every
 * mutation goes through here or a {@link GuildHandle} and reports the gateway event Discord would send through the
 * dispatcher the gateway installs (no session connected for that shard = the event goes nowhere, as on Discord).
 */
import { ChannelType, type APIApplicationCommand, type LocaleString } from 'discord-api-types/v10';
import type { SnowflakeGenerator } from '../snowflake.js';
import type { Clock, CreateGuildOptions, EmulatorBot } from '../types.js';
import { GuildHandle } from './guild.js';
import { channelPayload, isoTimestamp, type PayloadSource } from './payloads.js';
import { canViewChannel } from './permissions.js';
import { MessageStore } from './messageStore.js';
import type { ChannelState, GuildState, InviteState, UserState } from './state.js';

/** Data of a dispatch: a payload, or a function building it for one session (GUILD_CREATE depends on intents). */
export type DispatchData = unknown | ((session: { intents: number; largeThreshold: number }) => unknown);

/** What a per-session data function returns for a session that does not receive the event (e.g. an intent it lacks). */
export const SKIP_DISPATCH: unique symbol = Symbol('emulator: not sent to this session');

/** How {@link World.dispatch} decides whether the bot may receive a channel's event. */
export interface DispatchScope {
	/** The channel the event is about; default: read from the data (`channel_id`, or `id` for THREAD_* events). */
	channelId?: string;
	/** Whether the bot receives it, decided by the caller (e.g. a THREAD_MEMBERS_UPDATE removing the bot from a private thread it can no longer see). */
	visible?: boolean;
}

/** Events about something in one channel, with the field naming it: Discord sends them only to users who can see it. */
const CHANNEL_SCOPED_EVENTS: Record<string, 'channel_id' | 'id'> = {
	MESSAGE_CREATE: 'channel_id',
	MESSAGE_UPDATE: 'channel_id',
	MESSAGE_DELETE: 'channel_id',
	MESSAGE_DELETE_BULK: 'channel_id',
	MESSAGE_REACTION_ADD: 'channel_id',
	MESSAGE_REACTION_REMOVE: 'channel_id',
	MESSAGE_REACTION_REMOVE_ALL: 'channel_id',
	MESSAGE_REACTION_REMOVE_EMOJI: 'channel_id',
	TYPING_START: 'channel_id',
	CHANNEL_PINS_UPDATE: 'channel_id',
	THREAD_CREATE: 'id',
	THREAD_UPDATE: 'id',
	THREAD_DELETE: 'id',
	THREAD_MEMBER_UPDATE: 'id',
	THREAD_MEMBERS_UPDATE: 'id'
};

/** Sends a gateway dispatch to the shard that owns `guildId` (shard 0 when null). */
export type Dispatcher = (event: string, data: DispatchData, guildId: string | null) => void;

/** Shared services of the world. */
export interface WorldContext {
	ids: SnowflakeGenerator;
	clock: Clock;
	bot: EmulatorBot;
}

export class World implements PayloadSource {
	/** Every user by id (members, the bot, users met only through DMs). */
	public readonly users = new Map<string, UserState>();
	/** Guild states by id. */
	public readonly guildStates = new Map<string, GuildState>();
	/** Every channel by id: guild channels, threads and DM channels. */
	public readonly channels = new Map<string, ChannelState>();
	/** Global application commands by id. */
	public readonly globalCommands = new Map<string, APIApplicationCommand>();
	/** Guild invites by code (`guild.createInvite`, `GET /invites/{code}`). */
	public readonly invites = new Map<string, InviteState>();
	readonly #handles = new Map<string, GuildHandle>();
	readonly #dmByUser = new Map<string, string>();
	#dispatch: Dispatcher = () => {};

	public constructor(public readonly context: WorldContext) {
		this.users.set(context.bot.id, {
			id: context.bot.id,
			username: context.bot.username,
			globalName: null,
			bot: true,
			system: false,
			locale: 'en-US',
			dmsOpen: false
		});
	}

	/** Installs the gateway's dispatcher. */
	public setDispatcher(dispatch: Dispatcher): void {
		this.#dispatch = dispatch;
	}

	/**
	 * Reports a gateway event (see {@link Dispatcher}). Events of a guild the bot is not in go nowhere, and so do the
	 * events about a channel the bot cannot see (messages, reactions, typing, pins and threads: see
	 * {@link CHANNEL_SCOPED_EVENTS}), such as a private thread it is not in without MANAGE_THREADS ("Clients will not be
	 * informed of a thread through the gateway if they do not have permission to view that thread", Threads topic).
	 */
	public dispatch(event: string, data: DispatchData, guildId: string | null, scope: DispatchScope = {}): void {
		if (guildId && event !== 'GUILD_DELETE' && !this.guildStates.get(guildId)?.members.has(this.context.bot.id)) return;
		if (guildId && !this.#botReceives(event, data, scope)) return;
		this.#dispatch(event, data, guildId);
	}

	#botReceives(event: string, data: DispatchData, scope: DispatchScope): boolean {
		if (scope.visible !== undefined) return scope.visible;
		const field = CHANNEL_SCOPED_EVENTS[event];
		const channelId = scope.channelId ?? (field && data && typeof data === 'object' ? (data as Record<string, unknown>)[field] : undefined);
		if (typeof channelId !== 'string') return true;
		const channel = this.channels.get(channelId);
		return !channel?.guildId || this.botCanView(channel);
	}

	/** Whether the bot can see a channel now ({@link canViewChannel}; DM channels: always). */
	public botCanView(channel: ChannelState): boolean {
		return channel.guildId ? this.memberCanView(channel, this.context.bot.id) : true;
	}

	/** Whether a member of the channel's guild can see it now (false for a user who is not a member). */
	public memberCanView(channel: ChannelState, userId: string): boolean {
		if (!channel.guildId) return channel.recipients?.includes(userId) ?? false;
		const guild = this.guildStates.get(channel.guildId);
		const member = guild?.members.get(userId);
		if (!guild || !member) return false;
		return canViewChannel(guild, member, channel, this.channels, this.context.clock.now());
	}

	/** Current emulator time as Discord's ISO timestamp. */
	public timestamp(ms = this.context.clock.now()): string {
		return isoTimestamp(ms);
	}

	public user(id: string): UserState | undefined {
		return this.users.get(id);
	}

	public channelState(id: string): ChannelState | undefined {
		return this.channels.get(id);
	}

	public get botUser(): UserState {
		return this.users.get(this.context.bot.id)!;
	}

	/** Creates a user (not a member of any guild). */
	public createUser(options: {
		username: string;
		bot?: boolean;
		globalName?: string | null;
		locale?: LocaleString;
		dmsOpen?: boolean;
		id?: string;
	}): UserState {
		const user: UserState = {
			id: options.id ?? this.context.ids.next(),
			username: options.username,
			globalName: options.globalName ?? null,
			bot: options.bot ?? false,
			system: false,
			locale: options.locale ?? 'en-US',
			dmsOpen: options.dmsOpen ?? !(options.bot ?? false)
		};
		this.users.set(user.id, user);
		return user;
	}

	/**
	 * Creates a guild with @everyone, the bot's managed 'Bot' role and the bot as member (unless `botMember: false`),
	 * an owner, and by default #general and a General voice channel. Sends GUILD_CREATE if the bot's shard is
	 * connected. Returns the guild's handle.
	 */
	public createGuild(options: CreateGuildOptions): GuildHandle {
		const id = this.context.ids.nextGuild(options.shard);
		const now = this.timestamp();
		const state: GuildState = {
			id,
			name: options.name,
			ownerId: '',
			preferredLocale: options.preferredLocale ?? 'en-US',
			afkChannelId: null,
			afkTimeout: 300,
			systemChannelId: null,
			description: null,
			features: [],
			verificationLevel: 0,
			createdAt: now,
			botJoinedAt: null,
			roles: new Map(),
			channelIds: new Set(),
			members: new Map(),
			voiceStates: new Map(),
			bans: new Map(),
			commands: new Map(),
			auditLog: [],
			autoModerationRules: new Map(),
			autoModerationExecutions: []
		};
		this.guildStates.set(id, state);
		const handle = new GuildHandle(this, state);
		this.#handles.set(id, handle);
		handle.initialize(options);
		return handle;
	}

	/** The handle of a guild. Throws when the guild does not exist. */
	public guild(id: string): GuildHandle {
		const handle = this.#handles.get(id);
		if (!handle) throw new Error(`emulator: no guild ${id} in the world`);
		return handle;
	}

	/** The handle of a guild, or undefined. */
	public findGuild(id: string): GuildHandle | undefined {
		return this.#handles.get(id);
	}

	/** Every guild, in creation order. */
	public get guilds(): GuildHandle[] {
		return [...this.#handles.values()];
	}

	/** Guilds the bot is a member of (the ones READY lists). */
	public botGuilds(): GuildState[] {
		return [...this.guildStates.values()].filter((guild) => guild.members.has(this.context.bot.id));
	}

	/** The DM channel between the bot and a user, created on first use (POST /users/@me/channels). */
	public dmChannel(userId: string): ChannelState {
		const existing = this.#dmByUser.get(userId);
		if (existing) return this.channels.get(existing)!;
		const channel = newChannelState(this.context.ids.next(), ChannelType.DM, null, null);
		channel.recipients = [userId];
		this.channels.set(channel.id, channel);
		this.#dmByUser.set(userId, channel.id);
		return channel;
	}

	/** True when the user and the bot are both members of some guild. */
	public sharesGuildWithBot(userId: string): boolean {
		const botId = this.context.bot.id;
		for (const guild of this.guildStates.values()) {
			if (guild.members.has(botId) && guild.members.has(userId)) return true;
		}
		return false;
	}

	/**
	 * Why a DM from the bot would not reach this user now (Discord answers 403 50007 "Cannot send messages to this
	 * user"), or null when it would: 'bot' (bots cannot DM bots), 'closed' (the user does not accept DMs from the
	 * bot: privacy settings, or they blocked it), 'no-mutual-guild' (they share no guild with the bot any more, e.g.
	 * after a kick or ban).
	 */
	public dmRefusal(userId: string): 'bot' | 'closed' | 'no-mutual-guild' | 'unknown-user' | null {
		const user = this.users.get(userId);
		if (!user) return 'unknown-user';
		if (user.bot) return 'bot';
		if (!user.dmsOpen) return 'closed';
		if (!this.sharesGuildWithBot(userId)) return 'no-mutual-guild';
		return null;
	}

	/** The guild a channel belongs to, if any. */
	public guildOfChannel(channel: ChannelState): GuildHandle | undefined {
		return channel.guildId ? this.#handles.get(channel.guildId) : undefined;
	}

	/** Channel payload helper. */
	public channelPayload(channel: ChannelState) {
		return channelPayload(this, channel);
	}
}

/** A fresh channel record with Discord's defaults. */
export function newChannelState(
	id: string,
	type: ChannelType,
	guildId: string | null,
	name: string | null
): ChannelState {
	return {
		id,
		type,
		guildId,
		name,
		position: 0,
		parentId: null,
		topic: null,
		nsfw: false,
		rateLimitPerUser: 0,
		bitrate: 64000,
		userLimit: 0,
		rtcRegion: null,
		overwrites: new Map(),
		lastMessageId: null,
		lastPinTimestamp: null,
		flags: 0,
		messages: new MessageStore()
	};
}
