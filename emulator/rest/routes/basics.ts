/**
 * Gateway discovery, the current user and application, users and DMs: GET /gateway, GET /gateway/bot,
 * GET /users/@me, GET /users/{user_id}, POST /users/@me/channels, GET /users/@me/guilds,
 * DELETE /users/@me/guilds/{guild_id}, GET /applications/@me.
 */
import { ErrorCodes, invalidFormBody, unknown } from '../errors.js';
import type { RouteDefinition } from '../router.js';
import { currentUserPayload, userPayload } from '../../world/payloads.js';
import { basePermissions } from '../../world/permissions.js';

/** Discord's daily identify budget (`session_start_limit.total`) and its window. */
const SESSION_START_TOTAL = 1000;
const DAY_MS = 86_400_000;

export function basicRoutes(startedAt: number): RouteDefinition[] {
	return [
		{
			method: 'GET',
			path: '/gateway',
			auth: 'none',
			handler: (ctx) => ({ url: ctx.core.gatewayUrl })
		},
		{
			method: 'GET',
			path: '/gateway/bot',
			auth: 'bot',
			handler: (ctx) => ({
				url: ctx.core.gatewayUrl,
				shards: ctx.core.recommendedShards,
				session_start_limit: {
					total: SESSION_START_TOTAL,
					remaining: Math.max(0, SESSION_START_TOTAL - ctx.core.gateway.identifies),
					reset_after: Math.max(0, DAY_MS - (Date.now() - startedAt)),
					max_concurrency: ctx.core.maxConcurrency
				}
			})
		},
		{
			method: 'GET',
			path: '/users/@me',
			auth: 'bot',
			handler: (ctx) => currentUserPayload(ctx.world.botUser)
		},
		{
			method: 'GET',
			path: '/users/{user_id}',
			auth: 'bot',
			handler: (ctx) => userPayload(ctx.user(ctx.params.user_id!))
		},
		{
			method: 'POST',
			path: '/users/@me/channels',
			auth: 'bot',
			handler: (ctx) => {
				const recipient = ctx.body?.recipient_id;
				if (typeof recipient !== 'string') throw invalidFormBody('recipient_id', 'BASE_TYPE_REQUIRED', 'This field is required');
				const user = ctx.world.users.get(recipient);
				if (!user) throw unknown(ErrorCodes.UnknownUser, `user ${recipient}`);
				return ctx.world.channelPayload(ctx.world.dmChannel(user.id));
			}
		},
		{
			method: 'GET',
			path: '/users/@me/guilds',
			auth: 'bot',
			handler: (ctx) =>
				ctx.world.botGuilds().map((guild) => ({
					id: guild.id,
					name: guild.name,
					icon: null,
					banner: null,
					owner: guild.ownerId === ctx.botId,
					permissions: basePermissions(guild, guild.members.get(ctx.botId)!, ctx.now()).toString(),
					features: [...guild.features]
				}))
		},
		{
			method: 'DELETE',
			path: '/users/@me/guilds/{guild_id}',
			auth: 'bot',
			handler: (ctx) => {
				ctx.guild().removeMember(ctx.botId);
				return undefined;
			}
		},
		{
			method: 'GET',
			path: '/applications/@me',
			auth: 'bot',
			handler: (ctx) => {
				const bot = ctx.world.botUser;
				return {
					id: ctx.core.bot.applicationId,
					name: bot.username,
					icon: null,
					description: '',
					summary: '',
					type: null,
					hook: true,
					bot_public: true,
					bot_require_code_grant: false,
					verify_key: '0'.repeat(64),
					flags: applicationFlags(ctx.core.gateway.options.approvedIntents),
					owner: { ...userPayload(bot), id: ctx.core.bot.id },
					team: null,
					bot: userPayload(bot),
					approximate_guild_count: ctx.world.botGuilds().length,
					approximate_user_install_count: 0,
					redirect_uris: [],
					interactions_endpoint_url: null,
					role_connections_verification_url: null,
					event_webhooks_url: null,
					event_webhooks_status: 1,
					tags: [],
					integration_types_config: { '0': {} }
				};
			}
		}
	];
}

/**
 * The application's `flags` for the privileged intents it is approved for (Discord's "Application Flags": GATEWAY_PRESENCE
 * 1 << 12, GATEWAY_GUILD_MEMBERS 1 << 14, GATEWAY_MESSAGE_CONTENT 1 << 18, as a verified application has them), so a
 * bot can tell before IDENTIFY which privileged intents it may ask for.
 * @param approvedIntents the emulator's `approvedIntents` bitfield.
 */
export function applicationFlags(approvedIntents: number): number {
	let flags = 0;
	if (approvedIntents & (1 << 8)) flags |= 1 << 12; // GUILD_PRESENCES
	if (approvedIntents & (1 << 1)) flags |= 1 << 14; // GUILD_MEMBERS
	if (approvedIntents & (1 << 15)) flags |= 1 << 18; // MESSAGE_CONTENT
	return flags;
}
