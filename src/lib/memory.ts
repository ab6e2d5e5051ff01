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

/** V8's `gc` function as `--expose-gc` exposes it, with its options object. */
export type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async'; flavor?: 'regular' | 'last-resort' }) => void;

/**
 * V8's `gc` function, global when Node runs with `--expose-gc` (`npm start` and the image's `CMD` pass it; see
 * tools/shippedStart.ts). Null otherwise (tests that start bots in their own process, `npm run dev`).
 */
function gcFunction(): GcFunction | null {
	const gc = (globalThis as { gc?: unknown }).gc;
	return typeof gc === 'function' ? (gc as GcFunction) : null;
}

/**
 * Runs one memory-reducing full collection (V8's "last resort" flavour: compacts the old generation and returns the
 * pooled pages to the system), synchronously: 0.25 s at 1,000 guilds and 0.4 s at 5,000 (resident 218 -> 162 and 407 -> 251 MiB, load 1–1.5).
 * Meant for the moment the start-up is over (every shard ready, the plugins' `onReady` done).
 * @param gc V8's `gc` function (default: the global one of `--expose-gc`).
 * @returns what it did, or null when there is no `gc` function (Node without `--expose-gc`: nothing was done).
 */
export function releaseStartupMemory(gc: GcFunction | null = gcFunction()): MemoryRelease | null {
	if (!gc) return null;
	const rssBefore = process.memoryUsage.rss();
	const started = performance.now();
	gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
	const ms = performance.now() - started;
	const { rss, heapUsed } = process.memoryUsage();
	return { rssBefore, rssAfter: rss, heapUsedAfter: heapUsed, ms };
}

/** When {@link MemoryReleaser} runs another memory-reducing collection after the one at ready. */
export interface MemoryReleasePolicy {
	/** Milliseconds between two looks at the resident memory (one `process.memoryUsage.rss()`, no collection). */
	checkEveryMs: number;
	/** Bytes the resident memory must have grown since the last release to release again. */
	minGrowthBytes: number;
	/** Milliseconds at least between two releases (bounds the CPU: one collection is about 0.4 s at 5,000 guilds). */
	minSpacingMs: number;
	/**
	 * The most the event loop may have been busy since the previous look (Node's event loop utilization, 0 to 1) for a
	 * release after growth: the collection holds the event loop for its whole duration, so it waits for a quiet minute
	 * rather than stall a bot that is handling a stream of messages (every decision in flight would wait 0.4 s).
	 */
	maxBusyShare: number;
}

/**
 * The default: look each minute; release when the resident memory grew 24 MiB since the last release, at most every
 * 2 minutes (at worst, if the pages came back as fast, 0.4 s of a core per 2 minutes at 5,000 guilds: 0.35%; a process
 * V8's own memory reducer never finds idle), and only after a minute in which the event loop was busy less than 10% of
 * the time (voice activity at 5,000 guilds keeps it about 3% busy; automod checking 250 messages a second, 18%).
 */
export const DEFAULT_MEMORY_RELEASE_POLICY: MemoryReleasePolicy = { checkEveryMs: 60_000, minGrowthBytes: 24 * 1_048_576, minSpacingMs: 2 * 60_000, maxBusyShare: 0.1 };

/**
 * A meter of how busy the event loop was between two calls (Node's `performance.eventLoopUtilization`): each call
 * returns the share of the time since the previous call (since its creation, the first time), 0 to 1.
 */
export function eventLoopBusyShare(): () => number {
	let last = performance.eventLoopUtilization();
	return () => {
		const now = performance.eventLoopUtilization();
		const share = performance.eventLoopUtilization(now, last).utilization;
		last = now;
		return share;
	};
}

/**
 * Runs {@link releaseStartupMemory} once when started (the start-up is over), then again whenever the resident memory
 * has grown by `minGrowthBytes` since the last release, `minSpacingMs` have passed and the event loop was quiet since
 * the previous look (`maxBusyShare`): V8 keeps the pages a burst of garbage leaves (a gateway reconnect that replays
 * every GUILD_CREATE, a large flush) until such a collection. Its timer does not keep the process alive.
 */
export class MemoryReleaser {
	readonly #policy: MemoryReleasePolicy;
	readonly #onRelease: (release: MemoryRelease, reason: 'ready' | 'growth') => void;
	readonly #release: () => MemoryRelease | null;
	readonly #busyShare: () => number;
	#timer: NodeJS.Timeout | null = null;
	#baselineRss = 0;
	#lastReleaseAt = 0;

	/**
	 * @param onRelease told of each release (logging); `reason` is `ready` for the first, `growth` for the others.
	 * @param release runs one collection (default {@link releaseStartupMemory}; null: no `gc` function)
	 * @param busyShare how busy the event loop was since its previous call, 0 to 1 (default {@link eventLoopBusyShare})
	 */
	public constructor(
		onRelease: (release: MemoryRelease, reason: 'ready' | 'growth') => void,
		policy: MemoryReleasePolicy = DEFAULT_MEMORY_RELEASE_POLICY,
		release: () => MemoryRelease | null = () => releaseStartupMemory(),
		busyShare: () => number = eventLoopBusyShare()
	) {
		this.#policy = policy;
		this.#onRelease = onRelease;
		this.#release = release;
		this.#busyShare = busyShare;
	}

	/**
	 * Releases now and starts watching.
	 * @returns false when there is no `gc` function (Node without `--expose-gc`: nothing released, nothing watched).
	 */
	public start(): boolean {
		if (!this.#releaseNow('ready')) return false;
		this.#timer = setInterval(() => this.check(), this.#policy.checkEveryMs);
		this.#timer.unref();
		return true;
	}

	/** One look: releases when the policy says so. Returns whether it released. */
	public check(now: number = performance.now()): boolean {
		const busy = this.#busyShare();
		if (now - this.#lastReleaseAt < this.#policy.minSpacingMs) return false;
		if (busy > this.#policy.maxBusyShare) return false;
		if (process.memoryUsage.rss() - this.#baselineRss < this.#policy.minGrowthBytes) return false;
		return this.#releaseNow('growth');
	}

	/** Stops watching. */
	public stop(): void {
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = null;
	}

	#releaseNow(reason: 'ready' | 'growth'): boolean {
		const release = this.#release();
		if (!release) return false;
		this.#baselineRss = release.rssAfter;
		this.#lastReleaseAt = performance.now();
		this.#onRelease(release, reason);
		return true;
	}
}
