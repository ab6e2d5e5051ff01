/**
 * Checks a request's query string against the parameters Discord's OpenAPI description declares for the operation
 * (../spec/openapi.json): integers (`limit` of `GET /channels/{channel_id}/messages` is 1–100, of
 * `GET /guilds/{guild_id}/bans` 1–1000), snowflakes (`before`, `after`, `around`, `user_id`), integer enums
 * (`action_type`), string lengths, and required parameters. Discord answers such a query with 400 Invalid Form Body
 * (50035) and the error under the parameter's name, e.g. `limit: int value should be less than or equal to 100.` or
 * `before: Value "x" is not snowflake.`. Parameters the spec does not declare are ignored, as Discord ignores them;
 * booleans, arrays and date-times are not checked.
 */
import type { BodyIssue } from './issues.js';
import { specQueryParameters } from './openapi.js';

const SNOWFLAKE = /^(0|[1-9][0-9]{0,19})$/;
const INTEGER = /^-?[0-9]+$/;

/** Issues of the query string of an operation ('GET', '/guilds/{guild_id}/audit-logs'); empty when it is valid. */
export function checkQuery(method: string, route: string, query: URLSearchParams): BodyIssue[] {
	const issues: BodyIssue[] = [];
	for (const { name, required, schema } of specQueryParameters(method, route)) {
		const value = query.get(name);
		if (value === null) {
			if (required) issues.push({ path: name, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
			continue;
		}
		const issue = checkValue(name, value, schema);
		if (issue) issues.push(issue);
	}
	return issues;
}

function checkValue(name: string, value: string, schema: Record<string, any>): BodyIssue | null {
	if (schema.type === 'string' && schema.format === 'snowflake') {
		return SNOWFLAKE.test(value) && BigInt(value) < 2n ** 64n
			? null
			: { path: name, code: 'NUMBER_TYPE_COERCE', message: `Value "${value}" is not snowflake.` };
	}
	if (schema.type === 'integer') {
		if (!INTEGER.test(value)) return { path: name, code: 'NUMBER_TYPE_COERCE', message: `Value "${value}" is not int.` };
		const number = Number(value);
		if (typeof schema.minimum === 'number' && number < schema.minimum) {
			return { path: name, code: 'NUMBER_TYPE_MIN', message: `int value should be greater than or equal to ${schema.minimum}.` };
		}
		if (typeof schema.maximum === 'number' && number > schema.maximum) {
			return { path: name, code: 'NUMBER_TYPE_MAX', message: `int value should be less than or equal to ${schema.maximum}.` };
		}
		const allowed = Array.isArray(schema.oneOf)
			? (schema.oneOf as { const?: unknown }[]).map((option) => option.const).filter((option) => typeof option === 'number')
			: [];
		if (allowed.length && !allowed.includes(number)) {
			return { path: name, code: 'BASE_TYPE_CHOICES', message: `Value must be one of (${allowed.join(', ')}).` };
		}
		return null;
	}
	if (schema.type === 'string' && !schema.format) {
		const length = [...value].length;
		if (typeof schema.maxLength === 'number' && length > schema.maxLength) {
			return { path: name, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${schema.maxLength} or fewer in length.` };
		}
		if (typeof schema.minLength === 'number' && length < schema.minLength) {
			return { path: name, code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${schema.minLength} or more in length.` };
		}
	}
	return null;
}
