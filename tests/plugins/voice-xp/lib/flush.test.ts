import { TableNotFoundException } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { levelForTotalXp, levelSqlExpression, totalXpForLevel } from '../../../../src/plugins/voice-xp/lib/levels.js';
import { flushDeltas, flushOneByOne, VoiceXpFlusher } from '../../../../src/plugins/voice-xp/lib/flush.js';
import { VoiceSessionTracker, type TrackedVoiceState, type VoiceXpDelta } from '../../../../src/plugins/voice-xp/lib/sessionTracker.js';
import { getMemberStats } from '../../../../src/plugins/voice-xp/lib/stats.js';
import { createTestDatabase, type TestDatabase } from './testDatabase.js';

const GUILD = '800000000000000001';
const USER = '810000000000000001';
const MINUTE = 60_000;

let db: TestDatabase;
const em = () => db.orm.em.fork();

/** What the `pg` driver was asked to send: the SQL text and the bind parameters, as `client.query(text, values)` got them. */
interface DriverStatement {
	text: string;
	values: unknown[];
}
/** Statements sent by the ORM's pool clients since the last `beforeEach`. */
const driverStatements: DriverStatement[] = [];

/** The part of a `pg` client and pool this file touches. */
interface PgClient {
	query: (...args: unknown[]) => unknown;
}
interface PgPool {
	on(event: 'acquire', listener: (client: PgClient) => void): unknown;
}

/**
 * Records every `query()` call of the ORM pool's clients (a client is wrapped on its first checkout), below MikroORM
 * and Kysely: what reaches the driver is what goes over the wire, text and parameters apart.
 */
async function recordDriverStatements(): Promise<void> {
	const pool = (await db.orm.em.getConnection().getNativeClient()) as unknown as PgPool;
	const wrapped = new WeakSet<PgClient>();
	pool.on('acquire', (client) => {
		if (wrapped.has(client)) return;
		wrapped.add(client);
		const query = client.query.bind(client);
		client.query = (...args: unknown[]) => {
			const [first, second] = args;
			const text = typeof first === 'string' ? first : String((first as { text?: unknown } | undefined)?.text ?? '');
			const values = Array.isArray(second) ? second : ((first as { values?: unknown[] } | undefined)?.values ?? []);
			driverStatements.push({ text, values: [...values] });
			return query(...args);
		};
	});
}

/** The upserts of the flush among the recorded statements. */
const flushUpserts = () => driverStatements.filter((statement) => /^\s*insert into voice_xp_member_stats\b/.test(statement.text));

beforeAll(async () => {
	db = await createTestDatabase();
	await recordDriverStatements();
});

afterAll(async () => {
	await db?.drop();
});

beforeEach(async () => {
	await db.orm.em.fork().execute('truncate voice_xp_member_stats');
	db.queries.count = 0;
	db.queries.queries.length = 0;
	driverStatements.length = 0;
});

function delta(from: number, to: number, eligibleMs = to - from, rate = 6, userId = USER, guildId = GUILD): VoiceXpDelta {
	return { guildId, userId, eligibleMs, xpUnits: eligibleMs * rate, from, to };
}

async function rawRow(userId = USER, guildId = GUILD) {
	const rows = await em().execute<Record<string, unknown>[]>(
		'select total_xp, level, xp_into_level, voice_seconds, xp_carry, ms_carry, accrued_from, accrued_until from voice_xp_member_stats where guild_id = ? and user_id = ?',
		[guildId, userId]
	);
	const row = rows[0];
	return row === undefined ? undefined : Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

describe('flushDeltas', () => {
	it('creates a member with XP, level, XP into level and voice seconds', async () => {
		const result = await flushDeltas(em(), [delta(0, 20 * MINUTE + 500)]);
		expect(result.statements).toBe(1);
		expect(result.skipped).toEqual([]);
		expect(result.written).toEqual([
			{
				guildId: GUILD,
				userId: USER,
				totalXp: 120,
				gainedXp: 120,
				level: 1,
				previousLevel: 0,
				xpIntoLevel: 20,
				voiceSeconds: 1_200,
				gainedSeconds: 1_200,
				tierRoleId: null,
				created: true,
				leveledUp: true
			}
		]);
		expect(await rawRow()).toEqual({
			total_xp: 120,
			level: 1,
			xp_into_level: 20,
			voice_seconds: 1_200,
			xp_carry: 500 * 6,
			ms_carry: 500,
			accrued_from: 0,
			accrued_until: 20 * MINUTE + 500
		});
	});

	it('carries fractions across hundreds of small flushes and sums exactly', async () => {
		let from = 0;
		let totalMs = 0;
		const rate = 7;
		for (let i = 0; i < 300; i++) {
			const ms = 1_000 + ((i * 7_919) % 4_321);
			await flushDeltas(em(), [delta(from, from + ms, ms, rate)]);
			from += ms;
			totalMs += ms;
		}
		const row = await rawRow();
		expect(row!.total_xp).toBe(Math.floor((totalMs * rate) / MINUTE));
		expect(row!.xp_carry).toBe((totalMs * rate) % MINUTE);
		expect(row!.voice_seconds).toBe(Math.floor(totalMs / 1_000));
		expect(row!.ms_carry).toBe(totalMs % 1_000);
		expect(row!.level).toBe(levelForTotalXp(row!.total_xp!));
		expect(row!.xp_into_level).toBe(row!.total_xp! - totalXpForLevel(row!.level!));
	});

	it('does not count the same interval twice', async () => {
		const first = await flushDeltas(em(), [delta(0, MINUTE)]);
		const again = await flushDeltas(em(), [delta(0, MINUTE)]);
		expect(first.written).toHaveLength(1);
		expect(again.written).toEqual([]);
		expect(again.skipped).toEqual([delta(0, MINUTE)]);
		expect(await rawRow()).toMatchObject({ total_xp: 6, voice_seconds: 60 });
	});

	it('does not add a window overlapping one already counted (a second process on the same guild)', async () => {
		await flushDeltas(em(), [delta(0, MINUTE)]);
		const overlap = await flushDeltas(em(), [delta(MINUTE / 2, MINUTE + MINUTE / 2)]);
		expect(overlap.skipped).toHaveLength(1);
		const next = await flushDeltas(em(), [delta(MINUTE, 2 * MINUTE)]);
		expect(next.written).toHaveLength(1);
		expect(await rawRow()).toMatchObject({ total_xp: 12, voice_seconds: 120, accrued_from: MINUTE, accrued_until: 2 * MINUTE });
	});

	it('reports level-ups with the previous level, and none when the level stays', async () => {
		await flushDeltas(em(), [delta(0, 10 * MINUTE)]); // 60 XP, level 0
		const up = await flushDeltas(em(), [{ ...delta(10 * MINUTE, 11 * MINUTE), xpUnits: 4_615 * MINUTE }]); // +4,615 → 4,675
		expect(up.written[0]).toMatchObject({ totalXp: 4_675, gainedXp: 4_615, previousLevel: 0, level: 10, xpIntoLevel: 0, leveledUp: true, created: false });
		const same = await flushDeltas(em(), [delta(11 * MINUTE, 12 * MINUTE)]);
		expect(same.written[0]).toMatchObject({ totalXp: 4_681, previousLevel: 10, level: 10, xpIntoLevel: 6, leveledUp: false });
	});

	it('stores the level and XP into level of the new total for every member of a batch, across any number of levels', async () => {
		const users = Array.from({ length: 300 }, (_, i) => String(810000000000000000n + BigInt(i)));
		// Deterministic spread of starting totals and gains: some stay in their level, some cross one or many.
		const start = users.map((_, i) => (i * 7_919) % 300_000);
		const gain = users.map((_, i) => (i % 3 === 0 ? 1 : (i * 104_729) % 50_000));
		await flushDeltas(em(), users.map((userId, i) => ({ ...delta(0, MINUTE, 1, 6, userId), xpUnits: start[i]! * MINUTE })));
		const result = await flushDeltas(em(), users.map((userId, i) => ({ ...delta(MINUTE, 2 * MINUTE, 1, 6, userId), xpUnits: gain[i]! * MINUTE })));
		expect(result.written).toHaveLength(300);
		for (const written of result.written) {
			const i = users.indexOf(written.userId);
			const total = start[i]! + gain[i]!;
			const level = levelForTotalXp(total);
			expect(written).toMatchObject({ totalXp: total, level, xpIntoLevel: total - totalXpForLevel(level), previousLevel: levelForTotalXp(start[i]!) });
			expect(written.leveledUp).toBe(level > levelForTotalXp(start[i]!));
		}
		expect(result.written.some((w) => w.leveledUp) && result.written.some((w) => !w.leveledUp)).toBe(true);
		const rows = await em().execute<{ user_id: string; total_xp: string; level: number; xp_into_level: string }[]>(
			'select user_id, total_xp, level, xp_into_level from voice_xp_member_stats'
		);
		for (const row of rows) {
			const level = levelForTotalXp(Number(row.total_xp));
			expect([row.level, Number(row.xp_into_level)]).toEqual([level, Number(row.total_xp) - totalXpForLevel(level)]);
		}
	});

	it('moves to the next level exactly at its threshold, and not one XP before', async () => {
		const [below, at] = ['810000000000000001', '810000000000000002'];
		await flushDeltas(em(), [below, at].map((userId) => ({ ...delta(0, MINUTE, 1, 6, userId), xpUnits: 50 * MINUTE })));
		const result = await flushDeltas(em(), [
			{ ...delta(MINUTE, 2 * MINUTE, 1, 6, below), xpUnits: 49 * MINUTE },
			{ ...delta(MINUTE, 2 * MINUTE, 1, 6, at), xpUnits: 50 * MINUTE }
		]);
		expect(result.written.map((w) => [w.userId, w.totalXp, w.level, w.xpIntoLevel, w.leveledUp])).toEqual([
			[below, 99, 0, 99, false],
			[at, 100, 1, 0, true]
		]);
	});

	it('writes several thousand members in one statement', async () => {
		const deltas: VoiceXpDelta[] = [];
		for (let i = 0; i < 5_000; i++) {
			const guildId = String(800000000000000000n + BigInt(i % 50));
			const userId = String(810000000000000000n + BigInt(i));
			deltas.push(delta(0, MINUTE, MINUTE + i, 6, userId, guildId));
		}
		const result = await flushDeltas(em(), deltas);
		expect(db.queries.count).toBe(1);
		expect(result.statements).toBe(1);
		expect(result.written).toHaveLength(5_000);
		const [sums] = await em().execute<{ rows: string; xp: string; seconds: string }[]>(
			'select count(*) as rows, sum(total_xp) as xp, sum(voice_seconds) as seconds from voice_xp_member_stats'
		);
		let xp = 0;
		let seconds = 0;
		for (const d of deltas) {
			xp += Math.floor(d.xpUnits / MINUTE);
			seconds += Math.floor(d.eligibleMs / 1_000);
		}
		expect({ rows: Number(sums!.rows), xp: Number(sums!.xp), seconds: Number(sums!.seconds) }).toEqual({ rows: 5_000, xp, seconds });
	});

	it('splits a very large batch into a few statements', async () => {
		const deltas = Array.from({ length: 5_000 }, (_, i) => delta(0, MINUTE, MINUTE, 6, String(810000000000000000n + BigInt(i))));
		const result = await flushDeltas(em(), deltas, { maxRowsPerStatement: 2_000 });
		expect(result.statements).toBe(3);
		expect(db.queries.count).toBe(3);
		expect(result.written).toHaveLength(5_000);
	});

	it('writes two consecutive windows of one member given in one batch, in two statements', async () => {
		const result = await flushDeltas(em(), [delta(0, MINUTE), delta(MINUTE, 2 * MINUTE)]);
		expect(result.statements).toBe(2);
		expect(await rawRow()).toMatchObject({ total_xp: 12, voice_seconds: 120 });
	});

	it('sends the batch as six bind parameters, never inlined into the SQL text', async () => {
		const users = ['810000000000000101', '810000000000000102', '810000000000000103'];
		const guilds = ['800000000000000201', '800000000000000202', '800000000000000202'];
		const deltas = users.map((userId, i) => delta(1_000 * i, MINUTE, MINUTE - 1_000 * i - 7, 6, userId, guilds[i]));
		const result = await flushDeltas(em(), deltas);
		expect(result.written).toHaveLength(3);

		const [upsert, ...others] = flushUpserts();
		expect(others).toEqual([]);
		expect(upsert!.values).toEqual([
			`{${guilds.join(',')}}`,
			`{${users.join(',')}}`,
			`{${deltas.map((d) => d.eligibleMs).join(',')}}`,
			`{${deltas.map((d) => d.xpUnits).join(',')}}`,
			`{${deltas.map((d) => d.from).join(',')}}`,
			`{${deltas.map((d) => d.to).join(',')}}`
		]);
		expect(upsert!.text).toMatch(/unnest\(\$1::varchar\(20\)\[\], \$2::varchar\(20\)\[\], \$3::bigint\[\], \$4::bigint\[\], \$5::bigint\[\], \$6::bigint\[\]\)/);
		for (const id of [...users, ...guilds, String(deltas[2]!.xpUnits)]) expect(upsert!.text).not.toContain(id);
		// MikroORM's query log still gets one line per statement, without the parameters.
		const logged = db.queries.queries.filter((line) => line.includes('insert into voice_xp_member_stats'));
		expect(logged).toHaveLength(1);
		for (const id of users) expect(logged[0]).not.toContain(id);

		// The SQL text does not grow with the batch: 2,000 members send the very same text.
		driverStatements.length = 0;
		const many = Array.from({ length: 2_000 }, (_, i) => delta(MINUTE, 2 * MINUTE, MINUTE, 6, String(810000000000001000n + BigInt(i))));
		await flushDeltas(em(), many);
		const [big] = flushUpserts();
		expect(big!.text).toBe(upsert!.text);
		expect(big!.values).toHaveLength(6);
		expect(big!.values[1]).toBe(`{${many.map((d) => d.userId).join(',')}}`);
	});

	it("writes inside the caller's transaction: invisible to others until commit, undone by a rollback", async () => {
		await expect(
			em().transactional(async (trx) => {
				const result = await flushDeltas(trx, [delta(0, MINUTE)]);
				expect(result.written).toHaveLength(1);
				expect(await getMemberStats(trx, GUILD, USER)).toMatchObject({ totalXp: 6, voiceSeconds: 60 });
				expect(await rawRow()).toBeUndefined();
				throw new Error('roll back');
			})
		).rejects.toThrow('roll back');
		expect(await rawRow()).toBeUndefined();

		await em().transactional(async (trx) => {
			await flushDeltas(trx, [delta(0, MINUTE)]);
		});
		expect(await rawRow()).toMatchObject({ total_xp: 6, voice_seconds: 60 });
	});

	it("reports a database error as MikroORM's exception", async () => {
		await em().execute('alter table voice_xp_member_stats rename to voice_xp_member_stats_gone');
		try {
			await expect(flushDeltas(em(), [delta(0, MINUTE)])).rejects.toBeInstanceOf(TableNotFoundException);
		} finally {
			await em().execute('alter table voice_xp_member_stats_gone rename to voice_xp_member_stats');
		}
	});

	it('refuses a malformed delta and writes nothing', async () => {
		await expect(flushDeltas(em(), [delta(0, MINUTE), { ...delta(0, MINUTE), guildId: "1'; drop table x; --" }])).rejects.toThrow(RangeError);
		await expect(flushDeltas(em(), [delta(MINUTE, 0, 5)])).rejects.toThrow(RangeError);
		expect(await rawRow()).toBeUndefined();
	});
});

describe('flushOneByOne', () => {
	it('gives the same rows as the batched flush with one statement per member', async () => {
		const deltas = Array.from({ length: 40 }, (_, i) => delta(0, MINUTE, 1_000 * (i + 1), 6, String(810000000000000000n + BigInt(i))));
		const result = await flushOneByOne(em(), deltas);
		expect(result.statements).toBe(40);
		expect(db.queries.count).toBe(40);
		const otherGuild = '800000000000000099';
		await flushDeltas(em(), deltas.map((d) => ({ ...d, guildId: otherGuild })));
		const rows = await em().execute<{ guild_id: string; user_id: string; total_xp: string; voice_seconds: string; xp_carry: number }[]>(
			'select guild_id, user_id, total_xp, voice_seconds, xp_carry from voice_xp_member_stats order by user_id'
		);
		const strip = (guildId: string) =>
			rows.filter((r) => r.guild_id === guildId).map(({ user_id, total_xp, voice_seconds, xp_carry }) => ({ user_id, total_xp, voice_seconds, xp_carry }));
		expect(strip(GUILD)).toHaveLength(40);
		expect(strip(GUILD)).toEqual(strip(otherGuild));
	});
});

describe('levelSqlExpression', () => {
	it('matches levelForTotalXp on both sides of every level boundary up to level 20,000 and at large totals', async () => {
		const totals: number[] = [-5, 0, 1, 99];
		for (let level = 1; level <= 20_000; level++) totals.push(totalXpForLevel(level) - 1, totalXpForLevel(level));
		for (let i = 0; i < 2_000; i++) totals.push(Math.floor(Number.MAX_SAFE_INTEGER / 2 ** (i % 50)) - i);
		const rows = await em().execute<{ total: string; level: string }[]>(
			`select t.total, ${levelSqlExpression('t.total')} as level from unnest(?::bigint[]) as t(total)`,
			[`{${totals.join(',')}}`]
		);
		const mismatches = rows.filter((row) => Number(row.level) !== levelForTotalXp(Number(row.total)));
		expect(rows).toHaveLength(totals.length);
		expect(mismatches).toEqual([]);
	});
});

describe('VoiceXpFlusher', () => {
	function state(userId: string, channelId: string | null): TrackedVoiceState {
		return { userId, channelId, bot: false, selfMute: false, selfDeaf: false, mute: false, deaf: false, selfStream: false, selfVideo: false };
	}

	it('drains the tracker into the database, and after a failed write loses and doubles nothing', async () => {
		const tracker = new VoiceSessionTracker();
		const flusher = new VoiceXpFlusher(tracker, em);
		const channel = '820000000000000001';
		const [a, b] = ['810000000000000001', '810000000000000002'];
		tracker.applyVoiceState(GUILD, state(a, channel), 0);
		tracker.applyVoiceState(GUILD, state(b, channel), 0);

		const first = await flusher.flush(MINUTE);
		expect(first.written.map((w) => [w.userId, w.totalXp])).toEqual([
			[a, 6],
			[b, 6]
		]);

		// The database refuses the next write (table unreachable): the drained time is kept.
		await em().execute('alter table voice_xp_member_stats rename to voice_xp_member_stats_away');
		await expect(flusher.flush(2 * MINUTE)).rejects.toThrow();
		expect(flusher.pendingRetry).toHaveLength(2);
		// While it still fails, the tracker is not drained again.
		await expect(flusher.flush(3 * MINUTE)).rejects.toThrow();
		await em().execute('alter table voice_xp_member_stats_away rename to voice_xp_member_stats');

		const recovered = await flusher.flush(4 * MINUTE);
		expect(recovered.statements).toBe(2);
		expect(flusher.pendingRetry).toEqual([]);
		expect(await getMemberStats(em(), GUILD, a)).toMatchObject({ totalXp: 24, voiceSeconds: 240 });

		// Flushing the recovered batch again (a retry after a lost acknowledgement) adds nothing.
		const replay = await flushDeltas(em(), [{ guildId: GUILD, userId: a, eligibleMs: MINUTE, xpUnits: 6 * MINUTE, from: MINUTE, to: 2 * MINUTE }]);
		expect(replay.skipped).toHaveLength(1);
		expect(await getMemberStats(em(), GUILD, b)).toMatchObject({ totalXp: 24, voiceSeconds: 240 });
	});

	it('flushes only the guilds asked for, and the others at their own time', async () => {
		const tracker = new VoiceSessionTracker();
		const flusher = new VoiceXpFlusher(tracker, em);
		const channel = '820000000000000001';
		const other = '800000000000000777';
		const [a, b] = ['810000000000000011', '810000000000000012'];
		for (const guild of [GUILD, other]) {
			tracker.applyVoiceState(guild, state(a, channel), 0);
			tracker.applyVoiceState(guild, state(b, channel), 0);
		}
		const only = await flusher.flush(10_000, [other]);
		expect(only.written.map((w) => w.guildId)).toEqual([other, other]);
		expect(await getMemberStats(em(), GUILD, a)).toBeNull();
		await flusher.flush(MINUTE, [GUILD]);
		expect(await getMemberStats(em(), GUILD, a)).toMatchObject({ voiceSeconds: 60, totalXp: 6 });
		expect(await getMemberStats(em(), other, a)).toMatchObject({ voiceSeconds: 10, totalXp: 1 });
	});
});
