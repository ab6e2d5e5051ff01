import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery } from 'kysely';

/**
 * Runs one SQL statement with real bind parameters (`$1`, `$2`, …) and returns its rows.
 *
 * Why not `em.execute()`: MikroORM 7.2's `execute()` never sends bind parameters. It escapes every parameter in
 * JavaScript (`platform.formatQuery`) and inlines it into the SQL text, so a large array parameter becomes a large
 * statement that PostgreSQL must lex and parse as SQL (about 1 MB per 25,000-member voice XP flush). This sends the
 * statement through the Kysely client MikroORM itself runs on (`em.getKysely()`, documented by MikroORM, with the
 * `pg` pool MikroORM opened: no second pool), whose `pg` driver sends the text and the parameters separately
 * (extended query protocol).
 *
 * Kept from `em.execute()`: the EntityManager's transaction (inside `em.transactional()` or after `em.begin()` the
 * statement runs on that transaction's connection), MikroORM's query log (one `query` entry per statement with its
 * time and row count; the SQL text without the parameters) and slow-query log, and error conversion (a PostgreSQL
 * error becomes MikroORM's `DriverException` subclass, e.g. `TableNotFoundException`).
 * Not applied: MikroORM's `onQuery` hook, the EntityManager's abort signal and session context (RLS variables);
 * the bot uses none of them.
 *
 * Kysely is declared in package.json at the exact version `@mikro-orm/postgresql` depends on (one shared copy):
 * upgrade the two together.
 *
 * @param em a PostgreSQL EntityManager (any fork)
 * @param sql the statement, with `$1…$n` placeholders (`?` is not replaced here)
 * @param parameters the values of `$1…$n`, in order, as the `pg` driver serializes them (strings, numbers, null, …)
 * @returns the rows the statement returned (with the type parsers MikroORM installed on the pool: bigint as string)
 * @throws MikroORM's `DriverException` (or a subclass) for an error reported by PostgreSQL or the driver
 */
export async function executeWithBindParameters<Row>(em: EntityManager, sql: string, parameters: readonly unknown[]): Promise<Row[]> {
	const kysely = em.getKysely();
	const started = Date.now();
	try {
		const result = await kysely.executeQuery(CompiledQuery.raw(sql, [...parameters]));
		logStatement(em, sql, { took: Date.now() - started, results: result.rows.length });
		return result.rows as Row[];
	} catch (error) {
		logStatement(em, sql, { took: Date.now() - started, level: 'error' });
		throw em.getDriver().convertException(error instanceof Error ? error : new Error(String(error)));
	}
}

/** Logs a statement as MikroORM's connection does for `execute()`: the `query` namespace, then the slow-query log. */
function logStatement(em: EntityManager, sql: string, context: { took: number; results?: number; level?: 'error' }): void {
	const config = em.config;
	config.getLogger().logQuery({ level: 'info', ...context, query: sql });
	const threshold = config.get('slowQueryThreshold');
	if (threshold != null && context.took >= threshold) {
		config.getSlowQueryLogger().logQuery({ ...context, enabled: true, level: context.level ?? 'warning', namespace: 'slow-query', query: sql });
	}
}
