/**
 * Turning eligible milliseconds into XP and voice seconds, in integers, with every fraction carried
 * (issue 4: "counted to the second … fractions carried over, never lost to rounding").
 *
 * XP: eligible time is weighted by the rate into "XP units" of XP·ms/minute (`ms × xpPerMinute`; 60,000 units make
 * one XP). A member keeps a carry of units below one XP (0 ≤ carry < 60,000):
 *   gained = floor((carry + units) / 60,000), new carry = (carry + units) mod 60,000.
 * So 10 flushes of 6 s at 6 XP/min give exactly 6 XP, the same as one flush of 60 s.
 *
 * Voice time: the same with milliseconds and seconds (0 ≤ msCarry < 1,000).
 *
 * The batched flush (flush.ts) does the same arithmetic in SQL; these functions are the reference it is tested against.
 */

/** XP units in one XP: milliseconds in a minute, since units are ms × XP/minute. */
export const XP_UNITS_PER_XP = 60_000;

/** Milliseconds in a second. */
export const MS_PER_SECOND = 1_000;

function assertNonNegativeInteger(name: string, value: number): void {
	if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

/**
 * XP units for a stretch of eligible time at a rate.
 *
 * @param eligibleMs eligible milliseconds (integer ≥ 0)
 * @param xpPerMinute XP per eligible minute (integer ≥ 0)
 * @returns units of XP·ms/minute (`eligibleMs × xpPerMinute`)
 * @throws RangeError on negative or non-integer input
 */
export function xpUnitsFor(eligibleMs: number, xpPerMinute: number): number {
	assertNonNegativeInteger('eligibleMs', eligibleMs);
	assertNonNegativeInteger('xpPerMinute', xpPerMinute);
	return eligibleMs * xpPerMinute;
}

/** Result of {@link accrueXp}. */
export interface XpAccrual {
	/** Whole XP gained. */
	gainedXp: number;
	/** Units carried to the next accrual, 0 ≤ carry < 60,000 (XP·ms/minute). */
	xpCarry: number;
}

/**
 * Adds XP units to a carry and splits the sum into whole XP and a new carry.
 *
 * @param xpCarry the member's carry in XP·ms/minute (integer, 0 ≤ carry < 60,000)
 * @param xpUnits new units in XP·ms/minute (integer ≥ 0), see {@link xpUnitsFor}
 * @throws RangeError on negative, non-integer or out-of-range input
 */
export function accrueXp(xpCarry: number, xpUnits: number): XpAccrual {
	assertNonNegativeInteger('xpCarry', xpCarry);
	assertNonNegativeInteger('xpUnits', xpUnits);
	if (xpCarry >= XP_UNITS_PER_XP) throw new RangeError(`xpCarry must be below ${XP_UNITS_PER_XP}, got ${xpCarry}`);
	const sum = xpCarry + xpUnits;
	return { gainedXp: Math.floor(sum / XP_UNITS_PER_XP), xpCarry: sum % XP_UNITS_PER_XP };
}

/** Result of {@link accrueVoiceTime}. */
export interface VoiceTimeAccrual {
	/** Whole seconds of voice time gained. */
	gainedSeconds: number;
	/** Milliseconds carried to the next accrual, 0 ≤ msCarry < 1,000. */
	msCarry: number;
}

/**
 * Adds eligible milliseconds to a millisecond carry and splits the sum into whole seconds and a new carry.
 *
 * @param msCarry the member's carry in milliseconds (integer, 0 ≤ msCarry < 1,000)
 * @param eligibleMs new eligible milliseconds (integer ≥ 0)
 * @throws RangeError on negative, non-integer or out-of-range input
 */
export function accrueVoiceTime(msCarry: number, eligibleMs: number): VoiceTimeAccrual {
	assertNonNegativeInteger('msCarry', msCarry);
	assertNonNegativeInteger('eligibleMs', eligibleMs);
	if (msCarry >= MS_PER_SECOND) throw new RangeError(`msCarry must be below ${MS_PER_SECOND}, got ${msCarry}`);
	const sum = msCarry + eligibleMs;
	return { gainedSeconds: Math.floor(sum / MS_PER_SECOND), msCarry: sum % MS_PER_SECOND };
}

/**
 * Recovers the XP a row gained from the units added and the carry after the addition, without knowing the carry
 * before it: since 0 ≤ previous carry < 60,000 and previous carry + units = gained × 60,000 + new carry,
 * `gained = ceil((units − new carry) / 60,000)`. The flush uses it to tell the previous level from a returned row.
 *
 * @param xpUnits units added (XP·ms/minute, integer ≥ 0)
 * @param newXpCarry the carry after the addition (0 ≤ carry < 60,000)
 * @returns whole XP gained
 */
export function gainedXpFromCarry(xpUnits: number, newXpCarry: number): number {
	return Math.max(0, Math.ceil((xpUnits - newXpCarry) / XP_UNITS_PER_XP));
}
