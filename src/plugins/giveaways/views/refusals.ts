import type { Translate } from '../../../lib/i18n.js';
import { formatDuration } from '../../../lib/durations.js';
import type { RequirementFailure } from '../lib/requirements.js';

/** Each unmet requirement as one translated line (lib/requirements.ts), durations written in the guild's language. */
export function refusalLines(t: Translate, locale: string, failures: readonly RequirementFailure[]): string[] {
	const span = (seconds: number) => formatDuration(Math.max(0, seconds) * 1_000, locale);
	return failures.map((failure) => {
		switch (failure.code) {
			case 'bot':
				return t('giveaways:refusals.bot');
			case 'missingRoles':
				return failure.all
					? t('giveaways:refusals.missingAllRoles', { roles: failure.roleIds.map((id) => `<@&${id}>`).join(', ') })
					: t('giveaways:refusals.missingAnyRole', { roles: failure.roleIds.map((id) => `<@&${id}>`).join(', ') });
			case 'forbiddenRole':
				return t('giveaways:refusals.forbiddenRole', { role: `<@&${failure.roleId}>` });
			case 'accountTooNew':
				return t('giveaways:refusals.accountTooNew', { min: span(failure.minSeconds), age: span(failure.ageSeconds) });
			case 'memberTooNew':
				return t('giveaways:refusals.memberTooNew', { min: span(failure.minSeconds), age: span(failure.ageSeconds) });
			case 'voiceLevel':
				return t('giveaways:refusals.voiceLevel', { min: failure.minLevel, level: failure.level });
			default:
				return t('giveaways:refusals.voiceUnavailable');
		}
	});
}
