/**
 * src/lib/memory.ts: the memory-reducing collection the bot runs once ready (issue 12) works without `--expose-gc`
 * (vitest's workers run without it) and leaves no global `gc` behind.
 */
import { expect, it } from 'vitest';
import { releaseStartupMemory } from '../../src/lib/memory.js';

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
