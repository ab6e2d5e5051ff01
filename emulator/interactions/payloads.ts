/**
 * INTERACTION_CREATE payloads (interactions/receiving-and-responding "Interaction Object"), with every field
 * discord.js reads: app_permissions, member (user, roles, permissions), full channel, guild, locale, guild_locale,
 * entitlements, authorizing_integration_owners, context, version. Command options are resolved against the
 * commands the bot registered, so their types are the ones the bot declared; invalid input throws in the test,
 * because Discord's client would not let a user send it.
 */
import {
	ApplicationCommandOptionType as O,
	ApplicationCommandType,
	ChannelType,
	type APIApplicationCommand,
	type APIApplicationCommandOption,
	type LocaleString
} from 'discord-api-types/v10';
import type { EmulatorCore } from '../core.js';
import type { CommandInvocation, CommandOptionValue } from '../types.js';
import { channelPayload, memberPayload, rolePayload, userPayload } from '../world/payloads.js';
import type { ChannelState } from '../world/state.js';

type Json = Record<string, any>;

/** Fields every interaction carries. Throws when the user, guild or channel does not fit together. */
export function interactionBase(
	core: EmulatorCore,
	options: { guildId?: string; channelId: string; userId: string; locale?: LocaleString }
): { base: Json; channel: ChannelState } {
	const { world } = core;
	const channel = world.channels.get(options.channelId);
	if (!channel) throw new Error(`emulator: no channel ${options.channelId}`);
	const user = world.users.get(options.userId);
	if (!user) throw new Error(`emulator: no user ${options.userId}`);
	const guildId = options.guildId ?? channel.guildId ?? undefined;
	const base: Json = {
		application_id: core.bot.applicationId,
		version: 1,
		channel_id: channel.id,
		entitlements: [],
		attachment_size_limit: core.attachments.sizeLimit
	};
	if (!guildId) {
		if (channel.type !== ChannelType.DM) throw new Error('emulator: a guild channel needs guildId');
		return {
			channel,
			base: {
				...base,
				user: userPayload(user),
				channel: channelPayload(world, channel),
				locale: options.locale ?? user.locale,
				app_permissions: '0',
				authorizing_integration_owners: { '0': '0' },
				context: 1
			}
		};
	}
	const guild = world.guild(guildId);
	if (channel.guildId !== guildId) throw new Error(`emulator: channel ${channel.name} is not in guild ${guild.name}`);
	const member = guild.state.members.get(user.id);
	if (!member) throw new Error(`emulator: ${user.username} is not a member of ${guild.name}`);
	if (!guild.state.members.has(core.bot.id)) throw new Error(`emulator: the bot is not in ${guild.name}`);
	const permissions = guild.permissionsOf(user.id, channel.id);
	return {
		channel,
		base: {
			...base,
			guild_id: guild.id,
			guild: { id: guild.id, locale: guild.state.preferredLocale, features: [...guild.state.features] },
			guild_locale: guild.state.preferredLocale,
			channel: { ...channelPayload(world, channel), permissions: permissions.toString() },
			member: { ...memberPayload(world, member), permissions: permissions.toString() },
			locale: options.locale ?? member.locale,
			app_permissions: guild.permissionsOf(core.bot.id, channel.id).toString(),
			authorizing_integration_owners: { '0': guild.id },
			context: 0
		}
	};
}

/** The registered command a user invokes (guild commands first, then global). Throws when there is none. */
export function findCommand(core: EmulatorCore, guildId: string | undefined, name: string, type: number): APIApplicationCommand {
	const scopes = [
		...(guildId ? [core.world.guild(guildId).state.commands.values()] : []),
		core.world.globalCommands.values()
	];
	for (const scope of scopes) {
		for (const command of scope) if (command.name === name && (command.type ?? 1) === type) return command;
	}
	const known = [
		...core.world.globalCommands.values(),
		...(guildId ? core.world.guild(guildId).state.commands.values() : [])
	].map((command) => command.name);
	throw new Error(`emulator: the bot registered no command /${name} (registered: ${known.join(', ') || 'none'})`);
}

/** Builds `data` of an APPLICATION_COMMAND or AUTOCOMPLETE interaction. */
export function commandData(
	core: EmulatorCore,
	invocation: CommandInvocation,
	command: APIApplicationCommand,
	focused?: string
): Json {
	const resolved: Json = {};
	let level: APIApplicationCommandOption[] = (command.options ?? []) as APIApplicationCommandOption[];
	const path: string[] = [];
	const wrap: ((inner: Json[]) => Json[])[] = [];
	for (const [kind, name] of [
		[O.SubcommandGroup, invocation.subcommandGroup],
		[O.Subcommand, invocation.subcommand]
	] as const) {
		if (!name) continue;
		const option = level.find((candidate) => candidate.name === name && candidate.type === kind);
		if (!option) throw new Error(`emulator: /${command.name} has no ${kind === O.Subcommand ? 'subcommand' : 'group'} ${name}`);
		path.push(name);
		wrap.push((inner) => [{ type: kind, name, options: inner }]);
		level = ((option as Json).options ?? []) as APIApplicationCommandOption[];
	}
	if (level.some((option) => option.type === O.Subcommand || option.type === O.SubcommandGroup)) {
		throw new Error(`emulator: /${[command.name, ...path].join(' ')} needs a subcommand`);
	}
	const values: Json[] = [];
	for (const [name, value] of Object.entries(invocation.options ?? {})) {
		const option = level.find((candidate) => candidate.name === name);
		if (!option) throw new Error(`emulator: /${[command.name, ...path].join(' ')} has no option ${name}`);
		if (name === focused) {
			values.push({ name, type: option.type, value: String(value), focused: true });
			continue;
		}
		values.push({ name, type: option.type, value: optionValue(core, invocation, option, value, resolved) });
	}
	if (focused && !values.some((value) => value.focused)) {
		const option = level.find((candidate) => candidate.name === focused);
		if (!option) throw new Error(`emulator: no option ${focused} to focus`);
		if (!(option as Json).autocomplete) throw new Error(`emulator: option ${focused} has no autocomplete`);
		values.push({ name: focused, type: option.type, value: '', focused: true });
	}
	if (!focused) {
		for (const option of level) {
			if ((option as Json).required && !values.some((value) => value.name === option.name)) {
				throw new Error(`emulator: option ${option.name} of /${[command.name, ...path].join(' ')} is required`);
			}
		}
	}
	let options = values;
	for (const wrapper of wrap.reverse()) options = wrapper(options);
	return {
		id: command.id,
		name: command.name,
		type: command.type ?? ApplicationCommandType.ChatInput,
		...(command.guild_id ? { guild_id: command.guild_id } : {}),
		...(options.length ? { options } : {}),
		...(Object.keys(resolved).length ? { resolved } : {})
	};
}

function optionValue(
	core: EmulatorCore,
	invocation: CommandInvocation,
	option: APIApplicationCommandOption,
	value: CommandOptionValue,
	resolved: Json
): unknown {
	const spec = option as Json;
	const fail = (why: string) => new Error(`emulator: option ${option.name}: ${why}`);
	switch (option.type) {
		case O.String: {
			const text = String(value);
			if (spec.min_length !== undefined && text.length < spec.min_length) throw fail(`shorter than ${spec.min_length}`);
			if (spec.max_length !== undefined && text.length > spec.max_length) throw fail(`longer than ${spec.max_length}`);
			checkChoice(spec, text, fail);
			return text;
		}
		case O.Integer:
		case O.Number: {
			const number = typeof value === 'number' ? value : Number(value);
			if (!Number.isFinite(number) || (option.type === O.Integer && !Number.isInteger(number))) {
				throw fail(`${String(value)} is not ${option.type === O.Integer ? 'an integer' : 'a number'}`);
			}
			if (spec.min_value !== undefined && number < spec.min_value) throw fail(`below ${spec.min_value}`);
			if (spec.max_value !== undefined && number > spec.max_value) throw fail(`above ${spec.max_value}`);
			checkChoice(spec, number, fail);
			return number;
		}
		case O.Boolean:
			if (typeof value !== 'boolean') throw fail('expects a boolean');
			return value;
		case O.User:
		case O.Mentionable:
		case O.Role:
		case O.Channel:
			return resolveEntity(core, invocation, option.type, String(value), resolved, fail);
		default:
			throw fail(`option type ${option.type} is not supported by the emulator`);
	}
}

function checkChoice(spec: Json, value: string | number, fail: (why: string) => Error): void {
	if (Array.isArray(spec.choices) && !spec.choices.some((choice: Json) => choice.value === value)) {
		throw fail(`${value} is not one of the choices ${spec.choices.map((c: Json) => c.value).join(', ')}`);
	}
}

function resolveEntity(
	core: EmulatorCore,
	invocation: CommandInvocation,
	type: O,
	id: string,
	resolved: Json,
	fail: (why: string) => Error
): string {
	const guild = invocation.guildId ? core.world.guild(invocation.guildId) : undefined;
	const role = guild?.state.roles.get(id);
	if ((type === O.Role || type === O.Mentionable) && role) {
		(resolved.roles ??= {})[id] = rolePayload(role);
		return id;
	}
	const user = core.world.users.get(id);
	if ((type === O.User || type === O.Mentionable) && user) {
		(resolved.users ??= {})[id] = userPayload(user);
		const member = guild?.state.members.get(id);
		if (member && guild) {
			const { user: _user, ...rest } = memberPayload(core.world, member) as Json;
			(resolved.members ??= {})[id] = { ...rest, permissions: guild.permissionsOf(id, invocation.channelId).toString() };
		}
		return id;
	}
	const channel = core.world.channels.get(id);
	if (type === O.Channel && channel && guild && channel.guildId === guild.id) {
		const payload = channelPayload(core.world, channel) as Json;
		(resolved.channels ??= {})[id] = {
			id,
			name: payload.name,
			type: payload.type,
			parent_id: payload.parent_id ?? null,
			permissions: guild.permissionsOf(invocation.userId, id).toString(),
			...(payload.thread_metadata ? { thread_metadata: payload.thread_metadata } : {})
		};
		return id;
	}
	throw fail(`no ${O[type]?.toLowerCase() ?? 'entity'} ${id} here`);
}
