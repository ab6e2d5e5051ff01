/**
 * `npm run bench:memory` (issue 12, "Memory at scale"): the bot's resident memory at ready and after minutes of voice
 * activity, and its time from start to ready, on a world of 5,000 guilds and 250,000 members on the local Discord
 * emulator (2 shards), next to a bare discord.js client with default caches on the same world, in the same run.
 *
 * For each process measured (the bot; then each baseline of `--compare`), in turn and alone:
 * 1. a fresh emulator and the same seeded world (bench/lib/memoryWorld.ts): guilds of skewed sizes, channels and roles,
 *    members, `--in-voice` percent of them in voice;
 * 2. the process in a child of its own (bench/lib/memoryChild.ts), the bot with a fresh PostgreSQL database and Redis
 *    prefix; time from spawn to ready (the bot: every shard ready and the commands registered);
 * 3. its memory at ready (as it is, then after a full GC), and what discord.js holds (members, users, voice states,
 *    messages);
 * 4. `--minutes` of voice activity played on the emulator (joins, leaves, moves, mutes; optionally chat), its memory
 *    sampled each minute, then, once its cached voice states match the world's, its memory after a full GC and its
 *    peak resident memory over the whole run (VmHWM);
 * 5. SIGTERM, and the database, Redis keys and emulator removed.
 * The bot runs as it ships: built with tsup (the project's config) into a temporary folder, run by Node without tsx
 * (`--from-source` runs src/ under tsx instead).
 *
 * Printed: the figures side by side, the ratios to each baseline, and the issue's targets as PASS/MISS (not asserted):
 * at 5,000 guilds / 250,000 members at most 256 MiB resident; at 1,000 / 50,000 at most 200 MiB.
 * Exit code 0 when the run completed, 1 when it failed, 2 for bad options.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { DiscordEmulator } from '@hearth/discord-emulator';
import { loadBotConfig } from '../src/lib/config.js';
import { createDatabase, dropDatabase } from '../src/lib/database.js';
import { projectRoot } from '../src/lib/paths.js';
import { PluginRegistry } from '../src/lib/plugins/registry.js';
import { plugins as botPlugins } from '../src/plugins/index.js';
import { testDatabaseServerUrl, testRedisUrl, uniqueId } from '../tools/infra.js';
import { deleteRedisKeys } from '../tools/redisKeys.js';
import { ALLOCATOR_VARIABLE, dockerfileAllocatorEnvironment, startScriptNodeFlags } from '../tools/shippedStart.js';
import { benchCommand, type BenchCommand } from './lib/cli.js';
import { count, duration, mebibytes, pass, table, times } from './lib/format.js';
import type { CacheCounts, MemoryChildLaunch, MemoryProbe } from './lib/memoryChild.js';
import { buildBot, startMemoryChild } from './lib/memoryProcess.js';
import { MemoryWorld } from './lib/memoryWorld.js';
import { Cleanups, out, runBenchmark, step } from './lib/run.js';

const USAGE = `usage: npm run bench:memory -- [options]

  --guilds N           guilds in the emulator's world (default 5000)
  --members N          members across them, the bot not counted (default 250000)
  --shards N           shards of the bot (default 2; at most 2,500 guilds per shard)
  --in-voice P         percent of the members in voice at the start (default 10)
  --minutes M          minutes of voice activity after ready, real time (default 5; decimals allowed; 0: none)
  --voice-events N     voice events per second during the activity: joins, leaves, moves, mutes (default 30)
  --messages N         chat messages per second during the activity (default 0)
  --compare LIST       what else to measure on the same world, comma-separated (default bare):
                         bare    a bare discord.js client, default caches, the bot's intents
                         before  the bot with discord.js's default caches (as before issue 12)
                         none    the bot alone
  --bot-node-flags=F   Node flags of the bot, space-separated (default: those of npm start in package.json and the
                       Dockerfile's CMD, as the bot ships; "" for none; e.g. --bot-node-flags="--max-semi-space-size=4"); the
                       baselines run with Node's defaults
  --bot-env="K=V …"    the bot's allocator variables, which act before Node starts (MALLOC_*, GLIBC_TUNABLES,
                       LD_PRELOAD), space-separated (default: those of the Dockerfile's ENV, as the bot ships; ""
                       for none; e.g. --bot-env="MALLOC_ARENA_MAX=2"); the baselines run without them
  --from-source        run the bot from src/ under tsx (its memory then includes tsx's) instead of a build
  --help               this text

E.g. npm run bench:memory -- --guilds 1000 --members 50000 --minutes 1 for a quicker run.
PostgreSQL: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); Redis: TEST_REDIS_URL
(default redis://127.0.0.1:6379). Exit code 0 when the run completed, 1 when the benchmark failed, 2 for bad options.
See bench/README.md.
`;

/** The issue's goals: resident memory after ready, by scale. */
const TARGETS: readonly { guilds: number; members: number; rssBytes: number }[] = [
	{ guilds: 5_000, members: 250_000, rssBytes: 256 * 1_048_576 },
	{ guilds: 1_000, members: 50_000, rssBytes: 200 * 1_048_576 }
];

const READY_TIMEOUT_MS = 15 * 60_000;
const SETTLE_TIMEOUT_MS = 60_000;
const TICK_MS = 250;

type Subject = MemoryChildLaunch['subject'];
const SUBJECT_NAMES: Record<Subject, string> = { bot: 'bot', bare: 'bare discord.js', 'bot-before': 'bot before (discord.js caches)' };

const command: BenchCommand = benchCommand('memory', USAGE);
const args = command.parse({
	guilds: { type: 'string', default: '5000' },
	members: { type: 'string', default: '250000' },
	shards: { type: 'string', default: '2' },
	'in-voice': { type: 'string', default: '10' },
	minutes: { type: 'string', default: '5' },
	'voice-events': { type: 'string', default: '30' },
	messages: { type: 'string', default: '0' },
	compare: { type: 'string', default: 'bare' },
	'bot-node-flags': { type: 'string' },
	'bot-env': { type: 'string' },
	'from-source': { type: 'boolean', default: false }
});
const GUILDS = command.wholeNumber('guilds', args.guilds, 1, 100_000);
const SHARDS = command.wholeNumber('shards', args.shards, 1, 64);
const MEMBERS = command.wholeNumber('members', args.members, 5, 10_000_000);
const IN_VOICE = command.wholeNumber('in-voice', args['in-voice'], 0, 100);
const VOICE_EVENTS = command.wholeNumber('voice-events', args['voice-events'], 0, 10_000);
const MESSAGES = command.wholeNumber('messages', args.messages, 0, 10_000);
const MINUTES = /^\d+(\.\d+)?$/.test(args.minutes.trim()) ? Number(args.minutes) : Number.NaN;
if (!(MINUTES >= 0 && MINUTES <= 120)) command.badOption(`--minutes must be a number from 0 to 120, got "${args.minutes}"`);
if (MEMBERS < GUILDS * 5) command.badOption(`--members must be at least 5 per guild (${count(GUILDS * 5)} for --guilds ${count(GUILDS)}), got ${count(MEMBERS)}`);
if (GUILDS > SHARDS * 2_500) command.badOption(`--guilds ${count(GUILDS)} needs at least ${Math.ceil(GUILDS / 2_500)} shards (Discord allows 2,500 guilds per shard)`);
const COMPARE: Subject[] = [];
for (const name of args.compare.split(',').map((part) => part.trim())) {
	if (name === 'none' && args.compare.trim() === 'none') continue;
	if (name === 'bare' || name === 'before') {
		const subject: Subject = name === 'bare' ? 'bare' : 'bot-before';
		if (!COMPARE.includes(subject)) COMPARE.push(subject);
	} else command.badOption(`--compare takes bare, before (comma-separated) or none, got "${args.compare}"`);
}
const FROM_SOURCE = args['from-source'];
const BOT_NODE_FLAGS = args['bot-node-flags'] === undefined ? startScriptNodeFlags() : args['bot-node-flags'].split(/\s+/).filter(Boolean);
for (const flag of BOT_NODE_FLAGS) if (!flag.startsWith('--')) command.badOption(`--bot-node-flags takes Node options (--name or --name=value), got "${flag}"`);
const BOT_ENV: Record<string, string> = args['bot-env'] === undefined ? dockerfileAllocatorEnvironment() : {};
for (const word of (args['bot-env'] ?? '').split(/\s+/).filter(Boolean)) {
	const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(word);
	if (!match || !ALLOCATOR_VARIABLE.test(match[1]!)) command.badOption(`--bot-env takes NAME=value words of allocator variables (MALLOC_*, GLIBC_TUNABLES, LD_PRELOAD), got "${word}"`);
	else BOT_ENV[match[1]!] = match[2]!;
}

const cleanups = new Cleanups();

/** One measured process, from ready to the end of the activity. */
interface SubjectRun {
	subject: Subject;
	readyAfterMs: number;
	atReady: MemoryProbe;
	atReadyGc: MemoryProbe;
	/** Resident memory (no GC) at each minute of the activity. */
	timeline: { atMs: number; rss: number; heapUsed: number }[];
	after: MemoryProbe;
	/** Whether its cached voice states matched the world's members in voice before the last probe. */
	settled: boolean;
	nodeFlags: readonly string[];
	env: Readonly<Record<string, string>>;
	/** CPU seconds the process used during the activity (user + system), from after its ready probes to its last probe. */
	activityCpuSeconds: number;
	activityMs: number;
	inVoiceAtEnd: number;
	everInVoice: number;
	played: MemoryWorld['played'];
	worldMs: number;
	stopped: { code: number | null; signal: NodeJS.Signals | null; durationMs: number };
	emulatorFailures: string[];
	world: { channels: number; roles: number; inVoiceAtStart: number; smallest: number; largest: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(subject: Subject, botModule: string | null): Promise<SubjectRun> {
	const runId = uniqueId();
	step(`${SUBJECT_NAMES[subject]}: building the world (${count(GUILDS)} guilds, ${count(MEMBERS)} members, ${IN_VOICE}% in voice)`);
	const emu = await DiscordEmulator.start({ shardCount: SHARDS });
	const emulatorStep = cleanups.push({ what: 'emulator', run: () => emu.stop() });
	const worldStarted = performance.now();
	const world = new MemoryWorld(emu, { guilds: GUILDS, members: MEMBERS, shards: SHARDS, inVoicePercent: IN_VOICE });
	const worldMs = performance.now() - worldStarted;
	const inVoiceAtStart = world.inVoice;

	const launch: MemoryChildLaunch = { subject, env: { DISCORD_TOKEN: emu.bot.token, DISCORD_REST_URL: emu.restUrl, LOG_LEVEL: 'warn', LOG_FORMAT: 'text' } };
	const ownCleanups: ReturnType<Cleanups['push']>[] = [];
	if (subject !== 'bare') {
		const dbUrl = new URL(testDatabaseServerUrl);
		dbUrl.pathname = `/bench_memory_${runId}`;
		const databaseUrl = dbUrl.toString();
		await createDatabase(databaseUrl);
		ownCleanups.push(cleanups.push({ what: 'database', run: () => dropDatabase(databaseUrl) }));
		const redisPrefix = `bench-memory-${runId}:`;
		ownCleanups.push(cleanups.push({ what: 'redis keys', run: () => deleteRedisKeys(testRedisUrl, redisPrefix) }));
		Object.assign(launch.env, { DATABASE_URL: databaseUrl, REDIS_URL: testRedisUrl });
		Object.assign(launch, { botModule: botModule ?? `${projectRoot}/src/lib/bot.ts`, redisPrefix });
	} else {
		launch.intents = new PluginRegistry(botPlugins, loadBotConfig()).intents();
	}

	step(`${SUBJECT_NAMES[subject]}: starting and waiting for ready`);
	// The bot before issue 12 ran with Node's defaults, like the bare client.
	const nodeFlags = subject === 'bot' ? BOT_NODE_FLAGS : [];
	const env = subject === 'bot' ? BOT_ENV : {};
	const child = await startMemoryChild(launch, { fromSource: subject !== 'bare' && botModule === null, nodeFlags, env, readyTimeoutMs: READY_TIMEOUT_MS });
	const childStep = cleanups.push({ what: `${subject} process`, run: () => child.stop() });
	const atReady = await child.probe();
	const atReadyGc = await child.probe({ gc: true });
	step(`${SUBJECT_NAMES[subject]}: ready after ${duration(child.readyAfterMs)}, ${mebibytes(atReady.rss)} resident; playing ${MINUTES} minute(s) of activity`);

	const timeline: SubjectRun['timeline'] = [];
	const activityMs = MINUTES * 60_000;
	const cpuBefore = (await child.probe()).cpuUs;
	const started = performance.now();
	// Events are due evenly over the activity: every process gets exactly the same events, whatever its timing.
	let voicePlayed = 0;
	let chatPlayed = 0;
	let nextSample = 60_000;
	for (let elapsed = 0; elapsed < activityMs; elapsed = performance.now() - started) {
		const target = Math.min(activityMs, elapsed + TICK_MS);
		const voiceDue = Math.floor((VOICE_EVENTS * target) / 1_000);
		const chatDue = Math.floor((MESSAGES * target) / 1_000);
		world.playVoice(voiceDue - voicePlayed);
		world.playChat(chatDue - chatPlayed);
		voicePlayed = voiceDue;
		chatPlayed = chatDue;
		if (elapsed >= nextSample) {
			const probe = await child.probe();
			timeline.push({ atMs: elapsed, rss: probe.rss, heapUsed: probe.heapUsed });
			step(`${SUBJECT_NAMES[subject]}: ${duration(elapsed)} into the activity, ${mebibytes(probe.rss)} resident`);
			nextSample += 60_000;
		}
		await sleep(Math.max(0, started + target - performance.now()));
	}

	// Every voice state update reached the process once its cached voice states match the world's members in voice.
	let settled = false;
	for (const settleStarted = performance.now(); performance.now() - settleStarted < SETTLE_TIMEOUT_MS; await sleep(250)) {
		if ((await child.probe()).caches.voiceStates === world.inVoice) {
			settled = true;
			break;
		}
	}
	const beforeGc = await child.probe();
	const activityEnded = performance.now();
	const after = await child.probe({ gc: true });
	step(`${SUBJECT_NAMES[subject]}: stopping (SIGTERM)`);
	const stopped = await child.stop();
	cleanups.remove(childStep);
	const emulatorFailures = emu.failures.map((failure) => String((failure as { message?: string }).message ?? failure));
	for (const ownStep of ownCleanups.reverse()) {
		cleanups.remove(ownStep);
		await ownStep.run();
	}
	cleanups.remove(emulatorStep);
	await emu.stop();
	return {
		subject,
		readyAfterMs: child.readyAfterMs,
		atReady,
		atReadyGc,
		timeline,
		after,
		settled,
		nodeFlags,
		env,
		activityCpuSeconds: (beforeGc.cpuUs - cpuBefore) / 1e6,
		activityMs: activityEnded - started,
		inVoiceAtEnd: world.inVoice,
		everInVoice: world.everInVoice,
		played: { ...world.played },
		worldMs,
		stopped,
		emulatorFailures,
		world: { channels: world.channels, roles: world.roles, inVoiceAtStart, smallest: world.smallestGuild, largest: world.largestGuild }
	};
}

function cachesText(caches: CacheCounts): string {
	return `${count(caches.members)} members, ${count(caches.users)} users, ${count(caches.voiceStates)} voice states (+${count(caches.staleVoiceStates)} left), ${count(caches.messages)} messages`;
}

async function main(): Promise<void> {
	const startedAt = new Date();
	const loadAtStart = os.loadavg()[0] ?? 0;
	let botModule: string | null = null;
	if (!FROM_SOURCE) {
		step('build: tsup into a temporary folder (as npm run build)');
		const build = await buildBot();
		cleanups.push({ what: 'build folder', run: () => build.remove() });
		botModule = build.botModule;
		step(`build: done in ${duration(build.buildMs)}`);
	}
	const runs: SubjectRun[] = [];
	for (const subject of ['bot', ...COMPARE] as Subject[]) runs.push(await measure(subject, botModule));
	const [bot] = runs as [SubjectRun, ...SubjectRun[]];
	const baselines = runs.slice(1);

	out();
	out(`Memory benchmark · ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · Node ${process.version} · ${os.cpus().length} CPUs · load ${loadAtStart.toFixed(1)} at start`);
	out();
	out(
		`World (Discord emulator, built in ${duration(bot.worldMs)} for each process): ${count(GUILDS)} guilds on ${SHARDS} shard(s), ${count(MEMBERS)} members ` +
			`(${count(bot.world.smallest)}–${count(bot.world.largest)} per guild), ${count(bot.world.inVoiceAtStart)} in voice at the start; ${count(bot.world.channels)} channels, ${count(bot.world.roles)} roles`
	);
	const played = bot.played;
	out(
		`Activity after ready: ${MINUTES} min, ${VOICE_EVENTS} voice events/s${MESSAGES ? `, ${MESSAGES} messages/s` : ''}; played for each process: ${count(played.joins)} joins, ${count(played.leaves)} leaves, ` +
			`${count(played.moves)} moves, ${count(played.mutes)} mutes${MESSAGES ? `, ${count(played.messages)} messages` : ''}; ${count(bot.inVoiceAtEnd)} in voice at the end, ${count(bot.everInVoice)} members were in voice at some point`
	);
	const flags = (run: SubjectRun) => (run.nodeFlags.length ? run.nodeFlags.join(' ') : 'none');
	const envText = (run: SubjectRun) => (Object.keys(run.env).length ? Object.entries(run.env).map(([name, value]) => `${name}=${value}`).join(' ') : 'none');
	out(
		`The bot: ${FROM_SOURCE ? 'from src/ under tsx' : 'built with tsup, run by Node (as npm start)'}, Node flags: ${flags(bot)}${args['bot-node-flags'] === undefined ? " (npm start's)" : ''}, ` +
			`environment: ${envText(bot)}${args['bot-env'] === undefined ? " (the Dockerfile's)" : ''}, allocator: ${bot.atReady.resident?.allocator ?? '?'}; ` +
			`the bare client: discord.js ${discordJsVersion()}, the bot's intents, default caches, Node flags: none, environment: none.`
	);
	out();

	const columns = runs.map((run) => SUBJECT_NAMES[run.subject]);
	const ratioColumns = baselines.map((run) => `bot / ${SUBJECT_NAMES[run.subject]}`);
	const row = (label: string, value: (run: SubjectRun) => number, format: (value: number) => string) => [
		label,
		...runs.map((run) => format(value(run))),
		...baselines.map((run) => times(value(bot) / value(run)))
	];
	const minutes = `${MINUTES} min of activity`;
	for (const line of table([
		['', ...columns, ...ratioColumns],
		row('time from start to ready', (run) => run.readyAfterMs, duration),
		row('resident memory at ready', (run) => run.atReady.rss, mebibytes),
		row('  heap used at ready', (run) => run.atReady.heapUsed, mebibytes),
		row('resident at ready, after a full GC', (run) => run.atReadyGc.rss, mebibytes),
		row('  heap used after a full GC', (run) => run.atReadyGc.heapUsed, mebibytes),
		row(`resident after ${minutes}, after a full GC`, (run) => run.after.rss, mebibytes),
		row('  heap used after a full GC', (run) => run.after.heapUsed, mebibytes),
		row('peak resident memory over the run', (run) => run.after.peakRss ?? Number.NaN, mebibytes),
		...(MINUTES > 0 ? [row('CPU during the activity (share of one core)', (run) => run.activityCpuSeconds / (run.activityMs / 1_000), (share) => `${(100 * share).toFixed(1)}%`)] : [])
	])) {
		out(line);
	}
	out('  resident: RSS (process.memoryUsage); heap used: V8 heap in use; peak: VmHWM; ratios of the bot to each baseline');
	out();
	out('What discord.js holds (summed over the guilds)');
	for (const line of table([
		['', 'at ready', `after ${minutes}`],
		...runs.map((run) => [SUBJECT_NAMES[run.subject], cachesText(run.atReady.caches), cachesText(run.after.caches)])
	])) {
		out(line);
	}
	if (bot.after.voiceSessions !== null) out(`  the bot's voice XP tracker follows ${count(bot.after.voiceSessions)} member(s) in voice at the end (the world: ${count(bot.inVoiceAtEnd)})`);
	if (runs.some((run) => run.timeline.length)) {
		out();
		out('Resident memory during the activity (no GC), each minute');
		for (const line of table([
			['', ...bot.timeline.map((sample) => `${Math.round(sample.atMs / 60_000)} min`)],
			...runs.map((run) => [SUBJECT_NAMES[run.subject], ...run.timeline.map((sample) => mebibytes(sample.rss))])
		])) {
			out(line);
		}
	}
	out();
	for (const line of residentLines(runs, minutes)) out(line);
	for (const run of runs) {
		const notes = [
			...(run.settled ? [] : [`its cached voice states did not match the world's ${count(run.inVoiceAtEnd)} members in voice within ${duration(SETTLE_TIMEOUT_MS)}`]),
			...(run.emulatorFailures.length ? [`emulator failures: ${run.emulatorFailures.slice(0, 3).join('; ')}`] : []),
			...(run.stopped.code === 0 ? [] : [`stopped with exit ${run.stopped.code ?? run.stopped.signal}`]),
			...(run.env.LD_PRELOAD?.includes('jemalloc') && run.atReady.resident?.allocator !== 'jemalloc'
				? [`LD_PRELOAD=${run.env.LD_PRELOAD} did not load (not installed here? Debian: apt-get install libjemalloc2): glibc's malloc measured`]
				: [])
		];
		if (notes.length) out(`  NOTE (${SUBJECT_NAMES[run.subject]}): ${notes.join('; ')}`);
	}
	out();
	const target = TARGETS.find((candidate) => candidate.guilds === GUILDS && candidate.members === MEMBERS);
	out('Targets (printed, not asserted): issue 12, "Memory at scale"');
	if (!target) {
		out(`  the goals are set for ${TARGETS.map((candidate) => `${count(candidate.guilds)} guilds / ${count(candidate.members)} members`).join(' and ')}; none at this scale`);
	} else {
		for (const line of table([
			['', 'measured', 'target', ''],
			['bot: resident memory at ready', mebibytes(bot.atReady.rss), `≤ ${mebibytes(target.rssBytes)}`, pass(bot.atReady.rss <= target.rssBytes)],
			[`bot: resident after ${minutes} (after a full GC)`, mebibytes(bot.after.rss), `≤ ${mebibytes(target.rssBytes)}`, pass(bot.after.rss <= target.rssBytes)]
		])) {
			out(line);
		}
	}
	out();
}

/**
 * Where each process's resident memory is, after a full GC at ready and at the end (from /proc/<pid>/smaps and V8's
 * heap spaces, see {@link ResidentBreakdown}); none where smaps could not be read.
 */
function residentLines(runs: readonly SubjectRun[], minutes: string): string[] {
	const probes = runs.flatMap((run) => [
		{ label: `${SUBJECT_NAMES[run.subject]}, ready`, probe: run.atReadyGc },
		{ label: `${SUBJECT_NAMES[run.subject]}, ${minutes}`, probe: run.after }
	]);
	if (probes.some(({ probe }) => probe.resident === null)) return [];
	const sum = (probe: MemoryProbe, field: 'committed' | 'used' | 'physical', names?: readonly string[]) =>
		probe.heapSpaces.filter((space) => !names || names.includes(space.name)).reduce((total, space) => total + space[field], 0);
	const r = (probe: MemoryProbe) => probe.resident!;
	const row = (label: string, value: (probe: MemoryProbe) => string) => [label, ...probes.map(({ probe }) => value(probe))];
	const mib = (value: (probe: MemoryProbe) => number) => (probe: MemoryProbe) => mebibytes(value(probe));
	const spaceNames = [...new Set(probes.flatMap(({ probe }) => probe.heapSpaces.map((space) => space.name)))];
	const lines = ['Where the resident memory is, after a full GC (/proc/<pid>/smaps; V8: v8.getHeapSpaceStatistics())'];
	lines.push(
		...table([
			['', ...probes.map(({ label }) => label)],
			row('resident (smaps)', mib((probe) => r(probe).rss)),
			row('  file-backed (node binary, libraries)', mib((probe) => r(probe).file)),
			row('  anonymous', mib((probe) => r(probe).anonymous)),
			row('    V8 heap: resident pages', mib((probe) => sum(probe, 'physical'))),
			row('      of which in use', mib((probe) => sum(probe, 'used'))),
			row('    malloc main arena ([heap])', mib((probe) => r(probe).mallocMainArena)),
			row('    malloc thread arenas', (probe) => `${mebibytes(r(probe).mallocThreadArenas)} (${r(probe).mallocThreadArenaCount})`),
			row('    other anonymous, outside V8 heap', mib((probe) => r(probe).otherAnonymous + r(probe).stacks - sum(probe, 'physical'))),
			row('      its largest mappings, resident of mapped', (probe) => r(probe).largestOther.map((m) => `${(m.rss / 1_048_576).toFixed(1)}/${(m.size / 1_048_576).toFixed(1)}`).join(' ')),
			row('    of which lazily freed (MADV_FREE)', mib((probe) => r(probe).lazyFree)),
			row('  threads', (probe) => count(r(probe).threads)),
			row('external memory (ArrayBuffers) of V8', (probe) => `${mebibytes(probe.external)} (${mebibytes(probe.arrayBuffers)})`),
			row('V8 heap committed (heapTotal)', mib((probe) => sum(probe, 'committed'))),
			...spaceNames.map((name) =>
				row(`  ${name}: committed / used`, (probe) => {
					const space = probe.heapSpaces.find((candidate) => candidate.name === name);
					return space ? `${(space.committed / 1_048_576).toFixed(1)} / ${(space.used / 1_048_576).toFixed(1)}` : '—';
				})
			)
		])
	);
	lines.push('  thread arenas: glibc malloc, 64 MiB-aligned mappings (none with jemalloc); other anonymous: thread stacks, V8 code');
	lines.push('  and metadata outside its spaces, large blocks mapped on their own (zlib, buffers), another allocator\'s memory');
	return lines;
}

function discordJsVersion(): string {
	try {
		return (JSON.parse(readFileSync(`${projectRoot}/node_modules/discord.js/package.json`, 'utf8')) as { version: string }).version;
	} catch {
		return '?';
	}
}

await runBenchmark(main, cleanups, { beforeCleanUp: () => step('cleanup: processes, databases, Redis keys, emulator, build folder') });
