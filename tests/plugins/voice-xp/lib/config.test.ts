import { describe, expect, it } from 'vitest';
import { defaultVoiceXpConfig, voiceXpConfigSchema } from '../../../../src/plugins/voice-xp/lib/config.js';

const ROLE_A = '300000000000000001';
const ROLE_B = '300000000000000002';
const CHANNEL = '400000000000000001';

describe('voiceXpConfigSchema', () => {
	it('gives every rule its default from an empty object', () => {
		expect(voiceXpConfigSchema.parse({})).toEqual({
			xpPerMinute: 6,
			afkChannelIneligible: true,
			excludedChannelIds: [],
			excludedCategoryIds: [],
			streamingCountsAlone: false,
			tiers: [],
			levelUpAnnouncement: 'off',
			announcementChannelId: null,
			flushIntervalSeconds: 60
		});
		expect(defaultVoiceXpConfig).toEqual(voiceXpConfigSchema.parse({}));
	});

	it('keeps valid values', () => {
		const config = voiceXpConfigSchema.parse({
			xpPerMinute: 10,
			excludedChannelIds: [CHANNEL],
			streamingCountsAlone: true,
			tiers: [
				{ roleId: ROLE_A, minMinutes: 60 },
				{ roleId: ROLE_B, minMinutes: 600 }
			],
			levelUpAnnouncement: 'channel',
			announcementChannelId: CHANNEL,
			flushIntervalSeconds: 30
		});
		expect(config.xpPerMinute).toBe(10);
		expect(config.tiers).toHaveLength(2);
		expect(config.levelUpAnnouncement).toBe('channel');
	});

	it.each([
		['a rate of zero', { xpPerMinute: 0 }, 'xpPerMinute'],
		['a fractional rate', { xpPerMinute: 1.5 }, 'xpPerMinute'],
		['a flush interval over 60 seconds', { flushIntervalSeconds: 61 }, 'flushIntervalSeconds'],
		['an id that is not a snowflake', { excludedChannelIds: ['general'] }, 'excludedChannelIds'],
		['an unknown announcement target', { levelUpAnnouncement: 'everywhere' }, 'levelUpAnnouncement'],
		['channel announcements without a channel', { levelUpAnnouncement: 'channel' }, 'announcementChannelId'],
		['a negative tier minimum', { tiers: [{ roleId: ROLE_A, minMinutes: -1 }] }, 'tiers'],
		[
			'a role used by two tiers',
			{ tiers: [{ roleId: ROLE_A, minMinutes: 1 }, { roleId: ROLE_A, minMinutes: 2 }] },
			'tiers'
		],
		[
			'two tiers with the same minimum',
			{ tiers: [{ roleId: ROLE_A, minMinutes: 5 }, { roleId: ROLE_B, minMinutes: 5 }] },
			'tiers'
		]
	])('rejects %s, naming the field', (_name, input, field) => {
		const result = voiceXpConfigSchema.safeParse(input);
		expect(result.success).toBe(false);
		expect(result.error!.issues[0]!.path[0]).toBe(field);
	});
});
