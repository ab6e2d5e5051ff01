import { z } from 'zod';
import type { DeepReadonly } from '../../../lib/plugins/context.js';

/**
 * The moderation plugin's per-guild configuration (issue 8, "/moderation config"). Every field has a default, so
 * `moderationConfigSchema.parse({})` is a working configuration (tests/core/contracts.test.ts checks it). Unknown keys
 * are stripped (zod's default for objects).
 */

/** The plugin's name: its key in guild settings and its translation namespace (`locales/<locale>/moderation.json`). */
export const MODERATION_PLUGIN_NAME = 'moderation';

/** A Discord snowflake as a decimal string (17 to 20 digits; see src/plugins/voice-xp/lib/config.ts for why). */
export const snowflakeSchema = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17 to 20 digits)');

/** Discord's longest timeout: `communication_disabled_until` at most 28 days ahead ("Modify Guild Member"), in seconds. */
export const MAX_TIMEOUT_SECONDS = 28 * 86_400;

/** Our longest temporary ban (a longer one is a permanent ban with a reminder to lift it), in seconds: 365 days. */
export const MAX_BAN_SECONDS = 365 * 86_400;

/** Our limit on escalation thresholds per guild: 10 (each is one line of the config view). */
export const MAX_ESCALATION_STEPS = 10;

/** Our limit on protected roles per guild: 50. */
export const MAX_PROTECTED_ROLES = 50;

/** Longest appeal text added to ban DMs, in characters: 1,000 (a DM's content holds 2,000 with the rest). */
export const MAX_APPEAL_TEXT = 1_000;

/** The actions an escalation threshold can take. */
export const escalationActionSchema = z.enum(['timeout', 'kick', 'ban']);

/** An escalation action: `timeout`, `kick` or `ban`. */
export type EscalationAction = z.output<typeof escalationActionSchema>;

/**
 * One escalation threshold: when a member's active warnings reach `warnings`, `action` is applied as a new case.
 * - `timeout` needs `durationSeconds` (1 s to 28 days, Discord's limit);
 * - `ban` takes an optional `durationSeconds` (1 s to 365 days: a temporary ban; none: permanent);
 * - `kick` takes none.
 */
export const escalationStepSchema = z
	.object({
		/** Active warnings (whole number, 1 to 1,000) at which the action is applied. */
		warnings: z.number().int().min(1).max(1_000),
		action: escalationActionSchema,
		/** Length of a timeout (required) or of a temporary ban (optional), in seconds. */
		durationSeconds: z.number().int().min(1).optional()
	})
	.superRefine((step, ctx) => {
		if (step.action === 'timeout') {
			if (step.durationSeconds === undefined) {
				ctx.addIssue({ code: 'custom', message: 'a timeout needs durationSeconds', path: ['durationSeconds'] });
			} else if (step.durationSeconds > MAX_TIMEOUT_SECONDS) {
				ctx.addIssue({ code: 'too_big', maximum: MAX_TIMEOUT_SECONDS, origin: 'number', inclusive: true, input: step.durationSeconds, path: ['durationSeconds'], message: 'a timeout lasts at most 28 days' });
			}
		} else if (step.action === 'ban') {
			if (step.durationSeconds !== undefined && step.durationSeconds > MAX_BAN_SECONDS) {
				ctx.addIssue({ code: 'too_big', maximum: MAX_BAN_SECONDS, origin: 'number', inclusive: true, input: step.durationSeconds, path: ['durationSeconds'], message: 'a temporary ban lasts at most 365 days' });
			}
		} else if (step.durationSeconds !== undefined) {
			ctx.addIssue({ code: 'custom', message: 'a kick has no duration', path: ['durationSeconds'] });
		}
	});

/** The zod schema of the plugin's configuration; see each field for its meaning, unit and default. */
export const moderationConfigSchema = z.object({
	/** The channel that gets one embed per case (default none: no mod log). */
	modLogChannelId: snowflakeSchema.nullable().default(null),
	/** Whether the member gets a DM about a warning, a timeout, a kick (and softban), a ban (default: all on). */
	dm: z
		.object({
			warn: z.boolean().default(true),
			timeout: z.boolean().default(true),
			kick: z.boolean().default(true),
			ban: z.boolean().default(true)
		})
		.prefault({}),
	/** Days a warning counts (whole number, 0 to 3,650; default 90); 0 = warnings never expire. */
	warningLifetimeDays: z.number().int().min(0).max(3_650).default(90),
	/**
	 * Escalation thresholds (default none): at most 10, warning counts unique; kept sorted by warning count whatever
	 * order they were written in.
	 */
	escalation: z
		.array(escalationStepSchema)
		.max(MAX_ESCALATION_STEPS)
		.default([])
		.superRefine((steps, ctx) => {
			const seen = new Set<number>();
			steps.forEach((step, index) => {
				if (seen.has(step.warnings)) ctx.addIssue({ code: 'custom', message: 'two thresholds cannot have the same warning count', path: [index, 'warnings'] });
				seen.add(step.warnings);
			});
		})
		.transform((steps) => [...steps].sort((a, b) => a.warnings - b.warnings)),
	/** Roles whose members no moderation action can target (default none; at most 50). */
	protectedRoleIds: z.array(snowflakeSchema).max(MAX_PROTECTED_ROLES).default([]),
	/** Whether commands refuse an action without a reason (default false). Automatic actions always give one. */
	requireReason: z.boolean().default(false),
	/** Text added to ban DMs to tell how to appeal (default none; at most 1,000 characters). */
	appealText: z.string().trim().min(1).max(MAX_APPEAL_TEXT).nullable().default(null)
});

/** The plugin's validated configuration (output of {@link moderationConfigSchema}), read-only as handed out. */
export type ModerationConfig = DeepReadonly<z.output<typeof moderationConfigSchema>>;

/** One escalation threshold (output of {@link escalationStepSchema}). */
export type EscalationStep = DeepReadonly<z.output<typeof escalationStepSchema>>;

/** The default configuration: `moderationConfigSchema.parse({})`. Frozen; copy before changing. */
export const defaultModerationConfig: Readonly<ModerationConfig> = Object.freeze(moderationConfigSchema.parse({}));
