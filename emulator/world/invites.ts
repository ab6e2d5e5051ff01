/**
 * Guild invites (resources/invite): codes made by `guild.createInvite` (someone creating an invite in Discord's
 * client), INVITE_CREATE (only to a bot with MANAGE_CHANNELS in the channel, gateway events "Invites"; intent
 * GUILD_INVITES), and the invite object `GET /invites/{code}` answers. Invites are not used, joined or deleted here.
 */
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { randomBytes } from 'node:crypto';
import type { GuildHandle } from './guild.js';
import { isoTimestamp, userPayload } from './payloads.js';
import { channelPermissions } from './permissions.js';
import type { InviteState } from './state.js';
import type { World } from './world.js';

/** Options of `guild.createInvite`. */
export interface CreateInviteOptions {
	/** The code (letters, digits, `-`); default: 8 random letters and digits. Throws when taken. */
	code?: string;
	/** The channel it opens on; default: the guild's system channel, else its first text channel. */
	channelId?: string;
	/** Who created it (a member); default: the owner. */
	inviterId?: string | null;
	/** Seconds until it expires, 0 = never (Discord's default in the API is 86400; here 0). */
	maxAge?: number;
	/** Uses allowed, 0 = unlimited. */
	maxUses?: number;
	temporary?: boolean;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomCode(): string {
	return [...randomBytes(8)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');
}

/**
 * Creates an invite to one of the guild's channels and sends INVITE_CREATE (`channel_id`, `code`, `created_at`,
 * `guild_id`, `inviter`, `max_age`, `max_uses`, `temporary`, `uses` 0, `expires_at`) to a bot that holds
 * MANAGE_CHANNELS in that channel. Returns the code. Throws for a taken or malformed code, a channel of another guild,
 * a category, or an inviter who is not a member.
 */
export function createInvite(guild: GuildHandle, options: CreateInviteOptions = {}): string {
	const { world, state } = guild;
	const code = options.code ?? randomCode();
	if (!/^[A-Za-z0-9-]{2,32}$/.test(code)) throw new Error(`emulator: invite code ${JSON.stringify(code)} is not 2–32 letters, digits or dashes`);
	if (world.invites.has(code)) throw new Error(`emulator: invite code ${code} is taken`);
	const channelId =
		options.channelId ??
		state.systemChannelId ??
		[...state.channelIds].find((id) => world.channels.get(id)?.type === ChannelType.GuildText);
	if (!channelId) throw new Error(`emulator: ${state.name} has no channel to invite to`);
	const channel = guild.requireChannel(channelId);
	if (channel.type === ChannelType.GuildCategory) throw new Error('emulator: an invite opens on a channel, not a category');
	const inviterId = options.inviterId === undefined ? state.ownerId : options.inviterId;
	if (inviterId !== null) guild.requireMember(inviterId);
	const invite: InviteState = {
		code,
		guildId: guild.id,
		channelId: channel.id,
		inviterId,
		createdAt: world.context.clock.now(),
		maxAge: options.maxAge ?? 0,
		maxUses: options.maxUses ?? 0,
		uses: 0,
		temporary: options.temporary ?? false
	};
	world.invites.set(code, invite);
	const bot = state.members.get(world.context.bot.id);
	const now = world.context.clock.now();
	if (bot && channelPermissions(state, bot, channel, world.channels, now) & PermissionFlagsBits.ManageChannels) {
		world.dispatch(
			'INVITE_CREATE',
			{
				channel_id: channel.id,
				code,
				created_at: isoTimestamp(invite.createdAt),
				guild_id: guild.id,
				...(inviterId ? { inviter: userPayload(world.users.get(inviterId)!) } : {}),
				max_age: invite.maxAge,
				max_uses: invite.maxUses,
				temporary: invite.temporary,
				uses: 0,
				expires_at: expiresAt(invite)
			},
			guild.id
		);
	}
	return code;
}

/** When an invite expires (Discord's timestamp form), or null for one that does not. */
function expiresAt(invite: InviteState): string | null {
	return invite.maxAge > 0 ? isoTimestamp(invite.createdAt + invite.maxAge * 1000) : null;
}

/** The invite of a code, unless it is unknown, expired (emulator clock) or used up. */
export function findInvite(world: World, code: string): InviteState | undefined {
	const invite = world.invites.get(code);
	if (!invite || !world.guildStates.has(invite.guildId) || !world.channels.has(invite.channelId)) return undefined;
	if (invite.maxAge > 0 && world.context.clock.now() >= invite.createdAt + invite.maxAge * 1000) return undefined;
	if (invite.maxUses > 0 && invite.uses >= invite.maxUses) return undefined;
	return invite;
}

/**
 * The invite object of "Get Invite" (type 0 GUILD): `code`, partial `guild` (the fields of the spec's
 * InviteGuildResponse), `guild_id`, partial `channel` (`id`, `type`, `name`), `inviter`, `expires_at`, `flags`; with
 * `withCounts`, `approximate_member_count` (the members) and `approximate_presence_count` (0: presences are not
 * emulated).
 */
export function invitePayload(world: World, invite: InviteState, withCounts: boolean): Record<string, unknown> {
	const guild = world.guildStates.get(invite.guildId)!;
	const channel = world.channels.get(invite.channelId)!;
	const inviter = invite.inviterId ? world.users.get(invite.inviterId) : undefined;
	return {
		type: 0,
		code: invite.code,
		...(inviter ? { inviter: userPayload(inviter) } : {}),
		expires_at: expiresAt(invite),
		flags: 0,
		guild: {
			id: guild.id,
			name: guild.name,
			splash: null,
			banner: null,
			description: guild.description,
			icon: null,
			features: [...guild.features],
			verification_level: guild.verificationLevel,
			vanity_url_code: null,
			nsfw_level: 0,
			nsfw: false,
			premium_subscription_count: 0
		},
		guild_id: guild.id,
		channel: { id: channel.id, type: channel.type, name: channel.name },
		...(withCounts ? { approximate_member_count: guild.members.size, approximate_presence_count: 0 } : {})
	};
}
