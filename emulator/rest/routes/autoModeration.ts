/**
 * AutoMod rules (resources/auto-moderation "List / Get / Create / Modify / Delete Auto Moderation Rule"): every route
 * needs MANAGE_GUILD (403 50013), and saving a rule with a TIMEOUT action MODERATE_MEMBERS too ("Auto Moderation
 * Permission Requirements"). Bodies are checked against the spec first (tagged by trigger_type), then by
 * ../../world/autoModeration.ts (`checkRule`: the docs' limits, an alert channel of the guild, compiling regexes,
 * TIMEOUT only on KEYWORD and MENTION_SPAM rules) and the per-guild count of each trigger type, all answered 400 50035
 * with Discord's errors tree. A rule the guild does not have is answered `404: Not Found` with code 0: Discord
 * documents no "Unknown auto moderation rule" code (10066 is "Unknown application command permissions"), and that
 * body is what Discord answered for a rule it would not find (discordjs/discord.js#9287,
 * discord/discord-api-docs#6174). Mutations send AUTO_MODERATION_RULE_CREATE / UPDATE / DELETE and add audit log
 * entries 140 / 141 / 142 with the X-Audit-Log-Reason. A modify request ignores `trigger_type`: a rule keeps its type.
 */
import { PermissionFlagsBits as P, type APIAutoModerationRule } from 'discord-api-types/v10';
import {
	checkRule,
	hasTimeoutAction,
	removeRule,
	ruleLimitIssue,
	rulePayload,
	saveNewRule,
	saveRuleUpdate,
	type AutoModerationRuleInput
} from '../../world/autoModeration.js';
import type { GuildHandle } from '../../world/guild.js';
import type { BodyIssue } from '../../validation/issues.js';
import type { RouteContext } from '../context.js';
import { DiscordHttpError, ErrorCodes, errorTree } from '../errors.js';
import { respond, type RouteDefinition } from '../router.js';

const RULES = '/guilds/{guild_id}/auto-moderation/rules';
const RULE = '/guilds/{guild_id}/auto-moderation/rules/{rule_id}';

/** 404 `{ message: '404: Not Found', code: 0 }` for a rule id the guild does not have (see the module comment). */
function requireRule(ctx: RouteContext, guild: GuildHandle): APIAutoModerationRule {
	const rule = guild.state.autoModerationRules.get(ctx.params.rule_id!);
	if (!rule) {
		throw new DiscordHttpError(404, ErrorCodes.General, '404: Not Found', undefined, `no auto moderation rule ${ctx.params.rule_id} in ${guild.name}`);
	}
	return rule;
}

function invalid(issues: BodyIssue[]): DiscordHttpError {
	const summary = issues.map((issue) => `${issue.path || '(body)'}: ${issue.code} ${issue.message}`).join('; ');
	return new DiscordHttpError(400, ErrorCodes.InvalidFormBody, undefined, errorTree(issues), summary);
}

/** The guild, once the bot is known to hold MANAGE_GUILD there. */
function managedGuild(ctx: RouteContext): GuildHandle {
	const guild = ctx.guild();
	ctx.requirePermissions(guild, P.ManageGuild);
	return guild;
}

export const autoModerationRoutes: RouteDefinition[] = [
	{
		method: 'GET',
		path: RULES,
		auth: 'bot',
		handler: (ctx) => [...managedGuild(ctx).state.autoModerationRules.values()].map(rulePayload)
	},
	{
		method: 'GET',
		path: RULE,
		auth: 'bot',
		handler: (ctx) => rulePayload(requireRule(ctx, managedGuild(ctx)))
	},
	{
		method: 'POST',
		path: RULES,
		auth: 'bot',
		handler: (ctx) => {
			const guild = managedGuild(ctx);
			const body = (ctx.body ?? {}) as AutoModerationRuleInput;
			if (hasTimeoutAction(body)) ctx.requirePermissions(guild, P.ModerateMembers);
			const { rule, issues } = checkRule(guild, body);
			if (!rule) throw invalid(issues);
			const limit = ruleLimitIssue(guild.state, rule.trigger_type);
			if (limit) {
				// A refusal that depends on the guild (its admins may have made the rules), not a malformed body.
				const error = invalid([limit]);
				error.failureKind = 'refused';
				throw error;
			}
			return saveNewRule(guild, rule, { userId: ctx.botId, reason: ctx.reason });
		}
	},
	{
		method: 'PATCH',
		path: RULE,
		auth: 'bot',
		handler: (ctx) => {
			const guild = managedGuild(ctx);
			const existing = requireRule(ctx, guild);
			const body = (ctx.body ?? {}) as AutoModerationRuleInput;
			if (hasTimeoutAction(body)) ctx.requirePermissions(guild, P.ModerateMembers);
			const { rule, issues } = checkRule(guild, body, existing);
			if (!rule) throw invalid(issues);
			return saveRuleUpdate(guild, existing.id, rule, { userId: ctx.botId, reason: ctx.reason });
		}
	},
	{
		method: 'DELETE',
		path: RULE,
		auth: 'bot',
		handler: (ctx) => {
			const guild = managedGuild(ctx);
			const existing = requireRule(ctx, guild);
			removeRule(guild, existing.id, { userId: ctx.botId, reason: ctx.reason });
			return respond(204);
		}
	}
];
