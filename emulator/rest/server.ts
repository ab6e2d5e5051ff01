/**
 * The REST pipeline for `/api/v10/...`: route match (404 / 405 with Discord's bodies), `Authorization: Bot <token>`
 * (401), rate limits (429), body parsing (JSON, or multipart with `payload_json` and `files[n]`: ./uploads.ts), the
 * size limits (413 40005: 25 MiB per request, the upload limit per file), validation (400 50035 with the `errors`
 * tree), the route handler, and the recorder. Every refused request is recorded as a failure.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCore } from '../core.js';
import type { EmulatorFailure, RestRecord } from '../types.js';
import type { BodyIssue } from '../validation/issues.js';
import { specRouteFor } from '../validation/openapi.js';
import { MAX_AUDIT_LOG_REASON_LENGTH } from '../world/audit.js';
import { RouteContext } from './context.js';
import { DiscordHttpError, ErrorCodes, errorTree } from './errors.js';
import { Reply, Router, type RouteDefinition } from './router.js';
import { parseMultipart, type ParsedBody } from './uploads.js';

const PREFIX = '/api/v10';

export class RestServer {
	public readonly router = new Router();

	public constructor(private readonly core: EmulatorCore) {}

	public addRoutes(routes: RouteDefinition[]): void {
		this.router.add(routes);
	}

	public async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const started = Date.now();
		const url = new URL(request.url ?? '/', 'http://localhost');
		const method = (request.method ?? 'GET').toUpperCase();
		const record: Omit<RestRecord, 'seq'> = {
			method,
			route: url.pathname,
			path: url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : url.pathname,
			query: Object.fromEntries(url.searchParams),
			params: {},
			body: undefined,
			status: 0,
			response: undefined,
			at: started
		};
		const rawReason = header(request, 'x-audit-log-reason');
		if (rawReason) record.reason = safeDecode(rawReason);
		let status = 500;
		let body: unknown;
		let headers: Record<string, string> = {};
		try {
			const raw = await readBody(request);
			const result = await this.#process(request, method, url, record, raw);
			status = result.status;
			body = result.body;
			headers = result.headers;
		} catch (error) {
			({ status, body } = this.#error(error, record));
		}
		record.status = status;
		record.response = body;
		if (!response.headersSent) {
			const out: Record<string, string> = { ...headers, 'x-emulator': 'discord-emulator' };
			if (status !== 204 && body !== undefined) out['content-type'] = 'application/json';
			response.writeHead(status, out);
			response.end(status === 204 || body === undefined ? undefined : JSON.stringify(body));
		}
		this.core.recorder.recordRest(record);
	}

	async #process(
		request: IncomingMessage,
		method: string,
		url: URL,
		record: Omit<RestRecord, 'seq'>,
		raw: Buffer
	): Promise<{ status: number; body?: unknown; headers: Record<string, string> }> {
		if (!url.pathname.startsWith(`${PREFIX}/`)) {
			this.#fail(record, 'unknown-route', `${method} ${url.pathname}: the emulator serves API v10 under ${PREFIX}`, 404);
			return { status: 404, body: { message: '404: Not Found', code: 0 }, headers: {} };
		}
		const { match, allowed } = this.router.match(method, record.path);
		if (!match) {
			if (allowed.length) {
				this.#fail(record, 'method-not-allowed', `${method} ${record.path} (allowed: ${allowed.join(', ')})`, 405);
				return { status: 405, body: { message: '405: Method Not Allowed', code: 0 }, headers: { allow: allowed.join(', ') } };
			}
			this.#fail(record, 'unknown-route', `${method} ${record.path}${describeMissing(method, record.path)}`, 404);
			return { status: 404, body: { message: '404: Not Found', code: 0 }, headers: {} };
		}
		const { route, params } = match;
		record.route = route.path;
		record.params = params;
		if (route.auth === 'bot' && header(request, 'authorization') !== `Bot ${this.core.bot.token}`) {
			this.#fail(record, 'unauthorized', `${method} ${route.path} without a valid "Bot <token>" Authorization header`, 401);
			return { status: 401, body: { message: '401: Unauthorized', code: 0 }, headers: {} };
		}
		const limit = this.core.rateLimits.take(method, route.path, params);
		if (limit.limited) {
			const { retryAfter, global } = limit.limited;
			return {
				status: 429,
				body: { message: 'You are being rate limited.', retry_after: Number(retryAfter.toFixed(3)), global, code: 0 },
				headers: limit.headers
			};
		}
		const requestSizeLimit = this.core.attachments.requestSizeLimit;
		if (raw.length > requestSizeLimit) {
			const detail = `${method} ${route.path}: a body of ${raw.length} bytes (Discord takes at most ${requestSizeLimit})`;
			return this.#tooLarge(record, detail, limit.headers);
		}
		const parsed = await parseBody(request, raw);
		if (parsed.invalid === 'multipart') {
			this.#fail(record, 'invalid-body', `${method} ${route.path}: the multipart/form-data body cannot be read`, 400);
			return { status: 400, body: { message: '400: Bad Request', code: 0 }, headers: limit.headers };
		}
		if (parsed.invalid) {
			this.#fail(record, 'invalid-body', `${method} ${route.path}: body is not valid JSON`, 400, ErrorCodes.InvalidJson);
			return { status: 400, body: { message: 'The request body contains invalid JSON.', code: ErrorCodes.InvalidJson }, headers: limit.headers };
		}
		record.body = parsed.body;
		if (parsed.files.length) {
			record.files = parsed.files.map((file) => ({ field: file.field, filename: file.filename, contentType: file.contentType, size: file.bytes.length }));
		}
		const sizeLimit = this.core.attachments.sizeLimit;
		const oversized = parsed.files.find((file) => file.bytes.length > sizeLimit);
		if (oversized) {
			const detail = `${method} ${route.path}: ${oversized.field} "${oversized.filename}" has ${oversized.bytes.length} bytes (limit ${sizeLimit} per file)`;
			return this.#tooLarge(record, detail, limit.headers);
		}
		const issues = [
			...this.core.validator.validateQuery(method, route.path, url.searchParams),
			...(parsed.body === undefined ? [] : this.core.validator.validate(method, route.path, parsed.body)),
			...reasonIssues(record.reason)
		];
		if (issues.length) {
			const summary = issues.map((issue) => `${issue.path || '(body)'}: ${issue.code} ${issue.message}`).join('; ');
			this.#fail(record, 'invalid-body', `${method} ${route.path}: ${summary}`, 400, ErrorCodes.InvalidFormBody);
			const error = new DiscordHttpError(400, ErrorCodes.InvalidFormBody, undefined, errorTree(issues));
			return { status: 400, body: error.toJSON(), headers: limit.headers };
		}
		const context = new RouteContext(this.core, method, route.path, params, url.searchParams, parsed.body, record.reason, parsed.files);
		try {
			const result = await route.handler(context);
			if (result instanceof Reply) {
				return { status: result.status, body: result.body, headers: { ...limit.headers, ...result.headers } };
			}
			return { status: result === undefined ? 204 : 200, body: result, headers: limit.headers };
		} catch (error) {
			return { ...this.#error(error, record), headers: limit.headers };
		}
	}

	/**
	 * 413 Request entity too large (40005), as Discord answers a request over 25 MiB or a file over the upload limit
	 * (reference "Uploading Files"; discord-api-docs issue #8572 quotes `413 Payload Too Large (error code: 40005)`).
	 * Recorded as 'refused': the size of what a bot re-uploads depends on its users.
	 */
	#tooLarge(record: Omit<RestRecord, 'seq'>, detail: string, headers: Record<string, string>) {
		this.#fail(record, 'refused', `${detail}: 40005 Request entity too large`, 413, ErrorCodes.RequestEntityTooLarge);
		return { status: 413, body: new DiscordHttpError(413, ErrorCodes.RequestEntityTooLarge).toJSON(), headers };
	}

	#error(error: unknown, record: Omit<RestRecord, 'seq'>): { status: number; body: unknown } {
		if (error instanceof DiscordHttpError) {
			const kind: EmulatorFailure['kind'] =
				error.failureKind ??
				(error.code === ErrorCodes.UnknownInteraction ||
				error.code === ErrorCodes.AlreadyAcknowledged ||
				error.code === ErrorCodes.InvalidWebhookToken
					? 'interaction'
					: error.code === ErrorCodes.CannotMessageUser
						? 'refused'
						: error.status === 403
							? 'missing-permissions'
							: error.status === 404
								? 'unknown-resource'
								: error.code === ErrorCodes.InvalidFormBody ||
									  error.code === ErrorCodes.EmptyMessage ||
									  error.code === ErrorCodes.MaxAttachments
									? 'invalid-body'
									: 'refused');
			const detail = error.detail ? ` (${error.detail})` : '';
			this.#fail(record, kind, `${record.method} ${record.route}: ${error.code} ${error.message}${detail}`, error.status, error.code);
			return { status: error.status, body: error.toJSON() };
		}
		const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
		this.#fail(record, 'other', `${record.method} ${record.route}: emulator error ${message}`, 500);
		return { status: 500, body: { message: '500: Internal Server Error', code: 0 } };
	}

	#fail(record: Omit<RestRecord, 'seq'>, kind: EmulatorFailure['kind'], message: string, status: number, code?: number): void {
		this.core.failures.add({ kind, message, method: record.method, route: record.route, path: record.path, status, code });
	}
}

/**
 * X-Audit-Log-Reason holds 1 to 512 characters once URL-decoded ("Audit Log Entry Object"). Discord refuses a longer
 * one with 400 Invalid Form Body, the error under `reason`: `Must be 512 or fewer in length.` (BASE_TYPE_MAX_LENGTH),
 * and performs nothing. Characters are Unicode code points.
 */
function reasonIssues(reason: string | undefined): BodyIssue[] {
	if (reason === undefined || [...reason].length <= MAX_AUDIT_LOG_REASON_LENGTH) return [];
	return [{ path: 'reason', code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${MAX_AUDIT_LOG_REASON_LENGTH} or fewer in length.` }];
}

function header(request: IncomingMessage, name: string): string | undefined {
	const value = request.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

function safeDecode(value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}

function readBody(request: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => resolve(Buffer.concat(chunks)));
		request.on('error', reject);
	});
}

/** JSON bodies, or multipart bodies (`payload_json` or form fields, and `files[n]` parts: ./uploads.ts). */
async function parseBody(request: IncomingMessage, raw: Buffer): Promise<ParsedBody> {
	if (raw.length === 0) return { files: [] };
	const type = header(request, 'content-type') ?? '';
	if (type.startsWith('multipart/form-data')) return parseMultipart(raw, type);
	try {
		return { body: JSON.parse(raw.toString('utf8')), files: [] };
	} catch {
		return { files: [], invalid: 'json' };
	}
}

/** Adds a hint when Discord has the route but the emulator does not implement it. */
function describeMissing(method: string, path: string): string {
	const template = specRouteFor(method, path);
	return template ? ` (Discord's ${method} ${template}, which the emulator does not implement)` : ' (no such route on Discord)';
}
