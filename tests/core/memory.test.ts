/**
 * src/lib/memory.ts: the memory-reducing collection the bot runs once ready (issue 12) works without `--expose-gc`
 * (vitest's workers run without it) and leaves no global `gc` behind.
 */
import { expect, it } from 'vitest';
import { MemoryReleaser, releaseStartupMemory } from '../../src/lib/memory.js';

it('runs a memory-reducing collection without --expose-gc and exposes no global gc', () => {
	const hadGlobalGc = typeof (globalThis as { gc?: unknown }).gc === 'function';
	let garbage: number[][] | null = Array.from({ length: 2_000 }, (_, index) => Array.from({ length: 1_000 }, () => index));
	expect(garbage.length).toBe(2_000);
	garbage = null;
	const release = releaseStartupMemory();
	expect(release).not.toBeNull();
	expect(release!.rssAfter).toBeGreaterThan(0);
	expect(release!.heapUsedAfter).toBeGreaterThan(0);
	expect(release!.ms).toBeGreaterThanOrEqual(0);
	expect(typeof (globalThis as { gc?: unknown }).gc === 'function').toBe(hadGlobalGc);
});

it('MemoryReleaser releases at start, then only after the growth and the spacing of its policy', () => {
	const reasons: string[] = [];
	const releaser = new MemoryReleaser((_release, reason) => reasons.push(reason), { checkEveryMs: 3_600_000, minGrowthBytes: 0, minSpacingMs: 60_000 });
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
	const never = new MemoryReleaser(() => undefined, { checkEveryMs: 3_600_000, minGrowthBytes: 1024 ** 4, minSpacingMs: 0 });
	try {
		expect(never.start()).toBe(true);
		expect(never.check()).toBe(false); // the resident memory did not grow by a tebibyte
	} finally {
		never.stop();
	}
});
