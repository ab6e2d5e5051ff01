import { Events, type Listener } from '@sapphire/framework';
import { PluginListener } from '../../../lib/plugins/pieces.js';
import type { Guild } from 'discord.js';

/** GUILD_CREATE of a guild the bot just joined: start the sessions of the members already in voice there. */
export class VoiceXpGuildCreateListener extends PluginListener<'voice-xp', typeof Events.GuildCreate> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { plugin: 'voice-xp', event: Events.GuildCreate });
	}

	public async handle(guild: Guild): Promise<void> {
		await this.service.sessions.rebuildGuild(guild);
	}
}
