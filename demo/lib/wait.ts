/** Waiting helpers of the demo (real time, short polls). */

/** Real milliseconds between two checks of a condition. */
const POLL_MS = 15;

/** Options of {@link waitUntil}. */
export interface WaitOptions {
	/** Real milliseconds before giving up (default 10,000). */
	timeoutMs?: number;
	/** Stops waiting when aborted (throws the signal's reason). */
	signal?: AbortSignal;
}

/**
 * Resolves once `condition()` returns true, checking every 15 ms of real time.
 * @param what what is awaited, for the error message
 * @throws Error naming `what` when the condition is still false after the timeout; the abort reason when aborted
 */
export async function waitUntil(condition: () => boolean, what: string, options: WaitOptions = {}): Promise<void> {
	const timeoutMs = options.timeoutMs ?? 10_000;
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		options.signal?.throwIfAborted();
		if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, POLL_MS));
	}
}
