import { Events, Listener } from '@sapphire/framework';
import type { Guild } from 'discord.js';
import { voiceXp } from '../service/runtime.js';

/** The bot left a guild (or was removed): its sessions end, their time is written; the stats stay in the database. */
export class VoiceXpGuildDeleteListener extends Listener<typeof Events.GuildDelete> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.GuildDelete });
	}

	public override async run(guild: Guild): Promise<void> {
		await voiceXp().dropGuild(guild.id);
	}
}
