import { Events, Listener } from '@sapphire/framework';
import type { VoiceState } from 'discord.js';
import { voiceXp } from '../service/runtime.js';

/**
 * VOICE_STATE_UPDATE: a member joined, left, moved, (un)muted, (un)deafened, started or stopped streaming or the camera.
 * The tracker re-evaluates everyone in the old and the new channel from this moment. A state identical to the one held
 * (a replayed event) changes nothing. Not run in guilds where voice-xp is off (the core's guard).
 */
export class VoiceXpVoiceStateUpdateListener extends Listener<typeof Events.VoiceStateUpdate> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.VoiceStateUpdate });
	}

	public override run(_previous: VoiceState, state: VoiceState): void {
		voiceXp().voiceStateChanged(state);
	}
}
