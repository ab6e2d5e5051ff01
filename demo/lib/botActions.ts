/**
 * What the bot did on Discord on its own (not as an interaction answer), read from the emulator's recorder: roles it
 * gave or took, messages it posted in channels or DMs, members it edited, and requests Discord refused.
 */
import { ChannelType } from 'discord-api-types/v10';
import type { DiscordEmulator, RestRecord } from '@hearth/discord-emulator';
import { renderMessage, type NameResolver, type RenderableMessage } from './render.js';

/** One thing the bot did, as transcript lines (the first line says what, the others show a message's text). */
export interface BotAction {
	/** Real time (ms since the epoch) when the request reached the emulator. */
	at: number;
	/** `role-added`, `role-removed`, `message`, `dm`, `member-edited`, `refused` or `other` (any other write). */
	kind: 'role-added' | 'role-removed' | 'message' | 'dm' | 'member-edited' | 'refused' | 'other';
	/** The role, for role changes. */
	roleId?: string;
	/** The member, for role changes and member edits; the recipient of a DM. */
	userId?: string;
	lines: string[];
}

const ROLE_ROUTE = '/guilds/{guild_id}/members/{user_id}/roles/{role_id}';
const MESSAGE_ROUTE = '/channels/{channel_id}/messages';
const MEMBER_ROUTE = '/guilds/{guild_id}/members/{user_id}';

/** Routes that only read, or belong to interaction answers and start-up (shown elsewhere or not at all). */
function isBackgroundNoise(record: RestRecord): boolean {
	return (
		record.method === 'GET' ||
		record.route.startsWith('/interactions/') ||
		record.route.startsWith('/webhooks/') ||
		record.route.startsWith('/applications/') ||
		record.route === '/users/@me/channels'
	);
}

/**
 * Follows the recorder from the moment it is created: {@link take} returns the bot's actions recorded since the
 * previous call, in order.
 */
export class BotActionWatcher {
	#seen: number;

	public constructor(
		private readonly emulator: DiscordEmulator,
		private readonly names: NameResolver
	) {
		this.#seen = emulator.recorder.rest.length;
	}

	/** The actions recorded since the previous call (or since construction). */
	public take(): BotAction[] {
		const records = this.emulator.recorder.rest.slice(this.#seen);
		this.#seen += records.length;
		return records.flatMap((record) => this.#describe(record));
	}

	#describe(record: RestRecord): BotAction[] {
		if (isBackgroundNoise(record)) return [];
		const { names } = this;
		const { params } = record;
		const at = record.at;
		if (record.status >= 400) {
			const error = record.response as { code?: number; message?: string } | undefined;
			return [
				{
					at,
					kind: 'refused',
					lines: [`Discord refused ${record.method} ${record.path}: ${record.status} ${error?.code ?? ''} ${error?.message ?? ''}`.trim()]
				}
			];
		}
		if (record.route === ROLE_ROUTE && (record.method === 'PUT' || record.method === 'DELETE')) {
			const added = record.method === 'PUT';
			const role = names.role(params.role_id!);
			const user = names.user(params.user_id!);
			const reason = record.reason ? ` (audit log reason: "${record.reason}")` : '';
			return [
				{
					at,
					kind: added ? 'role-added' : 'role-removed',
					roleId: params.role_id!,
					userId: params.user_id!,
					lines: [added ? `gave role ${role} to ${user}${reason}` : `took role ${role} from ${user}${reason}`]
				}
			];
		}
		if (record.route === MESSAGE_ROUTE && record.method === 'POST') {
			const channel = this.emulator.world.channels.get(params.channel_id!);
			const body = (record.body ?? {}) as RenderableMessage;
			const text = renderMessage(body, names).map((line) => `  ${line}`);
			if (channel?.type === ChannelType.DM) {
				const recipient = channel.recipients?.find((id) => id !== this.emulator.bot.id);
				return [{ at, kind: 'dm', ...(recipient ? { userId: recipient } : {}), lines: [`sent a DM to ${recipient ? names.user(recipient) : 'someone'}:`, ...text] }];
			}
			return [{ at, kind: 'message', lines: [`posted in ${names.channel(params.channel_id!)}:`, ...text] }];
		}
		if (record.route === MEMBER_ROUTE && record.method === 'PATCH') {
			return [{ at, kind: 'member-edited', userId: params.user_id!, lines: [`edited member ${names.user(params.user_id!)}: ${JSON.stringify(record.body)}`] }];
		}
		return [{ at, kind: 'other', lines: [`${record.method} ${record.path}`] }];
	}
}
