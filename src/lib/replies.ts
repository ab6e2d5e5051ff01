import { container, UserError } from '@sapphire/framework';
import { MessageFlags, type Interaction, type PermissionsString, type RepliableInteraction } from 'discord.js';
import type { ValidationProblem } from './errors.js';
import { dynamicKey, formatPermissions, formatValidationProblems, translateInteraction, type Translate } from './i18n.js';

/** Discord's limit on a message's `content`: 2,000 characters. */
export const MESSAGE_CONTENT_LIMIT = 2_000;

/** Cuts text to Discord's content limit, marking the cut with an ellipsis. */
export function fitContent(text: string, limit = MESSAGE_CONTENT_LIMIT): string {
	return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** Options of a reply whose mentions are text only: nobody is pinged (`allowed_mentions` with nothing to parse). */
export const NO_PINGS = { allowedMentions: { parse: [] } } as const;

/**
 * Answers an interaction with a message only its user sees, whatever state it is in: the first response, or a
 * follow-up when it was already answered or deferred (a pending deferred reply is removed first so no "thinking…"
 * stays behind). Mentions in the text never ping. Never throws: a failure (expired token) is logged.
 */
export async function replyEphemeral(interaction: RepliableInteraction, content: string): Promise<void> {
	const payload = { content: fitContent(content), flags: MessageFlags.Ephemeral as const, ...NO_PINGS };
	try {
		if (interaction.deferred && !interaction.replied) {
			await interaction.deleteReply().catch(() => undefined);
			await interaction.followUp(payload);
		} else if (interaction.replied) {
			await interaction.followUp(payload);
		} else {
			await interaction.reply(payload);
		}
	} catch (error) {
		container.logger.warn(`Could not answer interaction ${interaction.id}:`, error);
	}
}

/**
 * Translates a UserError: its identifier is a translation key (`core:errors.unknownPlugin`) or the name of a
 * precondition error (`preconditionUserPermissions`, looked up under `core:preconditions.`); its context gives the
 * values. Missing permissions and config problems are translated too. A key the default locale has no text for gives
 * `core:preconditions.default`. The key is data here (thrown elsewhere, or named by Sapphire), hence {@link dynamicKey}.
 */
export function translateUserError(t: Translate, error: UserError): string {
	const context = (error.context ?? {}) as Record<string, unknown>;
	const values: Record<string, unknown> = { ...context };
	// Sapphire's permission preconditions put discord.js permission names in `missing`.
	if (Array.isArray(context.missing)) values.permissions = formatPermissions(t, context.missing as PermissionsString[]);
	if (typeof context.remaining === 'number') values.seconds = Math.ceil(context.remaining / 1_000);
	if (Array.isArray(context.problems)) values.problems = formatValidationProblems(t, context.problems as ValidationProblem[]);
	const key = error.identifier.includes(':') ? error.identifier : `core:preconditions.${error.identifier}`;
	return t(dynamicKey(key, 'core:preconditions.default'), values);
}

/** Answers an interaction with a translated UserError, ephemeral, in the guild's language. */
export async function replyUserError(interaction: RepliableInteraction, error: UserError): Promise<void> {
	const { t } = await translateInteraction(interaction);
	await replyEphemeral(interaction, translateUserError(t, error));
}

/** Tells the user, ephemerally and translated, that the plugin behind what they clicked is off in this guild. */
export async function replyPluginDisabled(interaction: Interaction, plugin: string): Promise<void> {
	if (!interaction.isRepliable()) return;
	const { t } = await translateInteraction(interaction);
	await replyEphemeral(interaction, t('core:preconditions.pluginDisabled', { plugin }));
}
