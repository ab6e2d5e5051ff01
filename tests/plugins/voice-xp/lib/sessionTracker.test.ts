import { describe, expect, it } from 'vitest';
import { defaultVoiceXpConfig } from '../../../../src/plugins/voice-xp/lib/config.js';
import { VoiceSessionTracker, type TrackedVoiceState, type VoiceXpDelta } from '../../../../src/plugins/voice-xp/lib/sessionTracker.js';

const GUILD = '700000000000000001';
const OTHER_GUILD = '700000000000000002';
const ROOM = '710000000000000001';
const LOUNGE = '710000000000000002';
const AFK = '710000000000000003';
const CATEGORY = '720000000000000001';
const SECOND = 1_000;

function state(userId: string, channelId: string | null, flags: Partial<TrackedVoiceState> = {}): TrackedVoiceState {
	return { userId, channelId, bot: false, selfMute: false, selfDeaf: false, mute: false, deaf: false, selfStream: false, selfVideo: false, ...flags };
}

/** Deltas by user id, for readable assertions. */
function byUser(deltas: VoiceXpDelta[]): Record<string, Pick<VoiceXpDelta, 'eligibleMs' | 'from' | 'to'>> {
	return Object.fromEntries(deltas.map((d) => [d.userId, { eligibleMs: d.eligibleMs, from: d.from, to: d.to }]));
}

describe('VoiceSessionTracker', () => {
	it('starts accruing for both members when a second one joins, not before', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('a', ROOM), 0);
		expect(tracker.explain(GUILD, 'a')).toEqual({ inVoice: true, channelId: ROOM, eligibility: { eligible: false, reason: 'alone' }, eligibleSince: null });
		tracker.applyVoiceState(GUILD, state('b', ROOM), 10 * SECOND);
		expect(tracker.explain(GUILD, 'a')).toMatchObject({ eligibility: { eligible: true }, eligibleSince: 10 * SECOND });

		const deltas = tracker.drain(70 * SECOND);
		expect(byUser(deltas)).toEqual({
			a: { eligibleMs: 60 * SECOND, from: 10 * SECOND, to: 70 * SECOND },
			b: { eligibleMs: 60 * SECOND, from: 10 * SECOND, to: 70 * SECOND }
		});
		expect(deltas.every((d) => d.guildId === GUILD && d.xpUnits === d.eligibleMs * 6)).toBe(true);
	});

	it('stops the one left behind when the other leaves', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('a', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('b', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('b', null), 30 * SECOND);
		expect(tracker.explain(GUILD, 'b')).toEqual({ inVoice: false });
		expect(tracker.explain(GUILD, 'a')).toMatchObject({ eligibility: { eligible: false, reason: 'alone' } });
		expect(byUser(tracker.drain(60 * SECOND))).toEqual({
			a: { eligibleMs: 30 * SECOND, from: 0, to: 60 * SECOND },
			b: { eligibleMs: 30 * SECOND, from: 0, to: 60 * SECOND }
		});
	});

	it('stops a member who mutes, while the other keeps earning with a muted companion', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('a', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('b', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('a', ROOM, { selfMute: true }), 20 * SECOND);
		expect(tracker.explain(GUILD, 'a')).toMatchObject({ eligibility: { eligible: false, reason: 'muted' } });
		expect(tracker.explain(GUILD, 'b')).toMatchObject({ eligibility: { eligible: true }, eligibleSince: 0 });
		tracker.applyVoiceState(GUILD, state('a', ROOM), 50 * SECOND);
		expect(byUser(tracker.drain(60 * SECOND))).toEqual({
			a: { eligibleMs: 30 * SECOND, from: 0, to: 60 * SECOND },
			b: { eligibleMs: 60 * SECOND, from: 0, to: 60 * SECOND }
		});
	});

	it('stops everyone when a bot joins and bots become as many as humans, and restarts them when it leaves', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('a', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('b', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('music', ROOM, { bot: true }), 0);
		expect(tracker.explain(GUILD, 'a')).toMatchObject({ eligibility: { eligible: true } });
		tracker.applyVoiceState(GUILD, state('radio', ROOM, { bot: true }), 10 * SECOND);
		expect(tracker.explain(GUILD, 'a')).toMatchObject({ eligibility: { eligible: false, reason: 'bots' } });
		expect(tracker.explain(GUILD, 'radio')).toMatchObject({ eligibility: { eligible: false, reason: 'bot' } });
		tracker.applyVoiceState(GUILD, state('radio', null, { bot: true }), 40 * SECOND);
		const deltas = byUser(tracker.drain(60 * SECOND));
		expect(deltas).toEqual({
			a: { eligibleMs: 30 * SECOND, from: 0, to: 60 * SECOND },
			b: { eligibleMs: 30 * SECOND, from: 0, to: 60 * SECOND }
		});
	});

	it('re-evaluates both channels when a member moves', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('a', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('b', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('c', LOUNGE), 0);
		tracker.applyVoiceState(GUILD, state('b', LOUNGE), 15 * SECOND);
		expect(tracker.explain(GUILD, 'a')).toMatchObject({ eligibility: { eligible: false, reason: 'alone' } });
		expect(tracker.explain(GUILD, 'c')).toMatchObject({ eligibility: { eligible: true }, eligibleSince: 15 * SECOND });
		expect(byUser(tracker.drain(60 * SECOND))).toEqual({
			a: { eligibleMs: 15 * SECOND, from: 0, to: 60 * SECOND },
			b: { eligibleMs: 60 * SECOND, from: 0, to: 60 * SECOND },
			c: { eligibleMs: 45 * SECOND, from: 15 * SECOND, to: 60 * SECOND }
		});
	});

	it('keeps open sessions accruing across drains, each window starting where the last ended', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('a', ROOM), 5 * SECOND);
		tracker.applyVoiceState(GUILD, state('b', ROOM), 5 * SECOND);
		let total = 0;
		let previousTo = 5 * SECOND;
		for (let minute = 1; minute <= 10; minute++) {
			const deltas = tracker.drain(minute * 60 * SECOND + 5 * SECOND + 123);
			const a = deltas.find((d) => d.userId === 'a')!;
			expect(a.from).toBe(previousTo);
			previousTo = a.to;
			total += a.eligibleMs;
		}
		expect(total).toBe(10 * 60 * SECOND + 123);
	});

	it('reports since when a member earns without interruption, across drains and stream toggles', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('a', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('b', ROOM), 5 * SECOND);
		tracker.drain(60 * SECOND);
		tracker.applyVoiceState(GUILD, state('a', ROOM, { selfStream: true }), 70 * SECOND);
		expect(tracker.explain(GUILD, 'a')).toMatchObject({ eligibility: { eligible: true }, eligibleSince: 5 * SECOND });
		expect(byUser(tracker.drain(120 * SECOND)).a).toEqual({ eligibleMs: 60 * SECOND, from: 60 * SECOND, to: 120 * SECOND });
	});

	it('hands out nothing twice and nothing for members who did not earn', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('alone', ROOM), 0);
		expect(tracker.drain(60 * SECOND)).toEqual([]);
		expect(tracker.drain(60 * SECOND)).toEqual([]);
	});

	it('ignores a replayed identical voice state', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('a', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('b', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('a', ROOM), 30 * SECOND);
		tracker.applyVoiceState(GUILD, state('nobody', null), 30 * SECOND);
		expect(tracker.explain(GUILD, 'a')).toMatchObject({ eligibleSince: 0 });
		expect(byUser(tracker.drain(60 * SECOND)).a).toEqual({ eligibleMs: 60 * SECOND, from: 0, to: 60 * SECOND });
	});

	it('keeps the first start of a window when a member leaves and comes back before the drain', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('b', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('a', ROOM), 10 * SECOND);
		tracker.applyVoiceState(GUILD, state('a', null), 20 * SECOND);
		tracker.applyVoiceState(GUILD, state('a', ROOM), 30 * SECOND);
		expect(byUser(tracker.drain(60 * SECOND)).a).toEqual({ eligibleMs: 40 * SECOND, from: 10 * SECOND, to: 60 * SECOND });
	});

	it('ends the session of a member who leaves the guild and keeps their time for the drain', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('a', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('b', ROOM), 0);
		tracker.removeMember(GUILD, 'a', 25 * SECOND);
		expect(tracker.explain(GUILD, 'a')).toEqual({ inVoice: false });
		expect(tracker.explain(GUILD, 'b')).toMatchObject({ eligibility: { eligible: false, reason: 'alone' } });
		expect(byUser(tracker.drain(60 * SECOND))).toEqual({
			a: { eligibleMs: 25 * SECOND, from: 0, to: 60 * SECOND },
			b: { eligibleMs: 25 * SECOND, from: 0, to: 60 * SECOND }
		});
	});

	it('rebuilds a guild from fresh voice states, keeping time accrued before', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('a', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('b', ROOM), 0);
		tracker.resetGuild(GUILD, [state('a', LOUNGE), state('c', LOUNGE), state('d', ROOM), state('gone', null)], 20 * SECOND);
		expect(tracker.explain(GUILD, 'b')).toEqual({ inVoice: false });
		expect(tracker.explain(GUILD, 'd')).toMatchObject({ eligibility: { eligible: false, reason: 'alone' } });
		expect(tracker.explain(GUILD, 'c')).toMatchObject({ eligibility: { eligible: true }, eligibleSince: 20 * SECOND });
		expect(tracker.counts()).toEqual({ guilds: 1, members: 3, earning: 2 });
		expect(byUser(tracker.drain(60 * SECOND))).toEqual({
			a: { eligibleMs: 60 * SECOND, from: 0, to: 60 * SECOND },
			b: { eligibleMs: 20 * SECOND, from: 0, to: 60 * SECOND },
			c: { eligibleMs: 40 * SECOND, from: 20 * SECOND, to: 60 * SECOND }
		});
	});

	it('applies a new AFK channel, excluded category and rate from the moment they change', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('a', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('b', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('c', LOUNGE), 0);
		tracker.applyVoiceState(GUILD, state('d', LOUNGE), 0);
		// At 10 s the rate goes from 6 to 12 XP/min.
		tracker.updateGuildContext(GUILD, { config: { ...defaultVoiceXpConfig, xpPerMinute: 12 } }, 10 * SECOND);
		// At 20 s ROOM becomes the AFK channel; at 30 s LOUNGE is put in an excluded category.
		tracker.updateGuildContext(GUILD, { afkChannelId: ROOM }, 20 * SECOND);
		expect(tracker.explain(GUILD, 'a')).toMatchObject({ eligibility: { eligible: false, reason: 'afk' } });
		tracker.updateGuildContext(
			GUILD,
			{ channelParents: [[LOUNGE, CATEGORY]], config: { ...defaultVoiceXpConfig, xpPerMinute: 12, excludedCategoryIds: [CATEGORY] } },
			30 * SECOND
		);
		expect(tracker.explain(GUILD, 'c')).toMatchObject({ eligibility: { eligible: false, reason: 'excluded' } });
		expect(tracker.guildContext(GUILD).afkChannelId).toBe(ROOM);

		const deltas = tracker.drain(60 * SECOND);
		const a = deltas.find((d) => d.userId === 'a')!;
		const c = deltas.find((d) => d.userId === 'c')!;
		expect(a).toMatchObject({ eligibleMs: 20 * SECOND, xpUnits: 10 * SECOND * 6 + 10 * SECOND * 12 });
		expect(c).toMatchObject({ eligibleMs: 30 * SECOND, xpUnits: 10 * SECOND * 6 + 20 * SECOND * 12 });
	});

	it('keeps guilds apart', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('a', ROOM), 0);
		tracker.applyVoiceState(OTHER_GUILD, state('b', ROOM), 0);
		expect(tracker.explain(GUILD, 'a')).toMatchObject({ eligibility: { reason: 'alone' } });
		expect(tracker.explain(OTHER_GUILD, 'a')).toEqual({ inVoice: false });
		expect(tracker.drain(60 * SECOND)).toEqual([]);
	});

	it('stops a removed guild, drains its time once, then forgets it', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('a', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('b', ROOM), 0);
		tracker.removeGuild(GUILD, 30 * SECOND);
		expect(tracker.explain(GUILD, 'a')).toEqual({ inVoice: false });
		expect(byUser(tracker.drain(60 * SECOND)).a).toEqual({ eligibleMs: 30 * SECOND, from: 0, to: 60 * SECOND });
		expect(tracker.counts()).toEqual({ guilds: 0, members: 0, earning: 0 });
		expect(tracker.drain(120 * SECOND)).toEqual([]);
	});

	it('reports unflushed time for /rank without draining it', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('a', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('b', ROOM), 0);
		expect(tracker.unflushed(GUILD, 'a', 45 * SECOND)).toEqual({ eligibleMs: 45 * SECOND, xpUnits: 45 * SECOND * 6 });
		expect(tracker.unflushed(GUILD, 'nobody', 45 * SECOND)).toEqual({ eligibleMs: 0, xpUnits: 0 });
		expect(byUser(tracker.drain(60 * SECOND)).a!.eligibleMs).toBe(60 * SECOND);
	});

	it('counts no time when the clock goes backwards', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('a', ROOM), 50 * SECOND);
		tracker.applyVoiceState(GUILD, state('b', ROOM), 50 * SECOND);
		expect(tracker.drain(40 * SECOND)).toEqual([]);
		expect(byUser(tracker.drain(110 * SECOND)).a!.eligibleMs).toBe(60 * SECOND);
	});

	it('drains only the guilds asked for; the others keep accruing for their own flush', () => {
		const tracker = new VoiceSessionTracker();
		for (const guild of [GUILD, OTHER_GUILD]) {
			tracker.applyVoiceState(guild, state('a', ROOM), 0);
			tracker.applyVoiceState(guild, state('b', ROOM), 0);
		}
		const first = tracker.drain(10 * SECOND, [GUILD]);
		expect(first.map((delta) => delta.guildId)).toEqual([GUILD, GUILD]);
		expect(tracker.unflushed(OTHER_GUILD, 'a', 10 * SECOND).eligibleMs).toBe(10 * SECOND);
		const later = tracker.drain(60 * SECOND, [OTHER_GUILD, OTHER_GUILD, 'unknown-guild']);
		expect(later.map((delta) => [delta.guildId, delta.eligibleMs, delta.from, delta.to])).toEqual([
			[OTHER_GUILD, 60 * SECOND, 0, 60 * SECOND],
			[OTHER_GUILD, 60 * SECOND, 0, 60 * SECOND]
		]);
		expect(byUser(tracker.drain(60 * SECOND, [GUILD])).a).toEqual({ eligibleMs: 50 * SECOND, from: 10 * SECOND, to: 60 * SECOND });
	});

	it('drops a member\'s unwritten time on request (/xp reset) and keeps counting their session from then', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('a', ROOM), 0);
		tracker.applyVoiceState(GUILD, state('b', ROOM), 0);
		tracker.discardPending(GUILD, 'a', 40 * SECOND);
		expect(tracker.unflushed(GUILD, 'a', 40 * SECOND)).toEqual({ eligibleMs: 0, xpUnits: 0 });
		const deltas = byUser(tracker.drain(60 * SECOND));
		expect(deltas.a).toEqual({ eligibleMs: 20 * SECOND, from: 40 * SECOND, to: 60 * SECOND });
		expect(deltas.b).toEqual({ eligibleMs: 60 * SECOND, from: 0, to: 60 * SECOND });
		// A member who left before the reset has nothing left to write.
		tracker.applyVoiceState(GUILD, state('b', null), 70 * SECOND);
		tracker.discardPending(GUILD, 'b', 80 * SECOND);
		expect(byUser(tracker.drain(120 * SECOND)).b).toBeUndefined();
		tracker.discardPending(OTHER_GUILD, 'x', 0);
	});

	it('lists the guilds it tracks, not those being removed', () => {
		const tracker = new VoiceSessionTracker();
		tracker.applyVoiceState(GUILD, state('a', ROOM), 0);
		tracker.updateGuildContext(OTHER_GUILD, { afkChannelId: AFK }, 0);
		expect(tracker.trackedGuildIds().sort()).toEqual([GUILD, OTHER_GUILD]);
		expect(tracker.tracks(OTHER_GUILD)).toBe(true);
		tracker.removeGuild(OTHER_GUILD, 0);
		expect(tracker.tracks(OTHER_GUILD)).toBe(false);
		expect(tracker.trackedGuildIds()).toEqual([GUILD]);
	});
});
