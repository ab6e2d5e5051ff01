/**
 * Route table of the REST API. Routes are named by the path templates of Discord's OpenAPI description
 * (`/guilds/{guild_id}/members/{user_id}`), which is also how request bodies find their schema. Literal segments
 * (`@me`, `@original`, `bulk-delete`, `search`) win over parameters, as on Discord.
 */
import type { RouteContext } from './context.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** An explicit response: status (204 has no body), JSON body, extra headers. */
export class Reply {
	public constructor(
		public readonly status: number,
		public readonly body?: unknown,
		public readonly headers: Record<string, string> = {}
	) {}
}

/** A handler returns a JSON body (status 200) or a {@link Reply}. */
export type RouteResult = unknown;

export interface RouteDefinition {
	method: HttpMethod;
	/** OpenAPI path template. */
	path: string;
	/** 'bot': needs `Authorization: Bot <token>`; 'none': interaction callbacks and webhook-token routes. */
	auth: 'bot' | 'none';
	handler: (context: RouteContext) => RouteResult | Promise<RouteResult>;
}

/** Shorthand for `new Reply(...)`. */
export function respond(status: number, body?: unknown, headers?: Record<string, string>): Reply {
	return new Reply(status, body, headers);
}

interface CompiledRoute extends RouteDefinition {
	segments: string[];
	literalCount: number;
}

export interface RouteMatch {
	route: RouteDefinition;
	params: Record<string, string>;
}

export class Router {
	readonly #routes: CompiledRoute[] = [];

	public add(routes: RouteDefinition[]): void {
		for (const route of routes) {
			const segments = route.path.split('/').filter(Boolean);
			this.#routes.push({ ...route, segments, literalCount: segments.filter((s) => !s.startsWith('{')).length });
		}
		// More literal segments first, so '/users/@me' wins over '/users/{user_id}'.
		this.#routes.sort((a, b) => b.literalCount - a.literalCount);
	}

	/** Finds the route for a path. `allowed` lists the methods the path supports when the method does not match. */
	public match(method: string, path: string): { match?: RouteMatch; allowed: string[] } {
		const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
		const allowed: string[] = [];
		for (const route of this.#routes) {
			const params = matchSegments(route.segments, parts);
			if (!params) continue;
			if (route.method === method) return { match: { route, params }, allowed };
			allowed.push(route.method);
		}
		return { allowed };
	}

	/** Every registered 'METHOD /template'. */
	public list(): string[] {
		return this.#routes.map((route) => `${route.method} ${route.path}`);
	}
}

function matchSegments(segments: string[], parts: string[]): Record<string, string> | null {
	if (segments.length !== parts.length) return null;
	const params: Record<string, string> = {};
	for (let index = 0; index < segments.length; index++) {
		const segment = segments[index]!;
		const part = parts[index]!;
		if (segment.startsWith('{')) {
			// A parameter never swallows a literal keyword such as @me or @original.
			if (part.startsWith('@') && !segment.includes('emoji')) return null;
			params[segment.slice(1, -1)] = part;
		} else if (segment !== part) return null;
	}
	return params;
}
