import { formatDuration } from '../../../lib/durations.js';
import { translatedUserError } from '../../../lib/errors.js';
import type { Translate } from '../../../lib/i18n.js';
import type { GiveawayRecord } from '../service/GiveawayService.js';
import { answer, jumpLink, relativeTime, userMentions, type GiveawaysAdminContext, type GiveawaysHandler } from './context.js';
import { parseDuration } from './inputs.js';

/**
 * `/giveaway end | reroll | cancel | pause | resume | edit`: changes of one giveaway, named by its number (`id`,
 * autocompleted), each a call of the service (service/GiveawayService.ts), which decides under the giveaway's row lock
 * whether it is in a state for it and refuses otherwise (translated): nothing changes on a refusal.
 */

/** The giveaway number of the `id` option. */
const idOf = (context: GiveawaysAdminContext) => context.interaction.options.getInteger('id', true);

/** The jump link of a giveaway's message. */
const linkOf = (record: GiveawayRecord) => jumpLink(record.guildId, record.channelId, record.messageId);

/** When an open giveaway ends ("ends in 2 hours"), or the time it has left while paused. */
export function stateText(t: Translate, locale: string, record: GiveawayRecord): string {
	return record.status === 'paused'
		? t('giveaways:answers.statePaused', { left: formatDuration(record.remainingMs ?? 0, locale) })
		: t('giveaways:answers.stateEnds', { end: relativeTime(record.endsAt) });
}

/**
 * `/giveaway end id`: ends it now, draws the winners and announces them (the service's `end`, early).
 * @throws UserError `giveaways:errors.unknown`, `giveaways:errors.notRunning` (ended or cancelled already).
 */
export const giveawayEnd: GiveawaysHandler = async (context) => {
	const { interaction, t, service } = context;
	const number = idOf(context);
	const result = await service.end(interaction.guildId, number, true);
	if (!result) throw translatedUserError('giveaways:errors.unknown', { number });
	const link = linkOf(result.record);
	await answer(context, [
		result.winners.length > 0 ? t('giveaways:answers.ended', { number, winners: userMentions(result.winners), link }) : t('giveaways:answers.endedNone', { number, link })
	]);
};

/**
 * `/giveaway reroll id [count]`: draws `count` (default 1) more winners of an ended giveaway, never one who won
 * before, and announces them.
 * @throws UserError `giveaways:errors.unknown`, `notEnded`, `badWinners`.
 */
export const giveawayReroll: GiveawaysHandler = async (context) => {
	const { interaction, t, service } = context;
	const number = idOf(context);
	const record = await service.get(interaction.guildId, number);
	const winners = await service.reroll(interaction.guildId, number, interaction.options.getInteger('count') ?? 1);
	const link = linkOf(record);
	await answer(context, [winners.length > 0 ? t('giveaways:answers.rerolled', { number, winners: userMentions(winners), link }) : t('giveaways:answers.rerollNone', { number, link })]);
};

/** `/giveaway cancel id`: nobody wins, the end is removed. @throws UserError `giveaways:errors.unknown`, `notRunning`. */
export const giveawayCancel: GiveawaysHandler = async (context) => {
	const { interaction, t, service } = context;
	const record = await service.cancel(interaction.guildId, idOf(context));
	await answer(context, [t('giveaways:answers.cancelled', { number: record.number, link: linkOf(record) })]);
};

/**
 * `/giveaway pause id`: entries stay open, the time left is kept and the end waits for `resume`.
 * @throws UserError `giveaways:errors.unknown`, `notRunning` (not running: paused, ended or cancelled).
 */
export const giveawayPause: GiveawaysHandler = async (context) => {
	const { interaction, t, locale, service } = context;
	const record = await service.pause(interaction.guildId, idOf(context));
	await answer(context, [t('giveaways:answers.paused', { number: record.number, left: formatDuration(record.remainingMs ?? 0, locale), link: linkOf(record) })]);
};

/** `/giveaway resume id`: it ends the time it had left from now. @throws UserError `giveaways:errors.unknown`, `notPaused`. */
export const giveawayResume: GiveawaysHandler = async (context) => {
	const { interaction, t, service } = context;
	const record = await service.resume(interaction.guildId, idOf(context));
	await answer(context, [t('giveaways:answers.resumed', { number: record.number, end: relativeTime(record.endsAt), link: linkOf(record) })]);
};

/**
 * `/giveaway edit id [prize] [winners] [add-time]`: a new prize, a new number of winners, more time (the end moves
 * later; while paused, the time left grows). At least one option.
 * @throws UserError `giveaways:errors.editNothing`, `emptyPrize`, `badDurationText`, `badAddTime` (0), and the
 *   service's `unknown`, `notRunning`, `badWinners`, `badDuration` (past the guild's longest giveaway).
 */
export const giveawayEdit: GiveawaysHandler = async (context) => {
	const { interaction, t, locale, service } = context;
	const { options } = interaction;
	const prizeText = options.getString('prize');
	const winnerCount = options.getInteger('winners');
	const addTime = options.getString('add-time');
	if (prizeText === null && winnerCount === null && addTime === null) throw translatedUserError('giveaways:errors.editNothing');
	const prize = prizeText?.trim();
	if (prize === '') throw translatedUserError('giveaways:errors.emptyPrize');
	const addMs = addTime === null ? undefined : parseDuration(addTime);
	if (addMs === 0) throw translatedUserError('giveaways:errors.badAddTime');
	const record = await service.edit(interaction.guildId, idOf(context), {
		...(prize === undefined ? {} : { prize }),
		...(winnerCount === null ? {} : { winnerCount }),
		...(addMs === undefined ? {} : { addMs })
	});
	await answer(context, [
		t('giveaways:answers.edited', { number: record.number, prize: record.prize, winners: record.winnerCount, state: stateText(t, locale, record), link: linkOf(record) })
	]);
};
