/**
 * Case numbers (issue 8, "Cases"): unique and gapless per guild across bot processes, from the counter row updated in
 * the transaction of the case's insert (src/plugins/moderation/service/caseStore.ts), never MAX()+1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotOrm } from '../../../src/lib/database.js';
import { activeWarnings, casesOf, findCase, insertCase, latestBanStateCase, markEnded, runningCases, updateCase, type NewCase } from '../../../src/plugins/moderation/service/caseStore.js';
import { createModerationDatabase, type ModerationTestDatabase } from './testDatabase.js';

let database: ModerationTestDatabase;
let second: BotOrm;

beforeAll(async () => {
	database = await createModerationDatabase();
	second = await database.connect();
});
afterAll(async () => {
	await database?.drop();
});

let guildSeq = 0n;
/** A guild id no other test uses. */
const newGuild = () => `${900000000000000000n + ++guildSeq}`;
const MOD = '100000000000000002';
const T0 = Date.UTC(2026, 0, 1);

const warning = (guildId: string, targetId: string, overrides: Partial<NewCase> = {}): NewCase => ({
	guildId,
	type: 'warn',
	targetId,
	moderatorId: MOD,
	reason: 'spam',
	source: 'command',
	createdAt: T0,
	...overrides
});

/** Records a case in its own transaction, as the service does. */
const record = (orm: BotOrm, input: NewCase) => orm.em.fork().transactional((tx) => insertCase(tx, input));

describe('case numbers', () => {
	it('200 cases created at once by two processes (two connection pools) get 1 to 200, none twice', async () => {
		const guildId = newGuild();
		const created = await Promise.all(
			Array.from({ length: 200 }, (_, index) => record(index % 2 ? second : database.orm, warning(guildId, `${300000000000000000n + BigInt(index)}`)))
		);
		const numbers = created.map((each) => each.number).sort((a, b) => a - b);
		expect(numbers).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
		const counter = await database.orm.em.fork().execute<{ last: number }[]>('select last from moderation_case_counter where guild_id = ?', [guildId]);
		expect(counter).toEqual([{ last: 200 }]);
	});

	it('numbers each guild on its own', async () => {
		const a = newGuild();
		const b = newGuild();
		expect((await record(database.orm, warning(a, MOD))).number).toBe(1);
		expect((await record(second, warning(b, MOD))).number).toBe(1);
		expect((await record(second, warning(a, MOD))).number).toBe(2);
	});

	it('a failed insert takes its number back: the next case gets it (no gap)', async () => {
		const guildId = newGuild();
		expect((await record(database.orm, warning(guildId, MOD))).number).toBe(1);
		// A target id longer than the column: the insert fails after the counter was incremented.
		await expect(record(database.orm, warning(guildId, '1'.repeat(30)))).rejects.toThrow();
		// A failure after the insert, in the same transaction, rolls both back too.
		await expect(
			database.orm.em.fork().transactional(async (tx) => {
				await insertCase(tx, warning(guildId, MOD));
				throw new Error('the Discord action failed');
			})
		).rejects.toThrow('the Discord action failed');
		expect((await record(second, warning(guildId, MOD))).number).toBe(2);
		expect((await findCase(database.orm.em.fork(), guildId, 2))?.targetId).toBe(MOD);
		expect(await findCase(database.orm.em.fork(), guildId, 3)).toBeNull();
	});
});

describe('case queries', () => {
	it('stores every field and the first version of the reason', async () => {
		const guildId = newGuild();
		const stored = await record(database.orm, {
			...warning(guildId, MOD),
			type: 'ban',
			durationMs: 3_600_000,
			endsAt: T0 + 3_600_000,
			source: 'escalation',
			triggeredByCase: 7
		});
		expect(stored).toEqual({
			guildId,
			number: 1,
			type: 'ban',
			targetId: MOD,
			moderatorId: MOD,
			reason: 'spam',
			reasonHistory: [{ reason: 'spam', moderatorId: MOD, at: new Date(T0).toISOString() }],
			durationMs: 3_600_000,
			endsAt: T0 + 3_600_000,
			endedAt: null,
			createdAt: T0,
			source: 'escalation',
			triggeredByCase: 7,
			modLogChannelId: null,
			modLogMessageId: null,
			hidden: false,
			pardonedAt: null,
			pardonedBy: null,
			expiresAt: null
		});
		expect(await findCase(second.em.fork(), guildId, 1)).toEqual(stored);
	});

	it("pages a member's history newest first, leaving deleted cases out", async () => {
		const guildId = newGuild();
		const target = '300000000000000001';
		for (let index = 0; index < 23; index++) await record(database.orm, warning(guildId, target, { createdAt: T0 + index * 1_000 }));
		await record(database.orm, warning(guildId, '300000000000000002'));
		await updateCase(database.orm.em.fork(), guildId, 23, () => ({ hidden: true }));
		const first = await casesOf(database.orm.em.fork(), guildId, target, 1);
		expect(first).toMatchObject({ page: 1, pageCount: 3, total: 22 });
		expect(first.cases.map((each) => each.number)).toEqual([22, 21, 20, 19, 18, 17, 16, 15, 14, 13]);
		const last = await casesOf(database.orm.em.fork(), guildId, target, 99);
		expect(last.page).toBe(3);
		expect(last.cases.map((each) => each.number)).toEqual([2, 1]);
		expect((await casesOf(database.orm.em.fork(), guildId, '300000000000000009', 1)).pageCount).toBe(1);
	});

	it('counts active warnings: not pardoned, not deleted, not expired at the time asked', async () => {
		const guildId = newGuild();
		const target = '300000000000000001';
		const day = 86_400_000;
		await record(database.orm, warning(guildId, target, { expiresAt: T0 + day })); // 1: expires after a day
		await record(database.orm, warning(guildId, target, { expiresAt: null })); // 2: never
		await record(database.orm, warning(guildId, target, { expiresAt: T0 + 10 * day })); // 3
		await record(database.orm, warning(guildId, target, { type: 'note' })); // 4: not a warning
		await record(database.orm, warning(guildId, target, { expiresAt: T0 + 10 * day })); // 5: pardoned below
		await record(database.orm, warning(guildId, target, { expiresAt: T0 + 10 * day })); // 6: deleted below
		await updateCase(database.orm.em.fork(), guildId, 5, () => ({ pardonedAt: new Date(T0), pardonedBy: MOD }));
		await updateCase(database.orm.em.fork(), guildId, 6, () => ({ hidden: true }));
		const numbers = async (now: number, before?: number) => (await activeWarnings(database.orm.em.fork(), guildId, target, now, before)).map((each) => each.number);
		expect(await numbers(T0)).toEqual([1, 2, 3]);
		expect(await numbers(T0 + day)).toEqual([2, 3]); // expired exactly at its expiry
		expect(await numbers(T0 + 10 * day)).toEqual([2]);
		expect(await numbers(T0, 3)).toEqual([1, 2]);
	});

	it('finds the latest ban state and the running cases of a user', async () => {
		const guildId = newGuild();
		const target = '300000000000000001';
		await record(database.orm, warning(guildId, target, { type: 'ban', endsAt: T0 + 1_000 })); // 1
		await record(database.orm, warning(guildId, target, { type: 'ban', endsAt: null })); // 2
		await record(database.orm, warning(guildId, target, { type: 'warn' })); // 3
		expect((await latestBanStateCase(database.orm.em.fork(), guildId, target))?.number).toBe(2);
		expect((await runningCases(database.orm.em.fork(), guildId, target, 'ban', T0)).map((each) => each.number)).toEqual([1]);
		expect((await runningCases(database.orm.em.fork(), guildId, target, 'ban', T0, { openEnded: true })).map((each) => each.number)).toEqual([1, 2]);
		expect(await markEnded(database.orm.em.fork(), guildId, [1, 2], T0 + 5)).toBe(2);
		expect(await markEnded(database.orm.em.fork(), guildId, [1, 2], T0 + 9)).toBe(0); // ended once
		expect((await findCase(database.orm.em.fork(), guildId, 1))?.endedAt).toBe(T0 + 5);
		expect(await runningCases(database.orm.em.fork(), guildId, target, 'ban', T0, { openEnded: true })).toEqual([]);
	});

	it('keeps both of two amendments made at once by two processes', async () => {
		const guildId = newGuild();
		await record(database.orm, warning(guildId, MOD));
		const amend = (orm: BotOrm, reason: string) =>
			updateCase(orm.em.fork(), guildId, 1, (current) => ({ reason, reasonHistory: [...current.reasonHistory, { reason, moderatorId: MOD, at: new Date(T0).toISOString() }] }));
		await Promise.all([amend(database.orm, 'first'), amend(second, 'second')]);
		const stored = await findCase(database.orm.em.fork(), guildId, 1);
		expect(stored?.reasonHistory.map((version) => version.reason).sort()).toEqual(['first', 'second', 'spam']);
		expect(stored?.reason).toBe(stored?.reasonHistory.at(-1)?.reason);
		expect(await updateCase(database.orm.em.fork(), guildId, 99, () => ({ hidden: true }))).toBeNull();
	});
});
