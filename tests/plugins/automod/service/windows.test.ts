/**
 * service/windows.ts against a real Redis: the sliding windows count per key within their time, the counts of one
 * turn of the event loop go out in one write, one batch at a time, and each caller gets its own reply.
 */
import { type Command, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNT_BATCH_MAX, SlidingWindows } from '../../../../src/plugins/automod/service/windows.js';
import { testRedisUrl } from '../../../../tools/infra.js';
import { deleteRedisKeys } from '../../../../tools/redisKeys.js';
import { uniqueRedisPrefix } from '../../../helpers/infra.js';

let redis: Redis;
const prefix = uniqueRedisPrefix();

beforeAll(async () => {
	redis = new Redis(testRedisUrl);
	await redis.ping();
});

afterAll(async () => {
	redis.disconnect();
	await deleteRedisKeys(testRedisUrl, prefix);
});

describe('SlidingWindows.count', () => {
	it('counts each key within its window, every message of one turn in one write, each caller with its own counts', async () => {
		const windows = new SlidingWindows(redis);
		// The script is loaded (a first EVALSHA may meet NOSCRIPT and be sent again as EVAL: a second write).
		await windows.count({ now: 1, entryId: 'warm', rate: { key: `${prefix}warm`, windowMs: 1 } });
		let writes = 0;
		const stream = (redis as unknown as { stream: { write: (...args: unknown[]) => boolean } }).stream;
		const write = stream.write.bind(stream);
		stream.write = (...args: unknown[]) => {
			writes++;
			return write(...args);
		};
		try {
			const at = 1_000_000;
			const counts = await Promise.all(
				Array.from({ length: 20 }, (_, index) =>
					windows.count({
						now: at + index,
						entryId: `m${index}`,
						rate: { key: `${prefix}rate:${index % 2}`, windowMs: 10_000 },
						duplicates: index < 5 ? { key: `${prefix}dup`, windowMs: 10_000 } : null
					})
				)
			);
			expect(writes).toBe(1);
			// Two members (even and odd) with ten messages each; the first five share a duplicate key.
			expect(counts.map((count) => count.rate)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10]);
			expect(counts.map((count) => count.duplicates)).toEqual([1, 2, 3, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
		} finally {
			stream.write = write;
		}
		// 10 s later the first messages have left the window.
		const later = await windows.count({ now: 1_000_000 + 10_004, entryId: 'late', rate: { key: `${prefix}rate:0`, windowMs: 10_000 } });
		expect(later.rate).toBe(8);
	});

	it(`splits a turn's counts into script calls of ${COUNT_BATCH_MAX} messages, each message counted in order`, async () => {
		const windows = new SlidingWindows(redis);
		const calls: number[] = [];
		const counting = new Proxy(redis, {
			get(target, property, receiver) {
				if (property !== 'sendCommand') return Reflect.get(target, property, receiver);
				return (command: Command) => {
					if (command.name === 'evalsha') calls.push(Number(command.args[1]) / 2);
					return target.sendCommand(command);
				};
			}
		});
		const split = new SlidingWindows(counting);
		const total = COUNT_BATCH_MAX * 2 + 3;
		const counts = await Promise.all(
			Array.from({ length: total }, (_, index) => split.count({ now: 5_000_000 + index, entryId: `s${index}`, rate: { key: `${prefix}split:${index % 3}`, windowMs: 60_000 } }))
		);
		expect(calls).toEqual([COUNT_BATCH_MAX, COUNT_BATCH_MAX, 3]);
		expect(counts.map((count) => count.rate)).toEqual(Array.from({ length: total }, (_, index) => Math.floor(index / 3) + 1));
		expect(counts.every((count) => count.duplicates === 0)).toBe(true);
		// The same message counted again (a redelivered event) is not counted twice.
		const again = await windows.count({ now: 5_000_000 + total, entryId: 's0', rate: { key: `${prefix}split:0`, windowMs: 60_000 } });
		expect(again.rate).toBe(Math.ceil(total / 3));
	});

	it('sends one batch at a time: counts asked while a batch waits for Redis go together once it is answered', async () => {
		const sent: string[][] = [];
		let release!: () => void;
		const held = new Promise<void>((resolve) => (release = resolve));
		const slow = new Proxy(redis, {
			get(target, property, receiver) {
				if (property !== 'sendCommand') return Reflect.get(target, property, receiver);
				return (command: Command) => {
					if (command.name !== 'evalsha') return target.sendCommand(command);
					const keys = Number(command.args[1]);
					// The entry ids of the batch: ARGV's second field per message.
					sent.push(Array.from({ length: keys / 2 }, (_, index) => String(command.args[2 + keys + index * 4 + 1])));
					// The first batch waits (a slow Redis); later ones go at once.
					if (sent.length === 1) void held.then(() => target.sendCommand(command));
					else target.sendCommand(command);
					return command.promise;
				};
			}
		});
		const windows = new SlidingWindows(slow);
		const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
		const key = `${prefix}inflight`;
		const first = windows.count({ now: 9_000_000, entryId: 'i1', rate: { key, windowMs: 60_000 } });
		await nextTurn();
		expect(sent).toEqual([['i1']]);
		// Three more messages, each read in a later turn, while the first batch waits.
		const later: Promise<{ rate: number; duplicates: number }>[] = [];
		for (const id of ['i2', 'i3', 'i4']) {
			later.push(windows.count({ now: 9_000_000 + later.length + 1, entryId: id, rate: { key, windowMs: 60_000 } }));
			await nextTurn();
		}
		expect(sent).toEqual([['i1']]);
		release();
		const counts = await Promise.all([first, ...later]);
		expect(sent).toEqual([['i1'], ['i2', 'i3', 'i4']]);
		expect(counts.map((count) => count.rate)).toEqual([1, 2, 3, 4]);
		// Nothing waiting: the next count goes in its own turn's batch.
		await windows.count({ now: 9_000_010, entryId: 'i5', rate: { key, windowMs: 60_000 } });
		expect(sent).toEqual([['i1'], ['i2', 'i3', 'i4'], ['i5']]);
	});

	it('sends the script itself when Redis does not have it (NOSCRIPT: first use, a restart, SCRIPT FLUSH)', async () => {
		let evals = 0;
		const forgetful = new Proxy(redis, {
			get(target, property, receiver) {
				if (property === 'sendCommand') {
					return (command: Command) => {
						if (command.name !== 'evalsha') return target.sendCommand(command);
						command.reject(new Error('NOSCRIPT No matching script. Please use EVAL.'));
						return command.promise;
					};
				}
				if (property === 'eval') {
					return (...args: unknown[]) => {
						evals++;
						return (target.eval as (...rest: unknown[]) => Promise<unknown>)(...args);
					};
				}
				return Reflect.get(target, property, receiver);
			}
		});
		const windows = new SlidingWindows(forgetful);
		const counts = await Promise.all([
			windows.count({ now: 7_000_000, entryId: 'n1', rate: { key: `${prefix}noscript`, windowMs: 1_000 }, duplicates: { key: `${prefix}noscript:dup`, windowMs: 1_000 } }),
			windows.count({ now: 7_000_001, entryId: 'n2', rate: { key: `${prefix}noscript`, windowMs: 1_000 } })
		]);
		expect(evals).toBe(1);
		expect(counts).toEqual([
			{ rate: 1, duplicates: 1 },
			{ rate: 2, duplicates: 0 }
		]);
	});

	it('rejects every waiting count when Redis cannot be reached (automod then lets the message through)', async () => {
		const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
		down.on('error', () => {});
		const windows = new SlidingWindows(down);
		const results = await Promise.allSettled([1, 2, 3].map((index) => windows.count({ now: index, entryId: `x${index}`, rate: { key: `${prefix}down`, windowMs: 1_000 } })));
		expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
		down.disconnect();
	});
});
