/**
 * Validates REST request bodies against Discord's own OpenAPI 3.1 description (./../spec/openapi.json, MIT, see
 * spec/README.md): Ajv's 2020-12 build with ajv-formats, strict mode off, formats int32 / int64 / double /
 * snowflake / nonce registered and the `x-discord-union` keyword allowed. Validators compile lazily per operation
 * and are shared by every emulator in the process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { BodyIssue } from './issues.js';

const SPEC_ID = 'discord-openapi.json';
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

let ajv: Ajv2020 | null = null;
let spec: { paths: Record<string, Record<string, any>> } | null = null;
const cache = new Map<string, ValidateFunction | null>();

function load(): { ajv: Ajv2020; spec: NonNullable<typeof spec> } {
	if (ajv && spec) return { ajv, spec };
	spec = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'spec', 'openapi.json'), 'utf8'));
	acceptStringBitfields(spec);
	acceptNumericAttachmentIds(spec as Parameters<typeof acceptNumericAttachmentIds>[0]);
	discriminateUnions(spec, (spec as { components?: { schemas?: Record<string, any> } }).components?.schemas ?? {});
	const instance = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
	const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
	(addFormats as unknown as (ajv: Ajv2020) => void)(instance);
	instance.addFormat('int32', {
		type: 'number',
		validate: (value: number) => Number.isInteger(value) && value >= INT32.min && value <= INT32.max
	});
	instance.addFormat('int64', { type: 'number', validate: (value: number) => Number.isInteger(value) });
	instance.addFormat('double', { type: 'number', validate: (value: number) => Number.isFinite(value) });
	instance.addFormat('snowflake', /^(0|[1-9][0-9]{0,19})$/);
	instance.addFormat('nonce', { type: 'string', validate: () => true });
	instance.addKeyword('x-discord-union');
	instance.addSchema(spec as object, SPEC_ID);
	ajv = instance;
	return { ajv: instance, spec: spec! };
}

/** True when the spec describes a JSON request body for this operation. */
export function hasBodySchema(method: string, route: string): boolean {
	const { spec } = load();
	return Boolean(spec.paths[route]?.[method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema);
}

/** True when the spec knows this operation at all. */
export function specHasOperation(method: string, route: string): boolean {
	const { spec } = load();
	return Boolean(spec.paths[route]?.[method.toLowerCase()]);
}

/** A query parameter the spec declares, with its schema (a `$ref` to a component resolved, one level). */
export interface SpecQueryParameter {
	name: string;
	required: boolean;
	schema: Record<string, any>;
}

/** The query parameters the spec declares for an operation ('GET', '/guilds/{guild_id}/audit-logs'). */
export function specQueryParameters(method: string, route: string): SpecQueryParameter[] {
	const { spec } = load();
	const operation = spec.paths[route]?.[method.toLowerCase()];
	const components = (spec as { components?: { schemas?: Record<string, any> } }).components?.schemas ?? {};
	return ((operation?.parameters as Record<string, any>[] | undefined) ?? [])
		.filter((parameter) => parameter.in === 'query')
		.map((parameter) => {
			let schema = (parameter.schema ?? {}) as Record<string, any>;
			const ref = typeof schema.$ref === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1] : undefined;
			if (ref) schema = components[ref] ?? {};
			return { name: String(parameter.name), required: parameter.required === true, schema };
		});
}

/** The spec's template for a concrete path ('/guilds/1/roles' -> '/guilds/{guild_id}/roles'), if it has the operation. */
export function specRouteFor(method: string, path: string): string | undefined {
	const { spec } = load();
	const parts = path.split('/').filter(Boolean);
	return Object.keys(spec.paths).find((template) => {
		const segments = template.split('/').filter(Boolean);
		return (
			segments.length === parts.length &&
			segments.every((segment, index) => segment.startsWith('{') || segment === parts[index]) &&
			Boolean(spec.paths[template]?.[method.toLowerCase()])
		);
	});
}

/**
 * Known deviation of the spec from Discord: request schemas type permission bitfields (`allow`, `deny`,
 * `permissions`, `default_member_permissions`) as integers, while Discord documents them as strings and discord.js
 * sends strings (bitfields pass 2^53). Each such property also accepts a string of digits.
 */
export const BITFIELD_PROPERTIES = ['allow', 'deny', 'permissions', 'default_member_permissions'];

/**
 * Known deviation of the spec: it types `attachments[].id` of message requests as a snowflake string, while Discord
 * documents "snowflake or number" (resources/message "Attachment Request Structure") and its own example of
 * "Uploading Files" sends `"id": 0`, the `n` of `files[n]`. The id also accepts a non-negative integer.
 */
function acceptNumericAttachmentIds(document: { components?: { schemas?: Record<string, any> } } | null): void {
	const request = document?.components?.schemas?.MessageAttachmentRequest;
	if (!request?.properties?.id) return;
	request.properties.id = { anyOf: [request.properties.id, { type: 'integer', minimum: 0 }] };
}

function acceptStringBitfields(node: unknown): void {
	if (Array.isArray(node)) {
		for (const child of node) acceptStringBitfields(child);
		return;
	}
	if (!node || typeof node !== 'object') return;
	const record = node as Record<string, any>;
	const properties = record.properties as Record<string, any> | undefined;
	if (properties && typeof properties === 'object') {
		for (const name of BITFIELD_PROPERTIES) {
			const property = properties[name];
			const types = property ? ([] as unknown[]).concat(property.type) : [];
			if (types.includes('integer')) {
				properties[name] = { anyOf: [property, { type: 'string', pattern: '^[0-9]{1,20}$' }] };
			}
		}
	}
	for (const value of Object.values(record)) acceptStringBitfields(value);
}

/**
 * Tagged unions of the spec (`oneOf` / `anyOf` whose branches are objects that all require one property, `type` or
 * `trigger_type`, holding a single distinct value each: message components, command options, auto moderation rules
 * and their actions) are rewritten as `if` / `then` pairs keyed on that property, plus an `enum` of the values. A body
 * is then checked against the branch its tag names only, as Discord does: without it, Ajv reports every other
 * branch's mismatches too (`actions.0.metadata.channel_id` required for a TIMEOUT action, `trigger_type` must be 4,
 * 3, 5, 6 for a KEYWORD rule). Bodies valid before stay valid: with distinct tags, "exactly one branch" and "the
 * tagged branch" accept the same bodies.
 */
function discriminateUnions(node: unknown, components: Record<string, any>): void {
	if (Array.isArray(node)) {
		for (const child of node) discriminateUnions(child, components);
		return;
	}
	if (!node || typeof node !== 'object') return;
	const record = node as Record<string, any>;
	for (const value of Object.values(record)) discriminateUnions(value, components);
	for (const key of ['oneOf', 'anyOf'] as const) {
		const branches = record[key];
		if (!Array.isArray(branches) || branches.length < 2) continue;
		const tagged = unionTag(branches, components);
		if (!tagged) continue;
		delete record[key];
		const { property, values } = tagged;
		record.allOf = [
			...((record.allOf as unknown[] | undefined) ?? []),
			{ required: [property], properties: { [property]: { enum: values } } },
			...branches.map((branch, index) => ({
				if: { properties: { [property]: { const: values[index] } }, required: [property] },
				then: branch
			}))
		];
	}
}

/** The tag of a union: the property every branch requires with one single value, all values distinct. */
function unionTag(branches: unknown[], components: Record<string, any>): { property: string; values: unknown[] } | null {
	const resolved = branches.map((branch) => {
		const ref = (branch as { $ref?: unknown } | null)?.$ref;
		const name = typeof ref === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1] : undefined;
		return (name ? components[name] : branch) as Record<string, any> | undefined;
	});
	for (const property of ['type', 'trigger_type']) {
		const values: unknown[] = [];
		for (const schema of resolved) {
			const tag = schema?.properties?.[property] as Record<string, any> | undefined;
			const choices = tag?.const !== undefined ? [tag.const] : tag?.enum;
			if (!Array.isArray(choices) || choices.length !== 1 || !schema?.required?.includes(property)) break;
			values.push(choices[0]);
		}
		if (values.length === resolved.length && new Set(values).size === values.length) return { property, values };
	}
	return null;
}

function validatorFor(method: string, route: string): ValidateFunction | null {
	const key = `${method} ${route}`;
	if (cache.has(key)) return cache.get(key)!;
	const { ajv } = load();
	let validate: ValidateFunction | null = null;
	if (hasBodySchema(method, route)) {
		const pointer = ['paths', route, method.toLowerCase(), 'requestBody', 'content', 'application/json', 'schema']
			.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
			.join('/');
		validate = ajv.getSchema(`${SPEC_ID}#/${pointer}`) ?? null;
	}
	cache.set(key, validate);
	return validate;
}

/**
 * Validates a JSON body against the operation's request schema. Returns Discord-style issues (empty when valid or
 * when the spec has no body schema for the operation).
 */
export function validateAgainstSpec(method: string, route: string, body: unknown): BodyIssue[] {
	const validate = validatorFor(method, route);
	if (!validate) return [];
	if (validate(body)) return [];
	return toIssues(validate.errors ?? []);
}

/**
 * Turns Ajv errors into Discord's error codes. Union branches rejected only because their `type` discriminator
 * differs are dropped so the issues name the real problem (the spec describes unions as anyOf), and so is the
 * "must be null" of a nullable field's `null` branch when the value was meant for the other one.
 */
function toIssues(errors: ErrorObject[]): BodyIssue[] {
	const meaningful = errors.filter(
		(error) =>
			!['anyOf', 'oneOf', 'if', 'then', 'else', 'allOf'].includes(error.keyword) &&
			!(/\/type$/.test(error.instancePath) && (error.keyword === 'enum' || error.keyword === 'const')) &&
			!(error.keyword === 'type' && (error.params as { type?: unknown }).type === 'null')
	);
	const chosen = meaningful.length ? meaningful : errors;
	const seen = new Set<string>();
	const issues: BodyIssue[] = [];
	for (const error of chosen) {
		const issue = toIssue(error);
		const key = `${issue.path}|${issue.code}|${issue.message}`;
		if (seen.has(key)) continue;
		seen.add(key);
		issues.push(issue);
	}
	return issues;
}

function toIssue(error: ErrorObject): BodyIssue {
	const base = error.instancePath.split('/').filter(Boolean).join('.');
	const params = error.params as Record<string, any>;
	switch (error.keyword) {
		case 'required':
			return { path: join2(base, params.missingProperty), code: 'BASE_TYPE_REQUIRED', message: 'This field is required' };
		case 'maxLength':
			return { path: base, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${params.limit} or fewer in length.` };
		case 'minLength':
			return { path: base, code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${params.limit} or more in length.` };
		case 'maxItems':
			return { path: base, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${params.limit} or fewer in length.` };
		case 'minItems':
			return { path: base, code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${params.limit} or more in length.` };
		case 'maximum':
			return { path: base, code: 'NUMBER_TYPE_MAX', message: `int value should be less than or equal to ${params.limit}.` };
		case 'minimum':
			return { path: base, code: 'NUMBER_TYPE_MIN', message: `int value should be greater than or equal to ${params.limit}.` };
		case 'enum':
		case 'const':
			return {
				path: base,
				code: 'BASE_TYPE_CHOICES',
				message: `Value must be one of ${JSON.stringify(params.allowedValues ?? [params.allowedValue])}.`
			};
		case 'type': {
			const type = String(params.type);
			const code = type.includes('object')
				? 'MODEL_TYPE_CONVERT'
				: type.includes('array')
					? 'LIST_TYPE_CONVERT'
					: type.includes('integer') || type.includes('number')
						? 'NUMBER_TYPE_COERCE'
						: type.includes('boolean')
							? 'BOOLEAN_TYPE_CONVERT'
							: 'STRING_TYPE_CONVERT';
			return { path: base, code, message: `Expected ${type} (${error.message ?? ''}).` };
		}
		case 'format':
		case 'pattern':
			return { path: base, code: 'STRING_TYPE_REGEX', message: `Value does not match ${String(params.format ?? params.pattern)}.` };
		default:
			return { path: base, code: 'BASE_TYPE_INVALID', message: error.message ?? error.keyword };
	}
}

function join2(base: string, key: string): string {
	return base ? `${base}.${key}` : key;
}
