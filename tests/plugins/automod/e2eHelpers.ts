/**
 * Helpers of the automod plugin's end-to-end tests (the real bot on the Discord emulator): replacing a guild's
 * automod config with only some filters on, and waiting for the automod's decision on a message through the
 * service's observer (AutomodService.observe), which reports every message it checked, broken or not.
 */
import { vi } from 'vitest';
import type { ConfigPatch } from '../../../src/lib/plugins/context.js';
import { FILTER_NAMES, type automodConfigSchema } from '../../../src/plugins/automod/lib/config.js';
import type { AutomodService, CheckedMessage } from '../../../src/plugins/automod/service/AutomodService.js';

/** A config patch of the automod. */
export type AutomodPatch = ConfigPatch<typeof automodConfigSchema>;

/** The `filters` of a patch: the named filters on (with the settings given), every other filter off. */
export function onlyFilters(filters: Record<string, object>): AutomodPatch['filters'] {
	const off = Object.fromEntries(FILTER_NAMES.map((name) => [name, { enabled: false }]));
	const on = Object.fromEntries(Object.entries(filters).map(([name, settings]) => [name, { enabled: true, ...settings }]));
	return { ...off, ...on } as AutomodPatch['filters'];
}

/**
 * Replaces a guild's automod config (atomic update): every field back to its default, then `patch`; new accounts and
 * strikes off unless the patch sets them, so tests only see the filters they turn on.
 */
export async function replaceConfig(service: AutomodService, guildId: string, patch: AutomodPatch = {}): Promise<void> {
	await service.ctx.updateConfig(guildId, () => ({
		alertChannelId: undefined,
		newAccountDays: 0,
		noticeSeconds: undefined,
		words: undefined,
		regexes: undefined,
		filters: undefined,
		exempt: undefined,
		strikes: [],
		native: undefined,
		...patch
	}));
}

/** The automod's decisions, by message id, as its observer reports them. */
export class CheckedMessages {
	readonly #checked = new Map<string, CheckedMessage>();

	public constructor(service: AutomodService) {
		service.observe((event) => this.#checked.set(event.messageId, event));
	}

	/** Whether a message was checked (so far). */
	public has(messageId: string): boolean {
		return this.#checked.has(messageId);
	}

	/** Forgets a message's check (to wait for the check of its edit). */
	public forget(messageId: string): void {
		this.#checked.delete(messageId);
	}

	/** Waits until the automod checked a message and finished acting on it; returns what it decided. */
	public async of(messageId: string): Promise<CheckedMessage> {
		const event = await vi.waitFor(
			() => {
				const found = this.#checked.get(messageId);
				if (!found) throw new Error(`message ${messageId} not checked yet`);
				return found;
			},
			{ timeout: 10_000, interval: 5 }
		);
		await event.outcome;
		return event;
	}
}

/** The filters a checked message broke, by name (empty: none). */
export function firedOf(event: CheckedMessage): string[] {
	return event.decision?.hits.map((hit) => hit.filter) ?? [];
}
