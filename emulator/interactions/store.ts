/**
 * Interactions the emulator has sent to the bot, with what the bot did with them: the callback (3 seconds to send
 * it, once), the @original message, follow-ups and edits (token valid for 15 minutes). Deadlines use the emulator
 * clock, so tests can move past them without waiting.
 */
import { EventEmitter } from 'node:events';
import type { APIInteraction, APIMessage, InteractionType } from 'discord-api-types/v10';
import type { Clock, InteractionCallbackRecord } from '../types.js';

/** Discord's deadline for the initial response ("Receiving and Responding": 3 seconds). */
export const CALLBACK_DEADLINE_MS = 3_000;
/** Lifetime of an interaction token ("Receiving and Responding": 15 minutes). */
export const TOKEN_LIFETIME_MS = 15 * 60_000;

export interface InteractionRecord {
	id: string;
	token: string;
	type: InteractionType;
	guildId: string | null;
	channelId: string;
	userId: string;
	createdAt: number;
	payload: APIInteraction;
	/** For component interactions: the message the component is on. */
	sourceMessageId: string | null;
	response: InteractionCallbackRecord | null;
	/** The @original message (reply, deferred placeholder, or the component's message for types 6/7). */
	original: APIMessage | null;
	originalEphemeral: boolean;
	followUps: APIMessage[];
	edits: APIMessage[];
	events: EventEmitter;
}

export class InteractionStore {
	readonly #byId = new Map<string, InteractionRecord>();
	readonly #byToken = new Map<string, InteractionRecord>();

	public constructor(private readonly clock: () => Clock) {}

	public add(record: Omit<InteractionRecord, 'events' | 'response' | 'original' | 'originalEphemeral' | 'followUps' | 'edits'>): InteractionRecord {
		const full: InteractionRecord = {
			...record,
			response: null,
			original: null,
			originalEphemeral: false,
			followUps: [],
			edits: [],
			events: new EventEmitter()
		};
		full.events.setMaxListeners(0);
		this.#byId.set(full.id, full);
		this.#byToken.set(full.token, full);
		return full;
	}

	public byId(id: string): InteractionRecord | undefined {
		return this.#byId.get(id);
	}

	public byToken(token: string): InteractionRecord | undefined {
		return this.#byToken.get(token);
	}

	/** Milliseconds since the interaction was created, on the emulator clock. */
	public age(record: InteractionRecord): number {
		return this.clock().now() - record.createdAt;
	}

	/** Finds a message the bot sent through interactions (ephemeral ones are only here). */
	public findMessage(messageId: string): { record: InteractionRecord; message: APIMessage } | undefined {
		for (const record of this.#byId.values()) {
			if (record.original?.id === messageId) return { record, message: record.original };
			const followUp = record.followUps.find((message) => message.id === messageId);
			if (followUp) return { record, message: followUp };
		}
		return undefined;
	}

	/** The last modal the bot opened for a user with this custom_id. */
	public findModal(userId: string, customId: string): { record: InteractionRecord; data: Record<string, any> } | undefined {
		const records = [...this.#byId.values()].reverse();
		for (const record of records) {
			if (record.userId !== userId || record.response?.type !== 9) continue;
			const data = record.response.data as Record<string, any> | undefined;
			if (data?.custom_id === customId) return { record, data };
		}
		return undefined;
	}

	public get all(): InteractionRecord[] {
		return [...this.#byId.values()];
	}
}
