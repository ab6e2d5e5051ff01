/**
 * The copy in Redis of voice time PostgreSQL could not take (src/plugins/voice-xp/lib/pendingDeltas.ts), against the
 * real Redis and PostgreSQL: the flusher's PostgreSQL goes through a TCP proxy the test cuts, other "processes" are
 * other flushers and stores on the same Redis prefix.
 */
import { MikroORM } from '@mikro-orm/postgresql';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { VoiceMemberStats } from '../../../../src/plugins/voice-xp/entities/VoiceMemberStats.js';
import { flushDeltas, VoiceXpFlusher } from '../../../../src/plugins/voice-xp/lib/flush.js';
import {
	decodePendingDeltas,
	encodePendingDeltas,
	PendingDeltaStore,
	PendingStoreError,
	type RecoveredBatch
} from '../../../../src/plugins/voice-xp/lib/pendingDeltas.js';
import { VoiceSessionTracker, type TrackedVoiceState, type VoiceXpDelta } from '../../../../src/plugins/voice-xp/lib/sessionTracker.js';
import { getMemberStats } from '../../../../src/plugins/voice-xp/lib/stats.js';
import { testRedisUrl } from '../../../../tools/infra.js';
import { deleteRedisKeys } from '../../../../tools/redisKeys.js';
import { uniqueRedisPrefix } from '../../../helpers/infra.js';
import { startTestRedisServer, type TestRedisServer } from '../../../helpers/redisServer.js';
import { startTcpProxy, type TcpProxy } from '../../../helpers/tcpProxy.js';
import { createTestDatabase, type TestDatabase } from './testDatabase.js';

const GUILD = '800000000000000001';
const CHANNEL = '820000000000000001';
const ALICE = '810000000000000001';
const BOB = '810000000000000002';
const MINUTE = 60_000;
const RATE = 6;

let db: TestDatabase;
let proxy: TcpProxy;
/** The same database through the proxy: what the writing "process" uses, cut by `proxy.pause()`. */
let proxied: MikroORM;
let redis: Redis;
let prefix: string;

const em = () => db.orm.em.fork();
const emThroughProxy = () => proxied.em.fork();
const stats = (userId: string) => getMemberStats(em(), GUILD, userId);
const store = (writerId?: string, options: { lockTtlMs?: number } = {}) =>
	new PendingDeltaStore({ redis, prefix, ...(writerId ? { writerId } : {}), ...options });

function inVoice(tracker: VoiceSessionTracker, at: number, ...userIds: string[]): void {
	for (const userId of userIds) {
		const state: TrackedVoiceState = {
			userId,
			channelId: CHANNEL,
			bot: false,
			selfMute: false,
			selfDeaf: false,
			mute: false,
			deaf: false,
			selfStream: false,
			selfVideo: false
		};
		tracker.applyVoiceState(GUILD, state, at);
	}
}

function delta(userId: string, from: number, to: number): VoiceXpDelta {
	return { guildId: GUILD, userId, eligibleMs: to - from, xpUnits: (to - from) * RATE, from, to };
}

/** A writing process: alice and bob in voice from 0, flushing through the proxy, with its own pending store. */
function writer() {
	const tracker = new VoiceSessionTracker();
	inVoice(tracker, 0, ALICE, BOB);
	const pending = store();
	const errors: PendingStoreError[] = [];
	const flusher = new VoiceXpFlusher(tracker, emThroughProxy, { pending, onPendingError: (error) => errors.push(error) });
	return { tracker, pending, flusher, errors };
}

/** Another process: nothing in voice, direct PostgreSQL; its flushes apply what others left. */
function applier() {
	const recovered: RecoveredBatch[] = [];
	const pending = store();
	const flusher = new VoiceXpFlusher(new VoiceSessionTracker(), em, { pending, onRecovered: (batch) => recovered.push(batch) });
	return { pending, flusher, recovered };
}

beforeAll(async () => {
	db = await createTestDatabase();
	proxy = await startTcpProxy();
	proxied = await MikroORM.init({
		entities: [VoiceMemberStats],
		dbName: db.orm.config.get('dbName'),
		host: '127.0.0.1',
		port: proxy.port,
		user: process.env.TEST_PG_USER ?? 'postgres',
		pool: { min: 0, max: 2 },
		dynamicImportProvider: (id: string) => import(id)
	});
	redis = new Redis(testRedisUrl);
});

afterAll(async () => {
	await proxied?.close(true);
	await proxy?.close();
	redis?.disconnect();
	await db?.drop();
});

beforeEach(async () => {
	proxy.resume();
	prefix = uniqueRedisPrefix();
	await em().execute('truncate voice_xp_member_stats');
});

afterEach(async () => {
	await deleteRedisKeys(testRedisUrl, prefix);
});

describe('encoding', () => {
	it("keeps each member's deltas in window order and leaves out fields it cannot read", () => {
		const fields = encodePendingDeltas([delta(ALICE, MINUTE, 2 * MINUTE), delta(BOB, 0, MINUTE), delta(ALICE, 2 * MINUTE, 3 * MINUTE)]);
		expect(Object.fromEntries(fields)).toEqual({
			[`${GUILD}:${ALICE}`]: `${MINUTE},${2 * MINUTE},${MINUTE},${MINUTE * RATE};${2 * MINUTE},${3 * MINUTE},${MINUTE},${MINUTE * RATE}`,
			[`${GUILD}:${BOB}`]: `0,${MINUTE},${MINUTE},${MINUTE * RATE}`
		});
		const decoded = decodePendingDeltas([
			['@version', '3'],
			...fields,
			['not-a-member', '1,2,3,4'],
			[`${GUILD}:810000000000000009`, '5,4,1,1'],
			[`${GUILD}:810000000000000008`, '1,2,x,4']
		]);
		expect(decoded.deltas).toEqual([delta(ALICE, MINUTE, 2 * MINUTE), delta(ALICE, 2 * MINUTE, 3 * MINUTE), delta(BOB, 0, MINUTE)]);
		expect(decoded.invalid).toEqual(['not-a-member', `${GUILD}:810000000000000009`, `${GUILD}:810000000000000008`]);
	});
});

describe('a flush that cannot write PostgreSQL', () => {
	it('copies the unwritten time to Redis at every failed flush, keeps it in memory, and removes the copy once written', async () => {
		const w = writer();
		await w.flusher.flush(MINUTE);
		proxy.pause();

		await expect(w.flusher.flush(2 * MINUTE)).rejects.toThrow();
		expect(await w.pending.list()).toEqual([
			{ writerId: w.pending.writerId, version: '1', deltas: [delta(ALICE, MINUTE, 2 * MINUTE), delta(BOB, MINUTE, 2 * MINUTE)], invalidFields: [] }
		]);
		expect(w.flusher.pendingRetry).toHaveLength(2);

		// Still down: the tracker's new time joins the copy, as a later window of each member.
		await expect(w.flusher.flush(3 * MINUTE)).rejects.toThrow();
		const [saved] = await w.pending.list();
		expect(saved?.version).toBe('2');
		expect(saved?.deltas).toEqual([
			delta(ALICE, MINUTE, 2 * MINUTE),
			delta(ALICE, 2 * MINUTE, 3 * MINUTE),
			delta(BOB, MINUTE, 2 * MINUTE),
			delta(BOB, 2 * MINUTE, 3 * MINUTE)
		]);
		expect(w.flusher.pendingFresh).toEqual([delta(ALICE, 2 * MINUTE, 3 * MINUTE), delta(BOB, 2 * MINUTE, 3 * MINUTE)]);
		expect(await stats(ALICE)).toMatchObject({ voiceSeconds: 60 });

		proxy.resume();
		const recovered = await w.flusher.flush(4 * MINUTE);
		expect(recovered.skipped).toEqual([]);
		expect(await stats(ALICE)).toMatchObject({ voiceSeconds: 240, totalXp: 24 });
		expect(await stats(BOB)).toMatchObject({ voiceSeconds: 240, totalXp: 24 });
		expect(await w.pending.list()).toEqual([]);
		expect(await redis.exists(w.pending.batchKey(w.pending.writerId), w.pending.writersKey)).toBe(0);
		expect(w.errors).toEqual([]);
	});

	it('a batch left by a dead process is applied once by the next process that flushes, then removed', async () => {
		const w = writer();
		await w.flusher.flush(MINUTE);
		proxy.pause();
		await expect(w.flusher.flush(2 * MINUTE)).rejects.toThrow();
		await expect(w.flusher.flush(3 * MINUTE)).rejects.toThrow();
		const [left] = await w.pending.list();
		// w dies here: only its copy in Redis is left.

		const p = applier();
		const result = await p.flusher.flush(3 * MINUTE + 30_000);
		expect(p.recovered).toHaveLength(1);
		expect(p.recovered[0]).toMatchObject({ writerId: w.pending.writerId, version: '2', invalidFields: [] });
		expect(p.recovered[0]!.deltas).toHaveLength(4);
		expect(p.recovered[0]!.result.skipped).toEqual([]);
		expect(result.written.map((member) => [member.userId, member.voiceSeconds])).toEqual([
			[ALICE, 120],
			[BOB, 120],
			[ALICE, 180],
			[BOB, 180]
		]);
		expect(await stats(ALICE)).toMatchObject({ voiceSeconds: 180, totalXp: 18 });
		expect(await p.pending.list()).toEqual([]);

		// The same copy again (applied twice): every delta is skipped, nothing is added.
		await store(w.pending.writerId).save(() => left!.deltas);
		await p.flusher.flush(4 * MINUTE);
		expect(p.recovered).toHaveLength(2);
		expect(p.recovered[1]!.result.written).toEqual([]);
		expect(p.recovered[1]!.result.skipped).toHaveLength(4);
		expect(await stats(ALICE)).toMatchObject({ voiceSeconds: 180, totalXp: 18 });
		expect(await stats(BOB)).toMatchObject({ voiceSeconds: 180, totalXp: 18 });
		expect(await p.pending.list()).toEqual([]);
	});

	it('processes racing for the same batch apply it once', async () => {
		await store('dead-writer').save(() => [delta(ALICE, 0, MINUTE), delta(BOB, 0, MINUTE)]);
		const appliers = Array.from({ length: 5 }, () => applier());
		await Promise.all(appliers.map((p) => p.flusher.flush(2 * MINUTE)));
		expect(appliers.flatMap((p) => p.recovered)).toHaveLength(1);
		expect(await stats(ALICE)).toMatchObject({ voiceSeconds: 60, totalXp: 6 });
		expect(await stats(BOB)).toMatchObject({ voiceSeconds: 60, totalXp: 6 });
		expect(await store().list()).toEqual([]);
	});

	it('a batch being applied is skipped by another process until its holder is done', async () => {
		await store('dead-writer').save(() => [delta(ALICE, 0, MINUTE)]);
		const first = store();
		const second = store();
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		const firstApplied: RecoveredBatch[] = [];
		const running = first.applyOthers(
			async (deltas) => {
				await gate;
				return flushDeltas(em(), deltas);
			},
			(batch) => firstApplied.push(batch)
		);
		// Wait until the first process holds the batch (its write is waiting on the gate).
		await vi.waitFor(async () => expect(await redis.exists(`${prefix}voice-xp:pending:lock:dead-writer`)).toBe(1), { timeout: 5_000, interval: 10 });
		const secondApplied: RecoveredBatch[] = [];
		await second.applyOthers((deltas) => flushDeltas(em(), deltas), (batch) => secondApplied.push(batch));
		expect(secondApplied).toEqual([]);
		release();
		await running;
		expect(firstApplied).toHaveLength(1);
		await second.applyOthers((deltas) => flushDeltas(em(), deltas), (batch) => secondApplied.push(batch));
		expect(secondApplied).toEqual([]);
		expect(await stats(ALICE)).toMatchObject({ voiceSeconds: 60 });
	});

	it('a lock left by a process that died while applying frees the batch after its TTL', async () => {
		await store('dead-writer').save(() => [delta(ALICE, 0, MINUTE)]);
		await redis.set(`${prefix}voice-xp:pending:lock:dead-writer`, 'dead-applier', 'PX', 300);
		const p = store(undefined, { lockTtlMs: 1_000 });
		const applied: RecoveredBatch[] = [];
		await p.applyOthers((deltas) => flushDeltas(em(), deltas), (batch) => applied.push(batch));
		expect(applied).toEqual([]);
		await vi.waitFor(
			async () => {
				await p.applyOthers((deltas) => flushDeltas(em(), deltas), (batch) => applied.push(batch));
				expect(applied).toHaveLength(1);
			},
			{ timeout: 5_000, interval: 50 }
		);
		expect(await stats(ALICE)).toMatchObject({ voiceSeconds: 60 });
	});

	it('a live process whose copy another process applied loses nothing and counts nothing twice', async () => {
		const w = writer();
		await w.flusher.flush(MINUTE);
		proxy.pause();
		await expect(w.flusher.flush(2 * MINUTE)).rejects.toThrow();
		await expect(w.flusher.flush(3 * MINUTE)).rejects.toThrow();

		// Another process reaches PostgreSQL and applies w's copy (up to 3 min) while w still cannot.
		const p = applier();
		await p.flusher.flush(3 * MINUTE);
		expect(await stats(ALICE)).toMatchObject({ voiceSeconds: 180 });

		// w's next failed flush drops what was applied and copies only its newer time.
		await expect(w.flusher.flush(4 * MINUTE)).rejects.toThrow();
		expect(w.flusher.pendingRetry).toEqual([]);
		expect((await w.pending.list())[0]?.deltas).toEqual([delta(ALICE, 3 * MINUTE, 4 * MINUTE), delta(BOB, 3 * MINUTE, 4 * MINUTE)]);

		// Another apply, then w writes its memory too: the overlap is skipped, every minute counted once.
		await p.flusher.flush(4 * MINUTE);
		proxy.resume();
		const own = await w.flusher.flush(5 * MINUTE);
		expect(own.skipped).toEqual([delta(ALICE, 3 * MINUTE, 4 * MINUTE), delta(BOB, 3 * MINUTE, 4 * MINUTE)]);
		expect(await stats(ALICE)).toMatchObject({ voiceSeconds: 300, totalXp: 30 });
		expect(await stats(BOB)).toMatchObject({ voiceSeconds: 300, totalXp: 30 });
		expect(await store().list()).toEqual([]);
	});

	it("/xp reset: the member's kept time is dropped from memory and from every copy", async () => {
		const w = writer();
		proxy.pause();
		await expect(w.flusher.flush(MINUTE)).rejects.toThrow();
		await store('dead-writer').save(() => [delta(ALICE, 0, 30_000), delta(BOB, 0, 30_000)]);

		await w.flusher.discardPending(GUILD, ALICE);
		expect(w.flusher.pendingRetry).toEqual([delta(BOB, 0, MINUTE)]);
		const copies = await w.pending.list();
		expect(copies.map((batch) => batch.deltas.map((d) => d.userId))).toEqual([[BOB], [BOB]]);
	});

	it('keeps flushing in memory when Redis is down, and says so', async () => {
		const down = await startTestRedisServer();
		const client = new Redis(down.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 500, retryStrategy: () => 200 });
		client.on('error', () => undefined);
		await down.stop();
		try {
			const tracker = new VoiceSessionTracker();
			inVoice(tracker, 0, ALICE, BOB);
			const errors: PendingStoreError[] = [];
			const flusher = new VoiceXpFlusher(tracker, emThroughProxy, {
				pending: new PendingDeltaStore({ redis: client, prefix }),
				onPendingError: (error) => errors.push(error)
			});
			proxy.pause();
			await expect(flusher.flush(MINUTE)).rejects.toThrow();
			expect(errors[0]).toBeInstanceOf(PendingStoreError);
			expect(flusher.pendingRetry).toHaveLength(2);
			proxy.resume();
			await flusher.flush(2 * MINUTE);
			expect(await stats(ALICE)).toMatchObject({ voiceSeconds: 120 });
		} finally {
			client.disconnect();
		}
	});
});

describe('at scale', () => {
	let server: TestRedisServer;
	let own: Redis;

	beforeAll(async () => {
		server = await startTestRedisServer();
		own = new Redis(server.url);
	});

	afterAll(async () => {
		own?.disconnect();
		await server?.stop();
	});

	/** Calls per command since the last `config resetstat`, from the private server's INFO commandstats. */
	async function commandCalls(): Promise<Record<string, number>> {
		const info = await own.info('commandstats');
		return Object.fromEntries([...info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].map(([, name, calls]) => [name!, Number(calls)]));
	}

	it('50,000 members are saved in one transaction of 51 HSETs and applied in 2 statements', async () => {
		const deltas = Array.from({ length: 50_000 }, (_, index) => delta(String(810_000_000_000_000_000n + BigInt(index)), 0, MINUTE));
		const writerStore = new PendingDeltaStore({ redis: own, prefix, writerId: 'big-writer' });
		await own.config('RESETSTAT');
		await writerStore.save(() => deltas);
		const saved = await commandCalls();
		expect(saved).toMatchObject({ multi: 1, exec: 1, hset: 51 });
		expect(await own.hlen(writerStore.batchKey('big-writer'))).toBe(50_001);

		await own.config('RESETSTAT');
		const applied: RecoveredBatch[] = [];
		await new PendingDeltaStore({ redis: own, prefix }).applyOthers((batch) => flushDeltas(em(), batch), (batch) => applied.push(batch));
		const read = await commandCalls();
		expect(read.hscan).toBeLessThanOrEqual(10);
		expect(applied[0]?.deltas).toHaveLength(50_000);
		expect(applied[0]?.result.statements).toBe(2);
		expect(applied[0]?.result.written).toHaveLength(50_000);
		expect(await own.exists(writerStore.batchKey('big-writer'))).toBe(0);
	}, 120_000);
});
