/**
 * Deeply immutable values. The settings service hands the same cached objects (snapshots, plugin configs) to every
 * caller, so one caller changing them would change them for all: they are frozen instead, and a mutation throws a
 * TypeError (ES modules run in strict mode).
 */

/** `T` with every property, array and nested object read-only (the compile-time side of {@link deepFreeze}). */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
	? T
	: T extends readonly (infer Item)[]
		? readonly DeepReadonly<Item>[]
		: T extends object
			? { readonly [K in keyof T]: DeepReadonly<T[K]> }
			: T;

/**
 * Freezes a value and everything reachable from it through own properties (plain objects, arrays, and any other
 * object), cycles included.
 * @returns the same value, typed read-only.
 */
export function deepFreeze<T>(value: T): DeepReadonly<T> {
	const seen = new WeakSet<object>();
	const visit = (current: unknown): void => {
		if (current === null || typeof current !== 'object' || seen.has(current)) return;
		seen.add(current);
		Object.freeze(current);
		for (const key of Reflect.ownKeys(current)) visit((current as Record<PropertyKey, unknown>)[key]);
	};
	visit(value);
	return value as DeepReadonly<T>;
}
