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

/**
 * The path parameters that split a route's limit into buckets. Discord's rate-limit documentation: "Top-level resources
 * are currently limited to channels (channel_id), guilds (guild_id), and webhooks (webhook_id or webhook_id +
 * webhook_token)": each interaction's token (the application's webhook routes: follow-ups, @original) has its own.
 */
const MAJOR_PARAMETERS = ['channel_id', 'guild_id', 'webhook_id', 'webhook_token', 'interaction_id'];

export class RateLimiter {
	readonly #buckets = new Map<string, Bucket>();
	readonly #injections: (RateLimitInjection & { remaining: number; next?: () => number })[] = [];

	public constructor(
		public limit: number,
		public windowMs: number
	) {}

	/**
	 * Makes the next `count` (default 1) requests matching `route` (or any route) answer 429; with `share`, that share
	 * of them at random (seeded) until `untilMs` or `count`.
	 * @throws RangeError for a negative `retryAfter` or a `share` outside (0, 1].
	 */
	public inject(injection: RateLimitInjection): void {
		if (!(injection.retryAfter >= 0)) throw new RangeError('retryAfter must be a number of seconds');
		if (injection.share !== undefined && !(injection.share > 0 && injection.share <= 1)) throw new RangeError('share must be in (0, 1]');
		const remaining = injection.count ?? (injection.share !== undefined ? Number.POSITIVE_INFINITY : 1);
		this.#injections.push({ ...injection, remaining, ...(injection.share !== undefined ? { next: mulberry32(injection.seed ?? 1) } : {}) });
	}

	/** Removes every injection, spent or not (the end of a chaos phase). */
	public clearInjections(): void {
		this.#injections.length = 0;
	}

	/** Injections not consumed yet (a `share` injection still running counts as Infinity). */
	public get pending(): number {
		const now = Date.now();
		return this.#injections.reduce((sum, injection) => sum + (injection.untilMs !== undefined && injection.untilMs <= now ? 0 : injection.remaining), 0);
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
		const matches = (pattern: string) => {
			const [m, p] = pattern.trim().split(/\s+/, 2);
			return p ? `${m!.toUpperCase()} ${normalizeRoute(p)}` === wanted : normalizeRoute(m!) === normalizeRoute(route);
		};
		const now = Date.now();
		const injection = this.#injections.find((candidate) => {
			if (candidate.remaining <= 0) return false;
			if (candidate.untilMs !== undefined && candidate.untilMs <= now) return false;
			if (candidate.route && !matches(candidate.route)) return false;
			if (candidate.exclude?.some(matches)) return false;
			// A chaos injection answers its share of the matching requests.
			return candidate.next ? candidate.next() < candidate.share! : true;
		});
		if (!injection) return undefined;
		injection.remaining--;
		return injection;
	}
}

/** A small seeded PRNG (mulberry32): floats in [0, 1). */
function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
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
