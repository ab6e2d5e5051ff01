/**
 * The source of "now" for everything in the bot that depends on time (XP accrual, cooldowns, schedules).
 * Code asks `container.clock.now()` instead of calling `Date.now()`, so tests can drive time by hand.
 */
export interface Clock {
	/** Current time in milliseconds since the Unix epoch. */
	now(): number;
	/**
	 * Clocks moved by hand (ManualClock) tell when they move, so that what waits for a time (due scheduled tasks) can
	 * look again at once. The system clock has no such hook.
	 * @returns a function that stops the notifications.
	 */
	onAdvance?(listener: (now: number) => void): () => void;
}

/** The real wall clock (`Date.now()`), used in production. */
export const systemClock: Clock = Object.freeze({
	now: () => Date.now()
});

/**
 * A clock that only moves when a test moves it.
 *
 * @example
 * const clock = new ManualClock(Date.UTC(2026, 0, 1));
 * clock.advance(60_000); // one minute later
 */
export class ManualClock implements Clock {
	#now: number;
	readonly #listeners = new Set<(now: number) => void>();

	/** @param startMs initial time in milliseconds since the Unix epoch (default: the real time at construction). */
	public constructor(startMs: number = Date.now()) {
		ManualClock.assertFinite(startMs);
		this.#now = startMs;
	}

	/** Current time in milliseconds since the Unix epoch. */
	public now(): number {
		return this.#now;
	}

	/**
	 * Sets the time.
	 * @param ms milliseconds since the Unix epoch.
	 * @throws RangeError when `ms` is not a finite number or lies before the current time (time never runs backwards).
	 */
	public set(ms: number): void {
		ManualClock.assertFinite(ms);
		if (ms < this.#now) throw new RangeError(`ManualClock cannot go back in time (${ms} < ${this.#now})`);
		this.#now = ms;
		this.#notify();
	}

	/**
	 * Moves the time forward.
	 * @param ms milliseconds to add; must be finite and not negative.
	 * @throws RangeError when `ms` is negative or not finite.
	 */
	public advance(ms: number): void {
		ManualClock.assertFinite(ms);
		if (ms < 0) throw new RangeError(`ManualClock cannot advance by a negative amount (${ms})`);
		this.#now += ms;
		this.#notify();
	}

	/** Calls `listener` with the new time after every {@link set} or {@link advance}. @returns the unsubscribe function. */
	public onAdvance(listener: (now: number) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	#notify(): void {
		for (const listener of this.#listeners) listener(this.#now);
	}

	private static assertFinite(ms: number): void {
		if (!Number.isFinite(ms)) throw new RangeError(`ManualClock needs a finite number of milliseconds, got ${ms}`);
	}
}
