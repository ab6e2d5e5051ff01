import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { randomInt } from 'node:crypto';

/**
 * The source of randomness for everything in the bot that draws (giveaway winners, jitter, sampling). Plugins get it
 * from their setup context (`ctx.random`) instead of calling `Math.random()`, so a test can seed it and replay a draw,
 * like {@link import('./clock.js').ManualClock} replays time.
 */
export interface RandomSource {
	/** A float in [0, 1). */
	float(): number;
	/**
	 * An integer in [min, max], both included.
	 * @throws RangeError when the bounds are not safe integers or `min > max`.
	 */
	int(min: number, max: number): number;
}

function checkBounds(min: number, max: number): void {
	if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
		throw new RangeError(`RandomSource.int needs safe integers with min <= max, got [${min}, ${max}]`);
	}
}

/** Cryptographic randomness from `node:crypto` (production: draws nobody can predict). */
export const systemRandom: RandomSource = Object.freeze({
	float: () => randomInt(0, 2 ** 48) / 2 ** 48,
	int(min: number, max: number) {
		checkBounds(min, max);
		// crypto.randomInt takes a range of at most 2^48 - 1; wider ranges are split into a high and a low draw.
		const span = max - min + 1;
		if (span <= 2 ** 48 - 1) return min + randomInt(0, span);
		return min + Math.floor((randomInt(0, 2 ** 48) / 2 ** 48) * span);
	}
});

/**
 * A seeded generator (xoroshiro128+ from the `pure-rand` package): the same seed gives the same sequence, in every
 * process and on every machine. For tests and the demo, never for production draws.
 */
export class SeededRandom implements RandomSource {
	readonly #generator: ReturnType<typeof xoroshiro128plus>;

	/** @param seed a 32-bit integer. */
	public constructor(public readonly seed: number) {
		this.#generator = xoroshiro128plus(seed | 0);
	}

	public float(): number {
		return uniformFloat64(this.#generator);
	}

	public int(min: number, max: number): number {
		checkBounds(min, max);
		return uniformInt(this.#generator, min, max);
	}
}
