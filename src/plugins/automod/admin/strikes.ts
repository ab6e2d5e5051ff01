import type { GuildChatInputInteraction } from '../../../lib/commands/BotCommand.js';
import { translatedUserError } from '../../../lib/errors.js';
import type { Translate } from '../../../lib/i18n.js';
import { BAN_BOUNDS, parseDuration, TIMEOUT_BOUNDS, type DurationBounds } from '../../moderation/lib/durations.js';
import { MAX_STRIKE_THRESHOLDS, MAX_STRIKE_WINDOW_SECONDS, type Punishment, type StrikeThreshold } from '../lib/config.js';
import { answer, currentConfig, saveConfig, type AutomodHandler } from './context.js';
import { mention, seconds, thresholdText } from './format.js';

/**
 * `/automod strikes add | remove | list | show | clear`: the strike thresholds (lib/config.ts `strikes`: "N points
 * within a window → a moderation action", applied by the service when a strike crosses one) and members' strike
 * points (service/AutomodService.ts `strikePoints`, `clearStrikes`).
 */

/** The actions a threshold may take (lib/config.ts `strikeThresholdSchema`: every punishment but `none`). */
export const STRIKE_ACTIONS = ['warn', 'timeout', 'kick', 'ban'] as const satisfies readonly Exclude<Punishment, 'none'>[];
type StrikeAction = (typeof STRIKE_ACTIONS)[number];

/** A strike window: 1 second to 7 days (strike ledgers expire from Redis after their longest window). */
export const STRIKE_WINDOW_BOUNDS: DurationBounds = Object.freeze({ minMs: 1_000, maxMs: MAX_STRIKE_WINDOW_SECONDS * 1_000 });

/** The `points` and `window` options (window as typed, "10m"), in seconds. @throws UserError for a bad window. */
function readPointsAndWindow(interaction: GuildChatInputInteraction, locale: string): { points: number; windowSeconds: number } {
	const { options } = interaction;
	return { points: options.getInteger('points', true), windowSeconds: parseDuration(options.getString('window', true), STRIKE_WINDOW_BOUNDS, locale) / 1_000 };
}

/**
 * `/automod strikes add points window action [duration]`: a new threshold.
 * @throws UserError (nothing changes): `moderation:errors.badDuration` / `durationOutOfRange` (a window over 7 days,
 *   a timeout over 28 days, a ban over 365 days), `automod:errors.timeoutNeedsDuration`,
 *   `automod:errors.durationNotUsed` (warn or kick with a duration), `automod:errors.thresholdDuplicate` (same points
 *   and window), `automod:errors.thresholdsFull` (10).
 */
export const strikesAdd: AutomodHandler = async (context) => {
	const { interaction, t, locale } = context;
	const { points, windowSeconds } = readPointsAndWindow(interaction, locale);
	const action = interaction.options.getString('action', true) as StrikeAction;
	if (!STRIKE_ACTIONS.includes(action)) throw new TypeError(`Unknown strike action ${action}`); // Discord only sends the declared choices
	const input = interaction.options.getString('duration')?.trim() || null;
	let durationSeconds: number | null = null;
	if (action === 'timeout') {
		if (input === null) throw translatedUserError('automod:errors.timeoutNeedsDuration');
		durationSeconds = parseDuration(input, TIMEOUT_BOUNDS, locale) / 1_000;
	} else if (action === 'ban') {
		durationSeconds = input === null ? null : parseDuration(input, BAN_BOUNDS, locale) / 1_000;
	} else if (input !== null) {
		throw translatedUserError('automod:errors.durationNotUsed', { punishment: t(`automod:commands.automod.choices.punish.${action}`) });
	}
	const threshold: StrikeThreshold = { points, windowSeconds, action, durationSeconds };
	const { after } = await saveConfig(context, (config) => {
		if (config.strikes.some((step) => step.points === points && step.windowSeconds === windowSeconds)) {
			throw translatedUserError('automod:errors.thresholdDuplicate', { points, window: seconds(windowSeconds, locale) });
		}
		if (config.strikes.length >= MAX_STRIKE_THRESHOLDS) throw translatedUserError('automod:errors.thresholdsFull', { max: MAX_STRIKE_THRESHOLDS });
		return { strikes: [...config.strikes, threshold] };
	});
	await answer(context, [t('automod:answers.thresholdAdded', { threshold: thresholdText(t, locale, threshold) }), ...thresholdLines(context.t, locale, after.strikes)]);
};

/** `/automod strikes remove points window`. @throws UserError `automod:errors.thresholdUnknown`; nothing changes. */
export const strikesRemove: AutomodHandler = async (context) => {
	const { interaction, t, locale } = context;
	const { points, windowSeconds } = readPointsAndWindow(interaction, locale);
	let removed: StrikeThreshold | undefined;
	const { after } = await saveConfig(context, (config) => {
		removed = config.strikes.find((step) => step.points === points && step.windowSeconds === windowSeconds);
		if (!removed) throw translatedUserError('automod:errors.thresholdUnknown', { points, window: seconds(windowSeconds, locale) });
		return { strikes: config.strikes.filter((step) => step !== removed) };
	});
	await answer(context, [t('automod:answers.thresholdRemoved', { threshold: thresholdText(t, locale, removed!) }), ...thresholdLines(t, locale, after.strikes)]);
};

/** The thresholds as lines (sorted by points, as the schema keeps them), or the "none" line. */
function thresholdLines(t: Translate, locale: string, thresholds: readonly StrikeThreshold[]): string[] {
	if (thresholds.length === 0) return [t('automod:lists.noThresholds')];
	return [t('automod:lists.thresholds', { count: thresholds.length, max: MAX_STRIKE_THRESHOLDS }), ...thresholds.map((step) => `• ${thresholdText(t, locale, step)}`)];
}

/** `/automod strikes list`. */
export const strikesList: AutomodHandler = async (context) => {
	const config = await currentConfig(context);
	await answer(context, thresholdLines(context.t, context.locale, config.strikes));
};

/** `/automod strikes show member`: the member's strike points within the longest threshold's window. */
export const strikesShow: AutomodHandler = async (context) => {
	const { interaction, t, locale, service } = context;
	const user = interaction.options.getUser('member', true);
	const config = await currentConfig(context);
	if (config.strikes.length === 0) return answer(context, [t('automod:answers.strikesOff')]);
	const window = Math.max(...config.strikes.map((step) => step.windowSeconds));
	const points = await service.strikePoints(interaction.guildId, user.id, window);
	return answer(context, [t('automod:answers.strikePoints', { member: mention.user(user.id), points, window: seconds(window, locale) })]);
};

/** `/automod strikes clear member`: forgets the member's strike points. */
export const strikesClear: AutomodHandler = async (context) => {
	const { interaction, t, service } = context;
	const user = interaction.options.getUser('member', true);
	const had = await service.clearStrikes(interaction.guildId, user.id);
	context.logger.info(`/automod strikes clear of ${user.id} by ${interaction.user.id}: ${had ? 'cleared' : 'had none'}`);
	await answer(context, [t(had ? 'automod:answers.strikesCleared' : 'automod:answers.noStrikes', { member: mention.user(user.id) })]);
};
