/**
 * The benchmarks' seeded pseudo-random numbers (mulberry32): the same seed gives the same population, chat and clicks
 * in every run, so two runs compare like with like. Not for anything the bot does (plugins use ctx.random,
 * src/lib/random.ts).
 */
export class Rng {
	#state: number;

	public constructor(seed: number) {
		this.#state = seed >>> 0;
	}

	/** A float in [0, 1). */
	public next(): number {
		this.#state = (this.#state + 0x6d2b79f5) >>> 0;
		let t = this.#state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	}

	/** A whole number in [min, max]. */
	public int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	/** One element of a non-empty list. */
	public pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)]!;
	}

	/** Whether an event of probability `p` happens. */
	public chance(p: number): boolean {
		return this.next() < p;
	}

	/** The list shuffled (Fisher–Yates), in place. */
	public shuffle<T>(items: T[]): T[] {
		for (let index = items.length - 1; index > 0; index--) {
			const other = Math.floor(this.next() * (index + 1));
			[items[index], items[other]] = [items[other]!, items[index]!];
		}
		return items;
	}

	/** This generator as a plain function returning floats in [0, 1). */
	public get float(): () => number {
		return () => this.next();
	}
}
