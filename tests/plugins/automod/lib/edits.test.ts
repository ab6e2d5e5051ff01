import { describe, expect, it } from 'vitest';
import { CheckedEdits, isEditToCheck } from '../../../../src/plugins/automod/lib/edits.js';

const partial = { partial: true, content: null };

describe('which message updates automod checks again', () => {
	it('checks an edit of an uncached message once per edit time; a later update of the same edit (a preview) is skipped', () => {
		const checked = new CheckedEdits();
		const edit = { id: 'm1', content: 'bad word', editedTimestamp: 1_000 };
		expect(isEditToCheck(partial, edit, checked)).toBe(true);
		expect(isEditToCheck(partial, { ...edit }, checked)).toBe(false); // the link preview that followed
		expect(isEditToCheck(partial, { ...edit, content: 'worse', editedTimestamp: 2_000 }, checked)).toBe(true); // edited again
	});

	it('skips an update of a message its author never edited (Discord adding embeds, a pin)', () => {
		expect(isEditToCheck(partial, { id: 'm2', content: 'hello', editedTimestamp: null }, new CheckedEdits())).toBe(false);
	});

	it('with the previous message cached, skips an update that did not change the content and checks one that did', () => {
		const checked = new CheckedEdits();
		expect(isEditToCheck({ partial: false, content: 'same' }, { id: 'm3', content: 'same', editedTimestamp: 5 }, checked)).toBe(false);
		expect(isEditToCheck({ partial: false, content: 'before' }, { id: 'm3', content: 'after', editedTimestamp: 6 }, checked)).toBe(true);
	});

	it('remembers at most its capacity of messages, forgetting the oldest first', () => {
		const checked = new CheckedEdits(2);
		expect(checked.firstCheck('a', 1)).toBe(true);
		expect(checked.firstCheck('b', 1)).toBe(true);
		expect(checked.firstCheck('c', 1)).toBe(true);
		expect(checked.size).toBe(2);
		expect(checked.firstCheck('b', 1)).toBe(false);
		expect(checked.firstCheck('a', 1)).toBe(true); // forgotten: checked again
	});
});
