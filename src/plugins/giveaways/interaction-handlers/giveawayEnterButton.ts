import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import { GuildMember, MessageFlags, type ButtonInteraction, type Interaction } from 'discord.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { NO_PINGS } from '../../../lib/replies.js';
import { leaveButton, parseGiveawayButton } from '../views/giveawayMessage.js';
import { refusalLines } from '../views/refusals.js';

/**
 * The Enter button of a giveaway message: enters the member (once; a second press offers Leave), or tells them every
 * requirement they do not meet, ephemerally, in the guild's language. Answered straight away (one PostgreSQL insert
 * keyed by giveaway and member), well inside Discord's 3 seconds; the count on the message is refreshed by a task.
 */
export class GiveawayEnterButtonHandler extends PluginInteractionHandler<'giveaways'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'giveaways', interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public parseInteraction(interaction: Interaction) {
		const parsed = interaction.isButton() && interaction.guildId ? parseGiveawayButton(interaction.customId, 'enter') : null;
		return parsed ? this.some(parsed) : this.none();
	}

	public override async run(interaction: ButtonInteraction, { number }: { number: number }) {
		const { t, locale } = await translateInteraction(interaction);
		const member = interaction.member;
		const roleIds = member instanceof GuildMember ? [...member.roles.cache.keys()] : (member?.roles ?? []);
		const joinedAt = member instanceof GuildMember ? member.joinedTimestamp : member?.joined_at ? Date.parse(member.joined_at) : null;
		const result = await this.service.enter(interaction.guildId!, number, { userId: interaction.user.id, roleIds, bot: interaction.user.bot, joinedAt });
		const reply = { flags: MessageFlags.Ephemeral as const, ...NO_PINGS };
		switch (result.kind) {
			case 'entered':
				return interaction.reply({ ...reply, content: result.weight > 1 ? t('giveaways:enter.enteredWeighted', { entries: result.weight }) : t('giveaways:enter.entered') });
			case 'already':
				return interaction.reply({ ...reply, content: t('giveaways:enter.already'), components: [leaveButton(t, number)] });
			case 'refused':
				return interaction.reply({ ...reply, content: [t('giveaways:enter.refused'), ...refusalLines(t, locale, result.failures).map((line) => `• ${line}`)].join('\n') });
			default:
				return interaction.reply({ ...reply, content: t('giveaways:enter.closed') });
		}
	}
}
