/**
 * Test controls that make a user invoke an interaction: a slash or context menu command, an autocomplete
 * request, a button click, a select menu choice, a modal submission. Each sends INTERACTION_CREATE to the shard of
 * the guild (shard 0 in DMs) and returns a handle on the bot's answer.
 */
import { randomBytes } from 'node:crypto';
import {
	ApplicationCommandType,
	ComponentType,
	InteractionType,
	PermissionFlagsBits,
	type APIApplicationCommandInteractionDataOption,
	type APIInteraction,
	type APIMessage
} from 'discord-api-types/v10';
import type { EmulatorCore } from '../core.js';
import type {
	AutocompleteInvocation,
	ButtonInvocation,
	CommandInvocation,
	InteractionBaseOptions,
	ModalSubmitInvocation,
	SelectMenuInvocation
} from '../types.js';
import { toBits } from '../world/permissions.js';
import { EmulatedInteraction } from './handle.js';
import { commandData, findCommand, interactionBase } from './payloads.js';

type Json = Record<string, any>;

export class InteractionControls {
	public constructor(private readonly core: EmulatorCore) {}

	/**
	 * A user runs a command the bot registered. Options are checked against its declaration. A member who lacks the
	 * command's `default_member_permissions` cannot see it on Discord, so this throws unless `permissionOverride`
	 * says the guild's integration settings allow them.
	 */
	public command(invocation: CommandInvocation & { permissionOverride?: boolean }): EmulatedInteraction {
		const type = invocation.commandType ?? ApplicationCommandType.ChatInput;
		const command = findCommand(this.core, invocation.guildId, invocation.name, type);
		this.#checkVisibility(invocation, command as Json);
		const data = commandData(this.core, invocation, command);
		if (type !== ApplicationCommandType.ChatInput) this.#target(invocation, data);
		return this.#send(InteractionType.ApplicationCommand, invocation, data);
	}

	/**
	 * A forged slash command: `options` (the interaction's raw `data.options`) are sent as given, NOT checked against the
	 * command the bot registered, as a stale client or a hand-made request could send them (an unknown subcommand, a
	 * subcommand named `constructor`). Only the command must exist (its id and type are taken from it); visibility is
	 * checked like {@link command}. For tests of the bot's own input checks; use {@link command} for what Discord's
	 * client sends.
	 */
	public forgedCommand(
		invocation: InteractionBaseOptions & { name: string; options: APIApplicationCommandInteractionDataOption[]; permissionOverride?: boolean }
	): EmulatedInteraction {
		const { options, ...target } = invocation;
		const command = findCommand(this.core, target.guildId, target.name, ApplicationCommandType.ChatInput);
		this.#checkVisibility(target, command as Json);
		const data = {
			id: command.id,
			name: command.name,
			type: ApplicationCommandType.ChatInput,
			...(command.guild_id ? { guild_id: command.guild_id } : {}),
			options
		};
		return this.#send(InteractionType.ApplicationCommand, target, data);
	}

	/** A user types in an autocomplete option: APPLICATION_COMMAND_AUTOCOMPLETE with that option focused. */
	public autocomplete(invocation: AutocompleteInvocation): EmulatedInteraction {
		const command = findCommand(this.core, invocation.guildId, invocation.name, ApplicationCommandType.ChatInput);
		const data = commandData(this.core, invocation, command, invocation.focused);
		return this.#send(InteractionType.ApplicationCommandAutocomplete, invocation, data);
	}

	/** A user clicks a button of a message. Throws when the message has no such button. */
	public button(invocation: ButtonInvocation): EmulatedInteraction {
		const { message, component } = this.#component(invocation, invocation.customId);
		if (component.type !== ComponentType.Button) throw new Error(`emulator: ${invocation.customId} is not a button`);
		if (component.disabled) throw new Error(`emulator: button ${invocation.customId} is disabled`);
		return this.#send(
			InteractionType.MessageComponent,
			invocation,
			{ custom_id: invocation.customId, component_type: ComponentType.Button, ...(component.id ? { id: component.id } : {}) },
			message
		);
	}

	/** A user picks values in a select menu of a message. */
	public selectMenu(invocation: SelectMenuInvocation): EmulatedInteraction {
		const { message, component } = this.#component(invocation, invocation.customId);
		const componentType = invocation.componentType ?? component.type;
		if (componentType === ComponentType.StringSelect) {
			const allowed = (component.options ?? []).map((option: Json) => option.value);
			const unknown = invocation.values.filter((value) => !allowed.includes(value));
			if (unknown.length) throw new Error(`emulator: ${unknown.join(', ')} not among the options of ${invocation.customId}`);
		}
		const min = component.min_values ?? 1;
		const max = component.max_values ?? 1;
		if (invocation.values.length < min || invocation.values.length > max) {
			throw new Error(`emulator: ${invocation.customId} takes ${min} to ${max} values`);
		}
		return this.#send(
			InteractionType.MessageComponent,
			invocation,
			{ custom_id: invocation.customId, component_type: componentType, values: invocation.values },
			message
		);
	}

	/**
	 * A user submits a modal the bot opened for them. The submission mirrors the modal's layout (action rows or
	 * labels); throws when the bot never opened that modal or a field is unknown.
	 */
	public modalSubmit(invocation: ModalSubmitInvocation): EmulatedInteraction {
		const modal = this.core.interactions.findModal(invocation.userId, invocation.customId);
		if (!modal) throw new Error(`emulator: the bot never opened modal ${invocation.customId} for this user`);
		const fields = { ...invocation.fields };
		const components = (modal.data.components as Json[]).map((row) => {
			const input = row.type === ComponentType.Label ? row.component : row.components?.[0];
			const value = fields[input?.custom_id] ?? '';
			delete fields[input?.custom_id];
			const submitted = { type: input?.type ?? ComponentType.TextInput, custom_id: input?.custom_id, value };
			return row.type === ComponentType.Label
				? { type: ComponentType.Label, component: submitted }
				: { type: ComponentType.ActionRow, components: [submitted] };
		});
		const extra = Object.keys(fields);
		if (extra.length) throw new Error(`emulator: modal ${invocation.customId} has no field ${extra.join(', ')}`);
		const sourceId = invocation.messageId ?? modal.record.sourceMessageId ?? undefined;
		const message = sourceId ? this.#message(invocation, sourceId) : undefined;
		return this.#send(InteractionType.ModalSubmit, invocation, { custom_id: invocation.customId, components }, message);
	}

	#checkVisibility(invocation: CommandInvocation & { permissionOverride?: boolean }, command: Json): void {
		if (!invocation.guildId || invocation.permissionOverride) return;
		const required = command.default_member_permissions;
		if (required === null || required === undefined) return;
		const guild = this.core.world.guild(invocation.guildId);
		const have = guild.permissionsOf(invocation.userId, invocation.channelId);
		const needed = toBits(required);
		if ((have & needed) !== needed && !(have & PermissionFlagsBits.Administrator)) {
			throw new Error(
				`emulator: /${command.name} is hidden from this member (default_member_permissions ${required}); ` +
					'pass permissionOverride: true to simulate a guild that allows them'
			);
		}
	}

	#target(invocation: CommandInvocation, data: Json): void {
		if (!invocation.targetId) throw new Error('emulator: a context menu command needs targetId');
		data.target_id = invocation.targetId;
		if (invocation.commandType === ApplicationCommandType.Message) {
			const message = this.#message(invocation, invocation.targetId);
			data.resolved = { messages: { [message.id]: message } };
		} else {
			const user = this.core.world.users.get(invocation.targetId);
			if (!user) throw new Error(`emulator: no user ${invocation.targetId}`);
			const guild = invocation.guildId ? this.core.world.guild(invocation.guildId) : undefined;
			const member = guild?.member(invocation.targetId);
			data.resolved = {
				users: { [user.id]: guild ? guild.userPayload(user.id) : user },
				...(member && guild
					? {
							members: {
								[user.id]: { ...member, user: undefined, id: undefined, permissions: guild.permissionsOf(user.id).toString() }
							}
						}
					: {})
			};
		}
	}

	#message(options: InteractionBaseOptions, messageId: string): APIMessage {
		const channel = this.core.world.channels.get(options.channelId);
		const stored = channel?.messages.get(messageId);
		if (stored) return stored;
		const ephemeral = this.core.interactions.findMessage(messageId);
		if (ephemeral && ephemeral.record.userId === options.userId) return ephemeral.message;
		throw new Error(`emulator: no message ${messageId} visible to this user in channel ${options.channelId}`);
	}

	#component(options: InteractionBaseOptions & { messageId: string }, customId: string) {
		const message = this.#message(options, options.messageId);
		const component = findComponent((message.components ?? []) as Json[], customId);
		if (!component) throw new Error(`emulator: message ${message.id} has no component ${customId}`);
		return { message, component };
	}

	#send(type: InteractionType, options: InteractionBaseOptions, data: Json, message?: APIMessage): EmulatedInteraction {
		const { core } = this;
		const { base } = interactionBase(core, options);
		const id = core.ids.next();
		const token = `aW50ZXJhY3Rpb24${randomBytes(48).toString('base64url')}`;
		const payload = { ...base, id, token, type, data, ...(message ? { message } : {}) } as unknown as APIInteraction;
		const record = core.interactions.add({
			id,
			token,
			type,
			guildId: (base.guild_id as string | undefined) ?? null,
			channelId: options.channelId,
			userId: options.userId,
			createdAt: core.clock.now(),
			payload,
			sourceMessageId: message?.id ?? null
		});
		core.world.dispatch('INTERACTION_CREATE', payload, record.guildId);
		return new EmulatedInteraction(record, core.responseTimeoutMs);
	}
}

function findComponent(components: Json[], customId: string): Json | undefined {
	for (const component of components) {
		if (component?.custom_id === customId) return component;
		const nested = [
			...(Array.isArray(component?.components) ? component.components : []),
			...(component?.accessory ? [component.accessory] : [])
		];
		const found = findComponent(nested, customId);
		if (found) return found;
	}
	return undefined;
}
