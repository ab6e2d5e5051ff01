import { describe, expect, it } from 'vitest';
import type { VoiceXpTier } from '../../../../src/plugins/voice-xp/lib/config.js';
import { planTierUpdate, reachedTier, retiredTierRoleIds, roleRanks, tierProblems, tierRoleChanges } from '../../../../src/plugins/voice-xp/lib/tiers.js';

const BRONZE = '600000000000000001';
const SILVER = '600000000000000002';
const GOLD = '600000000000000003';
const OTHER = '600000000000000099';
const tiers: VoiceXpTier[] = [
	{ roleId: SILVER, minMinutes: 600 },
	{ roleId: BRONZE, minMinutes: 60 },
	{ roleId: GOLD, minMinutes: 6_000 }
];
const minutes = (m: number) => m * 60;

describe('reachedTier', () => {
	it('is the highest tier whose minimum is reached, in any list order', () => {
		expect(reachedTier(tiers, minutes(59))).toBeNull();
		expect(reachedTier(tiers, minutes(60))?.roleId).toBe(BRONZE);
		expect(reachedTier(tiers, minutes(599) + 59)?.roleId).toBe(BRONZE);
		expect(reachedTier(tiers, minutes(600))?.roleId).toBe(SILVER);
		expect(reachedTier(tiers, minutes(100_000))?.roleId).toBe(GOLD);
		expect(reachedTier([], minutes(100_000))).toBeNull();
	});
});

describe('tierRoleChanges', () => {
	it('gives the first tier to a member who reaches it', () => {
		expect(tierRoleChanges(tiers, minutes(60), [OTHER])).toEqual({ tierRoleId: BRONZE, add: [BRONZE], remove: [] });
	});

	it('promotes: adds the new tier and removes the previous one, leaving other roles alone', () => {
		expect(tierRoleChanges(tiers, minutes(600), [OTHER, BRONZE])).toEqual({ tierRoleId: SILVER, add: [SILVER], remove: [BRONZE] });
	});

	it('changes nothing for a member who holds exactly their tier', () => {
		expect(tierRoleChanges(tiers, minutes(700), [SILVER, OTHER])).toEqual({ tierRoleId: SILVER, add: [], remove: [] });
	});

	it('demotes when voice time drops (an admin adjustment)', () => {
		expect(tierRoleChanges(tiers, minutes(100), [GOLD])).toEqual({ tierRoleId: BRONZE, add: [BRONZE], remove: [GOLD] });
	});

	it('removes every tier role after a reset to zero', () => {
		expect(tierRoleChanges(tiers, 0, [GOLD, SILVER, BRONZE, OTHER])).toEqual({ tierRoleId: null, add: [], remove: [SILVER, BRONZE, GOLD] });
	});
});

describe('tierProblems', () => {
	const positions = new Map([
		[BRONZE, 1],
		[SILVER, 5],
		[GOLD, 9]
	]);

	it('reports roles at or above the bot and roles that no longer exist', () => {
		const statuses = tierProblems(tiers, 5, true, new Map([...positions].filter(([id]) => id !== GOLD)));
		expect(statuses).toEqual([
			{ roleId: SILVER, minMinutes: 600, problems: ['role-above-bot'] },
			{ roleId: BRONZE, minMinutes: 60, problems: [] },
			{ roleId: GOLD, minMinutes: 6_000, problems: ['role-missing'] }
		]);
	});

	it('reports a missing Manage Roles permission on every tier', () => {
		const statuses = tierProblems(tiers, 10, false, positions);
		expect(statuses.map((status) => status.problems)).toEqual([['missing-manage-roles'], ['missing-manage-roles'], ['missing-manage-roles']]);
	});

	it('reports nothing when the bot sits above every tier role with Manage Roles', () => {
		expect(tierProblems(tiers, 10, true, positions).every((status) => status.problems.length === 0)).toBe(true);
	});
});

describe('planTierUpdate', () => {
	const positions = new Map([
		[BRONZE, 1],
		[SILVER, 5],
		[GOLD, 9]
	]);

	it('applies a promotion the bot can make', () => {
		const plan = planTierUpdate(tiers, minutes(600), [BRONZE], tierProblems(tiers, 10, true, positions));
		expect(plan).toEqual({ kind: 'apply', tierRoleId: SILVER, add: [SILVER], remove: [BRONZE] });
	});

	it('attempts nothing when a role involved sits at or above the bot, and says which', () => {
		const plan = planTierUpdate(tiers, minutes(6_000), [SILVER], tierProblems(tiers, 9, true, positions));
		expect(plan).toEqual({
			kind: 'blocked',
			tierRoleId: GOLD,
			blocked: [{ roleId: GOLD, minMinutes: 6_000, problems: ['role-above-bot'] }]
		});
	});

	it('attempts nothing without Manage Roles', () => {
		const plan = planTierUpdate(tiers, minutes(60), [], tierProblems(tiers, 10, false, positions));
		expect(plan.kind).toBe('blocked');
	});

	it('has nothing to do when the member already holds the right tier, even if another tier is broken', () => {
		const plan = planTierUpdate(tiers, minutes(60), [BRONZE], tierProblems(tiers, 5, true, positions));
		expect(plan).toEqual({ kind: 'none', tierRoleId: BRONZE });
	});
});

describe('roleRanks', () => {
	it('orders roles by position, and at equal positions puts the older (smaller) id higher, as Discord does', () => {
		const ranks = roleRanks([
			{ id: '600000000000000010', position: 3 },
			{ id: '600000000000000005', position: 3 },
			{ id: '600000000000000001', position: 0 },
			{ id: '600000000000000020', position: 7 }
		]);
		expect([...ranks.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id)).toEqual([
			'600000000000000001',
			'600000000000000010',
			'600000000000000005',
			'600000000000000020'
		]);
	});

	it('makes a role at the same position as the bot but newer manageable, and an older one not', () => {
		const bot = '600000000000000050';
		const ranks = roleRanks([
			{ id: bot, position: 4 },
			{ id: BRONZE, position: 4 },
			{ id: '600000000000000060', position: 4 }
		]);
		const statuses = tierProblems(
			[
				{ roleId: BRONZE, minMinutes: 1 },
				{ roleId: '600000000000000060', minMinutes: 2 }
			],
			ranks.get(bot)!,
			true,
			ranks
		);
		expect(statuses.map((status) => status.problems)).toEqual([['role-above-bot'], []]);
	});
});

describe('tierProblems with integration roles', () => {
	it('reports a role managed by an integration, which nobody can give', () => {
		const positions = new Map([
			[BRONZE, 1],
			[SILVER, 2],
			[GOLD, 3]
		]);
		const statuses = tierProblems(tiers, 10, true, positions, new Set([SILVER]));
		expect(statuses.find((status) => status.roleId === SILVER)?.problems).toEqual(['role-managed']);
		expect(statuses.find((status) => status.roleId === BRONZE)?.problems).toEqual([]);
	});
});

describe('retired tier roles (/xp tiers remove)', () => {
	const RETIRED = '600000000000000042';

	it('are the stored tier roles that are no longer tiers, each once, ignoring members without a tier', () => {
		expect(retiredTierRoleIds(tiers, [BRONZE, null, RETIRED, SILVER, RETIRED, OTHER])).toEqual([RETIRED, OTHER]);
		expect(retiredTierRoleIds(tiers, [BRONZE, null])).toEqual([]);
		expect(retiredTierRoleIds([], [RETIRED])).toEqual([RETIRED]);
	});

	it('are taken from a holder, who gets the next lower tier they reach', () => {
		expect(tierRoleChanges(tiers, minutes(700), [RETIRED, OTHER], [RETIRED])).toEqual({ tierRoleId: SILVER, add: [SILVER], remove: [RETIRED] });
	});

	it('are taken even when no tier is left or reached', () => {
		expect(tierRoleChanges([], minutes(700), [RETIRED, OTHER], [RETIRED])).toEqual({ tierRoleId: null, add: [], remove: [RETIRED] });
		expect(tierRoleChanges(tiers, minutes(1), [RETIRED], [RETIRED])).toEqual({ tierRoleId: null, add: [], remove: [RETIRED] });
	});

	it('are left alone when the member does not hold them', () => {
		expect(tierRoleChanges(tiers, minutes(60), [BRONZE], [RETIRED])).toEqual({ tierRoleId: BRONZE, add: [], remove: [] });
	});

	it('block the change when the bot cannot take them, and not otherwise', () => {
		const all = [...tiers, { roleId: RETIRED, minMinutes: 0 }];
		const positions = new Map([
			[BRONZE, 1],
			[SILVER, 5],
			[GOLD, 9],
			[RETIRED, 12]
		]);
		const blocked = planTierUpdate(tiers, minutes(60), [RETIRED], tierProblems(all, 10, true, positions), [RETIRED]);
		expect(blocked).toEqual({ kind: 'blocked', tierRoleId: BRONZE, blocked: [{ roleId: RETIRED, minMinutes: 0, problems: ['role-above-bot'] }] });
		const applied = planTierUpdate(tiers, minutes(60), [RETIRED], tierProblems(all, 20, true, positions), [RETIRED]);
		expect(applied).toEqual({ kind: 'apply', tierRoleId: BRONZE, add: [BRONZE], remove: [RETIRED] });
	});
});
