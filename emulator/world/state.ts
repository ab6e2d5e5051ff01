/**
 * The emulator's in-memory world: plain records the REST routes and test controls mutate, serialized to Discord
 * payloads by ./payloads.ts. Bitfields are bigints; timestamps are ISO strings as Discord sends them.
 */
import type {
	APIApplicationCommand,
	APIAuditLogEntry,
	APIAutoModerationRule,
	ChannelType,
	GatewayAutoModerationActionExecutionDispatchData,
	LocaleString
} from 'discord-api-types/v10';
import type { MessageStore } from './messageStore.js';
import type { ReactionState } from './reactions.js';

export interface UserState {
	id: string;
	username: string;
	globalName: string | null;
	bot: boolean;
	system: boolean;
	locale: LocaleString;
	dmsOpen: boolean;
}

export interface RoleState {
	id: string;
	guildId: string;
	name: string;
	color: number;
	hoist: boolean;
	position: number;
	permissions: bigint;
	managed: boolean;
	mentionable: boolean;
	/** For a bot's managed role: the bot's user id. */
	botId?: string;
}

export interface OverwriteState {
	id: string;
	type: 0 | 1;
	allow: bigint;
	deny: bigint;
}

export interface ThreadMetadataState {
	archived: boolean;
	autoArchiveDuration: 60 | 1440 | 4320 | 10080;
	archiveTimestamp: string;
	locked: boolean;
	invitable?: boolean;
	createTimestamp: string;
}

export interface ChannelState {
	id: string;
	type: ChannelType;
	guildId: string | null;
	name: string | null;
	position: number;
	parentId: string | null;
	topic: string | null;
	nsfw: boolean;
	rateLimitPerUser: number;
	bitrate: number;
	userLimit: number;
	rtcRegion: string | null;
	overwrites: Map<string, OverwriteState>;
	lastMessageId: string | null;
	lastPinTimestamp: string | null;
	flags: number;
	/** Messages by id, iterated oldest first (ascending id, as Discord orders a history; see ./messageStore.ts). */
	messages: MessageStore;
	/** Reactions by message id, then by emoji key, in the order each emoji was first used (see ./reactions.ts). */
	reactions?: Map<string, Map<string, ReactionState>>;
	// threads
	ownerId?: string;
	thread?: ThreadMetadataState;
	threadMembers?: Map<string, string>; // user id -> join timestamp
	messageCount?: number;
	totalMessageSent?: number;
	/** Tags of a forum post (`applied_tags`). */
	appliedTags?: string[];
	// DMs
	recipients?: string[];
}

export interface MemberState {
	userId: string;
	guildId: string;
	nick: string | null;
	roles: string[];
	joinedAt: string;
	premiumSince: string | null;
	deaf: boolean;
	mute: boolean;
	pending: boolean;
	flags: number;
	communicationDisabledUntil: string | null;
	locale: LocaleString;
}

export interface VoiceStateState {
	userId: string;
	guildId: string;
	channelId: string;
	sessionId: string;
	selfMute: boolean;
	selfDeaf: boolean;
	mute: boolean;
	deaf: boolean;
	selfStream: boolean;
	selfVideo: boolean;
	suppress: boolean;
	requestToSpeakTimestamp: string | null;
}

export interface BanState {
	userId: string;
	reason: string | null;
}

export interface GuildState {
	id: string;
	name: string;
	ownerId: string;
	preferredLocale: LocaleString;
	afkChannelId: string | null;
	afkTimeout: number;
	systemChannelId: string | null;
	description: string | null;
	features: string[];
	verificationLevel: number;
	createdAt: string;
	/** When the bot joined; null when the bot is not a member. */
	botJoinedAt: string | null;
	roles: Map<string, RoleState>;
	channelIds: Set<string>;
	members: Map<string, MemberState>;
	voiceStates: Map<string, VoiceStateState>;
	bans: Map<string, BanState>;
	commands: Map<string, APIApplicationCommand>;
	/** Audit log entries, oldest first (see ./audit.ts). */
	auditLog: APIAuditLogEntry[];
	/** AutoMod rules by id, in creation order, as Discord returns them (see ./autoModeration.ts). */
	autoModerationRules: Map<string, APIAutoModerationRule>;
	/** Every AUTO_MODERATION_ACTION_EXECUTION AutoMod performed here, oldest first, with full `content`. */
	autoModerationExecutions: GatewayAutoModerationActionExecutionDispatchData[];
}

/** An invite to a guild channel (resources/invite, "Invite Object" and "Invite Metadata Object"). */
export interface InviteState {
	code: string;
	guildId: string;
	channelId: string;
	/** Who created it; null for one made without an inviter. */
	inviterId: string | null;
	/** When it was created (ms since the epoch, emulator clock). */
	createdAt: number;
	/** Seconds after which it expires; 0 = never. */
	maxAge: number;
	/** How many uses it allows; 0 = unlimited. */
	maxUses: number;
	uses: number;
	temporary: boolean;
}
