import { z } from 'zod';
import type { DeepReadonly } from '../../../lib/plugins/context.js';

/**
 * The tickets plugin's per-guild configuration (issue 10): ticket types, panels, the staff log and transcript
 * channels, auto-close, close-request and reopen times, feedback, the blocklist. Every field has a default, so
 * `ticketsConfigSchema.parse({})` is a working (empty) configuration (tests/core/contracts.test.ts checks it).
 *
 * Types and panels live here (not in tables) because they are few (Discord shows at most 25 options in a select menu)
 * and are read on every panel click: the settings cache answers from memory, and every change goes through the
 * atomic `ctx.updateConfig`.
 */

/** The plugin's name: its key in guild settings and its translation namespace (`locales/<locale>/tickets.json`). */
export const TICKETS_PLUGIN_NAME = 'tickets';

/** A Discord snowflake as a decimal string (17 to 20 digits; see src/plugins/voice-xp/lib/config.ts for why). */
export const snowflakeSchema = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17 to 20 digits)');

/** A short id chosen by the admin for a type or panel (`support`, `appeal-1`): lower-case letters, digits, dashes. */
export const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1 to 32 lower-case letters, digits or dashes');

/** Most ticket types per guild, and most types on one panel: 25, the options of one select menu (Discord limit). */
export const MAX_TYPES = 25;

/** Most panels per guild: 25 (our limit; each is one message). */
export const MAX_PANELS = 25;

/** Most questions of a type: 5, the text inputs one modal holds (Discord limit). */
export const MAX_QUESTIONS = 5;

/** A modal text input's label: at most 45 characters (Discord limit). */
export const QUESTION_LABEL_MAX = 45;

/** A modal text input's value: at most 4,000 characters (Discord limit). */
export const ANSWER_MAX = 4_000;

/** Buttons show at most five on a row: a panel with more types shows a select menu (issue 10). */
export const PANEL_BUTTONS_MAX = 5;

/** Discord's limit of channels in one category: 50 (error 50035 CHANNEL_PARENT_MAX_CHANNELS past it). */
export const CATEGORY_CHANNELS_MAX = 50;

/** A channel name: 1 to 100 characters (Discord limit). */
export const CHANNEL_NAME_MAX = 100;

/** A question asked in the open modal (one text input). Lengths in characters. */
export const questionSchema = z
	.object({
		label: z.string().trim().min(1).max(QUESTION_LABEL_MAX),
		/** `short`: one line; `paragraph`: several lines (Discord text input styles 1 and 2). */
		style: z.enum(['short', 'paragraph']).default('short'),
		required: z.boolean().default(true),
		placeholder: z.string().max(100).nullable().default(null),
		minLength: z.number().int().min(0).max(ANSWER_MAX).default(0),
		maxLength: z.number().int().min(1).max(ANSWER_MAX).default(1_000)
	})
	.refine((question) => question.minLength <= question.maxLength, { message: 'minLength must not exceed maxLength', path: ['minLength'] });

/** A question (output of {@link questionSchema}). */
export type TicketQuestion = z.output<typeof questionSchema>;

/**
 * A ticket type (support, report, appeal...): who handles it, what is asked, where its tickets go and its limits.
 *
 * - `mode: 'channel'`: a text channel in `categoryId` (null: at the top of the channel list), seen by the opener and
 *   `staffRoleIds`; a full category (50 channels) overflows into "<name> 2", "<name> 3"... (service/channels.ts).
 * - `mode: 'thread'`: a private thread in `channelId` (required in this mode); staff are added on claim or join from
 *   the staff log.
 */
export const ticketTypeSchema = z.object({
	id: slugSchema,
	/** Shown on the panel's button or select option: at most 80 characters (a button label's limit). */
	name: z.string().trim().min(1).max(80),
	/** A unicode emoji or a custom emoji `<:name:id>`, shown on the button. */
	emoji: z.string().max(64).nullable().default(null),
	/** Shown in the select menu and the welcome message: at most 100 characters (a select option's limit). */
	description: z.string().max(100).nullable().default(null),
	mode: z.enum(['channel', 'thread']).default('channel'),
	categoryId: snowflakeSchema.nullable().default(null),
	channelId: snowflakeSchema.nullable().default(null),
	staffRoleIds: z.array(snowflakeSchema).max(20).default([]),
	pingRoleIds: z.array(snowflakeSchema).max(10).default([]),
	/** A member needs at least one of these roles to open one (empty: anyone). */
	requiredRoleIds: z.array(snowflakeSchema).max(20).default([]),
	questions: z.array(questionSchema).max(MAX_QUESTIONS).default([]),
	/** The channel or thread name: `{number}`, `{username}`, `{type}` are replaced; cut to 100 characters. */
	nameTemplate: z.string().trim().min(1).max(CHANNEL_NAME_MAX).default('{number}-{username}'),
	/** Open tickets of this type one member may have at once (default 1). */
	maxOpenPerMember: z.number().int().min(1).max(50).default(1),
	/** Open tickets of this type in the guild at once (null: no limit). */
	maxOpenTotal: z.number().int().min(1).max(10_000).nullable().default(null),
	/** Seconds a member waits after opening one before opening another of this type (0: none). */
	cooldownSeconds: z.number().int().min(0).max(30 * 86_400).default(0),
	/** While claimed, only the claimer, the opener and admins (Manage Server) may write (channel mode). */
	claimRestrictsWriting: z.boolean().default(false)
});

/** A ticket type (output of {@link ticketTypeSchema}). */
export type TicketType = z.output<typeof ticketTypeSchema>;

/** A panel: a message in `channelId` with a button per type (a select menu past five). `messageId` once posted. */
export const panelSchema = z.object({
	id: slugSchema,
	channelId: snowflakeSchema,
	messageId: snowflakeSchema.nullable().default(null),
	/** The embed's title (at most 256 characters, an embed title's limit) and description (at most 4,096). */
	title: z.string().max(256).nullable().default(null),
	description: z.string().max(4_096).nullable().default(null),
	typeIds: z.array(slugSchema).min(1).max(MAX_TYPES)
});

/** A panel (output of {@link panelSchema}). */
export type TicketPanel = z.output<typeof panelSchema>;

/** The zod schema of the plugin's configuration; see each field for its meaning, unit and default. */
export const ticketsConfigSchema = z.object({
	types: z.array(ticketTypeSchema).max(MAX_TYPES).default([]),
	panels: z.array(panelSchema).max(MAX_PANELS).default([]),
	/** Where opens, claims, closes and reopens are logged (null: nowhere). */
	staffLogChannelId: snowflakeSchema.nullable().default(null),
	/** Where transcripts are posted (null: nowhere; they can still go to the opener by DM). */
	transcriptChannelId: snowflakeSchema.nullable().default(null),
	/** Also send the transcript to the opener by DM. */
	dmTranscript: z.boolean().default(false),
	/** Bytes of attachments one transcript keeps (images inlined plus files re-uploaded); past it, listed by name. 25 MiB. */
	transcriptAttachmentCapBytes: z.number().int().min(0).max(500 * 1024 * 1024).default(25 * 1024 * 1024),
	/** Seconds without a message before a ticket gets the inactivity warning (null: no auto-close). */
	autoCloseInactiveSeconds: z.number().int().min(60).max(90 * 86_400).nullable().default(null),
	/** Seconds after the warning before the ticket closes unless someone writes (default 1 day). */
	autoCloseWarningSeconds: z.number().int().min(60).max(30 * 86_400).default(86_400),
	/** Default delay of `/ticket close-request`, seconds (default 1 day). */
	closeRequestDelaySeconds: z.number().int().min(60).max(30 * 86_400).default(86_400),
	/** Seconds a closed ticket channel is kept (and can be reopened) before it is deleted (channel mode; default 10 minutes). */
	reopenWindowSeconds: z.number().int().min(0).max(7 * 86_400).default(600),
	/** Ask the opener for a rating (1 to 5) and a comment after close. */
	feedback: z.boolean().default(true),
	/** Members and roles who may not open tickets. */
	blockedUserIds: z.array(snowflakeSchema).max(1_000).default([]),
	blockedRoleIds: z.array(snowflakeSchema).max(100).default([])
});

/** The plugin's validated configuration (output of {@link ticketsConfigSchema}), read-only as handed out. */
export type TicketsConfig = DeepReadonly<z.output<typeof ticketsConfigSchema>>;

/** The type with this id in the config, or undefined. */
export function typeById(config: TicketsConfig, typeId: string): TicketsConfig['types'][number] | undefined {
	return config.types.find((type) => type.id === typeId);
}
