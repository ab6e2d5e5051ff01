import { Events, Listener } from '@sapphire/framework';
import type { GuildMember, PartialGuildMember } from 'discord.js';
import { voiceXp } from '../service/runtime.js';

/** A member left the guild (GUILD_MEMBER_REMOVE): their session stops; their stats are kept (issue 4). */
export class VoiceXpMemberRemoveListener extends Listener<typeof Events.GuildMemberRemove> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.GuildMemberRemove });
	}

	public override run(member: GuildMember | PartialGuildMember): void {
		voiceXp().memberLeft(member.guild.id, member.id);
	}
}
