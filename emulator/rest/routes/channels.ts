/**
 * Channels (resources/channel and guild "Endpoints"): get / edit / delete a channel, list and create guild
 * channels, permission overwrites (PUT / DELETE), slowmode through `rate_limit_per_user`. MANAGE_CHANNELS to
 * create, edit and delete (MANAGE_THREADS for threads, or the thread owner for name and archive); MANAGE_ROLES to
 * change overwrites, and a bot that is not an administrator can only allow or deny permissions it holds itself.
 */
import { ChannelType, PermissionFlagsBits as P } from 'discord-api-types/v10';
import type { GuildHandle } from '../../world/guild.js';
import { ALL_PERMISSIONS, basePermissions, isThread, toBits } from '../../world/permissions.js';
import type { ChannelState } from '../../world/state.js';
import type { RouteContext } from '../context.js';
import { DiscordHttpError, ErrorCodes, invalidFormBody, missingPermissions } from '../errors.js';
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

/** 403 50013 when the overwrites allow or deny bits the (non-administrator) bot does not hold. */
function checkOverwriteBits(ctx: RouteContext, guild: GuildHandle, channel: ChannelState | null, allow: bigint, deny: bigint): void {
	const have = channel ? ctx.channelPermissions(guild, channel) : basePermissions(guild.state, guild.botMember, ctx.now());
	if (have === ALL_PERMISSIONS) return;
	const beyond = (allow | deny) & ~have;
	if (beyond) throw missingPermissions(`overwrite touches permissions the bot lacks (${beyond})`);
}

function applyChannelEdit(ctx: RouteContext, guild: GuildHandle, channel: ChannelState, body: Json): void {
	if (body.name !== undefined) channel.name = body.name;
	if (body.topic !== undefined) channel.topic = body.topic;
	if (body.nsfw !== undefined) channel.nsfw = Boolean(body.nsfw);
	if (body.rate_limit_per_user !== undefined) {
		const seconds = Number(body.rate_limit_per_user ?? 0);
		if (!Number.isInteger(seconds) || seconds < 0 || seconds > 21600) {
			throw invalidFormBody('rate_limit_per_user', 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 21600.');
		}
		channel.rateLimitPerUser = seconds;
	}
	if (body.position !== undefined && body.position !== null) channel.position = body.position;
	if (body.bitrate !== undefined && body.bitrate !== null) channel.bitrate = body.bitrate;
	if (body.user_limit !== undefined && body.user_limit !== null) channel.userLimit = body.user_limit;
	if (body.parent_id !== undefined) {
		const parent = body.parent_id ? ctx.world.channels.get(body.parent_id) : null;
		if (body.parent_id && (!parent || parent.type !== ChannelType.GuildCategory || parent.guildId !== guild.id)) {
			throw invalidFormBody('parent_id', 'CHANNEL_PARENT_INVALID', 'Category does not exist');
		}
		channel.parentId = body.parent_id ?? null;
	}
	if (Array.isArray(body.permission_overwrites)) {
		ctx.requirePermissions(guild, P.ManageRoles, channel);
		channel.overwrites.clear();
		for (const overwrite of body.permission_overwrites as Json[]) {
			const allow = toBits(overwrite.allow ?? '0');
			const deny = toBits(overwrite.deny ?? '0');
			checkOverwriteBits(ctx, guild, channel, allow, deny);
			guild.putOverwrite(channel, { id: overwrite.id, type: overwrite.type, allow, deny });
		}
	}
	if (channel.thread) {
		if (body.archived !== undefined && body.archived !== null) {
			channel.thread.archived = Boolean(body.archived);
			channel.thread.archiveTimestamp = ctx.world.timestamp();
		}
		if (body.locked !== undefined && body.locked !== null) channel.thread.locked = Boolean(body.locked);
		if (body.auto_archive_duration) channel.thread.autoArchiveDuration = body.auto_archive_duration;
		if (body.invitable !== undefined && channel.type === ChannelType.PrivateThread) channel.thread.invitable = Boolean(body.invitable);
	}
}

function editChannel(ctx: RouteContext) {
	const channel = ctx.channel();
	if (!channel.guildId) throw new DiscordHttpError(400, ErrorCodes.InvalidChannelType, undefined, undefined, 'cannot edit a DM');
	const guild = ctx.guild(channel.guildId);
	const body = (ctx.body ?? {}) as Json;
	if (isThread(channel.type)) {
		const ownerOnly = Object.keys(body).every((key) => ['name', 'archived', 'auto_archive_duration', 'rate_limit_per_user'].includes(key));
		const isOwner = channel.ownerId === ctx.botId && !Object.keys(body).includes('rate_limit_per_user');
		if (!(ownerOnly && isOwner)) ctx.requirePermissions(guild, P.ManageThreads, channel);
		if (channel.thread?.locked && body.archived === false) ctx.requirePermissions(guild, P.ManageThreads, channel);
	} else ctx.requirePermissions(guild, P.ManageChannels, channel);
	applyChannelEdit(ctx, guild, channel, body);
	return guild.channelUpdated(channel);
}

function createGuildChannel(ctx: RouteContext) {
	const guild = ctx.guild();
	ctx.requirePermissions(guild, P.ManageChannels);
	const body = (ctx.body ?? {}) as Json;
	const type = (body.type as number | undefined) ?? ChannelType.GuildText;
	if (!CREATABLE.has(type)) throw invalidFormBody('type', 'BASE_TYPE_CHOICES', `Value must be one of ${[...CREATABLE].join(', ')}.`);
	if (guild.state.channelIds.size >= 500) throw new DiscordHttpError(400, ErrorCodes.MaxChannels);
	if (body.parent_id) {
		const parent = ctx.world.channels.get(body.parent_id);
		if (!parent || parent.type !== ChannelType.GuildCategory || parent.guildId !== guild.id) {
			throw invalidFormBody('parent_id', 'CHANNEL_PARENT_INVALID', 'Category does not exist');
		}
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
	return respond(201, ctx.world.channelPayload(channel));
}

export const channelRoutes: RouteDefinition[] = [
	{
		method: 'GET',
		path: '/channels/{channel_id}',
		auth: 'bot',
		handler: (ctx) => ctx.world.channelPayload(ctx.channel())
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
			return guild.deleteChannel(channel.id);
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
			guild.putOverwrite(channel, { id, type, allow, deny });
			guild.channelUpdated(channel);
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
			if (channel.overwrites.delete(ctx.params.overwrite_id!)) guild.channelUpdated(channel);
			return undefined;
		}
	}
];
