/**
 * `GET /guilds/{guild_id}/audit-logs` (resources/audit-log "Get Guild Audit Log"): needs VIEW_AUDIT_LOG (403 50013
 * otherwise); filters `user_id`, `target_id`, `action_type`, `before`, `after`, `limit` (1–100, default 50; the
 * query is checked against Discord's OpenAPI description first, see ../../validation/query.ts). Answers the audit
 * log object: entries newest first (oldest first with `after`), the users they reference, and the other lists.
 */
import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import { auditLogPayload, queryAuditLog } from '../../world/audit.js';
import type { RouteDefinition } from '../router.js';

export const auditLogRoutes: RouteDefinition[] = [
	{
		method: 'GET',
		path: '/guilds/{guild_id}/audit-logs',
		auth: 'bot',
		handler: (ctx) => {
			const guild = ctx.guild();
			ctx.requirePermissions(guild, P.ViewAuditLog);
			const optional = (name: string) => ctx.query.get(name) ?? undefined;
			const actionType = optional('action_type');
			const limit = optional('limit');
			const entries = queryAuditLog(guild.state, ctx.now(), {
				userId: optional('user_id'),
				targetId: optional('target_id'),
				actionType: actionType === undefined ? undefined : Number(actionType),
				before: optional('before'),
				after: optional('after'),
				limit: limit === undefined ? undefined : Math.min(100, Math.max(1, Number(limit)))
			});
			return auditLogPayload(ctx.world, entries, guild.state);
		}
	}
];
