/** The open modal's answers checked against a type's questions (src/plugins/tickets/lib/answers.ts). */
import { describe, expect, it } from 'vitest';
import { checkAnswers } from '../../../../src/plugins/tickets/lib/answers.js';
import { questionSchema } from '../../../../src/plugins/tickets/lib/config.js';

const questions = [
	questionSchema.parse({ label: 'What happened?', required: true, minLength: 5, maxLength: 10 }),
	questionSchema.parse({ label: 'Order', required: false, minLength: 3, maxLength: 4 })
];

describe('checkAnswers', () => {
	it('stores answers trimmed with their labels; an optional question may stay empty', () => {
		expect(checkAnswers(questions, ['  hello  ', null])).toEqual({
			answers: [
				{ label: 'What happened?', value: 'hello' },
				{ label: 'Order', value: '' }
			]
		});
	});

	it('refuses a missing required answer (spaces only count as missing)', () => {
		expect(checkAnswers(questions, ['   ', 'abc'])).toEqual({ problem: { kind: 'missing', index: 1, label: 'What happened?' } });
		expect(checkAnswers(questions, [])).toEqual({ problem: { kind: 'missing', index: 1, label: 'What happened?' } });
	});

	it('refuses answers outside their lengths, counted in characters', () => {
		expect(checkAnswers(questions, ['x'.repeat(11)])).toEqual({ problem: { kind: 'too-long', index: 1, label: 'What happened?', max: 10, length: 11 } });
		expect(checkAnswers(questions, ['abcd'])).toEqual({ problem: { kind: 'too-short', index: 1, label: 'What happened?', min: 5, length: 4 } });
		expect(checkAnswers(questions, ['🎫🎫🎫🎫🎫🎫🎫🎫🎫🎫'])).toMatchObject({ answers: [{ value: '🎫🎫🎫🎫🎫🎫🎫🎫🎫🎫' }, { value: '' }] });
		expect(checkAnswers(questions, ['hello', 'ab'])).toEqual({ problem: { kind: 'too-short', index: 2, label: 'Order', min: 3, length: 2 } });
	});
});
