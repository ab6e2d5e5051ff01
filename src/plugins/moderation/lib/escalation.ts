import type { EscalationStep } from './config.js';

/**
 * Escalation (issue 8, "Timed actions and escalation"): thresholds of active warnings, each with an action, applied
 * automatically once per threshold crossing.
 */

/**
 * The threshold a change of a member's active-warning count crosses upwards, or null: the step with the largest
 * `warnings` such that `before < warnings <= after`. At most one step per change (a warning adds one, so in practice
 * `after = before + 1` and the step is the one whose count equals `after`); nothing when the count did not grow, so
 * a count that stays (a warning given while another expired) or falls (a pardon) never applies a step again.
 * Reaching a count again after falling below it (pardon, expiry) is a new crossing.
 * @param steps the config's thresholds (any order).
 * @param before active warnings before the new warning.
 * @param after active warnings with it.
 */
export function crossedThreshold(steps: readonly EscalationStep[], before: number, after: number): EscalationStep | null {
	if (!(after > before)) return null;
	let crossed: EscalationStep | null = null;
	for (const step of steps) {
		if (step.warnings > before && step.warnings <= after && (crossed === null || step.warnings > crossed.warnings)) crossed = step;
	}
	return crossed;
}
