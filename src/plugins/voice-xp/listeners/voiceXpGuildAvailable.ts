import { Events, type Listener } from '@sapphire/framework';
import { PluginListener } from '../../../lib/plugins/pieces.js';
import type { Guild } from 'discord.js';

/**
 * GUILD_CREATE of a guild the bot knew (a new gateway session after an INVALID_SESSION, or the end of an outage):
 * its voice states are the truth again, so the guild's sessions are rebuilt from them. Time accrued before is kept and
 * the database's watermark ignores anything already counted, so nothing counts twice.
 */
export class VoiceXpGuildAvailableListener extends PluginListener<'voice-xp', typeof Events.GuildAvailable> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { plugin: 'voice-xp', event: Events.GuildAvailable });
	}

	public async handle(guild: Guild): Promise<void> {
		await this.service.sessions.rebuildGuild(guild);
	}
}
