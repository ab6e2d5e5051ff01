/** One problem in a request body, located like Discord's 50035 `errors` tree ('embeds.0.title'). */
export interface BodyIssue {
	path: string;
	/** Discord's error code string, e.g. 'BASE_TYPE_MAX_LENGTH'. */
	code: string;
	message: string;
}

/** Collects issues under a path prefix. */
export class IssueList {
	public readonly issues: BodyIssue[] = [];

	public add(path: string, code: string, message: string): void {
		this.issues.push({ path, code, message });
	}

	/** Adds BASE_TYPE_BAD_LENGTH / MAX / MIN when a string or array length is outside [min, max]. */
	public length(path: string, value: unknown, min: number, max: number): void {
		if (value === undefined || value === null) return;
		const length = typeof value === 'string' ? [...value].length : Array.isArray(value) ? value.length : null;
		if (length === null) return;
		if (length > max) {
			this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
		} else if (length < min) {
			this.add(path, min === 1 && typeof value === 'string' ? 'BASE_TYPE_REQUIRED' : 'BASE_TYPE_MIN_LENGTH',
				min === 1 && typeof value === 'string' ? 'This field is required' : `Must be ${min} or more in length.`);
		}
	}

	public required(path: string, value: unknown): boolean {
		if (value === undefined || value === null || value === '') {
			this.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
			return false;
		}
		return true;
	}
}

export function at(prefix: string, key: string | number): string {
	return prefix ? `${prefix}.${key}` : String(key);
}
