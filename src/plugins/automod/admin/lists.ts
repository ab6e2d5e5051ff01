import type { ApplicationCommandOptionChoiceData, AutocompleteInteraction } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import { MESSAGE_CONTENT_LIMIT } from '../../../lib/replies.js';
import { MAX_DOMAINS, MAX_INVITE_ALLOW, MAX_REGEXES, MAX_WORDS, type AutomodConfig } from '../lib/config.js';
import { findInviteCodes } from '../lib/invites.js';
import { normalizeDomain } from '../lib/links.js';
import { validatePattern } from '../lib/regex.js';
import { parseWordEntry } from '../lib/words.js';
import { answer, currentConfig, saveConfig, type AutomodHandler } from './context.js';
import { code, pages } from './format.js';

/**
 * `/automod words | regex | links | invites`: the guild's lists (lib/config.ts `words`, `regexes`,
 * `filters.links.allow/deny`, `filters.invites.allow`). Entries are checked with the filters' own parsers (lib/words.ts,
 * lib/regex.ts, lib/links.ts, lib/invites.ts) before anything is stored; every change goes through `ctx.updateConfig`,
 * and its limits and duplicates are decided there, on the config as it is under the row lock.
 */

/** Room for a list page's header line within Discord's 2,000 characters. */
const PAGE_SIZE = MESSAGE_CONTENT_LIMIT - 200;

/** Discord's limits on autocomplete: 25 choices, names and values of at most 100 characters. */
const MAX_CHOICES = 25;
const MAX_CHOICE_LENGTH = 100;

/** Patterns that RE2 refuses because they need backtracking: lookarounds and backreferences. */
const BACKTRACKING = /\(\?<?[=!]|\\[1-9]|\\k</;

// ------------------------------------------------------------------ words

/**
 * `/automod words add entry`: a word or phrase in Discord's AutoMod keyword syntax (`word`, `word*`, `*word`,
 * `*word*`), at most 60 characters.
 * @throws UserError `automod:errors.wordEmpty` / `wordTooLong` / `wordInnerWildcard` (lib/words.ts `parseWordEntry`),
 *   `automod:errors.wordDuplicate` (already listed, in any case), `automod:errors.wordsFull` (1,000); nothing changes.
 */
export const wordsAdd: AutomodHandler = async (context) => {
	const { interaction, t } = context;
	const input = interaction.options.getString('entry', true);
	const parsed = parseWordEntry(input);
	if (!parsed.ok) {
		switch (parsed.problem) {
			case 'empty':
				throw translatedUserError('automod:errors.wordEmpty');
			case 'tooLong':
				throw translatedUserError('automod:errors.wordTooLong', { max: 60 });
			case 'innerWildcard':
				throw translatedUserError('automod:errors.wordInnerWildcard', { entry: code(input.trim()) });
		}
	}
	const entry = parsed.entry.raw;
	const { after } = await saveConfig(context, (config) => {
		const existing = config.words.find((word) => word.toLowerCase() === entry.toLowerCase());
		if (existing !== undefined) throw translatedUserError('automod:errors.wordDuplicate', { entry: code(existing) });
		if (config.words.length >= MAX_WORDS) throw translatedUserError('automod:errors.wordsFull', { max: MAX_WORDS });
		return { words: [...config.words, entry] };
	});
	await answer(context, [t('automod:answers.wordAdded', { entry: code(entry), count: after.words.length, max: MAX_WORDS })]);
};

/** `/automod words remove entry` (autocompleted). @throws UserError `automod:errors.wordUnknown`; nothing changes. */
export const wordsRemove: AutomodHandler = async (context) => {
	const { interaction, t } = context;
	const input = interaction.options.getString('entry', true).trim();
	let removed = input;
	const { after } = await saveConfig(context, (config) => {
		const found = config.words.find((word) => word === input) ?? config.words.find((word) => word.toLowerCase() === input.toLowerCase());
		if (found === undefined) throw translatedUserError('automod:errors.wordUnknown', { entry: code(input) });
		removed = found;
		return { words: config.words.filter((word) => word !== found) };
	});
	await answer(context, [t('automod:answers.wordRemoved', { entry: code(removed), count: after.words.length, max: MAX_WORDS })]);
};

/**
 * `/automod words list [page]`: the word list, in pages of at most 2,000 characters.
 * @throws UserError `automod:errors.noSuchPage` (context: `page`, `pages`).
 */
export const wordsList: AutomodHandler = async (context) => {
	const { interaction, t } = context;
	const config = await currentConfig(context);
	if (config.words.length === 0) return answer(context, [t('automod:lists.noWords')]);
	const items = config.words.map((word, index) => `${code(word)}${index < config.words.length - 1 ? ',' : ''}`);
	const all = pages(items, PAGE_SIZE);
	const page = interaction.options.getInteger('page') ?? 1;
	if (page < 1 || page > all.length) throw translatedUserError('automod:errors.noSuchPage', { page, pages: all.length });
	return answer(context, [t('automod:lists.words', { count: config.words.length, max: MAX_WORDS, page, pages: all.length }), all[page - 1]!.join(' ')]);
};

// ------------------------------------------------------------------ regexes

/**
 * `/automod regex add pattern`: an RE2 regular expression of at most 260 characters (lib/regex.ts).
 * @throws UserError `automod:errors.patternEmpty` / `patternTooLong` / `patternSyntax` (RE2's reason and the part it
 *   refused, and a hint when the pattern uses lookarounds or backreferences, which RE2 does not have),
 *   `automod:errors.patternDuplicate`, `automod:errors.patternsFull` (10); nothing changes.
 */
export const regexAdd: AutomodHandler = async (context) => {
	const { interaction, t } = context;
	const pattern = interaction.options.getString('pattern', true);
	const checked = validatePattern(pattern);
	if (!checked.ok) {
		if (checked.problem === 'empty') throw translatedUserError('automod:errors.patternEmpty');
		if (checked.problem === 'tooLong') throw translatedUserError('automod:errors.patternTooLong', { max: 260 });
		if (checked.problem === 'matchesEverything') throw translatedUserError('automod:errors.patternMatchesEverything', { pattern: code(pattern) });
		// RE2 names the part it refused; lookarounds and backreferences get a word on why (RE2 has none: linear time).
		const values = { detail: checked.detail ?? '?', fragment: code(checked.fragment ?? pattern) };
		throw translatedUserError(BACKTRACKING.test(pattern) ? 'automod:errors.patternBacktracking' : 'automod:errors.patternSyntax', values);
	}
	const { after } = await saveConfig(context, (config) => {
		if (config.regexes.includes(pattern)) throw translatedUserError('automod:errors.patternDuplicate', { pattern: code(pattern) });
		if (config.regexes.length >= MAX_REGEXES) throw translatedUserError('automod:errors.patternsFull', { max: MAX_REGEXES });
		return { regexes: [...config.regexes, pattern] };
	});
	await answer(context, [t('automod:answers.patternAdded', { pattern: code(pattern), count: after.regexes.length, max: MAX_REGEXES })]);
};

/** The pattern a `remove` option names: the pattern itself, or its number in the list (`#2`, `2`). */
function findPattern(config: AutomodConfig, input: string): string | undefined {
	if (config.regexes.includes(input)) return input;
	const number = /^#?(\d{1,2})$/.exec(input.trim());
	return number ? config.regexes[Number(number[1]) - 1] : undefined;
}

/** `/automod regex remove pattern` (autocompleted; a pattern or its number). @throws UserError `automod:errors.patternUnknown`. */
export const regexRemove: AutomodHandler = async (context) => {
	const { interaction, t } = context;
	const input = interaction.options.getString('pattern', true);
	let removed = input;
	const { after } = await saveConfig(context, (config) => {
		const found = findPattern(config, input);
		if (found === undefined) throw translatedUserError('automod:errors.patternUnknown', { pattern: code(input) });
		removed = found;
		return { regexes: config.regexes.filter((pattern) => pattern !== found) };
	});
	await answer(context, [t('automod:answers.patternRemoved', { pattern: code(removed), count: after.regexes.length, max: MAX_REGEXES })]);
};

/** `/automod regex list`: the patterns, numbered. */
export const regexList: AutomodHandler = async (context) => {
	const { t } = context;
	const config = await currentConfig(context);
	if (config.regexes.length === 0) return answer(context, [t('automod:lists.noPatterns')]);
	return answer(context, [t('automod:lists.patterns', { count: config.regexes.length, max: MAX_REGEXES }), ...config.regexes.map((pattern, index) => `${index + 1}. ${code(pattern)}`)]);
};

// ------------------------------------------------------------------ links

/** The domain a `domain` option names. @throws UserError `automod:errors.badDomain`. */
function readDomain(input: string): string {
	const domain = normalizeDomain(input);
	if (domain === null) throw translatedUserError('automod:errors.badDomain', { input: code(input.trim().slice(0, 100)) });
	return domain;
}

/**
 * `/automod links allow domain` and `/automod links deny domain`: puts a domain (subdomains included) on one list,
 * taking it off the other.
 * @throws UserError `automod:errors.badDomain` (lib/links.ts `normalizeDomain` found no domain),
 *   `automod:errors.domainsFull` (200 on that list); nothing changes.
 */
function linksListAdd(list: 'allow' | 'deny'): AutomodHandler {
	return async (context) => {
		const { interaction, t } = context;
		const domain = readDomain(interaction.options.getString('domain', true));
		const other = list === 'allow' ? 'deny' : 'allow';
		const { before } = await saveConfig(context, (config) => {
			const links = config.filters.links;
			if (links[list].includes(domain)) return undefined;
			if (links[list].length >= MAX_DOMAINS) throw translatedUserError('automod:errors.domainsFull', { max: MAX_DOMAINS });
			return { filters: { ...config.filters, links: { ...links, [list]: [...links[list], domain], [other]: links[other].filter((entry) => entry !== domain) } } };
		});
		const links = before.filters.links;
		const state = links[list].includes(domain) ? 'Already' : links[other].includes(domain) ? 'Moved' : 'Added';
		await answer(context, [
			t(`automod:answers.domain${state}_${list}`, { domain: code(domain) }),
			list === 'deny' || links.mode === 'allow' ? '' : t('automod:answers.allowModeHint'),
			links.enabled ? '' : t('automod:answers.linksOffHint')
		]);
	};
}

/** `/automod links allow domain`. */
export const linksAllow: AutomodHandler = linksListAdd('allow');

/** `/automod links deny domain`. */
export const linksDeny: AutomodHandler = linksListAdd('deny');

/** `/automod links remove domain` (autocompleted): off both lists. @throws UserError `automod:errors.domainUnknown`. */
export const linksRemove: AutomodHandler = async (context) => {
	const { interaction, t } = context;
	const input = interaction.options.getString('domain', true);
	const domain = normalizeDomain(input) ?? input.trim();
	await saveConfig(context, (config) => {
		const links = config.filters.links;
		if (!links.allow.includes(domain) && !links.deny.includes(domain)) throw translatedUserError('automod:errors.domainUnknown', { domain: code(domain.slice(0, 100)) });
		return { filters: { ...config.filters, links: { ...links, allow: links.allow.filter((entry) => entry !== domain), deny: links.deny.filter((entry) => entry !== domain) } } };
	});
	await answer(context, [t('automod:answers.domainRemoved', { domain: code(domain) })]);
};

/** `/automod links list`: the mode, the allowed and the denied domains. */
export const linksList: AutomodHandler = async (context) => {
	const { t } = context;
	const links = (await currentConfig(context)).filters.links;
	const none = t('automod:status.none');
	await answer(context, [
		t(`automod:filterSettings.links_${links.mode}`),
		t('automod:lists.allowedDomains', { count: links.allow.length, max: MAX_DOMAINS, domains: links.allow.length ? links.allow.map(code).join(', ') : none }),
		t('automod:lists.deniedDomains', { count: links.deny.length, max: MAX_DOMAINS, domains: links.deny.length ? links.deny.map(code).join(', ') : none })
	]);
};

// ------------------------------------------------------------------ invites

/**
 * The allowlist entry an invite target names: a server id (17 to 20 digits), an invite link (its code, as written), or
 * a bare code (2 to 32 letters, digits and hyphens).
 * @throws UserError `automod:errors.badInviteTarget`.
 */
export function readInviteTarget(input: string): string {
	const text = input.trim();
	if (/^\d{17,20}$/.test(text)) return text;
	if (/^[A-Za-z0-9-]{2,32}$/.test(text)) return text;
	const [found] = findInviteCodes(text);
	if (found !== undefined && /^[A-Za-z0-9-]{2,32}$/.test(found)) return found;
	throw translatedUserError('automod:errors.badInviteTarget', { input: code(text.slice(0, 100)) });
}

/** `/automod invites allow target`. @throws UserError `automod:errors.badInviteTarget`, `automod:errors.invitesFull` (100). */
export const invitesAllow: AutomodHandler = async (context) => {
	const { interaction, t } = context;
	const target = readInviteTarget(interaction.options.getString('target', true));
	const { changed } = await saveConfig(context, (config) => {
		const invites = config.filters.invites;
		if (invites.allow.includes(target)) return undefined;
		if (invites.allow.length >= MAX_INVITE_ALLOW) throw translatedUserError('automod:errors.invitesFull', { max: MAX_INVITE_ALLOW });
		return { filters: { ...config.filters, invites: { ...invites, allow: [...invites.allow, target] } } };
	});
	await answer(context, [t(changed ? 'automod:answers.inviteAllowed' : 'automod:answers.inviteAlready', { target: code(target) })]);
};

/** `/automod invites remove target` (autocompleted). @throws UserError `automod:errors.inviteUnknown`. */
export const invitesRemove: AutomodHandler = async (context) => {
	const { interaction, t } = context;
	const input = interaction.options.getString('target', true).trim();
	let removed = input;
	await saveConfig(context, (config) => {
		const invites = config.filters.invites;
		const found = invites.allow.includes(input) ? input : invites.allow.find((entry) => entry === safeInviteTarget(input));
		if (found === undefined) throw translatedUserError('automod:errors.inviteUnknown', { target: code(input.slice(0, 100)) });
		removed = found;
		return { filters: { ...config.filters, invites: { ...invites, allow: invites.allow.filter((entry) => entry !== found) } } };
	});
	await answer(context, [t('automod:answers.inviteRemoved', { target: code(removed) })]);
};

/** {@link readInviteTarget}, or null instead of throwing. */
function safeInviteTarget(input: string): string | null {
	try {
		return readInviteTarget(input);
	} catch {
		return null;
	}
}

/** `/automod invites list`: the allowlisted invite codes and server ids. */
export const invitesList: AutomodHandler = async (context) => {
	const { t } = context;
	const allow = (await currentConfig(context)).filters.invites.allow;
	if (allow.length === 0) return answer(context, [t('automod:lists.noInvites')]);
	return answer(context, [t('automod:lists.invites', { count: allow.length, max: MAX_INVITE_ALLOW }), allow.map(code).join(', ')]);
};

// ------------------------------------------------------------------ autocomplete

/**
 * Suggestions for the `remove` subcommands of `/automod words | regex | links | invites`: the guild's entries that
 * contain what was typed (case-insensitive), at most 25. A pattern longer than a choice allows (100 characters) is
 * offered by its number (`#3`), which `regex remove` accepts.
 */
export async function listAutocomplete(interaction: AutocompleteInteraction, config: AutomodConfig): Promise<void> {
	const group = interaction.options.getSubcommandGroup(false);
	const typed = String(interaction.options.getFocused()).toLowerCase();
	let entries: { name: string; value: string }[] = [];
	if (group === 'words') entries = config.words.map((word) => ({ name: word, value: word }));
	else if (group === 'regex') entries = config.regexes.map((pattern, index) => (pattern.length <= MAX_CHOICE_LENGTH ? { name: pattern, value: pattern } : { name: `#${index + 1} ${pattern}`, value: `#${index + 1}` }));
	else if (group === 'links') entries = [...config.filters.links.allow, ...config.filters.links.deny].map((domain) => ({ name: domain, value: domain }));
	else if (group === 'invites') entries = config.filters.invites.allow.map((target) => ({ name: target, value: target }));
	const choices: ApplicationCommandOptionChoiceData<string>[] = entries
		.filter((entry) => entry.name.toLowerCase().includes(typed))
		.slice(0, MAX_CHOICES)
		.map((entry) => ({ name: entry.name.length > MAX_CHOICE_LENGTH ? `${entry.name.slice(0, MAX_CHOICE_LENGTH - 1)}…` : entry.name, value: entry.value }));
	await interaction.respond(choices);
}
