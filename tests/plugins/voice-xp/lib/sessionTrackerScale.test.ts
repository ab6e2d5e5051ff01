import { describe, expect, it, vi } from 'vitest';
import * as eligibility from '../../../../src/plugins/voice-xp/lib/eligibility.js';
import { VoiceSessionTracker, type TrackedVoiceState } from '../../../../src/plugins/voice-xp/lib/sessionTracker.js';

vi.mock('../../../../src/plugins/voice-xp/lib/eligibility.js', async (importOriginal) => {
	const original = await importOriginal<typeof import('../../../../src/plugins/voice-xp/lib/eligibility.js')>();
	return { ...original, evaluateChannel: vi.fn(original.evaluateChannel) };
});

const evaluateChannel = vi.mocked(eligibility.evaluateChannel);

function state(userId: string, channelId: string | null, flags: Partial<TrackedVoiceState> = {}): TrackedVoiceState {
	return { userId, channelId, bot: false, selfMute: false, selfDeaf: false, mute: false, deaf: false, selfStream: false, selfVideo: false, ...flags };
}

describe('VoiceSessionTracker at scale (50,000 members in 1,000 guilds)', () => {
	it('re-evaluates only the channels a change touches', () => {
		const tracker = new VoiceSessionTracker();
		// 1,000 guilds × 10 channels × 5 members.
		for (let g = 0; g < 1_000; g++) {
			const states: TrackedVoiceState[] = [];
			for (let c = 0; c < 10; c++) {
				for (let m = 0; m < 5; m++) states.push(state(`u${g}-${c}-${m}`, `c${g}-${c}`));
			}
			tracker.resetGuild(`g${g}`, states, 0);
		}
		expect(tracker.counts()).toEqual({ guilds: 1_000, members: 50_000, earning: 50_000 });

		evaluateChannel.mockClear();
		tracker.applyVoiceState('g500', state('u500-3-0', 'c500-3', { selfMute: true }), 1_000);
		expect(evaluateChannel).toHaveBeenCalledTimes(1);
		expect(evaluateChannel.mock.calls[0]![0]).toHaveLength(5);

		evaluateChannel.mockClear();
		tracker.applyVoiceState('g500', state('u500-3-1', 'c500-4'), 2_000);
		expect(evaluateChannel).toHaveBeenCalledTimes(2);
		expect(evaluateChannel.mock.calls.map((call) => call[1].channelId).sort()).toEqual(['c500-3', 'c500-4']);

		// Nobody outside those channels changed: their stretch still starts at 0.
		expect(tracker.explain('g500', 'u500-5-0')).toMatchObject({ eligibleSince: 0 });
		expect(tracker.explain('g499', 'u499-3-0')).toMatchObject({ eligibleSince: 0 });
		expect(tracker.explain('g500', 'u500-3-2')).toMatchObject({ eligibleSince: 0 });

		const deltas = tracker.drain(60_000);
		expect(deltas).toHaveLength(50_000);
		expect(deltas.find((d) => d.userId === 'u500-3-0')!.eligibleMs).toBe(1_000);
		expect(deltas.find((d) => d.userId === 'u0-0-0')!.eligibleMs).toBe(60_000);
	});
});
