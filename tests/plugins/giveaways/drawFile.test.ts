/**
 * The draw record attached to announcements stays under Discord's 10 MiB per file: past 8 MiB of JSON it is attached
 * gzip-compressed, and the verification script reads both forms.
 */
import { describe, expect, it } from 'vitest';
import { buildDrawRecord, drawWinners, newSecret, verifyDrawRecord, drawRecordSchema } from '../../../src/plugins/giveaways/lib/draw.js';
import { decodeDrawFile } from '../../../src/plugins/giveaways/scripts/verify.js';
import { DRAW_FILE_GZIP_ABOVE, drawRecordFile } from '../../../src/plugins/giveaways/service/GiveawayService.js';

/** A record of `count` entrants with ids from a base snowflake, weights 1 to 3. */
function record(count: number) {
	const secret = newSecret();
	const entries = Array.from({ length: count }, (_, index) => ({ userId: String(100_000_000_000_000_000n + BigInt(index)), weight: 1 + (index % 3) }));
	const winners = drawWinners({ secret, entries, count: 3 });
	return buildDrawRecord({ giveaway: { guildId: '123456789012345678', id: '1', prize: 'A prize' }, secret, entries, rounds: [{ count: 3, winners }] });
}

/** The bytes of an attachment built by drawRecordFile. */
const bytesOf = (file: ReturnType<typeof drawRecordFile>) => file.attachment as Buffer;

describe('drawRecordFile', () => {
	it('attaches a small record as plain JSON', () => {
		const file = drawRecordFile(7, record(10));
		expect(file.name).toBe('giveaway-7-draw.json');
		expect(verifyDrawRecord(drawRecordSchema.parse(JSON.parse(decodeDrawFile(bytesOf(file)))))).toEqual({ ok: true });
	});

	it('compresses a record over 8 MiB of JSON, and the script reads it back', () => {
		const big = record(200_000);
		expect(Buffer.byteLength(JSON.stringify(big, null, '\t'))).toBeGreaterThan(DRAW_FILE_GZIP_ABOVE);
		const file = drawRecordFile(8, big);
		expect(file.name).toBe('giveaway-8-draw.json.gz');
		expect(bytesOf(file).length).toBeLessThan(10 * 1024 * 1024);
		expect(verifyDrawRecord(drawRecordSchema.parse(JSON.parse(decodeDrawFile(bytesOf(file)))))).toEqual({ ok: true });
	}, 30_000);
});
