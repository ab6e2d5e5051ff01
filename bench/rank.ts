/**
 * `npm run bench:rank` (issue 12, "rankings in O(log n)"): `/rank` and `/leaderboard` of a guild of 1,000,000 members
 * answered by PostgreSQL (the queries of src/plugins/voice-xp/lib/stats.ts, whose cost grows with the guild) and by
 * the plugin's Redis ranking set (src/plugins/voice-xp/lib/rankings.ts), in the same run.
 *
 * 1. A fresh database through the voice XP plugin's migrations; the guild's stats inserted by one
 *    `insert … select … from generate_series` (XP skewed towards small values, so many members tie), then
 *    `VACUUM (ANALYZE)`.
 * 2. The sorted set built by the plugin's own rebuild (`RankIndex.rebuild`: primary-key pages of 10,000 rows, one
 *    pipeline each), timed.
 * 3. For `--samples` random members (seeded): a member's rank (position and ranked count, what `/rank` reads) and a
 *    random leaderboard page, by PostgreSQL and by Redis (the page's rows then read from PostgreSQL by primary key,
 *    as the plugin does). Every Redis answer is checked against PostgreSQL's. p50/p99 of each and the ratios.
 * 4. Drops the database, deletes the Redis keys, exits 0 (1 when the benchmark failed, 2 for bad options).
 *
 * PostgreSQL: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); Redis: TEST_REDIS_URL.
 */
import os from 'node:os';
import { Redis } from 'ioredis';
import { createDatabase, createOrm, dropDatabase, runMigrations } from '../src/lib/database.js';
import { voiceXpPlugin } from '../src/plugins/voice-xp/index.js';
import { RankIndex } from '../src/plugins/voice-xp/lib/rankings.js';
import { countRankedMembers, getLeaderboardPage, getRankPosition, LEADERBOARD_PAGE_SIZE } from '../src/plugins/voice-xp/lib/stats.js';
import { testDatabaseServerUrl, testRedisUrl, uniqueId } from '../tools/infra.js';
import { deleteRedisKeys } from '../tools/redisKeys.js';
import { benchCommand } from './lib/cli.js';
import { count, duration, table, times } from './lib/format.js';
import { Cleanups, out, runBenchmark, step } from './lib/run.js';
import { Rng } from './lib/rng.js';
import { percentile } from './lib/taskBench.js';

const USAGE = `usage: npm run bench:rank -- [options]

  --members N   members with stats in the guild (default 1000000)
  --samples N   random members (and pages) timed each way (default 200)
  --help        this text

PostgreSQL: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); Redis: TEST_REDIS_URL
`;

const command = benchCommand('rank', USAGE);
const options = command.parse({ members: { type: 'string', default: '1000000' }, samples: { type: 'string', default: '200' } });
const MEMBERS = command.wholeNumber('members', options.members, 10, 10_000_000);
const SAMPLES = command.wholeNumber('samples', options.samples, 1, 100_000);
const GUILD = '900000000000000001';
/** User ids: BASE + i·STEP for i in 1…N (18 digits, distinct). */
const BASE = 100_000_000_000_000_000n;
const STEP = 7_919n;
const cleanups = new Cleanups();

async function timed<T>(samples: number[], run: () => Promise<T>): Promise<T> {
	const started = performance.now();
	const result = await run();
	samples.push(performance.now() - started);
	return result;
}

async function main(): Promise<void> {
	const runId = uniqueId();
	const dbUrl = new URL(testDatabaseServerUrl);
	dbUrl.pathname = `/bench_rank_${runId}`;
	const databaseUrl = dbUrl.toString();
	step(`database: bench_rank_${runId} through the voice XP migrations`);
	await createDatabase(databaseUrl);
	cleanups.push({ what: 'database', run: () => dropDatabase(databaseUrl) });
	const orm = await createOrm({ databaseUrl, plugins: [voiceXpPlugin], poolSize: 4 });
	cleanups.push({ what: 'ORM', run: () => orm.close(true) });
	await runMigrations(orm);
	const em = () => orm.em.fork();

	step(`stats: inserting ${count(MEMBERS)} members`);
	const insertStarted = performance.now();
	// XP = floor(u³ · 500,000) with u from a hash of the index: skewed to small totals, so many members tie on XP.
	await em().execute(
		`insert into voice_xp_member_stats (guild_id, user_id, total_xp, level, xp_into_level, voice_seconds)
		select ?, (${BASE} + g::bigint * ${STEP})::text, x, 0, 0, x * 10
		from (select g, floor(power(((hashint4(g)::bigint + 2147483648) % 1000003) / 1000003.0, 3) * 500000)::bigint as x
			from generate_series(1, ?) g) s`,
		[GUILD, MEMBERS],
		'run'
	);
	await em().execute('vacuum (analyze) voice_xp_member_stats', [], 'run');
	const insertMs = performance.now() - insertStarted;
	const ranked = await countRankedMembers(em(), GUILD);
	const [{ distinct }] = (await em().execute<{ distinct: string }[]>(
		'select count(distinct total_xp)::text as distinct from voice_xp_member_stats where guild_id = ?',
		[GUILD],
		'all'
	)) as [{ distinct: string }];

	const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
	cleanups.push({ what: 'redis connection', run: async () => redis.disconnect() });
	const prefix = `bench-rank-${runId}:`;
	cleanups.push({ what: 'redis keys', run: () => deleteRedisKeys(testRedisUrl, prefix) });
	const rankings = new RankIndex({
		redis,
		prefix,
		em,
		timeoutMs: 10_000,
		onError: (what, error) => {
			throw new Error(`Redis failed to ${what}`, { cause: error });
		}
	});
	step('redis: building the sorted set (RankIndex.rebuild)');
	const buildStarted = performance.now();
	if (!(await rankings.rebuild(GUILD))) throw new Error('the rebuild lock was taken');
	const buildMs = performance.now() - buildStarted;
	const setSize = (await redis.zcard(rankings.key(GUILD))) - 1;
	if (setSize !== ranked) throw new Error(`the set holds ${setSize} members, PostgreSQL ranks ${ranked}`);
	const memory = Number(await redis.memory('USAGE', rankings.key(GUILD)));

	const random = new Rng(12).float;
	const pageCount = Math.max(1, Math.ceil(ranked / LEADERBOARD_PAGE_SIZE));
	const picks = Array.from({ length: SAMPLES }, () => ({
		userId: String(BASE + BigInt(1 + Math.floor(random() * MEMBERS)) * STEP),
		page: 1 + Math.floor(random() * pageCount)
	}));
	const pgRank: number[] = [];
	const redisRank: number[] = [];
	const pgPage: number[] = [];
	const redisPage: number[] = [];
	// Warm-up (not timed): a few of each, so connections and plans are ready.
	for (const pick of picks.slice(0, 3)) {
		await getRankPosition(em(), GUILD, pick.userId);
		await rankings.rank(GUILD, pick.userId);
		await rankings.page(GUILD, pick.page);
	}
	for (const [i, pick] of picks.entries()) {
		if (i % 50 === 0) step(`timing: member ${i + 1}/${SAMPLES}`);
		const fromPg = await timed(pgRank, async () => {
			const db = em();
			const [position, rankedCount] = await Promise.all([getRankPosition(db, GUILD, pick.userId), countRankedMembers(db, GUILD)]);
			return { position, rankedCount };
		});
		const fromRedis = await timed(redisRank, () => rankings.rank(GUILD, pick.userId));
		if (fromRedis.source !== 'redis' || fromRedis.position !== fromPg.position || fromRedis.rankedCount !== fromPg.rankedCount) {
			throw new Error(`rank of ${pick.userId}: Redis ${JSON.stringify(fromRedis)}, PostgreSQL ${JSON.stringify(fromPg)}`);
		}
		const pagePg = await timed(pgPage, () => getLeaderboardPage(em(), GUILD, pick.page));
		const pageRedis = await timed(redisPage, () => rankings.page(GUILD, pick.page));
		const ids = (page: typeof pagePg) => page.entries.map((entry) => `${entry.position}:${entry.userId}`).join(',');
		if (pageRedis.source !== 'redis' || ids(pageRedis) !== ids(pagePg)) throw new Error(`page ${pick.page}: Redis and PostgreSQL differ`);
	}

	const row = (what: string, pg: number[], rd: number[]) => {
		const [pg50, pg99, rd50, rd99] = [percentile(pg, 50), percentile(pg, 99), percentile(rd, 50), percentile(rd, 99)];
		const fine = (value: number) => (value < 10 ? `${value.toFixed(2)} ms` : duration(value));
		return [what, fine(pg50), fine(pg99), fine(rd50), fine(rd99), times(pg50 / rd50), times(pg99 / rd99)];
	};
	const [pgVersion] = await em().execute<{ server_version: string }[]>('show server_version');
	const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
	out();
	out(`bench:rank: one guild of ${count(MEMBERS)} members (${count(ranked)} ranked, ${count(Number(distinct))} distinct XP totals)`);
	out(
		`  PostgreSQL ${pgVersion?.server_version ?? '?'}, Redis ${redisVersion}, Node ${process.version}, ${os.cpus().length} CPU(s), load ${os.loadavg()[0]?.toFixed(2)}`
	);
	out(`  insert (generate_series) + VACUUM ANALYZE: ${duration(insertMs)}; sorted set built by RankIndex.rebuild: ${duration(buildMs)} (${(memory / 1_048_576).toFixed(1)} MiB)`);
	out();
	out(`${count(SAMPLES)} random members and pages (seeded), each answered both ways and checked equal`);
	for (const line of table([
		['', 'PostgreSQL p50', 'p99', 'Redis p50', 'p99', 'ratio p50', 'p99'],
		row('/rank: position + ranked count', pgRank, redisRank),
		row('/leaderboard: a random page of 10', pgPage, redisPage)
	])) {
		out(line);
	}
	out('  PostgreSQL: the queries of lib/stats.ts (count(*) of the members ahead; order by … limit 10 offset …);');
	out('  Redis: ZRANK + ZCARD in one pipeline; ZCARD, ZRANGE, then the 10 rows by primary key (lib/rankings.ts)');
	out();
}

await runBenchmark(main, cleanups, { beforeCleanUp: () => step('cleanup: database, Redis keys') });
