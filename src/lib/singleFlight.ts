/**
 * Concurrent asks for one key share one run: the first caller's `run` starts, later callers get its promise until it
 * settles, and then the key is forgotten (nothing is cached: a later ask runs again). For lookups that a burst of
 * events asks for at once: a raid posting one invite (automod), ticket opens in one guild (tickets).
 */
export class SingleFlight<K, V> {
	readonly #running = new Map<K, Promise<V>>();

	/**
	 * The promise of the run under way for `key`, or of a new one started with `run`.
	 * @returns what `run` resolves to. @throws (rejects with) what `run` rejects with, for every caller that shared it.
	 */
	public run(key: K, run: () => Promise<V>): Promise<V> {
		let running = this.#running.get(key);
		if (!running) {
			running = run().finally(() => this.#running.delete(key));
			this.#running.set(key, running);
		}
		return running;
	}

	/** How many keys have a run under way. */
	public get size(): number {
		return this.#running.size;
	}
}
