import type { DeepReadonly } from '../../../lib/plugins/context.js';
import { z } from 'zod';

/**
 * The voice XP plugin's per-guild configuration (issue 4, "Rules (each a per-guild setting with the default given)").
 *
 * Every field has a default, so `voiceXpConfigSchema.parse({})` is a working configuration (the core's contract test
 * checks that every plugin's schema parses `{}`). Unknown keys are stripped (zod's default for objects).
 */

/** The plugin's name: its key in guild settings and its translation namespace (`locales/<locale>/voice-xp.json`). */
export const VOICE_XP_PLUGIN_NAME = 'voice-xp';

/**
 * A Discord snowflake as a decimal string: a 64-bit id, so at most 20 digits; every id Discord issues today has at
 * least 17 (snowflakes encode milliseconds since 2015-01-01 in their top 42 bits).
 */
export const snowflakeSchema = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17 to 20 digits)');

/** Our own limit on the number of role tiers per guild: 25 fits one embed (25 fields) or one select menu (25 options). */
export const MAX_TIERS = 25;

/** Limit on excluded channels and on excluded categories per guild: Discord allows at most 500 channels in a guild. */
export const MAX_EXCLUDED_IDS = 500;

/** Upper bound on `flushIntervalSeconds`: the issue allows a crash to lose at most 60 seconds of XP. */
export const MAX_FLUSH_INTERVAL_SECONDS = 60;

/** One role tier: members whose total eligible voice time reaches `minMinutes` minutes hold `roleId`. */
export const voiceXpTierSchema = z.object({
	/** The role given at this tier (a snowflake). */
	roleId: snowflakeSchema,
	/** Minimum total voice time in minutes (integer ≥ 0) to reach this tier. */
	minMinutes: z.number().int().min(0).max(10_000_000)
});

/** Where level-up announcements go: nowhere (`off`, the default: level-ups are only logged), a channel, or the member's DMs. */
export const levelUpAnnouncementSchema = z.enum(['off', 'channel', 'dm']);

/** The zod schema of the plugin's configuration; see each field for its meaning, unit and default. */
export const voiceXpConfigSchema = z
	.object({
		/** XP per minute of eligible voice time, a whole number 1 … 1,000 (default 6, issue 4). Counted to the millisecond. */
		xpPerMinute: z.number().int().min(1).max(1000).default(6),
		/** Whether the guild's AFK channel (from the guild's own settings) earns nothing (default true, issue 4). */
		afkChannelIneligible: z.boolean().default(true),
		/** Voice channels in which nobody earns (default none). */
		excludedChannelIds: z.array(snowflakeSchema).max(MAX_EXCLUDED_IDS).default([]),
		/** Categories whose voice channels earn nothing (default none). */
		excludedCategoryIds: z.array(snowflakeSchema).max(MAX_EXCLUDED_IDS).default([]),
		/** When true, a member who streams (Go Live) or has the camera on earns even when alone (default false, issue 4). */
		streamingCountsAlone: z.boolean().default(false),
		/** Role tiers by total voice minutes (default none; roles and minimums unique); a member holds exactly the highest reached. */
		tiers: z
			.array(voiceXpTierSchema)
			.max(MAX_TIERS)
			.default([])
			.superRefine((tiers, ctx) => {
				const roles = new Set<string>();
				const minimums = new Set<number>();
				tiers.forEach((tier, index) => {
					if (roles.has(tier.roleId)) {
						ctx.addIssue({ code: 'custom', message: 'a role can be only one tier', path: [index, 'roleId'] });
					}
					if (minimums.has(tier.minMinutes)) {
						ctx.addIssue({ code: 'custom', message: 'two tiers cannot have the same minimum', path: [index, 'minMinutes'] });
					}
					roles.add(tier.roleId);
					minimums.add(tier.minMinutes);
				});
			}),
		/** Level-up announcement target (default `off`); level-ups are always logged. */
		levelUpAnnouncement: levelUpAnnouncementSchema.default('off'),
		/** The channel for announcements when `levelUpAnnouncement` is `channel` (default none). */
		announcementChannelId: snowflakeSchema.nullable().default(null),
		/** Seconds between two writes of accrued XP to the database, 10 … 60 (default 60): a crash loses at most this much. */
		flushIntervalSeconds: z.number().int().min(10).max(MAX_FLUSH_INTERVAL_SECONDS).default(MAX_FLUSH_INTERVAL_SECONDS)
	})
	.superRefine((config, ctx) => {
		if (config.levelUpAnnouncement === 'channel' && config.announcementChannelId === null) {
			ctx.addIssue({
				code: 'custom',
				message: 'announcements to a channel need announcementChannelId',
				path: ['announcementChannelId']
			});
		}
	});

/** The plugin's validated configuration (output of {@link voiceXpConfigSchema}). */
export type VoiceXpConfig = DeepReadonly<z.output<typeof voiceXpConfigSchema>>;

/** One role tier (output of {@link voiceXpTierSchema}). */
export type VoiceXpTier = DeepReadonly<z.output<typeof voiceXpTierSchema>>;

/** The default configuration: `voiceXpConfigSchema.parse({})`. Frozen; copy before changing. */
export const defaultVoiceXpConfig: Readonly<VoiceXpConfig> = Object.freeze(voiceXpConfigSchema.parse({}));
