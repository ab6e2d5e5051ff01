/**
 * Public types of the local Discord emulator. Everything here is part of the facade other tests code against
 * (see README.md in this folder); keep the names stable.
 */
import type {
	APIActionRowComponent,
	APIComponentInMessageActionRow,
	APIEmbed,
	APIInteraction,
	APIMessage,
	ChannelType,
	GatewayOpcodes,
	InteractionResponseType,
	LocaleString
} from 'discord-api-types/v10';

/** A source of time in milliseconds since the Unix epoch. The emulator reads it for snowflakes, timestamps and the
 * interaction deadlines (3 s to answer, 15 min for the token). */
export interface Clock {
	now(): number;
}

/** Options of {@link DiscordEmulator.start}. */
export interface EmulatorOptions {
	/** Shard count that `GET /gateway/bot` recommends (`shards`). Default 1. */
	shardCount?: number;
	/** `session_start_limit.max_concurrency` of `GET /gateway/bot`. Default 16 (one identify bucket per shard up to 16). */
	maxConcurrency?: number;
	/** When true (default) an unknown route, an invalid body, a late interaction answer or any other request Discord
	 * would refuse is recorded as a failure, and {@link DiscordEmulator.assertNoFailures} throws listing them. */
	strict?: boolean;
	/** Host to listen on. Default 127.0.0.1. */
	host?: string;
	/** Port to listen on. Default 0 (a free port, so test files can run side by side). */
	port?: number;
	/** Override the bot application's identity. */
	bot?: Partial<EmulatorBot>;
	/** Minimum time between two IDENTIFYs of one `max_concurrency` bucket, in real milliseconds. Default 5000
	 * (Discord's rule); an IDENTIFY that comes sooner gets INVALID_SESSION and is recorded as a failure. */
	identifyIntervalMs?: number;
	/** Heartbeat interval sent in HELLO, in milliseconds. Default 41250 (Discord's value). */
	heartbeatInterval?: number;
	/** Time source for snowflakes and interaction deadlines. Default: the real clock (an {@link EmulatorClock}). */
	clock?: Clock;
	/** Intents the application is approved for (privileged intents not listed make IDENTIFY fail with 4014).
	 * Default: all intents, privileged ones included. */
	approvedIntents?: number;
	/** Per-bucket REST rate limit the emulator enforces and reports in `X-RateLimit-*` headers. Default 50 requests
	 * per 1000 ms per route and major parameter. */
	bucketLimit?: number;
	/** Window of {@link bucketLimit} in milliseconds. Default 1000. */
	bucketWindowMs?: number;
	/** How long a signed attachment URL (`ex` − `is`) stays valid, in milliseconds of the emulator clock. Default
	 * 86400000 (24 hours, as Discord's). Each REST read of a message signs its URLs anew. */
	attachmentUrlLifetimeMs?: number;
	/** Largest file the bot may upload, in bytes (413 40005 above it). Default 10485760 (10 MiB, Discord's default
	 * per file; the interactions' `attachment_size_limit` says the same). */
	attachmentSizeLimit?: number;
	/** Largest request body, in bytes (413 40005 above it). Default 26214400 (25 MiB, Create Message's "maximum
	 * request size"). */
	requestSizeLimit?: number;
	/** How long `InteractionHandle.response` and `waitForReply()` wait, in real milliseconds, before rejecting.
	 * Default 10000. */
	responseTimeoutMs?: number;
}

/** The bot application that the emulator accepts (`Authorization: Bot <token>`, IDENTIFY `token`). */
export interface EmulatorBot {
	id: string;
	token: string;
	applicationId: string;
	username: string;
}

/** Options of `world.createGuild`. */
export interface CreateGuildOptions {
	name: string;
	/** Discord locale of the guild (`preferred_locale`). Default 'en-US'. */
	preferredLocale?: LocaleString;
	/** User id of the owner; default: a new human member named `<name> owner` is created and made owner. */
	ownerId?: string;
	/** Permissions of @everyone. Default: Discord's default set for a new guild. */
	everyonePermissions?: bigint | string;
	/** Permissions of the bot's managed 'Bot' role. Default ADMINISTRATOR-free moderator set (see README). */
	botPermissions?: bigint | string;
	/** Position of the bot's role. Default: above every role created before it (1 at creation). */
	botRolePosition?: number;
	/** Whether the bot is a member (the guild appears in READY). Default true. */
	botMember?: boolean;
	/** Force the guild onto a shard: the id is picked so that `(id >> 22) % shardCount === shardId`. */
	shard?: [shardId: number, shardCount: number];
	/** Creates a default #general text channel and a General voice channel. Default true. */
	defaultChannels?: boolean;
}

/** Options of `guild.createRole`. */
export interface CreateRoleOptions {
	name: string;
	permissions?: bigint | string;
	/** Position in the role list (0 = @everyone). Default: just below the bot's role. */
	position?: number;
	color?: number;
	hoist?: boolean;
	mentionable?: boolean;
	/** Marks the role as managed by an integration (e.g. another bot's role). */
	managed?: boolean;
}

/** One permission overwrite on a channel, with bigint or string bitfields. */
export interface OverwriteOptions {
	id: string;
	/** 0 = role, 1 = member. */
	type: 0 | 1;
	allow?: bigint | string;
	deny?: bigint | string;
}

/** Options of `guild.createChannel`. */
export interface CreateChannelOptions {
	name: string;
	type: ChannelType;
	parentId?: string | null;
	position?: number;
	topic?: string | null;
	nsfw?: boolean;
	/** Slowmode in seconds (0–21600). */
	rateLimitPerUser?: number;
	/** Voice bitrate in bits per second. */
	bitrate?: number;
	userLimit?: number;
	permissionOverwrites?: OverwriteOptions[];
	/** For threads: the owner (default: the guild owner), who is its first member. */
	ownerId?: string;
	/** For private threads: whether non-moderators can add other non-moderators (`thread_metadata.invitable`). Default true. */
	invitable?: boolean;
	/** For threads: minutes of inactivity before it leaves the channel list (60, 1440, 4320, 10080). Default 1440. */
	autoArchiveDuration?: 60 | 1440 | 4320 | 10080;
}

/** Options of `guild.addMember` / `emu.members.join`. */
export interface AddMemberOptions {
	username: string;
	/** Use an existing user instead of creating one. */
	userId?: string;
	globalName?: string | null;
	bot?: boolean;
	roles?: string[];
	nick?: string | null;
	/** Shortcut: creates a role named `<username> permissions` with these permissions and gives it to the member. */
	permissions?: bigint | string;
	/** Member's own client locale, used as the default `locale` of the interactions they invoke. Default 'en-US'. */
	locale?: LocaleString;
	/** Whether the user accepts DMs from the bot. Default true (false makes DM sends fail with 50007). */
	dmsOpen?: boolean;
	/** ISO timestamp; default now. */
	joinedAt?: string;
	communicationDisabledUntil?: string | null;
}

/** Options of the `emu.moderation` controls: a member acting in Discord's client. */
export interface ModerationActionOptions {
	/** The member who acts (they need the permission; see ModerationControls). */
	actorId: string;
	/** The user acted on. */
	targetId: string;
	/** What the moderator typed as the reason (at most 512 characters); becomes the audit log entry's `reason`. */
	reason?: string;
}

/** A DM the bot sent successfully (`emu.dms.sent`). */
export interface DmRecord {
	userId: string;
	channelId: string;
	content: string;
	embeds: APIEmbed[];
	message: APIMessage;
	/** The recorder's `seq` of the `POST /channels/{channel_id}/messages` call (see RestRecord.seq). */
	seq: number;
	/** Real time (ms since the epoch) the request arrived. */
	at: number;
}

/** Flags of a voice state, as in VOICE_STATE_UPDATE. */
export interface VoiceFlags {
	selfMute?: boolean;
	selfDeaf?: boolean;
	mute?: boolean;
	deaf?: boolean;
	selfStream?: boolean;
	selfVideo?: boolean;
	suppress?: boolean;
}

/** A voice state update: flags to change, or `channelId` to move. */
export interface VoiceUpdate extends VoiceFlags {
	channelId?: string;
}

/** Common fields of the interaction test controls. */
export interface InteractionBaseOptions {
	guildId?: string;
	channelId: string;
	userId: string;
	/** The invoking user's client locale (`locale`). Default: the member's locale, else 'en-US'. */
	locale?: LocaleString;
}

/** An option value of a simulated command: strings, numbers and booleans as Discord sends them; for USER, ROLE,
 * CHANNEL and MENTIONABLE options pass the snowflake string (resolved data is filled in). */
export type CommandOptionValue = string | number | boolean;

/** Options of `emu.interactions.command`. */
export interface CommandInvocation extends InteractionBaseOptions {
	name: string;
	subcommand?: string;
	subcommandGroup?: string;
	options?: Record<string, CommandOptionValue>;
	/** 1 chat input (default), 2 user, 3 message context menu. */
	commandType?: 1 | 2 | 3;
	/** Target of a user/message context menu command. */
	targetId?: string;
}

/** Options of `emu.interactions.autocomplete`: a command invocation with the focused option named. */
export interface AutocompleteInvocation extends CommandInvocation {
	focused: string;
}

/** Options of `emu.interactions.button`. */
export interface ButtonInvocation extends InteractionBaseOptions {
	messageId: string;
	customId: string;
}

/** Options of `emu.interactions.selectMenu`. */
export interface SelectMenuInvocation extends ButtonInvocation {
	values: string[];
	/** Component type of the select menu; default: read from the message's component with that custom_id. */
	componentType?: number;
}

/** Options of `emu.interactions.modalSubmit`: field values by text input custom_id. */
export interface ModalSubmitInvocation extends InteractionBaseOptions {
	customId: string;
	fields: Record<string, string>;
	/** The message whose component opened the modal, if any. */
	messageId?: string;
}

/** The bot's interaction callback as the emulator received it. */
export interface InteractionCallbackRecord {
	type: InteractionResponseType;
	data?: Record<string, unknown>;
	/** Milliseconds between the interaction and the callback, on the emulator clock. */
	latencyMs: number;
}

/** A message as a user sees it (interaction reply, follow-up or edit). */
export interface MessageView {
	id: string;
	channelId: string;
	content: string;
	embeds: APIEmbed[];
	components: APIActionRowComponent<APIComponentInMessageActionRow>[] | unknown[];
	flags: number;
	ephemeral: boolean;
	/** The full API message. */
	raw: APIMessage;
}

/** Returned by every interaction control. */
export interface InteractionHandle {
	readonly id: string;
	readonly token: string;
	/** The INTERACTION_CREATE payload sent to the bot. */
	readonly payload: APIInteraction;
	/** Resolves to the bot's first callback; rejects if none arrives within `responseTimeoutMs`. */
	readonly response: Promise<InteractionCallbackRecord>;
	/** Resolves to the message the user sees: the reply, or after a deferred response the edited @original. */
	waitForReply(timeoutMs?: number): Promise<MessageView>;
	/** Resolves once the bot has sent `count` follow-ups (default 1); returns them all. */
	waitForFollowUps(count?: number, timeoutMs?: number): Promise<MessageView[]>;
	/** Follow-up messages in order. */
	readonly followUps: MessageView[];
	/** Every state of @original after an edit, in order. */
	readonly edits: MessageView[];
	/** The current @original message, if any. */
	readonly original: MessageView | undefined;
	/** True when the first callback was a deferred one (types 5 or 6). */
	readonly deferred: boolean;
	/** The autocomplete choices, when the bot answered type 8. */
	readonly choices: { name: string; value: string | number }[] | undefined;
	/** The modal the bot opened (callback type 9), if any. */
	readonly modal: Record<string, unknown> | undefined;
	/** Resolves once @original has been edited `count` times in total (default 1); returns every edit. */
	waitForEdits(count?: number, timeoutMs?: number): Promise<MessageView[]>;
}

/** One REST call in the recorder. */
export interface RestRecord {
	method: string;
	/** Route template as in Discord's OpenAPI description, e.g. `/guilds/{guild_id}/members/{user_id}/roles/{role_id}`;
	 * the raw path when no route matched. */
	route: string;
	path: string;
	query: Record<string, string>;
	params: Record<string, string>;
	body: unknown;
	status: number;
	response: unknown;
	/** Real time (ms since the epoch) when the request arrived. */
	at: number;
	/** Reason field (`X-Audit-Log-Reason`), decoded. */
	reason?: string;
	/** The file parts of a multipart body, as sent (`field` e.g. `files[0]`, the part's filename and Content-Type,
	 * `size` in bytes); the bytes are in `emu.attachments.uploadedBy()`. */
	files?: { field: string; filename: string; contentType: string; size: number }[];
	/** Position among everything recorded (REST calls and gateway frames share one counter, never reset), in the order
	 * the emulator handled them: `a.seq < b.seq` means `a` happened first (e.g. a DM before a ban). */
	seq: number;
}

/** One gateway frame in the recorder. */
export interface GatewayRecord {
	direction: 'send' | 'receive';
	shardId: number | null;
	sessionId: string | null;
	op: GatewayOpcodes;
	t: string | null;
	s: number | null;
	d: unknown;
	at: number;
	/** Position among everything recorded (see {@link RestRecord.seq}). */
	seq: number;
}

/** Something Discord would have refused or a rule the bot broke. */
export interface EmulatorFailure {
	kind:
		| 'unknown-route'
		| 'method-not-allowed'
		| 'unauthorized'
		| 'invalid-body'
		| 'missing-permissions'
		| 'unknown-resource'
		| 'interaction'
		| 'rate-limited'
		| 'refused'
		| 'gateway'
		| 'other';
	message: string;
	method?: string;
	route?: string;
	path?: string;
	status?: number;
	code?: number;
	at: number;
}

/** Options of `emu.rateLimits.inject`. */
export interface RateLimitInjection {
	/** 'METHOD /path/template', with `:name` or `{name}` placeholders (names are ignored), e.g.
	 * 'PUT /guilds/:id/members/:id/roles/:id'. Omit to match any route. */
	route?: string;
	/** Global rate limit (X-RateLimit-Global: true, scope global). */
	global?: boolean;
	/** Seconds, may be fractional. */
	retryAfter: number;
	/** How many requests get the 429. Default 1 (unlimited with `share`: then `untilMs` ends it). */
	count?: number;
	/** X-RateLimit-Scope. Default 'user' (or 'global' when global). */
	scope?: 'user' | 'global' | 'shared';
	/**
	 * Chaos: each matching request gets the 429 with this probability (0 < share ≤ 1), drawn from a PRNG seeded with
	 * `seed` (default 1) so a run can be replayed. Ends at `untilMs` (epoch ms, real time: clients wait in real time)
	 * or after `count` 429s.
	 */
	share?: number;
	seed?: number;
	untilMs?: number;
	/** Routes ('METHOD /path/template' or '/path/template') this injection never answers, e.g. interaction callbacks. */
	exclude?: string[];
}

/** A connected (or resumable) gateway session of one shard. */
export interface ShardSessionInfo {
	shardId: number;
	shardCount: number;
	intents: number;
	sessionId: string;
	/** Last sequence number sent. */
	seq: number;
	connected: boolean;
	resumable: boolean;
	/** Identify properties the client sent. */
	properties: Record<string, unknown>;
	/** Number of events replayed by the last RESUME. */
	replayed: number;
	resumes: number;
}
