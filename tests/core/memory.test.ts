/**
 * src/lib/memory.ts: the memory-reducing collection the bot runs once ready (issue 12). Node runs the bot with
 * `--expose-gc` (`npm start`, the image); vitest's workers run without it, where nothing is done. The real collection
 * in the built bot is checked by tests/core/builtBot.e2e.test.ts (its log line).
 */
import { expect, it } from 'vitest';
import { eventLoopBusyShare, MemoryReleaser, releaseStartupMemory, type GcFunction, type MemoryRelease } from '../../src/lib/memory.js';

it("asks V8's gc for one synchronous memory-reducing full collection, and does nothing without a gc function", () => {
	const calls: Parameters<GcFunction>[] = [];
	const release = releaseStartupMemory((...args) => void calls.push(args));
	expect(calls).toEqual([[{ type: 'major', execution: 'sync', flavor: 'last-resort' }]]);
	expect(release!.rssAfter).toBeGreaterThan(0);
	expect(release!.heapUsedAfter).toBeGreaterThan(0);
	expect(release!.ms).toBeGreaterThanOrEqual(0);
	expect(releaseStartupMemory(null)).toBeNull();
	expect(new MemoryReleaser(() => undefined, undefined, () => null).start()).toBe(false);
});

it('MemoryReleaser releases at start, then only after the growth and the spacing of its policy', () => {
	const reasons: string[] = [];
	const fake = (): MemoryRelease => ({ rssBefore: 2, rssAfter: 1, heapUsedAfter: 1, ms: 0 });
	const releaser = new MemoryReleaser((_release, reason) => reasons.push(reason), { checkEveryMs: 3_600_000, minGrowthBytes: 0, minSpacingMs: 60_000, maxBusyShare: 1 }, fake);
	try {
		expect(releaser.start()).toBe(true);
		expect(reasons).toEqual(['ready']);
		const startedAt = performance.now();
		expect(releaser.check(startedAt + 1_000)).toBe(false); // within the spacing
		expect(releaser.check(startedAt + 61_000)).toBe(true); // no growth needed by this policy
		expect(reasons).toEqual(['ready', 'growth']);
	} finally {
		releaser.stop();
	}
	const never = new MemoryReleaser(() => undefined, { checkEveryMs: 3_600_000, minGrowthBytes: 1024 ** 4, minSpacingMs: 0, maxBusyShare: 1 }, fake);
	try {
		expect(never.start()).toBe(true);
		expect(never.check()).toBe(false); // the resident memory did not grow by a tebibyte
	} finally {
		never.stop();
	}
});

it('MemoryReleaser waits for a quiet minute before a release after growth (the collection holds the event loop)', () => {
	const reasons: string[] = [];
	const fake = (): MemoryRelease => ({ rssBefore: 2, rssAfter: 1, heapUsedAfter: 1, ms: 0 });
	const shares = [0.18, 0.5, 0.04];
	const releaser = new MemoryReleaser((_release, reason) => reasons.push(reason), { checkEveryMs: 3_600_000, minGrowthBytes: 0, minSpacingMs: 0, maxBusyShare: 0.1 }, fake, () => shares.shift() ?? 0);
	try {
		expect(releaser.start()).toBe(true); // the release at ready does not wait: the start-up is over
		expect(releaser.check()).toBe(false); // 18% busy since the previous look
		expect(releaser.check()).toBe(false); // 50%
		expect(releaser.check()).toBe(true); // 4%
		expect(reasons).toEqual(['ready', 'growth']);
	} finally {
		releaser.stop();
	}
});

it('eventLoopBusyShare measures the share of the time the event loop was busy between two calls', async () => {
	const share = eventLoopBusyShare();
	const busyUntil = performance.now() + 60;
	while (performance.now() < busyUntil) {
		// a busy loop: the event loop runs no other task meanwhile
	}
	expect(share()).toBeGreaterThan(0.5);
	await new Promise((resolve) => setTimeout(resolve, 60));
	expect(share()).toBeLessThan(0.5);
});
