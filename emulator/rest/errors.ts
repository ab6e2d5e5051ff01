/**
 * Discord's JSON error codes and messages (Discord developer docs, "Opcodes and Status Codes" > "JSON Error Codes").
 * The emulator answers with the same status, `code` and `message` Discord uses.
 */
import type { EmulatorFailure } from '../types.js';

export const ErrorCodes = {
	General: 0,
	UnknownChannel: 10003,
	UnknownGuild: 10004,
	UnknownInvite: 10006,
	UnknownMember: 10007,
	UnknownMessage: 10008,
	UnknownOverwrite: 10009,
	UnknownRole: 10011,
	UnknownUser: 10013,
	UnknownEmoji: 10014,
	UnknownWebhook: 10015,
	UnknownBan: 10026,
	UnknownInteraction: 10062,
	UnknownApplicationCommand: 10063,
	MaxRoles: 30005,
	MaxReactions: 30010,
	MaxChannels: 30013,
	MaxAttachments: 30015,
	MaxThreadMembers: 30033,
	MaxApplicationCommands: 30032,
	RequestEntityTooLarge: 40005,
	AlreadyAcknowledged: 40060,
	TargetNotInVoice: 40032,
	MissingAccess: 50001,
	CannotExecuteOnDm: 50003,
	CannotEditOthersMessage: 50005,
	EmptyMessage: 50006,
	CannotMessageUser: 50007,
	MissingPermissions: 50013,
	TooFewOrManyMessages: 50016,
	InvalidChannelType: 50024,
	InvalidWebhookToken: 50027,
	MessageTooOldToBulkDelete: 50034,
	InvalidFormBody: 50035,
	ThreadArchived: 50083,
	InvalidJson: 50109,
	ThreadLocked: 160005
} as const;

const messages: Record<number, string> = {
	10003: 'Unknown Channel',
	10004: 'Unknown Guild',
	10006: 'Unknown Invite',
	10007: 'Unknown Member',
	10008: 'Unknown Message',
	10009: 'Unknown Overwrite',
	10011: 'Unknown Role',
	10013: 'Unknown User',
	10014: 'Unknown Emoji',
	10015: 'Unknown Webhook',
	10026: 'Unknown Ban',
	10062: 'Unknown interaction',
	10063: 'Unknown application command',
	30005: 'Maximum number of guild roles reached (250)',
	30010: 'Maximum number of reactions reached (20)',
	30013: 'Maximum number of guild channels reached (500)',
	30015: 'Maximum number of attachments in a message reached (10)',
	30033: 'Maximum number of thread participants has been reached (1000)',
	30032: 'Maximum number of application commands reached',
	40005: 'Request entity too large',
	40060: 'Interaction has already been acknowledged.',
	40032: 'Target user is not connected to voice.',
	50001: 'Missing Access',
	50003: 'Cannot execute action on a DM channel',
	50005: 'Cannot edit a message authored by another user',
	50006: 'Cannot send an empty message',
	50007: 'Cannot send messages to this user',
	50013: 'Missing Permissions',
	50016: 'Provided too few or too many messages to delete. Must provide at least 2 and fewer than 100 messages to delete.',
	50024: 'Cannot execute action on this channel type',
	50027: 'Invalid Webhook Token',
	50034: 'A message provided was too old to bulk delete',
	50035: 'Invalid Form Body',
	50083: 'Thread is archived',
	50109: 'The request body contains invalid JSON.',
	160005: 'Thread is locked'
};

/** Discord's nested error tree for 50035: `{ field: { 0: { sub: { _errors: [{ code, message }] } } } }`. */
export interface ErrorTree {
	[key: string]: ErrorTree | { code: string; message: string }[];
}

/** An HTTP error answered exactly as Discord would (status, JSON `{ code, message, errors? }`). */
export class DiscordHttpError extends Error {
	/**
	 * How the refusal is recorded in `emu.failures`, when not by its status and code (../rest/server.ts): e.g.
	 * 'refused' for a 50035 that depends on the guild's state rather than on the body (too many AutoMod rules).
	 */
	public failureKind?: EmulatorFailure['kind'];

	public constructor(
		public readonly status: number,
		public readonly code: number,
		message?: string,
		public readonly errors?: ErrorTree,
		/** Why the emulator refused, for the failure list (not sent to the client). */
		public readonly detail?: string
	) {
		super(message ?? messages[code] ?? `${status}`);
	}

	public toJSON(): Record<string, unknown> {
		return { message: this.message, code: this.code, ...(this.errors ? { errors: this.errors } : {}) };
	}
}

/** 404 with a Discord "Unknown ..." code. */
export const unknown = (code: number, detail?: string) => new DiscordHttpError(404, code, undefined, undefined, detail);
/** 403 Missing Permissions (50013). `detail` says which permission or hierarchy rule failed. */
export const missingPermissions = (detail: string) =>
	new DiscordHttpError(403, ErrorCodes.MissingPermissions, undefined, undefined, detail);
/** 403 Missing Access (50001): the bot cannot see the channel. */
export const missingAccess = (detail: string) =>
	new DiscordHttpError(403, ErrorCodes.MissingAccess, undefined, undefined, detail);
/** 400 Invalid Form Body (50035) with one error at `path` (dot-separated, array indices as numbers). */
export function invalidFormBody(path: string, code: string, message: string): DiscordHttpError {
	return new DiscordHttpError(400, ErrorCodes.InvalidFormBody, undefined, errorTree([{ path, code, message }]));
}

/** Builds Discord's nested `errors` object from flat `{ path, code, message }` entries (path 'embeds.0.title'). */
export function errorTree(entries: { path: string; code: string; message: string }[]): ErrorTree {
	const root: ErrorTree = {};
	for (const { path, code, message } of entries) {
		let node: ErrorTree = root;
		for (const key of path.split('.').filter(Boolean)) {
			const next = node[key];
			if (!next || Array.isArray(next)) node[key] = {};
			node = node[key] as ErrorTree;
		}
		const list = (node._errors as { code: string; message: string }[] | undefined) ?? [];
		list.push({ code, message });
		node._errors = list;
	}
	return root;
}
