import { LabelBuilder, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import { buildCustomId, matchCustomId } from '../../../lib/customId.js';
import type { Translate } from '../../../lib/i18n.js';
import { MAX_REASON_LENGTH } from '../service/ModerationService.js';

/**
 * The modal of the "Warn" user context menu (commands/moderationWarnMenu.ts), read back by
 * interaction-handlers/moderationWarnModal.ts: one reason field. Its custom id carries the target,
 * `moderation:warn-modal:<userId>`, so the submission needs nothing kept in memory and works in any process. (A file
 * starting with `_` is not loaded as a piece.)
 */

/** The custom-id action of the modal: `moderation:warn-modal:<userId>`. */
export const WARN_MODAL_ACTION = 'warn-modal';

/** The custom-id action of the modal's reason field. */
const WARN_REASON_ACTION = 'warn-reason';

/** The custom id of the modal's reason field: `moderation:warn-reason`. */
export const WARN_REASON_FIELD = buildCustomId('moderation', WARN_REASON_ACTION);

/** Discord's limit on a modal's title: 45 characters. */
const MODAL_TITLE_LIMIT = 45;

/**
 * The modal asking for the reason of a warning to `target`.
 * @param t translations in the guild's language.
 * @param target the user warned (their name is in the title).
 * @param reasonRequired the guild's `requireReason`: the field is then required by Discord's client too (the service
 *   refuses a missing reason either way).
 */
export function warnModal(t: Translate, target: { id: string; username: string }, reasonRequired: boolean): ModalBuilder {
	const title = t('moderation:warnModal.title', { user: target.username });
	return new ModalBuilder()
		.setCustomId(buildCustomId('moderation', WARN_MODAL_ACTION, target.id))
		.setTitle(title.length <= MODAL_TITLE_LIMIT ? title : `${title.slice(0, MODAL_TITLE_LIMIT - 1)}…`)
		.addLabelComponents(
			new LabelBuilder()
				.setLabel(t('moderation:warnModal.reason'))
				.setDescription(t('moderation:warnModal.reasonHint'))
				.setTextInputComponent(
					new TextInputBuilder().setCustomId(buildCustomId('moderation', WARN_REASON_ACTION)).setStyle(TextInputStyle.Paragraph).setMaxLength(MAX_REASON_LENGTH).setRequired(reasonRequired)
				)
		);
}

/** The target of a submitted warn modal, from its custom id; null when the id is not one (another component, a forgery). */
export function parseWarnModal(customId: string): { userId: string } | null {
	const args = matchCustomId(customId, 'moderation', WARN_MODAL_ACTION);
	return args?.length === 1 && /^\d{17,20}$/.test(args[0]!) ? { userId: args[0]! } : null;
}
