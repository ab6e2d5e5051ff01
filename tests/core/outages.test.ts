/**
 * src/lib/outages.ts: which failures are a dependency's outage (answered "temporarily unavailable") and which are not
 * (answered "something went wrong", logged as errors).
 */
import { ConnectionException, DriverException } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { dependencyOutageOf } from '../../src/lib/outages.js';

/** An Error with a `code` and a stack naming `frame`, as Node's socket errors reach us. */
function socketError(code: string, frame: string): Error {
	const error = Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });
	error.stack = `Error: connect ${code} 127.0.0.1:5432\n    at ${frame}`;
	return error;
}

describe('dependencyOutageOf', () => {
	it('names PostgreSQL for MikroORM connection errors, server shutdown states and the pool refusing to connect', () => {
		expect(dependencyOutageOf(new ConnectionException(new Error('connection refused')))).toBe('postgres');
		expect(dependencyOutageOf(Object.assign(new DriverException(new Error('terminating connection due to administrator command')), { sqlState: '57P01' }))).toBe('postgres');
		expect(dependencyOutageOf(Object.assign(new DriverException(new Error('could not connect')), { sqlState: '08006' }))).toBe('postgres');
		expect(dependencyOutageOf(socketError('ECONNREFUSED', '/app/node_modules/pg-pool/index.js:45:11'))).toBe('postgres');
		expect(dependencyOutageOf(new Error('Connection terminated unexpectedly'))).toBe('postgres');
		expect(dependencyOutageOf(new Error('wrapped', { cause: new Error('timeout exceeded when trying to connect') }))).toBe('postgres');
	});

	it('names Redis for ioredis errors of an unreachable server', () => {
		expect(dependencyOutageOf(new Error('Connection is closed.'))).toBe('redis');
		expect(dependencyOutageOf(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe('redis');
		expect(dependencyOutageOf(Object.assign(new Error('Reached the max retries per request limit (which is 1).'), { name: 'MaxRetriesPerRequestError' }))).toBe('redis');
		expect(dependencyOutageOf(new Error('Command timed out'))).toBe('redis');
	});

	it('does not call bugs, SQL errors or Discord being unreachable an outage', () => {
		expect(dependencyOutageOf(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBeNull();
		expect(dependencyOutageOf(Object.assign(new DriverException(new Error('duplicate key value violates unique constraint')), { sqlState: '23505' }))).toBeNull();
		expect(dependencyOutageOf(socketError('ECONNREFUSED', '/app/node_modules/undici/lib/dispatcher/client.js:1:1'))).toBeNull();
		expect(dependencyOutageOf('a string')).toBeNull();
		expect(dependencyOutageOf(undefined)).toBeNull();
	});
});
