import { Events, type Listener } from '@sapphire/framework';
import { PluginListener } from '../../../lib/plugins/pieces.js';
import type { Guild } from 'discord.js';

/** The guild's AFK channel changed (GUILD_UPDATE): members there stop earning (or start) from now on. */
export class VoiceXpGuildUpdateListener extends PluginListener<'voice-xp', typeof Events.GuildUpdate> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { plugin: 'voice-xp', event: Events.GuildUpdate });
	}

	public handle(previous: Guild, guild: Guild): void {
		if (previous.afkChannelId === guild.afkChannelId) return;
		this.service.sessions.guildLayoutChanged(guild);
	}
}
