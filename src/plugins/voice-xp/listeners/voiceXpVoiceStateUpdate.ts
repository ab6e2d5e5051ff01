import { Events, type Listener } from '@sapphire/framework';
import { PluginListener } from '../../../lib/plugins/pieces.js';
import type { VoiceState } from 'discord.js';

/**
 * VOICE_STATE_UPDATE: a member joined, left, moved, (un)muted, (un)deafened, started or stopped streaming or the camera.
 * The tracker re-evaluates everyone in the old and the new channel from this moment. A state identical to the one held
 * (a replayed event) changes nothing. Not run in guilds where voice-xp is off (the core's guard).
 */
export class VoiceXpVoiceStateUpdateListener extends PluginListener<'voice-xp', typeof Events.VoiceStateUpdate> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { plugin: 'voice-xp', event: Events.VoiceStateUpdate });
	}

	public handle(_previous: VoiceState, state: VoiceState): void {
		this.service.sessions.voiceStateChanged(state);
	}
}
