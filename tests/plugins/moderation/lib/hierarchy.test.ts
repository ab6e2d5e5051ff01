import { describe, expect, it } from 'vitest';
import { assertMayAct, compareRoles, refusalError, refusalReasons, type HierarchyInput, type RankedMember } from '../../../../src/plugins/moderation/lib/hierarchy.js';

const OWNER = '100000000000000001';
const MOD = '100000000000000002';
const TARGET = '100000000000000003';
const BOT = '100000000000000004';
const PROTECTED = '200000000000000009';

const member = (id: string, position: number, roleIds: string[] = []): RankedMember => ({
	id,
	highestRole: { id: `${200000000000000000n + BigInt(position)}`, position },
	roleIds
});

/** A guild where the bot's role is at 10, the moderator's at 5, the target's at 2. */
const base = (overrides: Partial<HierarchyInput> = {}): HierarchyInput => ({
	actor: member(MOD, 5),
	target: member(TARGET, 2),
	bot: member(BOT, 10),
	ownerId: OWNER,
	protectedRoleIds: [PROTECTED],
	...overrides
});

describe('refusalReasons', () => {
	it('lets a moderator act on a member below them and below the bot', () => {
		expect(refusalReasons(base())).toEqual([]);
	});

	it('refuses the actor themselves, the bot, the owner', () => {
		expect(refusalReasons(base({ target: member(MOD, 5) }))).toEqual(['targetIsActor', 'targetAboveActor']);
		expect(refusalReasons(base({ target: member(BOT, 10) }))).toContain('targetIsBot');
		expect(refusalReasons(base({ target: member(OWNER, 0) }))[0]).toBe('targetIsOwner');
	});

	it('refuses a member with a protected role, whoever acts', () => {
		expect(refusalReasons(base({ target: member(TARGET, 2, [PROTECTED]) }))).toEqual(['targetProtected']);
		expect(refusalReasons(base({ actor: member(OWNER, 0), target: member(TARGET, 2, [PROTECTED]) }))).toEqual(['targetProtected']);
	});

	it('refuses a target at or above the actor, unless the actor is the owner', () => {
		expect(refusalReasons(base({ target: member(TARGET, 5) }))).toEqual(['targetAboveActor']);
		expect(refusalReasons(base({ target: member(TARGET, 7) }))).toEqual(['targetAboveActor']);
		expect(refusalReasons(base({ actor: member(OWNER, 0), target: member(TARGET, 7) }))).toEqual([]);
	});

	it('refuses a target at or above the bot, even for the owner', () => {
		expect(refusalReasons(base({ actor: member(OWNER, 0), target: member(TARGET, 10) }))).toEqual(['targetAboveBot']);
		expect(refusalReasons(base({ actor: member(OWNER, 0), target: member(TARGET, 12) }))).toEqual(['targetAboveBot']);
	});

	it('applies only the bot rule when the bot acts itself (escalation, automod)', () => {
		expect(refusalReasons(base({ actor: member(BOT, 10), target: member(TARGET, 9) }))).toEqual([]);
		expect(refusalReasons(base({ actor: member(BOT, 10), target: member(TARGET, 10) }))).toEqual(['targetAboveBot']);
	});

	it('applies only the identity rules to a user who is not a member', () => {
		expect(refusalReasons(base({ target: { id: TARGET } }))).toEqual([]);
		expect(refusalReasons(base({ target: { id: MOD } }))).toEqual(['targetIsActor']);
		expect(refusalReasons(base({ target: { id: OWNER } }))).toEqual(['targetIsOwner']);
	});

	it('orders equal positions as Discord does: the older role (smaller id) is above', () => {
		const older = { id: '200000000000000001', position: 3 };
		const newer = { id: '200000000000000002', position: 3 };
		expect(compareRoles(older, newer)).toBeGreaterThan(0);
		expect(compareRoles(newer, older)).toBeLessThan(0);
		expect(compareRoles(older, older)).toBe(0);
		const actor: RankedMember = { id: MOD, highestRole: newer, roleIds: [] };
		expect(refusalReasons(base({ actor, target: { id: TARGET, highestRole: older, roleIds: [] } }))).toEqual(['targetAboveActor']);
		expect(refusalReasons(base({ actor: { ...actor, highestRole: older }, target: { id: TARGET, highestRole: newer, roleIds: [] } }))).toEqual([]);
	});
});

describe('refusal errors', () => {
	it('maps each reason to its translated error naming the target', () => {
		expect(refusalError('targetAboveBot', TARGET).identifier).toBe('moderation:errors.targetAboveBot');
		expect(refusalError('targetAboveBot', TARGET).context).toEqual({ user: `<@${TARGET}>` });
		expect(refusalError('targetIsActor', TARGET).identifier).toBe('moderation:errors.targetIsActor');
	});

	it('assertMayAct throws the first reason and nothing when allowed', () => {
		expect(() => assertMayAct(base())).not.toThrow();
		expect(() => assertMayAct(base({ target: member(OWNER, 12) }))).toThrow('moderation:errors.targetIsOwner');
	});
});
