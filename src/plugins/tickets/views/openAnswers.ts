import { formatDuration } from '../../../lib/durations.js';
import { formatPermissions, type Translate } from '../../../lib/i18n.js';
import type { OpenProblem } from '../service/opening.js';

/**
 * The answer a member gets when an open is refused (service/opening.ts `OpenProblem`): one translated sentence that
 * names what is wrong (which limit, which role is missing, which permission the bot lacks and where, which answer is
 * out of its limits), in the guild's language; mentions are text only (answers never ping).
 */
export function openProblemText(t: Translate, locale: string, problem: OpenProblem): string {
	switch (problem.kind) {
		case 'unknown-type':
			return t('tickets:open.refusals.unknownType');
		case 'blocked':
			return t('tickets:open.refusals.blocked');
		case 'blocked-role':
			return t('tickets:open.refusals.blockedRole', { role: `<@&${problem.roleId}>` });
		case 'missing-role':
			return t('tickets:open.refusals.missingRole', { roles: problem.roleIds.map((id) => `<@&${id}>`).join(', ') });
		case 'no-channel':
			return t('tickets:open.refusals.noChannel');
		case 'parent-missing':
			return problem.mode === 'channel' ? t('tickets:open.refusals.categoryMissing') : t('tickets:open.refusals.channelMissing');
		case 'bot-permissions':
			return problem.whereId === null
				? t('tickets:open.refusals.botPermissionsGuild', { permissions: formatPermissions(t, problem.permissions) })
				: t('tickets:open.refusals.botPermissions', { permissions: formatPermissions(t, problem.permissions), where: `<#${problem.whereId}>` });
		case 'opener-cannot-view':
			return t('tickets:open.refusals.openerCannotView', { channel: `<#${problem.channelId}>` });
		case 'member-limit':
			return problem.channelIds.length > 0
				? t('tickets:open.refusals.memberLimit', { limit: problem.limit, channels: problem.channelIds.map((id) => `<#${id}>`).join(', ') })
				: t('tickets:open.refusals.memberLimitOpening', { limit: problem.limit });
		case 'total-limit':
			return t('tickets:open.refusals.totalLimit', { limit: problem.limit });
		case 'cooldown':
			return t('tickets:open.refusals.cooldown', { time: formatDuration(Math.ceil(Math.max(0, problem.retryAt - problem.now) / 1_000) * 1_000, locale) });
		case 'questions-needed':
			return t('tickets:open.refusals.questionsNeeded');
		case 'answer': {
			const { problem: answer } = problem;
			if (answer.kind === 'missing') return t('tickets:open.refusals.answerMissing', { label: answer.label });
			if (answer.kind === 'too-short') return t('tickets:open.refusals.answerTooShort', { label: answer.label, length: answer.length, min: answer.min });
			return t('tickets:open.refusals.answerTooLong', { label: answer.label, length: answer.length, max: answer.max });
		}
		case 'place':
			switch (problem.failure) {
				case 'missing-permissions':
					return t('tickets:open.refusals.placeMissingPermissions');
				case 'parent-missing':
					return t('tickets:open.refusals.placeParentMissing');
				case 'guild-full':
					return t('tickets:open.refusals.placeGuildFull');
				case 'category-full':
					return t('tickets:open.refusals.placeCategoryFull');
				default:
					return t('tickets:open.refusals.placeMemberNotAdded');
			}
		default:
			return t('tickets:open.refusals.unavailable');
	}
}
