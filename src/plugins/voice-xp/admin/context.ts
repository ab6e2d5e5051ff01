import { adminRun as coreAdminRun, answer, type AdminContext as BaseAdminContext, type AdminHandler as BaseAdminHandler } from '../../../lib/commands/adminContext.js';
import type { Translate } from '../../../lib/i18n.js';
import type { TierOutcome } from '../service/effects.js';
import type { VoiceXpPlugin } from '../service/runtime.js';
import { formatTierProblems, mention } from '../views/common.js';

/**
 * What every `/xp` subcommand handler gets (`{ interaction, t, locale, logger, service }`: the service is the plugin's,
 * with its context and live sessions), and what they share: the admin-command helper of src/lib/commands/adminContext.ts
 * typed for voice XP, and the tier line of an admin change.
 */
export type AdminContext = BaseAdminContext<VoiceXpPlugin>;

/** A `/xp` subcommand handler. */
export type AdminHandler = BaseAdminHandler<VoiceXpPlugin>;

/**
 * A `/xp` subcommand handler as the `chatInputRun` of a subcommand mapping (see commands/xp.ts), called with the
 * command as `this`: gives it the guild's language, a logger with the guild and command, and the plugin's service
 * (src/lib/commands/adminContext.ts `adminRun`).
 */
export const adminRun = coreAdminRun<VoiceXpPlugin>;

export { answer };

/** One line about a member's tier after an admin change (voice-xp:xp.tier.*). */
export function tierLine(t: Translate, outcome: TierOutcome | null): string {
	if (outcome === null) return '';
	const role = outcome.tierRoleId ? mention.role(outcome.tierRoleId) : null;
	switch (outcome.kind) {
		case 'applied':
			return role ? t('voice-xp:xp.tier.applied', { role }) : t('voice-xp:xp.tier.removed');
		case 'none':
			return role ? t('voice-xp:xp.tier.unchanged', { role }) : t('voice-xp:xp.tier.noTier');
		case 'blocked':
			return t('voice-xp:xp.tier.blocked', {
				reasons: outcome.blocked.map((status) => `${mention.role(status.roleId)} (${formatTierProblems(t, status.problems)})`).join(', ')
			});
		case 'skipped':
			return t('voice-xp:xp.tier.skipped');
	}
}
