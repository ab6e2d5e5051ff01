/**
 * Records every REST call and every gateway frame (both directions) with wait-for helpers, and keeps the list of
 * failures: requests Discord would refuse, which fail the test unless it declared them expected.
 */
import type { EmulatorFailure, GatewayRecord, RestRecord } from './types.js';

interface Waiter<T> {
	predicate: (record: T) => boolean;
	resolve: (record: T) => void;
}

/** Normalizes 'PUT /guilds/:id/members/{user_id}' style routes to 'PUT /guilds/:/members/:' for comparison. */
export function normalizeRoute(route: string): string {
	return route
		.trim()
		.replace(/\{[^}]+\}|:[A-Za-z_.]+/g, ':')
		.replace(/\/+$/, '');
}

export class Recorder {
	/** Every REST call, in arrival order. */
	public readonly rest: RestRecord[] = [];
	/** Every gateway frame, in order: 'send' = emulator to bot, 'receive' = bot to emulator. */
	public readonly gateway: GatewayRecord[] = [];
	readonly #restWaiters = new Set<Waiter<RestRecord>>();
	readonly #gatewayWaiters = new Set<Waiter<GatewayRecord>>();
	#seq = 0;

	/** The `seq` of the last thing recorded (0 before any): remember it, then look at what comes after it. */
	public get seq(): number {
		return this.#seq;
	}

	/** Dispatch names (`t`) sent to the bot after `seq`, in order (optionally only those about `guildId`). */
	public dispatchesSince(seq: number, guildId?: string): string[] {
		return this.gateway
			.filter((record) => record.seq > seq && record.direction === 'send' && record.t !== null)
			.filter((record) => guildId === undefined || guildIdOf(record.d) === guildId)
			.map((record) => record.t!);
	}

	/** Records a REST call (numbering it: `seq`, shared with gateway frames). */
	public recordRest(entry: Omit<RestRecord, 'seq'>): void {
		const record = Object.assign(entry, { seq: ++this.#seq });
		this.rest.push(record);
		for (const waiter of this.#restWaiters) {
			if (waiter.predicate(record)) {
				this.#restWaiters.delete(waiter);
				waiter.resolve(record);
			}
		}
	}

	/** Records a gateway frame (numbering it: `seq`, shared with REST calls). */
	public recordGateway(entry: Omit<GatewayRecord, 'seq'>): void {
		const record = Object.assign(entry, { seq: ++this.#seq });
		this.gateway.push(record);
		for (const waiter of this.#gatewayWaiters) {
			if (waiter.predicate(record)) {
				this.#gatewayWaiters.delete(waiter);
				waiter.resolve(record);
			}
		}
	}

	/** REST calls matching 'METHOD /route' (placeholders `:x` or `{x}`), e.g. 'PUT /guilds/:id/members/:id/roles/:id'. */
	public calls(route: string): RestRecord[] {
		const [method, path] = route.includes(' ') ? route.split(' ', 2) : [undefined, route];
		const wanted = normalizeRoute(path!);
		return this.rest.filter(
			(record) => (!method || record.method === method.toUpperCase()) && normalizeRoute(record.route) === wanted
		);
	}

	/** Dispatches sent to the bot with event name `t` (optionally only to one shard). */
	public dispatches(t: string, shardId?: number): GatewayRecord[] {
		return this.gateway.filter(
			(record) => record.direction === 'send' && record.t === t && (shardId === undefined || record.shardId === shardId)
		);
	}

	/**
	 * Resolves with the first REST call (already recorded or future) matching the predicate. Rejects after
	 * `timeoutMs` real milliseconds (default 10000) with the list of calls seen.
	 */
	public waitForRest(predicate: (record: RestRecord) => boolean, timeoutMs = 10_000): Promise<RestRecord> {
		const found = this.rest.find(predicate);
		if (found) return Promise.resolve(found);
		return this.#wait(this.#restWaiters, predicate, timeoutMs, () =>
			this.rest.map((r) => `${r.method} ${r.path} -> ${r.status}`).join('\n')
		);
	}

	/** Like {@link waitForRest}, for gateway frames. */
	public waitForGateway(predicate: (record: GatewayRecord) => boolean, timeoutMs = 10_000): Promise<GatewayRecord> {
		const found = this.gateway.find(predicate);
		if (found) return Promise.resolve(found);
		return this.#wait(this.#gatewayWaiters, predicate, timeoutMs, () =>
			this.gateway
				.slice(-30)
				.map((r) => `${r.direction} shard ${r.shardId} op ${r.op} ${r.t ?? ''}`)
				.join('\n')
		);
	}

	/** Like {@link waitForRest} but only for calls recorded after this moment. */
	public nextRest(predicate: (record: RestRecord) => boolean, timeoutMs = 10_000): Promise<RestRecord> {
		return this.#wait(this.#restWaiters, predicate, timeoutMs, () => `${this.rest.length} calls so far`);
	}

	/** Like {@link waitForGateway} but only for frames recorded after this moment. */
	public nextGateway(predicate: (record: GatewayRecord) => boolean, timeoutMs = 10_000): Promise<GatewayRecord> {
		return this.#wait(this.#gatewayWaiters, predicate, timeoutMs, () => `${this.gateway.length} frames so far`);
	}

	#wait<T>(
		waiters: Set<Waiter<T>>,
		predicate: (record: T) => boolean,
		timeoutMs: number,
		describe: () => string
	): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			const waiter: Waiter<T> = {
				predicate,
				resolve: (record) => {
					clearTimeout(timer);
					resolve(record);
				}
			};
			const timer = setTimeout(() => {
				waiters.delete(waiter);
				reject(new Error(`emulator recorder: nothing matched within ${timeoutMs} ms. Seen:\n${describe()}`));
			}, timeoutMs);
			waiters.add(waiter);
		});
	}

	/** Drops everything recorded so far (waiters stay). */
	public clear(): void {
		this.rest.length = 0;
		this.gateway.length = 0;
	}
}

function guildIdOf(data: unknown): string | undefined {
	return (data as { guild_id?: string } | null)?.guild_id;
}

/** The failure list with expectations (see DiscordEmulator.expectFailures). */
export class FailureLog {
	public readonly failures: EmulatorFailure[] = [];
	readonly #expectations: ((failure: EmulatorFailure) => boolean)[] = [];

	public constructor(public strict: boolean) {}

	/** Records a failure; returns true when a test declared it expected. */
	public add(failure: Omit<EmulatorFailure, 'at'>): boolean {
		const full = { ...failure, at: Date.now() };
		this.failures.push(full);
		return this.#expectations.some((expect) => expect(full));
	}

	public expect(predicate: (failure: EmulatorFailure) => boolean): void {
		this.#expectations.push(predicate);
	}

	/** Failures no expectation covers. */
	public unexpected(): EmulatorFailure[] {
		return this.failures.filter((failure) => !this.#expectations.some((expect) => expect(failure)));
	}

	/** Forgets failures and expectations (between tests). */
	public reset(): void {
		this.failures.length = 0;
		this.#expectations.length = 0;
	}
}
