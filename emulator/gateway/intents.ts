/**
 * Which intent each dispatch needs, from the "List of Intents" in Discord's gateway documentation, and the
 * MESSAGE_CONTENT rule: without it, `content`, `embeds`, `attachments`, `components` and `poll` arrive empty except
 * in messages the app sent, DMs with the app, and messages that mention the app.
 */
import { GatewayIntentBits as I } from 'discord-api-types/v10';

const GUILD_EVENT_INTENTS: Record<string, number> = {
	GUILD_CREATE: I.Guilds,
	GUILD_UPDATE: I.Guilds,
	GUILD_DELETE: I.Guilds,
	GUILD_ROLE_CREATE: I.Guilds,
	GUILD_ROLE_UPDATE: I.Guilds,
	GUILD_ROLE_DELETE: I.Guilds,
	CHANNEL_CREATE: I.Guilds,
	CHANNEL_UPDATE: I.Guilds,
	CHANNEL_DELETE: I.Guilds,
	CHANNEL_PINS_UPDATE: I.Guilds,
	THREAD_CREATE: I.Guilds,
	THREAD_UPDATE: I.Guilds,
	THREAD_DELETE: I.Guilds,
	THREAD_LIST_SYNC: I.Guilds,
	THREAD_MEMBER_UPDATE: I.Guilds,
	THREAD_MEMBERS_UPDATE: I.Guilds,
	STAGE_INSTANCE_CREATE: I.Guilds,
	STAGE_INSTANCE_UPDATE: I.Guilds,
	STAGE_INSTANCE_DELETE: I.Guilds,
	GUILD_MEMBER_ADD: I.GuildMembers,
	GUILD_MEMBER_UPDATE: I.GuildMembers,
	GUILD_MEMBER_REMOVE: I.GuildMembers,
	GUILD_AUDIT_LOG_ENTRY_CREATE: I.GuildModeration,
	GUILD_BAN_ADD: I.GuildModeration,
	GUILD_BAN_REMOVE: I.GuildModeration,
	GUILD_EMOJIS_UPDATE: I.GuildExpressions,
	GUILD_STICKERS_UPDATE: I.GuildExpressions,
	GUILD_INTEGRATIONS_UPDATE: I.GuildIntegrations,
	WEBHOOKS_UPDATE: I.GuildWebhooks,
	INVITE_CREATE: I.GuildInvites,
	INVITE_DELETE: I.GuildInvites,
	VOICE_STATE_UPDATE: I.GuildVoiceStates,
	VOICE_CHANNEL_EFFECT_SEND: I.GuildVoiceStates,
	PRESENCE_UPDATE: I.GuildPresences,
	MESSAGE_CREATE: I.GuildMessages,
	MESSAGE_UPDATE: I.GuildMessages,
	MESSAGE_DELETE: I.GuildMessages,
	MESSAGE_DELETE_BULK: I.GuildMessages,
	MESSAGE_REACTION_ADD: I.GuildMessageReactions,
	MESSAGE_REACTION_REMOVE: I.GuildMessageReactions,
	MESSAGE_REACTION_REMOVE_ALL: I.GuildMessageReactions,
	MESSAGE_REACTION_REMOVE_EMOJI: I.GuildMessageReactions,
	TYPING_START: I.GuildMessageTyping,
	GUILD_SCHEDULED_EVENT_CREATE: I.GuildScheduledEvents,
	GUILD_SCHEDULED_EVENT_UPDATE: I.GuildScheduledEvents,
	GUILD_SCHEDULED_EVENT_DELETE: I.GuildScheduledEvents,
	AUTO_MODERATION_RULE_CREATE: I.AutoModerationConfiguration,
	AUTO_MODERATION_RULE_UPDATE: I.AutoModerationConfiguration,
	AUTO_MODERATION_RULE_DELETE: I.AutoModerationConfiguration,
	AUTO_MODERATION_ACTION_EXECUTION: I.AutoModerationExecution
};

const DM_EVENT_INTENTS: Record<string, number> = {
	MESSAGE_CREATE: I.DirectMessages,
	MESSAGE_UPDATE: I.DirectMessages,
	MESSAGE_DELETE: I.DirectMessages,
	CHANNEL_PINS_UPDATE: I.DirectMessages,
	MESSAGE_REACTION_ADD: I.DirectMessageReactions,
	MESSAGE_REACTION_REMOVE: I.DirectMessageReactions,
	MESSAGE_REACTION_REMOVE_ALL: I.DirectMessageReactions,
	MESSAGE_REACTION_REMOVE_EMOJI: I.DirectMessageReactions,
	TYPING_START: I.DirectMessageTyping
};

/** Privileged intents (need approval in the developer portal). */
export const PRIVILEGED_INTENTS = I.GuildMembers | I.GuildPresences | I.MessageContent;

/** Every intent bit Discord defines. */
export const ALL_INTENTS = Object.values(I)
	.filter((value): value is number => typeof value === 'number')
	.reduce((all, bit) => all | bit, 0);

/**
 * True when a session with `intents` receives `event`. `inGuild` tells guild events from DM ones; `aboutBot` marks
 * a GUILD_MEMBER_UPDATE of the bot itself, which Discord sends regardless of GUILD_MEMBERS.
 */
export function receivesEvent(intents: number, event: string, inGuild: boolean, aboutBot = false): boolean {
	if (event === 'GUILD_MEMBER_UPDATE' && aboutBot) return true;
	const needed = (inGuild ? GUILD_EVENT_INTENTS : DM_EVENT_INTENTS)[event];
	if (needed === undefined) return true;
	return (intents & needed) !== 0;
}

/** Applies the MESSAGE_CONTENT rule to MESSAGE_CREATE / MESSAGE_UPDATE data for a session. */
export function filterMessageContent(
	intents: number,
	botId: string,
	message: Record<string, unknown>
): Record<string, unknown> {
	if (intents & I.MessageContent) return message;
	if (!message.guild_id) return message;
	const author = message.author as { id: string } | undefined;
	if (author?.id === botId) return message;
	const mentions = (message.mentions as { id: string }[] | undefined) ?? [];
	if (mentions.some((user) => user.id === botId)) return message;
	const { poll: _poll, ...rest } = message;
	return { ...rest, content: '', embeds: [], attachments: [], components: [] };
}
