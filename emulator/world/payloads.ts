/**
 * Serializes the world to Discord payloads (REST v10 responses and gateway dispatch data). Field sets follow the
 * object references and examples of discord/discord-api-docs (resources/guild, channel, user, voice, message);
 * the fixtures test in tests/fixtures.test.ts checks them against those examples.
 */
import {
	ChannelType,
	GatewayIntentBits,
	type APIChannel,
	type APIGuild,
	type APIGuildMember,
	type APIRole,
	type APIUser,
	type APIVoiceState
} from 'discord-api-types/v10';
import { isThread } from './permissions.js';
import type { ChannelState, GuildState, MemberState, RoleState, UserState, VoiceStateState } from './state.js';

/** Formats milliseconds since the epoch like Discord's ISO8601 timestamps ('2015-04-26T06:26:56.936000+00:00'). */
export function isoTimestamp(ms: number): string {
	return new Date(ms).toISOString().replace('Z', '000+00:00');
}

/** Read access the serializers need. */
export interface PayloadSource {
	user(id: string): UserState | undefined;
	channelState(id: string): ChannelState | undefined;
	/** Whether the bot can see a channel (GUILD_CREATE lists only the threads it can see). Default: yes. */
	botCanView?(channel: ChannelState): boolean;
}

/** A user object (resources/user "User Object"), as other users see it. */
export function userPayload(user: UserState): APIUser {
	return {
		id: user.id,
		username: user.username,
		discriminator: '0',
		global_name: user.globalName,
		avatar: null,
		...(user.bot ? { bot: true } : {}),
		...(user.system ? { system: true } : {}),
		banner: null,
		accent_color: null,
		flags: 0,
		public_flags: 0,
		avatar_decoration_data: null,
		collectibles: null,
		primary_guild: null
	} as unknown as APIUser;
}

/** The current user (`GET /users/@me`, READY `user`): adds the fields only the owner of the token sees. */
export function currentUserPayload(user: UserState): APIUser {
	return {
		...userPayload(user),
		verified: true,
		mfa_enabled: false,
		email: null,
		locale: 'en-US',
		premium_type: 0
	} as APIUser;
}

export function rolePayload(role: RoleState): APIRole {
	return {
		id: role.id,
		name: role.name,
		description: null,
		color: role.color,
		colors: { primary_color: role.color, secondary_color: null, tertiary_color: null },
		hoist: role.hoist,
		icon: null,
		unicode_emoji: null,
		position: role.position,
		permissions: role.permissions.toString(),
		managed: role.managed,
		mentionable: role.mentionable,
		flags: 0,
		...(role.botId ? { tags: { bot_id: role.botId } } : {})
	} as unknown as APIRole;
}

/** A channel object; the fields present depend on the channel type, as in the docs' examples. */
export function channelPayload(source: PayloadSource, channel: ChannelState): APIChannel {
	if (channel.type === ChannelType.DM) {
		return {
			id: channel.id,
			type: ChannelType.DM,
			last_message_id: channel.lastMessageId,
			flags: 0,
			recipients: (channel.recipients ?? []).map((id) => userPayload(source.user(id)!))
		} as unknown as APIChannel;
	}
	const base: Record<string, unknown> = {
		id: channel.id,
		type: channel.type,
		guild_id: channel.guildId,
		name: channel.name,
		parent_id: channel.parentId,
		flags: channel.flags,
		nsfw: channel.nsfw
	};
	if (isThread(channel.type)) {
		const meta = channel.thread!;
		return {
			...base,
			owner_id: channel.ownerId,
			last_message_id: channel.lastMessageId,
			rate_limit_per_user: channel.rateLimitPerUser,
			message_count: channel.messageCount ?? 0,
			// "an approximate member count, but it stops counting at 50" (Threads topic).
			member_count: Math.min(50, channel.threadMembers?.size ?? 0),
			total_message_sent: channel.totalMessageSent ?? 0,
			...(channel.appliedTags ? { applied_tags: channel.appliedTags } : {}),
			thread_metadata: {
				archived: meta.archived,
				auto_archive_duration: meta.autoArchiveDuration,
				archive_timestamp: meta.archiveTimestamp,
				locked: meta.locked,
				create_timestamp: meta.createTimestamp,
				...(meta.invitable === undefined ? {} : { invitable: meta.invitable })
			}
		} as APIChannel;
	}
	const withOverwrites = {
		...base,
		position: channel.position,
		permission_overwrites: [...channel.overwrites.values()].map((o) => ({
			id: o.id,
			type: o.type,
			allow: o.allow.toString(),
			deny: o.deny.toString()
		}))
	};
	if (channel.type === ChannelType.GuildCategory) return withOverwrites as APIChannel;
	if (channel.type === ChannelType.GuildVoice || channel.type === ChannelType.GuildStageVoice) {
		return {
			...withOverwrites,
			last_message_id: channel.lastMessageId,
			bitrate: channel.bitrate,
			user_limit: channel.userLimit,
			rtc_region: channel.rtcRegion,
			rate_limit_per_user: channel.rateLimitPerUser,
			video_quality_mode: 1
		} as APIChannel;
	}
	return {
		...withOverwrites,
		topic: channel.topic,
		last_message_id: channel.lastMessageId,
		last_pin_timestamp: channel.lastPinTimestamp,
		rate_limit_per_user: channel.rateLimitPerUser,
		default_auto_archive_duration: 1440
	} as APIChannel;
}

/** A guild member object (resources/guild "Guild Member Object"). */
export function memberPayload(source: PayloadSource, member: MemberState, withUser = true): APIGuildMember {
	const user = source.user(member.userId)!;
	return {
		...(withUser ? { user: userPayload(user) } : {}),
		nick: member.nick,
		avatar: null,
		banner: null,
		roles: [...member.roles],
		joined_at: member.joinedAt,
		premium_since: member.premiumSince,
		deaf: member.deaf,
		mute: member.mute,
		flags: member.flags,
		pending: member.pending,
		communication_disabled_until: member.communicationDisabledUntil,
		unusual_dm_activity_until: null
	} as APIGuildMember;
}

/** A voice state (resources/voice "Voice State Object"). `member` is included in VOICE_STATE_UPDATE. */
export function voiceStatePayload(
	source: PayloadSource,
	state: VoiceStateState,
	options: { guildId: boolean; member?: MemberState }
): APIVoiceState {
	return {
		...(options.guildId ? { guild_id: state.guildId } : {}),
		channel_id: state.channelId,
		user_id: state.userId,
		...(options.member ? { member: memberPayload(source, options.member) } : {}),
		session_id: state.sessionId,
		deaf: state.deaf,
		mute: state.mute,
		self_deaf: state.selfDeaf,
		self_mute: state.selfMute,
		self_stream: state.selfStream,
		self_video: state.selfVideo,
		suppress: state.suppress,
		request_to_speak_timestamp: state.requestToSpeakTimestamp
	} as APIVoiceState;
}

/** A guild object (resources/guild "Guild Object"), as `GET /guilds/{guild.id}` returns it. */
export function guildPayload(guild: GuildState): APIGuild {
	const roles = [...guild.roles.values()].map(rolePayload);
	return {
		id: guild.id,
		name: guild.name,
		icon: null,
		icon_hash: null,
		description: guild.description,
		splash: null,
		discovery_splash: null,
		features: [...guild.features],
		emojis: [],
		stickers: [],
		banner: null,
		owner_id: guild.ownerId,
		application_id: null,
		region: null,
		afk_channel_id: guild.afkChannelId,
		afk_timeout: guild.afkTimeout,
		system_channel_id: guild.systemChannelId,
		system_channel_flags: 0,
		widget_enabled: false,
		widget_channel_id: null,
		verification_level: guild.verificationLevel,
		roles,
		default_message_notifications: 0,
		mfa_level: 0,
		explicit_content_filter: 0,
		max_presences: null,
		max_members: 500000,
		max_video_channel_users: 25,
		max_stage_video_channel_users: 50,
		vanity_url_code: null,
		premium_tier: 0,
		premium_subscription_count: 0,
		preferred_locale: guild.preferredLocale,
		rules_channel_id: null,
		public_updates_channel_id: null,
		safety_alerts_channel_id: null,
		nsfw_level: 0,
		nsfw: false,
		premium_progress_bar_enabled: false,
		hub_type: null,
		incidents_data: null,
		latest_onboarding_question_id: null,
		home_header: null
	} as unknown as APIGuild;
}

/**
 * GUILD_CREATE data (events/gateway-events "Guild Create"): the guild plus joined_at, large, member_count,
 * voice_states (without guild_id), members, channels, threads (active ones the bot can see, with its thread `member`
 * on those it is in), presences and the other lists. As Discord documents,
 * without GUILD_PRESENCES the member list holds only the bot and members in voice; with it, a guild above
 * `large_threshold` members lists members with a role, a nickname or a voice state, and a smaller guild lists all.
 * Voice states (and the members they bring) are sent only with the GUILD_VOICE_STATES intent.
 */
export function guildCreatePayload(
	source: PayloadSource,
	guild: GuildState,
	botId: string,
	intents: number,
	largeThreshold = 50
): Record<string, unknown> {
	const large = guild.members.size > largeThreshold;
	const presences = (intents & GatewayIntentBits.GuildPresences) !== 0;
	// Voice states come with GUILD_VOICE_STATES only, like VOICE_STATE_UPDATE itself.
	const voice = (intents & GatewayIntentBits.GuildVoiceStates) !== 0;
	const members: APIGuildMember[] = [];
	for (const member of guild.members.values()) {
		const inVoice = voice && guild.voiceStates.has(member.userId);
		const include =
			member.userId === botId ||
			inVoice ||
			(presences && (!large || member.roles.length > 0 || member.nick !== null));
		if (include) members.push(memberPayload(source, member));
	}
	const channels: APIChannel[] = [];
	const threads: APIChannel[] = [];
	for (const id of guild.channelIds) {
		const channel = source.channelState(id);
		if (!channel) continue;
		if (isThread(channel.type)) {
			// Active threads the bot can see, with its thread member (no id / user_id) on those it is in.
			if (channel.thread?.archived || (source.botCanView && !source.botCanView(channel))) continue;
			const joined = channel.threadMembers?.get(botId);
			threads.push({ ...channelPayload(source, channel), ...(joined ? { member: { join_timestamp: joined, flags: 0 } } : {}) } as APIChannel);
		} else channels.push(channelPayload(source, channel));
	}
	return {
		...guildPayload(guild),
		joined_at: guild.botJoinedAt,
		large,
		unavailable: false,
		member_count: guild.members.size,
		voice_states: voice
			? [...guild.voiceStates.values()].map((state) => voiceStatePayload(source, state, { guildId: false }))
			: [],
		members,
		channels,
		threads,
		presences: [],
		stage_instances: [],
		guild_scheduled_events: [],
		soundboard_sounds: [],
		embedded_activities: [],
		activity_instances: []
	};
}
