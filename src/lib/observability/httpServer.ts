import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withTimeout } from '../timeout.js';
import type { BotMetrics } from './metrics.js';

/** What a health function reports: `ready` overall, and each named check (`gateway`, `postgres`, `redis`, ...). */
export interface HealthReport {
	ready: boolean;
	checks: Record<string, boolean>;
}

/** A named check: resolves (or returns) `true` when that dependency is usable. */
export type HealthCheck = () => boolean | Promise<boolean>;

/** Default time a health check may take before it counts as failed, in milliseconds. */
export const HEALTH_TIMEOUT_MS = 2_000;

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
	/** TCP port; 0 picks a free one (read it from the result). */
	port: number;
	/** Interface to bind. Default `0.0.0.0` (all IPv4 interfaces, as a container needs). */
	host?: string;
	/** Metrics served at `/metrics`. */
	metrics: BotMetrics;
	/** Called on each `/healthz` request. Throwing, rejecting or taking over `healthTimeoutMs` means not ready. */
	health: () => Promise<HealthReport>;
	/** Limit for `health()`, in milliseconds. Default {@link HEALTH_TIMEOUT_MS} (2 s). */
	healthTimeoutMs?: number;
}

/** A running server from {@link startHttpServer}. */
export interface RunningHttpServer {
	/** The bound port (the real one when 0 was asked for). */
	port: number;
	/** Stops listening and drops open connections, keep-alive ones included; resolves once closed. */
	close(): Promise<void>;
}

/**
 * Runs named checks side by side. A check is `true` only if it resolves `true` within `timeoutMs` milliseconds
 * (default 2 s); one that throws, rejects, returns anything else or is slower is `false`. `ready` is true when every
 * check is. Meant to build the `health` function of {@link startHttpServer}:
 * `health: () => runHealthChecks({ gateway: () => client.ws.status === Status.Ready, postgres: ..., redis: ... })`.
 */
export async function runHealthChecks(checks: Record<string, HealthCheck>, timeoutMs = HEALTH_TIMEOUT_MS): Promise<HealthReport> {
	const entries = await Promise.all(
		Object.entries(checks).map(async ([name, check]): Promise<[string, boolean]> => {
			try {
				return [name, (await withTimeout(Promise.resolve().then(check), timeoutMs, `Health check ${name}`)) === true];
			} catch {
				return [name, false];
			}
		})
	);
	return { ready: entries.every(([, ok]) => ok), checks: Object.fromEntries(entries) };
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
	res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...headers });
	res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
	send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions, healthTimeoutMs: number): Promise<void> {
	const path = new URL(req.url ?? '/', 'http://localhost').pathname;
	if (path !== '/healthz' && path !== '/metrics') {
		sendJson(res, 404, { error: 'not_found' });
		return;
	}
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
		return;
	}
	if (path === '/metrics') {
		const body = await options.metrics.registry.metrics();
		send(res, 200, options.metrics.registry.contentType, body);
		return;
	}
	let report: HealthReport;
	try {
		report = await withTimeout(Promise.resolve().then(options.health), healthTimeoutMs, 'Health check');
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		sendJson(res, 503, { status: 'not_ready', checks: {}, error: message });
		return;
	}
	const ready = report.ready === true;
	sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks: report.checks });
}

/**
 * Starts the operations HTTP server (node:http) and resolves once it listens:
 * - `GET /healthz`: 200 `{"status":"ready","checks":{...}}` when `health()` reports ready, else 503
 *   `{"status":"not_ready","checks":{...}}`; if `health()` throws or takes over `healthTimeoutMs` (2 s) it is 503 with
 *   `checks: {}` and an `error` text. For Docker HEALTHCHECK and orchestrator probes.
 * - `GET /metrics`: Prometheus text exposition of `metrics.registry`, with the registry's content type.
 * - Either path with another method: 405; any other path: 404. HEAD works like GET without a body.
 * @throws rejects with the listen error (e.g. `EADDRINUSE`) when the port cannot be bound.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
	const host = options.host ?? '0.0.0.0';
	const healthTimeoutMs = options.healthTimeoutMs ?? HEALTH_TIMEOUT_MS;
	const server = createServer((req, res) => {
		handle(req, res, options, healthTimeoutMs).catch((error: unknown) => {
			if (res.headersSent) {
				res.destroy();
				return;
			}
			sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address() as AddressInfo;
	let closing: Promise<void> | undefined;
	return {
		port,
		close() {
			closing ??= new Promise<void>((resolve, reject) => {
				server.close((error) => (error ? reject(error) : resolve()));
				server.closeAllConnections();
			});
			return closing;
		}
	};
}
