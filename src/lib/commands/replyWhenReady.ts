import type { InteractionEditReplyOptions, InteractionReplyOptions } from 'discord.js';
import { beforeDeadline, DEADLINE_PASSED } from '../timeout.js';

/**
 * How long a command waits for its answer before deferring, ms (`/rank` and `/leaderboard` use it). Discord wants an
 * interaction's first response within 3 s of its creation; this leaves room for the way there and back and for a busy
 * event loop.
 */
export const DEFER_AFTER_MS = 1_500;

/** What {@link replyWhenReady} needs of an interaction (a chat input command's). */
export interface AnswerableInteraction {
	reply(options: InteractionReplyOptions): Promise<unknown>;
	deferReply(): Promise<unknown>;
	editReply(options: InteractionEditReplyOptions): Promise<unknown>;
}

/** A public answer that is valid both as a reply and as the edit of a deferred one. */
export type PublicAnswer = Pick<InteractionReplyOptions, 'embeds' | 'components' | 'allowedMentions'> &
	Pick<InteractionEditReplyOptions, 'embeds' | 'components' | 'allowedMentions'>;

/**
 * Answers a command with the message `answer` resolves to: as the reply itself when it is ready within
 * `deferAfterMs` (one request: the interaction callback), else deferred (the user sees "thinking…") and edited in when
 * ready. Why not always defer: the edit of @original is a second request, and discord.js counts it against its global
 * limit of 50 requests a second (it exempts only the callback, while Discord exempts every interaction endpoint), so
 * a bot that defers every answer gives at most 50 answers a second, whatever its speed (issue 12, bench:rank).
 *
 * @param answer the message, being computed (a rejection is handled here, never left unhandled)
 * @param deferAfterMs milliseconds to wait before deferring (default {@link DEFER_AFTER_MS})
 * @returns what discord.js returned for the reply or the edit
 * @throws what `answer` rejects with (after deferring when the deadline passed first: the caller's error handling then
 *   finds the interaction deferred), or the REST error of the reply, the deferral or the edit
 */
export async function replyWhenReady(interaction: AnswerableInteraction, answer: Promise<PublicAnswer>, deferAfterMs: number = DEFER_AFTER_MS): Promise<unknown> {
	const first = await beforeDeadline(answer, deferAfterMs);
	if (first !== DEADLINE_PASSED) return interaction.reply(first);
	await interaction.deferReply();
	return interaction.editReply(await answer);
}
