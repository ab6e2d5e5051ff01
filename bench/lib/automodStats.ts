/**
 * Latency figures of the automod benchmark (bench/automod.ts): a fixed-size histogram the bot's process fills for
 * every message without keeping anything per message (so a million messages cost it no memory), and exact
 * percentiles of a list of samples when the samples are kept (short phases).
 */

/** p50, p90, p99 and max of a set of durations, in milliseconds (NaN when there were none), and how many there were. */
export interface LatencySummary {
	count: number;
	p50: number;
	p90: number;
	p99: number;
	max: number;
	mean: number;
}

/** Bucket width below {@link FINE_LIMIT_MS}: 5 µs. */
const FINE_WIDTH_MS = 0.005;
/** Values under 50 ms fall in 5-µs buckets (10,000 of them). */
const FINE_LIMIT_MS = 50;
/** Bucket width from 50 ms on: 1 ms, up to {@link COARSE_LIMIT_MS}. */
const COARSE_WIDTH_MS = 1;
/** Values of 120 s or more share the last bucket (their exact maximum is still kept). */
const COARSE_LIMIT_MS = 120_000;
const FINE_BUCKETS = Math.round(FINE_LIMIT_MS / FINE_WIDTH_MS);
const COARSE_BUCKETS = Math.round((COARSE_LIMIT_MS - FINE_LIMIT_MS) / COARSE_WIDTH_MS);

/**
 * Durations counted in fixed buckets: 5 µs wide up to 50 ms, then 1 ms wide up to 120 s (about 130,000 counters,
 * allocated once). A percentile is the upper edge of the bucket holding it (at most 5 µs above the true value under
 * 50 ms), never above the exact maximum, which is kept with the count and the sum.
 */
export class LatencyHistogram {
	readonly #counts = new Uint32Array(FINE_BUCKETS + COARSE_BUCKETS + 1);
	#count = 0;
	#sum = 0;
	#max = 0;

	/** Counts one duration (milliseconds; negative values count as 0). */
	public record(ms: number): void {
		const value = ms > 0 ? ms : 0;
		const index =
			value < FINE_LIMIT_MS
				? Math.floor(value / FINE_WIDTH_MS)
				: value < COARSE_LIMIT_MS
					? FINE_BUCKETS + Math.floor((value - FINE_LIMIT_MS) / COARSE_WIDTH_MS)
					: FINE_BUCKETS + COARSE_BUCKETS;
		this.#counts[index]!++;
		this.#count++;
		this.#sum += value;
		if (value > this.#max) this.#max = value;
	}

	/** Forgets everything counted. */
	public reset(): void {
		this.#counts.fill(0);
		this.#count = 0;
		this.#sum = 0;
		this.#max = 0;
	}

	/** The `p` quantile (0 < p ≤ 1) by nearest rank, as the upper edge of its bucket (capped at the maximum); NaN when empty. */
	public quantile(p: number): number {
		if (this.#count === 0) return Number.NaN;
		const rank = Math.max(1, Math.ceil(p * this.#count));
		let seen = 0;
		for (let index = 0; index < this.#counts.length; index++) {
			seen += this.#counts[index]!;
			if (seen >= rank) {
				const upper = index < FINE_BUCKETS ? (index + 1) * FINE_WIDTH_MS : FINE_LIMIT_MS + (index - FINE_BUCKETS + 1) * COARSE_WIDTH_MS;
				return Math.min(upper, this.#max);
			}
		}
		return this.#max;
	}

	/** p50, p90, p99, max and mean of what was counted. */
	public summary(): LatencySummary {
		return {
			count: this.#count,
			p50: this.quantile(0.5),
			p90: this.quantile(0.9),
			p99: this.quantile(0.99),
			max: this.#count === 0 ? Number.NaN : this.#max,
			mean: this.#count === 0 ? Number.NaN : this.#sum / this.#count
		};
	}
}

/** Exact p50, p90, p99, max and mean of `samples` (milliseconds), by nearest rank; NaN figures when there are none. */
export function summarize(samples: readonly number[]): LatencySummary {
	if (samples.length === 0) return { count: 0, p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
	const sorted = Float64Array.from(samples).sort();
	const at = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
	let sum = 0;
	for (const value of sorted) sum += value;
	return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1]!, mean: sum / sorted.length };
}
