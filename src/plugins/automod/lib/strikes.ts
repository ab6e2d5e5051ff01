import type { StrikeThreshold } from './config.js';
import { strongerPunishment } from './evaluate.js';

/**
 * Strike escalation (issue 9, "Strikes"): each threshold says "`points` within `windowSeconds` → `action`". A strike
 * crosses a threshold when the points in that threshold's window were below it before the strike and reach it with
 * the strike; a threshold is applied once per crossing, so a member who stays above it is not punished again for
 * every new strike until the window has let points fall below it. When one strike crosses several thresholds, the
 * strongest action is applied (lib/evaluate.ts `strongerPunishment`).
 */

/**
 * The threshold a strike crossed, if any.
 * @param thresholds the guild's thresholds (config `strikes`).
 * @param points the strike's points (≥ 1).
 * @param after the points within each threshold's window after the strike, in the thresholds' order
 *   (service/windows.ts `SlidingWindows.strike`).
 * @returns the strongest threshold crossed, or null.
 */
export function crossedStrikeThreshold(thresholds: readonly StrikeThreshold[], points: number, after: readonly number[]): StrikeThreshold | null {
	let crossed: StrikeThreshold | null = null;
	thresholds.forEach((threshold, index) => {
		const total = after[index] ?? 0;
		const before = total - points;
		if (before < threshold.points && total >= threshold.points) {
			const candidate = { punish: threshold.action, durationSeconds: threshold.durationSeconds };
			if (!crossed || strongerPunishment(candidate, { punish: crossed.action, durationSeconds: crossed.durationSeconds })) crossed = threshold;
		}
	});
	return crossed;
}
