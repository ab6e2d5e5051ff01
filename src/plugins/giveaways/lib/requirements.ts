import type { GiveawayBonus, GiveawayRequirements } from '../entities/Giveaway.js';

/**
 * Entry requirements and bonus entries (issue 11, "Entry") as plain functions: the service gathers the member's facts
 * (roles from the interaction, account and membership age, the voice level from the voice-xp plugin when it is on)
 * and translates the failures.
 */

/** Discord's epoch (2015-01-01 UTC, ms): a snowflake's top 42 bits are milliseconds since it. */
const DISCORD_EPOCH = 1_420_070_400_000;

/** What the requirements look at. */
export interface EntrantFacts {
	userId: string;
	roleIds: readonly string[];
	bot: boolean;
	/** When the member joined the guild (ms), null when unknown. */
	joinedAt: number | null;
	/** The member's voice-XP level, or null when the voice-xp plugin is off in the guild (or not installed). */
	voiceLevel: number | null;
}

/** One unmet requirement, with the values its translated reason shows (durations in seconds). */
export type RequirementFailure =
	| { code: 'bot' }
	| { code: 'missingRoles'; roleIds: string[]; all: boolean }
	| { code: 'forbiddenRole'; roleId: string }
	| { code: 'accountTooNew'; minSeconds: number; ageSeconds: number }
	| { code: 'memberTooNew'; minSeconds: number; ageSeconds: number }
	| { code: 'voiceLevel'; minLevel: number; level: number }
	| { code: 'voiceUnavailable' };

/** When a user's account was made (ms), from their snowflake. */
export function accountCreatedAt(userId: string): number {
	return Number(BigInt(userId) >> 22n) + DISCORD_EPOCH;
}

/**
 * Every requirement the entrant does not meet, in a stable order (bots first: they never enter). An empty list means
 * they may enter.
 * @param now ms on the bot's clock.
 */
export function unmetRequirements(facts: EntrantFacts, requirements: GiveawayRequirements, now: number): RequirementFailure[] {
	if (facts.bot) return [{ code: 'bot' }];
	const failures: RequirementFailure[] = [];
	const held = new Set(facts.roleIds);
	const required = requirements.requiredRoleIds;
	if (required.length > 0) {
		const missing = required.filter((id) => !held.has(id));
		const met = requirements.requireAllRoles ? missing.length === 0 : missing.length < required.length;
		if (!met) failures.push({ code: 'missingRoles', roleIds: requirements.requireAllRoles ? missing : [...required], all: requirements.requireAllRoles });
	}
	const forbidden = requirements.forbiddenRoleIds.find((id) => held.has(id));
	if (forbidden) failures.push({ code: 'forbiddenRole', roleId: forbidden });
	if (requirements.minAccountAgeSeconds > 0) {
		const ageSeconds = Math.floor((now - accountCreatedAt(facts.userId)) / 1_000);
		if (ageSeconds < requirements.minAccountAgeSeconds) failures.push({ code: 'accountTooNew', minSeconds: requirements.minAccountAgeSeconds, ageSeconds });
	}
	if (requirements.minMemberAgeSeconds > 0) {
		const ageSeconds = facts.joinedAt === null ? 0 : Math.floor((now - facts.joinedAt) / 1_000);
		if (ageSeconds < requirements.minMemberAgeSeconds) failures.push({ code: 'memberTooNew', minSeconds: requirements.minMemberAgeSeconds, ageSeconds });
	}
	if (requirements.minVoiceLevel !== null) {
		if (facts.voiceLevel === null) failures.push({ code: 'voiceUnavailable' });
		else if (facts.voiceLevel < requirements.minVoiceLevel) failures.push({ code: 'voiceLevel', minLevel: requirements.minVoiceLevel, level: facts.voiceLevel });
	}
	return failures;
}

/** Most entries one member can have: 100 (1 plus a bonus of at most 99; lib/draw.ts weights are 1 to 100). */
export const MAX_WEIGHT = 100;

/** A member's entries in the draw: 1 plus the largest bonus among the roles they hold (bonuses do not add up). */
export function entryWeight(roleIds: readonly string[], bonus: readonly GiveawayBonus[]): number {
	const held = new Set(roleIds);
	const extra = bonus.reduce((best, entry) => (held.has(entry.roleId) ? Math.max(best, entry.entries) : best), 0);
	return Math.min(MAX_WEIGHT, 1 + extra);
}
