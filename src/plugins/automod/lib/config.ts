import { PermissionFlagsBits } from 'discord.js';
import { z } from 'zod';
import type { DeepReadonly } from '../../../lib/plugins/context.js';

/**
 * The automod plugin's per-guild configuration (issue 9). Every field has a default, so `automodConfigSchema.parse({})`
 * is a working configuration (tests/core/contracts.test.ts checks it); unknown keys are stripped. It lives in the
 * guild's settings row, so the message path reads it from memory (src/lib/settings/SettingsCache.ts) and never from
 * PostgreSQL; its compiled form (word trie, RE2 programs) is cached per config object (service/compiled.ts).
 */

/** The plugin's name: its key in guild settings and its translation namespace (`locales/<locale>/automod.json`). */
export const AUTOMOD_PLUGIN_NAME = 'automod';

/** A Discord snowflake as a decimal string (17 to 20 digits; see src/plugins/voice-xp/lib/config.ts for why). */
export const snowflakeSchema = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17 to 20 digits)');

/** Most words and phrases per guild: 1,000, what one native keyword rule holds (Discord's `keyword_filter` limit). */
export const MAX_WORDS = 1_000;

/** Most regular expressions per guild: 10, what one native keyword rule holds (Discord's `regex_patterns` limit). */
export const MAX_REGEXES = 10;

/** Most allowed, and most denied, domains per guild: 200 each (one line each in `/automod links list`). */
export const MAX_DOMAINS = 200;

/** Most allowlisted invite targets (guild ids or invite codes) per guild: 100, the size of a native allow list. */
export const MAX_INVITE_ALLOW = 100;

/** Most exempt roles, and most exempt channels or categories, per exemption list: 50. */
export const MAX_EXEMPT_IDS = 50;

/** Most strike thresholds per guild: 10 (each is one line of `/automod strikes list`). */
export const MAX_STRIKE_THRESHOLDS = 10;

/** Discord's longest timeout: 28 days ("Modify Guild Member" `communication_disabled_until`), in seconds. */
export const MAX_TIMEOUT_SECONDS = 28 * 86_400;

/** Our longest strike window: 7 days, in seconds (strike ledgers expire from Redis after their longest window). */
export const MAX_STRIKE_WINDOW_SECONDS = 7 * 86_400;

/**
 * The filters, in the order they are checked and listed. Content filters (`words` to `caps`) are checked again on
 * edits; `rate` and `duplicates` count messages, so they are checked on new messages only.
 */
export const FILTER_NAMES = ['words', 'regex', 'invites', 'links', 'mentions', 'everyone', 'caps', 'lines', 'emoji', 'attachments', 'rate', 'duplicates'] as const;

/** A filter's name (see {@link FILTER_NAMES}). */
export type FilterName = (typeof FILTER_NAMES)[number];

/** Filters that count messages in Redis windows and are not run again on an edit. */
export const COUNTING_FILTERS: ReadonlySet<FilterName> = new Set(['rate', 'duplicates']);

/** The moderation action a filter (or a strike threshold) may take, as a moderation case. */
export const punishmentSchema = z.enum(['none', 'warn', 'timeout', 'kick', 'ban']);

/** `none`, `warn`, `timeout`, `kick` or `ban`. */
export type Punishment = z.output<typeof punishmentSchema>;

/** How the member is told: not at all, a short notice in the channel (deleted after `noticeSeconds`), or a DM. */
export const notifySchema = z.enum(['none', 'notice', 'dm']);

/** `none`, `notice` or `dm`. */
export type NotifyMode = z.output<typeof notifySchema>;

/**
 * What a filter does when it fires.
 * - `delete`: delete the message (needs Manage Messages).
 * - `points`: strike points added to the member's ledger (0 to 100; see `strikes`).
 * - `punish`: a moderation case through the moderation plugin (`timeout` needs `durationSeconds`, 1 s to 28 days;
 *   `ban` takes an optional one: a temporary ban; `warn` and `kick` none).
 * - `alert`: post the message, a jump link and moderator buttons to `alertChannelId`.
 * - `notify`: tell the member (see {@link notifySchema}).
 */
export const actionsSchema = z
	.object({
		delete: z.boolean().default(true),
		points: z.number().int().min(0).max(100).default(1),
		punish: punishmentSchema.default('none'),
		durationSeconds: z.number().int().min(1).max(365 * 86_400).nullable().default(null),
		alert: z.boolean().default(false),
		notify: notifySchema.default('notice')
	})
	.superRefine((actions, ctx) => {
		if (actions.punish === 'timeout') {
			if (actions.durationSeconds === null) ctx.addIssue({ code: 'custom', message: 'a timeout needs durationSeconds', path: ['durationSeconds'] });
			else if (actions.durationSeconds > MAX_TIMEOUT_SECONDS) ctx.addIssue({ code: 'custom', message: 'a timeout lasts at most 28 days', path: ['durationSeconds'] });
		}
	});

/** A filter's actions (output of {@link actionsSchema}). */
export type FilterActions = DeepReadonly<z.output<typeof actionsSchema>>;

/**
 * Who a filter leaves alone. Per filter and global (the global list applies to every filter):
 * roles, channels (a category id exempts every channel in it, threads follow their parent), and members holding a
 * permission (a name of discord.js `PermissionFlagsBits`; globally `ManageMessages` by default, per filter none).
 */
export const exemptionsSchema = z.object({
	roleIds: z.array(snowflakeSchema).max(MAX_EXEMPT_IDS).default([]),
	channelIds: z.array(snowflakeSchema).max(MAX_EXEMPT_IDS).default([]),
	permission: z
		.string()
		.refine((name) => Object.hasOwn(PermissionFlagsBits, name), 'must be a permission name such as ManageMessages')
		.nullable()
		.default(null)
});

/** An exemption list (output of {@link exemptionsSchema}). */
export type Exemptions = DeepReadonly<z.output<typeof exemptionsSchema>>;

/** The parts every filter has: on or off, its actions, stricter actions for new accounts, its own exemptions. */
function filterSchema<S extends z.ZodRawShape>(enabled: boolean, settings: S, actionDefaults: Partial<z.input<typeof actionsSchema>> = {}) {
	return z
		.object({
			enabled: z.boolean().default(enabled),
			actions: actionsSchema.prefault(actionDefaults),
			/** Actions for accounts younger than `newAccountDays` (null: the same as `actions`). */
			newAccountActions: actionsSchema.nullable().default(null),
			exempt: exemptionsSchema.prefault({}),
			...settings
		})
		// Every field has a default; zod cannot see that through the generic settings.
		.prefault({} as never);
}

/** The zod schema of each filter, with its own settings (units in the names). */
export const filtersSchema = z
	.object({
		/** The word list (`words`, top level) against folded text (lib/normalize.ts, lib/words.ts). */
		words: filterSchema(true, {}),
		/** The regular expressions (`regexes`, top level), RE2 semantics (lib/regex.ts). */
		regex: filterSchema(true, {}),
		/** Discord invites (lib/invites.ts) to guilds other than this one, unless allowlisted (guild id or code). */
		invites: filterSchema(true, { allow: z.array(z.string().regex(/^[A-Za-z0-9-]{2,32}$|^\d{17,20}$/)).max(MAX_INVITE_ALLOW).default([]) }),
		/**
		 * Links (lib/links.ts), subdomains included: in `deny` mode the denied domains are blocked; in `allow` mode every
		 * domain but the allowed ones is. An allowed domain is never blocked (`allow` wins over `deny`).
		 */
		links: filterSchema(false, {
			mode: z.enum(['deny', 'allow']).default('deny'),
			allow: z.array(z.string().min(1).max(253)).max(MAX_DOMAINS).default([]),
			deny: z.array(z.string().min(1).max(253)).max(MAX_DOMAINS).default([])
		}),
		/** More than `limit` distinct users plus roles mentioned in one message. */
		mentions: filterSchema(true, { limit: z.number().int().min(1).max(50).default(5) }, { points: 2 }),
		/** @everyone or @here written by a member who may not mention everyone in that channel. */
		everyone: filterSchema(true, {}),
		/** Capitals above `percent` % of the letters, in messages of at least `minLetters` letters. */
		caps: filterSchema(false, { percent: z.number().int().min(1).max(100).default(70), minLetters: z.number().int().min(1).max(2_000).default(15) }),
		/** More than `max` lines in one message. */
		lines: filterSchema(false, { max: z.number().int().min(1).max(200).default(15) }),
		/** More than `max` emoji (Unicode and custom) in one message. */
		emoji: filterSchema(false, { max: z.number().int().min(1).max(200).default(10) }),
		/** More than `max` attachments and stickers in one message. */
		attachments: filterSchema(false, { max: z.number().int().min(1).max(10).default(5) }),
		/** More than `messages` messages in `seconds` seconds from one member, in one channel or across the guild. */
		rate: filterSchema(true, {
			messages: z.number().int().min(2).max(100).default(6),
			seconds: z.number().int().min(1).max(600).default(5),
			scope: z.enum(['channel', 'guild']).default('guild')
		}),
		/** The same message (folded, whitespace collapsed) `count` times in `seconds` seconds, in any channels. */
		duplicates: filterSchema(true, { count: z.number().int().min(2).max(50).default(3), seconds: z.number().int().min(1).max(3_600).default(60) })
	})
	.prefault({});

/**
 * One strike threshold: when a member's strike points within the last `windowSeconds` reach `points`, `action` is
 * applied once (on the strike that crosses it) as a moderation case. Durations as in {@link actionsSchema}.
 */
export const strikeThresholdSchema = z
	.object({
		points: z.number().int().min(1).max(1_000),
		windowSeconds: z.number().int().min(1).max(MAX_STRIKE_WINDOW_SECONDS),
		action: punishmentSchema.exclude(['none']),
		durationSeconds: z.number().int().min(1).max(365 * 86_400).nullable().default(null)
	})
	.superRefine((step, ctx) => {
		if (step.action === 'timeout' && (step.durationSeconds === null || step.durationSeconds > MAX_TIMEOUT_SECONDS)) {
			ctx.addIssue({ code: 'custom', message: 'a timeout needs durationSeconds of at most 28 days', path: ['durationSeconds'] });
		}
	});

/** A strike threshold (output of {@link strikeThresholdSchema}). */
export type StrikeThreshold = DeepReadonly<z.output<typeof strikeThresholdSchema>>;

/** The zod schema of the plugin's configuration; see each field for its meaning, unit and default. */
export const automodConfigSchema = z.object({
	/** Where alerts go (default none: alerts are skipped, and `/automod status` says so). */
	alertChannelId: snowflakeSchema.nullable().default(null),
	/** Accounts younger than this many days get each filter's `newAccountActions` (0 to 365; default 7; 0 = off). */
	newAccountDays: z.number().int().min(0).max(365).default(7),
	/** Seconds an in-channel notice stays before the bot deletes it (3 to 60; default 5). */
	noticeSeconds: z.number().int().min(3).max(60).default(5),
	/** Words and phrases, Discord's AutoMod keyword syntax (`word`, `word*`, `*word`, `*word*`; lib/words.ts). */
	words: z.array(z.string().min(1).max(60)).max(MAX_WORDS).default([]),
	/** RE2 regular expressions of at most 260 characters (lib/regex.ts). */
	regexes: z.array(z.string().min(1).max(260)).max(MAX_REGEXES).default([]),
	filters: filtersSchema,
	/** Global exemptions; bots and webhooks are exempt unless turned off. */
	exempt: exemptionsSchema
		.extend({ permission: exemptionsSchema.shape.permission.unwrap().unwrap().nullable().default('ManageMessages'), bots: z.boolean().default(true), webhooks: z.boolean().default(true) })
		.prefault({}),
	/** Strike thresholds, sorted by points (default: 3 points in 10 minutes → a 10-minute timeout). */
	strikes: z
		.array(strikeThresholdSchema)
		.max(MAX_STRIKE_THRESHOLDS)
		.default([{ points: 3, windowSeconds: 600, action: 'timeout', durationSeconds: 600 }])
		.transform((steps) => [...steps].sort((a, b) => a.points - b.points || a.windowSeconds - b.windowSeconds)),
	/**
	 * Discord's native AutoMod: strike points for each execution of a native rule (0 to 100; default 1), whether it is
	 * recorded as a case, and the ids of the rules the sync manages (lib/native.ts).
	 */
	native: z
		.object({
			points: z.number().int().min(0).max(100).default(1),
			recordCases: z.boolean().default(true),
			/** The native keyword rule `/automod native sync` made and keeps up to date (null: none yet). */
			keywordRuleId: snowflakeSchema.nullable().default(null),
			/** The native mention-spam rule it made (null: none yet). */
			mentionRuleId: snowflakeSchema.nullable().default(null)
		})
		.prefault({})
});

/** The plugin's validated configuration (output of {@link automodConfigSchema}), read-only as handed out. */
export type AutomodConfig = DeepReadonly<z.output<typeof automodConfigSchema>>;

/** One filter's configuration (any filter; its own settings are read where the filter is). */
export type FilterConfig = AutomodConfig['filters'][FilterName];

/** The default configuration: `automodConfigSchema.parse({})`. Frozen; copy before changing. */
export const defaultAutomodConfig: Readonly<AutomodConfig> = Object.freeze(automodConfigSchema.parse({}));
