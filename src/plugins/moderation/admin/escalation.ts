import { translatedUserError } from '../../../lib/errors.js';
import type { Translate } from '../../../lib/i18n.js';
import { MAX_ESCALATION_STEPS, type EscalationAction, type EscalationStep } from '../lib/config.js';
import { BAN_BOUNDS, formatDuration, parseDuration, TIMEOUT_BOUNDS } from '../lib/durations.js';
import { answer, currentConfig, saveConfig, type ConfigHandler } from './context.js';

/**
 * `/moderation escalation add | remove | list`: the guild's escalation steps (config `escalation`, lib/config.ts; how
 * they apply: lib/escalation.ts and docs/moderation.md, "Escalation"). Every refusal is a translated UserError thrown
 * inside `ctx.updateConfig`, so it is decided on the config as it is under the row lock and nothing changes.
 */

/** One step for humans: "3 warnings → timeout for 1 hour" (`moderation:config.step.*`), in the guild's language. */
export function stepText(t: Translate, locale: string, step: EscalationStep): string {
	const count = step.warnings;
	const duration = step.durationSeconds === undefined ? null : formatDuration(step.durationSeconds * 1_000, locale);
	switch (step.action) {
		case 'timeout':
			return t('moderation:config.step.timeout', { count, duration: duration ?? '?' });
		case 'kick':
			return t('moderation:config.step.kick', { count });
		case 'ban':
			return duration === null ? t('moderation:config.step.ban', { count }) : t('moderation:config.step.banTemporary', { count, duration });
	}
}

/** The steps as lines, sorted by warning count (as the schema keeps them), or the "no steps" line. */
export function stepLines(t: Translate, locale: string, steps: readonly EscalationStep[]): string[] {
	if (steps.length === 0) return [t('moderation:config.noSteps')];
	return [t('moderation:config.steps', { count: steps.length, max: MAX_ESCALATION_STEPS }), ...steps.map((step) => `• ${stepText(t, locale, step)}`)];
}

/**
 * The step `/moderation escalation add` describes, from its options.
 * @param durationInput what the moderator typed ("1h", "7d"), or null.
 * @throws UserError `moderation:errors.stepNeedsDuration` (a timeout without a duration),
 *   `moderation:errors.stepKickDuration` (a kick with one), `moderation:errors.badDuration` /
 *   `moderation:errors.durationOutOfRange` (a timeout over 28 days, a ban over 365 days: lib/durations.ts).
 */
export function readStep(warnings: number, action: EscalationAction, durationInput: string | null, locale: string): EscalationStep {
	const input = durationInput?.trim() ? durationInput : null;
	if (action === 'kick') {
		if (input !== null) throw translatedUserError('moderation:errors.stepKickDuration');
		return { warnings, action };
	}
	if (input === null) {
		if (action === 'timeout') throw translatedUserError('moderation:errors.stepNeedsDuration');
		return { warnings, action };
	}
	const ms = parseDuration(input, action === 'timeout' ? TIMEOUT_BOUNDS : BAN_BOUNDS, locale);
	return { warnings, action, durationSeconds: ms / 1_000 };
}

/**
 * `/moderation escalation add warnings action [duration]`: a new step.
 * @throws UserError (nothing changes): the step's own rules ({@link readStep}); `moderation:errors.stepDuplicate`
 *   (a step at that count exists); `moderation:errors.stepsFull` (already 10 steps, lib/config.ts).
 */
export const escalationAdd: ConfigHandler = async (context) => {
	const { interaction, t, locale } = context;
	const step = readStep(
		interaction.options.getInteger('warnings', true),
		interaction.options.getString('action', true) as EscalationAction,
		interaction.options.getString('duration'),
		locale
	);
	const { after } = await saveConfig(context, (config) => {
		if (config.escalation.some((existing) => existing.warnings === step.warnings)) throw translatedUserError('moderation:errors.stepDuplicate', { count: step.warnings });
		if (config.escalation.length >= MAX_ESCALATION_STEPS) throw translatedUserError('moderation:errors.stepsFull', { max: MAX_ESCALATION_STEPS });
		return { escalation: [...config.escalation, step] };
	});
	await answer(context, [t('moderation:config.stepAdded', { step: stepText(t, locale, step) }), ...stepLines(t, locale, after.escalation)]);
};

/** `/moderation escalation remove warnings`. @throws UserError `moderation:errors.unknownStep` (no step at that count). */
export const escalationRemove: ConfigHandler = async (context) => {
	const { interaction, t, locale } = context;
	const warnings = interaction.options.getInteger('warnings', true);
	let removed: EscalationStep | undefined;
	const { after } = await saveConfig(context, (config) => {
		removed = config.escalation.find((step) => step.warnings === warnings);
		if (!removed) throw translatedUserError('moderation:errors.unknownStep', { count: warnings });
		return { escalation: config.escalation.filter((step) => step !== removed) };
	});
	await answer(context, [t('moderation:config.stepRemoved', { step: stepText(t, locale, removed!) }), ...stepLines(t, locale, after.escalation)]);
};

/** `/moderation escalation list`. */
export const escalationList: ConfigHandler = async (context) => {
	const config = await currentConfig(context);
	await answer(context, stepLines(context.t, context.locale, config.escalation));
};
