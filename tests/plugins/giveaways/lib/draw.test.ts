import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../../src/lib/random.js';
import {
	buildDrawRecord,
	canonicalEntries,
	commitmentOf,
	DRAW_VERSION,
	drawNextRound,
	drawRecordSchema,
	drawStreamValues,
	drawWinners,
	entriesHash,
	isDrawUserId,
	newSecret,
	serializeEntries,
	verifyDrawRecord,
	type DrawEntry,
	type DrawRecord
} from '../../../../src/plugins/giveaways/lib/draw.js';

/** The secret of the test vector: the bytes 0x00 to 0x1f. */
const SECRET = Buffer.from(Array.from({ length: 32 }, (_, byte) => byte)).toString('hex');

/** The entries of the test vector (docs/giveaways.md ("A draw anyone can verify")), deliberately not in canonical order. */
const ENTRIES: DrawEntry[] = [
	{ userId: '80351110224678912', weight: 1 },
	{ userId: '175928847299117063', weight: 3 },
	{ userId: '1234567890123456789', weight: 10 },
	{ userId: '99999999999999999', weight: 1 },
	{ userId: '18446744073709551615', weight: 2 },
	{ userId: '300000000000000000', weight: 100 },
	{ userId: '222222222222222222', weight: 5 },
	{ userId: '1000000000000000000', weight: 1 }
];

/** A secret per test draw: SHA-256 of a label, so every run and machine uses the same ones. */
const secretFor = (label: string) => createHash('sha256').update(label).digest('hex');

/** `count` distinct 18-digit user ids with weights 1 to 100, from a seeded generator. */
function randomEntries(random: SeededRandom, count: number): DrawEntry[] {
	const ids = new Set<string>();
	while (ids.size < count) ids.add(String(100_000_000_000_000_000n + BigInt(random.int(0, 2 ** 48))));
	return [...ids].map((userId) => ({ userId, weight: random.int(1, 100) }));
}

/**
 * The draw written again from the specification (docs/giveaways.md ("A draw anyone can verify")), as plainly as possible: BigInt order, the
 * linear walk instead of the Fenwick tree, the stream straight from HMAC-SHA256.
 */
function referenceDraw(secret: string, entries: readonly DrawEntry[], count: number, round: number, exclude: readonly string[]): string[] {
	const remaining = [...entries]
		.sort((a, b) => (BigInt(a.userId) < BigInt(b.userId) ? -1 : 1))
		.filter((entry) => !exclude.includes(entry.userId));
	const values = (function* () {
		for (let block = 0; ; block++) {
			const bytes = createHmac('sha256', Buffer.from(secret, 'hex')).update(`hearth-draw-v1|${round}|${block}`).digest();
			for (let at = 0; at < 30; at += 6) yield bytes.readUIntBE(at, 6);
		}
	})();
	const below = (n: number) => {
		for (;;) {
			const x = values.next().value as number;
			if (x < Math.floor(2 ** 48 / n) * n) return x % n;
		}
	};
	const winners: string[] = [];
	while (winners.length < count && remaining.length > 0) {
		const r = below(remaining.reduce((sum, entry) => sum + entry.weight, 0));
		let sum = 0;
		const index = remaining.findIndex((entry) => (sum += entry.weight) > r);
		winners.push(remaining[index]!.userId);
		remaining.splice(index, 1);
	}
	return winners;
}

describe('the published algorithm, hearth-draw-v1', () => {
	// A regression guard of the published algorithm: these values were computed once by this implementation (and
	// checked against an independent reimplementation written from docs/giveaways.md ("A draw anyone can verify")), then frozen. They are the
	// test vector of that document. If this test fails, published draws would no longer verify: do not update the
	// values; keep hearth-draw-v1 as it is and make any change a new version.
	it('gives the frozen test vector', () => {
		expect(DRAW_VERSION).toBe('hearth-draw-v1');
		expect(commitmentOf(SECRET)).toBe('630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd');
		expect(serializeEntries(ENTRIES)).toBe(
			'80351110224678912 1\n99999999999999999 1\n175928847299117063 3\n222222222222222222 5\n300000000000000000 100\n' +
				'1000000000000000000 1\n1234567890123456789 10\n18446744073709551615 2\n'
		);
		expect(entriesHash(ENTRIES)).toBe('f2be218b69eeb70c146901d9c30bd60fc5b0e02bc3b1c9d559282c2bc276fffc');
		expect(drawStreamValues(SECRET, 0, 6)).toEqual([26408326284638, 259909586299835, 177561194953964, 263965220696774, 51992436987475, 268109462238419]);
		expect(drawStreamValues(SECRET, 1, 3)).toEqual([216970629171182, 159145079938923, 263043394658783]);
		expect(drawStreamValues(SECRET, 0, 6, 2 ** 47 + 1)).toEqual([26408326284638, 51992436987475, 125579678783433, 122410776700126, 53283758944758, 5321323064934]);

		const round0 = drawNextRound({ secret: SECRET, entries: ENTRIES, count: 3, earlierRounds: [] });
		const round1 = drawNextRound({ secret: SECRET, entries: ENTRIES, count: 2, earlierRounds: [round0] });
		const round2 = drawNextRound({ secret: SECRET, entries: ENTRIES, count: 10, earlierRounds: [round0, round1] });
		expect(round0).toEqual({ round: 0, count: 3, exclude: [], winners: ['300000000000000000', '80351110224678912', '222222222222222222'] });
		expect(round1.winners).toEqual(['175928847299117063', '1000000000000000000']);
		expect(round1.exclude).toEqual(round0.winners);
		expect(round2.winners).toEqual(['1234567890123456789', '18446744073709551615', '99999999999999999']);
		expect(round2.exclude).toEqual([...round0.winners, ...round1.winners]);
	});

	it('is the specification: the same winners as a plain reimplementation, over 300 random draws', () => {
		const random = new SeededRandom(11);
		for (let draw = 0; draw < 300; draw++) {
			const entries = randomEntries(random, random.int(1, 60));
			const exclude = entries.filter(() => random.float() < 0.2).map((entry) => entry.userId);
			const count = random.int(1, 70);
			const round = random.int(0, 5);
			const secret = secretFor(`reference ${draw}`);
			expect(drawWinners({ secret, entries, count, round, exclude })).toEqual(referenceDraw(secret, entries, count, round, exclude));
		}
	});
});

describe('secret and commitment', () => {
	it('newSecret is 32 random bytes in hex, from the source given', () => {
		expect(newSecret(() => Buffer.alloc(32, 0xab))).toBe('ab'.repeat(32));
		const a = newSecret();
		expect(a).toMatch(/^[0-9a-f]{64}$/);
		expect(newSecret()).not.toBe(a);
		expect(() => newSecret(() => Buffer.alloc(16))).toThrow(RangeError);
	});

	it('the commitment is SHA-256 of the bytes, not of the text', () => {
		expect(commitmentOf(SECRET)).toBe(createHash('sha256').update(Buffer.from(SECRET, 'hex')).digest('hex'));
		expect(commitmentOf(SECRET)).not.toBe(createHash('sha256').update(SECRET).digest('hex'));
		for (const bad of ['', SECRET.toUpperCase(), SECRET.slice(2), `${SECRET}00`, 'zz'.repeat(32)]) expect(() => commitmentOf(bad)).toThrow(RangeError);
	});
});

describe('entries', () => {
	it('canonical order is numeric, whatever the input order', () => {
		const canonical = canonicalEntries(ENTRIES).map((entry) => entry.userId);
		expect(canonical).toEqual([...canonical].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
		expect(canonical.indexOf('99999999999999999')).toBeLessThan(canonical.indexOf('175928847299117063'));
		const random = new SeededRandom(3);
		const entries = randomEntries(random, 200);
		const shuffled = [...entries].sort(() => random.float() - 0.5);
		expect(canonicalEntries(shuffled)).toEqual(canonicalEntries(entries));
		expect(entriesHash(shuffled)).toBe(entriesHash(entries));
		expect(drawWinners({ secret: SECRET, entries: shuffled, count: 10 })).toEqual(drawWinners({ secret: SECRET, entries, count: 10 }));
		expect(entriesHash([])).toBe(createHash('sha256').update('').digest('hex'));
	});

	it('refuses repeated users, bad weights and bad ids', () => {
		expect(() => canonicalEntries([...ENTRIES, { userId: '80351110224678912', weight: 2 }])).toThrow(/two entries/);
		for (const weight of [0, 101, 1.5, Number.NaN]) expect(() => canonicalEntries([{ userId: '80351110224678912', weight }])).toThrow(RangeError);
		for (const userId of ['080351110224678912', '8035111022467891', '18446744073709551616', '99999999999999999999', '1e17', ' 80351110224678912']) {
			expect(isDrawUserId(userId)).toBe(false);
			expect(() => canonicalEntries([{ userId, weight: 1 }])).toThrow(RangeError);
		}
		expect(isDrawUserId('18446744073709551615')).toBe(true);
	});
});

describe('drawWinners', () => {
	const entries = randomEntries(new SeededRandom(5), 40);

	it('never repeats a winner, never picks an excluded user, and gives count winners', () => {
		const exclude = entries.slice(0, 10).map((entry) => entry.userId);
		for (let draw = 0; draw < 50; draw++) {
			const winners = drawWinners({ secret: secretFor(`exclude ${draw}`), entries, count: 12, round: draw % 3, exclude });
			expect(winners).toHaveLength(12);
			expect(new Set(winners).size).toBe(12);
			expect(winners.filter((userId) => exclude.includes(userId))).toEqual([]);
		}
	});

	it('every eligible entry wins when there are no more of them than count, in draw order', () => {
		const exclude = entries.slice(0, 35).map((entry) => entry.userId);
		const winners = drawWinners({ secret: SECRET, entries, count: 10, exclude });
		expect([...winners].sort()).toEqual(entries.slice(35).map((entry) => entry.userId).sort());
		expect(drawWinners({ secret: SECRET, entries, count: 40 })).toHaveLength(40);
		expect(drawWinners({ secret: SECRET, entries, count: 1000 })).toEqual(drawWinners({ secret: SECRET, entries, count: 40 }));
		expect(drawWinners({ secret: SECRET, entries: [], count: 3 })).toEqual([]);
		expect(drawWinners({ secret: SECRET, entries, count: 3, exclude: entries.map((entry) => entry.userId) })).toEqual([]);
	});

	it('a larger draw starts with the smaller one; rounds and secrets give other streams', () => {
		const five = drawWinners({ secret: SECRET, entries, count: 5 });
		expect(drawWinners({ secret: SECRET, entries, count: 3 })).toEqual(five.slice(0, 3));
		expect(drawWinners({ secret: SECRET, entries, count: 5, round: 1 })).not.toEqual(five);
		expect(drawWinners({ secret: secretFor('other'), entries, count: 5 })).not.toEqual(five);
	});

	it('a weight-3 entry wins about three times as often as a weight-1 entry (10,000 secrets)', () => {
		const wins = new Map<string, number>();
		const weighted = [
			{ userId: '300000000000000000', weight: 3 },
			{ userId: '100000000000000000', weight: 1 },
			{ userId: '200000000000000000', weight: 2 }
		];
		for (let draw = 0; draw < 10_000; draw++) {
			const [winner] = drawWinners({ secret: secretFor(`weights ${draw}`), entries: weighted, count: 1 });
			wins.set(winner!, (wins.get(winner!) ?? 0) + 1);
		}
		// Expected 5,000 / 1,667 / 3,333 (weights 3:1:2 of 6); one standard deviation of the ratio is about 0.07.
		const ratio = wins.get('300000000000000000')! / wins.get('100000000000000000')!;
		expect(ratio).toBeGreaterThan(2.7);
		expect(ratio).toBeLessThan(3.3);
		expect(Math.abs(wins.get('200000000000000000')! - 3_333)).toBeLessThan(200);
	});

	it('refuses a bad count, round, secret or excluded id', () => {
		expect(() => drawWinners({ secret: SECRET, entries, count: 0 })).toThrow(RangeError);
		expect(() => drawWinners({ secret: SECRET, entries, count: 1.5 })).toThrow(RangeError);
		expect(() => drawWinners({ secret: SECRET, entries, count: 1, round: -1 })).toThrow(RangeError);
		expect(() => drawWinners({ secret: 'nope', entries, count: 1 })).toThrow(RangeError);
		expect(() => drawWinners({ secret: SECRET, entries, count: 1, exclude: ['someone'] })).toThrow(RangeError);
	});

	it('draws 50 winners from 100,000 entries (O(log n) per pick on a Fenwick tree)', () => {
		const many = randomEntries(new SeededRandom(100), 100_000);
		const winners = drawWinners({ secret: SECRET, entries: many, count: 50 });
		expect(new Set(winners).size).toBe(50);
	}, 30_000);
});

describe('the draw record', () => {
	/** A record of the test vector: round 0 and one reroll. */
	function record(): DrawRecord {
		const round0 = drawNextRound({ secret: SECRET, entries: ENTRIES, count: 3, earlierRounds: [] });
		const round1 = drawNextRound({ secret: SECRET, entries: ENTRIES, count: 2, earlierRounds: [round0] });
		return buildDrawRecord({ giveaway: { guildId: '111111111111111111', id: '7', prize: 'Nitro' }, secret: SECRET, entries: ENTRIES, rounds: [round0, round1] });
	}

	it('is built canonical, survives JSON and verifies', () => {
		const built = record();
		expect(built.version).toBe('hearth-draw-v1');
		expect(built.entries).toEqual(canonicalEntries(ENTRIES));
		expect(built.entriesHash).toBe(entriesHash(ENTRIES));
		expect(built.rounds.map((round) => [round.round, round.exclude.length])).toEqual([
			[0, 0],
			[1, 3]
		]);
		const read = drawRecordSchema.parse(JSON.parse(JSON.stringify(built)));
		expect(read).toEqual(built);
		expect(verifyDrawRecord(read)).toEqual({ ok: true });
		expect(() => buildDrawRecord({ giveaway: built.giveaway, secret: SECRET, entries: ENTRIES, rounds: [] })).toThrow(RangeError);
	});

	it('detects a secret that does not match the commitment', () => {
		const tampered = { ...record(), secret: secretFor('another secret') };
		const result = verifyDrawRecord(tampered);
		expect(result.ok).toBe(false);
		expect(!result.ok && result.problems[0]).toEqual({ code: 'commitment', expected: commitmentOf(tampered.secret), actual: tampered.commitment });
	});

	it('detects an entry list that does not match its hash', () => {
		const built = record();
		const tampered = { ...built, entries: built.entries.map((entry) => (entry.userId === '99999999999999999' ? { ...entry, weight: 50 } : entry)) };
		const result = verifyDrawRecord(tampered);
		expect(!result.ok && result.problems.map((problem) => problem.code)).toContain('entriesHash');
		const dropped = verifyDrawRecord({ ...built, entries: built.entries.slice(1) });
		expect(!dropped.ok && dropped.problems.map((problem) => problem.code)).toContain('entriesHash');
	});

	it('detects tampered winners, in the round tampered only', () => {
		const built = record();
		const tampered = { ...built, rounds: [{ ...built.rounds[0]!, winners: ['175928847299117063', '80351110224678912', '222222222222222222'] }, built.rounds[1]!] };
		expect(verifyDrawRecord(tampered)).toEqual({
			ok: false,
			problems: [{ code: 'winners', round: 0, expected: built.rounds[0]!.winners, actual: tampered.rounds[0]!.winners }]
		});
		const reordered = { ...built, rounds: [built.rounds[0]!, { ...built.rounds[1]!, winners: [...built.rounds[1]!.winners].reverse() }] };
		expect(verifyDrawRecord(reordered).ok).toBe(false);
		const wrongExclude = { ...built, rounds: [built.rounds[0]!, { ...built.rounds[1]!, exclude: [] }] };
		expect(verifyDrawRecord(wrongExclude)).toEqual({
			ok: false,
			problems: [{ code: 'winners', round: 1, field: 'exclude', expected: built.rounds[0]!.winners, actual: [] }]
		});
	});

	it('reports an entry list that is invalid or out of order, and another version', () => {
		const built = record();
		const swapped = { ...built, entries: [built.entries[1]!, built.entries[0]!, ...built.entries.slice(2)] };
		const unsorted = verifyDrawRecord(swapped);
		expect(!unsorted.ok && unsorted.problems.find((problem) => problem.code === 'entries')).toEqual({
			code: 'entries',
			index: 0,
			expected: '80351110224678912',
			actual: '99999999999999999'
		});
		// Out of order only: the rounds are still recomputed (and right).
		expect(!unsorted.ok && unsorted.problems.some((problem) => problem.code === 'winners')).toBe(false);
		const repeated = verifyDrawRecord({ ...built, entries: [built.entries[0]!, ...built.entries] });
		expect(!repeated.ok && repeated.problems.find((problem) => problem.code === 'entries')).toEqual({ code: 'entries', index: 1, actual: '80351110224678912' });
		expect(verifyDrawRecord({ ...built, version: 'hearth-draw-v2' })).toEqual({ ok: false, problems: [{ code: 'version', expected: 'hearth-draw-v1', actual: 'hearth-draw-v2' }] });
	});

	it('the schema refuses rounds out of order and malformed hashes', () => {
		const built = record();
		expect(drawRecordSchema.safeParse({ ...built, rounds: [built.rounds[1], built.rounds[0]] }).success).toBe(false);
		expect(drawRecordSchema.safeParse({ ...built, secret: 'x' }).success).toBe(false);
		expect(drawRecordSchema.safeParse({ ...built, rounds: [] }).success).toBe(false);
	});
});
