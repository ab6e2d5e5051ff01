import type { Translate } from '../../../lib/i18n.js';
import { fitContent, translateUserError } from '../../../lib/replies.js';
import { formatDuration } from '../lib/durations.js';
import type { ActionResult, BanResult, WarnResult } from '../service/ModerationService.js';
import { discordTime } from './modLog.js';

/** Mentions of a user in an answer (never pinged: answers carry no allowed mentions). */
export const userMention = (id: string) => `<@${id}>`;

/** Mentions in the plugin's answers never ping (the core's reply option, re-exported for the plugin's views). */
export { NO_PINGS } from '../../../lib/replies.js';

/** The lines every action answer ends with: the reason, and whether the member was told. */
function tailLines(t: Translate, result: ActionResult): string[] {
	const user = userMention(result.case.targetId);
	const lines = [t('moderation:answers.reason', { reason: result.case.reason ?? t('moderation:modLog.noReason') })];
	if (result.dm === 'refused') lines.push(t('moderation:answers.dmRefused', { user }));
	if (result.dm === 'failed') lines.push(t('moderation:answers.dmFailed', { user }));
	return lines;
}

/**
 * The moderator's answer to an action (`/warn`, `/timeout`, `/kick`, `/ban`, ...): the case number and what happened,
 * the reason, whether the member was told by DM, and for warnings the escalation it triggered. Cut to Discord's
 * 2,000 characters.
 */
export function actionAnswer(t: Translate, locale: string, result: ActionResult | BanResult | WarnResult): string {
	const record = result.case;
	const values = { number: record.number, user: userMention(record.targetId) };
	const lines: string[] = [];
	switch (record.type) {
		case 'warn': {
			const warned = result as WarnResult;
			lines.push(t('moderation:answers.warn', { ...values, count: warned.activeWarnings }));
			break;
		}
		case 'timeout':
			lines.push(t('moderation:answers.timeout', { ...values, duration: formatDuration(record.durationMs ?? 0, locale), until: discordTime(record.endsAt ?? 0) }));
			break;
		case 'ban':
			lines.push(
				record.endsAt === null
					? t('moderation:answers.ban', values)
					: t('moderation:answers.banTemporary', { ...values, duration: formatDuration(record.durationMs ?? 0, locale), until: discordTime(record.endsAt) })
			);
			if ((result as BanResult).endScheduled === false) lines.push(t('moderation:answers.endNotScheduled'));
			break;
		case 'untimeout':
		case 'kick':
		case 'softban':
		case 'unban':
		case 'note':
			lines.push(t(`moderation:answers.${record.type}`, values));
			break;
		default:
			lines.push(t('moderation:answers.recorded', values));
	}
	lines.push(...tailLines(t, result));
	if ('escalation' in result && result.escalation) {
		const { escalation } = result;
		const count = escalation.step.warnings;
		if (escalation.status === 'applied') {
			lines.push(t('moderation:answers.escalationApplied', { count, number: escalation.result.case.number, type: t(`moderation:types.${escalation.result.case.type}`) }));
		} else if (escalation.status === 'refused') {
			lines.push(t('moderation:answers.escalationRefused', { count, reason: translateUserError(t, escalation.error) }));
		} else {
			lines.push(t('moderation:answers.escalationFailed', { count }));
		}
	}
	return fitContent(lines.join('\n'));
}
