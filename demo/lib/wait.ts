/** Waiting helpers of the demo (real time, short polls). */

/** Real milliseconds between two checks of a condition. */
const POLL_MS = 15;

/**
 * Resolves once `condition()` returns true, checking every 15 ms of real time.
 * @param what what is awaited, for the error message
 * @param timeoutMs real milliseconds before giving up (default 10,000)
 * @throws Error naming `what` when the condition is still false after `timeoutMs`
 */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, POLL_MS));
	}
}
