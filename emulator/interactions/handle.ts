/**
 * The test's view of one interaction: the bot's callback, the message the user sees, follow-ups and edits.
 */
import { InteractionResponseType, MessageFlags, type APIInteraction, type APIMessage } from 'discord-api-types/v10';
import type { InteractionCallbackRecord, InteractionHandle, MessageView } from '../types.js';
import type { InteractionRecord } from './store.js';

/** Converts an API message to the view tests assert on. */
export function messageView(message: APIMessage): MessageView {
	return {
		id: message.id,
		channelId: message.channel_id,
		content: message.content,
		embeds: message.embeds ?? [],
		components: (message.components ?? []) as MessageView['components'],
		flags: message.flags ?? 0,
		ephemeral: ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
		raw: message
	};
}

export class EmulatedInteraction implements InteractionHandle {
	public readonly response: Promise<InteractionCallbackRecord>;

	public constructor(
		private readonly record: InteractionRecord,
		private readonly timeoutMs: number
	) {
		this.response = this.#until(() => record.response ?? undefined, timeoutMs, 'a callback');
		// The test may never look at the response: keep an unanswered interaction from becoming an unhandled rejection.
		this.response.catch(() => {});
	}

	public get id(): string {
		return this.record.id;
	}

	public get token(): string {
		return this.record.token;
	}

	public get payload(): APIInteraction {
		return this.record.payload;
	}

	public get deferred(): boolean {
		const type = this.record.response?.type;
		return (
			type === InteractionResponseType.DeferredChannelMessageWithSource ||
			type === InteractionResponseType.DeferredMessageUpdate
		);
	}

	public get followUps(): MessageView[] {
		return this.record.followUps.map(messageView);
	}

	public get edits(): MessageView[] {
		return this.record.edits.map(messageView);
	}

	public get original(): MessageView | undefined {
		return this.record.original ? messageView(this.record.original) : undefined;
	}

	public get choices() {
		if (this.record.response?.type !== InteractionResponseType.ApplicationCommandAutocompleteResult) return undefined;
		return ((this.record.response.data?.choices as { name: string; value: string | number }[] | undefined) ?? []).slice();
	}

	/** The modal the bot opened (callback type 9), if any. */
	public get modal(): Record<string, unknown> | undefined {
		return this.record.response?.type === InteractionResponseType.Modal ? this.record.response.data : undefined;
	}

	/**
	 * Resolves to the message the user sees: the reply (type 4), the updated message (type 7), or after a deferred
	 * response (types 5 and 6) the first edit of @original. Rejects for modal and autocomplete answers, or on timeout.
	 */
	public async waitForReply(timeoutMs = this.timeoutMs): Promise<MessageView> {
		const response = await this.#until(() => this.record.response ?? undefined, timeoutMs, 'a callback');
		switch (response.type) {
			case InteractionResponseType.ChannelMessageWithSource:
			case InteractionResponseType.UpdateMessage:
				return messageView(this.record.original!);
			case InteractionResponseType.DeferredChannelMessageWithSource:
			case InteractionResponseType.DeferredMessageUpdate: {
				const edited = await this.#until(() => this.record.edits[0], timeoutMs, 'an edit of the deferred @original');
				return messageView(this.record.edits.at(-1) ?? edited);
			}
			default:
				throw new Error(`emulator: the bot answered with callback type ${response.type}, which shows no message`);
		}
	}

	public async waitForFollowUps(count = 1, timeoutMs = this.timeoutMs): Promise<MessageView[]> {
		await this.#until(() => (this.record.followUps.length >= count ? true : undefined), timeoutMs, `${count} follow-up(s)`);
		return this.followUps;
	}

	/** Resolves once @original has been edited `count` times in total. */
	public async waitForEdits(count = 1, timeoutMs = this.timeoutMs): Promise<MessageView[]> {
		await this.#until(() => (this.record.edits.length >= count ? true : undefined), timeoutMs, `${count} edit(s)`);
		return this.edits;
	}

	#until<T>(value: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
		const now = value();
		if (now !== undefined) return Promise.resolve(now);
		return new Promise<T>((resolve, reject) => {
			const check = () => {
				const current = value();
				if (current === undefined) return;
				clearTimeout(timer);
				this.record.events.off('change', check);
				resolve(current);
			};
			const timer = setTimeout(() => {
				this.record.events.off('change', check);
				reject(new Error(`emulator: interaction ${this.record.id} got no ${what} within ${timeoutMs} ms`));
			}, timeoutMs);
			timer.unref();
			this.record.events.on('change', check);
		});
	}
}
