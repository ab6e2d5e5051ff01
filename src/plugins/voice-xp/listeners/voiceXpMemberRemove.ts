import { Events, type Listener } from '@sapphire/framework';
import { PluginListener } from '../../../lib/plugins/pieces.js';
import type { GuildMember, PartialGuildMember } from 'discord.js';

/** A member left the guild (GUILD_MEMBER_REMOVE): their session stops; their stats are kept (issue 4). */
export class VoiceXpMemberRemoveListener extends PluginListener<'voice-xp', typeof Events.GuildMemberRemove> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { plugin: 'voice-xp', event: Events.GuildMemberRemove });
	}

	public handle(member: GuildMember | PartialGuildMember): void {
		this.service.sessions.memberLeft(member.guild.id, member.id);
	}
}
