/**
 * Discord's AutoMod ("Auto Moderation" resource of the developer docs, and the gateway's "Auto Moderation" events):
 * rules (validation, defaults, storage, AUTO_MODERATION_RULE_CREATE / UPDATE / DELETE, audit log entries 140–142)
 * and their enforcement on the messages members send or edit (matching, exemptions, the BLOCK_MESSAGE /
 * SEND_ALERT_MESSAGE / TIMEOUT / BLOCK_MEMBER_INTERACTION actions, AUTO_MODERATION_ACTION_EXECUTION, audit log entries
 * 143–145). The REST routes (../rest/routes/autoModeration.ts) and the test controls (../controls.ts) share it; they
 * differ only in how a refusal is reported (400 / 403 answers, or a thrown Error).
 *
 * Sources, and where the emulator had to choose (see README.md, "How faithful it is"):
 * - Limits: the docs' "Trigger Types" (rules per guild: KEYWORD 6, SPAM 1, KEYWORD_PRESET 1, MENTION_SPAM 1,
 *   MEMBER_PROFILE 1), "Trigger Metadata Field Limits" (keyword_filter 1000 × 60 characters, regex_patterns 10 × 260,
 *   allow_list 100 × 60, or 1000 × 60 for KEYWORD_PRESET), mention_total_limit at most 50, "Action Metadata"
 *   (custom_message 150 characters, duration_seconds at most 2419200, channel_id an existing channel), exempt_roles 20,
 *   exempt_channels 50; the spec adds name ≤ 100 and 1–5 actions. TIMEOUT only on KEYWORD and MENTION_SPAM rules, and
 *   it needs MODERATE_MEMBERS besides MANAGE_GUILD ("Action Types").
 * - Too many rules of a type: 400 50035 with the error at the root of the tree, code
 *   AUTO_MODERATION_MAX_RULES_OF_TYPE_EXCEEDED, "Maximum number of rules with trigger type 1 is 6" (as Discord answers,
 *   quoted in discordjs/discord-api-types#853). A KEYWORD rule without trigger_metadata: BASE_TYPE_REQUIRED at
 *   `trigger_metadata` (discord/discord-api-docs#5215).
 * - Matching: keywords are case-insensitive; `word` must be surrounded by whitespace (or the ends of the content),
 *   `word*` starts a word, `*word` ends one, `*word*` is anywhere; a keyword may be a phrase ("Keyword Matching
 *   Strategies"). Regexes: Rust syntax, case-insensitive and Unicode by default (support article "Filter Messages Using
 *   Regular Expressions"), run here with RE2 (re2js), whose syntax is nearly Rust's. Content matched by an allow_list
 *   keyword does not trigger the rule (change log, Nov 22, 2022).
 * - Events and intents: all AutoMod events go only to a bot with MANAGE_GUILD (gateway events, "Auto Moderation");
 *   `content` and `matched_content` of an execution are empty without MESSAGE_CONTENT.
 */
import {
	AuditLogEvent,
	AutoModerationActionType,
	AutoModerationRuleEventType,
	AutoModerationRuleTriggerType,
	ChannelType,
	GatewayIntentBits,
	MessageType,
	PermissionFlagsBits,
	type APIAuditLogEntry,
	type APIAutoModerationAction,
	type APIAutoModerationRule,
	type APIEmbed,
	type APIMessage,
	type GatewayAutoModerationActionExecutionDispatchData
} from 'discord-api-types/v10';
import { RE2JS } from 're2js';
import type { BodyIssue } from '../validation/issues.js';
import { auditChanges, type AuditLogChange } from './audit.js';
import type { GuildHandle } from './guild.js';
import { createMessage, parseMentions } from './messages.js';
import { normalizeTimeout } from './moderation.js';
import { basePermissions, isThread } from './permissions.js';
import type { ChannelState, GuildState } from './state.js';

type Json = Record<string, any>;

/** Rules of each trigger type a guild may have ("Trigger Types", Max per Guild). */
export const MAX_RULES_PER_TRIGGER_TYPE: Readonly<Record<number, number>> = {
	[AutoModerationRuleTriggerType.Keyword]: 6,
	[AutoModerationRuleTriggerType.Spam]: 1,
	[AutoModerationRuleTriggerType.KeywordPreset]: 1,
	[AutoModerationRuleTriggerType.MentionSpam]: 1,
	[AutoModerationRuleTriggerType.MemberProfile]: 1
};

/** The other limits of a rule, from the docs ("Trigger Metadata Field Limits", "Action Metadata", rule structure). */
export const AUTO_MODERATION_LIMITS = {
	/** Characters of a rule name (the spec's `maxLength`). */
	name: 100,
	keywordFilter: 1000,
	/** Characters of a keyword_filter or allow_list entry. */
	keywordLength: 60,
	regexPatterns: 10,
	regexLength: 260,
	allowListKeyword: 100,
	allowListPreset: 1000,
	mentionTotalLimit: 50,
	customMessage: 150,
	/** Seconds of a TIMEOUT action (4 weeks). */
	timeoutSeconds: 2_419_200,
	exemptRoles: 20,
	exemptChannels: 50,
	/** Actions of a rule (the spec's `minItems` / `maxItems`). */
	minActions: 1,
	maxActions: 5
} as const;

/**
 * `mention_total_limit` of a MENTION_SPAM rule created without one. Discord documents no default; 20 is the limit of
 * the mention rule Discord turns on by itself in community guilds (discord/discord-api-docs#5542).
 */
export const DEFAULT_MENTION_TOTAL_LIMIT = 20;

/**
 * Error codes of the 50035 tree the emulator uses where Discord documents none (an invalid regex, an alert channel
 * that is not a text channel of the guild, a TIMEOUT action on a rule type that cannot have one). Discord refuses
 * such rules; how it words the refusal is not documented.
 */
export const EMULATOR_RULE_ERROR_CODES = {
	invalidRegex: 'AUTO_MODERATION_INVALID_REGEX',
	invalidAlertChannel: 'AUTO_MODERATION_INVALID_ALERT_CHANNEL',
	actionNotAllowed: 'AUTO_MODERATION_ACTION_NOT_ALLOWED_FOR_TRIGGER_TYPE'
} as const;

const TRIGGER_TYPES = new Set<number>(Object.keys(MAX_RULES_PER_TRIGGER_TYPE).map(Number));
const EVENT_TYPES = new Set<number>([AutoModerationRuleEventType.MessageSend, AutoModerationRuleEventType.MemberUpdate]);
const ACTION_TYPES = new Set<number>([
	AutoModerationActionType.BlockMessage,
	AutoModerationActionType.SendAlertMessage,
	AutoModerationActionType.Timeout,
	AutoModerationActionType.BlockMemberInteraction
]);
const PRESETS = new Set([1, 2, 3]);
/** Channels an alert can be posted in: the text-capable guild channels. */
const ALERT_CHANNEL_TYPES = new Set<number>([
	ChannelType.GuildText,
	ChannelType.GuildAnnouncement,
	ChannelType.GuildVoice,
	ChannelType.GuildStageVoice,
	ChannelType.PublicThread,
	ChannelType.PrivateThread,
	ChannelType.AnnouncementThread
]);

/** The rule fields a create or modify request carries (the REST body, snake_case as Discord's JSON). */
export interface AutoModerationRuleInput {
	name?: string;
	event_type?: number;
	trigger_type?: number;
	trigger_metadata?: Json | null;
	actions?: Json[] | null;
	enabled?: boolean | null;
	exempt_roles?: string[] | null;
	exempt_channels?: string[] | null;
}

/** A rule ready to be stored, or the problems that refuse it (Discord's 50035 tree entries). */
export interface RuleCheck {
	rule: Omit<APIAutoModerationRule, 'id' | 'guild_id' | 'creator_id'> | null;
	issues: BodyIssue[];
}

/**
 * Validates a rule as Discord does and fills in the defaults its answers carry: `enabled` false, empty lists, the
 * trigger_metadata fields of the rule's trigger type only (KEYWORD and MEMBER_PROFILE: keyword_filter, regex_patterns,
 * allow_list; KEYWORD_PRESET: presets, allow_list; MENTION_SPAM: mention_total_limit, mention_raid_protection_enabled;
 * SPAM: none), action metadata as `{}` when absent. With `existing` (a modify request), absent or null fields keep
 * their value, a given trigger_metadata replaces the old one, and `trigger_type` is ignored (Discord does not take it
 * there: the type of a rule cannot change). The per-guild count of rules of a type is checked by
 * {@link ruleLimitIssue}, on creation only.
 */
export function checkRule(guild: GuildHandle, input: AutoModerationRuleInput, existing?: APIAutoModerationRule): RuleCheck {
	const issues: BodyIssue[] = [];
	const add = (path: string, code: string, message: string) => issues.push({ path, code, message });
	const given = (value: unknown) => value !== undefined && value !== null;
	const triggerType = existing ? existing.trigger_type : input.trigger_type;
	if (!existing && !given(triggerType)) add('trigger_type', 'BASE_TYPE_REQUIRED', 'This field is required');
	else if (!TRIGGER_TYPES.has(Number(triggerType)) || !Number.isInteger(triggerType)) {
		add('trigger_type', 'BASE_TYPE_CHOICES', `Value must be one of ${JSON.stringify([...TRIGGER_TYPES])}.`);
	}

	const name = given(input.name) ? input.name : existing?.name;
	if (typeof name !== 'string' || [...name].length === 0) add('name', 'BASE_TYPE_REQUIRED', 'This field is required');
	else if ([...name].length > AUTO_MODERATION_LIMITS.name) add('name', 'BASE_TYPE_MAX_LENGTH', `Must be ${AUTO_MODERATION_LIMITS.name} or fewer in length.`);

	const eventType = given(input.event_type) ? input.event_type : existing?.event_type;
	if (!given(eventType)) add('event_type', 'BASE_TYPE_REQUIRED', 'This field is required');
	else if (!EVENT_TYPES.has(Number(eventType))) add('event_type', 'BASE_TYPE_CHOICES', `Value must be one of ${JSON.stringify([...EVENT_TYPES])}.`);

	let metadata: Json = existing?.trigger_metadata ?? {};
	if (given(input.trigger_metadata) || !existing) {
		if (!given(input.trigger_metadata) && needsMetadata(Number(triggerType))) {
			add('trigger_metadata', 'BASE_TYPE_REQUIRED', 'This field is required');
		}
		metadata = checkMetadata(Number(triggerType), input.trigger_metadata ?? {}, add);
	}

	let actions: APIAutoModerationAction[] = existing?.actions ?? [];
	if (given(input.actions) || !existing) {
		if (!given(input.actions)) add('actions', 'BASE_TYPE_REQUIRED', 'This field is required');
		else if (!Array.isArray(input.actions)) add('actions', 'LIST_TYPE_CONVERT', 'Must be an array.');
		else actions = checkActions(guild, Number(triggerType), input.actions, add);
	}

	const list = (key: 'exempt_roles' | 'exempt_channels', max: number): string[] => {
		const value = input[key];
		if (!given(value)) return existing?.[key] ?? [];
		if (!Array.isArray(value)) {
			add(key, 'LIST_TYPE_CONVERT', 'Must be an array.');
			return [];
		}
		if (value.length > max) add(key, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
		value.forEach((id, index) => {
			if (typeof id !== 'string' || !/^\d{1,20}$/.test(id)) add(`${key}.${index}`, 'NUMBER_TYPE_COERCE', `Value "${String(id)}" is not snowflake.`);
		});
		return [...new Set(value.map(String))];
	};
	const exemptRoles = list('exempt_roles', AUTO_MODERATION_LIMITS.exemptRoles);
	const exemptChannels = list('exempt_channels', AUTO_MODERATION_LIMITS.exemptChannels);
	const enabled = given(input.enabled) ? Boolean(input.enabled) : (existing?.enabled ?? false);

	if (issues.length) return { rule: null, issues };
	return {
		rule: {
			name: name as string,
			event_type: Number(eventType),
			trigger_type: Number(triggerType),
			trigger_metadata: metadata,
			actions,
			enabled,
			exempt_roles: exemptRoles,
			exempt_channels: exemptChannels
		} as Omit<APIAutoModerationRule, 'id' | 'guild_id' | 'creator_id'>,
		issues
	};
}

/** KEYWORD, KEYWORD_PRESET and MEMBER_PROFILE rules need trigger_metadata (discord-api-docs#5215, and the spec). */
function needsMetadata(triggerType: number): boolean {
	return (
		triggerType === AutoModerationRuleTriggerType.Keyword ||
		triggerType === AutoModerationRuleTriggerType.KeywordPreset ||
		triggerType === AutoModerationRuleTriggerType.MemberProfile
	);
}

type Add = (path: string, code: string, message: string) => void;

function stringList(value: unknown, path: string, max: number, maxLength: number, add: Add): string[] {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value)) {
		add(path, 'LIST_TYPE_CONVERT', 'Must be an array.');
		return [];
	}
	if (value.length > max) add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
	value.forEach((entry, index) => {
		if (typeof entry !== 'string') add(`${path}.${index}`, 'STRING_TYPE_CONVERT', 'Must be a string.');
		else if ([...entry].length === 0) add(`${path}.${index}`, 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.');
		else if ([...entry].length > maxLength) add(`${path}.${index}`, 'BASE_TYPE_MAX_LENGTH', `Must be ${maxLength} or fewer in length.`);
	});
	return value.map(String);
}

/** Validates trigger_metadata for a trigger type and returns it as Discord answers it (that type's fields only). */
function checkMetadata(triggerType: number, metadata: Json, add: Add): Json {
	const L = AUTO_MODERATION_LIMITS;
	const path = 'trigger_metadata';
	if (typeof metadata !== 'object' || Array.isArray(metadata)) {
		add(path, 'MODEL_TYPE_CONVERT', 'Must be an object.');
		return {};
	}
	switch (triggerType) {
		case AutoModerationRuleTriggerType.Keyword:
		case AutoModerationRuleTriggerType.MemberProfile: {
			const keywordFilter = stringList(metadata.keyword_filter, `${path}.keyword_filter`, L.keywordFilter, L.keywordLength, add);
			const regexPatterns = stringList(metadata.regex_patterns, `${path}.regex_patterns`, L.regexPatterns, L.regexLength, add);
			regexPatterns.forEach((pattern, index) => {
				const problem = regexProblem(pattern);
				if (problem) add(`${path}.regex_patterns.${index}`, EMULATOR_RULE_ERROR_CODES.invalidRegex, `Invalid regex pattern: ${problem}`);
			});
			const allowList = stringList(metadata.allow_list, `${path}.allow_list`, L.allowListKeyword, L.keywordLength, add);
			return { keyword_filter: keywordFilter, regex_patterns: regexPatterns, allow_list: allowList };
		}
		case AutoModerationRuleTriggerType.KeywordPreset: {
			const presets = metadata.presets ?? [];
			if (!Array.isArray(presets)) add(`${path}.presets`, 'LIST_TYPE_CONVERT', 'Must be an array.');
			else {
				presets.forEach((preset: unknown, index: number) => {
					if (!PRESETS.has(Number(preset))) add(`${path}.presets.${index}`, 'BASE_TYPE_CHOICES', 'Value must be one of [1,2,3].');
				});
			}
			const allowList = stringList(metadata.allow_list, `${path}.allow_list`, L.allowListPreset, L.keywordLength, add);
			return { presets: Array.isArray(presets) ? [...new Set(presets.map(Number))] : [], allow_list: allowList };
		}
		case AutoModerationRuleTriggerType.MentionSpam: {
			const limit = metadata.mention_total_limit ?? DEFAULT_MENTION_TOTAL_LIMIT;
			if (!Number.isInteger(limit)) add(`${path}.mention_total_limit`, 'NUMBER_TYPE_COERCE', `Value "${String(limit)}" is not int.`);
			else if (limit < 0) add(`${path}.mention_total_limit`, 'NUMBER_TYPE_MIN', 'int value should be greater than or equal to 0.');
			else if (limit > L.mentionTotalLimit) {
				add(`${path}.mention_total_limit`, 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${L.mentionTotalLimit}.`);
			}
			return { mention_total_limit: limit, mention_raid_protection_enabled: Boolean(metadata.mention_raid_protection_enabled) };
		}
		default:
			return {};
	}
}

/** Why a regex pattern does not compile (RE2 syntax, close to Rust's), or null. */
export function regexProblem(pattern: string): string | null {
	try {
		RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
		return null;
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}

function checkActions(guild: GuildHandle, triggerType: number, actions: Json[], add: Add): APIAutoModerationAction[] {
	const L = AUTO_MODERATION_LIMITS;
	if (actions.length < L.minActions) add('actions', 'BASE_TYPE_MIN_LENGTH', `Must be ${L.minActions} or more in length.`);
	if (actions.length > L.maxActions) add('actions', 'BASE_TYPE_MAX_LENGTH', `Must be ${L.maxActions} or fewer in length.`);
	return actions.map((action, index) => {
		const path = `actions.${index}`;
		const type = Number(action?.type);
		const metadata: Json = action?.metadata && typeof action.metadata === 'object' ? action.metadata : {};
		if (!ACTION_TYPES.has(type)) {
			add(`${path}.type`, 'BASE_TYPE_CHOICES', `Value must be one of ${JSON.stringify([...ACTION_TYPES])}.`);
			return { type, metadata: {} } as APIAutoModerationAction;
		}
		switch (type) {
			case AutoModerationActionType.BlockMessage: {
				const message = metadata.custom_message;
				if (message !== undefined && message !== null && [...String(message)].length > L.customMessage) {
					add(`${path}.metadata.custom_message`, 'BASE_TYPE_MAX_LENGTH', `Must be ${L.customMessage} or fewer in length.`);
				}
				return { type, metadata: message ? { custom_message: String(message) } : {} };
			}
			case AutoModerationActionType.SendAlertMessage: {
				const channelId = metadata.channel_id;
				if (channelId === undefined || channelId === null) {
					add(`${path}.metadata.channel_id`, 'BASE_TYPE_REQUIRED', 'This field is required');
				} else {
					const channel = guild.world.channels.get(String(channelId));
					if (!channel || channel.guildId !== guild.id || !ALERT_CHANNEL_TYPES.has(channel.type)) {
						add(`${path}.metadata.channel_id`, EMULATOR_RULE_ERROR_CODES.invalidAlertChannel, 'Must be a text channel of this guild.');
					}
				}
				return { type, metadata: { channel_id: String(channelId) } };
			}
			case AutoModerationActionType.Timeout: {
				const seconds = metadata.duration_seconds;
				if (triggerType !== AutoModerationRuleTriggerType.Keyword && triggerType !== AutoModerationRuleTriggerType.MentionSpam) {
					add(`${path}.type`, EMULATOR_RULE_ERROR_CODES.actionNotAllowed, 'A TIMEOUT action can only be set up for KEYWORD and MENTION_SPAM rules.');
				}
				if (seconds === undefined || seconds === null) add(`${path}.metadata.duration_seconds`, 'BASE_TYPE_REQUIRED', 'This field is required');
				else if (!Number.isInteger(seconds)) add(`${path}.metadata.duration_seconds`, 'NUMBER_TYPE_COERCE', `Value "${String(seconds)}" is not int.`);
				else if (seconds < 0) add(`${path}.metadata.duration_seconds`, 'NUMBER_TYPE_MIN', 'int value should be greater than or equal to 0.');
				else if (seconds > L.timeoutSeconds) {
					add(`${path}.metadata.duration_seconds`, 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${L.timeoutSeconds}.`);
				}
				return { type, metadata: { duration_seconds: Number(seconds) } };
			}
			default:
				return { type, metadata: {} } as APIAutoModerationAction;
		}
	});
}

/**
 * The 400 50035 entry when the guild already has the most rules of this trigger type it may have: at the root of the
 * tree, as Discord answers (`AUTO_MODERATION_MAX_RULES_OF_TYPE_EXCEEDED`, "Maximum number of rules with trigger type 1
 * is 6"), or null.
 */
export function ruleLimitIssue(guild: GuildState, triggerType: number): BodyIssue | null {
	const max = MAX_RULES_PER_TRIGGER_TYPE[triggerType];
	if (max === undefined) return null;
	const count = [...guild.autoModerationRules.values()].filter((rule) => rule.trigger_type === triggerType).length;
	if (count < max) return null;
	return { path: '', code: 'AUTO_MODERATION_MAX_RULES_OF_TYPE_EXCEEDED', message: `Maximum number of rules with trigger type ${triggerType} is ${max}` };
}

/** True when the rule has a TIMEOUT action, which needs MODERATE_MEMBERS of whoever saves it. */
export function hasTimeoutAction(rule: { actions?: unknown }): boolean {
	return Array.isArray(rule.actions) && rule.actions.some((action) => (action as { type?: unknown } | null)?.type === AutoModerationActionType.Timeout);
}

/** A stored rule as Discord returns it (a copy). */
export function rulePayload(rule: APIAutoModerationRule): APIAutoModerationRule {
	return structuredClone(rule);
}

/** True when the bot holds MANAGE_GUILD in the guild: only then does it receive AutoMod events. */
function botManagesGuild(guild: GuildHandle): boolean {
	const bot = guild.state.members.get(guild.world.context.bot.id);
	if (!bot) return false;
	return (basePermissions(guild.state, bot, guild.world.context.clock.now()) & PermissionFlagsBits.ManageGuild) !== 0n;
}

/** The audit log changes of a rule: every field (created), the changed ones (updated), or every field (deleted). */
function ruleChanges(before: APIAutoModerationRule | undefined, after: APIAutoModerationRule | undefined): AuditLogChange[] {
	const keys = ['name', 'event_type', 'trigger_type', 'trigger_metadata', 'actions', 'enabled', 'exempt_roles', 'exempt_channels'] as const;
	return auditChanges(keys.map((key) => [key, before?.[key], after?.[key]]));
}

/** Who saves a rule, and why (the audit log entry's `user_id` and `reason`). */
export interface RuleActor {
	userId: string;
	reason?: string | null;
}

/**
 * Stores a checked rule (a new snowflake id, `creator_id` the actor), sends AUTO_MODERATION_RULE_CREATE (to a bot with
 * MANAGE_GUILD), then adds the AUTO_MODERATION_RULE_CREATE (140) audit log entry (target: the rule).
 */
export function saveNewRule(guild: GuildHandle, rule: NonNullable<RuleCheck['rule']>, actor: RuleActor): APIAutoModerationRule {
	const stored = {
		id: guild.world.context.ids.next(),
		guild_id: guild.id,
		name: rule.name,
		creator_id: actor.userId,
		event_type: rule.event_type,
		trigger_type: rule.trigger_type,
		trigger_metadata: rule.trigger_metadata,
		actions: rule.actions,
		enabled: rule.enabled,
		exempt_roles: rule.exempt_roles,
		exempt_channels: rule.exempt_channels
	} as APIAutoModerationRule;
	guild.state.autoModerationRules.set(stored.id, stored);
	if (botManagesGuild(guild)) guild.world.dispatch('AUTO_MODERATION_RULE_CREATE', rulePayload(stored), guild.id);
	guild.recordAuditLogEntry({
		actionType: AuditLogEvent.AutoModerationRuleCreate,
		userId: actor.userId,
		targetId: stored.id,
		reason: actor.reason,
		changes: ruleChanges(undefined, stored)
	});
	return rulePayload(stored);
}

/**
 * Replaces a rule's fields with a checked version, sends AUTO_MODERATION_RULE_UPDATE (to a bot with MANAGE_GUILD),
 * then adds an AUTO_MODERATION_RULE_UPDATE (141) entry with the changed fields (none when nothing changed).
 */
export function saveRuleUpdate(
	guild: GuildHandle,
	ruleId: string,
	rule: NonNullable<RuleCheck['rule']>,
	actor: RuleActor
): APIAutoModerationRule {
	const before = guild.state.autoModerationRules.get(ruleId);
	if (!before) throw new Error(`emulator: no auto moderation rule ${ruleId} in guild ${guild.id}`);
	const after = { ...before, ...rule, trigger_type: before.trigger_type } as APIAutoModerationRule;
	guild.state.autoModerationRules.set(ruleId, after);
	if (botManagesGuild(guild)) guild.world.dispatch('AUTO_MODERATION_RULE_UPDATE', rulePayload(after), guild.id);
	const changes = ruleChanges(before, after);
	if (changes.length) {
		guild.recordAuditLogEntry({
			actionType: AuditLogEvent.AutoModerationRuleUpdate,
			userId: actor.userId,
			targetId: ruleId,
			reason: actor.reason,
			changes
		});
	}
	return rulePayload(after);
}

/** Deletes a rule, sends AUTO_MODERATION_RULE_DELETE (the rule, to a bot with MANAGE_GUILD), then entry 142. */
export function removeRule(guild: GuildHandle, ruleId: string, actor: RuleActor): APIAutoModerationRule {
	const before = guild.state.autoModerationRules.get(ruleId);
	if (!before) throw new Error(`emulator: no auto moderation rule ${ruleId} in guild ${guild.id}`);
	guild.state.autoModerationRules.delete(ruleId);
	if (botManagesGuild(guild)) guild.world.dispatch('AUTO_MODERATION_RULE_DELETE', rulePayload(before), guild.id);
	guild.recordAuditLogEntry({
		actionType: AuditLogEvent.AutoModerationRuleDelete,
		userId: actor.userId,
		targetId: ruleId,
		reason: actor.reason,
		changes: ruleChanges(before, undefined)
	});
	return rulePayload(before);
}

// ----- matching -----

/** Where a keyword or regex matched: `[start, end)` in UTF-16 units, and the text reported as `matched_content`. */
interface Hit {
	start: number;
	end: number;
	content: string;
}

const WHITESPACE = /\s/u;

/**
 * Every place a keyword matches in `content`, following "Keyword Matching Strategies": case-insensitive; without a
 * leading `*` the match must start the content or follow whitespace, without a trailing `*` it must end the content or
 * be followed by whitespace; a phrase's spaces match any run of whitespace. The reported content spans the whole
 * words a wildcard side reaches into (`cat*` in "catch me" reports "catch"), an approximation: Discord does not say.
 */
export function keywordHits(keyword: string, content: string): Hit[] {
	const anyStart = keyword.startsWith('*');
	const anyEnd = keyword.endsWith('*') && keyword.length > 1;
	const core = keyword.slice(anyStart ? 1 : 0, anyEnd ? -1 : undefined).trim();
	if (!core) return [];
	const body = core
		.split(/\s+/u)
		.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
		.join('\\s+');
	const pattern = new RegExp(`${anyStart ? '' : '(?<=^|\\s)'}${body}${anyEnd ? '' : '(?=\\s|$)'}`, 'giu');
	const hits: Hit[] = [];
	for (const match of content.matchAll(pattern)) {
		let start = match.index;
		let end = start + match[0].length;
		if (anyStart) while (start > 0 && !WHITESPACE.test(content[start - 1]!)) start--;
		if (anyEnd) while (end < content.length && !WHITESPACE.test(content[end]!)) end++;
		hits.push({ start: match.index, end: match.index + match[0].length, content: content.slice(start, end) });
		if (match[0].length === 0) break;
	}
	return hits;
}

/** Every match of a regex pattern (RE2 syntax; case-insensitive and Unicode as Discord runs them). */
export function regexHits(pattern: string, content: string): Hit[] {
	let compiled: RE2JS;
	try {
		compiled = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
	} catch {
		return [];
	}
	const matcher = compiled.matcher(content);
	const hits: Hit[] = [];
	let from = 0;
	while (from <= content.length && matcher.find(from)) {
		const start = matcher.start();
		const end = matcher.end();
		hits.push({ start, end, content: matcher.group() ?? '' });
		from = end > start ? end : end + 1;
	}
	return hits;
}

/** What triggered a rule: the configured keyword or pattern and the text it matched (null for MENTION_SPAM). */
export interface RuleMatch {
	rule: APIAutoModerationRule;
	matchedKeyword: string | null;
	matchedContent: string | null;
}

/**
 * The first keyword_filter entry, else regex pattern, that matches outside every allow_list match, or null.
 * Keywords are tried in their order, then patterns.
 */
function keywordRuleMatch(rule: APIAutoModerationRule, content: string): RuleMatch | null {
	const metadata = rule.trigger_metadata;
	const allowed = (metadata.allow_list ?? []).flatMap((keyword) => keywordHits(keyword, content));
	const free = (hit: Hit) => !allowed.some((span) => span.start <= hit.start && hit.end <= span.end);
	for (const keyword of metadata.keyword_filter ?? []) {
		const hit = keywordHits(keyword, content).find(free);
		if (hit) return { rule, matchedKeyword: keyword, matchedContent: hit.content };
	}
	for (const pattern of metadata.regex_patterns ?? []) {
		const hit = regexHits(pattern, content).find(free);
		if (hit) return { rule, matchedKeyword: pattern, matchedContent: hit.content };
	}
	return null;
}

/** Who sends what, where: the input of {@link checkMessage}. */
export interface MessageUnderCheck {
	authorId: string;
	channel: ChannelState;
	content: string;
	/** Posted through a webhook (no member): AutoMod does not check it. */
	webhook?: boolean;
}

/** The rules a message triggers, and whether one of them blocks it. */
export interface AutoModerationCheck {
	matches: RuleMatch[];
	blocked: boolean;
}

/**
 * True when AutoMod leaves the author alone everywhere: bots and webhooks, the owner, and members with ADMINISTRATOR
 * or MANAGE_GUILD (Discord exempts members who can manage the server from every rule).
 */
function exemptAuthor(guild: GuildHandle, input: MessageUnderCheck): boolean {
	if (input.webhook) return true;
	const user = guild.world.users.get(input.authorId);
	const member = guild.state.members.get(input.authorId);
	if (!user || !member || user.bot) return true;
	const bits = basePermissions(guild.state, member, guild.world.context.clock.now());
	return (bits & (PermissionFlagsBits.Administrator | PermissionFlagsBits.ManageGuild)) !== 0n;
}

/**
 * The channels whose exemption covers a message posted in `channel`: itself, its parent (the category of a channel,
 * the channel of a thread) and a thread's parent's category. Discord's client offers categories in a rule's exempt
 * channels; exempting one is taken to exempt what is in it.
 */
function exemptionScope(guild: GuildHandle, channel: ChannelState): string[] {
	const ids = [channel.id];
	const parent = channel.parentId ? guild.world.channels.get(channel.parentId) : undefined;
	if (parent) {
		ids.push(parent.id);
		if (isThread(channel.type) && parent.parentId) ids.push(parent.parentId);
	}
	return ids;
}

/**
 * The enabled MESSAGE_SEND rules a message triggers, in creation order: KEYWORD (keyword_filter, regex_patterns,
 * allow_list) and MENTION_SPAM (unique user and role mentions above mention_total_limit; mention raid protection is
 * not emulated). SPAM and KEYWORD_PRESET rules (Discord's own classifiers and word lists) and MEMBER_PROFILE rules
 * (profiles, not messages) never trigger here. A rule does not apply to a member with one of its exempt roles, nor in
 * one of its exempt channels (or their children); nothing applies to exempt authors (see exemptAuthor).
 */
export function checkMessage(guild: GuildHandle, input: MessageUnderCheck): AutoModerationCheck {
	const matches: RuleMatch[] = [];
	if (!guild.state.autoModerationRules.size || exemptAuthor(guild, input)) return { matches, blocked: false };
	const member = guild.state.members.get(input.authorId)!;
	const scope = exemptionScope(guild, input.channel);
	for (const rule of guild.state.autoModerationRules.values()) {
		if (!rule.enabled || rule.event_type !== AutoModerationRuleEventType.MessageSend) continue;
		if (rule.exempt_roles.some((roleId) => member.roles.includes(roleId))) continue;
		if (rule.exempt_channels.some((channelId) => scope.includes(channelId))) continue;
		if (rule.trigger_type === AutoModerationRuleTriggerType.Keyword) {
			const match = keywordRuleMatch(rule, input.content);
			if (match) matches.push(match);
		} else if (rule.trigger_type === AutoModerationRuleTriggerType.MentionSpam) {
			const mentions = parseMentions(guild.world, input.channel, input.content, null);
			const limit = rule.trigger_metadata.mention_total_limit ?? DEFAULT_MENTION_TOTAL_LIMIT;
			if (mentions.users.length + mentions.roles.length > limit) matches.push({ rule, matchedKeyword: null, matchedContent: null });
		}
	}
	const blocked = matches.some(({ rule }) => rule.actions.some((action) => action.type === AutoModerationActionType.BlockMessage));
	return { matches, blocked };
}

// ----- actions -----

/** What AutoMod did about one message: its executions (full content) and the alert messages it posted. */
export interface AutoModerationActionsResult {
	executions: GatewayAutoModerationActionExecutionDispatchData[];
	alerts: APIMessage[];
}

/**
 * Runs the actions of every rule a message triggered, rule by rule, in each rule's order, each followed by its
 * AUTO_MODERATION_ACTION_EXECUTION (to a bot with MANAGE_GUILD; `content` and `matched_content` empty on sessions
 * without MESSAGE_CONTENT):
 * - BLOCK_MESSAGE: the caller did not create the message; audit entry AUTO_MODERATION_BLOCK_MESSAGE (143).
 * - SEND_ALERT_MESSAGE: a system message of type AUTO_MODERATION_ACTION (24) in the alert channel, by the author, with
 *   an `auto_moderation_message` embed (see {@link alertEmbed}); entry AUTO_MODERATION_FLAG_TO_CHANNEL (144); the
 *   execution carries `alert_system_message_id`.
 * - TIMEOUT: `communication_disabled_until` = now + duration_seconds, GUILD_MEMBER_UPDATE, entry
 *   AUTO_MODERATION_USER_COMMUNICATION_DISABLED (145).
 * - BLOCK_MEMBER_INTERACTION: the execution only (quarantine is not emulated).
 * The entries name the member as both `user_id` and `target_id`, with options `channel_id`,
 * `auto_moderation_rule_name` and `auto_moderation_rule_trigger_type` ("Optional Audit Entry Info").
 * `messageId` is the message the content belongs to (absent when it was blocked).
 */
export function executeActions(
	guild: GuildHandle,
	check: AutoModerationCheck,
	input: { authorId: string; channel: ChannelState; content: string; messageId?: string }
): AutoModerationActionsResult {
	const { world } = guild;
	const result: AutoModerationActionsResult = { executions: [], alerts: [] };
	for (const match of check.matches) {
		const { rule } = match;
		const options = {
			channel_id: input.channel.id,
			auto_moderation_rule_name: rule.name,
			auto_moderation_rule_trigger_type: String(rule.trigger_type)
		};
		const entry = (actionType: AuditLogEvent): APIAuditLogEntry =>
			guild.recordAuditLogEntry({ actionType, userId: input.authorId, targetId: input.authorId, options });
		for (const action of rule.actions) {
			let alertId: string | undefined;
			switch (action.type) {
				case AutoModerationActionType.BlockMessage:
					entry(AuditLogEvent.AutoModerationBlockMessage);
					break;
				case AutoModerationActionType.SendAlertMessage: {
					const alertChannel = world.channels.get(action.metadata?.channel_id ?? '');
					if (alertChannel && alertChannel.guildId === guild.id) {
						const alert = createMessage(world, alertChannel, {
							authorId: input.authorId,
							type: MessageType.AutoModerationAction,
							content: '',
							embeds: [alertEmbed(guild, rule, match, input)]
						});
						alertId = alert.id;
						result.alerts.push(alert);
					}
					entry(AuditLogEvent.AutoModerationFlagToChannel);
					break;
				}
				case AutoModerationActionType.Timeout: {
					const seconds = action.metadata?.duration_seconds ?? 0;
					if (seconds > 0 && guild.state.members.has(input.authorId)) {
						const until = normalizeTimeout(world.context.clock.now() + seconds * 1000);
						guild.updateMember(input.authorId, { communicationDisabledUntil: until });
					}
					entry(AuditLogEvent.AutoModerationUserCommunicationDisabled);
					break;
				}
				default:
					break;
			}
			const execution: GatewayAutoModerationActionExecutionDispatchData = {
				guild_id: guild.id,
				action: structuredClone(action),
				rule_id: rule.id,
				rule_trigger_type: rule.trigger_type,
				user_id: input.authorId,
				channel_id: input.channel.id,
				...(input.messageId ? { message_id: input.messageId } : {}),
				...(alertId ? { alert_system_message_id: alertId } : {}),
				content: input.content,
				matched_keyword: match.matchedKeyword,
				matched_content: match.matchedContent
			};
			guild.state.autoModerationExecutions.push(execution);
			result.executions.push(execution);
			if (botManagesGuild(guild)) {
				world.dispatch(
					'AUTO_MODERATION_ACTION_EXECUTION',
					(session: { intents: number }) =>
						session.intents & GatewayIntentBits.MessageContent ? execution : { ...execution, content: '', matched_content: '' },
					guild.id
				);
			}
		}
	}
	return result;
}

/**
 * The embed of an AutoMod alert message. Discord documents neither; its client reads an embed of type
 * `auto_moderation_message` whose description is the member's content and whose fields are keyed `rule_name`,
 * `channel_id`, `decision_id`, `keyword`, `keyword_matched_content`, `flagged_message_id`, `timeout_duration` (the
 * names its client looks up; which are present, and `timeout_duration` in seconds, are the emulator's reading).
 */
export function alertEmbed(
	guild: GuildHandle,
	rule: APIAutoModerationRule,
	match: RuleMatch,
	input: { channel: ChannelState; content: string; messageId?: string }
): APIEmbed {
	const field = (name: string, value: string) => ({ name, value, inline: false });
	const timeout = rule.actions.find((action) => action.type === AutoModerationActionType.Timeout);
	return {
		type: 'auto_moderation_message' as APIEmbed['type'],
		description: input.content,
		fields: [
			field('rule_name', rule.name),
			field('channel_id', input.channel.id),
			field('decision_id', guild.world.context.ids.next()),
			...(match.matchedKeyword !== null ? [field('keyword', match.matchedKeyword)] : []),
			...(match.matchedContent !== null ? [field('keyword_matched_content', match.matchedContent)] : []),
			...(input.messageId ? [field('flagged_message_id', input.messageId)] : []),
			...(timeout ? [field('timeout_duration', String(timeout.metadata?.duration_seconds ?? 0))] : [])
		]
	};
}
