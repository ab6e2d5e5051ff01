/**
 * Resolves with `promise`'s value, or rejects with `Error("<what> took longer than <ms> ms")` after `ms`
 * milliseconds (real time, a timer), whichever comes first. The timer is cleared either way; `promise` itself is
 * not cancelled and keeps running. Used by the /healthz checks (src/lib/observability/httpServer.ts) and by the test
 * helpers, the demo and the benchmark to bound waits on the bot.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}
