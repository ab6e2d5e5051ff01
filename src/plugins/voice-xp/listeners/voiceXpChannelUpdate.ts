import { Events, type Listener } from '@sapphire/framework';
import { PluginListener } from '../../../lib/plugins/pieces.js';
import type { DMChannel, GuildChannel } from 'discord.js';

/** A voice channel moved to another category (CHANNEL_UPDATE): excluded categories apply to it from now on. */
export class VoiceXpChannelUpdateListener extends PluginListener<'voice-xp', typeof Events.ChannelUpdate> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { plugin: 'voice-xp', event: Events.ChannelUpdate });
	}

	public handle(previous: DMChannel | GuildChannel, channel: DMChannel | GuildChannel): void {
		if (channel.isDMBased() || previous.isDMBased() || !channel.isVoiceBased()) return;
		if (previous.parentId === channel.parentId) return;
		this.service.sessions.guildLayoutChanged(channel.guild);
	}
}
