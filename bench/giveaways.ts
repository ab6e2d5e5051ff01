/**
 * `npm run bench:giveaways` (issue 11's targets, "Scale and failures"): the giveaways plugin of the real bot, in its
 * own process, on the local Discord emulator, PostgreSQL and Redis.
 *
 * 1. Builds the guild in the emulator (bench/lib/giveawaysBurst.ts): `#general`, a host, and one member per distinct
 *    clicker; plans the burst: `--clicks` Enter clicks spread evenly over `--seconds`, 5% of them a member's second
 *    click (half a quick double click, half coming back seconds later).
 * 2. Baseline: a bare discord.js client in its own process (bench/lib/giveawaysBaselineMain.ts) answering a button
 *    with an ephemeral "ok": the same plan fired at it (after a warm-up), what the emulator, the gateway, discord.js
 *    and the callback cost by themselves.
 * 3. The bot (src/lib/bot.ts `startBot`, the bot's own plugin list) in a child process with a fresh database and
 *    Redis prefix and bench/lib/giveawaysChild.ts in it. A warm-up giveaway takes the warm-up clicks; the measured
 *    giveaway gets its bulk of entrants inserted straight into `giveaway_entry` (setup, not measured), then the burst
 *    on its Enter button through real interactions; the entries are checked in the database, the answers by their
 *    text, the message edits in the emulator's request log.
 * 4. The draw in the bot's process over the 100,000 stored entries: the read, `drawWinners`, the rest of the end
 *    piece by piece, then the service's whole `end`; the draw record attached to the announcement is verified here.
 * 5. Prints the figures and the targets (printed, not asserted), stops the bot, drops the database, deletes the Redis
 *    keys, stops the emulator. Exit 0 when the run completed, 1 when the benchmark failed, 2 for bad options.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DiscordEmulator } from '@hearth/discord-emulator';
import { createDatabase, dropDatabase } from '../src/lib/database.js';
import { drawRecordSchema, verifyDrawRecord } from '../src/plugins/giveaways/lib/draw.js';
import { parseGiveawayButton } from '../src/plugins/giveaways/views/giveawayMessage.js';
import { testDatabaseServerUrl, testRedisUrl, uniqueId } from '../tools/infra.js';
import { deleteRedisKeys } from '../tools/redisKeys.js';
import { emulatorBotEnv, startBotProcess, type BotProcess } from './lib/botProcess.js';
import { benchCommand } from './lib/cli.js';
import { count, duration, mebibytes, median, pass, share, table, times } from './lib/format.js';
import { startBaseline } from './lib/giveawaysBaseline.js';
import type { BaselineStats } from './lib/giveawaysBaselineMain.js';
import {
	buildGiveawayWorld,
	fireClicks,
	latencyFigures,
	planClicks,
	startCpuWindow,
	syntheticUserIds,
	type BurstResult,
	type ClickOutcome,
	type ClickTarget,
	type CpuWindow,
	type LatencyFigures,
	type PlannedClick
} from './lib/giveawaysBurst.js';
import type { ClickTrace, DrawMeasurement, MeasuredStretch, StartedGiveaway, StoredEntries } from './lib/giveawaysChild.js';
import { Cleanups, out, runBenchmark, step } from './lib/run.js';

/** Discord's deadline for an interaction's callback. */
const CALLBACK_DEADLINE_MS = 3_000;
const TARGET_DRAW_MS = 1_000;
/** The plugin's refresh delay (src/plugins/giveaways/service/GiveawayService.ts REFRESH_DELAY_MS). */
const REFRESH_EVERY_MS = 5_000;
/** Share of the clicks that are a member's second click. */
const DUPLICATE_SHARE = 0.05;
/** Warm-up clicks (baseline and bot each, before their burst, at the burst's rate). */
const WARMUP_CLICKS = 200;
const WINNERS = 50;
const DRAW_RUNS = 5;
/** How long to wait after the burst for the last refresh of the message. */
const REFRESH_WAIT_MS = 60_000;
/** How long to wait after the last answer for the bot to finish entering clicks. */
const ENTER_WAIT_MS = 180_000;
/** Discord's upload limit for a bot's file (the emulator's default `attachmentSizeLimit`). */
const UPLOAD_LIMIT_BYTES = 10 * 1_048_576;
const READY_TIMEOUT_MS = 240_000;
const SEED = 11;

const USAGE = `usage: npm run bench:giveaways -- [options]

  --entrants N   entrants of the measured giveaway, the clickers included (default 100000); the others are
                 inserted straight into giveaway_entry before the burst (setup, not measured)
  --clicks N     Enter clicks of the burst, 5% of them a member's second click (default 10000)
  --seconds S    the burst's length: clicks spread evenly over it (default 10)
  --help         this text

Each click is a real button interaction on the Discord emulator, answered by the bot (in its own process); the same
clicks are first fired at a bare discord.js client answering "ok" (the baseline). ${WARMUP_CLICKS} warm-up clicks each.
Then the draw over the entries, in the bot's process. About a minute with the defaults on 2 cores (up to 2 when the bot
falls far behind).
PostgreSQL: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); Redis: TEST_REDIS_URL
(default redis://127.0.0.1:6379). Exit code 0 when the run completed, 1 when the benchmark failed, 2 for bad options.
See bench/README.md.
`;

const command = benchCommand('giveaways', USAGE);
const args = command.parse({
	entrants: { type: 'string', default: '100000' },
	clicks: { type: 'string', default: '10000' },
	seconds: { type: 'string', default: '10' }
});
const CLICKS = command.wholeNumber('clicks', args.clicks, 20, 200_000);
const SECONDS = command.wholeNumber('seconds', args.seconds, 1, 600);
const ENTRANTS = command.wholeNumber('entrants', args.entrants, 1, 1_000_000);
const DUPLICATES = Math.round(CLICKS * DUPLICATE_SHARE);
const CLICKERS = CLICKS - DUPLICATES;
if (ENTRANTS < CLICKERS) command.badOption(`--entrants must be at least the distinct clickers (${count(CLICKERS)} for --clicks ${CLICKS}), got ${count(ENTRANTS)}`);

const cleanups = new Cleanups();
const sleep = (delayMs: number) => new Promise((resolve) => setTimeout(resolve, delayMs));

/** The en-US answers of the Enter button (locales/en-US/giveaways.json `enter.entered`, `enter.already`). */
const ENTERED_TEXT = 'You are in! Good luck.';
const ALREADY_TEXT = 'You have already entered this giveaway.';

/** The warm-up: the first members, at the burst's rate. */
function warmupPlan(memberIds: readonly string[]): PlannedClick[] {
	const clicks = Math.min(WARMUP_CLICKS, memberIds.length);
	const gap = (SECONDS * 1_000) / CLICKS;
	return memberIds.slice(0, clicks).map((userId, index) => ({ userId, duplicate: false, quick: false, atMs: index * gap }));
}

/** What the members were answered, member by member (their clicks in the order sent); members with an unanswered click apart. */
interface MemberAnswers {
	once: { answered: number; ok: number };
	twice: { answered: number; ok: number };
	/** Of {@link twice}: the two clicks planned 5–100 ms apart. */
	quick: { answered: number; ok: number };
	/** Members who clicked twice and were answered "You are in!" on the second click, "already entered" on the first. */
	reversed: number;
	/** Members answered otherwise than one "You are in!" (and for a second click one "already entered" with Leave). */
	wrong: ClickOutcome[][];
	/** Members with a click not answered in time (their entry is stored all the same when the bot got to it). */
	unanswered: number;
}

/** Sorts the bot's answers out member by member (see {@link MemberAnswers}). */
function memberAnswers(burst: BurstResult): MemberAnswers {
	const byMember = new Map<string, ClickOutcome[]>();
	for (const outcome of burst.outcomes) byMember.set(outcome.userId, [...(byMember.get(outcome.userId) ?? []), outcome]);
	const result: MemberAnswers = { once: { answered: 0, ok: 0 }, twice: { answered: 0, ok: 0 }, quick: { answered: 0, ok: 0 }, reversed: 0, wrong: [], unanswered: 0 };
	for (const clicks of byMember.values()) {
		if (clicks.some((click) => click.latencyMs === null)) {
			result.unanswered++;
			continue;
		}
		const entered = clicks.filter((click) => click.content === ENTERED_TEXT).length;
		const already = clicks.filter((click) => click.content === ALREADY_TEXT && click.withButton).length;
		const ok = entered === 1 && already === clicks.length - 1;
		const group = clicks.length === 1 ? result.once : result.twice;
		group.answered++;
		if (ok) group.ok++;
		else result.wrong.push(clicks);
		if (clicks.length > 1 && clicks.some((click) => click.click.quick)) {
			result.quick.answered++;
			if (ok) result.quick.ok++;
		}
		if (ok && clicks.length > 1 && clicks[0]!.content !== ENTERED_TEXT) result.reversed++;
	}
	return result;
}

/** The figures of one side of the burst. */
interface Side {
	burst: BurstResult;
	latency: LatencyFigures;
	/** Clicks with no accepted callback (the emulator refuses one after 3 s: 10062) or answered after 3 s. */
	late: number;
	/** Interactions whose callback the emulator refused during the burst (any 4xx/5xx on the callback route), and the refused calls. */
	refused: { interactions: number; calls: number };
	cpuUs: number;
	loopDelayP99: number;
	loopDelayMax: number;
	load: number;
}

/** Interactions whose callback the emulator refused (any 4xx/5xx: 10062 after 3 s) since `fromSeq`, and the refused calls. */
function refusedCallbacks(emu: DiscordEmulator, fromSeq: number): { interactions: number; calls: number } {
	const refused = emu.recorder.calls('POST /interactions/{interaction_id}/{interaction_token}/callback').filter((call) => call.seq > fromSeq && call.status >= 400);
	return { interactions: new Set(refused.map((call) => call.params.interaction_id)).size, calls: refused.length };
}

/** One side's figures: its burst, the callbacks the emulator refused, and what its answering process measured. */
function side(burst: BurstResult, refused: { interactions: number; calls: number }, answering: { cpuUs: number; loopDelayP99: number; loopDelayMax: number }): Side {
	const answered = burst.outcomes.filter((outcome) => outcome.latencyMs !== null).map((outcome) => outcome.latencyMs!);
	return {
		burst,
		latency: latencyFigures(answered),
		late: burst.outcomes.filter((outcome) => outcome.latencyMs === null || outcome.latencyMs > CALLBACK_DEADLINE_MS).length,
		refused,
		cpuUs: answering.cpuUs,
		loopDelayP99: answering.loopDelayP99,
		loopDelayMax: answering.loopDelayMax,
		load: os.loadavg()[0] ?? 0
	};
}

/**
 * Waits until the giveaway's keyed refresh job has run (no job pending or running), at most `timeoutMs`.
 * @returns the ms waited and the job's state then (null, `completed` or `failed` when it has run).
 */
async function waitForRefresh(bot: BotProcess, guildId: string, giveawayId: number, timeoutMs: number): Promise<{ waitedMs: number; state: string | null }> {
	const started = performance.now();
	for (;;) {
		const state = await bot.call<string | null>('giveaways.refreshState', { guildId, giveawayId });
		const waitedMs = performance.now() - started;
		if (state === null || state === 'completed' || state === 'failed' || waitedMs > timeoutMs) return { waitedMs, state };
		await sleep(100);
	}
}

/** The entry count an edit of the giveaway message shows ("Entries: N" in its embed), or null. */
function shownEntries(body: unknown): number | null {
	const description = (body as { embeds?: { description?: string }[] } | undefined)?.embeds?.[0]?.description ?? '';
	const match = /Entries: ([\d,]+)/.exec(description);
	return match ? Number(match[1]!.replaceAll(',', '')) : null;
}

const ms1 = (value: number) => (Number.isNaN(value) ? '—' : value < 100 ? `${value.toFixed(1)} ms` : duration(value));
const seconds = (value: number) => `${(value / 1_000).toFixed(2)} s`;

async function main(): Promise<void> {
	const runId = uniqueId();
	const loadAtStart = os.loadavg()[0] ?? 0;
	const startedAt = new Date();
	const benchStarted = performance.now();

	// 1. The emulator, the guild, the plan.
	step(`emulator: a guild with ${count(CLICKERS)} members`);
	const emu = await DiscordEmulator.start();
	cleanups.push({ what: 'emulator', run: () => emu.stop() });
	const world = buildGiveawayWorld(emu, CLICKERS);
	const plan = planClicks(world.memberIds, DUPLICATES, SECONDS, SEED);
	const warmup = warmupPlan(world.memberIds);

	// 2. Baseline: a bare discord.js client answering "ok".
	step('baseline: starting a bare discord.js client in a child process');
	const baseline = await startBaseline({ restUrl: emu.restUrl, token: emu.bot.token, channelId: world.channelId }, 60_000);
	const baselineCleanup = cleanups.push({ what: 'baseline process', run: () => baseline.stop() });
	const baselineButton = await baseline.request<{ messageId: string; customId: string }>('message');
	const baselineTarget: ClickTarget = { guildId: world.guild.id, channelId: world.channelId, ...baselineButton };
	step(`baseline: ${warmup.length} warm-up clicks, then ${count(CLICKS)} clicks over ${SECONDS} s`);
	await fireClicks(emu, baselineTarget, warmup);
	await sleep(1_000);
	await baseline.request('measure');
	let seq = emu.recorder.seq;
	let endCpuWindow = startCpuWindow();
	const baselineBurst = await fireClicks(emu, baselineTarget, plan.clicks);
	const baselineStats = await baseline.request<BaselineStats>('stats');
	const baselineCpu = endCpuWindow();
	const baselineSide = side(baselineBurst, refusedCallbacks(emu, seq), baselineStats);
	await baseline.stop();
	cleanups.remove(baselineCleanup);
	// The emulator keeps every request and frame; what the baseline left is not needed any more.
	emu.recorder.rest.length = 0;
	emu.recorder.gateway.length = 0;

	// 3. Database, Redis prefix, the bot.
	const dbUrl = new URL(testDatabaseServerUrl);
	dbUrl.pathname = `/bench_giveaways_${runId}`;
	const databaseUrl = dbUrl.toString();
	await createDatabase(databaseUrl);
	cleanups.push({ what: 'database', run: () => dropDatabase(databaseUrl) });
	const redisPrefix = `bench-${runId}:`;
	cleanups.push({ what: 'redis keys', run: () => deleteRedisKeys(testRedisUrl, redisPrefix) });
	step('bot: starting in a child process and waiting for ready');
	const bot = await startBotProcess(
		{
			env: emulatorBotEnv(emu, databaseUrl),
			redisPrefix,
			extensions: [fileURLToPath(new URL('./lib/giveawaysChild.ts', import.meta.url))]
		},
		READY_TIMEOUT_MS
	);
	const botCleanup = cleanups.push({ what: 'bot process', run: () => bot.stop() });
	if (!bot.plugins.includes('giveaways')) throw new Error(`the bot has no giveaways plugin (plugins: ${bot.plugins.join(', ')})`);
	const guildId = world.guild.id;
	const start = (prize: string, winners: number) =>
		bot.call<StartedGiveaway>('giveaways.start', { guildId, channelId: world.channelId, hostId: world.hostId, prize, winners, durationMs: 3_600_000 });
	const enterTarget = (giveaway: StartedGiveaway): ClickTarget => {
		const message = emu.world.channels.get(world.channelId)?.messages.get(giveaway.messageId);
		const customId = (message?.components ?? [])
			.flatMap((row) => ('components' in row ? (row.components as { custom_id?: string }[]) : []))
			.map((component) => component.custom_id ?? '')
			.find((id) => parseGiveawayButton(id, 'enter')?.number === giveaway.number);
		if (!customId) throw new Error(`giveaway #${giveaway.number}: no Enter button on its message ${giveaway.messageId}`);
		return { guildId, channelId: world.channelId, messageId: giveaway.messageId, customId };
	};

	// Warm-up on a giveaway of its own.
	const warmGiveaway = await start('Warm-up prize', 1);
	step(`bot: ${warmup.length} warm-up clicks on giveaway #${warmGiveaway.number}`);
	await fireClicks(emu, enterTarget(warmGiveaway), warmup);

	// The measured giveaway and its bulk of entrants.
	const giveaway = await start('Benchmark prize', WINNERS);
	const target = enterTarget(giveaway);
	const bulk = ENTRANTS - CLICKERS;
	const bulkIds = syntheticUserIds(bulk);
	// Bonus entries as roles would give them: 1 in 10 entrants weight 2, 1 in 100 weight 5.
	const bulkWeights = bulkIds.map((_, index) => (index % 100 === 0 ? 5 : index % 10 === 0 ? 2 : 1));
	step(`setup: inserting ${count(bulk)} entrants into giveaway_entry of giveaway #${giveaway.number} (batched, not measured)`);
	const bulkStarted = performance.now();
	const inserted = await bot.call<number>('giveaways.bulkInsert', { giveawayId: giveaway.id, userIds: bulkIds, weights: bulkWeights }, 300_000);
	const bulkMs = performance.now() - bulkStarted;
	if (inserted !== bulk) throw new Error(`setup inserted ${inserted} entrants, not ${bulk}`);
	await waitForRefresh(bot, guildId, warmGiveaway.id, 30_000);
	await sleep(1_000);

	// The burst.
	step(`bot: ${count(CLICKS)} Enter clicks over ${SECONDS} s on giveaway #${giveaway.number} (${count(bulk)} entrants already in)`);
	const logLinesBefore = bot.logs.lines.length;
	await bot.call('giveaways.measure', { trace: true });
	seq = emu.recorder.seq;
	endCpuWindow = startCpuWindow();
	const botBurst = await fireClicks(emu, target, plan.clicks);
	// A click the emulator gave up on may still be entered (its reply then fails): wait until the bot is done with all.
	const enteringStarted = performance.now();
	while ((await bot.call<number>('giveaways.entering')) > 0) {
		if (performance.now() - enteringStarted > ENTER_WAIT_MS) throw new Error(`the bot was still entering clicks ${duration(ENTER_WAIT_MS)} after the last answer`);
		await sleep(100);
	}
	const enteredAfterMs = Date.now() - botBurst.firstSentAt;
	const botStats = await bot.call<MeasuredStretch>('giveaways.measured');
	const botCpu = endCpuWindow();
	const traces = await bot.call<ClickTrace[]>('giveaways.traces');
	const botSide = side(botBurst, refusedCallbacks(emu, seq), botStats);
	step('bot: waiting for the last refresh of the message');
	const refreshed = await waitForRefresh(bot, guildId, giveaway.id, REFRESH_WAIT_MS);
	await sleep(500);
	const restCalls = new Map<string, number>();
	for (const call of emu.recorder.rest.filter((call) => call.seq > seq)) {
		const key = `${call.method} ${call.route.replace(/^\/api(\/v\d+)?/, '')} ${call.status}`;
		restCalls.set(key, (restCalls.get(key) ?? 0) + 1);
	}
	const edits = emu.recorder
		.calls('PATCH /channels/{channel_id}/messages/{message_id}')
		.filter((call) => call.seq > seq && call.params.message_id === giveaway.messageId && call.status < 300)
		.map((call) => ({ at: call.at, entries: shownEntries(call.body) }));
	const clickerIds = [...new Set(plan.clicks.map((click) => click.userId))];
	const stored = await bot.call<StoredEntries>('giveaways.check', { giveawayId: giveaway.id, userIds: clickerIds });
	const burstLogs = bot.logs.lines.slice(logLinesBefore);

	// 4. The draw.
	step(`draw: ${count(stored.entries)} entries, ${WINNERS} winners, in the bot's process (${DRAW_RUNS} runs, then the service's end)`);
	const draw = await bot.call<DrawMeasurement>('giveaways.draw', { guildId, number: giveaway.number, giveawayId: giveaway.id, runs: DRAW_RUNS }, 300_000);
	const upload = emu.attachments
		.uploadedBy()
		.filter((file) => file.filename === `giveaway-${giveaway.number}-draw.json`)
		.at(-1);
	let verification: { ok: boolean; ms: number; problems: string } | null = null;
	if (upload) {
		const verifyStarted = performance.now();
		const result = verifyDrawRecord(drawRecordSchema.parse(JSON.parse(upload.bytes.toString('utf8'))));
		verification = { ok: result.ok, ms: performance.now() - verifyStarted, problems: result.ok ? '' : result.problems.map((problem) => problem.code).join(', ') };
	}
	const memory = await bot.probe({ gc: true });

	step('bot: stopping (SIGTERM)');
	const stopped = await bot.stop();
	cleanups.remove(botCleanup);

	// 5. The report.
	const answers = memberAnswers(botBurst);
	const burstMs = botBurst.lastSentAt - botBurst.firstSentAt;
	const during = edits.filter((edit) => edit.at <= botBurst.lastSentAt);
	const after = edits.filter((edit) => edit.at > botBurst.lastSentAt);
	const gaps = edits.slice(1).map((edit, index) => edit.at - edits[index]!.at);
	const minGap = gaps.length > 0 ? Math.min(...gaps) : Number.NaN;
	const lastShown = edits.at(-1)?.entries ?? null;
	const expectedEntries = ENTRANTS;
	const exactlyOnce = stored.entries === expectedEntries && stored.distinctUsers === stored.entries && stored.found === CLICKERS;
	const drawMedian = median(draw.drawMs);
	const readMedian = median(draw.readMs);
	const readDraw = median(draw.readMs.map((read, index) => read + draw.drawMs[index]!));

	out();
	out(`Giveaways benchmark · ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · Node ${process.version} · ${os.cpus().length} CPUs · load ${loadAtStart.toFixed(1)} at start`);
	out(`npm run bench:giveaways -- --entrants ${ENTRANTS} --clicks ${CLICKS} --seconds ${SECONDS}`);
	out();
	out(
		`World (Discord emulator, this process): one guild, ${count(CLICKERS)} members who click plus a host; addMember took ${duration(world.addMemberMs)} for them ` +
			`(${((world.addMemberMs * 1_000) / CLICKERS).toFixed(0)} µs each); the bot was ready ${duration(bot.readyAfterMs)} after spawn (its GUILD_CREATE lists only itself: no presences intent)`
	);
	out(
		`Giveaway #${giveaway.number}: ${WINNERS} winners, no requirement, ends in 1 h (ended early for the draw); ${count(bulk)} entrants inserted straight into giveaway_entry in ${duration(bulkMs)} ` +
			`(setup, batched, not measured; 1 in 10 weight 2, 1 in 100 weight 5), ${count(CLICKERS)} more by the burst: ${count(ENTRANTS)} in all`
	);
	out(
		`Burst: ${count(CLICKS)} Enter clicks (real button interactions) evenly over ${SECONDS} s (${count(CLICKS / SECONDS)}/s) by ${count(plan.members)} members; ${count(DUPLICATES)} are a member's second click ` +
			`(${count(plan.quickDuplicates)} within 5–100 ms of the first, racing it; ${count(DUPLICATES - plan.quickDuplicates)} 0.5–3 s later). Same clicks, same times, for the baseline; ${warmup.length} warm-up clicks each before`
	);
	out();

	out('Click → callback (the emulator\'s latencyMs: INTERACTION_CREATE sent → the callback received, its clock)');
	const ratio = (bot: number, base: number) => (base > 0 ? times(bot / base) : '—');
	const cpuPerClick = (cpuUs: number) => `${count(cpuUs / CLICKS)} µs`;
	const cores = (window: CpuWindow, busyMs: number | null) => (busyMs === null ? '—' : `${(busyMs / window.elapsedMs).toFixed(2)} of ${window.cores}`);
	const rest = (window: CpuWindow, answering: Side) => Math.max(0, window.machineBusyMs - window.thisProcessMs - answering.cpuUs / 1_000 - (window.postgresMs ?? 0) - (window.redisMs ?? 0));
	for (const line of table([
		['', 'bot (giveaways Enter)', 'bare discord.js ("ok")', 'bot / baseline'],
		['clicks answered', share(botSide.latency.count, CLICKS), share(baselineSide.latency.count, CLICKS), ''],
		['latency p50', ms1(botSide.latency.p50), ms1(baselineSide.latency.p50), ratio(botSide.latency.p50, baselineSide.latency.p50)],
		['latency p90', ms1(botSide.latency.p90), ms1(baselineSide.latency.p90), ratio(botSide.latency.p90, baselineSide.latency.p90)],
		['latency p99', ms1(botSide.latency.p99), ms1(baselineSide.latency.p99), ratio(botSide.latency.p99, baselineSide.latency.p99)],
		['latency max', ms1(botSide.latency.max), ms1(baselineSide.latency.max), ratio(botSide.latency.max, baselineSide.latency.max)],
		['latency mean', ms1(botSide.latency.mean), ms1(baselineSide.latency.mean), ratio(botSide.latency.mean, baselineSide.latency.mean)],
		['answered late (> 3 s) or not at all', count(botSide.late), count(baselineSide.late), ''],
		['clicks whose callback the emulator refused (calls)', `${count(botSide.refused.interactions)} (${count(botSide.refused.calls)})`, `${count(baselineSide.refused.interactions)} (${count(baselineSide.refused.calls)})`, ''],
		['clicks sent over', seconds(botBurst.lastSentAt - botBurst.firstSentAt), seconds(baselineBurst.lastSentAt - baselineBurst.firstSentAt), ''],
		['sender late by (max)', ms1(Math.max(...botBurst.outcomes.map((o) => o.lagMs))), ms1(Math.max(...baselineBurst.outcomes.map((o) => o.lagMs))), ''],
		['first click → last answer (or given up)', seconds(botBurst.settledAfterMs), seconds(baselineBurst.settledAfterMs), ''],
		['first click → last click entered (bot)', `${seconds(enteredAfterMs)} (${count((CLICKS * 1_000) / enteredAfterMs)} clicks/s)`, '', ''],
		['answering process CPU per click', cpuPerClick(botSide.cpuUs), cpuPerClick(baselineSide.cpuUs), ratio(botSide.cpuUs, baselineSide.cpuUs)],
		['its event loop late by p99 / max', `${ms1(botSide.loopDelayP99)} / ${ms1(botSide.loopDelayMax)}`, `${ms1(baselineSide.loopDelayP99)} / ${ms1(baselineSide.loopDelayMax)}`, ''],
		['emulator (this process) CPU per click', cpuPerClick(botCpu.thisProcessMs * 1_000), cpuPerClick(baselineCpu.thisProcessMs * 1_000), ''],
		['the machine: cores busy (all processes)', cores(botCpu, botCpu.machineBusyMs), cores(baselineCpu, baselineCpu.machineBusyMs), ''],
		['  the answering process', cores(botCpu, botSide.cpuUs / 1_000), cores(baselineCpu, baselineSide.cpuUs / 1_000), ''],
		['  the emulator (this process)', cores(botCpu, botCpu.thisProcessMs), cores(baselineCpu, baselineCpu.thisProcessMs), ''],
		['  PostgreSQL (its server processes)', cores(botCpu, botCpu.postgresMs), cores(baselineCpu, baselineCpu.postgresMs), ''],
		['  Redis', cores(botCpu, botCpu.redisMs), cores(baselineCpu, baselineCpu.redisMs), ''],
		['  everything else (other work on the machine)', cores(botCpu, rest(botCpu, botSide)), cores(baselineCpu, rest(baselineCpu, baselineSide)), ''],
		['load (1 min) at the end', botSide.load.toFixed(1), baselineSide.load.toFixed(1), '']
	])) {
		out(line);
	}
	out('  baseline: a bare discord.js Client (Guilds intent) in its own process answering every button with an ephemeral "ok": the emulator, the gateway,');
	out("  discord.js and the callback's HTTP round trip, nothing of the bot; bot / baseline is what Sapphire's routing, the translation and the plugin's");
	out(`  work add (the giveaway read, the entry check and insert in PostgreSQL, the refresh job in Redis). CPU: process.cpuUsage and the machine's /proc/stat from the first click to the last answer (bot: to the last click entered).`);
	out();
	out(`Where a click's time goes in the bot (traced in its process: ${count(traces.length)} clicks; wall clock, this machine)`);
	const sentAt = new Map(botBurst.outcomes.map((outcome) => [outcome.interactionId, outcome.sentAt]));
	const segment = (label: string, pick: (trace: ClickTrace) => number | null) => {
		const values = traces.map(pick).filter((value): value is number => value !== null && Number.isFinite(value));
		const figures = latencyFigures(values);
		return [label, count(figures.count), ms1(figures.p50), ms1(figures.p90), ms1(figures.p99), ms1(figures.max)];
	};
	const span = (from: number | null | undefined, to: number | null | undefined) => (from === null || from === undefined || to === null || to === undefined ? null : to - from);
	for (const line of table([
		['', 'clicks', 'p50', 'p90', 'p99', 'max'],
		segment('emulator sends → raw INTERACTION_CREATE in the bot', (trace) => span(sentAt.get(trace.interactionId), trace.rawAt)),
		segment('raw → Enter handler runs (discord.js, Sapphire routing)', (trace) => span(trace.rawAt, trace.runStart)),
		segment('handler → service.enter (translation)', (trace) => span(trace.runStart, trace.enterStart)),
		segment('service.enter', (trace) => span(trace.enterStart, trace.enterEnd)),
		segment('  of which the refresh job (taskQueue.schedule)', (trace) => (trace.enterStart === null ? null : trace.scheduleMs)),
		segment('  of which the rest (PostgreSQL: read, check, insert)', (trace) => (trace.enterStart === null || trace.enterEnd === null ? null : trace.enterEnd - trace.enterStart - trace.scheduleMs)),
		segment('enter → reply answered (the callback round trip)', (trace) => span(trace.enterEnd, trace.runEnd)),
		segment('emulator sends → reply answered, in all', (trace) => span(sentAt.get(trace.interactionId), trace.runEnd))
	])) {
		out(line);
	}
	out(`PostgreSQL statements of the bot from the first click to the last click entered (time: query sent → rows parsed, in the bot's process)`);
	for (const line of table([
		['statement', 'count', 'per click', 'mean', 'max'],
		...botStats.statements.map((entry) => [entry.statement, count(entry.count), (entry.count / CLICKS).toFixed(2), ms1(entry.totalMs / entry.count), ms1(entry.maxMs)])
	])) {
		out(line);
	}
	out(
		`  bot: ${count(botStats.roundTrips)} PostgreSQL round trips until the last click entered (${(botStats.roundTrips / CLICKS).toFixed(2)} per click), ${ms1(botStats.roundTripMs / Math.max(1, botStats.roundTrips))} each on average ` +
			`(query sent → rows parsed); up to ${count(botStats.poolWaitingMax)} statements waiting for one of the pool's ${botStats.poolSize} connections; its event loop p50 late by ${ms1(botStats.loopDelayP50)}`
	);
	out();

	out('Entries');
	for (const line of table([
		['', 'measured', 'expected'],
		['entries stored for the giveaway', count(stored.entries), count(expectedEntries)],
		['  distinct users among them', count(stored.distinctUsers), count(expectedEntries)],
		['  clickers with an entry', `${count(stored.found)} of ${count(CLICKERS)}`, count(CLICKERS)],
		['members who clicked once, answered "You are in!"', `${count(answers.once.ok)} of ${count(answers.once.answered)} answered`, count(answers.once.answered)],
		['members who clicked twice, one "You are in!" and one "already entered" + Leave', `${count(answers.twice.ok)} of ${count(answers.twice.answered)} answered`, count(answers.twice.answered)],
		['  the two clicks within 5–100 ms (racing)', `${count(answers.quick.ok)} of ${count(answers.quick.answered)} answered`, count(answers.quick.answered)],
		['  "You are in!" to the second click (its insert won the race)', count(answers.reversed), ''],
		['members answered wrongly (no "You are in!", two, another text)', count(answers.wrong.length), '0'],
		['members not answered in time, entered all the same', count(answers.unanswered), '0']
	])) {
		out(line);
	}
	for (const clicks of answers.wrong.slice(0, 3)) out(`  e.g. member ${clicks[0]!.userId}: ${clicks.map((click) => JSON.stringify(click.content)).join(', then ')}`);
	out(
		`  REST calls the emulator received from the burst's start to the last refresh (route, status): ${[...restCalls.entries()]
			.sort((a, b) => b[1] - a[1])
			.map(([route, n]) => `${route} ${count(n)}`)
			.join(', ')}`
	);
	out(`  bot log lines (warn and above) from the burst to the draw: ${count(burstLogs.length)}`);
	const kinds = new Map<string, number>();
	for (const line of burstLogs) {
		const kind = line.replace(/\d{6,}/g, '#').replace(/^\S+\s+/, '').slice(0, 160);
		kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
	}
	for (const [kind, n] of [...kinds.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4)) out(`    ${count(n)} × ${kind}`);
	out();

	const editTimes = (list: typeof edits) => list.map((edit) => seconds(edit.at - botBurst.firstSentAt)).join(', ') || 'none';
	out(`Message edits (PATCH of the giveaway message, the keyed giveawayRefresh job: at most one per ${REFRESH_EVERY_MS / 1_000} s)`);
	out(
		`  from the burst's first click to the last refresh: ${edits.length} edit(s), at ${editTimes(edits)} after the first click (the last click was sent at ${seconds(burstMs)}: ` +
			`${during.length} while clicks came, ${after.length} after); burst seconds / 5 = ${(burstMs / REFRESH_EVERY_MS).toFixed(2)}: ratio ${(edits.length / (burstMs / REFRESH_EVERY_MS)).toFixed(2)}`
	);
	out(
		`  shortest gap between two edits ${Number.isNaN(minGap) ? '—' : seconds(minGap)}; the last refresh job ${refreshed.state === null || refreshed.state === 'completed' ? 'had run' : `was still ${refreshed.state}`} ` +
			`${duration(refreshed.waitedMs)} after the bot had entered the last click (${seconds(enteredAfterMs)} after the first)`
	);
	out(`  count shown: ${edits.map((edit) => (edit.entries === null ? '?' : count(edit.entries))).join(' → ') || 'none'}; the last one ${lastShown === stored.entries ? 'matches' : 'DOES NOT match'} the ${count(stored.entries)} stored`);
	out();

	out(`Draw over ${count(draw.entries)} entries, ${WINNERS} winners, in the bot's process (${DRAW_RUNS} runs: first / median / max)`);
	const runs = (values: number[]) => `${ms1(values[0]!)} / ${ms1(median(values))} / ${ms1(Math.max(...values))}`;
	for (const line of table([
		['', 'time'],
		['drawWinners over the entries read (sort, weight tree, 50 picks)', runs(draw.drawMs)],
		['reading them from PostgreSQL (store.allEntries)', runs(draw.readMs)],
		['read + draw', runs(draw.readMs.map((read, index) => read + draw.drawMs[index]!))],
		['entriesHash (canonical list, SHA-256), once', ms1(draw.hashMs)],
		['service.entries (read, sorted by BigInt(userId)), once', ms1(draw.sortedEntriesMs)],
		['draw record (service.drawRecord + JSON with tabs), once', ms1(draw.recordMs)],
		["the service's whole end (early), once", ms1(draw.endMs)]
	])) {
		out(line);
	}
	out('  the whole end: the locked read, the draw, the entries hash, the update, then the announcement: the draw record built again (service.entries');
	out(`  and its sort), uploaded with the reply (${mebibytes(draw.recordBytes)}) through discord.js to the emulator, the message edited, the giveaway marked announced`);
	if (draw.endError !== null) {
		out(`  THE END FAILED: ${draw.endError}; afterwards the giveaway is ${draw.status}, ${draw.announced ? 'announced' : 'NOT announced'}`);
	}
	out(
		`  the winners recorded ${draw.sameWinners ? 'are' : 'are NOT'} those of drawWinners over the same entries (${draw.winners.length} winners` +
			`${draw.endEntries === null ? '' : `; the end counted ${count(draw.endEntries)} entries`})`
	);
	const perEntry = draw.recordBytes / Math.max(1, draw.entries);
	out(
		`  draw record: ${count(draw.recordBytes)} bytes (${mebibytes(draw.recordBytes)}, ${perEntry.toFixed(1)} bytes per entry); uploaded: ${upload ? `${count(upload.size)} bytes` : 'NOT FOUND'}; ` +
			`Discord's ${mebibytes(UPLOAD_LIMIT_BYTES)} upload limit is reached at about ${count(Math.floor(UPLOAD_LIMIT_BYTES / perEntry))} entries`
	);
	out(`  verified here (verifyDrawRecord on the uploaded file, as anyone would): ${verification ? `${verification.ok ? 'OK' : `FAILED (${verification.problems})`} in ${ms1(verification.ms)}` : 'no file'}`);
	out(`  bot: ${mebibytes(memory.memory.rss)} resident, ${mebibytes(memory.memory.heapUsed)} heap after GC at the end; stopped: exit ${stopped.code ?? stopped.signal} in ${duration(stopped.durationMs)}`);
	out();

	out('Targets (printed, not asserted): issue 11, "Scale and failures"');
	for (const line of table([
		['', 'measured', 'target', ''],
		[`every click recorded once (${count(ENTRANTS)} entries, no lost, no duplicate)`, exactlyOnce ? 'yes' : 'no', 'yes', pass(exactlyOnce)],
		['a second click of a member not counted (entries − entrants)', count(stored.entries - ENTRANTS), '0', pass(stored.entries === ENTRANTS)],
		['members answered wrongly (of those answered)', count(answers.wrong.length), '0', pass(answers.wrong.length === 0)],
		['clicks answered later than 3 s or not at all', count(botSide.late), '0', pass(botSide.late === 0)],
		['click latency max', ms1(botSide.latency.max), `≤ ${duration(CALLBACK_DEADLINE_MS)}`, pass(botSide.late === 0 && botSide.latency.max <= CALLBACK_DEADLINE_MS)],
		['shortest gap between two message edits', Number.isNaN(minGap) ? '—' : seconds(minGap), `≥ ${seconds(REFRESH_EVERY_MS)}`, Number.isNaN(minGap) ? '' : pass(minGap >= REFRESH_EVERY_MS - 50)],
		[`draw over ${count(draw.entries)} entries (drawWinners, median)`, ms1(drawMedian), `< ${duration(TARGET_DRAW_MS)}`, pass(drawMedian < TARGET_DRAW_MS)],
		['read from PostgreSQL + draw (median)', ms1(readDraw), `< ${duration(TARGET_DRAW_MS)}`, pass(readDraw < TARGET_DRAW_MS)],
		["the service's whole end, announcement included", draw.endError === null ? ms1(draw.endMs) : 'failed', '', '']
	])) {
		out(line);
	}
	out(`  median read alone: ${ms1(readMedian)}`);
	out();
	out(`Took ${duration(performance.now() - benchStarted)}.`);
}

// Under `npm run` (tsx), a Ctrl-C reaches this process twice when it is busy: tsx relays the signal again when this
// process did not acknowledge it within 30 ms, and runBenchmark listens once; with no listener left, tsx's own handler
// would exit at once and cut the cleanup short (the database and Redis keys left behind). This listener keeps one.
process.on('SIGINT', () => {});
await runBenchmark(main, cleanups, { beforeCleanUp: () => step('cleanup: baseline and bot processes, database, Redis keys, emulator') });
