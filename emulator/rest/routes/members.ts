/**
 * Members and bans (resources/guild "Endpoints"): get, list (needs the GUILD_MEMBERS intent approved, else 403
 * 50001), search, add / remove a role, edit (nick: MANAGE_NICKNAMES; roles: MANAGE_ROLES; mute / deaf; channel_id
 * move or disconnect: MOVE_MEMBERS; communication_disabled_until timeout: MODERATE_MEMBERS, at most 28 days ahead,
 * never on an administrator), kick (KICK_MEMBERS), bans (BAN_MEMBERS; the list sorted by user id with `limit`
 * 1–1000, `before`, `after`). Roles must sit below the bot's highest role; nick, timeout, kick and ban need the
 * target's highest role below the bot's and not the owner (403 50013). Each change is written to the audit log
 * with the bot as actor and the X-Audit-Log-Reason ("Audit Log Events": MEMBER_UPDATE with `nick`,
 * `communication_disabled_until`, `mute`, `deaf` changes; MEMBER_ROLE_UPDATE with `$add` / `$remove`; MEMBER_MOVE,
 * MEMBER_DISCONNECT, MEMBER_KICK, MEMBER_BAN_ADD, MEMBER_BAN_REMOVE).
 */
import { AuditLogEvent, GatewayIntentBits, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { auditChanges, roleUpdateChanges } from '../../world/audit.js';
import type { MemberChanges } from '../../world/members.js';
import type { GuildHandle } from '../../world/guild.js';
import {
	banUser,
	isAdministrator,
	kickMember,
	MAX_BAN_DELETE_SECONDS,
	MAX_TIMEOUT_MS,
	normalizeTimeout,
	unbanUser
} from '../../world/moderation.js';
import type { MemberState } from '../../world/state.js';
import type { RouteContext } from '../context.js';
import { DiscordHttpError, ErrorCodes, invalidFormBody, missingAccess, missingPermissions, unknown } from '../errors.js';
import type { RouteDefinition } from '../router.js';

type Json = Record<string, any>;

function assignableRole(ctx: RouteContext, guild: GuildHandle, roleId: string) {
	const role = ctx.role(guild, roleId);
	if (role.id === guild.id) throw invalidFormBody('role_id', 'INVALID_ROLE', '@everyone cannot be assigned');
	ctx.requireRoleBelowBot(guild, role);
	if (role.managed) throw missingPermissions(`role ${role.name} is managed by an integration`);
	return role;
}

function editMember(ctx: RouteContext) {
	const guild = ctx.guild();
	const target = ctx.member(guild, ctx.params.user_id!);
	const body = (ctx.body ?? {}) as Json;
	const changes: MemberChanges = {};
	const before = {
		nick: target.nick,
		communication_disabled_until: target.communicationDisabledUntil,
		mute: target.mute,
		deaf: target.deaf,
		roles: [...target.roles]
	};
	if (body.nick !== undefined) {
		if (target.userId === ctx.botId) ctx.requirePermissions(guild, P.ChangeNickname);
		else {
			ctx.requirePermissions(guild, P.ManageNicknames);
			ctx.requireMemberBelowBot(guild, target);
		}
		changes.nick = body.nick || null;
	}
	if (Array.isArray(body.roles)) {
		ctx.requirePermissions(guild, P.ManageRoles);
		const next = [...new Set(body.roles as string[])];
		const changed = [...next.filter((id) => !target.roles.includes(id)), ...target.roles.filter((id) => !next.includes(id))];
		for (const roleId of changed) assignableRole(ctx, guild, roleId);
		changes.roles = next;
	}
	if (body.communication_disabled_until !== undefined) {
		ctx.requirePermissions(guild, P.ModerateMembers);
		ctx.requireMemberBelowBot(guild, target);
		if (isAdministrator(guild, target.userId)) throw missingPermissions('administrators cannot be timed out');
		const until = body.communication_disabled_until as string | null;
		if (until !== null) {
			const at = Date.parse(until);
			if (Number.isNaN(at)) throw invalidFormBody('communication_disabled_until', 'DATE_TYPE_PARSE', 'Could not parse timestamp.');
			if (at - ctx.now() > MAX_TIMEOUT_MS) {
				throw invalidFormBody('communication_disabled_until', 'BASE_TYPE_BAD_TIME', 'Timeouts cannot be longer than 28 days.');
			}
		}
		changes.communicationDisabledUntil = normalizeTimeout(until);
	}
	if (body.mute !== undefined && body.mute !== null) {
		ctx.requirePermissions(guild, P.MuteMembers);
		changes.mute = Boolean(body.mute);
	}
	if (body.deaf !== undefined && body.deaf !== null) {
		ctx.requirePermissions(guild, P.DeafenMembers);
		changes.deaf = Boolean(body.deaf);
	}
	if (body.flags !== undefined && body.flags !== null) changes.flags = body.flags;
	let move: string | null | undefined;
	if (body.channel_id !== undefined) {
		if (!guild.state.voiceStates.has(target.userId)) throw new DiscordHttpError(400, ErrorCodes.TargetNotInVoice);
		ctx.requirePermissions(guild, P.MoveMembers);
		if (body.channel_id !== null) {
			const channel = ctx.channel(body.channel_id);
			ctx.requirePermissions(guild, P.Connect, channel);
		}
		move = body.channel_id;
	}
	const view = guild.updateMember(target.userId, changes);
	const voice = guild.state.voiceStates.get(target.userId);
	if (move === null) guild.leaveVoice(target.userId);
	else if (move !== undefined || ((changes.mute !== undefined || changes.deaf !== undefined) && voice)) {
		guild.updateVoice(target.userId, {
			...(move ? { channelId: move } : {}),
			...(changes.mute !== undefined ? { mute: changes.mute } : {}),
			...(changes.deaf !== undefined ? { deaf: changes.deaf } : {})
		});
	}
	auditMemberEdit(ctx, guild, target.userId, before, changes);
	if (move) ctx.audit(guild, { actionType: AuditLogEvent.MemberMove, targetId: null, options: { channel_id: move, count: '1' } });
	if (move === null) ctx.audit(guild, { actionType: AuditLogEvent.MemberDisconnect, targetId: null, options: { count: '1' } });
	const { id: _id, ...member } = view;
	return member;
}

/** MEMBER_UPDATE (nick, timeout, mute, deaf) and MEMBER_ROLE_UPDATE ($add / $remove) entries for what changed. */
function auditMemberEdit(
	ctx: RouteContext,
	guild: GuildHandle,
	userId: string,
	before: { nick: string | null; communication_disabled_until: string | null; mute: boolean; deaf: boolean; roles: string[] },
	changes: MemberChanges
): void {
	const updated = auditChanges([
		['nick', before.nick, changes.nick === undefined ? before.nick : changes.nick],
		['communication_disabled_until', before.communication_disabled_until, changes.communicationDisabledUntil === undefined ? before.communication_disabled_until : changes.communicationDisabledUntil],
		['mute', before.mute, changes.mute ?? before.mute],
		['deaf', before.deaf, changes.deaf ?? before.deaf]
	]);
	if (updated.length) ctx.audit(guild, { actionType: AuditLogEvent.MemberUpdate, targetId: userId, changes: updated });
	if (changes.roles) auditRoles(ctx, guild, userId, before.roles, changes.roles);
}

/** A MEMBER_ROLE_UPDATE entry: `$add` and `$remove` changes whose new_value lists `{ id, name }` of the roles. */
function auditRoles(ctx: RouteContext, guild: GuildHandle, userId: string, before: string[], after: string[]): void {
	const changes = roleUpdateChanges(guild.state, before, after);
	if (changes.length) ctx.audit(guild, { actionType: AuditLogEvent.MemberRoleUpdate, targetId: userId, changes });
}

function setRole(ctx: RouteContext, add: boolean) {
	const guild = ctx.guild();
	ctx.requirePermissions(guild, P.ManageRoles);
	const target = ctx.member(guild, ctx.params.user_id!);
	const role = assignableRole(ctx, guild, ctx.params.role_id!);
	const before = [...target.roles];
	const has = before.includes(role.id);
	if (add === has) return undefined;
	const roles = add ? [...before, role.id] : before.filter((id) => id !== role.id);
	guild.updateMember(target.userId, { roles });
	auditRoles(ctx, guild, target.userId, before, roles);
	return undefined;
}

/** A member object as REST returns it. */
function memberOut(guild: GuildHandle, member: MemberState) {
	const { id: _id, ...payload } = guild.memberPayload(member);
	return payload;
}

export const memberRoutes: RouteDefinition[] = [
	{
		method: 'GET',
		path: '/guilds/{guild_id}/members/{user_id}',
		auth: 'bot',
		handler: (ctx) => {
			const guild = ctx.guild();
			return memberOut(guild, ctx.member(guild, ctx.params.user_id!));
		}
	},
	{
		method: 'GET',
		path: '/guilds/{guild_id}/members',
		auth: 'bot',
		handler: (ctx) => {
			const guild = ctx.guild();
			if (!(ctx.core.gateway.options.approvedIntents & GatewayIntentBits.GuildMembers)) {
				throw missingAccess('listing members needs the GUILD_MEMBERS intent enabled for the application');
			}
			const limit = Math.min(1000, Math.max(1, Number(ctx.query.get('limit') ?? 1)));
			const after = BigInt(ctx.query.get('after') ?? '0');
			return [...guild.state.members.values()]
				.filter((member) => BigInt(member.userId) > after)
				.sort((a, b) => (BigInt(a.userId) < BigInt(b.userId) ? -1 : 1))
				.slice(0, limit)
				.map((member) => memberOut(guild, member));
		}
	},
	{
		method: 'GET',
		path: '/guilds/{guild_id}/members/search',
		auth: 'bot',
		handler: (ctx) => {
			const guild = ctx.guild();
			const query = (ctx.query.get('query') ?? '').toLowerCase();
			const limit = Math.min(1000, Math.max(1, Number(ctx.query.get('limit') ?? 1)));
			return [...guild.state.members.values()]
				.filter((member) => {
					const user = ctx.world.users.get(member.userId)!;
					return [user.username, user.globalName, member.nick].some((name) => name?.toLowerCase().startsWith(query));
				})
				.slice(0, limit)
				.map((member) => memberOut(guild, member));
		}
	},
	{ method: 'PATCH', path: '/guilds/{guild_id}/members/{user_id}', auth: 'bot', handler: editMember },
	{
		method: 'PATCH',
		path: '/guilds/{guild_id}/members/@me',
		auth: 'bot',
		handler: (ctx) => {
			const guild = ctx.guild();
			ctx.requirePermissions(guild, P.ChangeNickname);
			const nick = ((ctx.body ?? {}) as Json).nick;
			const before = guild.botMember.nick;
			const { id: _id, ...member } = guild.updateMember(ctx.botId, { nick: nick || null });
			const changes = auditChanges([['nick', before, nick || null]]);
			if (changes.length) ctx.audit(guild, { actionType: AuditLogEvent.MemberUpdate, targetId: ctx.botId, changes });
			return member;
		}
	},
	{ method: 'PUT', path: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}', auth: 'bot', handler: (ctx) => setRole(ctx, true) },
	{ method: 'DELETE', path: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}', auth: 'bot', handler: (ctx) => setRole(ctx, false) },
	{
		method: 'DELETE',
		path: '/guilds/{guild_id}/members/{user_id}',
		auth: 'bot',
		handler: (ctx) => {
			const guild = ctx.guild();
			ctx.requirePermissions(guild, P.KickMembers);
			const target = ctx.member(guild, ctx.params.user_id!);
			ctx.requireMemberBelowBot(guild, target);
			kickMember(guild, { actorId: ctx.botId, targetId: target.userId, reason: ctx.reason });
			return undefined;
		}
	},
	{
		method: 'GET',
		path: '/guilds/{guild_id}/bans',
		auth: 'bot',
		handler: (ctx) => {
			const guild = ctx.guild();
			ctx.requirePermissions(guild, P.BanMembers);
			const limit = Number(ctx.query.get('limit') ?? 1000);
			const before = ctx.query.get('before');
			const after = ctx.query.get('after');
			const sorted = guild.bans
				.filter((ban) => (before === null || BigInt(ban.user.id) < BigInt(before)) && (after === null || BigInt(ban.user.id) > BigInt(after)))
				.sort((a, b) => (BigInt(a.user.id) < BigInt(b.user.id) ? -1 : 1));
			// With `before` alone, the bans just before that user (the page before it), still in ascending order.
			return before !== null && after === null ? sorted.slice(-limit) : sorted.slice(0, limit);
		}
	},
	{
		method: 'GET',
		path: '/guilds/{guild_id}/bans/{user_id}',
		auth: 'bot',
		handler: (ctx) => {
			const guild = ctx.guild();
			ctx.requirePermissions(guild, P.BanMembers);
			const ban = guild.bans.find((entry) => entry.user.id === ctx.params.user_id);
			if (!ban) throw unknown(ErrorCodes.UnknownBan, `no ban for ${ctx.params.user_id}`);
			return ban;
		}
	},
	{
		method: 'PUT',
		path: '/guilds/{guild_id}/bans/{user_id}',
		auth: 'bot',
		handler: (ctx) => {
			const guild = ctx.guild();
			ctx.requirePermissions(guild, P.BanMembers);
			const user = ctx.user(ctx.params.user_id!);
			const member = guild.state.members.get(user.id);
			if (member) ctx.requireMemberBelowBot(guild, member);
			const body = (ctx.body ?? {}) as Json;
			const seconds = Number(body.delete_message_seconds ?? (body.delete_message_days ?? 0) * 86400);
			if (seconds < 0 || seconds > MAX_BAN_DELETE_SECONDS) {
				throw invalidFormBody('delete_message_seconds', 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${MAX_BAN_DELETE_SECONDS}.`);
			}
			banUser(guild, { actorId: ctx.botId, targetId: user.id, reason: ctx.reason, deleteMessageSeconds: seconds });
			return undefined;
		}
	},
	{
		method: 'DELETE',
		path: '/guilds/{guild_id}/bans/{user_id}',
		auth: 'bot',
		handler: (ctx) => {
			const guild = ctx.guild();
			ctx.requirePermissions(guild, P.BanMembers);
			if (!guild.state.bans.has(ctx.params.user_id!)) throw unknown(ErrorCodes.UnknownBan, `no ban for ${ctx.params.user_id}`);
			unbanUser(guild, { actorId: ctx.botId, targetId: ctx.params.user_id!, reason: ctx.reason });
			return undefined;
		}
	}
];
