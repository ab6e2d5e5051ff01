import { Events, Listener } from '@sapphire/framework';
import type { Guild } from 'discord.js';
import { voiceXp } from '../service/runtime.js';

/**
 * GUILD_CREATE of a guild the bot knew (a new gateway session after an INVALID_SESSION, or the end of an outage):
 * its voice states are the truth again, so the guild's sessions are rebuilt from them. Time accrued before is kept and
 * the database's watermark ignores anything already counted, so nothing counts twice.
 */
export class VoiceXpGuildAvailableListener extends Listener<typeof Events.GuildAvailable> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.GuildAvailable });
	}

	public override async run(guild: Guild): Promise<void> {
		await voiceXp().rebuildGuild(guild);
	}
}
