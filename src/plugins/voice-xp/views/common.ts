import type { Translate } from '../../../lib/i18n.js';
import { hoursAndMinutes } from '../lib/format.js';
import type { IneligibilityReason } from '../lib/eligibility.js';
import type { TierProblemReason } from '../lib/tiers.js';
import { TIER_PROBLEM_KEYS } from '../service/effects.js';

/** Helpers that turn the plugin's figures into translated text (the guild's language). */

/**
 * One `Intl.NumberFormat` per locale, made once: building one costs tens of microseconds (ICU data), formatting with
 * it about one; a leaderboard page formats some forty numbers (a CPU profile of bench:rank put a third of the bot's
 * time in building them). The bot's locales are few (the shipped ones and Discord's), so the map stays small.
 */
const numberFormats = new Map<string, Intl.NumberFormat>();

/** A whole number in the conventions of a locale (`4,675` in en-US, `4 675` in pl and fr). */
export function formatNumber(locale: string, value: number): string {
	let format = numberFormats.get(locale);
	if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })));
	return format.format(value);
}

/** A voice time as hours and minutes: `2 h 5 min` (voice-xp:format.duration). */
export function formatDuration(t: Translate, seconds: number): string {
	return t('voice-xp:format.duration', hoursAndMinutes(seconds));
}

/** Why a member in voice earns nothing, as a phrase (voice-xp:reasons.*). */
export function formatReason(t: Translate, reason: IneligibilityReason): string {
	return t(`voice-xp:reasons.${reason}`);
}

/** Why the bot cannot manage a tier role, as a list of phrases (voice-xp:tiers.problems.*). */
export function formatTierProblems(t: Translate, problems: readonly TierProblemReason[]): string {
	return problems.map((problem) => t(TIER_PROBLEM_KEYS[problem])).join(', ');
}

/** Mention markup (rendered by Discord as the name; never pings inside embeds or with `allowedMentions: { parse: [] }`). */
export const mention = {
	user: (id: string) => `<@${id}>`,
	role: (id: string) => `<@&${id}>`,
	channel: (id: string) => `<#${id}>`
};

/** Mentions in the plugin's answers never ping (the core's reply option, re-exported for the plugin's views). */
export { NO_PINGS } from '../../../lib/replies.js';
