import { describe, expect, it } from 'vitest';
import { defaultModerationConfig, MAX_BAN_SECONDS, MAX_TIMEOUT_SECONDS, moderationConfigSchema } from '../../../../src/plugins/moderation/lib/config.js';

const ROLE = '300000000000000001';
const CHANNEL = '400000000000000001';

/** The paths of the problems zod finds, joined with dots. */
const problemPaths = (input: unknown) => (moderationConfigSchema.safeParse(input).error?.issues ?? []).map((issue) => issue.path.join('.'));

describe('moderationConfigSchema', () => {
	it('gives every field its default from an empty object', () => {
		expect(moderationConfigSchema.parse({})).toEqual({
			modLogChannelId: null,
			dm: { warn: true, timeout: true, kick: true, ban: true },
			warningLifetimeDays: 90,
			escalation: [],
			protectedRoleIds: [],
			requireReason: false,
			appealText: null
		});
		expect(defaultModerationConfig).toEqual(moderationConfigSchema.parse({}));
	});

	it('fills in the DM switches that are not given', () => {
		expect(moderationConfigSchema.parse({ dm: { ban: false } }).dm).toEqual({ warn: true, timeout: true, kick: true, ban: false });
	});

	it('keeps valid values and sorts escalation steps by warning count', () => {
		const config = moderationConfigSchema.parse({
			modLogChannelId: CHANNEL,
			warningLifetimeDays: 0,
			escalation: [
				{ warnings: 7, action: 'ban', durationSeconds: 7 * 86_400 },
				{ warnings: 3, action: 'timeout', durationSeconds: 3_600 },
				{ warnings: 5, action: 'kick' },
				{ warnings: 9, action: 'ban' }
			],
			protectedRoleIds: [ROLE],
			requireReason: true,
			appealText: '  Write to appeals@example.org  '
		});
		expect(config.escalation.map((step) => step.warnings)).toEqual([3, 5, 7, 9]);
		expect(config.escalation[3]).toEqual({ warnings: 9, action: 'ban' });
		expect(config.appealText).toBe('Write to appeals@example.org');
		expect(config.warningLifetimeDays).toBe(0);
	});

	it('refuses a timeout without a duration, or longer than 28 days', () => {
		expect(problemPaths({ escalation: [{ warnings: 3, action: 'timeout' }] })).toEqual(['escalation.0.durationSeconds']);
		expect(problemPaths({ escalation: [{ warnings: 3, action: 'timeout', durationSeconds: MAX_TIMEOUT_SECONDS + 1 }] })).toEqual(['escalation.0.durationSeconds']);
		expect(problemPaths({ escalation: [{ warnings: 3, action: 'timeout', durationSeconds: MAX_TIMEOUT_SECONDS }] })).toEqual([]);
	});

	it('refuses a ban longer than 365 days and a kick with a duration', () => {
		expect(problemPaths({ escalation: [{ warnings: 3, action: 'ban', durationSeconds: MAX_BAN_SECONDS + 1 }] })).toEqual(['escalation.0.durationSeconds']);
		expect(problemPaths({ escalation: [{ warnings: 3, action: 'kick', durationSeconds: 60 }] })).toEqual(['escalation.0.durationSeconds']);
	});

	it('refuses two steps with the same warning count, more than 10 steps, counts below 1 and fractions', () => {
		expect(problemPaths({ escalation: [{ warnings: 3, action: 'kick' }, { warnings: 3, action: 'ban' }] })).toEqual(['escalation.1.warnings']);
		const eleven = Array.from({ length: 11 }, (_, index) => ({ warnings: index + 1, action: 'kick' }));
		expect(problemPaths({ escalation: eleven })).toEqual(['escalation']);
		expect(problemPaths({ escalation: [{ warnings: 0, action: 'kick' }] })).toEqual(['escalation.0.warnings']);
		expect(problemPaths({ escalation: [{ warnings: 1.5, action: 'kick' }] })).toEqual(['escalation.0.warnings']);
		expect(problemPaths({ escalation: [{ warnings: 2, action: 'mute' }] })).toEqual(['escalation.0.action']);
	});

	it('refuses bad ids, too many protected roles, a negative lifetime, an empty or too long appeal text', () => {
		expect(problemPaths({ modLogChannelId: 'general' })).toEqual(['modLogChannelId']);
		expect(problemPaths({ protectedRoleIds: Array.from({ length: 51 }, (_, index) => `${300000000000000000n + BigInt(index)}`) })).toEqual(['protectedRoleIds']);
		expect(problemPaths({ warningLifetimeDays: -1 })).toEqual(['warningLifetimeDays']);
		expect(problemPaths({ appealText: '   ' })).toEqual(['appealText']);
		expect(problemPaths({ appealText: 'x'.repeat(1_001) })).toEqual(['appealText']);
	});
});
