/**
 * Channels (resources/channel and guild "Endpoints"): get / edit / delete a channel, list and create guild
 * channels, permission overwrites (PUT / DELETE), slowmode through `rate_limit_per_user`. MANAGE_CHANNELS to
 * create, edit and delete (threads: MANAGE_THREADS, or their creator / members for some fields, archived and locked
 * rules in ../../world/threads.ts `threadEditRefusal`); MANAGE_ROLES to change overwrites, and a bot that is not an
 * administrator can only allow or deny permissions it holds itself; deleting an overwrite the channel does not have
 * answers 404 Unknown Overwrite (10009). A category holds 50 channels and a guild 500 (../../world/channels.ts:
 * 400 50035 `parent_id: CHANNEL_PARENT_MAX_CHANNELS` on a create or move, 30013). A thread's GET carries the bot's
 * thread `member` when it is in it. Audit log ("Audit Log
 * Events"): CHANNEL_CREATE / UPDATE / DELETE (THREAD_UPDATE / DELETE for threads) with the changed keys, and
 * CHANNEL_OVERWRITE_CREATE / UPDATE / DELETE (options `id`, `type`, `role_name`) for each overwrite added, changed or
 * removed, by PUT / DELETE or by a PATCH of `permission_overwrites`.
 */
import { AuditLogEvent, ChannelType, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { auditChanges, type AuditLogChange } from '../../world/audit.js';
import type { GuildHandle } from '../../world/guild.js';
import {
	CATEGORY_FULL,
	categoryIsFull,
	channelSnapshot,
	guildChannelCount,
	MAX_CHANNELS_PER_CATEGORY,
	MAX_GUILD_CHANNELS,
	overwriteAuditInput,
	overwriteBitsBeyond
} from '../../world/channels.js';
import { isThread, permissionNames, toBits } from '../../world/permissions.js';
import type { ChannelState, OverwriteState } from '../../world/state.js';
import { setArchived, threadEditRefusal, threadMemberPayload, threadUnarchived } from '../../world/threads.js';
import type { RouteContext } from '../context.js';
import { DiscordHttpError, ErrorCodes, errorTree, invalidFormBody, missingPermissions, unknown } from '../errors.js';
import { respond, type RouteDefinition } from '../router.js';

type Json = Record<string, any>;

const CREATABLE = new Set<number>([
	ChannelType.GuildText,
	ChannelType.GuildVoice,
	ChannelType.GuildCategory,
	ChannelType.GuildAnnouncement,
	ChannelType.GuildStageVoice,
	ChannelType.GuildForum,
	ChannelType.GuildMedia
]);

/**
 * 403 50013 when the overwrites allow or deny bits the bot may not grant (../../world/channels.ts
 * `overwriteBitsBeyond`): only bits it holds in the guild or the parent category, unless it is an administrator or an
 * overwrite of the channel allows it MANAGE_ROLES. So a bot that denied itself SEND_MESSAGES in a channel (a lockdown
 * of @everyone) can still change that overwrite.
 */
function checkOverwriteBits(ctx: RouteContext, guild: GuildHandle, channel: ChannelState | null, allow: bigint, deny: bigint): void {
	const beyond = overwriteBitsBeyond(guild.state, guild.botMember, channel, ctx.world.channels, allow, deny, ctx.now());
	if (beyond) throw missingPermissions(`overwrite touches permissions the bot lacks (${permissionNames(beyond).join(', ')})`);
}

/** 400 50035 `parent_id: CHANNEL_PARENT_MAX_CHANNELS` (recorded as 'refused': it depends on the guild, not the body). */
function categoryFull(category: ChannelState): DiscordHttpError {
	const error = new DiscordHttpError(
		400,
		ErrorCodes.InvalidFormBody,
		undefined,
		errorTree([{ path: 'parent_id', ...CATEGORY_FULL }]),
		`category ${category.name} already holds ${MAX_CHANNELS_PER_CATEGORY} channels`
	);
	error.failureKind = 'refused';
	return error;
}

/** Applies a channel edit; every check (slowmode range, category, overwrite permissions) runs before any change. */
function applyChannelEdit(ctx: RouteContext, guild: GuildHandle, channel: ChannelState, body: Json): void {
	let seconds: number | undefined;
	if (body.rate_limit_per_user !== undefined) {
		seconds = Number(body.rate_limit_per_user ?? 0);
		if (!Number.isInteger(seconds) || seconds < 0 || seconds > 21600) {
			throw invalidFormBody('rate_limit_per_user', 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 21600.');
		}
	}
	if (body.parent_id) {
		const parent = ctx.world.channels.get(body.parent_id);
		if (!parent || parent.type !== ChannelType.GuildCategory || parent.guildId !== guild.id) {
			throw invalidFormBody('parent_id', 'CHANNEL_PARENT_INVALID', 'Category does not exist');
		}
		if (categoryIsFull(guild.state, ctx.world.channels, parent.id, channel)) throw categoryFull(parent);
	}
	let overwrites: OverwriteState[] | undefined;
	if (Array.isArray(body.permission_overwrites)) {
		ctx.requirePermissions(guild, P.ManageRoles, channel);
		overwrites = (body.permission_overwrites as Json[]).map((overwrite) => {
			const allow = toBits(overwrite.allow ?? '0');
			const deny = toBits(overwrite.deny ?? '0');
			checkOverwriteBits(ctx, guild, channel, allow, deny);
			return { id: String(overwrite.id), type: overwrite.type as 0 | 1, allow, deny };
		});
	}
	if (body.name !== undefined) channel.name = body.name;
	if (body.topic !== undefined) channel.topic = body.topic;
	if (body.nsfw !== undefined) channel.nsfw = Boolean(body.nsfw);
	if (seconds !== undefined) channel.rateLimitPerUser = seconds;
	if (body.position !== undefined && body.position !== null) channel.position = body.position;
	if (body.bitrate !== undefined && body.bitrate !== null) channel.bitrate = body.bitrate;
	if (body.user_limit !== undefined && body.user_limit !== null) channel.userLimit = body.user_limit;
	if (body.parent_id !== undefined) channel.parentId = body.parent_id ?? null;
	if (overwrites) {
		channel.overwrites.clear();
		for (const overwrite of overwrites) guild.putOverwrite(channel, overwrite);
	}
	if (channel.thread) {
		if (body.archived !== undefined && body.archived !== null) setArchived(ctx.world, channel, Boolean(body.archived));
		if (body.locked !== undefined && body.locked !== null) channel.thread.locked = Boolean(body.locked);
		if (body.auto_archive_duration && body.auto_archive_duration !== channel.thread.autoArchiveDuration) {
			channel.thread.autoArchiveDuration = body.auto_archive_duration;
			// archive_timestamp also changes "when changing the auto_archive_duration field" (Threads topic).
			channel.thread.archiveTimestamp = ctx.world.timestamp();
		}
		if (body.invitable !== undefined && body.invitable !== null && channel.type === ChannelType.PrivateThread) {
			channel.thread.invitable = Boolean(body.invitable);
		}
	}
}

/** The audited fields of a channel, by their API names. */
function auditedFields(channel: ChannelState): Record<string, unknown> {
	return {
		name: channel.name,
		topic: channel.topic,
		nsfw: channel.nsfw,
		rate_limit_per_user: channel.rateLimitPerUser,
		position: channel.position,
		bitrate: channel.bitrate,
		user_limit: channel.userLimit,
		parent_id: channel.parentId,
		...(channel.thread
			? {
					archived: channel.thread.archived,
					locked: channel.thread.locked,
					auto_archive_duration: channel.thread.autoArchiveDuration,
					invitable: channel.thread.invitable
				}
			: {})
	};
}

/** Changes between two snapshots of {@link auditedFields}. */
function fieldChanges(before: Record<string, unknown>, after: Record<string, unknown>): AuditLogChange[] {
	return auditChanges(Object.keys(after).map((key) => [key, before[key], after[key]]));
}

/** One CHANNEL_OVERWRITE_* entry by the bot for an overwrite added, changed or removed (../../world/channels.ts). */
function auditOverwrite(
	ctx: RouteContext,
	guild: GuildHandle,
	channel: ChannelState,
	before: OverwriteState | undefined,
	after: OverwriteState | undefined
): void {
	const input = overwriteAuditInput(guild.state, channel, before, after);
	if (input) ctx.audit(guild, input);
}

function editChannel(ctx: RouteContext) {
	const channel = ctx.channel();
	if (!channel.guildId) throw new DiscordHttpError(400, ErrorCodes.InvalidChannelType, undefined, undefined, 'cannot edit a DM');
	const guild = ctx.guild(channel.guildId);
	const body = (ctx.body ?? {}) as Json;
	if (isThread(channel.type)) {
		// Archived, locked, creator and member rules: ../../world/threads.ts threadEditRefusal.
		const refusal = threadEditRefusal(ctx.world, channel, ctx.botId, Object.keys(body), body.archived);
		if (refusal?.code === ErrorCodes.ThreadArchived) throw new DiscordHttpError(400, refusal.code, undefined, undefined, refusal.detail);
		if (refusal) throw missingPermissions(refusal.detail);
	} else ctx.requirePermissions(guild, P.ManageChannels, channel);
	const fields = auditedFields(channel);
	const overwrites = new Map(channel.overwrites);
	const wasArchived = channel.thread?.archived ?? false;
	applyChannelEdit(ctx, guild, channel, body);
	const payload = guild.channelUpdated(channel);
	if (wasArchived && !channel.thread!.archived) threadUnarchived(ctx.world, channel);
	const changes = fieldChanges(fields, auditedFields(channel));
	if (changes.length) {
		const actionType = isThread(channel.type) ? AuditLogEvent.ThreadUpdate : AuditLogEvent.ChannelUpdate;
		ctx.audit(guild, { actionType, targetId: channel.id, changes });
	}
	if (Array.isArray(body.permission_overwrites)) {
		for (const id of new Set([...overwrites.keys(), ...channel.overwrites.keys()])) {
			auditOverwrite(ctx, guild, channel, overwrites.get(id), channel.overwrites.get(id));
		}
	}
	return payload;
}

function createGuildChannel(ctx: RouteContext) {
	const guild = ctx.guild();
	ctx.requirePermissions(guild, P.ManageChannels);
	const body = (ctx.body ?? {}) as Json;
	const type = (body.type as number | undefined) ?? ChannelType.GuildText;
	if (!CREATABLE.has(type)) throw invalidFormBody('type', 'BASE_TYPE_CHOICES', `Value must be one of ${[...CREATABLE].join(', ')}.`);
	// Threads do not count towards the 500 (topics/threads).
	if (guildChannelCount(guild.state, ctx.world.channels) >= MAX_GUILD_CHANNELS) throw new DiscordHttpError(400, ErrorCodes.MaxChannels);
	if (body.parent_id) {
		const parent = ctx.world.channels.get(body.parent_id);
		if (!parent || parent.type !== ChannelType.GuildCategory || parent.guildId !== guild.id) {
			throw invalidFormBody('parent_id', 'CHANNEL_PARENT_INVALID', 'Category does not exist');
		}
		if (categoryIsFull(guild.state, ctx.world.channels, parent.id)) throw categoryFull(parent);
	}
	const overwrites = ((body.permission_overwrites as Json[] | undefined) ?? []).map((overwrite) => {
		const allow = toBits(overwrite.allow ?? '0');
		const deny = toBits(overwrite.deny ?? '0');
		ctx.requirePermissions(guild, P.ManageRoles);
		checkOverwriteBits(ctx, guild, null, allow, deny);
		return { id: String(overwrite.id), type: overwrite.type as 0 | 1, allow, deny };
	});
	const channel = guild.insertChannel({
		name: body.name,
		type,
		parentId: body.parent_id ?? null,
		topic: body.topic ?? null,
		nsfw: body.nsfw ?? false,
		rateLimitPerUser: body.rate_limit_per_user ?? 0,
		bitrate: body.bitrate ?? undefined,
		userLimit: body.user_limit ?? undefined,
		position: body.position ?? undefined,
		permissionOverwrites: overwrites
	});
	ctx.audit(guild, { actionType: AuditLogEvent.ChannelCreate, targetId: channel.id, changes: channelSnapshot(channel, false) });
	return respond(201, ctx.world.channelPayload(channel));
}

export const channelRoutes: RouteDefinition[] = [
	{
		method: 'GET',
		path: '/channels/{channel_id}',
		auth: 'bot',
		handler: (ctx) => {
			const channel = ctx.channel();
			// "If the channel is a thread, a thread member object is included in the returned result" (when the bot is in it).
			const joined = isThread(channel.type) && channel.threadMembers?.has(ctx.botId);
			return { ...ctx.world.channelPayload(channel), ...(joined ? { member: threadMemberPayload(ctx.world, channel, ctx.botId) } : {}) };
		}
	},
	{ method: 'PATCH', path: '/channels/{channel_id}', auth: 'bot', handler: editChannel },
	{
		method: 'DELETE',
		path: '/channels/{channel_id}',
		auth: 'bot',
		handler: (ctx) => {
			const channel = ctx.channel();
			if (!channel.guildId) return ctx.world.channelPayload(channel);
			const guild = ctx.guild(channel.guildId);
			ctx.requirePermissions(guild, isThread(channel.type) ? P.ManageThreads : P.ManageChannels, channel);
			const changes = channelSnapshot(channel, true);
			const payload = guild.deleteChannel(channel.id);
			const actionType = isThread(channel.type) ? AuditLogEvent.ThreadDelete : AuditLogEvent.ChannelDelete;
			ctx.audit(guild, { actionType, targetId: channel.id, changes });
			return payload;
		}
	},
	{
		method: 'GET',
		path: '/guilds/{guild_id}/channels',
		auth: 'bot',
		handler: (ctx) =>
			ctx
				.guild()
				.channels.filter((channel) => !isThread(channel.type))
	},
	{ method: 'POST', path: '/guilds/{guild_id}/channels', auth: 'bot', handler: createGuildChannel },
	{
		method: 'PUT',
		path: '/channels/{channel_id}/permissions/{overwrite_id}',
		auth: 'bot',
		handler: (ctx) => {
			const channel = ctx.channel();
			if (!channel.guildId || isThread(channel.type)) throw new DiscordHttpError(400, ErrorCodes.InvalidChannelType);
			const guild = ctx.guild(channel.guildId);
			ctx.requirePermissions(guild, P.ManageRoles, channel);
			const body = (ctx.body ?? {}) as Json;
			const id = ctx.params.overwrite_id!;
			const type = (body.type as 0 | 1 | undefined) ?? (guild.state.roles.has(id) ? 0 : 1);
			if (type === 0) ctx.role(guild, id);
			else ctx.member(guild, id);
			const allow = toBits(body.allow ?? '0');
			const deny = toBits(body.deny ?? '0');
			checkOverwriteBits(ctx, guild, channel, allow, deny);
			const before = channel.overwrites.get(id);
			guild.putOverwrite(channel, { id, type, allow, deny });
			guild.channelUpdated(channel);
			auditOverwrite(ctx, guild, channel, before, channel.overwrites.get(id));
			return undefined;
		}
	},
	{
		method: 'DELETE',
		path: '/channels/{channel_id}/permissions/{overwrite_id}',
		auth: 'bot',
		handler: (ctx) => {
			const channel = ctx.channel();
			if (!channel.guildId) throw new DiscordHttpError(400, ErrorCodes.InvalidChannelType);
			const guild = ctx.guild(channel.guildId);
			ctx.requirePermissions(guild, P.ManageRoles, channel);
			const before = channel.overwrites.get(ctx.params.overwrite_id!);
			// Deleting an overwrite the channel does not have is a 404 on Discord, not a silent success.
			if (!before) throw unknown(ErrorCodes.UnknownOverwrite, `no overwrite ${ctx.params.overwrite_id} on ${channel.name}`);
			channel.overwrites.delete(before.id);
			guild.channelUpdated(channel);
			auditOverwrite(ctx, guild, channel, before, undefined);
			return undefined;
		}
	}
];
