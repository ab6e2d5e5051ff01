/**
 * Test controls for what users do: voice (join, move, mute, deafen, stream, leave), guild membership (join,
 * leave, role or nick changes made by someone else), messages (in a channel, possibly dated in the past, with
 * attachments or stickers, through a webhook, edits, or a DM; checked by AutoMod), moderation by hand in Discord's
 * client (ban, unban, kick, timeout, with their audit log entries), AutoMod rules made by hand, and DM settings.
 * Each changes the world and sends the gateway event Discord would, to the shard that owns the guild, if the bot's
 * intents ask for it.
 */
import {
	AuditLogEvent,
	AutoModerationActionType,
	ChannelType,
	PermissionFlagsBits,
	type APIAttachment,
	type APIAuditLogEntry,
	type APIAutoModerationRule,
	type APIEmbed,
	type APIMessage,
	type APIStickerItem,
	type APIUser,
	type GatewayAutoModerationActionExecutionDispatchData
} from 'discord-api-types/v10';
import type { EmulatorCore } from './core.js';
import type { AddMemberOptions, DmRecord, ModerationActionOptions, VoiceFlags, VoiceUpdate } from './types.js';
import { MAX_AUDIT_LOG_REASON_LENGTH, roleUpdateChanges, type AuditLogEntryInput } from './world/audit.js';
import type { GuildHandle } from './world/guild.js';
import type { MemberChanges, MemberView } from './world/members.js';
import {
	checkMessage,
	checkRule,
	executeActions,
	hasTimeoutAction,
	removeRule,
	ruleLimitIssue,
	rulePayload,
	saveNewRule,
	saveRuleUpdate,
	type AutoModerationCheck,
	type AutoModerationRuleInput
} from './world/autoModeration.js';
import {
	contentTypeFor,
	DEFAULT_CONTROL_ATTACHMENT_SIZE,
	MAX_ATTACHMENTS_PER_MESSAGE,
	type AttachmentDownload,
	type StoredAttachment
} from './world/attachments.js';
import { createMessage, editMessage } from './world/messages.js';
import { canManageRole } from './world/permissions.js';
import type { ChannelState } from './world/state.js';
import { addThreadMember, setArchived, threadActivityRefusal, threadUnarchived } from './world/threads.js';
import {
	banUser,
	checkModerator,
	isAdministrator,
	kickMember,
	MAX_BAN_DELETE_SECONDS,
	MAX_TIMEOUT_MS,
	normalizeTimeout,
	timeoutMember,
	unbanUser
} from './world/moderation.js';

export class VoiceControls {
	public constructor(private readonly core: EmulatorCore) {}

	/** A member connects to a voice channel (VOICE_STATE_UPDATE). Joining while connected moves them. */
	public join(guildId: string, userId: string, channelId: string, flags: VoiceFlags = {}) {
		return this.core.world.guild(guildId).joinVoice(userId, channelId, flags);
	}

	/** A connected member changes flags (self mute, deafen, stream, video...) or moves with `channelId`. */
	public update(guildId: string, userId: string, update: VoiceUpdate) {
		return this.core.world.guild(guildId).updateVoice(userId, update);
	}

	/** A member disconnects (VOICE_STATE_UPDATE with channel_id null). */
	public leave(guildId: string, userId: string) {
		return this.core.world.guild(guildId).leaveVoice(userId);
	}
}

export class MemberControls {
	public constructor(private readonly core: EmulatorCore) {}

	/** A user joins a guild (GUILD_MEMBER_ADD). Returns the member (`id` is the user id). */
	public join(guildId: string, options: AddMemberOptions): MemberView {
		return this.core.world.guild(guildId).addMember(options);
	}

	/** A member leaves (VOICE_STATE_UPDATE if in voice, then GUILD_MEMBER_REMOVE). */
	public leave(guildId: string, userId: string): void {
		this.core.world.guild(guildId).removeMember(userId);
	}

	/** Someone else (a moderator, another bot) changes a member: GUILD_MEMBER_UPDATE. No check, no audit log entry. */
	public update(guildId: string, userId: string, changes: MemberChanges): MemberView {
		return this.core.world.guild(guildId).updateMember(userId, changes);
	}

	/**
	 * `actorId` gives `userId` a role by hand (the member's profile > Roles): MANAGE_ROLES, and the role strictly below
	 * the actor's highest role unless the actor is the owner (Permissions topic, "Permission Hierarchy"); never
	 * @everyone nor a managed role (a bot's or an integration's). GUILD_MEMBER_UPDATE, then a MEMBER_ROLE_UPDATE (25)
	 * entry with `$add` naming the actor. Returns the member and the entry; a role the member already has changes
	 * nothing (`entry` null, nothing sent). Throws where the client offers no such change.
	 */
	public addRole(options: HandRoleChange): { member: MemberView; entry: APIAuditLogEntry | null } {
		return this.#setRole(options, true);
	}

	/** `actorId` takes a role from `userId` by hand: the same checks as {@link addRole}, `$remove` in the entry. */
	public removeRole(options: HandRoleChange): { member: MemberView; entry: APIAuditLogEntry | null } {
		return this.#setRole(options, false);
	}

	#setRole(options: HandRoleChange, add: boolean): { member: MemberView; entry: APIAuditLogEntry | null } {
		const guild = this.core.world.guild(options.guildId);
		if (options.reason && [...options.reason].length > MAX_AUDIT_LOG_REASON_LENGTH) {
			throw new RangeError(`emulator: a reason holds at most ${MAX_AUDIT_LOG_REASON_LENGTH} characters`);
		}
		checkModerator(guild, options.actorId, PermissionFlagsBits.ManageRoles);
		const target = guild.requireMember(options.userId);
		const role = guild.state.roles.get(options.roleId);
		if (!role || role.id === guild.id) throw new Error(`emulator: ${options.roleId} is not an assignable role of ${guild.name}`);
		if (role.managed) throw new Error(`emulator: role ${role.name} is managed by an integration; nobody assigns it by hand`);
		if (!canManageRole(guild.state, guild.requireMember(options.actorId), role)) {
			throw new Error(`emulator: role ${role.name} is not below the highest role of ${options.actorId} (role hierarchy)`);
		}
		const before = [...target.roles];
		if (before.includes(role.id) === add) return { member: guild.member(target.userId)!, entry: null };
		const roles = add ? [...before, role.id] : before.filter((id) => id !== role.id);
		const member = guild.updateMember(target.userId, { roles });
		const entry = guild.recordAuditLogEntry({
			actionType: AuditLogEvent.MemberRoleUpdate,
			userId: options.actorId,
			targetId: target.userId,
			changes: roleUpdateChanges(guild.state, before, roles),
			reason: options.reason
		});
		return { member, entry };
	}
}

/** A member changing someone's roles by hand (`emu.members.addRole` / `removeRole`). */
export interface HandRoleChange {
	guildId: string;
	/** Who makes the change (MANAGE_ROLES, role hierarchy). */
	actorId: string;
	/** Whose roles change. */
	userId: string;
	roleId: string;
	/** The audit log entry's reason (at most 512 characters). */
	reason?: string;
}

/**
 * A file attached to a user message (`emu.messages.send({ attachments })`). It is stored like an upload: its `url` /
 * `proxy_url` on the emulator's CDN serve `content` (or `size` zero bytes) until they expire (see `emu.attachments`).
 */
export interface AttachmentInput {
	/** The file name, kept as given (a user's client sends it; no cleaning). */
	filename: string;
	/** The bytes (a string is UTF-8). Default: `size` zero bytes. */
	content?: Buffer | Uint8Array | string;
	/** Bytes, when there is no `content` (ignored with `content`: the size is its length). Default 1024. */
	size?: number;
	/** MIME type; default: from the extension (png, jpg, gif, webp, txt, json, pdf, zip, mp3, ogg, mp4, webm), else none. */
	contentType?: string;
	/** Pixels, for images and videos. Default: read from a PNG, GIF or JPEG `content`'s header. */
	width?: number;
	height?: number;
	/** Alt text. */
	description?: string;
}

/** A sticker sent with a user message (`emu.messages.send({ stickers })`): a sticker item as Discord sends it. */
export interface StickerInput {
	/** Default: a new snowflake. */
	id?: string;
	name: string;
	/** 1 PNG (default), 2 APNG, 3 LOTTIE, 4 GIF. */
	format_type?: number;
}

/** Options of `emu.messages.send` / `trySend`: who posts what, where (and when). */
export interface UserMessageOptions {
	/** The channel's guild (checked against the channel); default: the channel's. */
	guildId?: string;
	channelId: string;
	/** The author (a member of the channel's guild, or the DM's recipient). Required unless `webhookId` is given. */
	userId?: string;
	/** Default ''. A message needs content, an embed, an attachment or a sticker. */
	content?: string;
	embeds?: APIEmbed[];
	/** Files: each becomes an attachment object (`id`, `filename`, `size`, `content_type`, signed `url` and `proxy_url`
	 * on the emulator's CDN serving its bytes). At most 10. */
	attachments?: AttachmentInput[];
	/** At most 3 stickers (`sticker_items`). */
	stickers?: StickerInput[];
	tts?: boolean;
	/**
	 * Posts through a webhook of this id instead of as a user: `webhook_id` set, the author a bot-like webhook user
	 * (`{ id: webhookId, username: webhookName, bot: true, discriminator: '0000' }`), no `member`. AutoMod does not
	 * check webhook messages.
	 */
	webhookId?: string;
	/** The webhook's name shown as the author's username. Default 'Webhook'. */
	webhookName?: string;
	/** Message id this one replies to. */
	replyTo?: string;
	/**
	 * When the message was posted (ms since the epoch or a Date, at or before now on the emulator clock), to build a
	 * history, e.g. messages older than the 14 days bulk delete accepts. Its id (a snowflake of that moment) and
	 * `timestamp` say so and it takes its place in the channel by id. MESSAGE_CREATE is sent now (the bot would have
	 * seen it then). Default: now.
	 */
	at?: number | Date;
}

/** A user editing their own message (`emu.messages.edit`). */
export interface UserMessageEdit {
	channelId: string;
	messageId: string;
	/** The new content; AutoMod checks it (MESSAGE_SEND rules apply to edits too). */
	content?: string;
	embeds?: APIEmbed[];
}

/**
 * What happened to a message a user sent or edited (`emu.messages.trySend` / `tryEdit`): `message` is the created or
 * edited message, or null when an AutoMod rule's BLOCK_MESSAGE action blocked it (for an edit: the message kept its
 * old content); `blockedBy` lists the rules that blocked it, `triggered` every rule it triggered; `executions` are the
 * AUTO_MODERATION_ACTION_EXECUTION payloads in the order they were sent (with the full `content`, as a session with
 * MESSAGE_CONTENT receives them); `alerts` the alert messages AutoMod posted.
 */
export interface MessageOutcome {
	message: APIMessage | null;
	blockedBy: APIAutoModerationRule[];
	triggered: APIAutoModerationRule[];
	executions: GatewayAutoModerationActionExecutionDispatchData[];
	alerts: APIMessage[];
}

/** Thrown by `emu.messages.send` / `edit` when AutoMod blocked the message; `outcome` says what AutoMod did. */
export class AutoModerationBlockedError extends Error {
	public constructor(public readonly outcome: MessageOutcome) {
		super(`emulator: AutoMod blocked the message (rule ${outcome.blockedBy.map((rule) => JSON.stringify(rule.name)).join(', ')})`);
		this.name = 'AutoModerationBlockedError';
	}
}

/**
 * @deprecated Attachment URLs are on the emulator's own server now (`emu.attachments.baseUrl`, signed and servable);
 * this former fake host is no longer used.
 */
export const EMULATOR_CDN_URL = 'https://cdn.discord-emulator.invalid';
/** @deprecated See {@link EMULATOR_CDN_URL}: `proxy_url`s are `${emu.attachments.baseUrl}/media/attachments/...`. */
export const EMULATOR_MEDIA_URL = 'https://media.discord-emulator.invalid';

/**
 * Messages users send (`send`, `trySend`, `sendDm`) and edit (`edit`, `tryEdit`), checked by AutoMod in guilds, and
 * readers of what was posted (`in`, `dmsTo`).
 */
export class MessageControls {
	public constructor(private readonly core: EmulatorCore) {}

	/**
	 * A user (or, with `webhookId`, a webhook) sends a message in a channel (MESSAGE_CREATE with `member`; content,
	 * embeds and attachments empty for a bot without the MESSAGE_CONTENT intent unless it is mentioned). In a guild,
	 * AutoMod checks it first (see {@link trySend}). Returns the message. Throws when the user cannot post there, the
	 * message is empty, and {@link AutoModerationBlockedError} when an AutoMod rule blocked it (its actions ran: alerts,
	 * timeouts, AUTO_MODERATION_ACTION_EXECUTION).
	 */
	public send(options: UserMessageOptions): APIMessage {
		const outcome = this.trySend(options);
		if (!outcome.message) throw new AutoModerationBlockedError(outcome);
		return outcome.message;
	}

	/**
	 * Like {@link send}, but a message AutoMod blocks does not throw: it answers what happened. Before the message is
	 * created, the guild's enabled MESSAGE_SEND rules are checked (../world/autoModeration.ts: KEYWORD keywords,
	 * regexes and allow list, MENTION_SPAM; exempt roles and channels; bots, webhooks, the owner and members with
	 * ADMINISTRATOR or MANAGE_GUILD are exempt). Blocked: no message, no MESSAGE_CREATE. Otherwise MESSAGE_CREATE, then
	 * the rules' other actions. Throws for what Discord's client would not send (see {@link send}).
	 */
	public trySend(options: UserMessageOptions): MessageOutcome {
		const { world } = this.core;
		const channel = world.channels.get(options.channelId);
		if (!channel) throw new Error(`emulator: no channel ${options.channelId}`);
		const content = options.content ?? '';
		const attachments = options.attachments ?? [];
		const stickers = options.stickers ?? [];
		if (stickers.length > 3) throw new RangeError('emulator: a message carries at most 3 stickers');
		if (attachments.length > MAX_ATTACHMENTS_PER_MESSAGE) throw new RangeError('emulator: a message carries at most 10 attachments');
		if (!content && !options.embeds?.length && !attachments.length && !stickers.length) {
			throw new Error('emulator: a message needs content, an embed, an attachment or a sticker');
		}
		const guild = channel.guildId ? world.guild(options.guildId ?? channel.guildId) : undefined;
		if (guild && guild.id !== channel.guildId) throw new Error(`emulator: channel ${channel.name} is not in ${guild.name}`);
		const webhookId = options.webhookId;
		let authorId: string;
		if (webhookId !== undefined) {
			if (!guild) throw new Error('emulator: webhooks post in guild channels only');
			if (!/^\d{17,20}$/.test(webhookId)) throw new Error(`emulator: webhook id ${webhookId} is not a snowflake`);
			authorId = webhookId;
		} else {
			if (!options.userId) throw new Error('emulator: a message needs userId (or webhookId)');
			authorId = options.userId;
			if (guild) {
				guild.requireMember(authorId);
				this.#requireWritable(channel, authorId, 'send');
			} else if (!channel.recipients?.includes(authorId)) throw new Error(`emulator: ${authorId} is not in DM channel ${channel.id}`);
		}
		const at = options.at instanceof Date ? options.at.getTime() : options.at;
		if (at !== undefined && at > this.core.clock.now()) throw new Error('emulator: a message cannot be posted in the future');
		const check = guild
			? checkMessage(guild, { authorId, channel, content, webhook: webhookId !== undefined })
			: { matches: [], blocked: false };
		let message: APIMessage | null = null;
		if (!check.blocked) {
			if (guild && channel.thread && webhookId === undefined) this.#enterThread(guild, channel, authorId);
			message = createMessage(world, channel, {
				authorId,
				...(webhookId !== undefined
					? {
							author: {
								id: webhookId,
								username: options.webhookName ?? 'Webhook',
								avatar: null,
								discriminator: '0000',
								global_name: null,
								bot: true
							} as APIUser,
							webhookId
						}
					: {}),
				content,
				embeds: options.embeds,
				attachments: attachments.map((file) => this.#attachment(channel.id, authorId, file)),
				stickerItems: stickers.map((sticker) => ({
					id: sticker.id ?? world.context.ids.next(),
					name: sticker.name,
					format_type: sticker.format_type ?? 1
				})) as APIStickerItem[],
				tts: options.tts,
				messageReference: options.replyTo ? { message_id: options.replyTo } : undefined,
				at
			});
			this.core.attachments.bind(message.attachments, message.id);
		}
		return this.#outcome(guild, check, message, { authorId, channel, content, messageId: message?.id });
	}

	/**
	 * A user edits their own message (content and/or embeds): MESSAGE_UPDATE with `edited_timestamp` and the mentions
	 * of the new content. AutoMod checks the new content like a new message (MESSAGE_SEND rules apply "when a member
	 * sends or edits a message"); see {@link tryEdit}. Returns the edited message; throws
	 * {@link AutoModerationBlockedError} when a rule blocked the edit (the message keeps its old content).
	 */
	public edit(options: UserMessageEdit): APIMessage {
		const outcome = this.tryEdit(options);
		if (!outcome.message) throw new AutoModerationBlockedError(outcome);
		return outcome.message;
	}

	/**
	 * Like {@link edit}, but a blocked edit answers what happened instead of throwing. Blocked: no MESSAGE_UPDATE, the
	 * message is unchanged, `message` is null; Discord's client then shows the member that the edit was blocked. The
	 * executions carry `message_id` (the content belongs to that existing message). Not blocked: MESSAGE_UPDATE, then
	 * the other actions (an alert's `flagged_message_id` is the message). Throws for a message of the bot or a webhook
	 * (a user edits only their own) and for an edit that would leave the message empty.
	 */
	public tryEdit(options: UserMessageEdit): MessageOutcome {
		const { world } = this.core;
		const channel = world.channels.get(options.channelId);
		if (!channel) throw new Error(`emulator: no channel ${options.channelId}`);
		const message = channel.messages.get(options.messageId);
		if (!message) throw new Error(`emulator: no message ${options.messageId} in channel ${options.channelId}`);
		if (message.webhook_id || message.author.id === this.core.bot.id) {
			throw new Error('emulator: messages.edit is a user editing their own message; the bot edits through REST');
		}
		const content = options.content ?? message.content;
		const embeds = options.embeds ?? message.embeds;
		if (!content && !embeds.length && !message.attachments.length && !message.sticker_items?.length) {
			throw new Error('emulator: an edit cannot leave a message empty');
		}
		const guild = channel.guildId ? world.guild(channel.guildId) : undefined;
		const authorId = message.author.id;
		if (guild) this.#requireWritable(channel, authorId, 'edit');
		const check = guild && options.content !== undefined ? checkMessage(guild, { authorId, channel, content }) : { matches: [], blocked: false };
		const edited = check.blocked
			? null
			: editMessage(world, channel, message, {
					...(options.content !== undefined ? { content } : {}),
					...(options.embeds !== undefined ? { embeds } : {})
				});
		return this.#outcome(guild, check, edited, { authorId, channel, content, messageId: message.id });
	}

	/** A user writes to the bot in DMs (MESSAGE_CREATE on shard 0, DIRECT_MESSAGES intent). */
	public sendDm(options: { userId: string; content: string }): APIMessage {
		const { world } = this.core;
		if (!world.users.has(options.userId)) throw new Error(`emulator: no user ${options.userId}`);
		const channel = world.dmChannel(options.userId);
		return createMessage(world, channel, { authorId: options.userId, content: options.content });
	}

	/** Messages of a channel (guild or DM), oldest first. */
	public in(channelId: string): APIMessage[] {
		const channel = this.core.world.channels.get(channelId);
		if (!channel) throw new Error(`emulator: no channel ${channelId}`);
		return [...channel.messages.values()];
	}

	/** Messages the bot sent to a user in DMs, oldest first. */
	public dmsTo(userId: string): APIMessage[] {
		return this.in(this.core.world.dmChannel(userId).id).filter((message) => message.author.id === this.core.bot.id);
	}

	/**
	 * Throws where Discord's client would not let the member write: a channel they cannot see (VIEW_CHANNEL; a private
	 * thread they are not in without MANAGE_THREADS), an archived and locked thread, a locked thread without
	 * MANAGE_THREADS, an edit in an archived thread (world/threads.ts `threadActivityRefusal`). SEND_MESSAGES itself is
	 * not checked.
	 */
	#requireWritable(channel: ChannelState, authorId: string, activity: 'send' | 'edit'): void {
		const { world } = this.core;
		const name = world.users.get(authorId)?.username ?? authorId;
		if (!world.memberCanView(channel, authorId)) {
			const what = channel.type === ChannelType.PrivateThread ? `private thread ${channel.name} (not in it, no MANAGE_THREADS)` : `#${channel.name}`;
			throw new Error(`emulator: ${name} cannot see ${what}; Discord's client would not let them write there`);
		}
		const refusal = threadActivityRefusal(world, channel, authorId, activity);
		if (refusal) throw new Error(`emulator: ${name} cannot ${activity === 'send' ? 'post' : 'edit a message'} there: ${refusal.detail} (${refusal.code})`);
	}

	/**
	 * A member's message in a thread: an archived (unlocked) thread is unarchived first (THREAD_UPDATE), and a member
	 * not in the thread joins it (THREAD_MEMBERS_UPDATE), as posting in a thread does in Discord's client.
	 */
	#enterThread(guild: GuildHandle, channel: ChannelState, authorId: string): void {
		const { world } = this.core;
		if (channel.thread?.archived) {
			setArchived(world, channel, false);
			guild.channelUpdated(channel);
			threadUnarchived(world, channel);
		}
		if (!channel.threadMembers?.has(authorId)) addThreadMember(world, channel, authorId);
	}

	/** Runs AutoMod's actions for a checked message and says what happened. */
	#outcome(
		guild: GuildHandle | undefined,
		check: AutoModerationCheck,
		message: APIMessage | null,
		input: { authorId: string; channel: ChannelState; content: string; messageId?: string }
	): MessageOutcome {
		const triggered = check.matches.map((match) => rulePayload(match.rule));
		const blockedBy = check.matches
			.filter((match) => match.rule.actions.some((action) => action.type === AutoModerationActionType.BlockMessage))
			.map((match) => rulePayload(match.rule));
		if (!guild || !check.matches.length) return { message, blockedBy, triggered, executions: [], alerts: [] };
		const { executions, alerts } = executeActions(guild, check, input);
		return { message, blockedBy, triggered, executions, alerts };
	}

	/** An attachment object ("Attachment Object"): stored with its bytes, URLs signed on the emulator's CDN. */
	#attachment(channelId: string, authorId: string, file: AttachmentInput): APIAttachment {
		const bytes =
			file.content === undefined ? null : typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : Buffer.from(file.content);
		const store = this.core.attachments;
		const stored = store.add({
			channelId,
			filename: file.filename,
			bytes,
			size: file.size ?? DEFAULT_CONTROL_ATTACHMENT_SIZE,
			contentType: file.contentType ?? contentTypeFor(file.filename) ?? null,
			...(file.description === undefined ? {} : { description: file.description }),
			...(file.width === undefined ? {} : { width: file.width }),
			...(file.height === undefined ? {} : { height: file.height }),
			uploaderId: authorId,
			via: 'control'
		});
		return store.payload(stored);
	}
}

/** An attachment the emulator stores, as `emu.attachments` reads it. */
export interface AttachmentInfo {
	id: string;
	channelId: string;
	/** The message it is on (null if that message was never created). */
	messageId: string | null;
	filename: string;
	contentType: string | null;
	/** True byte count. */
	size: number;
	bytes: Buffer;
	/** Who uploaded it: the bot for REST uploads, the author for `emu.messages.send`. */
	uploaderId: string;
	/** 'rest' (a multipart `files[n]` part) or 'control' (`emu.messages.send`). */
	via: 'rest' | 'control';
	/** `METHOD /route` of a REST upload. */
	route?: string;
	/** Emulator time (ms) of the upload. */
	uploadedAt: number;
	/** Still on its message: false once the message or channel is deleted or an edit removed it. */
	available: boolean;
	/** `url` / `proxy_url` signed now, as a REST read of its message would give them. */
	url: string;
	proxyUrl: string;
}

/** What a valid attachment URL serves (`emu.attachments.get(url)`). */
export interface ServedAttachment {
	id: string;
	channelId: string;
	messageId: string | null;
	filename: string;
	contentType: string | null;
	size: number;
	bytes: Buffer;
	uploaderId: string;
	/** Emulator time (ms) the URL expires (its `ex`). */
	expiresAt: number;
	/** Emulator time (ms) the URL was issued (its `is`). */
	issuedAt: number;
}

/**
 * Attachments and the emulator's CDN (`emu.attachments`): every attachment's bytes are kept in memory and served at
 * its signed `url` / `proxy_url` (`${baseUrl}/attachments/<channel_id>/<attachment_id>/<filename>?ex=&is=&hm=&`,
 * `proxy_url` under `/media/attachments/...`) until `ex` on the emulator clock (advancing `emu.clock` past
 * {@link lifetimeMs} expires them) and while the attachment is on its message. Any other request answers 404.
 */
export class AttachmentControls {
	public constructor(private readonly core: EmulatorCore) {}

	/** `http://127.0.0.1:<port>`: the host of attachment URLs (the emulator's own server). */
	public get baseUrl(): string {
		return this.core.attachments.baseUrl;
	}

	/** How long a signed URL is valid, in ms (start option `attachmentUrlLifetimeMs`, default 24 h). */
	public get lifetimeMs(): number {
		return this.core.attachments.lifetimeMs;
	}

	/** The largest file the bot may upload, in bytes (start option `attachmentSizeLimit`, default 10 MiB). */
	public get sizeLimit(): number {
		return this.core.attachments.sizeLimit;
	}

	/** The largest request body, in bytes (start option `requestSizeLimit`, default 25 MiB). */
	public get requestSizeLimit(): number {
		return this.core.attachments.requestSizeLimit;
	}

	/**
	 * What a GET of `url` (absolute, or the path with its query) would serve now: the bytes and who they are, or null
	 * when it would answer 404 (unsigned, tampered, expired on the emulator clock, unknown, or the message / channel
	 * deleted or the attachment removed by an edit). See {@link why}.
	 */
	public get(url: string): ServedAttachment | null {
		const result = this.core.attachments.resolve(url);
		if ('refusal' in result) return null;
		const { attachment } = result;
		return {
			id: attachment.id,
			channelId: attachment.channelId,
			messageId: attachment.messageId,
			filename: attachment.filename,
			contentType: attachment.contentType,
			size: attachment.size,
			bytes: this.core.attachments.bytesOf(attachment),
			uploaderId: attachment.uploaderId,
			expiresAt: result.expiresAt,
			issuedAt: result.issuedAt
		};
	}

	/** Why a GET of `url` would answer 404 now ('unknown', 'unsigned', 'bad-signature', 'expired', 'deleted'), or null when it serves the file. */
	public why(url: string): 'unknown' | 'unsigned' | 'bad-signature' | 'expired' | 'deleted' | null {
		const result = this.core.attachments.resolve(url);
		return 'refusal' in result ? result.refusal : null;
	}

	/**
	 * Makes every URL issued so far invalid at once (a new signing key: they answer 404 like expired ones), without
	 * moving the clock; URLs signed afterwards (a new REST read of the message) work. Advancing `emu.clock` past
	 * {@link lifetimeMs} expires URLs too, and also the ones a test kept from `emu.messages.in()`.
	 */
	public expireAll(): void {
		this.core.attachments.rotateKey();
	}

	/** Attachments uploaded by a user (default: the bot, i.e. its REST uploads), oldest first, with their bytes. */
	public uploadedBy(userId: string = this.core.bot.id): AttachmentInfo[] {
		return this.core.attachments.all.filter((attachment) => attachment.uploaderId === userId).map((attachment) => this.#info(attachment));
	}

	/** Every stored attachment (REST uploads and test-control files), oldest first. */
	public all(): AttachmentInfo[] {
		return this.core.attachments.all.map((attachment) => this.#info(attachment));
	}

	/** Every request made to the CDN (GET / HEAD of attachment URLs), oldest first: `{ url, status, attachmentId, reason?, at }`. */
	public get downloads(): readonly AttachmentDownload[] {
		return this.core.attachments.downloads;
	}

	#info(attachment: StoredAttachment): AttachmentInfo {
		const store = this.core.attachments;
		const { url, proxyUrl } = store.signedUrls(attachment);
		return {
			id: attachment.id,
			channelId: attachment.channelId,
			messageId: attachment.messageId,
			filename: attachment.filename,
			contentType: attachment.contentType,
			size: attachment.size,
			bytes: store.bytesOf(attachment),
			uploaderId: attachment.uploaderId,
			via: attachment.via,
			...(attachment.route ? { route: attachment.route } : {}),
			uploadedAt: attachment.uploadedAt,
			available: store.isAvailable(attachment),
			url,
			proxyUrl
		};
	}
}

/**
 * Moderation "by hand": a member acts in Discord's own client (the member list's Ban / Kick / Timeout menu). Each
 * control checks what the client would check (the actor holds the permission, the target is not the actor nor the
 * owner, and a target member's highest role is below the actor's unless the actor is the owner; see
 * world/moderation.ts) and throws an Error otherwise; then makes the same change and sends the same gateway events as
 * the REST route, and adds the audit log entry with the member as `user_id` (GUILD_AUDIT_LOG_ENTRY_CREATE to a bot
 * with VIEW_AUDIT_LOG). Each returns that entry. A reason longer than 512 characters throws (the client does not
 * accept one).
 */
export class ModerationControls {
	public constructor(private readonly core: EmulatorCore) {}

	/**
	 * Bans a user (a member, or a user who left): BAN_MEMBERS. GUILD_BAN_ADD, GUILD_MEMBER_REMOVE if a member,
	 * MESSAGE_DELETE_BULK per channel for their messages of the last `deleteMessageSeconds` (0–604800), then
	 * MEMBER_BAN_ADD.
	 */
	public ban(guildId: string, options: ModerationActionOptions & { deleteMessageSeconds?: number }): APIAuditLogEntry {
		const guild = this.#prepare(guildId, options, PermissionFlagsBits.BanMembers);
		if (guild.state.bans.has(options.targetId)) throw new Error(`emulator: ${options.targetId} is already banned`);
		const seconds = options.deleteMessageSeconds ?? 0;
		if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_BAN_DELETE_SECONDS) {
			throw new RangeError(`emulator: deleteMessageSeconds must be an integer from 0 to ${MAX_BAN_DELETE_SECONDS}`);
		}
		return banUser(guild, { ...options, deleteMessageSeconds: seconds });
	}

	/** Lifts a ban (Server Settings > Bans > Revoke Ban): BAN_MEMBERS. GUILD_BAN_REMOVE, then MEMBER_BAN_REMOVE. */
	public unban(guildId: string, options: ModerationActionOptions): APIAuditLogEntry {
		const guild = this.#prepare(guildId, options, PermissionFlagsBits.BanMembers);
		if (!guild.state.bans.has(options.targetId)) throw new Error(`emulator: ${options.targetId} is not banned`);
		return unbanUser(guild, options);
	}

	/** Kicks a member: KICK_MEMBERS. GUILD_MEMBER_REMOVE (after VOICE_STATE_UPDATE if in voice), then MEMBER_KICK. */
	public kick(guildId: string, options: ModerationActionOptions): APIAuditLogEntry {
		const guild = this.#prepare(guildId, options, PermissionFlagsBits.KickMembers);
		guild.requireMember(options.targetId);
		return kickMember(guild, options);
	}

	/**
	 * Times a member out until `until` (a Date, ms since the epoch or an ISO timestamp; in the future, at most 28 days
	 * ahead): MODERATE_MEMBERS, never on an administrator. GUILD_MEMBER_UPDATE, then MEMBER_UPDATE with the
	 * `communication_disabled_until` change.
	 */
	public timeout(guildId: string, options: ModerationActionOptions & { until: Date | number | string }): APIAuditLogEntry {
		const guild = this.#prepare(guildId, options, PermissionFlagsBits.ModerateMembers);
		guild.requireMember(options.targetId);
		if (isAdministrator(guild, options.targetId)) throw new Error(`emulator: administrators cannot be timed out`);
		const until = normalizeTimeout(options.until)!;
		const ahead = Date.parse(until) - this.core.clock.now();
		if (Number.isNaN(ahead) || ahead <= 0 || ahead > MAX_TIMEOUT_MS) {
			throw new RangeError('emulator: a timeout ends in the future, at most 28 days ahead');
		}
		return timeoutMember(guild, { ...options, until })!;
	}

	/** Removes a member's timeout ("Remove Timeout"): MODERATE_MEMBERS. GUILD_MEMBER_UPDATE, then MEMBER_UPDATE. */
	public untimeout(guildId: string, options: ModerationActionOptions): APIAuditLogEntry {
		const guild = this.#prepare(guildId, options, PermissionFlagsBits.ModerateMembers);
		const member = guild.requireMember(options.targetId);
		const until = member.communicationDisabledUntil;
		if (!until || Date.parse(until) <= this.core.clock.now()) throw new Error(`emulator: ${options.targetId} is not timed out`);
		return timeoutMember(guild, { ...options, until: null })!;
	}

	/**
	 * Adds any audit log entry (an action the emulator does not perform itself, such as an automod timeout or a
	 * prune), sending GUILD_AUDIT_LOG_ENTRY_CREATE like the others. No check, no state change.
	 */
	public recordEntry(guildId: string, entry: AuditLogEntryInput): APIAuditLogEntry {
		return this.core.world.guild(guildId).recordAuditLogEntry(entry);
	}

	#prepare(guildId: string, options: ModerationActionOptions, permission: bigint): GuildHandle {
		const guild = this.core.world.guild(guildId);
		if (options.reason && [...options.reason].length > MAX_AUDIT_LOG_REASON_LENGTH) {
			throw new RangeError(`emulator: a reason holds at most ${MAX_AUDIT_LOG_REASON_LENGTH} characters`);
		}
		checkModerator(guild, options.actorId, permission, options.targetId);
		return guild;
	}
}

/**
 * Who accepts DMs from the bot, and what the bot sent. Sending a DM answers 403 50007 when the user closed their DMs
 * ({@link close}), shares no guild with the bot any more (after a kick or ban), or is a bot.
 */
export class DmControls {
	public constructor(private readonly core: EmulatorCore) {}

	/** The user stops accepting DMs from the bot (privacy settings, or they block it): sends answer 50007. */
	public close(userId: string): void {
		this.#user(userId).dmsOpen = false;
	}

	/** The user accepts DMs from the bot again (they still need a guild in common with it). */
	public open(userId: string): void {
		this.#user(userId).dmsOpen = true;
	}

	/** Why a DM from the bot would be refused now ('closed', 'no-mutual-guild', 'bot'), or null when it would arrive. */
	public refusal(userId: string): 'bot' | 'closed' | 'no-mutual-guild' | null {
		this.#user(userId);
		return this.core.world.dmRefusal(userId) as 'bot' | 'closed' | 'no-mutual-guild' | null;
	}

	/**
	 * DMs the bot sent successfully (to `userId`, or to anyone), in the order they were sent. Each carries the
	 * recorder's `seq`, to compare with other calls: `dms.sent(id)[0].seq < recorder.calls('PUT /guilds/:id/bans/:id')[0].seq`
	 * means the DM went out before the ban.
	 */
	public sent(userId?: string): DmRecord[] {
		const { world, recorder } = this.core;
		const records: DmRecord[] = [];
		for (const record of recorder.calls('POST /channels/{channel_id}/messages')) {
			if (record.status !== 200) continue;
			const channel = world.channels.get(record.params.channel_id!);
			const recipient = channel?.recipients?.[0];
			if (!channel || channel.guildId || !recipient || (userId !== undefined && recipient !== userId)) continue;
			const message = record.response as APIMessage;
			records.push({ userId: recipient, channelId: channel.id, message, content: message.content, embeds: message.embeds, seq: record.seq, at: record.at });
		}
		return records;
	}

	#user(userId: string) {
		const user = this.core.world.users.get(userId);
		if (!user) throw new Error(`emulator: no user ${userId}`);
		return user;
	}
}

/** A rule made by hand in Discord's client (Server Settings > AutoMod): the REST body plus who made it. */
export type HandMadeRule = AutoModerationRuleInput & {
	/** The member who makes it (MANAGE_GUILD; MODERATE_MEMBERS too for a TIMEOUT action): the rule's `creator_id`. */
	creatorId: string;
	/** The audit log entry's reason (at most 512 characters). */
	reason?: string;
};

/**
 * AutoMod by hand: a guild admin making, changing or deleting rules in Discord's client, with the same checks as the
 * REST routes (../world/autoModeration.ts `checkRule`: the docs' limits, the rules per trigger type, regexes that
 * compile, an alert channel of the guild) plus the permissions the client needs (MANAGE_GUILD; MODERATE_MEMBERS for
 * a TIMEOUT action). A refusal throws an Error naming the problem. Each change sends AUTO_MODERATION_RULE_CREATE /
 * UPDATE / DELETE (to a bot with MANAGE_GUILD) and adds the audit log entry (140 / 141 / 142) naming the member.
 * Readers return rules as Discord's API does.
 */
export class AutoModerationControls {
	public constructor(private readonly core: EmulatorCore) {}

	/** The guild's rules, in creation order (as `GET /guilds/{guild_id}/auto-moderation/rules`). */
	public rules(guildId: string): APIAutoModerationRule[] {
		return this.core.world.guild(guildId).autoModerationRules;
	}

	/** One rule of the guild, or undefined. */
	public rule(guildId: string, ruleId: string): APIAutoModerationRule | undefined {
		const rule = this.core.world.guild(guildId).state.autoModerationRules.get(ruleId);
		return rule && rulePayload(rule);
	}

	/**
	 * Creates a rule (`name`, `event_type`, `trigger_type`, `trigger_metadata`, `actions`, `enabled`, `exempt_roles`,
	 * `exempt_channels`, as the REST body) made by `creatorId`. Returns it as Discord returns it (defaults filled in).
	 * Throws when the member lacks a permission, the rule is invalid, or the guild has the most rules of its type.
	 */
	public createRule(guildId: string, options: HandMadeRule): APIAutoModerationRule {
		const { creatorId, reason, ...body } = options;
		const guild = this.#prepare(guildId, creatorId, body, reason);
		const { rule, issues } = checkRule(guild, body);
		if (!rule) throw invalidRule(issues);
		const limit = ruleLimitIssue(guild.state, rule.trigger_type);
		if (limit) throw new Error(`emulator: ${limit.message}`);
		return saveNewRule(guild, rule, { userId: creatorId, reason });
	}

	/**
	 * Changes a rule (any of the create fields but `trigger_type`, which a rule keeps), as `actorId`. Returns the rule.
	 * Throws like {@link createRule}, and for an unknown rule.
	 */
	public updateRule(
		guildId: string,
		ruleId: string,
		options: Omit<AutoModerationRuleInput, 'trigger_type'> & { actorId: string; reason?: string }
	): APIAutoModerationRule {
		const { actorId, reason, ...body } = options;
		const guild = this.#prepare(guildId, actorId, body, reason);
		const existing = this.#rule(guild, ruleId);
		const { rule, issues } = checkRule(guild, body, existing);
		if (!rule) throw invalidRule(issues);
		return saveRuleUpdate(guild, ruleId, rule, { userId: actorId, reason });
	}

	/** Deletes a rule as `actorId` (MANAGE_GUILD). Returns the deleted rule. Throws for an unknown rule. */
	public deleteRule(guildId: string, ruleId: string, options: { actorId: string; reason?: string }): APIAutoModerationRule {
		const guild = this.#prepare(guildId, options.actorId, {}, options.reason);
		this.#rule(guild, ruleId);
		return removeRule(guild, ruleId, { userId: options.actorId, reason: options.reason });
	}

	/**
	 * Every AUTO_MODERATION_ACTION_EXECUTION AutoMod performed (in a guild, or everywhere), oldest first, with the
	 * full `content` and `matched_content` (whether or not a session received them).
	 */
	public executions(guildId?: string): GatewayAutoModerationActionExecutionDispatchData[] {
		const guilds = guildId ? [this.core.world.guild(guildId)] : this.core.world.guilds;
		return guilds.flatMap((guild) => guild.state.autoModerationExecutions.map((execution) => structuredClone(execution)));
	}

	#prepare(guildId: string, actorId: string, body: AutoModerationRuleInput, reason: string | undefined): GuildHandle {
		const guild = this.core.world.guild(guildId);
		if (reason && [...reason].length > MAX_AUDIT_LOG_REASON_LENGTH) {
			throw new RangeError(`emulator: a reason holds at most ${MAX_AUDIT_LOG_REASON_LENGTH} characters`);
		}
		checkModerator(guild, actorId, PermissionFlagsBits.ManageGuild);
		if (hasTimeoutAction(body)) checkModerator(guild, actorId, PermissionFlagsBits.ModerateMembers);
		return guild;
	}

	#rule(guild: GuildHandle, ruleId: string): APIAutoModerationRule {
		const rule = guild.state.autoModerationRules.get(ruleId);
		if (!rule) throw new Error(`emulator: no auto moderation rule ${ruleId} in ${guild.name}`);
		return rule;
	}
}

/** The Error of a rule Discord would refuse: every problem as `path: CODE message`. */
function invalidRule(issues: { path: string; code: string; message: string }[]): Error {
	const lines = issues.map((issue) => `${issue.path || '(rule)'}: ${issue.code} ${issue.message}`);
	return new Error(`emulator: invalid auto moderation rule: ${lines.join('; ')}`);
}
