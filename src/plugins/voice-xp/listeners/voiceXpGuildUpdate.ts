import { Events, Listener } from '@sapphire/framework';
import type { Guild } from 'discord.js';
import { voiceXp } from '../service/runtime.js';

/** The guild's AFK channel changed (GUILD_UPDATE): members there stop earning (or start) from now on. */
export class VoiceXpGuildUpdateListener extends Listener<typeof Events.GuildUpdate> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.GuildUpdate });
	}

	public override run(previous: Guild, guild: Guild): void {
		if (previous.afkChannelId === guild.afkChannelId) return;
		voiceXp().guildLayoutChanged(guild);
	}
}
