/**
 * REST rate limits as Discord reports them ("Rate Limits" topic): per-route buckets keyed by the major parameter
 * (channel, guild, or webhook id + token), `X-RateLimit-Limit / Remaining / Reset / Reset-After / Bucket` headers,
 * 429 with `retry_after` (seconds) and `X-RateLimit-Scope`, plus 429s injected by tests (per route or global, with
 * `X-RateLimit-Global`). Windows use real time, because clients wait in real time.
 */
import { createHash } from 'node:crypto';
import { normalizeRoute } from '../recorder.js';
import type { RateLimitInjection } from '../types.js';

interface Bucket {
	remaining: number;
	resetAt: number;
}

export interface RateLimitDecision {
	headers: Record<string, string>;
	/** Set when the request must be answered with 429. */
	limited?: { retryAfter: number; global: boolean; scope: string; injected: boolean };
}

const MAJOR_PARAMETERS = ['channel_id', 'guild_id', 'webhook_id', 'interaction_id'];

export class RateLimiter {
	readonly #buckets = new Map<string, Bucket>();
	readonly #injections: (RateLimitInjection & { remaining: number })[] = [];

	public constructor(
		public limit: number,
		public windowMs: number
	) {}

	/** Makes the next `count` (default 1) requests matching `route` (or any route) answer 429. */
	public inject(injection: RateLimitInjection): void {
		if (!(injection.retryAfter >= 0)) throw new RangeError('retryAfter must be a number of seconds');
		this.#injections.push({ ...injection, remaining: injection.count ?? 1 });
	}

	/** Injections not consumed yet. */
	public get pending(): number {
		return this.#injections.reduce((sum, injection) => sum + injection.remaining, 0);
	}

	/** Changes the enforced bucket size (requests per window). */
	public configure(limit: number, windowMs = this.windowMs): void {
		this.limit = limit;
		this.windowMs = windowMs;
		this.#buckets.clear();
	}

	/** Counts a request against its bucket and decides whether it is rate limited. */
	public take(method: string, route: string, params: Record<string, string>): RateLimitDecision {
		const now = Date.now();
		const hash = createHash('sha1').update(`${method} ${route}`).digest('hex').slice(0, 32);
		const major = MAJOR_PARAMETERS.filter((name) => params[name]).map((name) => params[name]).join(':');
		const key = `${hash}:${major}`;
		let bucket = this.#buckets.get(key);
		if (!bucket || bucket.resetAt <= now) {
			bucket = { remaining: this.limit, resetAt: now + this.windowMs };
			this.#buckets.set(key, bucket);
		}
		const injected = this.#consumeInjection(method, route);
		if (injected) {
			const scope = injected.scope ?? (injected.global ? 'global' : 'user');
			const headers: Record<string, string> = {
				'retry-after': String(Math.ceil(injected.retryAfter)),
				'x-ratelimit-scope': scope
			};
			if (injected.global) headers['x-ratelimit-global'] = 'true';
			else Object.assign(headers, bucketHeaders(this.limit, 0, now + injected.retryAfter * 1000, hash, now));
			return {
				headers,
				limited: { retryAfter: injected.retryAfter, global: injected.global ?? false, scope, injected: true }
			};
		}
		if (bucket.remaining <= 0) {
			const retryAfter = (bucket.resetAt - now) / 1000;
			return {
				headers: {
					...bucketHeaders(this.limit, 0, bucket.resetAt, hash, now),
					'retry-after': String(Math.ceil(retryAfter)),
					'x-ratelimit-scope': 'user'
				},
				limited: { retryAfter, global: false, scope: 'user', injected: false }
			};
		}
		bucket.remaining--;
		return { headers: bucketHeaders(this.limit, bucket.remaining, bucket.resetAt, hash, now) };
	}

	#consumeInjection(method: string, route: string) {
		const wanted = `${method} ${normalizeRoute(route)}`;
		const injection = this.#injections.find((candidate) => {
			if (candidate.remaining <= 0) return false;
			if (!candidate.route) return true;
			const [m, p] = candidate.route.trim().split(/\s+/, 2);
			return p ? `${m!.toUpperCase()} ${normalizeRoute(p)}` === wanted : normalizeRoute(m!) === normalizeRoute(route);
		});
		if (!injection) return undefined;
		injection.remaining--;
		return injection;
	}
}

function bucketHeaders(limit: number, remaining: number, resetAt: number, hash: string, now: number) {
	return {
		'x-ratelimit-limit': String(limit),
		'x-ratelimit-remaining': String(remaining),
		'x-ratelimit-reset': (resetAt / 1000).toFixed(3),
		'x-ratelimit-reset-after': ((resetAt - now) / 1000).toFixed(3),
		'x-ratelimit-bucket': hash
	};
}
