import { Events, Listener } from '@sapphire/framework';
import type { DMChannel, GuildChannel } from 'discord.js';
import { voiceXp } from '../service/runtime.js';

/** A voice channel moved to another category (CHANNEL_UPDATE): excluded categories apply to it from now on. */
export class VoiceXpChannelUpdateListener extends Listener<typeof Events.ChannelUpdate> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.ChannelUpdate });
	}

	public override run(previous: DMChannel | GuildChannel, channel: DMChannel | GuildChannel): void {
		if (channel.isDMBased() || previous.isDMBased() || !channel.isVoiceBased()) return;
		if (previous.parentId === channel.parentId) return;
		voiceXp().guildLayoutChanged(channel.guild);
	}
}
