import { AttachmentBuilder, MessageFlags, type ApplicationCommandOptionChoiceData, type AutocompleteInteraction } from 'discord.js';
import { translateInteraction, type Translate } from '../../../lib/i18n.js';
import { fitContent, NO_PINGS } from '../../../lib/replies.js';
import type { GiveawayStatus } from '../entities/Giveaway.js';
import type { DrawProblem } from '../lib/draw.js';
import type { GiveawayService } from '../service/GiveawayService.js';
import { answer, isGiveawayManager, jumpLink, userMentions, type GiveawaysAdminContext, type GiveawaysHandler } from './context.js';
import { stateText } from './manage.js';

/**
 * `/giveaway list | entrants | verify`, and the suggestions of every `id` option: what the service holds about a
 * guild's giveaways, shown to its managers. Files go with the ephemeral answer (the entrant list, the draw record).
 */

/** Discord's limits on autocomplete: 25 choices, names of at most 100 characters. */
const MAX_CHOICES = 25;
const MAX_CHOICE_NAME = 100;

/** Sends the ephemeral answer of a deferred subcommand with one file (mentions in it never ping). */
async function answerWithFile(context: GiveawaysAdminContext, lines: readonly string[], file: { name: string; text: string }): Promise<void> {
	const attachment = new AttachmentBuilder(Buffer.from(file.text, 'utf8'), { name: file.name });
	const message = { content: fitContent(lines.filter(Boolean).join('\n')), files: [attachment], ...NO_PINGS };
	if (context.interaction.deferred) await context.interaction.editReply(message);
	else await context.interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
}

/** `/giveaway list`: the running and paused giveaways (newest first, at most 25), each with its state, entries and link. */
export const giveawayList: GiveawaysHandler = async (context) => {
	const { interaction, t, locale, service } = context;
	const active = await service.active(interaction.guildId);
	if (active.length === 0) return answer(context, [t('giveaways:answers.listEmpty')]);
	const lines = [t('giveaways:answers.listTitle')];
	for (const record of active) {
		lines.push(
			t('giveaways:answers.listLine', {
				number: record.number,
				prize: record.prize,
				state: stateText(t, locale, record),
				winners: record.winnerCount,
				entries: await service.entryCount(record.id),
				link: jumpLink(record.guildId, record.channelId, record.messageId)
			})
		);
	}
	return answer(context, lines);
};

/**
 * `/giveaway entrants id`: how many entered and, as a text file with the answer, one line per entrant: `userId weight`
 * (sorted by user id, as in the draw). @throws UserError `giveaways:errors.unknown`.
 */
export const giveawayEntrants: GiveawaysHandler = async (context) => {
	const { interaction, t, service } = context;
	const record = await service.get(interaction.guildId, interaction.options.getInteger('id', true));
	const entries = await service.entries(record.id);
	if (entries.length === 0) return answer(context, [t('giveaways:answers.entrantsNone', { number: record.number })]);
	const weight = entries.reduce((sum, entry) => sum + entry.weight, 0);
	const text = entries.map((entry) => `${entry.userId} ${entry.weight}\n`).join('');
	return answerWithFile(context, [t('giveaways:answers.entrants', { number: record.number, count: entries.length, weight })], { name: `giveaway-${record.number}-entrants.txt`, text });
};

/** A list of user ids (or one text) from a draw problem, for its translated line. */
const listed = (value: string | readonly string[] | undefined) => (value === undefined ? '-' : typeof value === 'string' ? value : value.length > 0 ? value.join(', ') : '-');

/** One problem of a draw check (lib/draw.ts `DrawProblem`), translated by its code. */
export function problemLine(t: Translate, problem: DrawProblem): string {
	const expected = listed(problem.expected);
	const actual = listed(problem.actual);
	switch (problem.code) {
		case 'version':
			return t('giveaways:problems.version', { expected, actual });
		case 'commitment':
			return t('giveaways:problems.commitment', { expected, actual });
		case 'entriesHash':
			return t('giveaways:problems.entriesHash', { expected, actual });
		case 'entries':
			return problem.expected === undefined
				? t('giveaways:problems.entriesInvalid', { index: problem.index ?? 0, actual })
				: t('giveaways:problems.entriesOrder', { index: problem.index ?? 0, expected, actual });
		default: {
			// User id lists, shown as mentions (answers never ping).
			const users = (value: string | readonly string[] | undefined) => (Array.isArray(value) && value.length > 0 ? userMentions(value) : listed(value));
			const values = { round: problem.round ?? 0, expected: users(problem.expected), actual: users(problem.actual) };
			return 'field' in problem && problem.field === 'exclude' ? t('giveaways:problems.exclude', values) : t('giveaways:problems.winners', values);
		}
	}
}

/**
 * `/giveaway verify id`: recomputes every round of an ended giveaway's draw from its secret and entry list (the
 * service's `verify`, lib/draw.ts `verifyDrawRecord`) and answers each round's winners and OK, or every problem found
 * translated by its code; the draw record goes with the answer, for anyone to check again.
 * @throws UserError `giveaways:errors.unknown`, `giveaways:errors.notEnded`.
 */
export const giveawayVerify: GiveawaysHandler = async (context) => {
	const { interaction, t, service } = context;
	const { record, result } = await service.verify(interaction.guildId, interaction.options.getInteger('id', true));
	const lines = [t('giveaways:answers.verifyTitle', { number: record.number, commitment: record.commitment })];
	for (const round of record.rounds) {
		const winners = round.winners.length > 0 ? userMentions(round.winners) : t('giveaways:answers.verifyNobody');
		lines.push(t('giveaways:answers.verifyRound', { round: round.round, reason: t(`giveaways:rounds.${round.reason}`), winners }));
	}
	if (result.ok) lines.push(t('giveaways:answers.verifyOk'));
	else lines.push(t('giveaways:answers.verifyFailed'), ...result.problems.map((problem) => `• ${problemLine(t, problem)}`));
	const draw = await service.drawRecord(record);
	return answerWithFile(context, lines, { name: `giveaway-${record.number}-draw.json`, text: JSON.stringify(draw, null, '\t') });
};

/** Which giveaways each subcommand's `id` suggests: those in a state for it (any for `entrants`). */
const SUGGESTED: Record<string, readonly GiveawayStatus[]> = {
	end: ['running', 'paused'],
	cancel: ['running', 'paused'],
	edit: ['running', 'paused'],
	pause: ['running'],
	resume: ['paused'],
	reroll: ['ended'],
	verify: ['ended']
};

/**
 * Suggestions for the `id` option: the guild's recent giveaways (the service's `recent`) in a state for the
 * subcommand, whose number starts with or whose prize contains what is typed, as "#3 Nitro (running)". Nothing for a
 * member who may not run giveaways.
 */
export async function giveawayAutocomplete(interaction: AutocompleteInteraction, service: GiveawayService): Promise<unknown> {
	const guildId = interaction.guildId;
	if (!guildId) return interaction.respond([]);
	const config = await service.ctx.config(guildId);
	if (!isGiveawayManager(interaction, config.managerRoleId)) return interaction.respond([]);
	const { t } = await translateInteraction(interaction);
	const typed = String(interaction.options.getFocused()).trim().replace(/^#/, '').toLowerCase();
	const statuses = SUGGESTED[interaction.options.getSubcommand(false) ?? ''];
	const choices: ApplicationCommandOptionChoiceData<number>[] = (await service.recent(guildId))
		.filter((record) => !statuses || statuses.includes(record.status))
		.filter((record) => typed === '' || String(record.number).startsWith(typed) || record.prize.toLowerCase().includes(typed))
		.slice(0, MAX_CHOICES)
		.map((record) => ({ name: fitContent(t('giveaways:answers.choice', { number: record.number, prize: record.prize, status: t(`giveaways:status.${record.status}`) }), MAX_CHOICE_NAME), value: record.number }));
	return interaction.respond(choices);
}
