import { container } from '@sapphire/framework';
import { performance } from 'node:perf_hooks';

const lastWarned = new Map<string, number>();

/**
 * Logs a warning at most once per `intervalMs` (default one minute) for a given key, so an outage that repeats an
 * error every reconnect attempt fills one line a minute, not thousands.
 */
export function throttledWarn(key: string, message: string, error?: unknown, intervalMs = 60_000): void {
	const now = performance.now();
	const last = lastWarned.get(key);
	if (last !== undefined && now - last < intervalMs) return;
	lastWarned.set(key, now);
	if (error === undefined) container.logger.warn(message);
	else container.logger.warn(message, error);
}
