import { describe, expect, it } from 'vitest';
import { defaultVoiceXpConfig, type VoiceXpConfig } from '../../../../src/plugins/voice-xp/lib/config.js';
import {
	evaluateChannel,
	type ChannelEligibilityContext,
	type VoiceOccupant
} from '../../../../src/plugins/voice-xp/lib/eligibility.js';

const CHANNEL = '500000000000000001';
const CATEGORY = '500000000000000002';
const AFK = '500000000000000003';

function member(userId: string, flags: Partial<VoiceOccupant> = {}): VoiceOccupant {
	return { userId, bot: false, selfMute: false, selfDeaf: false, mute: false, deaf: false, selfStream: false, selfVideo: false, ...flags };
}

function bot(userId: string): VoiceOccupant {
	return member(userId, { bot: true });
}

function context(config: Partial<VoiceXpConfig> = {}, overrides: Partial<ChannelEligibilityContext> = {}): ChannelEligibilityContext {
	return { channelId: CHANNEL, parentId: CATEGORY, afkChannelId: AFK, config: { ...defaultVoiceXpConfig, ...config }, ...overrides };
}

function reasons(occupants: VoiceOccupant[], ctx = context()): Record<string, string> {
	return Object.fromEntries(evaluateChannel(occupants, ctx).map((r) => [r.userId, r.eligible ? 'eligible' : r.reason!]));
}

describe('evaluateChannel', () => {
	it('makes two unmuted humans eligible', () => {
		expect(evaluateChannel([member('a'), member('b')], context())).toEqual([
			{ userId: 'a', eligible: true },
			{ userId: 'b', eligible: true }
		]);
	});

	it('never lets a bot earn', () => {
		expect(reasons([member('a'), member('b'), bot('x')])).toEqual({ a: 'eligible', b: 'eligible', x: 'bot' });
	});

	it('marks a member alone as alone', () => {
		expect(reasons([member('a')])).toEqual({ a: 'alone' });
	});

	it('marks everyone in the AFK channel as afk, unless the guild turned the rule off', () => {
		expect(reasons([member('a'), member('b')], context({}, { channelId: AFK }))).toEqual({ a: 'afk', b: 'afk' });
		expect(reasons([member('a'), member('b')], context({ afkChannelIneligible: false }, { channelId: AFK }))).toEqual({
			a: 'eligible',
			b: 'eligible'
		});
	});

	it('marks an excluded channel and a channel in an excluded category as excluded', () => {
		expect(reasons([member('a'), member('b')], context({ excludedChannelIds: [CHANNEL] }))).toEqual({ a: 'excluded', b: 'excluded' });
		expect(reasons([member('a'), member('b')], context({ excludedCategoryIds: [CATEGORY] }))).toEqual({ a: 'excluded', b: 'excluded' });
		expect(reasons([member('a'), member('b')], context({ excludedCategoryIds: [CATEGORY] }, { parentId: null }))).toEqual({
			a: 'eligible',
			b: 'eligible'
		});
	});

	it('marks self- and server-muted members as muted, and deafened ones as deafened', () => {
		expect(
			reasons([
				member('a'),
				member('b'),
				member('selfMuted', { selfMute: true }),
				member('serverMuted', { mute: true }),
				member('selfDeaf', { selfDeaf: true, selfMute: true }),
				member('serverDeaf', { deaf: true })
			])
		).toEqual({ a: 'eligible', b: 'eligible', selfMuted: 'muted', serverMuted: 'muted', selfDeaf: 'deafened', serverDeaf: 'deafened' });
	});

	it('counts a muted or deafened human as company for the others', () => {
		expect(reasons([member('a'), member('m', { selfMute: true })])).toEqual({ a: 'eligible', m: 'muted' });
		expect(reasons([member('a'), member('d', { selfDeaf: true })])).toEqual({ a: 'eligible', d: 'deafened' });
	});

	it('makes nobody earn when bots are at least as many as humans', () => {
		expect(reasons([member('a'), member('b'), bot('x'), bot('y')])).toEqual({ a: 'bots', b: 'bots', x: 'bot', y: 'bot' });
		expect(reasons([member('a'), member('b'), member('c'), bot('x'), bot('y')])).toEqual({
			a: 'eligible',
			b: 'eligible',
			c: 'eligible',
			x: 'bot',
			y: 'bot'
		});
	});

	it('reports alone rather than bots for one human with a bot', () => {
		expect(reasons([member('a'), bot('x')])).toEqual({ a: 'alone', x: 'bot' });
	});

	describe('streamingCountsAlone', () => {
		it('is off by default: a streamer alone earns nothing', () => {
			expect(reasons([member('s', { selfStream: true })])).toEqual({ s: 'alone' });
		});

		it('lets a streamer or a member with the camera on earn alone or with bots only', () => {
			const config = { streamingCountsAlone: true };
			expect(reasons([member('s', { selfStream: true })], context(config))).toEqual({ s: 'eligible' });
			expect(reasons([member('v', { selfVideo: true })], context(config))).toEqual({ v: 'eligible' });
			expect(reasons([member('s', { selfStream: true }), bot('x')], context(config))).toEqual({ s: 'eligible', x: 'bot' });
		});

		it('does not help a member who neither streams nor shows the camera', () => {
			expect(reasons([member('a')], context({ streamingCountsAlone: true }))).toEqual({ a: 'alone' });
		});

		it('still refuses a muted, deafened, AFK or excluded streamer', () => {
			const config = { streamingCountsAlone: true };
			expect(reasons([member('s', { selfStream: true, selfMute: true })], context(config))).toEqual({ s: 'muted' });
			expect(reasons([member('s', { selfStream: true, deaf: true })], context(config))).toEqual({ s: 'deafened' });
			expect(reasons([member('s', { selfStream: true })], context(config, { channelId: AFK }))).toEqual({ s: 'afk' });
			expect(reasons([member('s', { selfVideo: true })], context({ ...config, excludedChannelIds: [CHANNEL] }))).toEqual({
				s: 'excluded'
			});
		});
	});
});
