/**
 * Counts the database round trips a MikroORM (PostgreSQL) instance really makes, at the driver: every `query()` call
 * on a `pg` client of the ORM's pool is one request/response exchange with the server (pg sends a query's
 * parse/bind/execute/sync messages together and waits for the answer). Whatever MikroORM or Kysely add on their own
 * (session resets, `pg_backend_pid()`, transactions) is counted too, since it goes through the same call.
 */
import type { MikroORM } from '@mikro-orm/postgresql';

/** The part of a `pg` client this counter touches. */
interface QueryingClient {
	query: (...args: unknown[]) => unknown;
}

/** The part of a `pg` pool this counter touches (`acquire` fires each time a client is checked out). */
interface EventedPool {
	on(event: 'acquire', listener: (client: QueryingClient) => void): unknown;
}

/**
 * A running count of driver round trips and of the time spent in them, with the SQL text of each (first 60
 * characters) when asked.
 */
export class RoundTripCounter {
	/** Round trips since the last {@link reset}. */
	public count = 0;
	/**
	 * Milliseconds from each `query()` call until its promise settled (request, server work, response parsed into
	 * rows by pg), summed since the last {@link reset}. Queries overlapping in time are each counted in full.
	 */
	public driverMs = 0;
	/** The beginning of each statement since the last reset, when `keepStatements` is on. */
	public readonly statements: string[] = [];
	public keepStatements = false;
	/** Told the SQL text of every round trip (e.g. to count one kind of statement). */
	public onQuery: ((sql: string) => void) | null = null;
	readonly #wrapped = new WeakSet<QueryingClient>();

	private constructor() {}

	/**
	 * Starts counting the round trips of `orm`'s connection pool (clients checked out from now on; a client is
	 * wrapped once, on its first checkout).
	 */
	public static async attach(orm: MikroORM): Promise<RoundTripCounter> {
		const counter = new RoundTripCounter();
		const pool = (await orm.em.getConnection().getNativeClient()) as unknown as EventedPool;
		pool.on('acquire', (client) => counter.#wrap(client));
		return counter;
	}

	/** Sets the count to zero (and forgets the kept statements). */
	public reset(): void {
		this.count = 0;
		this.driverMs = 0;
		this.statements.length = 0;
	}

	#wrap(client: QueryingClient): void {
		if (this.#wrapped.has(client)) return;
		this.#wrapped.add(client);
		const original = client.query.bind(client);
		client.query = (...args: unknown[]) => {
			this.count++;
			if (this.keepStatements || this.onQuery) {
				const first = args[0];
				const text = typeof first === 'string' ? first : String((first as { text?: unknown } | undefined)?.text ?? '(cursor)');
				if (this.keepStatements) this.statements.push(text.replace(/\s+/g, ' ').trim().slice(0, 60));
				this.onQuery?.(text);
			}
			const started = performance.now();
			const result = original(...args);
			if (result instanceof Promise) {
				void result.then(
					() => (this.driverMs += performance.now() - started),
					() => (this.driverMs += performance.now() - started)
				);
			}
			return result;
		};
	}
}
