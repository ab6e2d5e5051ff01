import { ConnectionException, DriverException } from '@mikro-orm/core';

/**
 * Telling an outage of a dependency (PostgreSQL, Redis) from a bug: a command that fails because the database or
 * Redis cannot be reached gets a translated "temporarily unavailable, try again shortly" with an error id
 * (src/lib/failures.ts `answerFailure`), not "something went wrong on my side".
 */

/** A dependency whose outage made an operation fail. */
export type Dependency = 'postgres' | 'redis';

/**
 * PostgreSQL SQLSTATEs of a server that is gone or going: class 08 (connection exception) and 57P01–57P03
 * (admin_shutdown, crash_shutdown, cannot_connect_now), from PostgreSQL's "Appendix A. Error Codes".
 */
const POSTGRES_OUTAGE_STATES = /^(08\w{3}|57P0[123])$/;

/** Node's socket errors of a server that cannot be reached. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Messages of node-postgres (pg, pg-pool) when its connection dies or cannot be made. */
const PG_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|the database system is (starting up|shutting down|in recovery mode)/i;

/** Stack frames of node-postgres and its pool. */
const PG_FRAMES = /node_modules[\\/](pg|pg-pool)[\\/]|postgres-driver\.js/;

/** Messages of ioredis when Redis cannot be reached (offline queue off, retries spent, command timeout). */
const REDIS_MESSAGES = /Connection is closed|Stream isn't writeable|Reached the max retries per request limit|Command timed out/i;

/**
 * Which dependency's outage caused `error`, or null when it is not an outage (a bug, a refusal, Discord).
 * Looks at the error and its `cause` chain (at most 5 deep).
 */
export function dependencyOutageOf(error: unknown): Dependency | null {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
		const found = classify(current);
		if (found) return found;
		current = (current as { cause?: unknown }).cause;
	}
	return null;
}

function classify(error: Error): Dependency | null {
	if (error instanceof ConnectionException) return 'postgres';
	const code = (error as { code?: unknown }).code;
	if (error instanceof DriverException) {
		const sqlState = (error as { sqlState?: unknown }).sqlState ?? code;
		if (typeof sqlState === 'string' && POSTGRES_OUTAGE_STATES.test(sqlState)) return 'postgres';
		if (typeof code === 'string' && SOCKET_CODES.has(code)) return 'postgres';
		if (PG_MESSAGES.test(error.message)) return 'postgres';
	}
	// A refused or cut socket reaches us raw from the pool (kysely's acquireConnection): PostgreSQL's when it was
	// thrown by node-postgres (its frames in the stack), never a Discord request's (undici's) with the same code.
	if (typeof code === 'string' && SOCKET_CODES.has(code) && PG_FRAMES.test(error.stack ?? '')) return 'postgres';
	if (error.name === 'MaxRetriesPerRequestError' || REDIS_MESSAGES.test(error.message)) return 'redis';
	if (PG_MESSAGES.test(error.message)) return 'postgres';
	if (typeof code === 'string' && POSTGRES_OUTAGE_STATES.test(code)) return 'postgres';
	return null;
}
