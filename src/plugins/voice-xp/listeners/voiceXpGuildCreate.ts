import { Events, Listener } from '@sapphire/framework';
import type { Guild } from 'discord.js';
import { voiceXp } from '../service/runtime.js';

/** GUILD_CREATE of a guild the bot just joined: start the sessions of the members already in voice there. */
export class VoiceXpGuildCreateListener extends Listener<typeof Events.GuildCreate> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.GuildCreate });
	}

	public override async run(guild: Guild): Promise<void> {
		await voiceXp().rebuildGuild(guild);
	}
}
