import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Giving back the memory the start-up leaves behind (issue 12). While the bot starts, the heap in use peaks far above
 * what it keeps (about 290 MiB at 5,000 guilds for 140 MiB live: every GUILD_CREATE, the settings of every guild, the
 * command registration). V8 frees the pages of that garbage into its own pool and keeps them resident: they go back to
 * the system only in a memory-reducing collection, which V8's memory reducer starts when the process is idle, and a
 * bot is never idle (voice XP flushes every minute). Measured with `npm run bench:memory` (bench/README.md): the
 * resident memory after ready stayed at the start-up peak for the whole run.
 */

/** What {@link releaseStartupMemory} did. Bytes and milliseconds. */
export interface MemoryRelease {
	/** Resident memory (RSS) before and after the collection. */
	rssBefore: number;
	rssAfter: number;
	/** V8 heap in use after it. */
	heapUsedAfter: number;
	/** Duration of the collection (the event loop waits for it). */
	ms: number;
}

type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async'; flavor?: 'regular' | 'last-resort' }) => void;

/**
 * V8's `gc` function: the global one when Node runs with `--expose-gc`, else taken from a fresh context with the flag
 * switched on for that moment only (no global `gc` appears for the bot's code). Null when V8 refuses.
 */
function gcFunction(): GcFunction | null {
	const global = (globalThis as { gc?: GcFunction }).gc;
	if (typeof global === 'function') return global;
	try {
		setFlagsFromString('--expose-gc');
		const gc = runInNewContext('gc') as unknown;
		return typeof gc === 'function' ? (gc as GcFunction) : null;
	} catch {
		return null;
	} finally {
		setFlagsFromString('--no-expose-gc');
	}
}

/**
 * Runs one memory-reducing full collection (V8's "last resort" flavour: compacts the old generation and returns the
 * pooled pages to the system), synchronously: about 0.2 s at 1,000 guilds and 0.5–1 s at 5,000 on one core, once.
 * Meant for the moment the start-up is over (every shard ready, the plugins' `onReady` done).
 * @returns what it did, or null when V8 offers no `gc` function (nothing was done).
 */
export function releaseStartupMemory(): MemoryRelease | null {
	const gc = gcFunction();
	if (!gc) return null;
	const rssBefore = process.memoryUsage.rss();
	const started = performance.now();
	gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
	const ms = performance.now() - started;
	const { rss, heapUsed } = process.memoryUsage();
	return { rssBefore, rssAfter: rss, heapUsedAfter: heapUsed, ms };
}
