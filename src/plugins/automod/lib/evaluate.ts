import { PermissionFlagsBits } from 'discord.js';
import { capsShare, countEmoji, countLines } from './content.js';
import type { AutomodConfig, Exemptions, FilterActions, FilterName, Punishment } from './config.js';
import { findInviteCodes } from './invites.js';
import { domainMatches, findLinkHosts, normalizeDomain } from './links.js';
import { foldText, stripInvisible } from './normalize.js';
import { compilePatterns } from './regex.js';
import { compileWordList } from './words.js';

/**
 * The automod's decisions as plain functions (issue 9): who is exempt, which filters a message breaks and why, and what
 * the actions of several broken filters add up to. No Discord, Redis or PostgreSQL here: the service
 * (service/AutomodService.ts) gathers the facts of a message and acts on the result; `/automod test` calls the same
 * functions without acting. Every function is linear in the message's length.
 */

/** What the exemption rules need to know about a message's author and place. */
export interface AuthorFacts {
	/** The author's role ids in the guild. */
	roleIds: readonly string[];
	/** The channel, and its parents (a thread's channel, a channel's category), nearest first. */
	channelIds: readonly string[];
	/** The author's permissions in the channel (Discord's bitfield). */
	permissions: bigint;
	bot: boolean;
	/** Posted by a webhook (no member). */
	webhook: boolean;
}

/** Whether an exemption list covers an author (any role, the channel or a parent, the permission). */
export function isExempt(author: AuthorFacts, exemptions: Exemptions): boolean {
	if (exemptions.roleIds.length > 0 && author.roleIds.some((id) => exemptions.roleIds.includes(id))) return true;
	if (exemptions.channelIds.length > 0 && author.channelIds.some((id) => exemptions.channelIds.includes(id))) return true;
	if (exemptions.permission !== null) {
		const bit = PermissionFlagsBits[exemptions.permission as keyof typeof PermissionFlagsBits];
		if (bit !== undefined && (author.permissions & (bit | PermissionFlagsBits.Administrator)) !== 0n) return true;
	}
	return false;
}

/** Whether an exemption list names anything (roles, channels or a permission): one that names nothing covers nobody. */
export function hasExemptions(exemptions: Exemptions): boolean {
	return exemptions.roleIds.length > 0 || exemptions.channelIds.length > 0 || exemptions.permission !== null;
}

/** Whether the guild's global exemptions cover an author: the lists above, plus bots and webhooks unless turned off. */
export function isGloballyExempt(author: AuthorFacts, config: AutomodConfig): boolean {
	if (author.webhook) return config.exempt.webhooks;
	if (author.bot && config.exempt.bots) return true;
	return isExempt(author, config.exempt);
}

/** What the content filters read from a message (content may be empty: no Message Content intent, or an attachment only). */
export interface MessageFacts {
	content: string;
	/** Attachments plus stickers. */
	attachments: number;
	/** Distinct users mentioned. */
	mentionedUsers: number;
	/** Distinct roles mentioned. */
	mentionedRoles: number;
	/** Whether the author holds Mention @everyone, @here and All Roles in the channel. */
	mayMentionEveryone: boolean;
}

/** Why a filter fired, for the alert, the case reason and `/automod test` (each kind is translated by the caller). */
export type HitDetail =
	| { kind: 'words'; entry: string; matched: string }
	| { kind: 'regex'; pattern: string; matched: string }
	| { kind: 'invites'; codes: string[] }
	| { kind: 'links'; host: string }
	| { kind: 'mentions' | 'caps' | 'lines' | 'emoji' | 'attachments'; count: number; limit: number }
	| { kind: 'everyone' }
	| { kind: 'rate' | 'duplicates'; count: number; limit: number; seconds: number };

/** One broken filter. */
export interface Hit {
	filter: FilterName;
	detail: HitDetail;
}

/** A guild's lists compiled for matching: built once per config object (the service caches them by identity). */
export interface CompiledRules {
	words: ReturnType<typeof compileWordList>;
	patterns: ReturnType<typeof compilePatterns>;
	/** The link filter's allowed and denied domains, normalized (entries that are not domains dropped). */
	allowedDomains: string[];
	deniedDomains: string[];
	/** Allowlisted invite codes (as written) and guild ids. */
	inviteAllow: ReadonlySet<string>;
}

/** Compiles a config's word list, regexes, domains and invite allowlist (patterns RE2 refuses are skipped). */
export function compileRules(config: AutomodConfig): CompiledRules {
	return {
		words: compileWordList(config.words),
		patterns: compilePatterns(config.regexes),
		allowedDomains: normalizeDomains(config.filters.links.allow),
		deniedDomains: normalizeDomains(config.filters.links.deny),
		inviteAllow: new Set(config.filters.invites.allow)
	};
}

/**
 * The content filters a message breaks, among `active` (the filters on and not exempt here), in {@link FILTER_NAMES}
 * order. Invite hits list the codes not allowlisted by code; the caller still drops codes that lead to this guild or
 * an allowlisted guild id (that needs Discord). `rate` and `duplicates` are counted by the caller in Redis.
 */
export function contentHits(facts: MessageFacts, config: AutomodConfig, compiled: CompiledRules, active: ReadonlySet<FilterName>): Hit[] {
	const hits: Hit[] = [];
	const { filters } = config;
	const text = facts.content;
	const needsVisible = text.length > 0 && (active.has('regex') || active.has('invites') || active.has('links') || active.has('everyone') || active.has('caps'));
	const visible = needsVisible ? stripInvisible(text) : '';
	if (text.length > 0 && active.has('words') && compiled.words.size > 0) {
		const match = compiled.words.match(foldText(text));
		if (match) hits.push({ filter: 'words', detail: { kind: 'words', entry: match.entry, matched: match.matched } });
	}
	if (visible.length > 0 && active.has('regex')) {
		const match = compiled.patterns.match(visible);
		if (match) hits.push({ filter: 'regex', detail: { kind: 'regex', pattern: match.pattern, matched: match.matched } });
	}
	if (visible.length > 0 && active.has('invites')) {
		const codes = findInviteCodes(text).filter((code) => !compiled.inviteAllow.has(code));
		if (codes.length > 0) hits.push({ filter: 'invites', detail: { kind: 'invites', codes } });
	}
	if (visible.length > 0 && active.has('links')) {
		const host = findLinkHosts(visible).find((candidate) => {
			if (compiled.allowedDomains.some((domain) => domainMatches(candidate, domain))) return false;
			return filters.links.mode === 'allow' || compiled.deniedDomains.some((domain) => domainMatches(candidate, domain));
		});
		if (host !== undefined) hits.push({ filter: 'links', detail: { kind: 'links', host } });
	}
	const mentions = facts.mentionedUsers + facts.mentionedRoles;
	if (active.has('mentions') && mentions > filters.mentions.limit) {
		hits.push({ filter: 'mentions', detail: { kind: 'mentions', count: mentions, limit: filters.mentions.limit } });
	}
	if (visible.length > 0 && active.has('everyone') && !facts.mayMentionEveryone && EVERYONE_MENTION.test(visible)) {
		hits.push({ filter: 'everyone', detail: { kind: 'everyone' } });
	}
	if (visible.length > 0 && active.has('caps')) {
		const caps = capsShare(visible);
		const percent = Math.round(caps.share * 100);
		if (caps.letters >= filters.caps.minLetters && percent > filters.caps.percent) {
			hits.push({ filter: 'caps', detail: { kind: 'caps', count: percent, limit: filters.caps.percent } });
		}
	}
	if (text.length > 0 && active.has('lines')) {
		const lines = countLines(text);
		if (lines > filters.lines.max) hits.push({ filter: 'lines', detail: { kind: 'lines', count: lines, limit: filters.lines.max } });
	}
	if (text.length > 0 && active.has('emoji')) {
		const emoji = countEmoji(text);
		if (emoji > filters.emoji.max) hits.push({ filter: 'emoji', detail: { kind: 'emoji', count: emoji, limit: filters.emoji.max } });
	}
	if (active.has('attachments') && facts.attachments > filters.attachments.max) {
		hits.push({ filter: 'attachments', detail: { kind: 'attachments', count: facts.attachments, limit: filters.attachments.max } });
	}
	return hits;
}

/** Domains as the link filter compares them (lib/links.ts `normalizeDomain`); entries that are not domains dropped. */
function normalizeDomains(domains: readonly string[]): string[] {
	return domains.map((domain) => normalizeDomain(domain)).filter((domain): domain is string => domain !== null);
}

/** `@everyone` or `@here` as a word of its own (not the tail of an e-mail address such as `everyone@here.example`). */
const EVERYONE_MENTION = /(?<![\w.@])@(?:everyone|here)\b/;

/** How strong a punishment is, to pick the strongest of several filters: none < warn < timeout < kick < ban. */
const PUNISHMENT_RANK: Record<Punishment, number> = { none: 0, warn: 1, timeout: 2, kick: 3, ban: 4 };

/** Whether punishment `a` (with its duration, seconds) is stronger than `b` (a longer timeout, a permanent ban). */
export function strongerPunishment(a: { punish: Punishment; durationSeconds: number | null }, b: { punish: Punishment; durationSeconds: number | null }): boolean {
	if (PUNISHMENT_RANK[a.punish] !== PUNISHMENT_RANK[b.punish]) return PUNISHMENT_RANK[a.punish] > PUNISHMENT_RANK[b.punish];
	if (a.punish === 'ban') return b.durationSeconds !== null && (a.durationSeconds === null || a.durationSeconds > b.durationSeconds);
	return (a.durationSeconds ?? 0) > (b.durationSeconds ?? 0);
}

/** What a message's broken filters add up to. */
export interface MergedActions {
	delete: boolean;
	/** Strike points: the sum over the broken filters. */
	points: number;
	/** The strongest punishment of the broken filters, with its duration (seconds). */
	punish: Punishment;
	durationSeconds: number | null;
	alert: boolean;
	/** The most direct way to tell the member any filter asked for: dm over notice over none. */
	notify: 'none' | 'notice' | 'dm';
}

/**
 * Merges the actions of the broken filters: deletion and alert if any asks, points added up, the strongest punishment,
 * the most direct notification. A new account (`newAccount`) uses each filter's `newAccountActions` where set.
 */
export function mergeActions(hits: readonly Hit[], config: AutomodConfig, newAccount: boolean): MergedActions {
	const merged: MergedActions = { delete: false, points: 0, punish: 'none', durationSeconds: null, alert: false, notify: 'none' };
	const notifyRank = { none: 0, notice: 1, dm: 2 } as const;
	for (const hit of hits) {
		const filter = config.filters[hit.filter];
		const actions: FilterActions = (newAccount ? filter.newAccountActions : null) ?? filter.actions;
		merged.delete ||= actions.delete;
		merged.alert ||= actions.alert;
		merged.points += actions.points;
		if (strongerPunishment(actions, merged)) {
			merged.punish = actions.punish;
			merged.durationSeconds = actions.punish === 'timeout' || actions.punish === 'ban' ? actions.durationSeconds : null;
		}
		if (notifyRank[actions.notify] > notifyRank[merged.notify]) merged.notify = actions.notify;
	}
	return merged;
}

/**
 * Whether an account counts as new: created less than `days` days before `now` (ms). 0 days: never. The creation time
 * comes from the user's snowflake (Discord's epoch 2015-01-01, milliseconds in the top 42 bits).
 */
export function isNewAccount(userId: string, now: number, days: number): boolean {
	if (days <= 0) return false;
	const createdAt = Number(BigInt(userId) >> 22n) + 1_420_070_400_000;
	return now - createdAt < days * 86_400_000;
}
