/**
 * Validation of REST requests: bodies against Discord's OpenAPI schema first (./openapi.ts), then the semantic limits
 * the schema leaves out (./messages.ts, ./commands.ts); query strings against the spec's parameters (./query.ts).
 * Returns Discord-style issues; the REST server answers 400 Invalid Form Body (50035) with them.
 */
import { InteractionResponseType } from 'discord-api-types/v10';
import { checkCommand, checkCommandList } from './commands.js';
import type { BodyIssue } from './issues.js';
import { checkAutocomplete, checkMessageBody, checkModal } from './messages.js';
import { validateAgainstSpec } from './openapi.js';
import { checkQuery } from './query.js';

type SemanticCheck = (body: any) => BodyIssue[];

const SEMANTIC: Record<string, SemanticCheck> = {
	'POST /channels/{channel_id}/messages': (body) => checkMessageBody(body),
	'PATCH /channels/{channel_id}/messages/{message_id}': (body) => checkMessageBody(body),
	'POST /webhooks/{webhook_id}/{webhook_token}': (body) => checkMessageBody(body),
	'PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original': (body) => checkMessageBody(body),
	'PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}': (body) => checkMessageBody(body),
	'POST /interactions/{interaction_id}/{interaction_token}/callback': checkCallback,
	'POST /channels/{channel_id}/threads': (body) => (body?.message ? checkMessageBody(body.message, 'message') : []),
	'PUT /applications/{application_id}/commands': checkCommandList,
	'PUT /applications/{application_id}/guilds/{guild_id}/commands': checkCommandList,
	'POST /applications/{application_id}/commands': (body) => checkCommand(body),
	'POST /applications/{application_id}/guilds/{guild_id}/commands': (body) => checkCommand(body),
	'PATCH /applications/{application_id}/commands/{command_id}': (body) => checkCommand(body, '', true),
	'PATCH /applications/{application_id}/guilds/{guild_id}/commands/{command_id}': (body) => checkCommand(body, '', true)
};

function checkCallback(body: any): BodyIssue[] {
	switch (body?.type) {
		case InteractionResponseType.ChannelMessageWithSource:
		case InteractionResponseType.UpdateMessage:
			return checkMessageBody(body.data, 'data');
		case InteractionResponseType.Modal:
			return checkModal(body.data);
		case InteractionResponseType.ApplicationCommandAutocompleteResult:
			return checkAutocomplete(body.data);
		default:
			return [];
	}
}

export class RequestValidator {
	/** Set to false to skip the OpenAPI schema check (semantic checks still run). */
	public useSpec = true;

	/** Issues of the query string of an operation, checked against the spec's parameters (see ./query.ts). */
	public validateQuery(method: string, route: string, query: URLSearchParams): BodyIssue[] {
		return this.useSpec ? checkQuery(method, route, query) : [];
	}

	/** Issues of a JSON body for an operation ('POST', '/channels/{channel_id}/messages'). */
	public validate(method: string, route: string, body: unknown): BodyIssue[] {
		const issues = this.useSpec && body !== undefined ? validateAgainstSpec(method, route, body) : [];
		const semantic = SEMANTIC[`${method} ${route}`];
		if (semantic && body !== undefined && body !== null) issues.push(...semantic(body));
		// The schema and the semantic checks may both report one limit: keep each issue once.
		const seen = new Set<string>();
		return issues.filter((issue) => {
			const key = `${issue.path}|${issue.code}|${issue.message}`;
			if (seen.has(key)) return false;
			seen.add(key);
			return true;
		});
	}
}
