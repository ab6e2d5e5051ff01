/**
 * Guild and roles (resources/guild "Endpoints", topics/permissions "Role Hierarchy"): get and edit the guild
 * (MANAGE_GUILD), list / get / create / edit / reorder / delete roles. Roles need MANAGE_ROLES, can only be edited,
 * moved or deleted below the bot's highest role, and a bot that is not an administrator cannot grant permissions
 * it lacks (403 50013 in each case). New roles start at position 1, as on Discord. Audit log: GUILD_UPDATE,
 * ROLE_CREATE / ROLE_UPDATE / ROLE_DELETE with the changed keys (role reordering is not logged here).
 */
import { AuditLogEvent, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { auditChanges } from '../../world/audit.js';
import { guildPayload, rolePayload } from '../../world/payloads.js';
import { ALL_PERMISSIONS, basePermissions, compareRoles, highestRole, toBits } from '../../world/permissions.js';
import type { GuildHandle } from '../../world/guild.js';
import type { RoleState } from '../../world/state.js';
import type { RouteContext } from '../context.js';
import { DiscordHttpError, ErrorCodes, invalidFormBody, missingPermissions } from '../errors.js';
import type { RouteDefinition } from '../router.js';

type Json = Record<string, any>;

function checkGrant(ctx: RouteContext, guild: GuildHandle, bits: bigint, previous = 0n): void {
	const have = basePermissions(guild.state, guild.botMember, ctx.now());
	if (have === ALL_PERMISSIONS) return;
	const added = bits & ~previous;
	if (added & ~have) throw missingPermissions(`cannot grant permissions the bot lacks (${added & ~have})`);
}

function roleChanges(body: Json): Partial<RoleState> {
	const changes: Partial<RoleState> = {};
	if (body.name !== undefined && body.name !== null) changes.name = body.name;
	if (body.color !== undefined && body.color !== null) changes.color = body.color;
	if (body.colors?.primary_color !== undefined) changes.color = body.colors.primary_color;
	if (body.hoist !== undefined && body.hoist !== null) changes.hoist = Boolean(body.hoist);
	if (body.mentionable !== undefined && body.mentionable !== null) changes.mentionable = Boolean(body.mentionable);
	if (body.permissions !== undefined && body.permissions !== null) changes.permissions = toBits(body.permissions);
	return changes;
}

/** The audited fields of a role, by their API names. */
function roleFields(role: RoleState): Record<string, unknown> {
	return {
		name: role.name,
		permissions: role.permissions.toString(),
		color: role.color,
		hoist: role.hoist,
		mentionable: role.mentionable
	};
}

function roleAuditChanges(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined) {
	const keys = Object.keys((after ?? before)!);
	return auditChanges(keys.map((key) => [key, before?.[key], after?.[key]]));
}

/** The audited fields of a guild, by their API names. */
function guildFields(state: GuildHandle['state']): Record<string, unknown> {
	return {
		name: state.name,
		afk_channel_id: state.afkChannelId,
		afk_timeout: state.afkTimeout,
		system_channel_id: state.systemChannelId,
		preferred_locale: state.preferredLocale,
		description: state.description,
		verification_level: state.verificationLevel
	};
}

function editGuild(ctx: RouteContext) {
	const guild = ctx.guild();
	ctx.requirePermissions(guild, P.ManageGuild);
	const body = (ctx.body ?? {}) as Json;
	const state = guild.state;
	const before = guildFields(state);
	if (body.afk_channel_id !== undefined) {
		if (body.afk_channel_id !== null) guild.requireChannel(body.afk_channel_id);
		state.afkChannelId = body.afk_channel_id;
	}
	if (body.name !== undefined && body.name !== null) state.name = body.name;
	if (body.afk_timeout !== undefined && body.afk_timeout !== null) state.afkTimeout = body.afk_timeout;
	if (body.system_channel_id !== undefined) state.systemChannelId = body.system_channel_id;
	if (body.preferred_locale !== undefined && body.preferred_locale !== null) state.preferredLocale = body.preferred_locale;
	if (body.description !== undefined) state.description = body.description;
	if (body.verification_level !== undefined && body.verification_level !== null) state.verificationLevel = body.verification_level;
	guild.guildUpdated();
	const changes = roleAuditChanges(before, guildFields(state));
	if (changes.length) ctx.audit(guild, { actionType: AuditLogEvent.GuildUpdate, targetId: guild.id, changes });
	return guildPayload(state);
}

function moveRole(guild: GuildHandle, role: RoleState, position: number): RoleState[] {
	const ordered = [...guild.state.roles.values()]
		.filter((other) => other.id !== guild.id && other.id !== role.id)
		.sort((a, b) => compareRoles(a, b));
	const target = Math.max(1, Math.min(position, ordered.length + 1));
	ordered.splice(target - 1, 0, role);
	const changed: RoleState[] = [];
	ordered.forEach((other, index) => {
		if (other.position !== index + 1) {
			other.position = index + 1;
			changed.push(other);
		}
	});
	return changed;
}

export const guildRoutes: RouteDefinition[] = [
	{
		method: 'GET',
		path: '/guilds/{guild_id}',
		auth: 'bot',
		handler: (ctx) => {
			const guild = ctx.guild();
			const payload = guildPayload(guild.state) as Json;
			if (ctx.query.get('with_counts') === 'true') {
				payload.approximate_member_count = guild.state.members.size;
				payload.approximate_presence_count = 0;
			}
			return payload;
		}
	},
	{ method: 'PATCH', path: '/guilds/{guild_id}', auth: 'bot', handler: editGuild },
	{ method: 'GET', path: '/guilds/{guild_id}/roles', auth: 'bot', handler: (ctx) => ctx.guild().roles },
	{
		method: 'GET',
		path: '/guilds/{guild_id}/roles/{role_id}',
		auth: 'bot',
		handler: (ctx) => rolePayload(ctx.role(ctx.guild(), ctx.params.role_id!))
	},
	{
		method: 'POST',
		path: '/guilds/{guild_id}/roles',
		auth: 'bot',
		handler: (ctx) => {
			const guild = ctx.guild();
			ctx.requirePermissions(guild, P.ManageRoles);
			if (guild.state.roles.size >= 250) throw new DiscordHttpError(400, ErrorCodes.MaxRoles);
			const changes = roleChanges((ctx.body ?? {}) as Json);
			const permissions = changes.permissions ?? guild.state.roles.get(guild.id)!.permissions;
			checkGrant(ctx, guild, permissions);
			const role = guild.insertRole(
				{
					name: changes.name ?? 'new role',
					permissions,
					color: changes.color,
					hoist: changes.hoist,
					mentionable: changes.mentionable,
					position: 1
				},
				true
			);
			ctx.audit(guild, { actionType: AuditLogEvent.RoleCreate, targetId: role.id, changes: roleAuditChanges(undefined, roleFields(role)) });
			return rolePayload(role);
		}
	},
	{
		method: 'PATCH',
		path: '/guilds/{guild_id}/roles/{role_id}',
		auth: 'bot',
		handler: (ctx) => {
			const guild = ctx.guild();
			ctx.requirePermissions(guild, P.ManageRoles);
			const role = ctx.role(guild, ctx.params.role_id!);
			ctx.requireRoleBelowBot(guild, role);
			const changes = roleChanges((ctx.body ?? {}) as Json);
			if (changes.permissions !== undefined) checkGrant(ctx, guild, changes.permissions, role.permissions);
			const before = roleFields(role);
			const payload = guild.editRole(role.id, changes);
			const changed = roleAuditChanges(before, roleFields(role));
			if (changed.length) ctx.audit(guild, { actionType: AuditLogEvent.RoleUpdate, targetId: role.id, changes: changed });
			return payload;
		}
	},
	{
		method: 'PATCH',
		path: '/guilds/{guild_id}/roles',
		auth: 'bot',
		handler: (ctx) => {
			const guild = ctx.guild();
			ctx.requirePermissions(guild, P.ManageRoles);
			const moves = (ctx.body ?? []) as { id: string; position?: number | null }[];
			const top = highestRole(guild.state, guild.botMember);
			const owner = guild.state.ownerId === ctx.botId;
			for (const [index, move] of moves.entries()) {
				const role = ctx.role(guild, move.id);
				if (role.id === guild.id) throw invalidFormBody(`${index}.id`, 'INVALID_ROLE', 'Cannot move @everyone');
				ctx.requireRoleBelowBot(guild, role);
				if (!owner && typeof move.position === 'number' && move.position >= top.position) {
					throw missingPermissions(`cannot move role ${role.name} to ${move.position}, at or above the bot's highest role`);
				}
			}
			const changed = new Set<RoleState>();
			for (const move of moves) {
				if (typeof move.position !== 'number') continue;
				for (const role of moveRole(guild, guild.state.roles.get(move.id)!, move.position)) changed.add(role);
			}
			for (const role of changed) {
				ctx.world.dispatch('GUILD_ROLE_UPDATE', { guild_id: guild.id, role: rolePayload(role) }, guild.id);
			}
			return guild.roles;
		}
	},
	{
		method: 'DELETE',
		path: '/guilds/{guild_id}/roles/{role_id}',
		auth: 'bot',
		handler: (ctx) => {
			const guild = ctx.guild();
			ctx.requirePermissions(guild, P.ManageRoles);
			const role = ctx.role(guild, ctx.params.role_id!);
			if (role.id === guild.id) throw invalidFormBody('role_id', 'INVALID_ROLE', 'Cannot delete @everyone');
			ctx.requireRoleBelowBot(guild, role);
			if (role.managed) throw invalidFormBody('role_id', 'INVALID_ROLE', 'Cannot delete a managed role');
			const before = roleFields(role);
			guild.deleteRole(role.id);
			ctx.audit(guild, { actionType: AuditLogEvent.RoleDelete, targetId: role.id, changes: roleAuditChanges(before, undefined) });
			return undefined;
		}
	}
];
