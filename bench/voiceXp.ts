/**
 * `npm run bench:voice-xp` (issue 4, "Demo and benchmark"): 50,000 members in voice across 1,000 guilds on the local
 * Discord emulator, the real bot in its own process, and one voice XP flush of 50,000 members written batched vs one
 * member at a time, in the same run.
 *
 * 1. Builds the population in the emulator's world (bench/lib/population.ts): several voice channels per guild and
 *    mixed eligibility (AFK, alone, with a bot, muted, deafened, streaming).
 * 2. Starts the bot (src/lib/bot.ts `startBot`, the bot's own plugin list) in a child process with a fresh
 *    PostgreSQL database and Redis prefix; waits for ready; reports its resident memory at ready and once its voice
 *    sessions are built (after a full GC), and how many sessions it holds. Plays one interval of activity live on the
 *    emulator (every ineligible member becomes eligible for a few seconds, so all of them earn) and reports the bot's
 *    own scheduled flush of it (as the plugin times it, and the upserts its pg driver sent). Then stops it with
 *    SIGTERM (it flushes).
 * 3. In this process, on the same database: a session tracker replays the same voice states; flush intervals of
 *    activity are played, and their deltas written with the plugin's `flushDeltas` (batched, 5 times, median) and
 *    `flushOneByOne` (one statement per member), each after a VACUUM, timing the write and counting the round trips
 *    the `pg` driver sends.
 * 4. Prints the figures against the targets (batched flush under 1 s; at least 20× faster than one at a time; printed,
 *    not asserted), drops the database, deletes the Redis keys, stops the emulator, exits 0. Exits 1 if the benchmark
 *    itself fails (bot not ready, a flush check failing).
 *
 * Options: `--guilds N` (1,000), `--members N` (humans in voice, 50,000), `--shards N` (2), `--one-by-one-limit S`
 * (seconds one-at-a-time may take before it is sampled and extrapolated instead, 180). Needs Node 24 (run it through npm),
 * PostgreSQL (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432) and Redis (TEST_REDIS_URL).
 * Takes about 2.5 minutes at full size on 2 cores, most of it the one-at-a-time flush.
 */
import os from 'node:os';
import { MikroORM } from '@mikro-orm/postgresql';
import { Redis } from 'ioredis';
import { createDatabase, createOrm, dropDatabase, type BotOrm } from '../src/lib/database.js';
import { loadBotConfig } from '../src/lib/config.js';
import { plugins as botPlugins } from '../src/plugins/index.js';
import { DEFAULT_MAX_ROWS_PER_STATEMENT, type FlushOptions } from '../src/plugins/voice-xp/lib/flush.js';
import { voiceXpConfigSchema } from '../src/plugins/voice-xp/lib/config.js';
import { RankIndex } from '../src/plugins/voice-xp/lib/rankings.js';
import { VOICE_MEMBER_STATS_TUNING_SQL, VoiceMemberStats } from '../src/plugins/voice-xp/entities/VoiceMemberStats.js';
import { DiscordEmulator } from '@hearth/discord-emulator';
import { testDatabaseServerUrl, testRedisUrl, uniqueId } from '../tools/infra.js';
import { deleteRedisKeys } from '../tools/redisKeys.js';
import { emulatorBotEnv, startBotProcess, type BotFlushInfo, type BotProbe, type BotProcess } from './lib/botProcess.js';
import { buildTracker, INTERVAL_MS, playInterval, timeFlush, vacuum, type TimedFlush } from './lib/flushBench.js';
import { benchCommand } from './lib/cli.js';
import { count, duration, mebibytes, median, pass, table, times } from './lib/format.js';
import { buildPopulation, playChurnOnEmulator, type Population } from './lib/population.js';
import { RoundTripCounter } from './lib/roundTrips.js';
import { Cleanups, out, runBenchmark, step } from './lib/run.js';

const TARGET_BATCHED_MS = 1_000;
const TARGET_RATIO = 20;
const BATCHED_RUNS = 5;
const READY_TIMEOUT_MS = 240_000;
const SESSIONS_TIMEOUT_MS = 60_000;

const USAGE = `Usage: npm run bench:voice-xp -- [options]

  --guilds N             guilds in the emulator's world (default 1000)
  --members N            humans in voice across them (default 50000)
  --shards N             shards of the bot (default 2)
  --one-by-one-limit S   seconds the one-at-a-time flush may take before it is sampled and extrapolated (default 180)
  --help                 this text

PostgreSQL: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); Redis: TEST_REDIS_URL
(default redis://127.0.0.1:6379). Exit code 0 when the run completed, 1 when the benchmark failed, 2 for bad options.
See bench/README.md.
`;

const args = benchCommand('voice-xp', USAGE).parse({
	guilds: { type: 'string', default: '1000' },
	members: { type: 'string', default: '50000' },
	shards: { type: 'string', default: '2' },
	'one-by-one-limit': { type: 'string', default: '180' }
});
const GUILDS = Number(args.guilds);
const HUMANS = Number(args.members);
const SHARDS = Number(args.shards);
const ONE_BY_ONE_LIMIT_MS = Number(args['one-by-one-limit']) * 1_000;
for (const [name, value] of Object.entries({ guilds: GUILDS, members: HUMANS, shards: SHARDS, 'one-by-one-limit': ONE_BY_ONE_LIMIT_MS })) {
	if (!Number.isSafeInteger(value) || value < 1) {
		process.stderr.write(`--${name} must be a positive whole number\n`);
		process.exit(2);
	}
}

/** Cleanup steps, run last-in first-out whatever happens. */
const cleanups = new Cleanups();

/** Probes the bot until its voice XP tracker holds `expected` members in voice (or the tracker is not exposed). */
async function waitForSessions(bot: BotProcess, expected: number): Promise<{ probe: BotProbe; waitedMs: number }> {
	const started = Date.now();
	for (;;) {
		const probe = await bot.probe();
		if (probe.sessions === null || probe.sessions.members >= expected || Date.now() - started > SESSIONS_TIMEOUT_MS) {
			return { probe, waitedMs: Date.now() - started };
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** The bot's own scheduled flush of one interval played live on the emulator. */
interface LiveFlush {
	last: NonNullable<BotFlushInfo['last']>;
	/** Voice state updates sent to the bot to play the interval. */
	updates: number;
	/** Voice XP upserts the bot's pg driver sent for it. */
	upserts: number;
}

/** Probes the bot until it completed a flush after `after` (drain time, ms since epoch), or `timeoutMs` passed. */
async function waitForBotFlush(bot: BotProcess, after: number, timeoutMs: number): Promise<BotProbe> {
	const started = Date.now();
	for (;;) {
		const probe = await bot.probe();
		const last = probe.flush?.last;
		if ((last && last.at > after) || Date.now() - started > timeoutMs) return probe;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/**
 * Plays one interval of activity on the emulator while the bot runs (every ineligible human becomes eligible for a few
 * seconds, so every human earns in that interval) and waits for the bot's own scheduled flush of it. The plugin's
 * flushes follow a grid of its interval (60 s by default: each full minute); if the next one is too close, the
 * interval is played after it.
 */
async function liveFlush(bot: BotProcess, emu: DiscordEmulator, population: Population): Promise<LiveFlush | null> {
	const MARGIN_MS = 25_000;
	let since = Date.now();
	if (INTERVAL_MS - (since % INTERVAL_MS) < MARGIN_MS) {
		step('bot: waiting for its next scheduled flush before playing an interval');
		await waitForBotFlush(bot, since, 2 * INTERVAL_MS);
		since = Date.now();
	}
	const before = await bot.probe();
	step('emulator: playing an interval live (ineligible members unmute or join General for a few seconds)');
	let updates = playChurnOnEmulator(emu, population, 'churn');
	await new Promise((resolve) => setTimeout(resolve, 3_000));
	updates += playChurnOnEmulator(emu, population, 'start');
	step('bot: waiting for its scheduled flush of that interval');
	const after = await waitForBotFlush(bot, since, 2 * INTERVAL_MS);
	const last = after.flush?.last;
	if (!last || last.at <= since) return null;
	return { last, updates, upserts: after.voiceXpUpserts - before.voiceXpUpserts };
}

async function tableExists(orm: BotOrm): Promise<boolean> {
	const [row] = await orm.em.fork().execute<{ found: string | null }[]>("select to_regclass('voice_xp_member_stats')::text as found");
	return row?.found != null;
}

/** Creates the voice XP table from its entity (used only when the bot's migrations did not, i.e. the plugin is not wired). */
async function createVoiceXpTable(databaseUrl: string): Promise<void> {
	const orm = await MikroORM.init({
		clientUrl: databaseUrl,
		entities: [VoiceMemberStats],
		discovery: { warnWhenNoEntities: false },
		ensureDatabase: false,
		logger: () => {},
		dynamicImportProvider: (id: string) => import(id)
	});
	try {
		await orm.schema.create();
		await orm.em.getConnection().execute(VOICE_MEMBER_STATS_TUNING_SQL);
	} finally {
		await orm.close(true);
	}
}

async function main(): Promise<void> {
	const runId = uniqueId();
	const loadAtStart = os.loadavg()[0] ?? 0;
	const startedAt = new Date();

	// 1. The emulator and the population.
	step(`emulator: building ${count(GUILDS)} guilds with ${count(HUMANS)} members in voice`);
	const emu = await DiscordEmulator.start({ shardCount: SHARDS });
	cleanups.push({ what: 'emulator', run: () => emu.stop() });
	const buildStarted = performance.now();
	const population = buildPopulation(emu, { guilds: GUILDS, humans: HUMANS });
	const populationMs = performance.now() - buildStarted;

	// 2. A fresh database and Redis prefix; the bot in its own process.
	const dbUrl = new URL(testDatabaseServerUrl);
	dbUrl.pathname = `/bench_voicexp_${runId}`;
	const databaseUrl = dbUrl.toString();
	await createDatabase(databaseUrl);
	cleanups.push({ what: 'database', run: () => dropDatabase(databaseUrl) });
	const redisPrefix = `bench-${runId}:`;
	cleanups.push({ what: 'redis keys', run: () => deleteRedisKeys(testRedisUrl, redisPrefix) });

	step('bot: starting in a child process and waiting for ready');
	const bot = await startBotProcess(
		{
			env: emulatorBotEnv(emu, databaseUrl, 'info'),
			redisPrefix
		},
		READY_TIMEOUT_MS
	);
	cleanups.push({ what: 'bot process', run: () => bot.stop() });
	const atReady = await bot.probe();
	step('bot: ready; waiting for its voice sessions');
	const inVoice = population.humans + population.bots;
	const { probe: sessionsProbe, waitedMs: sessionsWaitMs } = await waitForSessions(bot, inVoice);
	const afterGc = await bot.probe({ gc: true });
	const live = sessionsProbe.sessions ? await liveFlush(bot, emu, population) : null;
	step('bot: stopping (SIGTERM)');
	const stopped = await bot.stop();
	cleanups.pop();
	const emulatorFailures = emu.failures.length;
	const voiceXpWired = bot.plugins.includes('voice-xp');

	// 3. The flushes, in this process, on the same database.
	const orm = await createOrm({ databaseUrl, plugins: botPlugins, poolSize: 4 });
	cleanups.push({ what: 'ORM', run: () => orm.close(true) });
	const tableFromBot = await tableExists(orm);
	if (!tableFromBot) await createVoiceXpTable(databaseUrl);
	const [pg] = await orm.em.fork().execute<{ server_version: string }[]>('show server_version');
	const [afterBot] = await orm.em
		.fork()
		.execute<{ rows: string; until: string | null }[]>('select count(*)::text as rows, max(accrued_until)::text as until from voice_xp_member_stats');
	const rowsFromBot = Number(afterBot?.rows ?? 0);
	const counter = await RoundTripCounter.attach(orm);
	const config = voiceXpConfigSchema.parse(loadBotConfig().plugins['voice-xp']?.config ?? {});
	// Windows start after anything the bot wrote, so the idempotence rule (a window starting before the row's last
	// one is skipped) never applies: every delta is written.
	let clock = Math.max(Date.now(), Number(afterBot?.until ?? 0) + 1);
	const { tracker, buildMs } = buildTracker(population, config, clock);
	const benchSessions = tracker.counts();

	// The plugin's service builds its VoiceXpFlusher without options (src/plugins/voice-xp/service/VoiceXpService.ts),
	// so the bot writes with flushDeltas' defaults; so does the benchmark.
	const flushOptions: FlushOptions = {};
	const interval = () => {
		const played = playInterval(tracker, population, clock);
		clock += INTERVAL_MS;
		if (played.deltas.length !== population.humans) {
			throw new Error(`expected one delta per human in voice (${population.humans}), drained ${played.deltas.length}`);
		}
		return played;
	};

	step('flush: first flush (creates the rows the bot did not)');
	const first = interval();
	await vacuum(orm);
	const firstFlush = await timeFlush(orm, counter, first.deltas, { mode: 'batched', flushOptions });

	// The guilds' ranking sets, built by the plugin's own rebuild (bench:rank builds one of 1,000,000), so that each
	// batched flush also sets the written totals in them, as the bot's flush does (VoiceXpService: rankings.update).
	step(`flush: building the ranking sets of the ${count(population.guilds.length)} guilds (RankIndex.rebuild)`);
	const rankRedis = new Redis(testRedisUrl);
	cleanups.push({ what: 'ranking Redis client', run: async () => void rankRedis.disconnect() });
	const rankings = new RankIndex({ redis: rankRedis, prefix: redisPrefix, em: () => orm.em.fork() });
	for (let index = 0; index < population.guilds.length; index += 20) {
		const built = await Promise.all(population.guilds.slice(index, index + 20).map((guild) => rankings.rebuild(guild.id)));
		if (built.some((done) => !done)) throw new Error('a ranking set could not be rebuilt');
	}
	const rankedInSets = async () => {
		const pipeline = rankRedis.pipeline();
		for (const guild of population.guilds) pipeline.zcard(rankings.key(guild.id));
		const replies = (await pipeline.exec()) ?? [];
		return replies.reduce((sum, [, size]) => sum + Math.max(0, Number(size) - 1), 0); // less each set's sentinel
	};

	const batched: TimedFlush[] = [];
	const drains: number[] = [first.drainMs];
	for (let run = 1; run <= BATCHED_RUNS; run++) {
		step(`flush: batched ${run}/${BATCHED_RUNS}`);
		const played = interval();
		drains.push(played.drainMs);
		await vacuum(orm);
		batched.push(await timeFlush(orm, counter, played.deltas, { mode: 'batched', flushOptions, rankings }));
	}
	const rankedMembers = await rankedInSets();
	if (rankedMembers !== population.humans) throw new Error(`the ranking sets hold ${rankedMembers} members after the flushes, expected ${population.humans}`);

	step('flush: one member at a time (this takes a while)');
	const played = interval();
	drains.push(played.drainMs);
	await vacuum(orm);
	const oneByOne = await timeFlush(orm, counter, played.deltas, { mode: 'one-by-one', limitMs: ONE_BY_ONE_LIMIT_MS });

	// 4. The report.
	const batchedMs = median(batched.map((run) => run.wallMs));
	const batchedTrips = median(batched.map((run) => run.roundTrips));
	const oneByOneMs = oneByOne.extrapolated?.wallMs ?? oneByOne.wallMs;
	const oneByOneTrips = oneByOne.extrapolated?.roundTrips ?? oneByOne.roundTrips;
	const ratio = oneByOneMs / batchedMs;
	const { byReason } = population;

	out();
	out(`Voice XP benchmark · ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · Node ${process.version} · PostgreSQL ${pg?.server_version ?? '?'} · ${os.cpus().length} CPUs · load ${loadAtStart.toFixed(1)} at start`);
	out();
	out(
		`Population (Discord emulator, built in ${duration(populationMs)}): ${count(GUILDS)} guilds, ${count(population.humans)} humans + ${count(population.bots)} bots in voice, ` +
			`${count(population.voiceChannels)} voice channels; ${count(population.smallestGuild)}–${count(population.largestGuild)} humans per guild`
	);
	out(
		`  at the start: ${count(byReason.eligible)} eligible · ${count(byReason.muted)} muted · ${count(byReason.deafened)} deafened · ` +
			`${count(byReason.afk)} in AFK · ${count(byReason.alone)} alone · ${count(byReason.bots)} with a bot`
	);
	out();
	out(
		`Bot (real startBot, own child process, from source under tsx; ${SHARDS} shards; plugins: ${bot.plugins.join(', ') || 'none'})`
	);
	const sessionsText = (probe: BotProbe) =>
		probe.sessions ? `${count(probe.sessions.members)} in voice, ${count(probe.sessions.earning)} earning` : 'plugin not running';
	for (const line of table([
		['', 'resident memory', 'heap used', 'voice states cached', 'voice XP sessions'],
		[`at ready (${duration(bot.readyAfterMs)} after spawn)`, mebibytes(atReady.memory.rss), mebibytes(atReady.memory.heapUsed), count(atReady.discord.voiceStates), sessionsText(atReady)],
		[
			`sessions built (+${duration(sessionsWaitMs)}), after full GC`,
			mebibytes(afterGc.memory.rss),
			mebibytes(afterGc.memory.heapUsed),
			count(afterGc.discord.voiceStates),
			sessionsText(sessionsProbe)
		]
	])) {
		out(line);
	}
	out(
		`  same states in the benchmark's tracker: ${count(benchSessions.members)} in voice, ${count(benchSessions.earning)} earning (built in ${duration(buildMs)})`
	);
	if (live) {
		out(
			`  its own scheduled flush of a live interval (${count(live.updates)} voice state updates played): ${count(live.last.written ?? 0)} members of ` +
				`${count(live.last.guilds)} guilds written in ${duration(live.last.durationMs)} (drain, write and the Redis ranking updates, timed by the plugin), ` +
				`${count(live.last.statements ?? 0)} statement(s); upserts counted at its pg driver: ${count(live.upserts)}`
		);
	} else if (sessionsProbe.sessions) {
		out('  its own scheduled flush: not seen within two intervals');
	}
	out(
		`  shutdown on SIGTERM: ${duration(stopped.durationMs)}, exit ${stopped.code ?? stopped.signal}; rows in the table after it: ${count(rowsFromBot)}` +
			`; emulator failures: ${emulatorFailures}`
	);
	out();
	out(
		`Flush of ${count(population.humans)} members' deltas (one ${INTERVAL_MS / 1_000}-s interval each), measured in the benchmark process on the bot's database with the`
	);
	out(
		`plugin's own code (flushDeltas / flushOneByOne, src/plugins/voice-xp/lib/flush.ts); round trips counted at the pg driver; VACUUM before each.`
	);
	if (!tableFromBot) out('  NOTE: the bot did not create voice_xp_member_stats (voice XP plugin not wired): the benchmark created it from the entity.');
	const rows: string[][] = [['', 'wall time', 'in driver', 'ranking sets', 'round trips', 'statements', 'rows written', 'created', 'load']];
	const row = (label: string, run: TimedFlush) => [
		label,
		duration(run.wallMs),
		duration(run.driverMs),
		run.rankingsMs > 0 ? duration(run.rankingsMs) : '',
		count(run.roundTrips),
		count(run.statements),
		count(run.written),
		count(run.created),
		run.loadAfter.toFixed(1)
	];
	rows.push(row('first flush (after the bot)', firstFlush));
	batched.forEach((run, index) => rows.push(row(`batched, run ${index + 1}`, run)));
	rows.push(row(oneByOne.extrapolated ? `one at a time (${count(oneByOne.measuredDeltas)} measured)` : 'one member at a time', oneByOne));
	if (oneByOne.extrapolated) {
		rows.push([`  extrapolated to ${count(oneByOne.deltas)}`, duration(oneByOne.extrapolated.wallMs), '', '', count(oneByOne.extrapolated.roundTrips), '', '', '', '']);
	}
	for (const line of table(rows)) out(line);
	out(
		`  batched: up to ${count(flushOptions.maxRowsPerStatement ?? DEFAULT_MAX_ROWS_PER_STATEMENT)} rows per statement; ` +
			`"in driver": waiting on pg (PostgreSQL's work, rows parsed), the rest is the plugin's JS;`
	);
	out(
		`  ranking sets: of the wall time, setting the written totals in the ${count(population.guilds.length)} guilds' Redis ranking sets (built first by RankIndex.rebuild; ` +
			`the plugin's rankings.update, as the bot's flush does); the sets held all ${count(population.humans)} members after the batched runs`
	);
	out('  load: the 1-minute load average when the write ended (the 2 cores are shared with other work)');
	out(
		`  tracker drain before each write: ${duration(median(drains))} (median, not in the wall times); every write checked: no delta skipped, stored time grew by the deltas' sum`
	);
	out();
	out('Targets (printed, not asserted)');
	for (const line of table([
		['', 'measured', 'target', ''],
		[`batched flush of ${count(population.humans)}, ranking sets included (median of ${BATCHED_RUNS})`, duration(batchedMs), `< ${duration(TARGET_BATCHED_MS)}`, pass(batchedMs < TARGET_BATCHED_MS)],
		[
			`speed-up over one at a time${oneByOne.extrapolated ? ' (extrapolated)' : ''}`,
			times(ratio),
			`≥ ${TARGET_RATIO}×`,
			pass(ratio >= TARGET_RATIO)
		],
		...(live
			? [[`flush in the live bot, ranking updates included (${count(live.last.written ?? 0)} members, one sample)`, duration(live.last.durationMs), `< ${duration(TARGET_BATCHED_MS)}`, pass(live.last.durationMs < TARGET_BATCHED_MS)]]
			: []),
		['round trips: batched vs one at a time', `${count(batchedTrips)} vs ${count(oneByOneTrips)}`, '', '']
	])) {
		out(line);
	}
	if (!voiceXpWired) out('  NOTE: the bot ran without the voice-xp plugin (not in src/plugins/index.ts): no live sessions to report.');
	out();
}

await runBenchmark(main, cleanups, { beforeCleanUp: () => step('cleanup: database, Redis keys, emulator') });
