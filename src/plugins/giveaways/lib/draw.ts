import { createHash, createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * The verifiable draw of a giveaway (issue 11, "A draw anyone can verify"), algorithm `hearth-draw-v1`.
 *
 * At the start the giveaway shows a commitment, the SHA-256 of a random secret the bot keeps. At the end the bot
 * publishes the secret, the SHA-256 of the canonical entry list, and the list itself; the winners are a deterministic
 * function of (secret, entry list, round, earlier winners), so anyone can recompute them: `/giveaway verify` in the bot,
 * `npm run giveaway:verify -- <file>` outside it. The algorithm is specified byte for byte in docs/giveaways.md ("A draw anyone can verify"),
 * with a test vector; changing anything that changes a result needs a new version name (tests freeze one result).
 *
 * Plain functions over plain data: no Discord, no clock, no database.
 */

/** The algorithm's name and version: part of every published record and of every HMAC message of the stream. */
export const DRAW_VERSION = 'hearth-draw-v1';

/** Length of a draw secret, in bytes (256 bits, the size of a SHA-256 digest). */
export const SECRET_BYTES = 32;

/** Smallest and largest weight of an entry (issue 11: integers 1 to 100; bonus entries for roles are weights). */
export const MIN_WEIGHT = 1;
/** See {@link MIN_WEIGHT}. */
export const MAX_WEIGHT = 100;

/** The stream gives integers below 2^48: 6 bytes, read big-endian. */
const TWO_POW_48 = 2 ** 48;

/** 48-bit values per HMAC-SHA256 block (32 bytes: five 6-byte values, the last 2 bytes unused). */
const VALUES_PER_BLOCK = 5;

/** The largest unsigned 64-bit integer in decimal (20 digits): the largest user id a record may hold. */
const MAX_UINT64 = '18446744073709551615';

/** A user id: decimal, no leading zero, 17 to 20 digits (every Discord snowflake issued since 2015 has at least 17). */
const USER_ID = /^[1-9]\d{16,19}$/;

/** A SHA-256 digest or a secret as text: 64 lowercase hexadecimal digits. */
const HEX_256 = /^[0-9a-f]{64}$/;

/** One entry of a giveaway: a Discord user id (snowflake, decimal string) and an integer weight from 1 to 100. */
export interface DrawEntry {
	readonly userId: string;
	readonly weight: number;
}

/**
 * Whether `value` is a user id the draw accepts: a decimal snowflake with no leading zero, 17 to 20 digits, at most
 * 2^64 - 1. No leading zero makes the text of an id unique, so the canonical order and the duplicate check are exact.
 */
export function isDrawUserId(value: unknown): value is string {
	return typeof value === 'string' && USER_ID.test(value) && (value.length < 20 || value <= MAX_UINT64);
}

/**
 * Order of two valid user ids as unsigned 64-bit integers: with no leading zeros a shorter id is smaller, and ids of
 * the same length compare digit by digit (no BigInt needed).
 */
function compareUserIds(a: string, b: string): number {
	return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** The hex text of a secret as its 32 bytes. @throws RangeError when it is not 64 lowercase hexadecimal digits. */
function secretBytes(secretHex: string): Buffer {
	if (typeof secretHex !== 'string' || !HEX_256.test(secretHex)) {
		throw new RangeError(`a draw secret is ${SECRET_BYTES} bytes as 64 lowercase hexadecimal digits`);
	}
	return Buffer.from(secretHex, 'hex');
}

/** SHA-256 of `data` (a string is hashed as its UTF-8 bytes), as 64 lowercase hexadecimal digits. */
function sha256Hex(data: string | Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

/**
 * A new draw secret: 32 random bytes as 64 lowercase hexadecimal digits. Made when a giveaway starts and kept by the
 * bot until it ends; only its {@link commitmentOf commitment} is shown meanwhile.
 * @param random the source of the bytes; `crypto.randomBytes(32)` by default (tests pass fixed bytes).
 * @throws RangeError when `random` does not return exactly 32 bytes.
 */
export function newSecret(random: () => Buffer = () => randomBytes(SECRET_BYTES)): string {
	const bytes = random();
	if (!Buffer.isBuffer(bytes) || bytes.length !== SECRET_BYTES) {
		throw new RangeError(`a draw secret needs ${SECRET_BYTES} random bytes, got ${Buffer.isBuffer(bytes) ? bytes.length : typeof bytes}`);
	}
	return bytes.toString('hex');
}

/**
 * The commitment shown while a giveaway runs: SHA-256 of the secret's 32 bytes (not of its hex text), as 64 lowercase
 * hexadecimal digits.
 * @throws RangeError when `secretHex` is not 64 lowercase hexadecimal digits.
 */
export function commitmentOf(secretHex: string): string {
	return sha256Hex(secretBytes(secretHex));
}

/**
 * The entry list in canonical order: sorted by user id as an unsigned 64-bit integer, ascending. Returns new
 * `{ userId, weight }` objects (other properties dropped); the input is not changed. Cost: O(n log n).
 * @throws RangeError naming the entry when a user id is not a valid snowflake ({@link isDrawUserId}), a weight is not an
 * integer from 1 to 100, or a user id appears twice (one entry per member; a bonus is a larger weight).
 */
export function canonicalEntries(entries: readonly DrawEntry[]): DrawEntry[] {
	const sorted = entries.map((entry, index) => {
		if (!isDrawUserId(entry.userId)) throw new RangeError(`entry ${index}: user id ${JSON.stringify(entry.userId)} is not a Discord id`);
		if (!Number.isInteger(entry.weight) || entry.weight < MIN_WEIGHT || entry.weight > MAX_WEIGHT) {
			throw new RangeError(`entry ${index} (user ${entry.userId}): weight ${entry.weight} is not an integer from ${MIN_WEIGHT} to ${MAX_WEIGHT}`);
		}
		return { userId: entry.userId, weight: entry.weight };
	});
	sorted.sort((a, b) => compareUserIds(a.userId, b.userId));
	for (let index = 1; index < sorted.length; index++) {
		if (sorted[index]!.userId === sorted[index - 1]!.userId) throw new RangeError(`user ${sorted[index]!.userId} has two entries`);
	}
	return sorted;
}

/** One line per entry, `"<userId> <weight>\n"`, in the order given (no check). */
function entryLines(entries: readonly { readonly userId: unknown; readonly weight: unknown }[]): string {
	let text = '';
	for (const entry of entries) text += `${String(entry.userId)} ${String(entry.weight)}\n`;
	return text;
}

/**
 * The entry list as published text: one line per entry in canonical order, `"<userId> <weight>\n"` (decimal, one space,
 * a line feed after every line, the last included; no header). An empty list is the empty string.
 * @throws RangeError as {@link canonicalEntries}.
 */
export function serializeEntries(entries: readonly DrawEntry[]): string {
	return entryLines(canonicalEntries(entries));
}

/**
 * SHA-256 of {@link serializeEntries}'s text (UTF-8; it is ASCII), as 64 lowercase hexadecimal digits. The same list in
 * any input order has the same hash.
 * @throws RangeError as {@link canonicalEntries}.
 */
export function entriesHash(entries: readonly DrawEntry[]): string {
	return sha256Hex(serializeEntries(entries));
}

/** The HMAC message of block `block` of round `round`: `hearth-draw-v1|<round>|<block>` (ASCII). */
function blockMessage(round: number, block: number): string {
	return [DRAW_VERSION, round, block].join('|');
}

/**
 * The deterministic stream of a round: block j (j = 0, 1, 2, ...) is HMAC-SHA256(key = the secret's 32 bytes,
 * message = the ASCII text `hearth-draw-v1|<round>|<j>`, both numbers in decimal), read as five 48-bit unsigned
 * integers (bytes 0-5, 6-11, 12-17, 18-23, 24-29, each big-endian; bytes 30-31 unused).
 */
class DrawStream {
	readonly #key: Buffer;
	readonly #round: number;
	#block: Buffer = Buffer.alloc(0);
	#used = VALUES_PER_BLOCK;
	#nextBlock = 0;

	public constructor(key: Buffer, round: number) {
		this.#key = key;
		this.#round = round;
	}

	/** The next 48-bit value of the stream, in [0, 2^48). */
	public next(): number {
		if (this.#used === VALUES_PER_BLOCK) {
			this.#block = createHmac('sha256', this.#key).update(blockMessage(this.#round, this.#nextBlock), 'ascii').digest();
			this.#nextBlock++;
			this.#used = 0;
		}
		return this.#block.readUIntBE(6 * this.#used++, 6);
	}

	/**
	 * A uniform integer in [0, n) by rejection sampling: values x >= floor(2^48 / n) * n are skipped (they would favour
	 * small results), the first other value gives x mod n. Fewer than 2 values per call on average, whatever n.
	 * @param n from 1 to 2^48.
	 */
	public below(n: number): number {
		const limit = Math.floor(TWO_POW_48 / n) * n;
		for (;;) {
			const value = this.next();
			if (value < limit) return value % n;
		}
	}
}

/**
 * Remaining weights in canonical order as a Fenwick (binary indexed) tree: the entry holding a given point of the total
 * weight is found, and an entry removed, in O(log n) each. `tree[i]` (1-based) is the sum of the weights of entries
 * i - lowbit(i) + 1 .. i.
 */
class WeightTree {
	readonly #tree: Float64Array;
	readonly #size: number;
	readonly #topStep: number;
	#total = 0;

	/** O(n). Weights are integers >= 0 (0: not eligible); their sum stays exact below 2^53. */
	public constructor(weights: readonly number[]) {
		this.#size = weights.length;
		this.#tree = new Float64Array(this.#size + 1);
		for (let i = 1; i <= this.#size; i++) {
			this.#tree[i]! += weights[i - 1]!;
			this.#total += weights[i - 1]!;
			const parent = i + (i & -i);
			if (parent <= this.#size) this.#tree[parent]! += this.#tree[i]!;
		}
		let step = 1;
		while (step * 2 <= this.#size) step *= 2;
		this.#topStep = this.#size === 0 ? 0 : step;
	}

	/** The sum of the remaining weights. */
	public get total(): number {
		return this.#total;
	}

	/**
	 * The 0-based index of the entry whose slice of the cumulative weight holds `point`: the first entry (canonical order)
	 * whose cumulative weight, itself included, is greater than `point`. Never an entry of weight 0.
	 * @param point an integer in [0, total).
	 */
	public find(point: number): number {
		let position = 0;
		let rest = point;
		for (let step = this.#topStep; step > 0; step >>= 1) {
			const next = position + step;
			if (next <= this.#size && this.#tree[next]! <= rest) {
				position = next;
				rest -= this.#tree[next]!;
			}
		}
		return position;
	}

	/** Takes the entry at 0-based `index`, of weight `weight`, out of the draw. */
	public remove(index: number, weight: number): void {
		for (let i = index + 1; i <= this.#size; i += i & -i) this.#tree[i]! -= weight;
		this.#total -= weight;
	}
}

/** What {@link drawWinners} draws from. */
export interface DrawOptions {
	/** The giveaway's secret: 64 lowercase hexadecimal digits ({@link newSecret}). */
	readonly secret: string;
	/** The entries, in any order (canonicalized first). */
	readonly entries: readonly DrawEntry[];
	/** How many winners to draw: an integer >= 1. */
	readonly count: number;
	/** 0 for the draw at the end, k >= 1 for the k-th reroll (a new stream per round). Default 0. */
	readonly round?: number;
	/** User ids that cannot win this round: for a reroll, every earlier winner of the giveaway. Unknown ids are ignored. */
	readonly exclude?: readonly string[];
}

/**
 * The winners of one round of a giveaway, in draw order (issue 11; docs/giveaways.md ("A draw anyone can verify") is the specification):
 * a weighted draw without replacement. The eligible entries are the canonical entries whose user is not in `exclude`;
 * each pick takes r = the stream's next uniform integer below W (W: the total weight of the eligible entries not drawn
 * yet) and the winner is the first such entry, in canonical order, whose cumulative weight (itself included) is greater
 * than r; it is then removed. So each pick is proportional to weight among those remaining. There are
 * min(count, eligible entries) picks: with fewer eligible entries than `count` every one of them wins, in the order
 * the stream gives (every pick, the last included, still reads the stream). No eligible entry: `[]`.
 *
 * Cost: O(n log n) to sort n entries, O(n) to build the weight tree, O(log n) per pick plus one HMAC-SHA256 per five
 * stream values (under two values per pick on average); 100,000 entries and 50 winners take tens of milliseconds.
 * @returns the winners' user ids, at most `count`, no repeats, none of `exclude`.
 * @throws RangeError when the secret is not 64 lowercase hex digits, an entry is invalid or repeated
 * ({@link canonicalEntries}), `count` is not an integer >= 1, `round` is not an integer >= 0, or an `exclude` id is not
 * a user id.
 */
export function drawWinners({ secret, entries, count, round = 0, exclude = [] }: DrawOptions): string[] {
	const key = secretBytes(secret);
	if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`count must be an integer >= 1, got ${count}`);
	if (!Number.isSafeInteger(round) || round < 0) throw new RangeError(`round must be an integer >= 0, got ${round}`);
	for (const userId of exclude) {
		if (!isDrawUserId(userId)) throw new RangeError(`excluded user id ${JSON.stringify(userId)} is not a Discord id`);
	}
	const canonical = canonicalEntries(entries);
	const excluded = new Set(exclude);
	let eligible = 0;
	const weights = canonical.map((entry) => {
		if (excluded.has(entry.userId)) return 0;
		eligible++;
		return entry.weight;
	});
	const tree = new WeightTree(weights);
	if (tree.total > TWO_POW_48) throw new RangeError(`the total weight ${tree.total} is above 2^48`);
	const stream = new DrawStream(key, round);
	const winners: string[] = [];
	for (let pick = Math.min(count, eligible); pick > 0; pick--) {
		const index = tree.find(stream.below(tree.total));
		const winner = canonical[index]!;
		winners.push(winner.userId);
		tree.remove(index, winner.weight);
	}
	return winners;
}

/**
 * The first `howMany` values of a round's stream, for test vectors and for checking another implementation step by
 * step: the raw 48-bit values, or with `below` the uniform integers below it (rejection sampling as in a draw; with
 * `below` = 2^47 + 1 about half the raw values are rejected, which exercises it).
 * @param below an integer from 1 to 2^48.
 * @throws RangeError as {@link drawWinners} for the secret and the round, or for `below` out of range.
 */
export function drawStreamValues(secret: string, round: number, howMany: number, below?: number): number[] {
	const key = secretBytes(secret);
	if (!Number.isSafeInteger(round) || round < 0) throw new RangeError(`round must be an integer >= 0, got ${round}`);
	if (below !== undefined && (!Number.isSafeInteger(below) || below < 1 || below > TWO_POW_48)) {
		throw new RangeError(`below must be an integer from 1 to 2^48, got ${below}`);
	}
	const stream = new DrawStream(key, round);
	return Array.from({ length: howMany }, () => (below === undefined ? stream.next() : stream.below(below)));
}

/** One round of a published draw: its number, the winners asked for, who could not win, who won (in draw order). */
export interface DrawRound {
	/** 0: the end of the giveaway; k >= 1: the k-th reroll. */
	readonly round: number;
	/** Winners asked for (at most this many won: fewer when fewer were eligible). */
	readonly count: number;
	/** Every winner of the earlier rounds, round by round in draw order (empty for round 0). */
	readonly exclude: readonly string[];
	/** User ids in draw order. */
	readonly winners: readonly string[];
}

/**
 * The next round of a giveaway: round 0 at the end (`earlierRounds` empty), the k-th reroll after k rounds. It excludes
 * every earlier winner (issue 11: a reroll never picks a previous winner of the giveaway).
 * @param options.earlierRounds the giveaway's rounds so far, in order (only their winners are read).
 * @throws RangeError as {@link drawWinners}.
 */
export function drawNextRound(options: {
	readonly secret: string;
	readonly entries: readonly DrawEntry[];
	readonly count: number;
	readonly earlierRounds: readonly { readonly winners: readonly string[] }[];
}): DrawRound {
	const round = options.earlierRounds.length;
	const exclude = options.earlierRounds.flatMap((earlier) => earlier.winners);
	return { round, count: options.count, exclude, winners: drawWinners({ ...options, round, exclude }) };
}

const hex256Schema = z.string().regex(HEX_256, 'must be 64 lowercase hexadecimal digits');

/**
 * The published file of a giveaway's draw (JSON), as read back:
 * `{ version, giveaway: { guildId, id, prize }, commitment, secret, entriesHash, entries: [{ userId, weight }],
 * rounds: [{ round, count, exclude, winners }] }`.
 *
 * The schema checks the shape, and that rounds are numbered 0, 1, 2, ... in order ({@link buildDrawRecord} always
 * writes them so). What {@link verifyDrawRecord} reports as a problem is left loose here so that it is reported by
 * code, not refused as a malformed file: any `version` text, any entry `{ userId: string, weight: number }` (validity
 * and order are its `entries` check), any ids in a round's `exclude` and `winners` (its `winners` check).
 */
export const drawRecordSchema = z
	.object({
		version: z.string(),
		giveaway: z.object({
			guildId: z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17 to 20 digits)'),
			id: z.string().min(1),
			prize: z.string()
		}),
		commitment: hex256Schema,
		secret: hex256Schema,
		entriesHash: hex256Schema,
		entries: z.array(z.object({ userId: z.string(), weight: z.number() })),
		rounds: z
			.array(
				z.object({
					round: z.number().int().min(0),
					count: z.number().int().min(1),
					exclude: z.array(z.string()),
					winners: z.array(z.string())
				})
			)
			.min(1)
	})
	.superRefine((record, ctx) => {
		record.rounds.forEach((round, index) => {
			if (round.round !== index) {
				ctx.addIssue({ code: 'custom', path: ['rounds', index, 'round'], message: `must be ${index}: rounds are numbered from 0, in order` });
			}
		});
	});

/** A published draw record ({@link drawRecordSchema}). */
export type DrawRecord = z.output<typeof drawRecordSchema>;

/**
 * The record to publish when a giveaway ends or is rerolled: the secret, its commitment, the canonical entry list and
 * its hash, and every round so far with its number and exclusions filled in. The winners are the ones the bot
 * announced, not recomputed here: {@link verifyDrawRecord} is what checks them.
 * @param input.giveaway the guild's id, the giveaway's id (as text) and its prize.
 * @param input.rounds the rounds in order (round 0 first), each with the winners asked for and those drawn.
 * @throws RangeError when the secret or an entry is invalid ({@link canonicalEntries}) or there is no round.
 */
export function buildDrawRecord(input: {
	readonly giveaway: { readonly guildId: string; readonly id: string; readonly prize: string };
	readonly secret: string;
	readonly entries: readonly DrawEntry[];
	readonly rounds: readonly { readonly count: number; readonly winners: readonly string[] }[];
}): DrawRecord {
	if (input.rounds.length === 0) throw new RangeError('a draw record needs at least round 0');
	const entries = canonicalEntries(input.entries);
	const earlier: string[] = [];
	const rounds = input.rounds.map(({ count, winners }, round) => {
		const exclude = [...earlier];
		earlier.push(...winners);
		return { round, count, exclude, winners: [...winners] };
	});
	return {
		version: DRAW_VERSION,
		giveaway: { guildId: input.giveaway.guildId, id: input.giveaway.id, prize: input.giveaway.prize },
		commitment: commitmentOf(input.secret),
		secret: input.secret,
		entriesHash: sha256Hex(entryLines(entries)),
		entries,
		rounds
	};
}

/** What a check of {@link verifyDrawRecord} found wrong; codes, not text (the bot translates them). */
export type DrawProblemCode = 'version' | 'commitment' | 'entriesHash' | 'entries' | 'winners';

/**
 * One problem of a draw record:
 * - `version`: not `hearth-draw-v1` (nothing else is checked); expected/actual: the versions.
 * - `commitment`: SHA-256 of the secret's bytes is not the published commitment; expected: the hash of the secret,
 *   actual: the commitment.
 * - `entries`: the list is not a valid canonical list; `index`: the first bad position; `actual`: the user id found
 *   there (or the weight, for a bad weight); `expected`: for an entry out of order, the user id that belongs there.
 * - `entriesHash`: SHA-256 of the published list (as published) is not the published hash; expected: the hash of the
 *   list, actual: the published hash.
 * - `winners`: a round is not the one the rules give; `round`: its number. Without `field`: its winners are not the
 *   recomputed ones (expected/actual: the winner lists). With `field: 'exclude'`: the winners may be right, but its
 *   published `exclude` is not every recomputed winner of the earlier rounds (expected/actual: those lists).
 */
export interface DrawProblem {
	readonly code: DrawProblemCode;
	readonly round?: number;
	readonly index?: number;
	readonly field?: 'exclude';
	readonly expected?: string | readonly string[];
	readonly actual?: string | readonly string[];
}

/** The outcome of {@link verifyDrawRecord}. */
export type DrawVerification = { readonly ok: true } | { readonly ok: false; readonly problems: readonly DrawProblem[] };

/**
 * The first reason a published list is not a valid canonical entry list, or null; `drawable` is false when an entry
 * is invalid or repeated (there is no draw to recompute), true when the list is valid (perhaps out of order: the draw
 * sorts it anyway).
 */
function checkEntries(entries: DrawRecord['entries']): { problem: DrawProblem | null; drawable: boolean } {
	const seen = new Set<string>();
	for (const [index, entry] of entries.entries()) {
		if (!isDrawUserId(entry.userId) || seen.has(entry.userId)) return { problem: { code: 'entries', index, actual: entry.userId }, drawable: false };
		if (!Number.isInteger(entry.weight) || entry.weight < MIN_WEIGHT || entry.weight > MAX_WEIGHT) {
			return { problem: { code: 'entries', index, actual: String(entry.weight) }, drawable: false };
		}
		seen.add(entry.userId);
	}
	const sorted = entries.map((entry) => entry.userId).sort(compareUserIds);
	const index = sorted.findIndex((userId, at) => userId !== entries[at]!.userId);
	return { problem: index === -1 ? null : { code: 'entries', index, expected: sorted[index]!, actual: entries[index]!.userId }, drawable: true };
}

/**
 * Checks a published draw record, every check independent of the others (issue 11): the version is `hearth-draw-v1`;
 * the commitment is SHA-256 of the secret; the entry list is valid and in canonical order; the entries hash is SHA-256
 * of the list as published; and the rounds are the draw's: round k's winners are {@link drawWinners} of (secret,
 * entries, its count, round k, exclude = the recomputed winners of rounds 0 to k - 1), and its `exclude` lists exactly
 * those. The whole chain follows from (secret, entries, counts): a winner changed in round 0 is reported for round 0
 * only, not again for every later round. Rounds are not checked when an entry is invalid or repeated (there is no
 * draw to recompute); an unknown version stops at that problem.
 * Cost: one draw per round ({@link drawWinners}).
 * @returns `{ ok: true }`, or every problem found ({@link DrawProblem}), in the order above.
 * @throws RangeError when the secret is not 64 lowercase hexadecimal digits (a record read with
 * {@link drawRecordSchema} never is).
 */
export function verifyDrawRecord(record: DrawRecord): DrawVerification {
	if (record.version !== DRAW_VERSION) return { ok: false, problems: [{ code: 'version', expected: DRAW_VERSION, actual: record.version }] };
	const problems: DrawProblem[] = [];
	const commitment = commitmentOf(record.secret);
	if (commitment !== record.commitment) problems.push({ code: 'commitment', expected: commitment, actual: record.commitment });
	const entries = checkEntries(record.entries);
	if (entries.problem) problems.push(entries.problem);
	const hash = sha256Hex(entryLines(record.entries));
	if (hash !== record.entriesHash) problems.push({ code: 'entriesHash', expected: hash, actual: record.entriesHash });
	if (entries.drawable) {
		const earlier: string[] = [];
		const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((userId, at) => userId === b[at]);
		record.rounds.forEach((published, round) => {
			const exclude = [...earlier];
			const winners = drawWinners({ secret: record.secret, entries: record.entries, count: published.count, round, exclude });
			if (!same(winners, published.winners)) problems.push({ code: 'winners', round, expected: winners, actual: [...published.winners] });
			if (!same(exclude, published.exclude)) problems.push({ code: 'winners', round, field: 'exclude', expected: exclude, actual: [...published.exclude] });
			earlier.push(...winners);
		});
	}
	return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
