import { Events, type Listener } from '@sapphire/framework';
import { PluginListener } from '../../../lib/plugins/pieces.js';
import type { Guild } from 'discord.js';

/** The bot left a guild (or was removed): its sessions end, their time is written; the stats stay in the database. */
export class VoiceXpGuildDeleteListener extends PluginListener<'voice-xp', typeof Events.GuildDelete> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { plugin: 'voice-xp', event: Events.GuildDelete });
	}

	public async handle(guild: Guild): Promise<void> {
		await this.service.sessions.dropGuild(guild.id);
	}
}
