/** src/lib/singleFlight.ts: concurrent asks for one key share one run, which is forgotten once it settles. */
import { expect, it } from 'vitest';
import { SingleFlight } from '../../src/lib/singleFlight.js';

it('shares one run between concurrent asks for a key, runs other keys apart, and runs again once settled', async () => {
	const flights = new SingleFlight<string, number>();
	const started: string[] = [];
	const release: (() => void)[] = [];
	const run = (key: string, value: number) => () => {
		started.push(key);
		return new Promise<number>((resolve) => release.push(() => resolve(value)));
	};
	const first = flights.run('a', run('a', 1));
	const second = flights.run('a', run('a', 2));
	const other = flights.run('b', run('b', 3));
	expect(second).toBe(first);
	expect(started).toEqual(['a', 'b']);
	expect(flights.size).toBe(2);
	for (const resolve of release) resolve();
	expect(await Promise.all([first, second, other])).toEqual([1, 1, 3]);
	expect(flights.size).toBe(0);
	const again = flights.run('a', run('a', 4));
	release.at(-1)!();
	expect(await again).toBe(4);
	expect(started).toEqual(['a', 'b', 'a']);
});

it('rejects every caller that shared a failed run, and forgets it', async () => {
	const flights = new SingleFlight<string, number>();
	let calls = 0;
	const failing = () => {
		calls++;
		return Promise.reject(new Error('Unknown Invite'));
	};
	const results = await Promise.allSettled([flights.run('x', failing), flights.run('x', failing)]);
	expect(results.map((result) => (result.status === 'rejected' ? (result.reason as Error).message : 'fulfilled'))).toEqual(['Unknown Invite', 'Unknown Invite']);
	expect(calls).toBe(1);
	expect(flights.size).toBe(0);
	await expect(flights.run('x', () => Promise.resolve(7))).resolves.toBe(7);
});
