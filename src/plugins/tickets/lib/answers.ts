import type { TicketAnswer } from '../entities/Ticket.js';
import type { TicketQuestion } from './config.js';

/**
 * The answers of the open modal checked against the type's questions (lib/config.ts `questionSchema`), on the server:
 * Discord's client enforces `required`, `min_length` and `max_length` of its text inputs, but a hand-made submission
 * can send anything, so every answer is checked again before a ticket is opened.
 *
 * Lengths are counted in characters (code points), as people count them; a required answer of spaces only counts as
 * missing. Answers are stored trimmed, with their question's label (the type may change later).
 */

/** Why the answers are refused: the question (its label, 1-based position) and what is wrong. */
export type AnswerProblem =
	| { kind: 'missing'; index: number; label: string }
	| { kind: 'too-short'; index: number; label: string; min: number; length: number }
	| { kind: 'too-long'; index: number; label: string; max: number; length: number };

/** Characters (code points) of a text. */
export function characterCount(text: string): number {
	let count = 0;
	for (const _ of text) count++;
	return count;
}

/**
 * Checks the submitted values (one per question, in order; null for a question the submission did not carry).
 * @returns the answers to store, or the first problem found.
 */
export function checkAnswers(questions: readonly TicketQuestion[], values: readonly (string | null)[]): { answers: TicketAnswer[] } | { problem: AnswerProblem } {
	const answers: TicketAnswer[] = [];
	for (const [position, question] of questions.entries()) {
		const raw = values[position] ?? '';
		const index = position + 1;
		const label = question.label;
		const length = characterCount(raw);
		if (raw.trim() === '') {
			if (question.required) return { problem: { kind: 'missing', index, label } };
			answers.push({ label, value: '' });
			continue;
		}
		if (length > question.maxLength) return { problem: { kind: 'too-long', index, label, max: question.maxLength, length } };
		if (length < question.minLength) return { problem: { kind: 'too-short', index, label, min: question.minLength, length } };
		answers.push({ label, value: raw.trim() });
	}
	return { answers };
}
