/**
 * Resolves with `promise`'s value, or rejects with `Error("<what> took longer than <ms> ms")` after `ms`
 * milliseconds (real time, a timer), whichever comes first. The timer is cleared either way; `promise` itself is
 * not cancelled and keeps running. Used by the /healthz checks (src/lib/observability/httpServer.ts) and by the test
 * helpers, the demo and the benchmark to bound waits on the bot.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	const settled = await beforeDeadline(promise, ms);
	if (settled === DEADLINE_PASSED) throw new Error(`${what} took longer than ${ms} ms`);
	return settled;
}

/** What {@link beforeDeadline} resolves with when the deadline came first. */
export const DEADLINE_PASSED: unique symbol = Symbol('deadline passed');

/**
 * Resolves with `promise`'s value, or with {@link DEADLINE_PASSED} after `ms` milliseconds (real time, a timer),
 * whichever comes first; rejects with `promise`'s error if it fails first. The timer is cleared either way; `promise`
 * keeps running (and a later rejection of it is handled, never left unhandled).
 */
export async function beforeDeadline<T>(promise: Promise<T>, ms: number): Promise<T | typeof DEADLINE_PASSED> {
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<typeof DEADLINE_PASSED>((resolve) => {
		timer = setTimeout(() => resolve(DEADLINE_PASSED), ms);
	});
	try {
		return await Promise.race([promise, deadline]);
	} finally {
		clearTimeout(timer);
	}
}
