/**
 * `@hearth/discord-emulator`: a local Discord for tests, benchmarks and the demo: Discord's REST API v10 and gateway
 * (JSON) on 127.0.0.1 around an in-memory world. Start with `await DiscordEmulator.start()`; see README.md in this
 * folder.
 */
export { DiscordEmulator, DEFAULT_FAILING_KINDS } from './emulator.js';
export { EmulatorClock } from './clock.js';
export { GuildHandle, DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS } from './world/guild.js';
export type { MemberView, MemberChanges } from './world/members.js';
export type { World } from './world/world.js';
export type { GatewayServer } from './gateway/server.js';
export type { Recorder } from './recorder.js';
export type { RateLimiter } from './rest/ratelimit.js';
export type { EmulatedInteraction } from './interactions/handle.js';
export type {
	UserMessageOptions,
	UserMessageEdit,
	AttachmentInput,
	StickerInput,
	MessageOutcome,
	HandMadeRule,
	ModerationControls,
	DmControls,
	AutoModerationControls,
	AttachmentControls,
	AttachmentInfo,
	ServedAttachment,
	HandRoleChange
} from './controls.js';
export type {
	ThreadControls,
	ReactionControls,
	ChannelControls,
	HandThreadOptions,
	HandThreadEdit,
	HandReaction,
	EmojiInput,
	HandChannelChange,
	HandOverwrite
} from './channelControls.js';
export { MAX_CHANNELS_PER_CATEGORY, MAX_GUILD_CHANNELS, CATEGORY_FULL } from './world/channels.js';
export { MAX_REACTION_EMOJIS, REACTION_INTENTS } from './world/reactions.js';
export { MAX_THREAD_MEMBERS } from './world/threads.js';
export type { AttachmentDownload, AttachmentRefusal } from './world/attachments.js';
export {
	DEFAULT_ATTACHMENT_URL_LIFETIME_MS,
	DEFAULT_ATTACHMENT_SIZE_LIMIT,
	DEFAULT_CONTROL_ATTACHMENT_SIZE,
	DEFAULT_REQUEST_SIZE_LIMIT,
	MAX_ATTACHMENTS_PER_MESSAGE,
	secureFilename
} from './world/attachments.js';
export { AutoModerationBlockedError, EMULATOR_CDN_URL, EMULATOR_MEDIA_URL } from './controls.js';
export type { AutoModerationRuleInput } from './world/autoModeration.js';
export {
	AUTO_MODERATION_LIMITS,
	MAX_RULES_PER_TRIGGER_TYPE,
	DEFAULT_MENTION_TOTAL_LIMIT,
	EMULATOR_RULE_ERROR_CODES
} from './world/autoModeration.js';
export type { CreateInviteOptions } from './world/invites.js';
export type { AuditLogEntryInput, AuditLogChange } from './world/audit.js';
export { AUDIT_LOG_RETENTION_MS, MAX_AUDIT_LOG_REASON_LENGTH } from './world/audit.js';
export { MAX_TIMEOUT_MS, MAX_BAN_DELETE_SECONDS } from './world/moderation.js';
export { shardForGuild, snowflakeTimestamp, DISCORD_EPOCH } from './snowflake.js';
export { CALLBACK_DEADLINE_MS, TOKEN_LIFETIME_MS } from './interactions/store.js';
export type * from './types.js';
