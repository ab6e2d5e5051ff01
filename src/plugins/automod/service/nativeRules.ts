import {
	AutoModerationActionType,
	AutoModerationRuleEventType,
	DiscordAPIError,
	PermissionFlagsBits,
	RESTJSONErrorCodes,
	Routes,
	type APIAutoModerationAction,
	type APIAutoModerationRule,
	type RESTPostAPIAutoModerationRuleJSONBody
} from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import { fetchBotMember, loadGuild } from '../../moderation/service/discord.js';
import { NATIVE_LIMITS, planNativeSync, TRIGGER_KEYWORD, TRIGGER_MENTION_SPAM, type NotSynced } from '../lib/native.js';
import type { AutomodContext } from './AutomodService.js';

/** Longest custom message of a native block action: 150 characters (Discord's limit). */
const MAX_CUSTOM_MESSAGE = 150;

/** What happened to one of our native rules in a sync. */
export interface SyncedRule {
	id: string | null;
	change: 'created' | 'updated' | 'deleted' | 'none';
}

/** What `/automod native sync` did. */
export interface NativeSyncReport {
	keyword: SyncedRule & { keywords: number; regexes: number };
	mention: SyncedRule & { limit: number | null };
	notSynced: NotSynced[];
}

/** One native rule as `/automod native status` lists it. */
export interface NativeRuleView {
	id: string;
	name: string;
	triggerType: number;
	enabled: boolean;
	/** Made and kept by our sync. */
	ours: boolean;
	keywords: number;
	regexes: number;
}

/** `/automod native status`: every native rule of the guild, and how many of Discord's per-guild slots are used. */
export interface NativeStatus {
	rules: NativeRuleView[];
	keywordRules: { used: number; max: number };
	mentionRules: { used: number; max: number };
}

/**
 * The automod's side of Discord's native AutoMod rules (lib/native.ts plans; this talks to Discord through REST). Runs
 * where the command runs; the ids of our rules are kept in the guild's config (atomic update), so a second sync
 * updates them in place and a rule deleted by hand is made again.
 */
export class NativeRules {
	public constructor(private readonly ctx: AutomodContext) {}

	/** The guild's native rules as Discord holds them. @throws UserError `automod:errors.nativeNeedsManageGuild`. */
	async #rules(guildId: string): Promise<APIAutoModerationRule[]> {
		const guild = await loadGuild(this.ctx.client, guildId);
		const me = await fetchBotMember(guild);
		if (!me.permissions.has(PermissionFlagsBits.ManageGuild)) throw translatedUserError('automod:errors.nativeNeedsManageGuild');
		return (await this.ctx.client.rest.get(Routes.guildAutoModerationRules(guildId))) as APIAutoModerationRule[];
	}

	/** Lists the guild's native rules. @throws UserError when the bot lacks Manage Server. */
	public async status(guildId: string): Promise<NativeStatus> {
		const config = await this.ctx.config(guildId);
		const ours = new Set([config.native.keywordRuleId, config.native.mentionRuleId].filter((id): id is string => id !== null));
		const rules = await this.#rules(guildId);
		return {
			rules: rules.map((rule) => ({
				id: rule.id,
				name: rule.name,
				triggerType: rule.trigger_type,
				enabled: rule.enabled,
				ours: ours.has(rule.id),
				keywords: rule.trigger_metadata.keyword_filter?.length ?? 0,
				regexes: rule.trigger_metadata.regex_patterns?.length ?? 0
			})),
			keywordRules: { used: rules.filter((rule) => rule.trigger_type === TRIGGER_KEYWORD).length, max: NATIVE_LIMITS.keywordRules },
			mentionRules: { used: rules.filter((rule) => rule.trigger_type === TRIGGER_MENTION_SPAM).length, max: NATIVE_LIMITS.mentionRules }
		};
	}

	/**
	 * Pushes the word list, regexes and mention limit into the guild's native rules (lib/native.ts `planNativeSync`),
	 * creating, updating or deleting our two rules, and records their ids.
	 * @returns what changed, and what did not fit (with why).
	 * @throws UserError `automod:errors.nativeNeedsManageGuild`.
	 */
	public async sync(guildId: string): Promise<NativeSyncReport> {
		const config = await this.ctx.config(guildId);
		const existing = await this.#rules(guildId);
		const plan = planNativeSync(config, existing.map((rule) => ({ id: rule.id, name: rule.name, triggerType: rule.trigger_type })));
		const { t } = await this.ctx.translator(guildId);
		const actions: APIAutoModerationAction[] = [
			{ type: AutoModerationActionType.BlockMessage, metadata: { custom_message: [...t('automod:native.blockMessage')].slice(0, MAX_CUSTOM_MESSAGE).join('') } }
		];
		if (config.alertChannelId) actions.push({ type: AutoModerationActionType.SendAlertMessage, metadata: { channel_id: config.alertChannelId } });
		const common = { event_type: AutoModerationRuleEventType.MessageSend, actions, enabled: true, exempt_roles: plan.exemptRoles, exempt_channels: plan.exemptChannels };
		const notSynced = [...plan.notSynced];

		for (const id of plan.remove) await this.#delete(guildId, id);
		const keyword: NativeSyncReport['keyword'] = { id: null, change: 'none', keywords: 0, regexes: 0 };
		if (plan.keyword) {
			const body = { ...common, name: t('automod:native.keywordRuleName'), trigger_type: TRIGGER_KEYWORD, trigger_metadata: { keyword_filter: plan.keyword.keywords, regex_patterns: plan.keyword.regexes } };
			const saved = await this.#save(guildId, plan.keyword.existingId, body, notSynced, 'keyword');
			if (saved) Object.assign(keyword, { id: saved.id, change: plan.keyword.existingId ? 'updated' : 'created', keywords: plan.keyword.keywords.length, regexes: plan.keyword.regexes.length });
		} else if (config.native.keywordRuleId && plan.remove.includes(config.native.keywordRuleId)) {
			keyword.change = 'deleted';
		}
		const mention: NativeSyncReport['mention'] = { id: null, change: 'none', limit: null };
		if (plan.mention) {
			const body = { ...common, name: t('automod:native.mentionRuleName'), trigger_type: TRIGGER_MENTION_SPAM, trigger_metadata: { mention_total_limit: plan.mention.limit } };
			const saved = await this.#save(guildId, plan.mention.existingId, body, notSynced, 'mention');
			if (saved) Object.assign(mention, { id: saved.id, change: plan.mention.existingId ? 'updated' : 'created', limit: plan.mention.limit });
		} else if (config.native.mentionRuleId && plan.remove.includes(config.native.mentionRuleId)) {
			mention.change = 'deleted';
		}
		await this.ctx.updateConfig(guildId, (current) => ({ native: { ...current.native, keywordRuleId: keyword.id, mentionRuleId: mention.id } }));
		return { keyword, mention, notSynced };
	}

	/** Creates or updates one rule; Discord's refusal of the body (50035: a regex its engine rejects) is reported, not thrown. */
	async #save(guildId: string, existingId: string | null, body: RESTPostAPIAutoModerationRuleJSONBody, notSynced: NotSynced[], what: string): Promise<APIAutoModerationRule | null> {
		try {
			if (existingId) {
				const { trigger_type: _trigger, ...patch } = body;
				return (await this.ctx.client.rest.patch(Routes.guildAutoModerationRule(guildId, existingId), { body: patch, reason: 'automod native sync' })) as APIAutoModerationRule;
			}
			return (await this.ctx.client.rest.post(Routes.guildAutoModerationRules(guildId), { body, reason: 'automod native sync' })) as APIAutoModerationRule;
		} catch (error) {
			if (error instanceof DiscordAPIError && (error.code === RESTJSONErrorCodes.InvalidFormBodyOrContentType || error.status === 400)) {
				notSynced.push({ item: `${what}: ${error.message}`, reason: 'refused' });
				return null;
			}
			throw error;
		}
	}

	/** Deletes one of our rules (already gone: fine). */
	async #delete(guildId: string, ruleId: string): Promise<void> {
		try {
			await this.ctx.client.rest.delete(Routes.guildAutoModerationRule(guildId, ruleId), { reason: 'automod native sync' });
		} catch (error) {
			// Discord answers 404 for a rule that no longer exists (deleted by hand meanwhile).
			if (!(error instanceof DiscordAPIError && error.status === 404)) throw error;
		}
	}
}
