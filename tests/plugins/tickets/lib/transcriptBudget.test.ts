import { secureFilename } from '@hearth/discord-emulator';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
	base64Length,
	DEFAULT_REQUEST_LIMIT_BYTES,
	DEFAULT_UPLOAD_LIMIT_BYTES,
	formatBytes,
	MAX_ATTACHMENTS_PER_MESSAGE,
	MIB,
	packMessages,
	placeImages,
	planAttachments,
	REQUEST_OVERHEAD_BYTES,
	uploadLimitForPremiumTier,
	uploadName,
	type AttachmentCandidate
} from '../../../../src/plugins/tickets/lib/transcriptBudget.js';

const file = (id: string, size: number, kind: 'image' | 'file' = 'file'): AttachmentCandidate => ({ id, name: `${id}.bin`, size, kind });
const decisions = (plan: ReturnType<typeof planAttachments>) => plan.map((decision) => (decision.keep ? `${decision.candidate.id}:keep` : `${decision.candidate.id}:${decision.reason}`));

describe('planAttachments', () => {
	it('keeps in order what fits the cap, and a big one does not keep the smaller later ones out', () => {
		const plan = planAttachments([file('a', 40), file('b', 50), file('c', 30), file('d', 31)], 100, 1_000);
		expect(decisions(plan)).toEqual(['a:keep', 'b:keep', 'c:cap', 'd:cap']);
		expect(decisions(planAttachments([file('a', 40), file('big', 90), file('c', 60)], 100, 1_000))).toEqual(['a:keep', 'big:cap', 'c:keep']);
	});

	it('fills the cap exactly', () => {
		expect(decisions(planAttachments([file('a', 60), file('b', 40), file('c', 1)], 100, 1_000))).toEqual(['a:keep', 'b:keep', 'c:cap']);
	});

	it('refuses what is over the upload limit whatever the cap, images too (they live inside the HTML file)', () => {
		const plan = planAttachments([file('iso', 11 * MIB), file('shot', 11 * MIB, 'image'), file('ok', 10 * MIB)], 1_000 * MIB, 10 * MIB);
		expect(decisions(plan)).toEqual(['iso:too-large', 'shot:too-large', 'ok:keep']);
	});

	it('keeps nothing with a cap of 0, except that an empty file costs nothing', () => {
		expect(decisions(planAttachments([file('a', 1), file('b', 2, 'image'), file('empty', 0)], 0, 1_000))).toEqual(['a:cap', 'b:cap', 'empty:keep']);
	});

	it('refuses a negative or fractional cap or limit', () => {
		expect(() => planAttachments([], -1, 10)).toThrow(RangeError);
		expect(() => planAttachments([], 1.5, 10)).toThrow(RangeError);
		expect(() => planAttachments([], 1, Number.NaN)).toThrow(RangeError);
	});
});

describe('placeImages', () => {
	const image = (id: string, size: number, occurrences = 1) => ({ id, size, occurrences, prefixLength: 22, placeholderLength: 40 });

	it('inlines in order what fits the room, counting base64, the data: prefix, every occurrence and the placeholder it replaces', () => {
		// 300 bytes → 400 of base64 + 22 of prefix - 40 of placeholder = 382 per occurrence.
		expect([...placeImages([image('a', 300)], 382)]).toEqual(['a']);
		expect([...placeImages([image('a', 300)], 381)]).toEqual([]);
		expect([...placeImages([image('a', 300, 2)], 763)]).toEqual([]);
		expect([...placeImages([image('a', 300, 2)], 764)]).toEqual(['a']);
		expect([...placeImages([image('a', 300), image('b', 3_000), image('c', 300)], 1_000)]).toEqual(['a', 'c']);
	});

	it('an image that appears nowhere costs nothing', () => {
		expect([...placeImages([image('a', 10_000, 0)], 0)]).toEqual(['a']);
	});
});

describe('base64Length', () => {
	it('is 4 characters per 3 bytes, padded', () => {
		for (const bytes of [0, 1, 2, 3, 4, 299, 300, 301]) expect(base64Length(bytes)).toBe(Buffer.alloc(bytes).toString('base64').length);
	});
});

describe('packMessages', () => {
	const sized = (name: string, size: number) => ({ name, size });
	const names = (messages: { name: string }[][]) => messages.map((message) => message.map((item) => item.name));

	it('puts the HTML first, then at most 10 attachments a message, in order', () => {
		const files = Array.from({ length: 25 }, (_, index) => sized(`f${index + 1}`, 10));
		const messages = packMessages(sized('html', 100), files);
		expect(messages.map((message) => message.length)).toEqual([10, 10, 6]);
		expect(names(messages).flat()).toEqual(['html', ...files.map((item) => item.name)]);
		for (const message of messages) expect(message.length).toBeLessThanOrEqual(MAX_ATTACHMENTS_PER_MESSAGE);
	});

	it('starts a new message when the request would pass 25 MiB less the overhead; a file too big for that goes alone', () => {
		const room = DEFAULT_REQUEST_LIMIT_BYTES - REQUEST_OVERHEAD_BYTES;
		const messages = packMessages(sized('html', 5 * MIB), [sized('a', 10 * MIB), sized('b', room - 15 * MIB), sized('c', 1)]);
		expect(names(messages)).toEqual([['html', 'a', 'b'], ['c']]);
		expect(names(packMessages(sized('html', MIB), [sized('huge', 30 * MIB), sized('small', 1)]))).toEqual([['html'], ['huge'], ['small']]);
	});

	it('sends the HTML alone when there are no files', () => {
		expect(names(packMessages(sized('html', 1), []))).toEqual([['html']]);
	});
});

describe('uploadName', () => {
	it('numbers the file and cleans its name as Discord does', () => {
		expect(uploadName(1, 'report.pdf')).toBe('1-report.pdf');
		expect(uploadName(2, 'my file (1).png')).toBe('2-my_file_1.png');
		expect(uploadName(3, '../../etc/passwd')).toBe('3-etc_passwd');
		expect(uploadName(4, 'résumé.txt')).toBe('4-resume.txt');
		expect(uploadName(5, '日本.txt')).toBe('5-txt');
		expect(uploadName(6, '日本')).toBe('6-file');
		expect(uploadName(7, '.hidden_')).toBe('7-hidden');
	});

	it('is a name Discord keeps as it is (the emulator cleans names as Discord does), so the HTML link holds', () => {
		const names = ['report.pdf', 'my file (1).png', '../../etc/passwd', 'résumé.txt', '日本', ' a\tb\\c ', '__x__.', `${'long name '.repeat(20)}.tar.gz`, 'x'.repeat(120)];
		for (const [index, name] of names.entries()) {
			const upload = uploadName(index + 1, name);
			expect(secureFilename(upload), name).toBe(upload);
			expect(upload.length).toBeLessThanOrEqual(100);
		}
	});

	it('keeps the extension of a long name within 100 characters', () => {
		const name = uploadName(12, `${'a'.repeat(200)}.tar.gz`);
		expect(name).toHaveLength(100);
		expect(name.startsWith('12-aaa')).toBe(true);
		expect(name.endsWith('.gz')).toBe(true);
	});
});

describe('limits', () => {
	it('follows the boost levels, 10 MiB by default', () => {
		expect([0, 1, 2, 3, 4].map(uploadLimitForPremiumTier)).toEqual([10 * MIB, 10 * MIB, 50 * MIB, 100 * MIB, 10 * MIB]);
		expect(DEFAULT_UPLOAD_LIMIT_BYTES).toBe(10_485_760);
		expect(DEFAULT_REQUEST_LIMIT_BYTES).toBe(26_214_400);
	});

	it('formats sizes in binary units', () => {
		expect([0, 1_023, 1_024, 204_800, MIB - 1, MIB, 11 * MIB].map(formatBytes)).toEqual(['0 B', '1023 B', '1.0 KiB', '200.0 KiB', '1024.0 KiB', '1.0 MiB', '11.0 MiB']);
	});
});

describe('the transcript library install', () => {
	it('has one React: the library and its components package resolve the same react and react-dom (package.json overrides)', () => {
		const fromHere = createRequire(import.meta.url);
		const fromLibrary = createRequire(fromHere.resolve('discord-html-transcripts'));
		const fromComponents = createRequire(fromLibrary.resolve('@derockdev/discord-components-react'));
		expect(fromComponents.resolve('react')).toBe(fromLibrary.resolve('react'));
		expect(fromComponents.resolve('react-dom')).toBe(fromLibrary.resolve('react-dom'));
	});
});
