/**
 * Interaction responses (interactions/receiving-and-responding): POST /interactions/{id}/{token}/callback with
 * every callback type (4 message, 5 deferred, 6 deferred update, 7 update, 8 autocomplete, 9 modal) and
 * `?with_response`; follow-ups and @original through /webhooks/{application_id}/{token}. Rules as on Discord: 3
 * seconds for the callback (else 404 10062), one callback only (400 40060), a token valid 15 minutes (else 401
 * 50027), follow-ups only after the callback; none of these routes takes an Authorization header. Replies (type 4),
 * updates (type 7), follow-ups and edits take files (multipart `files[n]`, ../uploads.ts).
 */
import {
	InteractionResponseType as R,
	InteractionType as T,
	MessageFlags,
	MessageType,
	type APIMessage
} from 'discord-api-types/v10';
import { CALLBACK_DEADLINE_MS, TOKEN_LIFETIME_MS, type InteractionRecord } from '../../interactions/store.js';
import { createMessage, deleteMessage, editMessage } from '../../world/messages.js';
import type { RouteContext } from '../context.js';
import { DiscordHttpError, ErrorCodes, invalidFormBody, unknown } from '../errors.js';
import { respond, type RouteDefinition } from '../router.js';
import { requestAttachments } from '../uploads.js';

type Json = Record<string, any>;

const ALLOWED: Record<number, number[]> = {
	[T.ApplicationCommand]: [R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource, R.Modal],
	[T.MessageComponent]: [R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource, R.DeferredMessageUpdate, R.UpdateMessage, R.Modal],
	[T.ApplicationCommandAutocomplete]: [R.ApplicationCommandAutocompleteResult],
	[T.ModalSubmit]: [R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource, R.DeferredMessageUpdate, R.UpdateMessage]
};

function messageType(record: InteractionRecord): MessageType {
	if (record.type !== T.ApplicationCommand) return MessageType.Default;
	return (record.payload.data as Json).type === 1 ? MessageType.ChatInputCommand : MessageType.ContextMenuCommand;
}

function interactionMetadata(record: InteractionRecord): Json {
	const user = record.payload.member?.user ?? record.payload.user;
	return {
		id: record.id,
		type: record.type,
		user,
		authorizing_integration_owners: (record.payload as Json).authorizing_integration_owners,
		...(record.type === T.ApplicationCommand ? { name: (record.payload.data as Json).name } : {}),
		...(record.sourceMessageId ? { interacted_message_id: record.sourceMessageId } : {})
	};
}

/**
 * Creates a message sent through the interaction (reply or follow-up). `attachmentsPath` says where the body's
 * `attachments` sit ('data.attachments' in a callback, 'attachments' for a follow-up): the request's files are
 * attached (../uploads.ts); null for a message without files (the deferred placeholder).
 */
function interactionMessage(ctx: RouteContext, record: InteractionRecord, data: Json, attachmentsPath: string | null, extraFlags = 0): APIMessage {
	const channel = ctx.world.channels.get(record.channelId)!;
	const flags = ((data.flags as number | undefined) ?? 0) | extraFlags;
	const keep = MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2 | MessageFlags.Loading;
	const attachments = attachmentsPath
		? requestAttachments(ctx, { entries: data.attachments ?? undefined, existing: null, channelId: channel.id, path: attachmentsPath })
		: [];
	const message = createMessage(ctx.world, channel, {
		authorId: ctx.core.bot.id,
		content: data.content ?? '',
		embeds: data.embeds ?? [],
		components: data.components ?? [],
		attachments,
		flags: flags & keep,
		tts: data.tts ?? false,
		type: messageType(record),
		webhookId: ctx.core.bot.applicationId,
		applicationId: ctx.core.bot.applicationId,
		interactionMetadata: interactionMetadata(record),
		allowedMentions: data.allowed_mentions ?? null,
		poll: data.poll
	});
	ctx.core.attachments.bind(message.attachments, message.id);
	return message;
}

/**
 * Edits a message that came from the interaction; stored (non-ephemeral) messages get MESSAGE_UPDATE. Files of the
 * request are added, and `attachments` (at `attachmentsPath`) lists what stays, as for an edited channel message.
 */
function editInteractionMessage(ctx: RouteContext, message: APIMessage, data: Json, attachmentsPath = 'attachments'): APIMessage {
	const channel = ctx.world.channels.get(message.channel_id)!;
	const changes: Json = {};
	for (const key of ['content', 'embeds', 'components'] as const) {
		if (data[key] !== undefined) changes[key] = data[key] ?? (key === 'content' ? '' : []);
	}
	if (data.attachments !== undefined || ctx.files.length) {
		changes.attachments = requestAttachments(ctx, {
			entries: data.attachments === null ? [] : data.attachments,
			existing: message.attachments,
			channelId: channel.id,
			path: attachmentsPath
		});
	}
	changes.flags = ((message.flags ?? 0) & ~MessageFlags.Loading) | ((data.flags as number | undefined) ?? 0);
	const edited = editMessage(ctx.world, channel, message, changes);
	ctx.core.attachments.bind(edited.attachments, edited.id);
	return edited;
}

function interactionFor(ctx: RouteContext): InteractionRecord {
	const record = ctx.core.interactions.byId(ctx.params.interaction_id!);
	if (!record || record.token !== ctx.params.interaction_token) {
		throw unknown(ErrorCodes.UnknownInteraction, `interaction ${ctx.params.interaction_id}`);
	}
	return record;
}

function webhookInteraction(ctx: RouteContext, requireResponse: boolean): InteractionRecord {
	const record = ctx.core.interactions.byToken(ctx.params.webhook_token!);
	if (!record || ctx.params.webhook_id !== ctx.core.bot.applicationId) {
		throw unknown(ErrorCodes.UnknownWebhook, 'no interaction has this webhook token');
	}
	const age = ctx.core.interactions.age(record);
	if (age > TOKEN_LIFETIME_MS) {
		throw new DiscordHttpError(401, ErrorCodes.InvalidWebhookToken, undefined, undefined,
			`interaction token used ${Math.round(age / 1000)} s after the interaction (limit 15 min)`);
	}
	if (requireResponse && !record.response) {
		throw unknown(ErrorCodes.UnknownWebhook, 'follow-up sent before the interaction was answered');
	}
	return record;
}

function callback(ctx: RouteContext) {
	const record = interactionFor(ctx);
	const age = ctx.core.interactions.age(record);
	if (record.response) {
		throw new DiscordHttpError(400, ErrorCodes.AlreadyAcknowledged, undefined, undefined, 'second callback for one interaction');
	}
	if (age > CALLBACK_DEADLINE_MS) {
		throw unknown(ErrorCodes.UnknownInteraction, `answered ${age} ms after the interaction (limit 3000 ms)`);
	}
	const body = ctx.body as Json;
	const type = body.type as R;
	if (!ALLOWED[record.type]?.includes(type)) {
		throw invalidFormBody('type', 'INTERACTION_RESPONSE_TYPE_INVALID', `Callback type ${type} is not valid for interaction type ${record.type}`);
	}
	const data = (body.data ?? {}) as Json;
	const ephemeral = ((data.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
	switch (type) {
		case R.ChannelMessageWithSource:
			record.original = interactionMessage(ctx, record, data, 'data.attachments');
			record.originalEphemeral = ephemeral;
			break;
		case R.DeferredChannelMessageWithSource:
			record.original = interactionMessage(ctx, record, { flags: data.flags ?? 0 }, null, MessageFlags.Loading);
			record.originalEphemeral = ephemeral;
			break;
		case R.UpdateMessage:
		case R.DeferredMessageUpdate: {
			const source = sourceMessage(ctx, record);
			record.original = type === R.UpdateMessage ? editInteractionMessage(ctx, source, data, 'data.attachments') : source;
			record.originalEphemeral = ((source.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
			replaceStoredEphemeral(ctx, source.id, record.original);
			break;
		}
		default:
			break;
	}
	record.response = { type, data: body.data, latencyMs: age };
	record.events.emit('change');
	if (ctx.query.get('with_response') !== 'true') return respond(204);
	const message = record.original;
	return {
		interaction: {
			id: record.id,
			type: record.type,
			activity_instance_id: null,
			response_message_id: message?.id ?? null,
			response_message_loading: type === R.DeferredChannelMessageWithSource,
			response_message_ephemeral: record.originalEphemeral
		},
		resource: {
			type,
			...(message && type !== R.DeferredMessageUpdate ? { message } : {})
		}
	};
}

function sourceMessage(ctx: RouteContext, record: InteractionRecord): APIMessage {
	const id = record.sourceMessageId;
	const stored = id ? ctx.world.channels.get(record.channelId)?.messages.get(id) : undefined;
	const message = stored ?? (id ? ctx.core.interactions.findMessage(id)?.message : undefined);
	if (!message) throw unknown(ErrorCodes.UnknownMessage, 'the interaction has no message to update');
	return message;
}

/** Ephemeral messages live only in their interaction records: keep them in step after an update. */
function replaceStoredEphemeral(ctx: RouteContext, id: string, message: APIMessage): void {
	const found = ctx.core.interactions.findMessage(id);
	if (!found) return;
	if (found.record.original?.id === id) found.record.original = message;
	found.record.followUps = found.record.followUps.map((m) => (m.id === id ? message : m));
}

function targetMessage(record: InteractionRecord, messageId: string): APIMessage {
	if (messageId === '@original' || messageId === record.original?.id) {
		if (!record.original) throw unknown(ErrorCodes.UnknownMessage, 'the interaction has no @original message yet');
		return record.original;
	}
	const followUp = record.followUps.find((message) => message.id === messageId);
	if (!followUp) throw unknown(ErrorCodes.UnknownMessage, `message ${messageId} was not sent through this interaction`);
	return followUp;
}

function messageRoutes(path: string, param: (ctx: RouteContext) => string): RouteDefinition[] {
	return [
		{
			method: 'GET',
			path,
			auth: 'none',
			handler: (ctx) => ctx.core.attachments.refresh(targetMessage(webhookInteraction(ctx, false), param(ctx)))
		},
		{
			method: 'PATCH',
			path,
			auth: 'none',
			handler: (ctx) => {
				const record = webhookInteraction(ctx, false);
				const message = targetMessage(record, param(ctx));
				const edited = editInteractionMessage(ctx, message, (ctx.body ?? {}) as Json);
				if (message.id === record.original?.id) {
					record.original = edited;
					record.edits.push(edited);
				} else record.followUps = record.followUps.map((m) => (m.id === edited.id ? edited : m));
				replaceStoredEphemeral(ctx, edited.id, edited);
				record.events.emit('change');
				return edited;
			}
		},
		{
			method: 'DELETE',
			path,
			auth: 'none',
			handler: (ctx) => {
				const record = webhookInteraction(ctx, false);
				const message = targetMessage(record, param(ctx));
				const channel = ctx.world.channels.get(message.channel_id)!;
				if (channel.messages.has(message.id)) deleteMessage(ctx.world, channel, message.id);
				if (message.id === record.original?.id) record.original = null;
				record.followUps = record.followUps.filter((m) => m.id !== message.id);
				record.events.emit('change');
				return undefined;
			}
		}
	];
}

export const interactionRoutes: RouteDefinition[] = [
	{
		method: 'POST',
		path: '/interactions/{interaction_id}/{interaction_token}/callback',
		auth: 'none',
		handler: callback
	},
	{
		method: 'POST',
		path: '/webhooks/{webhook_id}/{webhook_token}',
		auth: 'none',
		handler: (ctx) => {
			const record = webhookInteraction(ctx, true);
			const original = record.original;
			if (original && ((original.flags ?? 0) & MessageFlags.Loading) !== 0) {
				// Right after a deferred response the first follow-up edits the loading message instead
				// (documented backwards-compatible behaviour; the ephemeral state of the defer is kept).
				const { flags: _flags, ...data } = (ctx.body ?? {}) as Json;
				const edited = editInteractionMessage(ctx, original, data);
				record.original = edited;
				record.edits.push(edited);
				record.events.emit('change');
				return edited;
			}
			const message = interactionMessage(ctx, record, (ctx.body ?? {}) as Json, 'attachments');
			record.followUps.push(message);
			record.events.emit('change');
			return message;
		}
	},
	...messageRoutes('/webhooks/{webhook_id}/{webhook_token}/messages/@original', () => '@original'),
	...messageRoutes('/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}', (ctx) => ctx.params.message_id!)
];
