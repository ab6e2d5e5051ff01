import { GuildMember, MessageFlags, PermissionFlagsBits, type ButtonInteraction, type Interaction, type ModalSubmitInteraction, type StringSelectMenuInteraction } from 'discord.js';
import { translateInteraction } from '../../../lib/i18n.js';
import { NO_PINGS, replyEphemeral } from '../../../lib/replies.js';
import { typeById } from '../lib/config.js';
import type { OpenRequest, TicketActor } from '../service/opening.js';
import type { TicketService } from '../service/TicketService.js';
import { openModal } from '../views/openModal.js';
import { openProblemText } from '../views/openAnswers.js';

/**
 * What the tickets plugin's buttons, select menu and modal share (a file starting with `_` is not loaded as a piece):
 * who the member is (roles, Manage Server), and the open from a panel: the questions modal first when the type has
 * questions (shown as the interaction's first answer, after the checks that need no number: a member who may not open
 * one is refused before typing), else the open straight away.
 */

/** The roles of the interaction's member (a cached GuildMember or the API's member). */
export function memberRoleIds(interaction: Interaction): string[] {
	const member = interaction.member;
	if (!member) return [];
	return member instanceof GuildMember ? [...member.roles.cache.keys()] : [...member.roles];
}

/** The interaction's member as a {@link TicketActor}: id, roles, whether they have Manage Server. */
export function actorOf(interaction: Interaction): TicketActor {
	return { id: interaction.user.id, roleIds: memberRoleIds(interaction), manageGuild: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false };
}

/**
 * Opens a ticket for the interaction's member and answers, ephemeral and without pings: the answer is deferred first
 * (making the channel, the welcome message and the staff log take longer than Discord's 3 seconds), then edited into
 * the link to the new channel or the reason of the refusal.
 */
export async function openAndAnswer(service: TicketService, interaction: ButtonInteraction | StringSelectMenuInteraction | ModalSubmitInteraction, request: OpenRequest): Promise<void> {
	await interaction.deferReply({ flags: MessageFlags.Ephemeral });
	const { t, locale } = await translateInteraction(interaction);
	const outcome = await service.opening.open(request);
	const content = outcome.kind === 'opened' ? t('tickets:open.opened', { channel: `<#${outcome.channelId}>` }) : openProblemText(t, locale, outcome.problem);
	await interaction.editReply({ content, ...NO_PINGS });
}

/**
 * A panel's button or menu chose `typeId`: the questions modal when the type has questions (after the checks of
 * `precheck`, refused ephemerally), else the open itself.
 */
export async function openFromPanel(service: TicketService, interaction: ButtonInteraction | StringSelectMenuInteraction, panelId: string, typeId: string): Promise<void> {
	const guildId = interaction.guildId!;
	const request = { guildId, typeId, panelId, userId: interaction.user.id, username: interaction.user.username, roleIds: memberRoleIds(interaction) };
	const type = typeById(await service.config(guildId), typeId);
	if (type && type.questions.length > 0) {
		const { t, locale } = await translateInteraction(interaction);
		const problem = await service.opening.precheck(request);
		if (problem) return replyEphemeral(interaction, openProblemText(t, locale, problem));
		return interaction.showModal(openModal(t, type, panelId));
	}
	return openAndAnswer(service, interaction, { ...request, answers: null });
}
