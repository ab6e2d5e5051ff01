/**
 * One clear line when PostgreSQL or Redis cannot be reached at start-up (issue 12, "a first start without
 * surprises"): the variable, the host and what failed, instead of a driver's stack trace. The original error is the
 * `cause` (startBot logs its stack at debug level).
 */

/** A dependency named by an environment variable could not be reached at start-up; `message` is one line. */
export class StartupConnectionError extends Error {
	public override readonly name = 'StartupConnectionError';
}

/** `host:port` of a connection URL (never its user or password); the default port when the URL has none. */
export function hostOf(url: string, defaultPort: number): string {
	try {
		const parsed = new URL(url);
		return `${parsed.hostname || 'localhost'}:${parsed.port || defaultPort}`;
	} catch {
		return '(an invalid URL)';
	}
}

/** Network codes and PostgreSQL SQLSTATEs of "could not connect" (not of a failing statement). */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', '28P01', '28000', '3D000']);

/** The driver error's code, looking through a wrapping error's `cause`. */
function codeOf(error: unknown): unknown {
	for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
		const { code } = current as { code?: unknown };
		if (code !== undefined) return code;
	}
	return undefined;
}

/** Whether `error` says the connection itself failed (refused, unknown host, authentication, no such database). */
export function isConnectFailure(error: unknown): boolean {
	return CONNECT_CODES.has(codeOf(error) as string) || /Connection terminated|timeout expired/i.test(String((error as Error)?.message));
}

/** What failed, in words, from a driver's error: its network code, PostgreSQL's SQLSTATE or Redis's reply. */
export function describeConnectFailure(error: unknown): string {
	const code = codeOf(error);
	const { message } = (error ?? {}) as { message?: unknown };
	const text = typeof message === 'string' ? message : String(error);
	switch (code) {
		case 'ECONNREFUSED':
			return 'connection refused (nothing listens there)';
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'unknown host';
		case 'ETIMEDOUT':
		case 'ECONNRESET':
			return `no answer (${code})`;
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return 'host unreachable';
		case '28P01':
		case '28000':
			return `authentication failed (${text})`;
		case '3D000':
			return `database does not exist (${text})`;
	}
	if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(text)) return `authentication failed (${text})`;
	if (/timed? ?out/i.test(text)) return `no answer in time (${text})`;
	return text;
}

/**
 * The error startBot throws for an unreachable dependency: `Cannot reach PostgreSQL at 127.0.0.1:1 (DATABASE_URL):
 * connection refused (nothing listens there).`
 */
export function startupConnectionError(what: 'PostgreSQL' | 'Redis', variable: string, url: string, error: unknown): StartupConnectionError {
	const host = hostOf(url, what === 'PostgreSQL' ? 5432 : 6379);
	return new StartupConnectionError(`Cannot reach ${what} at ${host} (${variable}): ${describeConnectFailure(error)}.`, { cause: error });
}
