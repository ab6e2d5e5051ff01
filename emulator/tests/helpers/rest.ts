/**
 * Plain HTTP calls to an emulator's REST API v10, as the bot's token, with an optional X-Audit-Log-Reason (URL
 * encoded, as Discord expects).
 */
import type { DiscordEmulator } from '../../index.js';

export interface Answer {
	status: number;
	body: any;
	headers: Headers;
}

export interface CallOptions {
	/** Send `Authorization: Bot <token>` (default true). */
	auth?: boolean;
	/** X-Audit-Log-Reason, URL-encoded before sending. */
	reason?: string;
}

/** A function calling `emu`'s REST API: `api('PUT', '/guilds/1/bans/2', { delete_message_seconds: 0 }, { reason })`. */
export function restClient(emu: DiscordEmulator) {
	return async function api(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<Answer> {
		const headers: Record<string, string> = {};
		if (options.auth ?? true) headers.authorization = `Bot ${emu.bot.token}`;
		if (body !== undefined) headers['content-type'] = 'application/json';
		if (options.reason !== undefined) headers['x-audit-log-reason'] = encodeURIComponent(options.reason);
		const response = await fetch(`${emu.restUrl}/v10${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body)
		});
		const text = await response.text();
		return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
	};
}
