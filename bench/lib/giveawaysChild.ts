/**
 * The giveaways benchmark's extension of the bot's child process (loaded by ./botChildMain.ts through the launch's
 * `extensions`, see ./botProcess.ts). Everything here acts through the bot's own service, store and database pool:
 *
 * - `giveaways.start`: turns the plugin on in the guild and starts a giveaway with the service's `start` (its message
 *   posted with the Enter button, its end scheduled), no requirement, no bonus, no claim time.
 * - `giveaways.bulkInsert`: the setup of the 100,000 entrants: rows written straight into `giveaway_entry` with
 *   batched `insert ... select unnest(...)` statements on the bot's pool (what an Enter click stores: giveaway,
 *   user, weight, time), then `analyze giveaway_entry` as autovacuum would after such a load. Not a measurement.
 * - `giveaways.measure` / `giveaways.measured`: around the burst, this process's CPU, how late its event loop ran, the
 *   pool's queue, and the PostgreSQL round trips by statement with their time (query sent → rows parsed: every
 *   `query()` of a pooled `pg` client is timed, where ./roundTrips.ts counts them). With `trace`, each Enter click's
 *   way through this process, timestamped (`giveaways.traces`): the raw INTERACTION_CREATE (discord.js `Events.Raw`),
 *   the start and end of the Enter handler's `run` (its end: the reply's HTTP callback returned), and inside it the
 *   service's `enter` and the task queue's `schedule` (the refresh job). The handler's `run`, the service's `enter`
 *   and the queue's `schedule` are wrapped on their instances for this (timestamps only; an AsyncLocalStorage
 *   carries the click).
 * - `giveaways.entering`: how many calls of the service's `enter` are running now (clicks still being entered).
 * - `giveaways.refreshState`: the state of the giveaway's pending message refresh (the keyed `giveawayRefresh` job).
 * - `giveaways.check`: the stored entries: count, distinct users, and how many of the given users are in.
 * - `giveaways.draw`: the draw over the stored entries, timed piece by piece (read from PostgreSQL, `drawWinners`,
 *   `entriesHash`, the draw record as the announcement builds it), then the service's whole `end` (early, as
 *   `/giveaway end` does: the locked read, the draw, the update, the announcement with the record attached, the
 *   message edit).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Events, type ButtonInteraction } from 'discord.js';
import { drawWinners, entriesHash } from '../../src/plugins/giveaways/lib/draw.js';
import { REFRESH_TASK, refreshKey } from '../../src/plugins/giveaways/service/GiveawayService.js';
import * as store from '../../src/plugins/giveaways/service/store.js';
import type { BotChildApi } from './botProcess.js';

/** `giveaways.start`. */
export interface StartRequest {
	guildId: string;
	channelId: string;
	hostId: string;
	prize: string;
	winners: number;
	durationMs: number;
}

/** What `giveaways.start` answers. */
export interface StartedGiveaway {
	id: number;
	number: number;
	messageId: string;
	secret: string;
}

/** `giveaways.bulkInsert`: user ids and weights, in the same order. */
export interface BulkInsertRequest {
	giveawayId: number;
	userIds: string[];
	weights: number[];
}

/** What the bot's process did during a measured stretch. */
export interface MeasuredStretch {
	/** CPU of the bot's process, µs (user + system). */
	cpuUs: number;
	/** PostgreSQL round trips of the bot's pool, and their summed time (query sent → rows parsed). */
	roundTrips: number;
	roundTripMs: number;
	/** The same by statement (its first words, e.g. `insert into giveaway_entry`): count, summed and longest time, ms. */
	statements: { statement: string; count: number; totalMs: number; maxMs: number }[];
	/** The most requests the pool had waiting for a free connection (pg `Pool.waitingCount`, sampled every 10 ms), and its size. */
	poolWaitingMax: number;
	poolSize: number;
	/** How late a 1-ms timer ran, ms: p50, p99 and max. */
	loopDelayP50: number;
	loopDelayP99: number;
	loopDelayMax: number;
}

/** One Enter click's way through the bot's process: wall-clock ms (performance.timeOrigin + performance.now()). */
export interface ClickTrace {
	interactionId: string;
	/** The raw INTERACTION_CREATE (discord.js `Events.Raw`, the frame parsed). */
	rawAt: number;
	/** The Enter handler's `run` called (after discord.js built the interaction and Sapphire routed it), and returned (the reply sent and answered). */
	runStart: number | null;
	runEnd: number | null;
	/** The service's `enter` (the giveaway read, the entry check and insert, the refresh scheduled). */
	enterStart: number | null;
	enterEnd: number | null;
	/** Milliseconds in the task queue's `schedule` within `enter` (the keyed refresh job in Redis). */
	scheduleMs: number;
}

/** What `giveaways.check` answers. */
export interface StoredEntries {
	entries: number;
	distinctUsers: number;
	/** Of the user ids asked about, how many have an entry. */
	found: number;
}

/** What `giveaways.draw` answers; times in ms. */
export interface DrawMeasurement {
	entries: number;
	/** `store.allEntries` (select user_id, weight of the giveaway's 100,000 rows), each run. */
	readMs: number[];
	/** `drawWinners` over the entries read, each run (round 0, the giveaway's winner count). */
	drawMs: number[];
	/** `entriesHash` (canonical list and its SHA-256), as the end computes it. */
	hashMs: number;
	/** `service.entries` (the read, then sorted by user id as BigInt), what the draw record starts from. */
	sortedEntriesMs: number;
	/** `service.drawRecord` after the end plus JSON.stringify as the announcement attaches it. */
	recordMs: number;
	recordBytes: number;
	/** The service's whole `end(guildId, number, early = true)`, and its error when it threw (e.g. the announcement's upload refused). */
	endMs: number;
	endError: string | null;
	/** The giveaway's status afterwards, and whether its end was announced. */
	status: string;
	announced: boolean;
	/** The winners recorded (what `end` returned, or round 0 as stored when it threw), and whether they are those of `drawWinners` over the same entries. */
	winners: string[];
	sameWinners: boolean;
	/** Entries `end` counted (null when it threw). */
	endEntries: number | null;
}

/** A delay of `monitorEventLoopDelay` (ns, its 1-ms period included) as lateness in ms. */
const late = (nanoseconds: number) => Math.max(0, nanoseconds / 1e6 - 1);

/** Rows per insert statement of the setup. */
const INSERT_BATCH = 10_000;

/** Installs the calls (see the module's comment) in the bot's process. */
export async function install(api: BotChildApi): Promise<void> {
	const { bot } = api;
	const service = () => bot.pluginHost.service('giveaways');
	const orm = bot.container.orm;
	const pool = (await orm.em.getConnection().getNativeClient()) as unknown as {
		query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
		waitingCount: number;
		options: { max?: number };
	};
	let poolWaitingMax = 0;
	setInterval(() => {
		poolWaitingMax = Math.max(poolWaitingMax, pool.waitingCount);
	}, 10).unref();
	// Every query() of a pooled pg client, timed by statement (a client is wrapped on its first checkout).
	const statements = new Map<string, { statement: string; count: number; totalMs: number; maxMs: number }>();
	const wrapped = new WeakSet<object>();
	const statementOf = (sql: string) => {
		const words = sql.replace(/\s+/g, ' ').trim().toLowerCase().split(' ');
		if (words[0] === 'select' || words[0] === 'delete') {
			const from = words.indexOf('from');
			return `${words.slice(0, Math.min(from, 3)).join(' ')}${from > 3 ? ' …' : ''} from ${words[from + 1] ?? '?'}`;
		}
		if (words[0] === 'insert') return words.slice(0, 3).join(' ');
		if (words[0] === 'update') return words.slice(0, 2).join(' ');
		return words[0] ?? '?';
	};
	(pool as unknown as { on(event: 'acquire', listener: (client: { query: (...args: unknown[]) => unknown }) => void): void }).on('acquire', (client) => {
		if (wrapped.has(client)) return;
		wrapped.add(client);
		const original = client.query.bind(client);
		client.query = (...args: unknown[]) => {
			const first = args[0];
			const sql = typeof first === 'string' ? first : String((first as { text?: unknown } | undefined)?.text ?? '');
			const started = performance.now();
			const result = original(...args);
			if (result instanceof Promise) {
				const done = () => {
					const elapsed = performance.now() - started;
					const key = statementOf(sql);
					const entry = statements.get(key) ?? { statement: key, count: 0, totalMs: 0, maxMs: 0 };
					entry.count++;
					entry.totalMs += elapsed;
					entry.maxMs = Math.max(entry.maxMs, elapsed);
					statements.set(key, entry);
				};
				result.then(done, done);
			}
			return result;
		};
	});
	const loopDelay = monitorEventLoopDelay({ resolution: 1 });
	loopDelay.enable();
	let cpuAtStart = process.cpuUsage();

	// Tracing of the Enter clicks (see the module's comment).
	const wall = () => performance.timeOrigin + performance.now();
	const traces = new Map<string, ClickTrace>();
	let tracing = false;
	const current = new AsyncLocalStorage<ClickTrace>();
	bot.client.on(Events.Raw, (...rawArgs: unknown[]) => {
		const packet = rawArgs[0] as { t?: string; d?: { id?: string } };
		if (tracing && packet.t === 'INTERACTION_CREATE' && packet.d?.id) {
			traces.set(packet.d.id, { interactionId: packet.d.id, rawAt: wall(), runStart: null, runEnd: null, enterStart: null, enterEnd: null, scheduleMs: 0 });
		}
	});
	const handler = bot.container.stores.get('interaction-handlers').get('giveawayEnterButton') as unknown as
		| { run: (interaction: ButtonInteraction, data: unknown) => Promise<unknown> }
		| undefined;
	if (!handler) throw new Error('the giveaways Enter button handler (giveawayEnterButton) is not loaded');
	const run = handler.run.bind(handler);
	handler.run = (interaction, data) => {
		const trace = traces.get(interaction.id);
		if (!trace) return run(interaction, data);
		trace.runStart = wall();
		return current.run(trace, async () => {
			try {
				return await run(interaction, data);
			} finally {
				trace.runEnd = wall();
			}
		});
	};
	const giveawayService = service();
	const enter = giveawayService.enter.bind(giveawayService);
	let entering = 0;
	giveawayService.enter = async (...enterArgs) => {
		const trace = current.getStore();
		entering++;
		if (trace) trace.enterStart = wall();
		try {
			return await enter(...enterArgs);
		} finally {
			entering--;
			if (trace) trace.enterEnd = wall();
		}
	};
	const queue = bot.taskQueue as unknown as { schedule: (task: string, options: unknown) => Promise<unknown> };
	const schedule = queue.schedule.bind(queue);
	queue.schedule = async (task, options) => {
		const trace = current.getStore();
		const started = performance.now();
		try {
			return await schedule(task, options);
		} finally {
			if (trace) trace.scheduleMs += performance.now() - started;
		}
	};

	api.answer('giveaways.start', async (payload) => {
		const request = payload as StartRequest;
		await bot.settings.setPluginEnabled(request.guildId, 'giveaways', true);
		const record = await service().start(request.guildId, {
			channelId: request.channelId,
			hostId: request.hostId,
			prize: request.prize,
			description: null,
			winnerCount: request.winners,
			durationMs: request.durationMs,
			requirements: { requiredRoleIds: [], requireAllRoles: false, forbiddenRoleIds: [], minVoiceLevel: null, minAccountAgeSeconds: 0, minMemberAgeSeconds: 0 },
			bonus: [],
			claimSeconds: null
		});
		return { id: record.id, number: record.number, messageId: record.messageId!, secret: record.secret } satisfies StartedGiveaway;
	});

	api.answer('giveaways.bulkInsert', async (payload) => {
		const { giveawayId, userIds, weights } = payload as BulkInsertRequest;
		let inserted = 0;
		for (let offset = 0; offset < userIds.length; offset += INSERT_BATCH) {
			const result = await pool.query(
				'insert into giveaway_entry (giveaway_id, user_id, weight, created_at) select $1, unnest($2::varchar[]), unnest($3::smallint[]), now() on conflict do nothing',
				[giveawayId, userIds.slice(offset, offset + INSERT_BATCH), weights.slice(offset, offset + INSERT_BATCH)]
			);
			inserted += result.rowCount ?? 0;
		}
		await pool.query('analyze giveaway_entry');
		return inserted;
	});

	api.answer('giveaways.measure', (payload) => {
		tracing = (payload as { trace?: boolean } | undefined)?.trace ?? false;
		traces.clear();
		statements.clear();
		poolWaitingMax = 0;
		loopDelay.reset();
		cpuAtStart = process.cpuUsage();
		return null;
	});

	api.answer('giveaways.measured', () => {
		const cpu = process.cpuUsage(cpuAtStart);
		return {
			cpuUs: cpu.user + cpu.system,
			roundTrips: [...statements.values()].reduce((sum, entry) => sum + entry.count, 0),
			roundTripMs: [...statements.values()].reduce((sum, entry) => sum + entry.totalMs, 0),
			statements: [...statements.values()].sort((a, b) => b.count - a.count),
			poolWaitingMax,
			poolSize: pool.options.max ?? 10,
			loopDelayP50: late(loopDelay.percentile(50)),
			loopDelayP99: late(loopDelay.percentile(99)),
			loopDelayMax: late(loopDelay.max)
		} satisfies MeasuredStretch;
	});

	api.answer('giveaways.entering', () => entering);

	api.answer('giveaways.traces', () => {
		tracing = false;
		const list = [...traces.values()];
		traces.clear();
		return list;
	});

	api.answer('giveaways.refreshState', async (payload) => {
		const { guildId, giveawayId } = payload as { guildId: string; giveawayId: number };
		return bot.taskQueue.stateOf(REFRESH_TASK, guildId, refreshKey(giveawayId));
	});

	api.answer('giveaways.check', async (payload) => {
		const { giveawayId, userIds } = payload as { giveawayId: number; userIds: string[] };
		const totals = await pool.query('select count(*)::int as entries, count(distinct user_id)::int as users from giveaway_entry where giveaway_id = $1', [giveawayId]);
		const found = await pool.query('select count(*)::int as found from giveaway_entry where giveaway_id = $1 and user_id = any($2::varchar[])', [giveawayId, userIds]);
		return {
			entries: Number(totals.rows[0]!.entries),
			distinctUsers: Number(totals.rows[0]!.users),
			found: Number(found.rows[0]!.found)
		} satisfies StoredEntries;
	});

	api.answer('giveaways.draw', async (payload) => {
		const { guildId, number, giveawayId, runs } = payload as { guildId: string; number: number; giveawayId: number; runs: number };
		const giveaways = service();
		const record = await giveaways.get(guildId, number);
		const timed = async <T>(work: () => T | Promise<T>): Promise<{ value: T; ms: number }> => {
			const started = performance.now();
			const value = await work();
			return { value, ms: performance.now() - started };
		};
		const readMs: number[] = [];
		const drawMs: number[] = [];
		let entries: { userId: string; weight: number }[] = [];
		let winners: string[] = [];
		for (let run = 0; run < runs; run++) {
			const read = await timed(() => store.allEntries(orm.em.fork(), giveawayId));
			entries = read.value;
			readMs.push(read.ms);
			const draw = await timed(() => drawWinners({ secret: record.secret, entries, count: record.winnerCount, round: 0, exclude: [] }));
			winners = draw.value;
			drawMs.push(draw.ms);
		}
		const hash = await timed(() => entriesHash(entries));
		const sorted = await timed(() => giveaways.entries(giveawayId));
		let endError: string | null = null;
		const end = await timed(() =>
			giveaways.end(guildId, number, true).catch((error: unknown) => {
				endError = error instanceof Error ? error.message : String(error);
				return null;
			})
		);
		const ended = await giveaways.get(guildId, number);
		if (!end.value && endError === null) throw new Error(`giveaway #${number} did not end`);
		const endWinners = end.value?.winners ?? ended.rounds[0]?.winners ?? [];
		// As the announcement attaches it (GiveawayService #announce: JSON indented with tabs).
		const built = await timed(async () => JSON.stringify(await giveaways.drawRecord(ended), null, '\t'));
		return {
			entries: entries.length,
			readMs,
			drawMs,
			hashMs: hash.ms,
			sortedEntriesMs: sorted.ms,
			recordMs: built.ms,
			recordBytes: Buffer.byteLength(built.value),
			endMs: end.ms,
			endError,
			status: ended.status,
			announced: ended.announcedAt !== null,
			winners: endWinners,
			sameWinners: endWinners.length === winners.length && endWinners.every((userId, index) => userId === winners[index]),
			endEntries: end.value?.entries ?? null
		} satisfies DrawMeasurement;
	});
}
