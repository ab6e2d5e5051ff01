import { InteractionHandlerTypes, type InteractionHandler } from '@sapphire/framework';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, ComponentType, EmbedBuilder, MessageFlags, PermissionFlagsBits, type ButtonInteraction, type Interaction } from 'discord.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { PluginInteractionHandler } from '../../../lib/plugins/pieces.js';
import { NO_PINGS, replyEphemeral } from '../../../lib/replies.js';
import { ALERT_TIMEOUT_SECONDS, parseAlertButton, type AlertAction } from '../views/messages.js';

/** The permission each alert button needs from the moderator who presses it. */
const NEEDED = { timeout: 'ModerateMembers', ban: 'BanMembers', dismiss: 'ManageMessages' } as const satisfies Record<AlertAction, keyof typeof PermissionFlagsBits>;

/**
 * The buttons of an automod alert (views/messages.ts `alertMessage`): time the member out for an hour, ban them (both
 * as moderation cases in the presser's name, through the moderation service and its refusal rules), or dismiss the
 * alert. The alert is then edited (its action buttons go, a line says who did what) and the moderator gets an ephemeral answer. A moderator without the button's
 * permission is refused and nothing happens; moderation's refusals (the member left, is above the bot) are answered
 * by the core's `interactionHandlerErrorReply` listener, translated.
 */
export class AutomodAlertButtonHandler extends PluginInteractionHandler<'automod'> {
	public constructor(context: InteractionHandler.LoaderContext, options: InteractionHandler.Options) {
		super(context, { ...options, plugin: 'automod', interactionHandlerType: InteractionHandlerTypes.Button });
	}

	public parseInteraction(interaction: Interaction) {
		const parsed = interaction.isButton() && interaction.guildId ? parseAlertButton(interaction.customId) : null;
		return parsed ? this.some(parsed) : this.none();
	}

	public override async run(interaction: ButtonInteraction, { action, userId }: { action: AlertAction; userId: string }) {
		const { t } = await translateInteraction(interaction);
		const permission = NEEDED[action];
		if (!interaction.memberPermissions?.has(PermissionFlagsBits[permission])) {
			return replyEphemeral(interaction, t('core:preconditions.preconditionUserPermissions', { permissions: t(`core:permissions.${permission}`) }));
		}
		// Moderation calls Discord, DMs the member and writes PostgreSQL: more than Discord's 3 seconds to answer. The
		// deferral is an ephemeral reply (not an update) so that a refusal answered by the core never touches the alert.
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		const guildId = interaction.guildId!;
		const base = { targetId: userId, moderatorId: interaction.user.id, reason: t('automod:alert.caseReason') };
		let outcome: string;
		if (action === 'timeout') {
			const result = await this.service.moderation.timeout(guildId, { ...base, until: this.service.ctx.clock.now() + ALERT_TIMEOUT_SECONDS * 1_000 });
			outcome = t('automod:alert.timedOut', { case: result.case.number });
		} else if (action === 'ban') {
			const result = await this.service.moderation.ban(guildId, base);
			outcome = t('automod:alert.banned', { case: result.case.number });
		} else {
			outcome = t('automod:alert.dismissed');
		}
		const embed = EmbedBuilder.from(interaction.message.embeds[0]!).addFields({ name: t('automod:alert.handled'), value: `<@${interaction.user.id}>: ${outcome}` });
		const links = interaction.message.components
			.flatMap((row) => (row.type === ComponentType.ActionRow ? row.components : []))
			.flatMap((component) => (component.type === ComponentType.Button && component.style === ButtonStyle.Link ? [ButtonBuilder.from(component.toJSON())] : []));
		const components = links.length > 0 ? [new ActionRowBuilder<ButtonBuilder>().addComponents(links)] : [];
		await interaction.message.edit({ embeds: [embed], components, ...NO_PINGS });
		return interaction.editReply({ content: outcome, ...NO_PINGS });
	}
}
