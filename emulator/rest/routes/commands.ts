/**
 * Application commands, global and per guild (interactions/application-commands "Endpoints"): GET list
 * (`with_localizations`), POST (create or replace by name and type), GET / PATCH / DELETE one, PUT bulk overwrite
 * (a command keeps its id when its name and type survive). Commands are stored as Discord returns them.
 */
import { ApplicationCommandType, type APIApplicationCommand } from 'discord-api-types/v10';
import type { RouteContext } from '../context.js';
import { ErrorCodes, unknown } from '../errors.js';
import { respond, type RouteDefinition } from '../router.js';

type Json = Record<string, any>;

function scope(ctx: RouteContext): { map: Map<string, APIApplicationCommand>; guildId?: string } {
	if (ctx.params.application_id !== ctx.core.bot.applicationId) throw unknown(ErrorCodes.UnknownApplicationCommand, 'another application');
	if (ctx.params.guild_id) return { map: ctx.guild().state.commands, guildId: ctx.params.guild_id };
	return { map: ctx.world.globalCommands };
}

function build(ctx: RouteContext, body: Json, guildId: string | undefined, existing?: APIApplicationCommand): APIApplicationCommand {
	const type = (body.type as number | undefined) ?? existing?.type ?? ApplicationCommandType.ChatInput;
	const merged: Json = { ...(existing ?? {}), ...body };
	return {
		id: existing?.id ?? ctx.core.ids.next(),
		application_id: ctx.core.bot.applicationId,
		version: ctx.core.ids.next(),
		default_member_permissions: merged.default_member_permissions ?? null,
		type,
		name: merged.name,
		name_localizations: merged.name_localizations ?? null,
		description: merged.description ?? '',
		description_localizations: merged.description_localizations ?? null,
		...(guildId ? { guild_id: guildId } : {}),
		...(Array.isArray(merged.options) && merged.options.length ? { options: structuredClone(merged.options) } : {}),
		dm_permission: merged.dm_permission ?? true,
		contexts: merged.contexts ?? null,
		integration_types: merged.integration_types ?? [0],
		nsfw: merged.nsfw ?? false
	} as APIApplicationCommand;
}

/** Without `with_localizations=true`, Discord returns `name_localized` / `description_localized` instead. */
function present(command: APIApplicationCommand, withLocalizations: boolean): Json {
	if (withLocalizations) return command;
	const { name_localizations: _n, description_localizations: _d, ...rest } = command as Json;
	return rest;
}

function find(ctx: RouteContext): APIApplicationCommand {
	const command = scope(ctx).map.get(ctx.params.command_id!);
	if (!command) throw unknown(ErrorCodes.UnknownApplicationCommand, `command ${ctx.params.command_id}`);
	return command;
}

function routesFor(base: string): RouteDefinition[] {
	return [
		{
			method: 'GET',
			path: base,
			auth: 'bot',
			handler: (ctx) =>
				[...scope(ctx).map.values()].map((command) => present(command, ctx.query.get('with_localizations') === 'true'))
		},
		{
			method: 'PUT',
			path: base,
			auth: 'bot',
			handler: (ctx) => {
				const { map, guildId } = scope(ctx);
				const previous = [...map.values()];
				const next = (ctx.body as Json[]).map((body) =>
					build(ctx, body, guildId, previous.find((c) => c.name === body.name && c.type === (body.type ?? 1)))
				);
				map.clear();
				for (const command of next) map.set(command.id, command);
				return next;
			}
		},
		{
			method: 'POST',
			path: base,
			auth: 'bot',
			handler: (ctx) => {
				const { map, guildId } = scope(ctx);
				const body = ctx.body as Json;
				const existing = [...map.values()].find((c) => c.name === body.name && c.type === (body.type ?? 1));
				const command = build(ctx, body, guildId, existing ? { ...existing, options: undefined } as APIApplicationCommand : undefined);
				map.set(command.id, command);
				return respond(existing ? 200 : 201, command);
			}
		},
		{
			method: 'GET',
			path: `${base}/{command_id}`,
			auth: 'bot',
			handler: (ctx) => find(ctx)
		},
		{
			method: 'PATCH',
			path: `${base}/{command_id}`,
			auth: 'bot',
			handler: (ctx) => {
				const existing = find(ctx);
				const command = build(ctx, ctx.body as Json, scope(ctx).guildId, existing);
				scope(ctx).map.set(command.id, command);
				return command;
			}
		},
		{
			method: 'DELETE',
			path: `${base}/{command_id}`,
			auth: 'bot',
			handler: (ctx) => {
				find(ctx);
				scope(ctx).map.delete(ctx.params.command_id!);
				return undefined;
			}
		}
	];
}

export const commandRoutes: RouteDefinition[] = [
	...routesFor('/applications/{application_id}/commands'),
	...routesFor('/applications/{application_id}/guilds/{guild_id}/commands')
];
