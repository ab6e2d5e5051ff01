import type { AutomodConfig } from './config.js';
import { parseWordEntry } from './words.js';

/**
 * What `/automod native sync` puts into Discord's own AutoMod (issue 9, "Discord's native AutoMod, both ways"), as a
 * plan computed from the guild's config and the rules Discord already holds. Discord's limits (Auto Moderation
 * resource, "Trigger Metadata Field Limits" and "Trigger Types"): at most 6 KEYWORD rules and 1 MENTION_SPAM rule per
 * guild; a keyword rule holds at most 1,000 keywords of at most 60 characters and 10 regex patterns of at most 260
 * characters (Rust regex syntax); `exempt_roles` at most 20, `exempt_channels` at most 50; `mention_total_limit` at
 * most 50. Anything that does not fit is listed in `notSynced`, never dropped silently.
 */

/** Discord's AutoMod trigger types used here. */
export const TRIGGER_KEYWORD = 1;
export const TRIGGER_MENTION_SPAM = 5;

/** Discord's limits (see the module comment). */
export const NATIVE_LIMITS = Object.freeze({
	keywordRules: 6,
	mentionRules: 1,
	keywords: 1_000,
	keywordLength: 60,
	regexes: 10,
	regexLength: 260,
	exemptRoles: 20,
	exemptChannels: 50,
	mentionLimit: 50
});

/** A native rule as Discord lists it (the fields the plan reads). */
export interface ExistingRule {
	id: string;
	name: string;
	triggerType: number;
}

/** Something of the config that the sync could not put into Discord, and why (a translation code). */
export interface NotSynced {
	/** The item: a word, a pattern, a role or channel id, or the name of a rule. */
	item: string;
	reason: 'keywordSyntax' | 'noKeywordRoom' | 'mentionRuleTaken' | 'tooManyExemptRoles' | 'tooManyExemptChannels' | 'refused';
}

/** The rules the sync should hold in Discord, and what it must leave out. */
export interface NativePlan {
	/** Our keyword rule's lists; null: the rule should not exist (nothing to sync, or no room). */
	keyword: { keywords: string[]; regexes: string[]; existingId: string | null } | null;
	/** Our mention-spam rule; null: it should not exist. */
	mention: { limit: number; existingId: string | null } | null;
	/** Our rules to delete (the lists went empty, the filter was turned off). */
	remove: string[];
	exemptRoles: string[];
	exemptChannels: string[];
	notSynced: NotSynced[];
}

/**
 * Plans the sync: our keyword rule carries the word list (when the `words` filter is on) and the regexes (when `regex`
 * is on), our mention-spam rule the `mentions` filter's limit; our rules are the ones whose ids the config keeps.
 * A rule of ours that Discord no longer has is created again.
 */
export function planNativeSync(config: AutomodConfig, existing: readonly ExistingRule[]): NativePlan {
	const notSynced: NotSynced[] = [];
	const remove: string[] = [];
	const byId = new Map(existing.map((rule) => [rule.id, rule]));
	const ourKeyword = config.native.keywordRuleId && byId.get(config.native.keywordRuleId)?.triggerType === TRIGGER_KEYWORD ? config.native.keywordRuleId : null;
	const ourMention = config.native.mentionRuleId && byId.get(config.native.mentionRuleId)?.triggerType === TRIGGER_MENTION_SPAM ? config.native.mentionRuleId : null;

	const keywords: string[] = [];
	if (config.filters.words.enabled) {
		for (const word of config.words) {
			const parsed = parseWordEntry(word);
			if (!parsed.ok || word.length > NATIVE_LIMITS.keywordLength) notSynced.push({ item: word, reason: 'keywordSyntax' });
			else keywords.push(word.toLowerCase());
		}
	}
	const regexes = config.filters.regex.enabled ? config.regexes.slice(0, NATIVE_LIMITS.regexes) : [];
	let keyword: NativePlan['keyword'] = null;
	if (keywords.length > 0 || regexes.length > 0) {
		const others = existing.filter((rule) => rule.triggerType === TRIGGER_KEYWORD && rule.id !== ourKeyword).length;
		if (!ourKeyword && others >= NATIVE_LIMITS.keywordRules) {
			for (const item of [...keywords, ...regexes]) notSynced.push({ item, reason: 'noKeywordRoom' });
		} else {
			keyword = { keywords: [...new Set(keywords)].slice(0, NATIVE_LIMITS.keywords), regexes, existingId: ourKeyword };
		}
	} else if (ourKeyword) {
		remove.push(ourKeyword);
	}

	let mention: NativePlan['mention'] = null;
	if (config.filters.mentions.enabled) {
		const taken = existing.find((rule) => rule.triggerType === TRIGGER_MENTION_SPAM && rule.id !== ourMention);
		if (!ourMention && taken) notSynced.push({ item: taken.name, reason: 'mentionRuleTaken' });
		else mention = { limit: Math.min(config.filters.mentions.limit, NATIVE_LIMITS.mentionLimit), existingId: ourMention };
	} else if (ourMention) {
		remove.push(ourMention);
	}

	const exemptRoles = config.exempt.roleIds.slice(0, NATIVE_LIMITS.exemptRoles);
	for (const id of config.exempt.roleIds.slice(NATIVE_LIMITS.exemptRoles)) notSynced.push({ item: id, reason: 'tooManyExemptRoles' });
	const exemptChannels = config.exempt.channelIds.slice(0, NATIVE_LIMITS.exemptChannels);
	for (const id of config.exempt.channelIds.slice(NATIVE_LIMITS.exemptChannels)) notSynced.push({ item: id, reason: 'tooManyExemptChannels' });
	return { keyword, mention, remove, exemptRoles, exemptChannels, notSynced };
}
