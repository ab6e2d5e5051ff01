/**
 * `npm run demo`: the voice XP plugin end to end, in under a minute of real time.
 *
 * Starts the local Discord emulator (emulator/) with a small sample guild, starts the real bot in this process
 * against it (the core's `startBot`: a fresh PostgreSQL database, a Redis key prefix of its own, migrations, and a
 * ManualClock), then plays a scripted scenario in simulated minutes: members join and leave voice, one mutes, one sits
 * alone, one is in the AFK channel, tier roles are earned, and members and an admin use `/rank`, `/leaderboard`,
 * `/xp add` and `/xp tiers`. It prints a transcript of what happened, what the bot answered (replies rendered as plain
 * text), what it did on its own (roles given and taken, messages posted, from the emulator's recorder) and its
 * level-up log lines. The bot's full log goes to a file.
 *
 * The demo checks what it narrates (the tier roles really are on the members in the emulator's world, every command
 * is answered, the bot sent nothing Discord would refuse); it exits 0 when all holds, 1 with the error otherwise, and
 * always cleans up: bot stopped, database dropped, Redis keys deleted, emulator stopped.
 *
 * Run: `npm run demo` (Node 24, with tsx so the bot's .ts pieces load). Environment: `DEMO_DATABASE_URL` (any
 * database URL of the PostgreSQL server to use, default postgres://postgres@127.0.0.1:5432/postgres) and
 * `DEMO_REDIS_URL` (default redis://127.0.0.1:6379). `--help` prints the usage (exit 0); any option or argument other
 * than that prints the problem and the usage (exit 2).
 */
import { parseArgs } from 'node:util';
import { ManualClock } from '../src/lib/clock.js';
import { DEFAULT_FAILING_KINDS, DiscordEmulator } from '@hearth/discord-emulator';
import { startDemoBot, type DemoBot } from './lib/demoBot.js';
import { createSampleGuild, MEMBER_NAMES, type SampleGuild } from './lib/sampleGuild.js';
import { DemoCheckError, DemoSteps, MINUTE_MS, sameMembers, type ChannelKey } from './lib/steps.js';
import { Transcript } from './lib/transcript.js';

/** Real-time limit of the whole demo; past it the demo fails (and still cleans up). */
const DEMO_TIME_LIMIT_MS = 60_000;

/** The demo was stopped from outside (Ctrl-C, SIGTERM) or ran out of time: reported without a stack trace. */
class DemoStopped extends Error {}

/** Real milliseconds a stopped scenario may take to reach its next step before clean-up starts anyway. */
const ABORT_GRACE_MS = 15_000;

/** The scenario itself: each step prints itself; checks throw when the bot did not do what is narrated. */
async function playScenario(demo: DemoSteps, t: Transcript): Promise<void> {
	t.heading('1. An admin sets up the tiers and level-up announcements');
	await demo.command('morgan', 'xp tiers add', { role: demo.roleId('regular'), minutes: 10 });
	await demo.command('morgan', 'xp tiers add', { role: demo.roleId('veteran'), minutes: 30 });
	await demo.command('morgan', 'xp config announcements', { mode: 'channel', channel: demo.channelId('levelUps') });
	await demo.command('morgan', 'xp tiers list');

	t.heading('2. Members join voice');
	await demo.join('ada', 'lounge');
	await demo.join('ben', 'lounge');
	await demo.join('dmitri', 'lounge', { selfMute: true });
	await demo.join('cleo', 'gaming');
	await demo.join('eve', 'afk');
	await demo.command('cleo', 'rank');

	t.heading('3. Time passes; dmitri unmutes');
	await demo.pass(5);
	await demo.command('dmitri', 'rank');
	await demo.selfMute('dmitri', false);
	await demo.pass(7);
	demo.check('ada and ben (12 min in voice together) hold @Regular in the emulator', demo.holds('ada', 'regular') && demo.holds('ben', 'regular'));
	demo.check(
		'dmitri (muted 5 of 12 min), cleo (alone) and eve (AFK) hold no tier role',
		!(['dmitri', 'cleo', 'eve'] as const).some((name) => demo.holds(name, 'regular') || demo.holds(name, 'veteran'))
	);

	t.heading('4. cleo stops sitting alone; ben leaves');
	await demo.move('cleo', 'lounge');
	await demo.pass(8);
	demo.check('the bot announced the level-ups of ada and ben (level 1 at 100 XP) in #level-ups', sameMembers(demo.announcedLevelUps(), ['ada', 'ben']));
	await demo.leave('ben');
	await demo.command('ada', 'rank');
	await demo.pass(12);
	demo.check('ada (32 min) was promoted to @Veteran and lost @Regular', demo.holds('ada', 'veteran') && !demo.holds('ada', 'regular'));
	demo.check('cleo (20 min) and dmitri (27 min) now hold @Regular', demo.holds('cleo', 'regular') && demo.holds('dmitri', 'regular'));
	await demo.command('eve', 'leaderboard');

	t.heading('5. The admin adjusts XP');
	await demo.command('morgan', 'xp add', { user: demo.userId('eve'), amount: 300 });
	await demo.command('morgan', 'xp add', { user: demo.userId('ben'), amount: -50 });
	await demo.command('ben', 'xp add', { user: demo.userId('ben'), amount: 1000 }, { permissionOverride: true });
	await demo.command('morgan', 'rank', { user: demo.userId('ben') });
	await demo.command('morgan', 'leaderboard');

	t.heading('6. Everyone leaves');
	for (const name of ['ada', 'cleo', 'dmitri', 'eve'] as const) await demo.leave(name);
	await demo.pass(1);

	t.heading('7. What the bot stored, and the roles members hold');
	await demo.checkStored({
		ada: { minutes: 32 },
		ben: { minutes: 20, addedXp: -50 },
		cleo: { minutes: 20 },
		dmitri: { minutes: 27 },
		eve: { minutes: 0, addedXp: 300 }
	});
	t.note(`Tier roles in the emulator's world: ${demo.tierRolesLine()}`);
	demo.check(
		'level-ups announced in #level-ups: ada, ben, cleo, dmitri (eve’s level 2 came from /xp add, which does not announce)',
		sameMembers(demo.announcedLevelUps(), ['ada', 'ben', 'cleo', 'dmitri'])
	);
}

/** The setup lines of the transcript: the emulator, the sample guild, its channels and the role order. */
function describeSetup(emu: DiscordEmulator, sample: SampleGuild, t: Transcript): void {
	const { guild } = sample;
	const voice = (key: ChannelKey) => `🔊 ${sample.channels[key].name ?? key}`;
	const role = (id: string) => {
		const found = guild.role(id)!;
		return `@${found.name} (${found.position})`;
	};
	t.note('Times in [brackets] are simulated: the bot runs on a ManualClock that the demo moves forward.');
	t.note('"earning now" and "flush" lines show the plugin\'s own state (its live sessions and flush report); the rest is');
	t.note('what members would see on Discord (replies, roles, messages, from the emulator) and the bot\'s log.');
	t.note(`emulator: ${emu.restUrl} (REST v10) and ${emu.gatewayUrl}`);
	t.note(`guild "${guild.name}": admin morgan (Manage Server); members ${MEMBER_NAMES.join(', ')}`);
	t.note(`channels: #general, #level-ups, ${voice('lounge')}, ${voice('gaming')}, ${voice('afk')} (the guild's AFK channel)`);
	t.note(
		`roles by position: ${role(guild.botRoleId)} is the bot's; the tier roles ${role(sample.roles.veteran.id)} and ` +
			`${role(sample.roles.regular.id)} sit below it, so the bot may give them`
	);
}

async function main(): Promise<void> {
	const realStart = Date.now();
	// The bot's clock starts on a whole minute, so each simulated minute crosses the plugin's flush grid.
	const clock = new ManualClock(Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS);
	const t = new Transcript(clock, clock.now());
	t.write('Voice XP demo: the real bot against the local Discord emulator');
	t.write('═'.repeat(64));

	let emu: DiscordEmulator | null = null;
	let bot: DemoBot | null = null;
	let failure: unknown = null;
	// Ctrl-C, the time limit or an error outside the scenario's own flow stop the scenario at its next step (it then
	// cleans up as after any failure); a step stuck longer than ABORT_GRACE_MS is not waited for.
	const abort = new AbortController();
	const stop = (reason: unknown) => {
		failure ??= reason;
		abort.abort(reason);
		setTimeout(() => void shutdown(), ABORT_GRACE_MS).unref();
	};
	const watchdog = setTimeout(() => stop(new DemoStopped(`The demo took longer than ${DEMO_TIME_LIMIT_MS / 1000} s of real time`)), DEMO_TIME_LIMIT_MS);
	const onSignal = (signal: NodeJS.Signals) => stop(new DemoStopped(`Interrupted (${signal})`));
	const onAsyncError = (error: unknown) => stop(error);
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	process.on('unhandledRejection', onAsyncError);
	process.on('uncaughtException', onAsyncError);

	let shuttingDown: Promise<void> | null = null;
	async function shutdown(): Promise<void> {
		shuttingDown ??= (async () => {
			clearTimeout(watchdog);
			t.heading('Clean-up');
			if (bot) {
				try {
					const { redisKeysDeleted } = await bot.cleanup();
					const redis =
						redisKeysDeleted === null ? 'Redis unreachable, nothing to delete there' : `${redisKeysDeleted} Redis keys (${bot.redisPrefix}*, its task queue) deleted`;
					t.note(`bot stopped, database ${bot.databaseName} dropped, ${redis}`);
				} catch (error) {
					failure ??= error;
					t.note(`clean-up of the bot failed: ${String(error)}`);
				}
			}
			if (emu) {
				await emu.stop().catch(() => undefined);
				t.note('emulator stopped');
			}
			if (bot) t.note(`bot log (${bot.log.lines.length} lines): ${bot.log.path}`);
			const seconds = ((Date.now() - realStart) / 1000).toFixed(1);
			if (failure) {
				for (const problem of emu?.failures ?? []) t.note(`emulator recorded: [${problem.kind}] ${problem.message}`);
				const quiet = failure instanceof DemoCheckError || failure instanceof DemoStopped;
				const text = failure instanceof Error ? (quiet ? failure.message : (failure.stack ?? failure.message)) : String(failure);
				process.stderr.write(`\nDemo FAILED after ${seconds} s: ${text}\n`);
				process.exit(1);
			}
			t.write();
			t.write(`Demo finished in ${seconds} s of real time.`);
			process.exit(0);
		})();
		return shuttingDown;
	}

	try {
		t.heading('Setup');
		emu = await DiscordEmulator.start();
		abort.signal.throwIfAborted();
		const sample = createSampleGuild(emu);
		describeSetup(emu, sample, t);
		bot = await startDemoBot({ emulator: emu, clock });
		abort.signal.throwIfAborted();
		t.note(`bot ready in ${(bot.readyInMs / 1000).toFixed(1)} s (database ${bot.databaseName}, Redis prefix ${bot.redisPrefix}); its log: ${bot.log.path}`);
		const registered = emu.commands.global().map((command) => `/${command.name}`);
		t.note(`commands registered: ${registered.join(' ')}`);

		const demo = new DemoSteps(emu, bot, sample, clock, t, abort.signal);
		await playScenario(demo, t);

		t.heading('Result');
		emu.assertNoFailures({ kinds: [...DEFAULT_FAILING_KINDS, 'missing-permissions'] });
		t.note(`✔ the emulator recorded no request Discord would refuse; ${demo.checks} checks held`);
	} catch (error) {
		failure ??= error;
	}
	await shutdown();
}

const USAGE = 'usage: npm run demo [-- --help]   (environment: DEMO_DATABASE_URL, DEMO_REDIS_URL)';
try {
	if (parseArgs({ options: { help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values.help) {
		console.log(USAGE);
		process.exit(0);
	}
} catch (error) {
	console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
	process.exit(2);
}
await main();
