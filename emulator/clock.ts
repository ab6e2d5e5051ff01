import type { Clock } from './types.js';

/**
 * The emulator's time source (milliseconds since the Unix epoch). By default it follows the real clock (or the
 * `source` clock given, such as a test's fake clock); tests move it with {@link advance} (for example past the
 * 3-second interaction deadline) or stop it with {@link freeze} so that a slow machine never makes an interaction
 * late.
 */
export class EmulatorClock implements Clock {
	#offset = 0;
	#frozenAt: number | null = null;

	public constructor(private readonly source: Clock = { now: () => Date.now() }) {}

	/** Current emulator time in milliseconds. */
	public now(): number {
		return this.#frozenAt ?? this.source.now() + this.#offset;
	}

	/** Moves the clock forward by `ms` milliseconds (negative moves it back). */
	public advance(ms: number): void {
		if (this.#frozenAt !== null) this.#frozenAt += ms;
		else this.#offset += ms;
	}

	/** Stops the clock at its current time (or at `at`, ms since the epoch); only {@link advance} moves it then. */
	public freeze(at?: number): void {
		this.#frozenAt = at ?? this.now();
	}

	/** Lets the clock run with real time again, from where it stands. */
	public unfreeze(): void {
		if (this.#frozenAt === null) return;
		this.#offset = this.#frozenAt - this.source.now();
		this.#frozenAt = null;
	}

	public get frozen(): boolean {
		return this.#frozenAt !== null;
	}
}
